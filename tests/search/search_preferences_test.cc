// SearchQuery's preferences (kinds, districts, ages) and expertise: they
// change the order and say so in the explanation, never which records match.

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/search/search_fixture.h"

namespace sofdir::search::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

class SearchPreferencesTest : public SearchFixture {};

TEST_F(SearchPreferencesTest, APreferredDistrictRanksItsRecordsAboveComparableOnesElsewhere) {
  Load({Unit("unit-n", "Center Nord", "Nørrebro"), Unit("unit-v", "Center Vest", "Valby"),
        Unit("unit-x", "Center Uden", ""), Unit("unit-o", "Center Øst", "Østerbro"),
        Tilbud("tilbud-1", "Botilbud Ahorn", "unit-v"),
        Tilbud("tilbud-2", "Botilbud Birk", "unit-v"),
        Tilbud("tilbud-3", "Botilbud Rosen", "unit-n"),  // Nørrebro through its unit
        Tilbud("tilbud-4", "Botilbud Ly", "unit-x"),     // no district at all
        Tilbud("tilbud-5", "Botilbud Eg", "unit-v", "", "Nørrebro")});  // its own address
  SearchQuery q;
  q.text = "botilbud";
  const SearchResult plain = Run(q);
  ASSERT_THAT(Ids(plain), ElementsAre("tilbud-1", "tilbud-2", "tilbud-5", "tilbud-4", "tilbud-3"));

  q.preferred_districts = {"noerrebro"};  // spelled as the keyboard allows
  const SearchResult nearby = Run(q);
  EXPECT_THAT(Ids(nearby), ElementsAre("tilbud-5", "tilbud-3", "tilbud-1", "tilbud-2", "tilbud-4"));
  EXPECT_EQ(nearby.total, plain.total);  // a preference, not a filter
  EXPECT_DOUBLE_EQ(nearby.hits[0].score, 2 * plain.hits[2].score);
  // A record without a district counts as elsewhere, not lower.
  EXPECT_DOUBLE_EQ(nearby.hits[4].score, plain.hits[3].score);
  EXPECT_THAT(nearby.hits[0].explanation, Contains("foretrukket bydel Nørrebro ×2.0"));
  EXPECT_THAT(ExplanationOf(nearby, "tilbud-1"), Not(Contains(HasSubstr("bydel"))));
  EXPECT_EQ(nearby.FacetCount("district", "Nørrebro"), 2u);

  // A district the index holds but no match is in stays in the facet, at 0.
  q.preferred_districts = {"Østerbro"};
  const SearchResult east = Run(q);
  EXPECT_EQ(east.FacetCount("district", "Østerbro"), 0u);
  EXPECT_THAT(Ids(east), ElementsAre("tilbud-1", "tilbud-2", "tilbud-5", "tilbud-4", "tilbud-3"));

  // Units, persons and praktik count their unit's district.
  q.text = "center";
  q.preferred_districts = {"Nørrebro"};
  const SearchResult units = Run(q);
  ASSERT_FALSE(units.hits.empty());
  EXPECT_EQ(units.hits[0].id, "unit-n");
}

TEST_F(SearchPreferencesTest, AnUnknownPreferredDistrictOrKindIsRefusedNamingTheValidOnes) {
  Load({Unit("unit-n", "Center Nord", "Nørrebro"), Unit("unit-a", "Center Amager", "Amager Øst"),
        Tilbud("tilbud-1", "Botilbud Ahorn", "unit-n")});
  SearchQuery q;
  q.text = "botilbud";
  q.preferred_districts = {"Amager"};
  auto r = index_->Search(q);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("preferred_districts: 'Amager'"));
  EXPECT_THAT(r.status().message(), HasSubstr("valid are Amager Øst, Nørrebro"));
  q.preferred_districts.clear();
  q.preferred_kinds = {"building"};
  r = index_->Search(q);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("preferred_kinds: unknown kind 'building'"));
  q.preferred_kinds.clear();
  q.preferred_ages = std::pair<int, int>{12, 6};
  r = index_->Search(q);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("preferred_ages: 12-6"));
}

TEST_F(SearchPreferencesTest, APreferredKindRanksThatKindHigherWithoutFilteringTheOthers) {
  Load({Unit("unit-1", "Center Vest", "Valby"),
        Tilbud("tilbud-1", "Misbrugsbehandling Nord", "unit-1", "Ambulant forløb."),
        Praktik("praktik-1", "Praktik i misbrugsbehandling", "unit-1"),
        Person("person-1", "Anne Holm", "unit-1", {"misbrugsbehandling"})});
  SearchQuery q;
  q.text = "misbrugsbehandling";
  const SearchResult plain = Run(q);
  ASSERT_THAT(Ids(plain), ElementsAre("tilbud-1", "praktik-1", "person-1"));
  for (const char* kind : {"praktik", "person"}) {
    q.preferred_kinds = {kind};
    const SearchResult r = Run(q);
    ASSERT_FALSE(r.hits.empty()) << kind;
    EXPECT_EQ(r.hits[0].kind, kind);
    EXPECT_EQ(r.total, plain.total) << kind;
    EXPECT_THAT(r.hits[0].explanation, Contains(absl::StrCat("foretrukken type ", kind, " ×3.0")));
  }
  // A kind word still in the text still counts, and says so.
  const SearchResult named = Run("praktik misbrugsbehandling");
  ASSERT_FALSE(named.hits.empty());
  EXPECT_EQ(named.hits[0].id, "praktik-1");
  EXPECT_THAT(named.hits[0].explanation, Contains("typen praktik står i teksten ×1.3"));
}

TEST_F(SearchPreferencesTest, PreferredAgesRankOverlappingRangesHigherAndExcludedLower) {
  Load({Unit("unit-1", "Center", "Valby"),
        Tilbud("tilbud-small", "Aflastning Eg", "unit-1", "", "", 0, 5),
        Tilbud("tilbud-school", "Aflastning Birk", "unit-1", "", "", 6, 12),
        Tilbud("tilbud-adult", "Aflastning Dun", "unit-1", "", "", 18, 99),
        Tilbud("tilbud-any", "Aflastning Ask", "unit-1", "", "", 0, 0)});  // no age range
  SearchQuery q;
  q.text = "aflastning";
  ASSERT_THAT(Ids(Run(q)),
              ElementsAre("tilbud-any", "tilbud-school", "tilbud-adult", "tilbud-small"));
  q.preferred_ages = std::pair<int, int>{8, 10};
  SearchResult r = Run(q);
  EXPECT_THAT(Ids(r), ElementsAre("tilbud-school", "tilbud-any", "tilbud-adult", "tilbud-small"));
  EXPECT_EQ(r.total, 4u);
  EXPECT_THAT(r.hits[0].explanation, Contains("alder 8-10 i målgruppen (6-12 år) ×1.2"));
  EXPECT_THAT(ExplanationOf(r, "tilbud-adult"),
              Contains("alder 8-10 uden for målgruppen (18-99 år) ×0.5"));
  EXPECT_THAT(ExplanationOf(r, "tilbud-any"), Not(Contains(HasSubstr("alder"))));
  // A range overlapping two records' ranges; one age.
  q.preferred_ages = std::pair<int, int>{4, 7};
  EXPECT_THAT(Ids(Run(q)),
              ElementsAre("tilbud-school", "tilbud-small", "tilbud-any", "tilbud-adult"));
  q.preferred_ages = std::pair<int, int>{30, 30};
  r = Run(q);
  EXPECT_EQ(r.hits[0].id, "tilbud-adult");
  EXPECT_THAT(r.hits[0].explanation, Contains("alder 30 i målgruppen (18-99 år) ×1.2"));
}

TEST_F(SearchPreferencesTest, ExpertiseRanksPersonsAndUnitsByTheirEvidenceAboveWhatMentionsIt) {
  Record runs_fit = Tilbud("tilbud-2", "Rådgivning for familier", "unit-2", "Samtaler.");
  runs_fit.mutable_tilbud()->add_methods("FIT");
  runs_fit.mutable_tilbud()->set_contact_person_id("person-2");
  Load({Unit("unit-1", "Familiehuset", "Valby", {"FIT"}),
        Unit("unit-2", "Rådgivningen", "Nørrebro"),
        Person("person-1", "Anne Jensen", "unit-1", {"FIT"}),
        Person("person-2", "Bo Hansen", "unit-2", {"KRAP"}),  // only the contact of a FIT tilbud
        Person("person-3", "Carl Berg", "unit-2", {"KRAP"}),
        Tilbud("tilbud-1", "FIT forløb", "unit-1", "Forløb med FIT for familier."), runs_fit});
  SearchQuery q;
  q.text = "FIT";
  const SearchResult plain = Run(q);
  ASSERT_FALSE(plain.hits.empty());
  EXPECT_EQ(plain.hits[0].id, "tilbud-1");  // what mentions it most
  EXPECT_THAT(Ids(plain), Not(Contains("person-2")));

  auto who = index_->WhoKnows("FIT", 10);
  ASSERT_TRUE(who.ok()) << who.status();
  std::vector<std::string> who_ids;
  for (const WhoKnowsHit& h : who->hits) who_ids.push_back(h.id);
  ASSERT_THAT(who_ids, UnorderedElementsAre("person-1", "unit-1", "unit-2", "person-2"));

  q.expertise = true;
  const SearchResult r = Run(q);
  ASSERT_EQ(r.hits.size(), 6u);
  EXPECT_EQ(r.total, 6u);  // person-2 joins although its own text lacks "FIT"
  const std::vector<std::string> ids = Ids(r);
  EXPECT_EQ(std::vector<std::string>(ids.begin(), ids.begin() + 4), who_ids);  // who-knows order
  EXPECT_THAT(std::vector<std::string>(ids.begin() + 4, ids.end()),
              UnorderedElementsAre("tilbud-1", "tilbud-2"));
  EXPECT_THAT(ExplanationOf(r, "person-2"),
              Contains("belæg: kontaktperson for tilbuddet Rådgivning for familier"));
  EXPECT_THAT(ExplanationOf(r, "person-1"), Contains(HasSubstr("belæg: ekspertise: FIT")));

  // They pass the filters like any match.
  q.kinds = {"person"};
  EXPECT_THAT(Ids(Run(q)), ElementsAre("person-1", "person-2"));
  q.kinds.clear();
  q.districts = {"Nørrebro"};
  std::vector<std::string> in_norrebro;
  for (const std::string& id : who_ids) {
    if (id == "unit-2" || id == "person-2") in_norrebro.push_back(id);
  }
  in_norrebro.push_back("tilbud-2");
  EXPECT_EQ(Ids(Run(q)), in_norrebro);
}

TEST_F(SearchPreferencesTest, AnEmptyTextListsPreferredRecordsFirstThenByName) {
  Load({Unit("unit-n", "Center Nord", "Nørrebro"), Unit("unit-v", "Center Vest", "Valby"),
        Tilbud("tilbud-1", "Ahorn", "unit-v"), Tilbud("tilbud-2", "Birk", "unit-n"),
        Tilbud("tilbud-3", "Cypres", "unit-v")});
  SearchQuery q;
  q.kinds = {"tilbud"};
  EXPECT_THAT(Ids(Run(q)), ElementsAre("tilbud-1", "tilbud-2", "tilbud-3"));
  q.preferred_districts = {"Nørrebro"};
  const SearchResult r = Run(q);
  EXPECT_THAT(Ids(r), ElementsAre("tilbud-2", "tilbud-1", "tilbud-3"));
  EXPECT_THAT(r.hits[0].explanation, ElementsAre("foretrukket bydel Nørrebro ×2.0"));
  EXPECT_THAT(r.hits[1].explanation, IsEmpty());
}

// A place in the text ("1439", a postcode of Christianshavn) names a
// district to prefer; in a directory with no record there it prefers
// nothing and the search answers. The request's own preferred district
// is still checked.
TEST(SearchPlaceTest, APlaceTypedInADistrictWithNoRecordsIsNoError) {
  const char* root = std::getenv("SOFDIR_SOURCE_DIR");
  if (root == nullptr) GTEST_SKIP() << "SOFDIR_SOURCE_DIR not set";
  SearchIndex::Options options;
  options.query_rules_path = std::string(root) + "/data/query-rules.txt";
  auto index = SearchIndex::Create(options);
  ASSERT_TRUE(index.ok()) << index.status();
  ASSERT_TRUE((*index)
                  ->BulkLoad({Unit("unit-1", "Center", "Valby"),
                              Tilbud("tilbud-1", "Botilbuddet", "unit-1", "Ophold.")})
                  .ok());
  SearchQuery q;
  q.text = "botilbuddet 1439";
  auto r = (*index)->Search(q);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Ids(*r), ::testing::ElementsAre("tilbud-1"));
  q.text = "botilbuddet";
  q.preferred_districts = {"Christianshavn"};
  r = (*index)->Search(q);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), ::testing::HasSubstr("preferred_districts"));
}

}  // namespace
}  // namespace sofdir::search::testing
