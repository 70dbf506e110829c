// Precision of typo tolerance and compounds: a typo must not turn a word into
// another word the user did not mean, and a compound, its split form and its
// misspelling must find the same records.

#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/search/search_fixture.h"

namespace sofdir::search::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class SearchPrecisionTest : public SearchFixture {};

// Folding makes "æ" and "a" one letter, so "ældre" and "andre" are one edit
// apart, and "ændre" (a minority spelling) even folds to "andre". A word
// typed with æ, ø or å spends one edit on a word mostly spelled without.
TEST_F(SearchPrecisionTest, ADanishLetterTypedIsNoFreeEditOfAWordMostlySpelledWithout) {
  Load({Unit("unit-1", "Center", "Valby"),
        Tilbud("tilbud-1", "Rådgivning", "unit-1", "Vi hjælper andre videre."),
        Tilbud("tilbud-2", "Samtaler", "unit-1", "Hjælp til andre pårørende."),
        Tilbud("tilbud-3", "Forløb", "unit-1", "Vil du ændre noget?"),
        Tilbud("tilbud-4", "Værested Nord", "unit-1", "Kaffe.")});
  SearchResult r = Run("ældre");
  EXPECT_EQ(r.total, 0u);
  EXPECT_THAT(r.unmatched_words, ElementsAre("ældre"));
  r = Run("aeldre");  // the same word, spelled without æ
  EXPECT_EQ(r.total, 0u);
  // The word itself, and typos that need no Danish letter, still match.
  EXPECT_THAT(Ids(Run("andre")), UnorderedElementsAre("tilbud-1", "tilbud-2", "tilbud-3"));
  EXPECT_THAT(Ids(Run("andte")), UnorderedElementsAre("tilbud-1", "tilbud-2", "tilbud-3"));
  // A word mostly spelled with æ keeps its typo tolerance, however typed.
  for (const char* typed : {"værestd", "vaerestd", "varestd"}) {
    r = Run(typed);
    EXPECT_THAT(Ids(r), ElementsAre("tilbud-4")) << typed;
  }
}

TEST_F(SearchPrecisionTest, ATypoNeverLandsOnAStopWord) {
  // "andre" a stop word here; "andres" shares its stem, so the stop word's
  // term has postings of its own.
  Create("", "andre\nog\ni\n");
  Load({Unit("unit-1", "Center", "Valby"),
        Tilbud("tilbud-1", "Rådgivning", "unit-1", "Vi hjælper andre og ser andres behov."),
        Tilbud("tilbud-2", "Samtaler", "unit-1", "Samtaler om livet.")});
  SearchResult r = Run("aldre");
  EXPECT_THAT(Ids(r), IsEmpty());
  EXPECT_THAT(r.unmatched_words, ElementsAre("aldre"));
  EXPECT_THAT(Ids(Run("andres")), ElementsAre("tilbud-1"));
}

// The budget counts letters: "boern" is the 4-letter "børn" typed without
// ø, and a 4-letter word gets no typo, however it is spelled.
TEST_F(SearchPrecisionTest, TheTypoBudgetCountsLettersNotTheirSpelling) {
  Load({Unit("unit-1", "Center", "Valby"), Tilbud("tilbud-1", "Bord og stole", "unit-1", ""),
        Tilbud("tilbud-2", "Børn i hjemmet", "unit-1", "")});
  EXPECT_THAT(Ids(Run("boern")), ElementsAre("tilbud-2"));
  EXPECT_THAT(Ids(Run("børn")), ElementsAre("tilbud-2"));
}

struct CompoundCase {
  std::string compound, split, typo;
};
// Names the case in test output instead of dumping bytes.
void PrintTo(const CompoundCase& c, std::ostream* os) { *os << c.compound; }

class CompoundMeetsSplitTest : public SearchPrecisionTest,
                               public ::testing::WithParamInterface<CompoundCase> {};

// Records hold the compound, its parts apart, or a synonym of the compound:
// the compound, its misspelling and the split form all find the first two,
// and the compound and its misspelling find the same records in the same
// order, synonyms too.
TEST_P(CompoundMeetsSplitTest, ACompoundItsSplitFormAndItsMisspellingFindTheSameRecords) {
  const CompoundCase& c = GetParam();
  Create("alkoholbehandling, alkoholrådgivning\nungerådgivning, ungecafé\n");
  Load({Unit("unit-1", "Center", "Valby"),
        Tilbud("tilbud-compound", "Tilbud om " + c.compound, "unit-1", "Hjælp."),
        Tilbud("tilbud-split", "Tilbud om " + c.split, "unit-1", "Hjælp."),
        Tilbud("tilbud-synonym", "Alkoholrådgivning og ungecafé", "unit-1", "Hjælp."),
        Tilbud("tilbud-other", "Værested", "unit-1", "Kaffe.")});
  const SearchResult compound = Run(c.compound);
  const SearchResult typo = Run(c.typo);
  const SearchResult split = Run(c.split);
  EXPECT_THAT(Ids(compound),
              UnorderedElementsAre("tilbud-compound", "tilbud-split", "tilbud-synonym"));
  EXPECT_EQ(Ids(typo), Ids(compound)) << c.typo;
  EXPECT_EQ(typo.total, compound.total) << c.typo;
  EXPECT_THAT(typo.unmatched_words, IsEmpty());
  ASSERT_GE(split.hits.size(), 2u);
  EXPECT_THAT(std::vector<std::string>({split.hits[0].id, split.hits[1].id}),
              UnorderedElementsAre("tilbud-compound", "tilbud-split"));
}

INSTANTIATE_TEST_SUITE_P(
    Compounds, CompoundMeetsSplitTest,
    ::testing::Values(CompoundCase{"alkoholbehandling", "behandling af alkohol",
                                   "alkoholbehanling"},
                      CompoundCase{"ungerådgivning", "rådgivning for unge", "ungeraadgivnig"}),
    [](const ::testing::TestParamInfo<CompoundCase>& info) {
      return info.index == 0 ? std::string("alkoholbehandling") : std::string("ungeraadgivning");
    });

// No record holds the compound, so no correction of the whole word exists;
// its parts are words of the index but one is misspelt.
TEST_F(SearchPrecisionTest, AMisspeltPartOfACompoundNoRecordHoldsStillFindsThePartsApart) {
  Load({Unit("unit-1", "Center", "Valby"),
        Tilbud("tilbud-1", "Behandling af alkohol", "unit-1", "Ambulant."),
        Tilbud("tilbud-2", "Alkohol og stoffer", "unit-1", "Rådgivning."),
        Tilbud("tilbud-3", "Behandling af angst", "unit-1", "Samtaler.")});
  for (const char* typed : {"alkoholbehanling", "alkhoolbehandling"}) {
    const SearchResult r = Run(typed);
    EXPECT_THAT(Ids(r), ElementsAre("tilbud-1")) << typed;
    EXPECT_THAT(r.unmatched_words, IsEmpty()) << typed;
    ASSERT_FALSE(r.hits.empty());
    EXPECT_THAT(r.hits[0].explanation[0], HasSubstr("compound alkohol+behandling (after typo)"));
  }
  // Well spelt, the compound finds it through its parts as before.
  EXPECT_THAT(Ids(Run("alkoholbehandling")), ElementsAre("tilbud-1"));
}

// A person noun the thesaurus does not hold is looked up by its base: the
// concept of "narkomani" answers "narkomaner" (scored below the base), and a
// broader or narrower term never outscores the word itself.
TEST_F(SearchPrecisionTest, APersonNounFindsItsBasesConceptAndWidenedTermsScoreBelowExact) {
  Create(
      "concept: stofmisbrug\n"
      "alt: narkomani\n"
      "narrower: kokainmisbrug\n");
  Load({Unit("unit-1", "Center", "Valby"),
        Tilbud("tilbud-1", "Rådgivning om stofmisbrug", "unit-1", "Samtaler."),
        Tilbud("tilbud-2", "Kokainmisbrug", "unit-1", "Behandling af kokainmisbrug."),
        Tilbud("tilbud-3", "Samtaler", "unit-1", "Om livet.")});
  SearchResult r = Run("narkomaner");
  EXPECT_THAT(Ids(r), ::testing::Contains("tilbud-1"));
  EXPECT_THAT(Ids(r), ::testing::Not(::testing::Contains("tilbud-3")));

  // The rarer narrower term scores below the typed word.
  Load({Unit("unit-1", "Center", "Valby"),
        Tilbud("tilbud-1", "Stofmisbrug", "unit-1", "Samtaler om stofmisbrug."),
        Tilbud("tilbud-2", "Kokainmisbrug", "unit-1", "Samtaler om kokainmisbrug."),
        Tilbud("tilbud-4", "Stofmisbrug i familien", "unit-1", "Om stofmisbrug og familien."),
        Tilbud("tilbud-5", "Stofmisbrug og job", "unit-1", "Om stofmisbrug og arbejde.")});
  r = Run("stofmisbrug");
  ASSERT_THAT(Ids(r), ::testing::Contains("tilbud-2"));
  EXPECT_EQ(r.hits.back().id, "tilbud-2") << ::testing::PrintToString(Ids(r));
}

// A last word still being typed is completed ("aktiv" -> "aktivitetshuset");
// one the user went on from is whole, also when understanding left out what
// came after it ("aktiv nørrebro" searches "aktiv" with a place preference).
TEST_F(SearchPrecisionTest, AWholeLastWordIsNotCompletedAsAPrefix) {
  Load({Unit("unit-1", "Center", "Nørrebro"),
        Tilbud("tilbud-1", "Aktivitetshuset", "unit-1", "Værksted og café."),
        Tilbud("tilbud-2", "Aktiv fritid", "unit-1", "Klubaftener.")});
  EXPECT_THAT(Ids(Run("aktiv")), UnorderedElementsAre("tilbud-1", "tilbud-2"));
  SearchQuery whole;
  whole.text = "aktiv";
  whole.last_word_whole = true;
  EXPECT_THAT(Ids(Run(whole)), ElementsAre("tilbud-2"));
  EXPECT_THAT(Ids(Run("aktiv ")), ElementsAre("tilbud-2"));
}

// The last word is also read as the start of a longer word (search as you
// type), but a completion never weighs more than the word as typed: "børn"
// must not rank a record named "Børnehuset" (a rarer word) above records
// named for children.
TEST_F(SearchPrecisionTest, ACompletionOfTheLastWordWeighsNoMoreThanTheWordAsTyped) {
  Load({Unit("unit-1", "Center", "Valby"),
        Tilbud("tilbud-1", "Aflastning for børn", "unit-1", "Weekendophold."),
        Tilbud("tilbud-2", "Rådgivning for børn og familier", "unit-1", "Samtaler."),
        Tilbud("tilbud-3", "Botilbuddet Eg", "unit-1", "Voksne med børn på besøg."),
        Tilbud("tilbud-4", "Familiehuset", "unit-1", "Familier med børn."),
        Tilbud("tilbud-5", "Dagtilbuddet Ly", "unit-1", "Forældre og børn."),
        Tilbud("tilbud-6", "Børnehuset Ræven", "unit-1", "Et opholdssted.")});
  SearchQuery q;
  q.text = "børn";
  const SearchResult r = Run(q);
  ASSERT_GE(r.hits.size(), 3u);
  EXPECT_THAT(Ids(r), ::testing::Contains("tilbud-6"));  // the completion still finds it
  EXPECT_THAT((std::vector<std::string>{r.hits[0].id, r.hits[1].id}),
              ::testing::UnorderedElementsAre("tilbud-1", "tilbud-2"))
      << ::testing::PrintToString(Ids(r));
}

// Target groups say whom a tilbud is for and the service type what it is:
// they weigh like the name, so an offer FOR the group typed ranks above one
// that has the service type in its name and only mentions the group.
TEST_F(SearchPrecisionTest, TargetGroupsAndServiceTypeWeighLikeTheName) {
  Record named = Tilbud("tilbud-1", "Familiebehandling Ahorn", "unit-1",
                        "Familiebehandling i hjemmet. Vi har også mødt tosprogede familier.");
  named.mutable_tilbud()->set_service_type("familiebehandling");
  named.mutable_tilbud()->add_target_groups("udsatte familier");
  Record for_group = Tilbud("tilbud-2", "Forældrestøtte Birk", "unit-1", "Samtaler med forældre.");
  for_group.mutable_tilbud()->set_service_type("familiebehandling");
  for_group.mutable_tilbud()->add_target_groups("tosprogede familier");
  Load({Unit("unit-1", "Center", "Valby"), named, for_group,
        Tilbud("tilbud-3", "Botilbud", "unit-1", "Et bosted.")});
  SearchQuery q;
  q.text = "familiebehandling tosprogede";
  const SearchResult r = Run(q);
  EXPECT_THAT(Ids(r), ::testing::ElementsAre("tilbud-2", "tilbud-1"));
  EXPECT_THAT(ExplanationOf(r, "tilbud-2"),
              ::testing::Contains(::testing::HasSubstr("in target groups")));
}

}  // namespace
}  // namespace sofdir::search::testing
