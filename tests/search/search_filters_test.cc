// SearchQuery's filters on controlled values and praktik slots: any-of
// districts, a slot window, and values that match nothing the index holds.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/search/search_fixture.h"

namespace sofdir::search::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pointee;
using ::testing::UnorderedElementsAre;

class SearchFiltersTest : public SearchFixture {
 protected:
  void LoadDistricts() {
    Load({Unit("unit-v", "Center Vest", "Valby"), Unit("unit-n", "Center Nord", "Nørrebro"),
          Unit("unit-ao", "Center Amager Øst", "Amager Øst"),
          Unit("unit-av", "Center Amager Vest", "Amager Vest"),
          Tilbud("tilbud-v", "Botilbud Valby", "unit-v"),
          Tilbud("tilbud-n", "Botilbud Nørrebro", "unit-n"),
          Tilbud("tilbud-ao", "Botilbud Sundby", "unit-ao"),
          Tilbud("tilbud-av", "Botilbud Sundholm", "unit-av")});
  }
};

TEST_F(SearchFiltersTest, DistrictsKeepRecordsInAnyOfThemAndTheFacetShowsThem) {
  LoadDistricts();
  SearchQuery q;
  q.text = "botilbud";
  q.districts = {"Amager Øst", "amager vest"};
  SearchResult r = Run(q);
  EXPECT_THAT(Ids(r), UnorderedElementsAre("tilbud-ao", "tilbud-av"));
  EXPECT_EQ(r.total, 2u);
  EXPECT_THAT(r.Facet("district"),
              Pointee(ElementsAre(std::pair<std::string, size_t>{"Amager Vest", 1},
                                  std::pair<std::string, size_t>{"Amager Øst", 1})));
  // With `district` too, a record must be in both.
  q.district = "Amager Øst";
  EXPECT_THAT(Ids(Run(q)), ElementsAre("tilbud-ao"));
  q.district = "Valby";
  r = Run(q);
  EXPECT_EQ(r.total, 0u);
  EXPECT_EQ(r.FacetCount("district", "Valby"), 0u);  // asked for: shown, not hidden
}

TEST_F(SearchFiltersTest, FacetsFollowAUnitThatMovesAndARecordThatGoes) {
  LoadDistricts();
  SearchQuery q;
  q.text = "botilbud";
  // The tilbud have no district of their own: they move with their unit.
  ASSERT_TRUE(index_->Upsert(Unit("unit-v", "Center Vest", "Nørrebro")).ok());
  ASSERT_TRUE(index_->Remove("tilbud-av").ok());
  const SearchResult r = Run(q);
  EXPECT_EQ(r.total, 3u);
  EXPECT_THAT(r.Facet("district"),
              Pointee(ElementsAre(std::pair<std::string, size_t>{"Amager Øst", 1},
                                  std::pair<std::string, size_t>{"Nørrebro", 2})));
  EXPECT_THAT(r.Facet("kind"), Pointee(ElementsAre(std::pair<std::string, size_t>{"tilbud", 3})));
  // Moved back, the unit's tilbud counts in Valby again.
  ASSERT_TRUE(index_->Upsert(Unit("unit-v", "Center Vest", "Valby")).ok());
  EXPECT_EQ(Run(q).FacetCount("district", "Valby"), 1u);
}

TEST_F(SearchFiltersTest, AFilterValueTheIndexDoesNotHoldIsRefusedListingTheValidOnes) {
  LoadDistricts();
  struct Case {
    std::string field;
    SearchQuery query;
    std::vector<std::string> mentions;
  };
  std::vector<Case> cases(6);
  cases[0] = {"district",
              {},
              {"district: 'Amager' matches no value",
               "valid are Amager Vest, Amager Øst, Nørrebro, Valby"}};
  cases[0].query.district = "Amager";
  cases[1] = {"districts", {}, {"districts: 'Amagerbro'", "Nørrebro, Valby"}};
  cases[1].query.districts = {"Valby", "Amagerbro"};
  cases[2] = {"area", {}, {"area: 'Psykiatri'", "valid are Udsatte voksne"}};
  cases[2].query.area = "Psykiatri";
  cases[3] = {"service_type", {}, {"service_type: 'bostøtte'", "valid are botilbud"}};
  cases[3].query.service_type = "bostøtte";
  cases[4] = {"legal_basis", {}, {"legal_basis: 'SEL § 85'", "valid are SEL § 107"}};
  cases[4].query.legal_basis = "SEL § 85";
  // A value of another field is no district.
  cases[5] = {"area as district", {}, {"district: 'Udsatte voksne'"}};
  cases[5].query.district = "Udsatte voksne";
  for (Case& c : cases) {
    c.query.text = "botilbud";
    auto r = index_->Search(c.query);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    for (const std::string& m : c.mentions) {
      EXPECT_THAT(r.status().message(), HasSubstr(m)) << c.field;
    }
  }
  // The same in a filter expression, where "=" names a value; "!=" may
  // name any.
  SearchQuery expr;
  expr.text = "botilbud";
  expr.filter = "kind = tilbud AND (district = \"Valby\" OR district = \"Amager\")";
  auto refused = index_->Search(expr);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("filter district: 'Amager' matches no value; valid are Amager Vest"));
  expr.filter = "legal_basis = \"SEL § 85\"";
  EXPECT_THAT(index_->Search(expr).status().message(), HasSubstr("valid are SEL § 107"));
  expr.filter = "district != \"Amager\" AND district = \"amager oest\"";
  EXPECT_THAT(Ids(Run(expr)), ElementsAre("tilbud-ao"));

  // Case, accents and æ/ø/å spellings do not matter.
  SearchQuery q;
  q.text = "botilbud";
  q.district = "AMAGER OEST";
  q.legal_basis = "sel 107";
  EXPECT_THAT(Ids(Run(q)), ElementsAre("tilbud-ao"));
}

TEST_F(SearchFiltersTest, AnIndexHoldingNoValueForAFieldHasNothingToListAndMatchesNothing) {
  SearchQuery q;
  q.district = "Amager";
  EXPECT_EQ(Run(q).total, 0u);
  Load({Unit("unit-x", "Center", "")});  // no district anywhere
  q.text = "center";
  EXPECT_EQ(Run(q).total, 0u);
}

TEST_F(SearchFiltersTest, ASlotWindowKeepsPraktikWithASlotStartingInItAndEveryOtherKind) {
  Load({Unit("unit-1", "Center", "Valby"),
        Praktik("praktik-1", "Praktik om misbrug", "unit-1", {"2027-03-16", "2027-05-04"}),
        Praktik("praktik-2", "Praktik om misbrug og bolig", "unit-1", {"2027-06-01"}),
        Praktik("praktik-3", "Praktik om misbrug uden datoer", "unit-1"),
        Tilbud("tilbud-1", "Misbrugsbehandling", "unit-1", "Hjælp ved misbrug.")});
  SearchQuery q;
  q.text = "misbrug";
  EXPECT_EQ(Run(q).total, 4u);
  q.slot_from = "2027-03-01";
  q.slot_to = "2027-03-31";
  SearchResult r = Run(q);
  EXPECT_THAT(Ids(r), UnorderedElementsAre("praktik-1", "tilbud-1"));
  EXPECT_EQ(r.total, 2u);
  EXPECT_EQ(r.FacetCount("kind", "praktik"), 1u);
  // Either end may be open; both ends count.
  q.slot_from = "2027-05-05";
  q.slot_to = "";
  EXPECT_THAT(Ids(Run(q)), UnorderedElementsAre("praktik-2", "tilbud-1"));
  q.slot_from = "";
  q.slot_to = "2027-03-15";
  EXPECT_THAT(Ids(Run(q)), ElementsAre("tilbud-1"));
  q.slot_from = q.slot_to = "2027-05-04";
  EXPECT_THAT(Ids(Run(q)), UnorderedElementsAre("praktik-1", "tilbud-1"));
  // A new slot counts at once.
  ASSERT_TRUE(index_
                  ->Upsert(Praktik("praktik-2", "Praktik om misbrug og bolig", "unit-1",
                                   {"2027-06-01", "2027-05-04"}))
                  .ok());
  EXPECT_THAT(Ids(Run(q)), UnorderedElementsAre("praktik-1", "praktik-2", "tilbud-1"));
}

TEST_F(SearchFiltersTest, ASlotDateThatIsNotADateIsRefusedNamingTheField) {
  Load({Unit("unit-1", "Center", "Valby")});
  struct Case {
    std::string from, to, mentions;
  };
  for (const Case& c :
       {Case{"2027-13-01", "", "slot_from: '2027-13-01' is not a date"},
        Case{"", "16-03-2027", "slot_to: '16-03-2027' is not a date; expected YYYY-MM-DD"},
        Case{"2027-04-01", "2027-03-01", "slot_from: 2027-04-01 is after slot_to"}}) {
    SearchQuery q;
    q.text = "center";
    q.slot_from = c.from;
    q.slot_to = c.to;
    auto r = index_->Search(q);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.mentions;
    EXPECT_THAT(r.status().message(), HasSubstr(c.mentions));
  }
  SearchQuery q;
  q.text = "center";
  q.slot_from = "2027-03-01";
  EXPECT_THAT(Ids(Run(q)), ElementsAre("unit-1"));  // no praktik: nothing to keep out
}

}  // namespace
}  // namespace sofdir::search::testing
