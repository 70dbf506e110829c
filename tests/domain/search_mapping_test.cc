// SearchEntries onto the engine and back: `literal` turns query
// understanding off, what the engine understood reaches the response, and a
// page token belongs to one reading of the query.
#include "server/domain/search_mapping.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/json.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::SearchEntriesRequest Request(const std::string& query, bool literal) {
  v1::SearchEntriesRequest request;
  request.set_query(query);
  request.set_literal(literal);
  request.set_page_size(1);
  return request;
}

search::SearchResult TwoHitsOfFive() {
  search::SearchResult result;
  result.total = 5;
  for (const char* id : {"tilbud-1", "tilbud-2"}) {
    search::SearchHit hit;
    hit.id = id;
    hit.kind = "tilbud";
    hit.explanation = {"kind \"botilbud\": tilbud preferred"};
    result.hits.push_back(hit);
  }
  return result;
}

TEST(SearchMappingTest, UnderstandingIsOnUnlessTheRequestAsksForLiteral) {
  absl::StatusOr<search::SearchQuery> read = SearchQueryFromRequest(Request("ledig plads", false));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(read->interpret);
  absl::StatusOr<search::SearchQuery> literal =
      SearchQueryFromRequest(Request("ledig plads", true));
  ASSERT_TRUE(literal.ok()) << literal.status();
  EXPECT_FALSE(literal->interpret);
  EXPECT_EQ(literal->text, "ledig plads");
}

TEST(SearchMappingTest, WhatTheEngineUnderstoodReachesTheResponseInOrder) {
  search::SearchResult result = TwoHitsOfFive();
  result.interpretation.push_back(
      {"free_places", {"ledig plads"}, "viser kun tilbud med ledige pladser"});
  result.interpretation.push_back({"place", {"Valby", "Langgade"}, "foretrækker Valby"});
  v1::SearchEntriesResponse response =
      SearchResponseFromResult(result, Request("ledig plads valby langgade", false), 0);
  ASSERT_EQ(response.interpretation_size(), 2);
  EXPECT_EQ(response.interpretation(0).rule(), "free_places");
  EXPECT_THAT(response.interpretation(0).words(), ElementsAre("ledig plads"));
  EXPECT_EQ(response.interpretation(0).effect(), "viser kun tilbud med ledige pladser");
  EXPECT_EQ(response.interpretation(1).rule(), "place");
  EXPECT_THAT(response.interpretation(1).words(), ElementsAre("Valby", "Langgade"));
  EXPECT_EQ(response.interpretation(1).effect(), "foretrækker Valby");
  // The engine's lines per result pass through unchanged.
  EXPECT_THAT(response.results(0).explanation(),
              ElementsAre("kind \"botilbud\": tilbud preferred"));

  EXPECT_EQ(SearchResponseFromResult(TwoHitsOfFive(), Request("x", true), 0).interpretation_size(),
            0);
}

TEST(SearchMappingTest, APageTokenIsRefusedForTheSameWordsReadTheOtherWay) {
  for (bool literal : {false, true}) {
    v1::SearchEntriesRequest first = Request("botilbud ledig plads", literal);
    v1::SearchEntriesResponse page = SearchResponseFromResult(TwoHitsOfFive(), first, 0);
    ASSERT_FALSE(page.next_page_token().empty());

    v1::SearchEntriesRequest same = first;
    same.set_page_token(page.next_page_token());
    same.set_explain(true);  // explain and page size do not change the ranking
    same.set_page_size(7);
    absl::StatusOr<search::SearchQuery> next = SearchQueryFromRequest(same);
    ASSERT_TRUE(next.ok()) << next.status();
    EXPECT_EQ(next->offset, 2);
    EXPECT_EQ(next->interpret, !literal);

    v1::SearchEntriesRequest other = same;
    other.set_literal(!literal);
    absl::StatusOr<search::SearchQuery> refused = SearchQueryFromRequest(other);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << literal;
    EXPECT_THAT(refused.status().message(), HasSubstr("page_token"));
  }
}

}  // namespace
}  // namespace sofdir::domain
