#include "server/domain/directory_search.h"

#include <malloc.h>

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/domain/page_token.h"
#include "server/model/record_util.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;

// Search pages are offsets into one ranking; the token binds the offset to
// the query it came from.
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

absl::StatusOr<int> Limit(int requested, int default_limit, int max_limit,
                          absl::string_view field) {
  if (requested < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be >= 0 (0 means ", default_limit, ")"));
  }
  if (requested == 0) return default_limit;
  return std::min(requested, max_limit);
}

v1::RecordKind KindFromName(const std::string& name) {
  return model::KindFromName(name).value_or(v1::RECORD_KIND_UNSPECIFIED);
}

}  // namespace

absl::StatusOr<std::unique_ptr<DirectorySearch>> DirectorySearch::Attach(
    Directory& directory, search::SearchIndex& index) {
  {
    SOFDIR_ASSIGN_OR_RETURN(std::vector<v1::Record> records, directory.LoadAllRecords());
    SOFDIR_RETURN_IF_ERROR(index.BulkLoad(records));
  }
  // The transient copies were large; give their pages back to the OS so the
  // server's resident memory reflects what it keeps.
  malloc_trim(0);
  std::unique_ptr<DirectorySearch> search(new DirectorySearch(index));
  directory.AddListener(search.get());
  return search;
}

void DirectorySearch::OnCommitted(const v1::Change& change) {
  if (change.has_booking()) return;  // bookings are not searchable records
  absl::Status status = change.type() == v1::CHANGE_DELETED ? index_.Remove(change.id())
                                                            : index_.Upsert(change.record());
  // Cannot happen for records that passed validation; say so loudly if it does.
  if (!status.ok()) {
    common::LogError(absl::StrCat("search index missed change ", change.sequence(), " (",
                                  change.id(), "): ", status.ToString()));
  }
}

absl::StatusOr<v1::SearchEntriesResponse> DirectorySearch::Search(
    const v1::SearchEntriesRequest& request) const {
  search::SearchQuery query;
  query.text = request.query();
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
  SOFDIR_ASSIGN_OR_RETURN(query.limit, Limit(request.page_size(), kDefaultSearchPageSize,
                                             search::SearchIndex::kMaxLimit, "page_size"));
  SOFDIR_ASSIGN_OR_RETURN(query.offset, DecodeOffset(request));
  query.explain = request.explain();

  SOFDIR_ASSIGN_OR_RETURN(search::SearchResult result, index_.Search(query));
  v1::SearchEntriesResponse response;
  for (search::SearchHit& hit : result.hits) {
    v1::SearchResult* out = response.add_results();
    out->set_id(hit.id);
    out->set_kind(KindFromName(hit.kind));
    out->set_name(std::move(hit.name));
    out->set_unit_name(std::move(hit.unit_name));
    out->set_district(std::move(hit.district));
    if (hit.free_places) out->set_free_places(*hit.free_places);
    out->set_score(hit.score);
    out->set_snippet(std::move(hit.snippet));
    for (std::string& line : hit.explanation) out->add_explanation(std::move(line));
    if (hit.distance_km) out->set_distance_km(*hit.distance_km);
  }
  for (const auto& [field, values] : result.facets) {
    v1::Facet* facet = response.add_facets();
    facet->set_field(field);
    std::vector<std::pair<std::string, size_t>> sorted(values.begin(), values.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [value, count] : sorted) {
      v1::FacetCount* c = facet->add_counts();
      c->set_value(value);
      c->set_count(static_cast<int64_t>(count));
    }
  }
  response.set_total_size(static_cast<int64_t>(result.total));
  for (std::string& word : result.unmatched_words) response.add_unmatched_words(std::move(word));
  const size_t next = static_cast<size_t>(query.offset) + result.hits.size();
  if (!result.hits.empty() && next < result.total) {
    response.set_next_page_token(EncodePageToken(QueryFingerprint(request), absl::StrCat(next)));
  }
  return response;
}

absl::StatusOr<v1::SuggestEntriesResponse> DirectorySearch::Suggest(
    const v1::SuggestEntriesRequest& request) const {
  SOFDIR_ASSIGN_OR_RETURN(int limit, Limit(request.limit(), kDefaultSuggestLimit, 50, "limit"));
  SOFDIR_ASSIGN_OR_RETURN(std::vector<search::Suggestion> suggestions,
                          index_.Suggest(request.prefix(), limit));
  v1::SuggestEntriesResponse response;
  for (search::Suggestion& s : suggestions) {
    v1::Suggestion* out = response.add_suggestions();
    out->set_text(std::move(s.text));
    out->set_count(static_cast<int64_t>(s.count));
  }
  return response;
}

absl::StatusOr<v1::WhoKnowsResponse> DirectorySearch::WhoKnows(
    const v1::WhoKnowsRequest& request) const {
  if (request.topic().empty()) {
    return absl::InvalidArgumentError("topic: required, e.g. \"FIT\" or \"medicinhåndtering\"");
  }
  SOFDIR_ASSIGN_OR_RETURN(int limit, Limit(request.limit(), kDefaultWhoKnowsLimit,
                                           search::SearchIndex::kMaxLimit, "limit"));
  SOFDIR_ASSIGN_OR_RETURN(search::WhoKnowsResult result, index_.WhoKnows(request.topic(), limit));
  v1::WhoKnowsResponse response;
  for (search::WhoKnowsHit& hit : result.hits) {
    v1::Expert* out = response.add_experts();
    out->set_id(hit.id);
    out->set_kind(KindFromName(hit.kind));
    out->set_name(std::move(hit.name));
    out->set_title(std::move(hit.title));
    out->set_unit_name(std::move(hit.unit_name));
    out->set_email(std::move(hit.email));
    out->set_phone(std::move(hit.phone));
    out->set_score(hit.score);
    for (std::string& e : hit.evidence) out->add_evidence(std::move(e));
  }
  return response;
}

}  // namespace sofdir::domain
