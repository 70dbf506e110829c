// The paged reads of the directory, straight from storage: records in id
// order (optionally of one kind or below one parent), records in creation
// order (export), and the change log. A page holds at most page_size items
// and at most kMaxPageBytes of them (page_token.h), but always at least one,
// so it stays below the message limit however big the records are; its
// next_page_token continues exactly after it (for ListChanges: the sequence
// of its last change).
//
// Each call takes a common::StopCheck and checks it as it goes: once it
// says stop, it returns its DEADLINE_EXCEEDED or CANCELLED, with a message
// saying how far it got, and nothing partial.
//
// Errors: INVALID_ARGUMENT naming the field (page_size, page_token, kind,
// parent), DATA_LOSS for a stored entry that cannot be parsed, storage
// errors.
//
// Thread-safe (Storage is).
#ifndef SOFDIR_SERVER_DOMAIN_RECORD_PAGES_H_
#define SOFDIR_SERVER_DOMAIN_RECORD_PAGES_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/common/stop_check.h"
#include "server/storage/storage.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::domain {

inline constexpr int kDefaultListPageSize = 50;
inline constexpr int kMaxListPageSize = 1000;
inline constexpr int kDefaultExportPageSize = 1000;
inline constexpr int kMaxExportPageSize = 5000;
inline constexpr int kDefaultChangesPageSize = 100;
inline constexpr int kMaxChangesPageSize = 1000;

// The stored record `key` in `bytes`, with its etag (its update_sequence).
// DATA_LOSS naming the key when the bytes do not parse.
[[nodiscard]] absl::StatusOr<sof::directory::v1::Record> ParseStoredRecord(absl::string_view bytes,
                                                                           absl::string_view key);

// The stored record with `id` (as ParseStoredRecord), nullopt when absent.
[[nodiscard]] absl::StatusOr<std::optional<sof::directory::v1::Record>> LoadStoredRecord(
    const storage::Storage& storage, absl::string_view id);

class RecordPages {
 public:
  // `storage` must outlive the RecordPages.
  explicit RecordPages(const storage::Storage& storage) : storage_(storage) {}

  RecordPages(const RecordPages&) = delete;
  RecordPages& operator=(const RecordPages&) = delete;

  // A page of records in id order; see ListRecordsRequest.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListRecordsResponse> List(
      const sof::directory::v1::ListRecordsRequest& request, const common::StopCheck& stop) const;

  // A page of records in creation order; see ExportRecordsRequest.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ExportRecordsResponse> Export(
      const sof::directory::v1::ExportRecordsRequest& request, const common::StopCheck& stop) const;

  // A page of the change log after request.since_sequence, never beyond
  // `durable` (the highest durable sequence, also returned as
  // last_sequence). A page may end before last_sequence: ask again from its
  // last change's sequence.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListChangesResponse> ListChanges(
      const sof::directory::v1::ListChangesRequest& request, uint64_t durable,
      const common::StopCheck& stop) const;

 private:
  const storage::Storage& storage_;
};

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_RECORD_PAGES_H_
