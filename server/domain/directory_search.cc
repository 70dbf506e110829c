#include "server/domain/directory_search.h"

#include <malloc.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/domain/search_mapping.h"
#include "server/model/record_util.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;

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
  std::unique_ptr<DirectorySearch> search(new DirectorySearch(directory, index));
  directory.AddListener(search.get());
  return search;
}

void DirectorySearch::OnCommitted(const v1::Change& change) {
  if (change.has_booking()) return;  // bookings are not searchable records
  absl::Status status = change.type() == v1::CHANGE_DELETED ? index_.Remove(change.id())
                                                            : index_.Upsert(change.record());
  // A rebuild (OnImported) may have read a delete from storage before it
  // was delivered: the record is already gone from the index.
  if (change.type() == v1::CHANGE_DELETED && absl::IsNotFound(status)) return;
  // Cannot happen for records that passed validation; say so loudly if it does.
  if (!status.ok()) {
    common::LogError(absl::StrCat("search index missed change ", change.sequence(), " (",
                                  change.id(), "): ", status.ToString()));
  }
}

void DirectorySearch::OnImported(size_t changed) {
  if (4 * changed < index_.size()) return;
  // Storage may already hold later changes that are not delivered yet; they
  // are applied again when they are, which changes nothing.
  absl::StatusOr<std::vector<v1::Record>> records = directory_.LoadAllRecords();
  absl::Status status = records.status();
  if (status.ok()) status = index_.BulkLoad(*records);
  if (!status.ok()) {
    // The index is still the one followed record by record: complete, only
    // split differently from what a restart builds.
    common::LogError(absl::StrCat("search index kept after an import: ", status.ToString()));
  }
}

absl::StatusOr<v1::SearchEntriesResponse> DirectorySearch::Search(
    const v1::SearchEntriesRequest& request) const {
  SOFDIR_ASSIGN_OR_RETURN(search::SearchQuery query, SearchQueryFromRequest(request));
  SOFDIR_ASSIGN_OR_RETURN(search::SearchResult result, index_.Search(query));
  return SearchResponseFromResult(std::move(result), request, query.offset);
}

absl::StatusOr<v1::SuggestEntriesResponse> DirectorySearch::Suggest(
    const v1::SuggestEntriesRequest& request) const {
  SOFDIR_ASSIGN_OR_RETURN(int limit,
                          ResultLimit(request.limit(), kDefaultSuggestLimit, 50, "limit"));
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
  SOFDIR_ASSIGN_OR_RETURN(int limit, ResultLimit(request.limit(), kDefaultWhoKnowsLimit,
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
