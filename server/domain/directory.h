// The directory's records and their rules, on top of Storage.
//
// Every mutation (create, update, delete, each accepted record of an import)
// is validated in full, then written as one atomic, synced RocksDB batch
// holding the record, its reference index entries, its creation-order entry
// and a change-log entry with the next sequence number. Nothing of a
// rejected record is written. Listeners see each change after it is durable.
//
// Errors: INVALID_ARGUMENT (a field, naming it), NOT_FOUND, ALREADY_EXISTS,
// FAILED_PRECONDITION (still referred to), ABORTED (etag mismatch),
// INTERNAL/UNAVAILABLE/DATA_LOSS from storage.
//
// Thread-safe. Reads run concurrently; writes are serialised by one mutex so
// that validation, sequence numbers and commit order agree.
#ifndef SOFDIR_SERVER_DOMAIN_DIRECTORY_H_
#define SOFDIR_SERVER_DOMAIN_DIRECTORY_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/field_mask.pb.h"
#include "server/domain/change_listener.h"
#include "server/storage/storage.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::domain {

inline constexpr int kDefaultListPageSize = 50;
inline constexpr int kMaxListPageSize = 1000;
inline constexpr int kDefaultExportPageSize = 1000;
inline constexpr int kMaxExportPageSize = 5000;
inline constexpr int kMaxImportBatch = 5000;

class Directory {
 public:
  using Record = sof::directory::v1::Record;

  // Reads the change log's last sequence from `storage`, which must outlive
  // the Directory.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Directory>> Open(storage::Storage& storage);

  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;

  // `listener` (not owned, must outlive the Directory) sees every later
  // change. Register before serving requests.
  void AddListener(ChangeListener* listener);

  // Calls `visit` for every stored record in id order (for index rebuilds).
  [[nodiscard]] absl::Status ForEachRecord(const std::function<void(const Record&)>& visit) const;

  // The record with `id` and its etag. NOT_FOUND when absent.
  [[nodiscard]] absl::StatusOr<Record> Get(absl::string_view id) const;

  // A page of records in id order; see ListRecordsRequest.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListRecordsResponse> List(
      const sof::directory::v1::ListRecordsRequest& request) const;

  // Stores a new record. ALREADY_EXISTS when the id is taken. With a
  // non-empty request_id, a repeated call returns the record the first call
  // created (its current state) and writes nothing.
  [[nodiscard]] absl::StatusOr<Record> Create(const Record& record,
                                              absl::string_view request_id = "");

  // Replaces the fields in `mask` (paths relative to the kind message; all
  // fields when empty) of the record with the same id. ABORTED when
  // record.etag is set and stale. Returns the stored result.
  [[nodiscard]] absl::StatusOr<Record> Update(const Record& record,
                                              const google::protobuf::FieldMask& mask);

  // Removes a record. FAILED_PRECONDITION naming how many records still
  // refer to it (and some of them); ABORTED on a stale non-empty etag.
  [[nodiscard]] absl::Status Delete(absl::string_view id, absl::string_view etag = "");

  // Upserts each record on its own merits (see ImportRecords in the proto):
  // one result per record, in order. INVALID_ARGUMENT only for a batch over
  // kMaxImportBatch; a storage failure fails the whole call (nothing written).
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ImportRecordsResponse> Import(
      const std::vector<Record>& records);

  // A page of records in creation order.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ExportRecordsResponse> Export(
      const sof::directory::v1::ExportRecordsRequest& request) const;

  // A page of the change log after request.since_sequence.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListChangesResponse> ListChanges(
      const sof::directory::v1::ListChangesRequest& request) const;

  // The highest sequence committed so far (0 for an empty directory).
  uint64_t LastSequence() const { return committed_sequence_.load(); }

 private:
  // Records written earlier in the batch being built, by id (nullopt =
  // deleted), consulted before storage.
  using Overlay = absl::flat_hash_map<std::string, std::optional<Record>>;

  // A batch under construction: its writes and the changes it announces.
  struct PendingWrite {
    explicit PendingWrite(storage::WriteBatch b) : batch(std::move(b)) {}
    storage::WriteBatch batch;
    std::vector<sof::directory::v1::Change> changes;
    Overlay overlay;
  };

  explicit Directory(storage::Storage& storage, uint64_t last_sequence);

  absl::StatusOr<std::optional<Record>> Load(absl::string_view id, const Overlay* overlay) const;
  absl::Status CheckReferences(const Record& record, const Overlay& overlay) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Adds the upsert of `record` (replacing `previous` when set) to `write`.
  void StageUpsert(PendingWrite& write, Record record, const std::optional<Record>& previous)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  void StageDelete(PendingWrite& write, const Record& previous)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Writes the batch durably, then advances the sequence and notifies.
  absl::Status Commit(PendingWrite& write) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  storage::Storage& storage_;
  absl::Mutex write_mu_;
  uint64_t next_sequence_ ABSL_GUARDED_BY(write_mu_);
  std::vector<ChangeListener*> listeners_ ABSL_GUARDED_BY(write_mu_);
  std::atomic<uint64_t> committed_sequence_;
};

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_DIRECTORY_H_
