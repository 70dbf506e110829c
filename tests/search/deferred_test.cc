// Deferring weak matches (server/search/deferred.cc): a search whose word
// also matches many records through a broader concept scores only those
// that can reach the page, and returns exactly what scoring all of them
// returns. --explain scores every match, so it is the reference here.

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/search/search_fixture.h"

namespace sofdir::search::testing {
namespace {

class DeferredTest : public SearchFixture {
 protected:
  // 30 records that name the method, 400 about "bedring" only (its broader
  // concept), four with "recovery" (the broader concept's rare term) as
  // their name, and persons whose expertise is bedring, over two units.
  void SetUp() override {
    Create(
        "concept: kompasmetoden\n"
        "broader: bedring\n"
        "concept: bedring\n"
        "alt: recovery\n");
    std::vector<Record> records = {Unit("unit-v", "Center Vest", "Valby"),
                                   Unit("unit-a", "Center Øst", "Amager Øst")};
    for (int i = 0; i < 30; ++i) {
      const std::string unit = i % 2 == 0 ? "unit-v" : "unit-a";
      const std::string filler(static_cast<size_t>(i % 7) * 40, 'x');
      records.push_back(Tilbud("strong-" + std::to_string(i), "Samtaleforløb " + std::to_string(i),
                               unit,
                               "Vi arbejder med " + filler + " kompasmetoden i forløbet."));
    }
    for (int i = 0; i < 400; ++i) {
      const std::string unit = i % 3 == 0 ? "unit-v" : "unit-a";
      records.push_back(Tilbud("weak-" + std::to_string(i), "Bosted " + std::to_string(i), unit,
                               "Fokus på bedring og hverdagsliv.", "", 18 + i % 40, 99));
    }
    for (int i = 0; i < 4; ++i) {
      records.push_back(Tilbud("named-" + std::to_string(i), "Recovery", "unit-v", "Recovery."));
    }
    for (int i = 0; i < 60; ++i) {
      records.push_back(Person("person-" + std::to_string(i), "Medarbejder " + std::to_string(i),
                               i % 2 == 0 ? "unit-v" : "unit-a", {"bedring"}));
    }
    Load(records);
  }

  SearchResult Search(SearchQuery q) {
    auto r = index_->Search(q);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : SearchResult();
  }

  // The search as asked and with every match scored give the same page,
  // total and facets; returns the former.
  SearchResult ExpectSameAsScoringAll(SearchQuery q) {
    const SearchResult fast = Search(q);
    q.explain = true;
    const SearchResult all = Search(q);
    EXPECT_EQ(all.scored, all.total);
    EXPECT_EQ(fast.total, all.total);
    EXPECT_EQ(fast.facets, all.facets);
    EXPECT_EQ(Ids(fast), Ids(all));
    for (size_t i = 0; i < fast.hits.size() && i < all.hits.size(); ++i) {
      EXPECT_EQ(fast.hits[i].score, all.hits[i].score) << fast.hits[i].id;
    }
    return fast;
  }
};

SearchQuery Query(const std::string& text, int limit, int offset = 0) {
  SearchQuery q;
  q.text = text;
  q.limit = limit;
  q.offset = offset;
  return q;
}

TEST_F(DeferredTest, WeakMatchesCountButAreNotScored) {
  const SearchResult r = ExpectSameAsScoringAll(Query("kompasmetoden", 10));
  EXPECT_EQ(r.total, 30u + 400u + 4u + 60u);
  EXPECT_LT(r.scored, 100u);  // the bedring-only records were only counted
  // A weak match that can rank is scored: "Recovery" in a name outweighs
  // the method deep in a description.
  ASSERT_EQ(r.hits.size(), 10u);
  int named = 0;
  for (const SearchHit& h : r.hits) {
    named += h.id.rfind("named-", 0) == 0 ? 1 : 0;
    EXPECT_TRUE(h.id.rfind("strong-", 0) == 0 || h.id.rfind("named-", 0) == 0) << h.id;
  }
  EXPECT_EQ(named, 4);
  EXPECT_EQ(r.FacetCount("kind", "person"), 60u);
  EXPECT_EQ(r.FacetCount("district", "Valby"), 15u + 134u + 4u + 30u);
}

TEST_F(DeferredTest, PagesFiltersAndPreferencesGiveWhatScoringAllGives) {
  // The method as a name makes "recovery" (×0.3) a weak match too, and
  // persons with that expertise, preferred (×3), may rank above the
  // method's other records: those deferred matches must be scored.
  ASSERT_TRUE(
      index_->Upsert(Tilbud("strong-top", "Kompasmetoden", "unit-v", "Kompasmetoden.")).ok());
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(
        index_->Upsert(Person("expert-" + std::to_string(i), "Ekspert", "unit-a", {"recovery"}))
            .ok());
  }
  ExpectSameAsScoringAll(Query("kompasmetoden", 5, 20));
  ExpectSameAsScoringAll(Query("kompasmetoden", 10, 28));  // the page reaches the weak ones
  ExpectSameAsScoringAll(Query("kompasmetoden", 100));
  SearchQuery persons = Query("kompasmetoden", 10);
  persons.preferred_kinds = {"person"};  // ×3 for the weak persons
  ExpectSameAsScoringAll(persons);
  SearchQuery amager = Query("kompasmetoden", 10);
  amager.preferred_districts = {"Amager Øst"};
  ExpectSameAsScoringAll(amager);
  SearchQuery ages = Query("kompasmetoden", 10);
  ages.preferred_ages = std::make_pair(20, 25);
  ExpectSameAsScoringAll(ages);
  SearchQuery only_persons = Query("kompasmetoden", 10);
  only_persons.kinds = {"person"};
  ExpectSameAsScoringAll(only_persons);
  ExpectSameAsScoringAll(Query("recovery", 10));
  ExpectSameAsScoringAll(Query("kompasmetoden samtaleforløb", 10));
}

TEST_F(DeferredTest, RemovedAndRewrittenRecordsAreCountedAsTheyAreNow) {
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(index_->Remove("weak-" + std::to_string(i)).ok());
  ASSERT_TRUE(index_
                  ->Upsert(Tilbud("weak-100", "Kompasmetoden", "unit-v",
                                  "Kompasmetoden og bedring."))
                  .ok());
  const SearchResult r = ExpectSameAsScoringAll(Query("kompasmetoden", 10));
  EXPECT_EQ(r.total, 30u + 350u + 4u + 60u);
  ASSERT_GE(r.hits.size(), 2u);  // now named by the query, as strong-top
  EXPECT_TRUE(r.hits[0].id == "weak-100" || r.hits[1].id == "weak-100");
}

}  // namespace
}  // namespace sofdir::search::testing
