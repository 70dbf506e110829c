#include "server/search/search_index.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::search {
namespace {

using ::sof::directory::v1::Record;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pointee;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

Record Unit(const std::string& id, const std::string& name, const std::string& parent,
            const std::string& district, std::vector<std::string> aliases = {},
            std::vector<std::string> knowledge = {}) {
  Record r;
  auto* u = r.mutable_unit();
  u->set_id(id);
  u->set_name(name);
  if (!parent.empty()) u->set_parent_id(parent);
  u->set_area("Psykiatri");
  u->mutable_address()->set_district(district);
  u->mutable_address()->set_city("København");
  for (auto& a : aliases) u->add_aliases(a);
  for (auto& k : knowledge) u->add_knowledge(k);
  u->set_email(id + "@sof.example.dk");
  return r;
}

Record Tilbud(const std::string& id, const std::string& name, const std::string& unit,
              const std::string& description, const std::string& district = "",
              int free_places = -1) {
  Record r;
  auto* t = r.mutable_tilbud();
  t->set_id(id);
  t->set_name(name);
  t->set_unit_id(unit);
  t->set_description(description);
  t->set_service_type("behandling");
  t->set_legal_basis("SEL § 101");
  t->set_age_min(18);
  t->set_age_max(99);
  if (!district.empty()) t->mutable_address()->set_district(district);
  if (free_places >= 0) {
    t->set_capacity(10);
    t->set_free_places(free_places);
  }
  return r;
}

Record Person(const std::string& id, const std::string& name, const std::string& unit,
              std::vector<std::string> expertise = {}) {
  Record r;
  auto* p = r.mutable_person();
  p->set_id(id);
  p->set_name(name);
  p->set_unit_id(unit);
  p->set_title("socialrådgiver");
  p->set_email(id + "@sof.example.dk");
  p->set_phone("12 34 56 78");
  for (auto& e : expertise) p->add_expertise(e);
  return r;
}

std::vector<std::string> Ids(const SearchResult& r) {
  std::vector<std::string> ids;
  for (const auto& h : r.hits) ids.push_back(h.id);
  return ids;
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override { UseSynonyms("spc => socialpsykiatrisk center\nserviceloven, sel\n"); }

  // A new, empty index with these synonyms.
  void UseSynonyms(const std::string& synonyms) {
    // Each test its own file: ctest runs tests side by side.
    const std::string path = dir_.Sub("synonyms.txt");
    std::ofstream(path) << synonyms;
    SearchIndex::Options options;
    options.synonyms_path = path;
    auto index = SearchIndex::Create(options);
    ASSERT_TRUE(index.ok()) << index.status();
    index_ = std::move(*index);
  }

  void Load(const std::vector<Record>& records) { ASSERT_TRUE(index_->BulkLoad(records).ok()); }

  std::vector<std::string> Find(const std::string& text, std::vector<std::string> kinds = {}) {
    SearchQuery q;
    q.text = text;
    q.kinds = std::move(kinds);
    auto r = index_->Search(q);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? Ids(*r) : std::vector<std::string>{};
  }

  // The search for `text`, with explanations.
  absl::StatusOr<SearchResult> Explained(const std::string& text) {
    SearchQuery q;
    q.text = text;
    q.explain = true;
    return index_->Search(q);
  }

  sofdir::testing::TempDir dir_;
  std::unique_ptr<SearchIndex> index_;
};

TEST_F(SearchIndexTest, CompoundFindsSeparateWordsAndViceVersa) {
  Load({Unit("unit-1", "Center Nord", "", "Nørrebro"),
        Tilbud("tilbud-1", "Misbrugsbehandling for unge", "unit-1", "Ambulant forløb."),
        Tilbud("tilbud-2", "Behandling af misbrug", "unit-1", "For voksne."),
        Tilbud("tilbud-3", "Værested", "unit-1", "Kaffe og samvær.")});
  EXPECT_THAT(Find("behandling af misbrug", {"tilbud"}),
              ::testing::UnorderedElementsAre("tilbud-1", "tilbud-2"));
  EXPECT_THAT(Find("misbrugsbehandling", {"tilbud"}),
              ::testing::UnorderedElementsAre("tilbud-1", "tilbud-2"));
}

TEST_F(SearchIndexTest, ACompoundsPartsMatchTheirSynonyms) {
  UseSynonyms("misbrug, rusmiddel\n");
  Load({Unit("unit-1", "Center Nord", "", "Nørrebro"),
        Tilbud("tilbud-1", "Rusmiddelrådgivning for unge", "unit-1", "Ambulant forløb."),
        Tilbud("tilbud-2", "Misbrug og rusmiddel", "unit-1", "Samtaler."),
        Tilbud("tilbud-3", "Rådgivning", "unit-1", "Samtaler.")});
  // misbrug+rådgivning: "misbrug" = "rusmiddel", so rusmiddel+rådgivning.
  auto r = Explained("misbrugsrådgivning");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_THAT(Ids(*r), ElementsAre("tilbud-1"));
  EXPECT_THAT(r->hits[0].explanation[0], HasSubstr("part synonym -> \"rusmiddel\""));
  EXPECT_EQ(r->hits[0].snippet, "«Rusmiddelrådgivning» for unge");
}

TEST_F(SearchIndexTest, ACompoundWhosePartsNoRecordHoldsTogetherIsLeftOut) {
  Load({Unit("unit-1", "Center Vesterbro", "", "Vesterbro"),
        Tilbud("tilbud-1", "Misbrug", "unit-1", "Rådgivning."),
        Person("person-1", "Eva Holm", "unit-1", {"konsulent"})});
  // Each part is a word of the index, but no record has both: like a word
  // no record has, it is named and the other words still find.
  SearchQuery q;
  q.text = "misbrugskonsulent vesterbro";
  auto r = index_->Search(q);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Ids(*r), UnorderedElementsAre("unit-1", "tilbud-1", "person-1"));
  EXPECT_THAT(r->unmatched_words, ElementsAre("misbrugskonsulent"));
  for (const SearchHit& hit : r->hits) {
    EXPECT_THAT(hit.snippet, Not(HasSubstr("«Misbrug»"))) << hit.id;  // marks only what counts
  }
  EXPECT_THAT(Find("misbrugskonsulent"), IsEmpty());
}

TEST_F(SearchIndexTest, AnAgeInTheTextPrefersRecordsForThatAge) {
  auto for_ages = [](Record r, int min, int max) {
    r.mutable_tilbud()->set_age_min(min);
    r.mutable_tilbud()->set_age_max(max);
    return r;
  };
  Load({Unit("unit-1", "Center", "", "Valby"),
        for_ages(Tilbud("tilbud-1", "Opholdssted Lærken", "unit-1", "For voksne fra 18 år."), 18,
                 30),
        for_ages(Tilbud("tilbud-2", "Opholdssted Birken", "unit-1", "Et hjem."), 12, 17),
        Tilbud("tilbud-3", "Behandling", "unit-1", "Samtaler.")});
  EXPECT_THAT(Find("opholdssted 25 år", {"tilbud"}), ElementsAre("tilbud-1", "tilbud-2"));
  // "14 årig", "14-årige", "14 år": the record for 12-17 year olds first; a
  // record need not have the words "14" or "årig" to be found.
  for (const char* text : {"opholdssted 14 årig", "opholdssted 14-årige", "14 år opholdssted"}) {
    auto r = Explained(text);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_THAT(Ids(*r), ElementsAre("tilbud-2", "tilbud-1")) << text;
    EXPECT_THAT(r->unmatched_words, IsEmpty()) << text;
    ASSERT_FALSE(r->hits.empty());
    EXPECT_THAT(r->hits[0].explanation, Contains("alder 14 i målgruppen (12-17 år) ×1.2"));
  }
  // An age alone is matched as words.
  EXPECT_THAT(Find("18 år", {"tilbud"}), ElementsAre("tilbud-1"));
}

struct TypedQuery {
  std::string typed;
  std::string expected_first;
};
// Names the case in test output (ctest lists it) instead of dumping bytes.
void PrintTo(const TypedQuery& c, std::ostream* os) { *os << c.typed; }

class TypedQueryTest : public SearchIndexTest, public ::testing::WithParamInterface<TypedQuery> {};

TEST_P(TypedQueryTest, FindsTheRecordWhateverTheUserTyped) {
  Load({Unit("unit-1", "Center Øst", "", "Østerbro"),
        Tilbud("tilbud-1", "Værestedet Fristedet", "unit-1", "Et værested.", "Østerbro"),
        Tilbud("tilbud-2", "Den Sociale Hjemmepleje", "unit-1", "Hjemmepleje for udsatte."),
        Tilbud("tilbud-3", "Rådgivning for pårørende", "unit-1", "Anonym rådgivning."),
        Tilbud("tilbud-4", "Krisecenter for mænd", "unit-1", "Ophold for mænd.")});
  const auto ids = Find(GetParam().typed);
  ASSERT_FALSE(ids.empty()) << GetParam().typed;
  EXPECT_EQ(ids[0], GetParam().expected_first) << GetParam().typed;
}

INSTANTIATE_TEST_SUITE_P(DanishUsers, TypedQueryTest,
                         ::testing::Values(TypedQuery{"vaerested osterbro", "tilbud-1"},
                                         TypedQuery{"varested", "tilbud-1"},
                                         TypedQuery{"hjemmeplje", "tilbud-2"},  // one typo
                                         TypedQuery{"raadgivning paarorende", "tilbud-3"},
                                         TypedQuery{"krisecenter for maend", "tilbud-4"},
                                         TypedQuery{"krisecen",
                                                    "tilbud-4"},  // prefix of the last word
                                         TypedQuery{"KRISECENTER", "tilbud-4"}));

// A word no record has, not even with a typo (a term from outside the
// directory, "metadon"), is left out instead of emptying the result.
TEST_F(SearchIndexTest, AWordNoRecordHasIsLeftOutNotAnEmptyResult) {
  Load({Unit("unit-1", "Center", "", "Valby"),
        Tilbud("tilbud-1", "Bostøtte Vest", "unit-1", "Støtte i eget hjem."),
        Tilbud("tilbud-2", "Værested Øst", "unit-1", "Kaffe og samvær.")});
  EXPECT_THAT(Find("bostøtte qwxyzzy"), ElementsAre("tilbud-1"));
  EXPECT_THAT(Find("qwxyzzy"), IsEmpty());
  // Unlike a word nothing has, a word that records have still counts: no
  // record has both, so those with either follow (the drop-words pass).
  EXPECT_THAT(Find("bostøtte kaffe", {"tilbud"}).size(), 2u);
  SearchQuery q;
  q.text = "værested Qwxyzzyø";
  auto r = index_->Search(q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_EQ(r->total, 1u);
  EXPECT_EQ(r->hits[0].snippet, "«Værested» Øst");
  EXPECT_THAT(r->unmatched_words, ElementsAre("Qwxyzzyø"));  // as typed, not folded
}

TEST_F(SearchIndexTest, ShortWordsGetNoTypoTolerance) {
  Load({Unit("unit-1", "BIF samarbejde", "", "Valby", {"BIF"})});
  EXPECT_THAT(Find("buf"), IsEmpty());
  EXPECT_THAT(Find("bif"), ElementsAre("unit-1"));
}

TEST_F(SearchIndexTest, ExactWordRanksAboveTypoAndNameAboveDescription) {
  Load({Unit("unit-1", "Center", "", "Valby"),
        Tilbud("tilbud-1", "Bostøtte Vest", "unit-1", "Vi giver bostøtte i eget hjem."),
        Tilbud("tilbud-2", "Bostøtten", "unit-1", "Hjælp i hjemmet."),
        Tilbud("tilbud-3", "Café Solen", "unit-1", "Her er også bostøtte.")});
  const auto ids = Find("bostøtte");
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[2], "tilbud-3");  // description only
  Load({Unit("unit-1", "Center", "", "Valby"), Tilbud("tilbud-1", "Hjemmepleje", "unit-1", ""),
        Tilbud("tilbud-2", "Hjemmeplje", "unit-1", "")});
  EXPECT_THAT(Find("hjemmepleje"), ElementsAre("tilbud-1", "tilbud-2"));
}

TEST_F(SearchIndexTest, RecordsAreFoundThroughTheirUnitAndItsRenames) {
  Load({Unit("unit-1", "Socialpsykiatrisk Center Nord Vest", "", "Bispebjerg", {"FriNoVa"}),
        Unit("unit-2", "Bostøtteteam", "unit-1", "Bispebjerg"),
        Person("person-1", "Anne Jensen", "unit-2"),
        Tilbud("tilbud-1", "Samtaleforløb", "unit-2", "Samtaler.", "Nørrebro")});
  EXPECT_THAT(Find("frinova", {"person"}), ElementsAre("person-1"));
  EXPECT_THAT(Find("bispebjerg", {"person"}), ElementsAre("person-1"));
  EXPECT_THAT(Find("spc", {"tilbud"}), ElementsAre("tilbud-1"));  // synonym + context

  ASSERT_TRUE(index_->Upsert(Unit("unit-1", "Center Syd", "", "Valby", {"CeSy"})).ok());
  EXPECT_THAT(Find("frinova", {"person"}), IsEmpty());
  EXPECT_THAT(Find("cesy", {"person"}), ElementsAre("person-1"));
  // Moving the team moves its person's inherited district.
  ASSERT_TRUE(index_->Upsert(Unit("unit-2", "Bostøtteteam", "unit-1", "Valby")).ok());
  EXPECT_THAT(Find("bispebjerg", {"person"}), IsEmpty());
  SearchQuery q;
  q.district = "Valby";
  q.kinds = {"person"};
  auto r = index_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(Ids(*r), ElementsAre("person-1"));
}

TEST_F(SearchIndexTest, WritesAreVisibleToTheNextSearch) {
  Load({Unit("unit-1", "Center", "", "Valby")});
  EXPECT_THAT(Find("fyrtårnet"), IsEmpty());
  ASSERT_TRUE(index_->Upsert(Tilbud("tilbud-9", "Fyrtårnet", "unit-1", "")).ok());
  EXPECT_THAT(Find("fyrtårnet"), ElementsAre("tilbud-9"));
  ASSERT_TRUE(index_->Upsert(Tilbud("tilbud-9", "Havnelyset", "unit-1", "")).ok());
  EXPECT_THAT(Find("fyrtårnet"), IsEmpty());
  ASSERT_TRUE(index_->Remove("tilbud-9").ok());
  EXPECT_THAT(Find("havnelyset"), IsEmpty());
  EXPECT_EQ(index_->Remove("tilbud-9").code(), absl::StatusCode::kNotFound);
}

// Words in a large share of the records are kept as bitmaps inside the
// index (see PostingList); matches must be the same, and stay current through
// updates, removals and new records in the middle of those lists.
TEST_F(SearchIndexTest, WordsInManyRecordsMatchExactlyAndStayCurrentThroughWrites) {
  auto tilbud = [](int i, bool autisme, bool unge) {
    std::string text = "Bosted med døgnbemanding";
    if (autisme) text += " for borgere med autisme";
    if (unge) text += ", også unge";
    return Tilbud("tilbud-" + std::to_string(i), "Sted " + std::to_string(i), "unit-1", text);
  };
  std::vector<Record> records = {Unit("unit-1", "Center", "", "Valby")};
  std::set<std::string> want;
  for (int i = 0; i < 900; ++i) {
    records.push_back(tilbud(i, i % 3 == 0, i % 4 == 0));
    if (i % 12 == 0) want.insert("tilbud-" + std::to_string(i));
  }
  Load(records);
  auto matches = [&]() {
    SearchQuery q;
    q.text = "bosted autisme unge";
    q.limit = 100;
    auto r = index_->Search(q);
    EXPECT_TRUE(r.ok()) << r.status();
    std::set<std::string> ids;
    if (!r.ok()) return ids;
    EXPECT_EQ(r->total, r->hits.size());
    for (const auto& hit : r->hits) ids.insert(hit.id);
    return ids;
  };
  ASSERT_EQ(want.size(), 75u);
  EXPECT_EQ(matches(), want);
  // Loses a word, gains them, is removed, is added past the last record.
  ASSERT_TRUE(index_->Upsert(tilbud(24, false, true)).ok());
  want.erase("tilbud-24");
  ASSERT_TRUE(index_->Upsert(tilbud(1, true, true)).ok());
  want.insert("tilbud-1");
  ASSERT_TRUE(index_->Remove("tilbud-36").ok());
  want.erase("tilbud-36");
  ASSERT_TRUE(index_->Upsert(tilbud(5000, true, true)).ok());
  want.insert("tilbud-5000");
  EXPECT_EQ(matches(), want);
  // The first and the last of the lists.
  ASSERT_TRUE(index_->Remove("tilbud-0").ok());
  want.erase("tilbud-0");
  ASSERT_TRUE(index_->Upsert(tilbud(888, false, false)).ok());
  want.erase("tilbud-888");
  ASSERT_TRUE(index_->Upsert(tilbud(899, true, true)).ok());
  want.insert("tilbud-899");
  EXPECT_EQ(matches(), want);
}

// Fewer than 50 records hold every word: records with most of the query's
// (idf-weighted) words come after them. "bosted" is in every record, so it
// weighs almost nothing and is only looked up for the candidates the rarer
// words found; "unge" (in 1 of 11) outweighs "autisme" (in 1 of 5).
TEST_F(SearchIndexTest, FewRecordsWithEveryWordAreFollowedByThoseWithMostOfThem) {
  std::vector<Record> records = {Unit("unit-1", "Center", "", "Valby")};
  for (int i = 0; i < 2500; ++i) {
    std::string text = "Bosted";
    if (i % 5 == 0) text += " med autisme";
    if (i % 11 == 0) text += " for unge";
    records.push_back(Tilbud("tilbud-" + std::to_string(i), "Hus " + std::to_string(i), "unit-1", text));
  }
  Load(records);
  SearchQuery q;
  q.text = "bosted autisme unge";
  q.limit = 100;
  auto r = index_->Search(q);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->total, 228u) << "every record with \"unge\", none with only \"autisme\"";
  ASSERT_EQ(r->hits.size(), 100u);
  for (size_t k = 0; k < r->hits.size(); ++k) {
    const int i = std::stoi(r->hits[k].id.substr(std::string("tilbud-").size()));
    EXPECT_EQ(i % 11, 0) << r->hits[k].id;
    EXPECT_EQ(i % 5 == 0, k < 46) << "hit " << k << ": " << r->hits[k].id
                                  << " (the 46 with every word come first)";
  }
}

// Text stored with combining accents ("å" as "a" + U+030A) is matched as
// its composed form, and the snippet (in that form) marks the matched word.
TEST_F(SearchIndexTest, SnippetOfDecomposedTextMarksTheMatchedWord) {
  const std::string decomposed = "Ra\xCC\x8A" "dgivning og ra\xCC\x8A" "d for unge i Ka\xCC\x8A" "rby";
  Load({Unit("unit-1", "Center", "", "Valby"),
        Tilbud("tilbud-1", "Hus", "unit-1", decomposed)});
  SearchQuery q;
  q.text = "unge";
  auto r = index_->Search(q);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_EQ(r->hits[0].snippet, "Rådgivning og råd for «unge» i Kårby");
  // The last word typed with a combining accent still completes as a prefix.
  q.text = "ka\xCC\x8Arb";
  r = index_->Search(q);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Ids(*r), ElementsAre("tilbud-1"));
}

TEST_F(SearchIndexTest, FiltersNarrowResultsWithoutChangingScores) {
  Load({Unit("unit-1", "Center", "", "Valby"),
        Tilbud("tilbud-1", "Behandling Nord", "unit-1", "", "Nørrebro", 2),
        Tilbud("tilbud-2", "Behandling Syd", "unit-1", "", "Valby", 0)});
  SearchQuery q;
  q.text = "behandling";
  auto all = index_->Search(q);
  ASSERT_TRUE(all.ok());
  q.only_free = true;
  auto free = index_->Search(q);
  ASSERT_TRUE(free.ok());
  ASSERT_THAT(Ids(*free), ElementsAre("tilbud-1"));
  for (const auto& hit : all->hits) {
    if (hit.id == "tilbud-1") {
      EXPECT_DOUBLE_EQ(hit.score, free->hits[0].score);
    }
  }
  EXPECT_EQ(free->FacetCount("district", "Nørrebro"), 1u);
  q.only_free = false;
  q.filter = "district = \"Valby\" AND kind = tilbud";
  auto valby = index_->Search(q);
  ASSERT_TRUE(valby.ok());
  EXPECT_THAT(Ids(*valby), ElementsAre("tilbud-2"));
}

TEST_F(SearchIndexTest, VerifiedSinceKeepsOnlyRecentlyConfirmedRecordsInHitsTotalAndFacets) {
  Record fresh = Tilbud("tilbud-1", "Behandling Nord", "unit-1", "", "Nørrebro");
  fresh.mutable_verified_time()->set_seconds(2000);
  Record stale = Tilbud("tilbud-2", "Behandling Syd", "unit-1", "", "Valby");
  stale.mutable_verified_time()->set_seconds(1000);
  Record never = Tilbud("tilbud-3", "Behandling Vest", "unit-1", "", "Valby");
  Load({Unit("unit-1", "Center", "", "Valby"), fresh, stale, never});
  SearchQuery q;
  q.text = "behandling";
  q.verified_since = 1500;
  auto r = index_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(Ids(*r), ElementsAre("tilbud-1"));
  EXPECT_EQ(r->total, 1u);
  EXPECT_THAT(r->Facet("district"), Pointee(SizeIs(1)));
  EXPECT_EQ(r->FacetCount("district", "Nørrebro"), 1u);
  // Re-verifying through an update takes effect at once.
  stale.mutable_verified_time()->set_seconds(3000);
  ASSERT_TRUE(index_->Upsert(stale).ok());
  r = index_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 2u);
}

TEST_F(SearchIndexTest, EmptyTextListsByNameAndStopWordsGiveEmptyResult) {
  Load({Unit("unit-1", "Center", "", "Valby"), Tilbud("tilbud-1", "Åkanden", "unit-1", ""),
        Tilbud("tilbud-2", "Birken", "unit-1", "")});
  SearchQuery q;
  q.kinds = {"tilbud"};
  auto r = index_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(Ids(*r), ElementsAre("tilbud-1", "tilbud-2"));  // "akanden" < "birken"
  q.text = "og i for ?!";
  r = index_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 0u);
  EXPECT_THAT(r->hits, IsEmpty());
}

struct BadQuery {
  std::string name;
  SearchQuery query;
  std::string mentions;
};

TEST_F(SearchIndexTest, BadInputIsInvalidArgumentNamingTheProblem) {
  Load({Unit("unit-1", "Center", "", "Valby")});
  std::vector<BadQuery> cases(5);
  cases[0] = {"long", {}, "text"};
  cases[0].query.text = std::string(10 * 1024, 'a');
  cases[1] = {"utf8", {}, "UTF-8"};
  cases[1].query.text = "b\xC3";
  cases[2] = {"field", {}, "unknown field"};
  cases[2].query.filter = "colour = red";
  cases[3] = {"kind", {}, "unknown kind"};
  cases[3].query.kinds = {"building"};
  cases[4] = {"limit", {}, "limit"};
  cases[4].query.limit = 0;
  for (const auto& c : cases) {
    auto r = index_->Search(c.query);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(r.status().message().find(c.mentions), std::string::npos) << r.status();
  }
}

// Only the description's words that contain a matched term are looked up
// (IndexState::Highlight): an inflected form, a compound whose matched part
// is not its start, and a word spelled with æ/ø/å must still be marked.
TEST_F(SearchIndexTest, SnippetMarksInflectedFormsAndInnerCompoundPartsOfALongDescription) {
  Load({Unit("unit-1", "Center", "", "Valby"),
        Tilbud("tilbud-1", "Huset", "unit-1",
               "Huset ligger tæt på stationen og har åbent hele året for alle, der har brug for "
               "et sted at være. Her tilbyder vi familiebehandlingen og samtaler med Børnene, "
               "og forældrene kan få råd."),
        Tilbud("tilbud-2", "Råd til familien", "unit-1", "Behandling efter aftale.")});
  SearchQuery q;
  q.text = "behandling børn";
  auto r = index_->Search(q);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_FALSE(r->hits.empty());
  ASSERT_EQ(r->hits[0].id, "tilbud-1");
  const std::string& snippet = r->hits[0].snippet;
  EXPECT_NE(snippet.find("«familiebehandlingen»"), std::string::npos) << snippet;
  EXPECT_NE(snippet.find("«Børnene»"), std::string::npos) << snippet;
  EXPECT_EQ(snippet.find("«forældrene»"), std::string::npos) << snippet;
}

TEST_F(SearchIndexTest, SnippetHighlightsAndExplainSaysWhy) {
  Load({Unit("unit-1", "Center", "", "Valby"),
        Tilbud("tilbud-1", "Huset", "unit-1", "Vi tilbyder misbrugsbehandling til unge."),
        Tilbud("tilbud-2", "Rådgivning om misbrug", "unit-1", "")});
  auto r = Explained("behandling unge");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_EQ(r->hits[0].id, "tilbud-1");
  EXPECT_NE(r->hits[0].snippet.find("«misbrugsbehandling»"), std::string::npos)
      << r->hits[0].snippet;
  EXPECT_NE(r->hits[0].snippet.find("«unge»"), std::string::npos);
  ASSERT_FALSE(r->hits[0].explanation.empty());
  EXPECT_NE(r->hits[0].explanation[0].find("description"), std::string::npos)
      << r->hits[0].explanation[0];
}

TEST_F(SearchIndexTest, SuggestCompletesAnyWordOfANameMostCommonFirst) {
  Load({Unit("unit-1", "Center", "", "Valby", {}, {"Forandringskompasset"}),
        Unit("unit-2", "Værestedet Fristedet", "unit-1", "Valby", {}, {"recovery"})});
  auto s = index_->Suggest("frist", 5);
  ASSERT_TRUE(s.ok());
  ASSERT_FALSE(s->empty());
  EXPECT_EQ((*s)[0].text, "Værestedet Fristedet");
  s = index_->Suggest("vaerest", 5);
  ASSERT_TRUE(s.ok());
  ASSERT_FALSE(s->empty());
  EXPECT_EQ((*s)[0].text, "Værestedet Fristedet");
}

TEST_F(SearchIndexTest, WhoKnowsRanksStatedExpertiseFirstWithContact) {
  Load({Unit("unit-1", "Familiehuset", "", "Valby", {}, {"FIT"}),
        Person("person-1", "Anne Jensen", "unit-1", {"FIT"}),
        Person("person-2", "Bo Hansen", "unit-1", {"KRAP"})});
  auto r = index_->WhoKnows("FIT", 10);
  ASSERT_TRUE(r.ok());
  ASSERT_GE(r->hits.size(), 2u);
  EXPECT_EQ(r->hits[0].id, "person-1");
  EXPECT_EQ(r->hits[0].email, "person-1@sof.example.dk");
  EXPECT_THAT(r->hits[0].evidence, ::testing::Contains("ekspertise: FIT"));
}

TEST(SearchIndexDataFilesTest, ShippedSynonymsAndStopWordsLoadAndApply) {
  const char* root = std::getenv("SOFDIR_SOURCE_DIR");
  if (root == nullptr) GTEST_SKIP() << "SOFDIR_SOURCE_DIR not set";
  SearchIndex::Options options;
  options.synonyms_path = std::string(root) + "/data/thesaurus.txt";
  options.query_rules_path = std::string(root) + "/data/query-rules.txt";
  options.stopwords_path = std::string(root) + "/data/stopwords_da.txt";
  auto index = SearchIndex::Create(options);
  ASSERT_TRUE(index.ok()) << index.status();
  Record unit = Unit("unit-1", "Socialpsykiatrisk Center Amager", "", "Amager Øst");
  ASSERT_TRUE((*index)
                  ->BulkLoad({unit, Tilbud("tilbud-1", "Midlertidigt botilbud", "unit-1",
                                           "Ophold efter serviceloven.")})
                  .ok());
  SearchQuery q;
  q.text = "spc";
  auto r = (*index)->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 2u);  // the centre and what it runs
  q.text = "sel 107";
  r = (*index)->Search(q);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->hits.empty());
  EXPECT_EQ(r->hits[0].id, "tilbud-1");
  q.text = "hvem og for";
  r = (*index)->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 0u);
}

TEST_F(SearchIndexTest, ConcurrentSearchesSeeEachWriteWhole) {
  Load({Unit("unit-1", "Center", "", "Valby")});
  std::atomic<bool> done{false};
  std::atomic<int> errors{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!done) {
        SearchQuery q;
        q.text = "behandling";
        auto r = index_->Search(q);
        if (!r.ok() || r->total != r->FacetCount("kind", "tilbud").value_or(0)) ++errors;
        if (!index_->Suggest("beh", 5).ok()) ++errors;
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    const std::string id = "tilbud-" + std::to_string(i);
    ASSERT_TRUE(index_->Upsert(Tilbud(id, "Behandling " + std::to_string(i), "unit-1", "")).ok());
    if (i % 3 == 0) {
      ASSERT_TRUE(index_->Remove(id).ok());
    }
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(errors.load(), 0);
  SearchQuery q;
  q.text = "behandling";
  q.limit = 100;
  auto r = index_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 133u);  // 200 written, 67 removed
}

TEST_F(SearchIndexTest, NearRanksCloserRecordsFirstAndReportsDistance) {
  Record a = Tilbud("tilbud-1", "Værested Nord", "unit-1", "", "Nørrebro");
  a.mutable_tilbud()->mutable_geo()->set_lat(55.695);
  a.mutable_tilbud()->mutable_geo()->set_lon(12.5485);
  Record b = Tilbud("tilbud-2", "Værested Syd", "unit-1", "", "Amager Øst");
  b.mutable_tilbud()->mutable_geo()->set_lat(55.6615);
  b.mutable_tilbud()->mutable_geo()->set_lon(12.6125);
  Load({Unit("unit-1", "Center", "", "Valby"), a, b});
  SearchQuery q;
  q.text = "værested";
  q.near = GeoPoint{55.66, 12.61};  // Amager Øst
  auto r = index_->Search(q);
  ASSERT_TRUE(r.ok());
  ASSERT_THAT(Ids(*r), ElementsAre("tilbud-2", "tilbud-1"));
  ASSERT_TRUE(r->hits[0].distance_km.has_value());
  EXPECT_LT(*r->hits[0].distance_km, 1.0);
}

}  // namespace
}  // namespace sofdir::search
