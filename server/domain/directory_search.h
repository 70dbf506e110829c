// Keeps the in-memory search::SearchIndex equal to the stored directory and
// answers the search methods of the API with it.
//
// Consistency: Attach loads every stored record into the index before the
// server takes requests, then follows every change once it is durable (as a
// ChangeListener, before the writing call returns). So after any
// acknowledged write the next search sees it, a write whose sync failed is
// not searchable until it is durable after all, and after a crash the
// index is rebuilt from what RocksDB holds.
//
// An import is followed record by record, and a record's compounds are
// split against the words the index holds when it arrives, so the first
// records of an import would split less than after a restart. An import
// call that changes at least a quarter of the records therefore rebuilds
// the index from storage (OnImported), which makes it what a restart
// builds: the same search gives the same answer before and after a restart.
//
// Thread-safe: searches run concurrently; OnCommitted and OnImported are
// serialised by Directory. fresh_days becomes SearchQuery::verified_since: the index keeps
// each record's verified_time, so stale records are left out before
// ranking, and total_size, facets and page tokens count fresh records only.
#ifndef SOFDIR_SERVER_DOMAIN_DIRECTORY_SEARCH_H_
#define SOFDIR_SERVER_DOMAIN_DIRECTORY_SEARCH_H_

#include <memory>

#include "absl/status/statusor.h"
#include "server/domain/change_listener.h"
#include "server/domain/directory.h"
#include "server/search/search_index.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::domain {

inline constexpr int kDefaultSearchPageSize = 10;
inline constexpr int kDefaultSuggestLimit = 8;
inline constexpr int kDefaultWhoKnowsLimit = 10;

class DirectorySearch : public ChangeListener {
 public:
  // Loads all of `directory` into `index` and subscribes to its changes.
  // Both must outlive the returned object. Call before serving requests.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<DirectorySearch>> Attach(
      Directory& directory, search::SearchIndex& index);

  void OnCommitted(const sof::directory::v1::Change& change) override;
  void OnImported(size_t changed) override;

  // INVALID_ARGUMENT naming the field for a bad query, filter, page size,
  // page token or a negative fresh_days (see SearchEntriesRequest).
  [[nodiscard]] absl::StatusOr<sof::directory::v1::SearchEntriesResponse> Search(
      const sof::directory::v1::SearchEntriesRequest& request) const;
  [[nodiscard]] absl::StatusOr<sof::directory::v1::SuggestEntriesResponse> Suggest(
      const sof::directory::v1::SuggestEntriesRequest& request) const;
  [[nodiscard]] absl::StatusOr<sof::directory::v1::WhoKnowsResponse> WhoKnows(
      const sof::directory::v1::WhoKnowsRequest& request) const;

 private:
  DirectorySearch(Directory& directory, search::SearchIndex& index)
      : directory_(directory), index_(index) {}

  Directory& directory_;
  search::SearchIndex& index_;
};

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_DIRECTORY_SEARCH_H_
