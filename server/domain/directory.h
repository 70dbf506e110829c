// The directory's records and their rules, on top of Storage.
//
// Every mutation (create, update, delete, each accepted record of an import)
// is validated in full, then written as one atomic, synced RocksDB batch
// holding the record, its reference index entries, its creation-order entry
// and a change-log entry with the next sequence number. Nothing of a
// rejected record is written.
//
// Durability contract (see also storage.h):
//   - A call that returns OK has its write durable (synced; it survives
//     kill -9 and power loss), and every listener (the search index) has
//     seen it, so the caller's next search finds it.
//   - Listeners and durable listeners see a change only once it is durable,
//     each change exactly once, in sequence order; LastSequence() and
//     ListChanges never go beyond it.
//   - When the write reached storage but its sync failed, the call fails
//     with UNAVAILABLE (RESOURCE_EXHAUSTED for a full disk) saying the write
//     may or may not be stored and to read it back before retrying. Until it
//     is known durable the change is held back from listeners, while Get and
//     List already show it (RocksDB cannot take an applied write back). Once
//     storage recovers, the next write that becomes durable makes it durable
//     too and delivers it first; after a restart whatever RocksDB recovered
//     is what is stored and searchable.
//
// Errors: INVALID_ARGUMENT (a field, naming it), NOT_FOUND, ALREADY_EXISTS,
// FAILED_PRECONDITION (still referred to), ABORTED (etag mismatch),
// INTERNAL/UNAVAILABLE/DATA_LOSS from storage.
//
// Long calls (List, Import, Export, ListChanges, ListAudit, ListStale) take
// a common::StopCheck and check it as they go: once it says stop they
// return its DEADLINE_EXCEEDED or CANCELLED, with a message saying how far
// they got, and return nothing partial (reads) or write nothing (Import).
//
// Thread-safe. Reads run concurrently; writes are serialised by one mutex so
// that validation, sequence numbers and commit order agree. The WAL sync
// happens after the mutex is released (group commit): a write is visible to
// reads a moment before it is durable, but no call returns OK before its
// write is durable.
#ifndef SOFDIR_SERVER_DOMAIN_DIRECTORY_H_
#define SOFDIR_SERVER_DOMAIN_DIRECTORY_H_

#include <atomic>
#include <cstdint>
#include <deque>
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
#include "server/common/stop_check.h"
#include "server/domain/audit_log.h"
#include "server/domain/change_listener.h"
#include "server/domain/record_pages.h"
#include "server/storage/storage.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::domain {

inline constexpr int kMaxImportBatch = 5000;

// Who makes a write and through which method: recorded with every change
// (the audit trail lives in the change log, written in the same batch).
struct Actor {
  std::string principal = "system";
  std::string method;
};

class Directory {
 public:
  using Record = sof::directory::v1::Record;
  using Change = sof::directory::v1::Change;

  // A write under construction, holding the write lock. Directory's own
  // mutations and extensions (bookings) stage their writes here; Transact
  // commits them, with their change-log entries, in one synced batch.
  // Not thread-safe; lives only inside Transact or a mutation.
  class Transaction {
   public:
    // The record as this transaction leaves it (staged upserts/deletes
    // first, then storage); nullopt when absent.
    [[nodiscard]] absl::StatusOr<std::optional<Record>> Load(absl::string_view id) const;
    // Raw reads of committed data; they do not see this transaction's raw
    // Put/Delete.
    [[nodiscard]] absl::StatusOr<std::optional<std::string>> Get(storage::ColumnFamily cf,
                                                                 absl::string_view key) const;
    [[nodiscard]] absl::Status Scan(
        storage::ColumnFamily cf, absl::string_view prefix, absl::string_view start,
        const std::function<bool(absl::string_view, absl::string_view)>& visit) const;
    void Put(storage::ColumnFamily cf, absl::string_view key, absl::string_view value);
    void Delete(storage::ColumnFamily cf, absl::string_view key);
    // The sequence the next AddChange will get.
    uint64_t NextSequence() const;
    // Stages `change` in the change log with the next sequence, the
    // current time and the transaction's actor; returns that sequence.
    uint64_t AddChange(Change change);

   private:
    friend class Directory;
    Transaction(const Directory& directory, storage::WriteBatch batch, uint64_t first_sequence,
                Actor actor)
        : directory_(directory),
          batch_(std::move(batch)),
          first_sequence_(first_sequence),
          actor_(std::move(actor)) {}

    const Directory& directory_;
    storage::WriteBatch batch_;
    uint64_t first_sequence_;
    Actor actor_;
    std::vector<Change> changes_;
    absl::flat_hash_map<std::string, std::optional<Record>> overlay_;
  };

  // Consulted, with the write lock held, before any record is created,
  // replaced or deleted (including by Import). May refuse the write or
  // stage writes of its own in the same transaction; must stage nothing
  // when it refuses.
  class WriteGuard {
   public:
    virtual ~WriteGuard() = default;
    // `before` is null for a create, `after` null for a delete.
    virtual absl::Status OnRecordWrite(Transaction& transaction, const Record* before,
                                       const Record* after) = 0;
  };

  // Reads the change log's last sequence from `storage`, which must outlive
  // the Directory.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Directory>> Open(storage::Storage& storage);

  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;

  // `listener` (not owned, must outlive the Directory) sees every later
  // change once it is durable (see change_listener.h). Register before
  // serving requests.
  void AddListener(ChangeListener* listener);

  // `guard` (not owned, must outlive the Directory) is consulted on every
  // later record write. Register before serving requests.
  void AddGuard(WriteGuard* guard);

  // Runs `build` with the write lock held. When it returns OK, what it
  // staged is committed atomically and synced, and listeners are told;
  // when it fails, nothing is written and its status is returned. A failed
  // sync is reported as in the durability contract above.
  [[nodiscard]] absl::Status Transact(const std::function<absl::Status(Transaction&)>& build,
                                      const Actor& actor = {});

  // Every stored record, in id order (for index rebuilds at start-up).
  // Parses on `threads` threads.
  [[nodiscard]] absl::StatusOr<std::vector<Record>> LoadAllRecords(int threads = 2) const;

  // The record with `id` and its etag. NOT_FOUND when absent.
  [[nodiscard]] absl::StatusOr<Record> Get(absl::string_view id) const;

  // A page of records in id order (RecordPages of record_pages.h).
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListRecordsResponse> List(
      const sof::directory::v1::ListRecordsRequest& request,
      const common::StopCheck& stop = common::StopCheck()) const;

  // Stores a new record. ALREADY_EXISTS when the id is taken. With a
  // non-empty request_id, a repeated call returns the record the first call
  // created (its current state) and writes nothing.
  [[nodiscard]] absl::StatusOr<Record> Create(const Record& record,
                                              absl::string_view request_id = "",
                                              const Actor& actor = {});

  // Replaces the fields in `mask` (paths relative to the kind message; all
  // fields when empty) of the record with the same id. ABORTED when
  // record.etag is set and stale. Returns the stored result.
  [[nodiscard]] absl::StatusOr<Record> Update(const Record& record,
                                              const google::protobuf::FieldMask& mask,
                                              const Actor& actor = {});

  // Removes a record. FAILED_PRECONDITION naming how many records still
  // refer to it (and some of them); ABORTED on a stale non-empty etag.
  [[nodiscard]] absl::Status Delete(absl::string_view id, absl::string_view etag = "",
                                    const Actor& actor = {});

  // Upserts each record on its own merits (see ImportRecords in the proto):
  // one result per record, in order. The accepted records of one call are
  // one atomic write: all or nothing. INVALID_ARGUMENT only for a batch
  // over kMaxImportBatch; a storage failure fails the whole call (nothing
  // written). When `stop` says stop before the write starts, returns its
  // DEADLINE_EXCEEDED or CANCELLED, with a message saying that nothing of
  // the batch was stored; once the write has started it completes.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ImportRecordsResponse> Import(
      const std::vector<Record>& records, const Actor& actor = {},
      const common::StopCheck& stop = common::StopCheck());

  // VerifyRecord and ListStaleRecords of freshness.h.
  [[nodiscard]] absl::StatusOr<Record> Verify(absl::string_view id, const Actor& actor = {});
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListStaleRecordsResponse> ListStale(
      absl::Time cutoff, absl::string_view unit, int page_size,
      const common::StopCheck& stop = common::StopCheck()) const;

  // The read log and audit view (AuditLog of audit_log.h): notes that
  // `principal` read person `person_id` via `method`. Returns once the entry
  // is durable (group commit with the writes); on error, hand nothing out.
  [[nodiscard]] absl::Status LogPersonRead(absl::string_view person_id, absl::string_view principal,
                                           absl::string_view method);

  // LogPersonRead for every person among `records`, in one write.
  [[nodiscard]] absl::Status LogPersonReads(
      const google::protobuf::RepeatedPtrField<Record>& records, absl::string_view principal,
      absl::string_view method);

  // LogPersonRead for each of `ids` (person or booking ids), in one write;
  // nothing for an empty list.
  [[nodiscard]] absl::Status LogPersonReads(const std::vector<std::string>& ids,
                                            absl::string_view principal, absl::string_view method);

  // The ids of the person records whose state `changes` carry (deletes and
  // booking changes carry none), for LogPersonReads.
  static std::vector<std::string> PersonsIn(
      const google::protobuf::RepeatedPtrField<Change>& changes);

  // Audit entries, newest first: changes (from the change log) and person
  // reads, filtered as in ListAuditRequest.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListAuditResponse> ListAudit(
      const sof::directory::v1::ListAuditRequest& request,
      const common::StopCheck& stop = common::StopCheck()) const;

  // A page of records in creation order.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ExportRecordsResponse> Export(
      const sof::directory::v1::ExportRecordsRequest& request,
      const common::StopCheck& stop = common::StopCheck()) const;

  // A page of the change log after request.since_sequence.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListChangesResponse> ListChanges(
      const sof::directory::v1::ListChangesRequest& request,
      const common::StopCheck& stop = common::StopCheck()) const;

  // The highest sequence that is durable (0 for an empty directory). Every
  // change up to it is synced; ListChanges never goes beyond it.
  uint64_t LastSequence() const { return durable_sequence_.load(); }

  // `listener` (must outlive the Directory) is called with the new durable
  // sequence each time it advances, after the change listeners saw the
  // changes up to it, outside the write lock, one call at a time and in
  // increasing order. Register before serving requests.
  void AddDurableListener(std::function<void(uint64_t)> listener);

 private:
  explicit Directory(storage::Storage& storage, uint64_t last_sequence);

  absl::StatusOr<std::optional<Record>> LoadCommitted(absl::string_view id) const;
  Transaction Begin(const Actor& actor) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::Status CheckReferences(const Record& record, const Transaction& transaction) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Asks every guard about the write; the first refusal wins.
  absl::Status Guard(Transaction& transaction, const Record* before, const Record* after)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Stages the upsert of `record` (replacing `previous` when set).
  void StageUpsert(Transaction& transaction, Record record, const std::optional<Record>& previous)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  void StageDelete(Transaction& transaction, const Record& previous)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // What a caller must wait for before replying: the storage durability
  // ticket and the change sequence it makes durable.
  struct Ticket {
    uint64_t storage = 0;
    uint64_t sequence = 0;
  };
  // Writes the batch (visible at once), advances the sequence and queues
  // the changes for delivery. Returns the ticket to wait for (for an empty
  // batch: the latest write, as the answer may rest on it): the caller
  // releases write_mu_ and then waits, so writers share syncs.
  absl::StatusOr<Ticket> Commit(Transaction& transaction) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // The ticket of the latest commit, for answers that wrote nothing.
  Ticket LatestTicket() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Waits until `ticket` is synced, then delivers every queued change up to
  // ticket.sequence and advances the durable sequence. When the sync fails
  // the changes stay queued (see the durability contract).
  absl::Status AwaitDurable(Ticket ticket) ABSL_LOCKS_EXCLUDED(write_mu_, deliver_mu_);
  // Hands the queued changes up to `sequence` to the listeners, in order,
  // once each, then advances durable_sequence_. Storage must have made
  // them durable.
  void Deliver(uint64_t sequence) ABSL_LOCKS_EXCLUDED(deliver_mu_, queue_mu_);

  storage::Storage& storage_;
  AuditLog audit_log_;
  RecordPages pages_;
  absl::Mutex write_mu_;
  uint64_t next_sequence_ ABSL_GUARDED_BY(write_mu_);
  std::vector<WriteGuard*> guards_ ABSL_GUARDED_BY(write_mu_);
  // Held while listeners are called: one delivery at a time, in order.
  absl::Mutex deliver_mu_ ABSL_ACQUIRED_AFTER(write_mu_);
  std::vector<ChangeListener*> listeners_ ABSL_GUARDED_BY(deliver_mu_);
  // Committed changes not yet delivered, in sequence order.
  absl::Mutex queue_mu_ ABSL_ACQUIRED_AFTER(write_mu_, deliver_mu_);
  std::deque<Change> undelivered_ ABSL_GUARDED_BY(queue_mu_);
  std::atomic<uint64_t> durable_sequence_;
  std::vector<std::function<void(uint64_t)>> durable_listeners_;  // set before serving
};

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_DIRECTORY_H_
