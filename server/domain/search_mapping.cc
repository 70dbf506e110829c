#include "server/domain/search_mapping.h"

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/status_macros.h"
#include "server/domain/directory_search.h"
#include "server/domain/page_token.h"
#include "server/model/record_util.h"
#include "server/search/search_index.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;

// Everything that changes the ranking: `literal` stays in, since the same
// words read with and without query understanding rank differently.
std::string QueryFingerprint(v1::SearchEntriesRequest request) {
  request.clear_page_token();
  request.clear_page_size();
  request.clear_explain();
  return absl::StrCat(std::hash<std::string>()(request.SerializeAsString()));
}

constexpr int kMaxSearchOffset = 1 << 30;

absl::StatusOr<int> DecodeOffset(const v1::SearchEntriesRequest& request) {
  if (request.page_token().empty()) return 0;
  SOFDIR_ASSIGN_OR_RETURN(std::string offset_text,
                          DecodePageToken(request.page_token(), QueryFingerprint(request)));
  int offset = 0;
  // Offsets come from this server's pages of at most a few million hits;
  // a bound keeps offset + page size far from overflowing an int.
  if (!absl::SimpleAtoi(offset_text, &offset) || offset < 0 || offset > kMaxSearchOffset) {
    return absl::InvalidArgumentError(
        "page_token: not from a previous response to this same query");
  }
  return offset;
}

}  // namespace

absl::StatusOr<int> ResultLimit(int requested, int default_limit, int max_limit,
                                absl::string_view field) {
  if (requested < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be >= 0 (0 means ", default_limit, ")"));
  }
  if (requested == 0) return default_limit;
  return std::min(requested, max_limit);
}

absl::StatusOr<search::SearchQuery> SearchQueryFromRequest(
    const v1::SearchEntriesRequest& request) {
  search::SearchQuery query;
  query.text = request.query();
  query.interpret = !request.literal();
  for (int kind : request.kinds()) {
    absl::string_view name = model::KindName(static_cast<v1::RecordKind>(kind));
    if (name.empty()) {
      return absl::InvalidArgumentError(
          "kinds: unknown kind; valid: UNIT, TILBUD, PARTNER, PRAKTIK, PERSON");
    }
    query.kinds.emplace_back(name);
  }
  query.area = request.area();
  query.district = request.district();
  query.legal_basis = request.legal_basis();
  query.service_type = request.service_type();
  if (request.has_age()) {
    if (request.age() < 0 || request.age() > 120) {
      return absl::InvalidArgumentError(
          absl::StrCat("age: ", request.age(), " is not between 0 and 120"));
    }
    query.age = request.age();
  }
  query.only_free = request.only_free();
  if (request.has_near() && !request.near_district().empty()) {
    return absl::InvalidArgumentError("near: give a point or near_district, not both");
  }
  if (request.has_near()) {
    // NaN would pass a plain range test and leave the ranking unordered.
    if (!(request.near().lat() >= -90 && request.near().lat() <= 90)) {
      return absl::InvalidArgumentError(
          absl::StrCat("near.lat: ", request.near().lat(), " is not a latitude; valid: -90..90"));
    }
    if (!(request.near().lon() >= -180 && request.near().lon() <= 180)) {
      return absl::InvalidArgumentError(absl::StrCat("near.lon: ", request.near().lon(),
                                                     " is not a longitude; valid: -180..180"));
    }
    query.near = search::GeoPoint{request.near().lat(), request.near().lon()};
  } else if (!request.near_district().empty()) {
    absl::StatusOr<search::GeoPoint> point = search::Geo::Resolve(request.near_district());
    if (!point.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("near_district: ", point.status().message()));
    }
    query.near = *point;
  }
  if (request.fresh_days() < 0) {
    return absl::InvalidArgumentError("fresh_days: must be >= 0 (0 means all records)");
  }
  if (request.fresh_days() > 0) {
    // Inside the engine, so total_size, facets and paging count fresh records only.
    query.verified_since =
        absl::ToUnixSeconds(absl::Now() - absl::Hours(24) * request.fresh_days());
  }
  query.filter = request.filter();
  SOFDIR_ASSIGN_OR_RETURN(query.limit, ResultLimit(request.page_size(), kDefaultSearchPageSize,
                                                   search::SearchIndex::kMaxLimit, "page_size"));
  SOFDIR_ASSIGN_OR_RETURN(query.offset, DecodeOffset(request));
  query.explain = request.explain();
  return query;
}

v1::SearchEntriesResponse SearchResponseFromResult(search::SearchResult result,
                                                   const v1::SearchEntriesRequest& request,
                                                   int offset) {
  v1::SearchEntriesResponse response;
  for (search::SearchHit& hit : result.hits) {
    v1::SearchResult* out = response.add_results();
    out->set_id(hit.id);
    out->set_kind(model::KindFromName(hit.kind).value_or(v1::RECORD_KIND_UNSPECIFIED));
    out->set_name(std::move(hit.name));
    out->set_unit_name(std::move(hit.unit_name));
    out->set_district(std::move(hit.district));
    if (hit.free_places) out->set_free_places(*hit.free_places);
    out->set_score(hit.score);
    out->set_snippet(std::move(hit.snippet));
    for (std::string& line : hit.explanation) out->add_explanation(std::move(line));
    if (hit.distance_km) out->set_distance_km(*hit.distance_km);
  }
  for (auto& [field, values] : result.facets) {
    v1::Facet* facet = response.add_facets();
    facet->set_field(std::move(field));
    // Most matches first; equal counts keep the engine's (ascending) order.
    std::stable_sort(values.begin(), values.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (auto& [value, count] : values) {
      v1::FacetCount* c = facet->add_counts();
      c->set_value(std::move(value));
      c->set_count(static_cast<int64_t>(count));
    }
  }
  response.set_total_size(static_cast<int64_t>(result.total));
  for (std::string& word : result.unmatched_words) response.add_unmatched_words(std::move(word));
  for (search::InterpretationStep& step : result.interpretation) {
    v1::InterpretationStep* out = response.add_interpretation();
    out->set_rule(std::move(step.rule));
    for (std::string& word : step.words) out->add_words(std::move(word));
    out->set_effect(std::move(step.effect));
  }
  const size_t next = static_cast<size_t>(offset) + result.hits.size();
  if (!result.hits.empty() && next < result.total) {
    response.set_next_page_token(EncodePageToken(QueryFingerprint(request), absl::StrCat(next)));
  }
  return response;
}

}  // namespace sofdir::domain
