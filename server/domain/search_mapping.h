// How SearchEntries maps onto the search engine and back: the request
// becomes a search::SearchQuery (checked field by field), the engine's
// search::SearchResult becomes the response, with its page token.
//
// Query understanding is on unless the request asks for `literal`: then
// SearchQuery::interpret is false and the words are searched as typed. What
// the engine understood (SearchResult::interpretation) is returned as
// SearchEntriesResponse.interpretation, so a caller can show it and offer
// the literal search instead.
//
// Search pages are offsets into one ranking. The page token binds the
// offset to a fingerprint of every request field that changes the ranking
// (all but page_token, page_size and explain; `literal` included), so a
// token is refused for any other query, also the same words searched
// literally.
//
// Pure functions; thread-safe.
#ifndef SOFDIR_SERVER_DOMAIN_SEARCH_MAPPING_H_
#define SOFDIR_SERVER_DOMAIN_SEARCH_MAPPING_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/search/search_types.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::domain {

// The engine's query for `request`, its offset from the page token.
// INVALID_ARGUMENT naming the field for an unknown kind, an age outside
// 0..120, a bad near point or place, both near and near_district, a
// negative fresh_days or page_size, and a page token of another query.
[[nodiscard]] absl::StatusOr<search::SearchQuery> SearchQueryFromRequest(
    const sof::directory::v1::SearchEntriesRequest& request);

// The response to `request` for the engine's `result` of the query made
// from it (`offset` is that query's offset): results, facets (values most
// frequent first), total, unmatched words, interpretation and the next page
// token when more results follow.
sof::directory::v1::SearchEntriesResponse SearchResponseFromResult(
    search::SearchResult result, const sof::directory::v1::SearchEntriesRequest& request,
    int offset);

// `requested` results per call: `default_limit` for 0, at most `max_limit`;
// INVALID_ARGUMENT naming `field` when negative.
[[nodiscard]] absl::StatusOr<int> ResultLimit(int requested, int default_limit, int max_limit,
                                              absl::string_view field);

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_SEARCH_MAPPING_H_
