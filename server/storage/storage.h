// The embedded RocksDB that holds the directory: opening and closing it,
// reads, prefix scans and atomic batch writes with a group-committed WAL
// sync. Knows nothing of records; the layout lives in key_codec.h.
//
// Durability contract:
//   - Write applies a batch atomically; reads see it at once, before it is
//     durable. WaitDurable(ticket) returns OK only once every write up to
//     `ticket` is on disk (survives kill -9 and power loss).
//   - When WaitDurable fails (the log could not be synced), the write may
//     or may not be stored: it stays visible to reads (RocksDB cannot take
//     back an applied write), it may survive a restart or not. Until the
//     disk takes synced writes again, Write refuses new writes; the first
//     Write after that makes everything written so far durable (a flush of
//     RocksDB's memtables to new files) and goes on, and WaitDurable then
//     reports those earlier writes durable too.
//   - A full disk: Write fails with RESOURCE_EXHAUSTED saying so; reads go
//     on; RocksDB resumes writes by itself once enough space is free (it
//     checks every few seconds and needs about a memtable's worth, see
//     Options::write_buffer_bytes). Opening on a full disk opens read-only:
//     reads work, writes fail with RESOURCE_EXHAUSTED until a restart.
//   - Damage is refused: Open fails with DATA_LOSS naming what is damaged
//     (only a torn last record of the write-ahead log, a write the crash cut
//     before it was acknowledged, is dropped silently).
//
// Thread-safe: all methods may be called concurrently (RocksDB serialises
// writes; callers that need read-modify-write order must lock themselves,
// and should release that lock before WaitDurable so syncs are shared).
#ifndef SOFDIR_SERVER_STORAGE_STORAGE_H_
#define SOFDIR_SERVER_STORAGE_STORAGE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/db.h"
#include "rocksdb/file_system.h"
#include "server/storage/key_codec.h"
#include "server/storage/write_batch.h"

namespace sofdir::storage {

class BackupStore;
class RecoveryLogger;
class WalSyncFileSystem;

class Storage {
 public:
  struct Options {
    std::string path;                      // directory; created when missing
    size_t block_cache_bytes = 64 << 20;   // shared by all column families
    size_t write_buffer_bytes = 64 << 20;  // memtables, all column families
    // The file system RocksDB works on; null: the real one. Tests pass a
    // FaultFileSystem (fault_file_system.h) to make the disk fail.
    std::shared_ptr<rocksdb::FileSystem> file_system = nullptr;
    // Open for reading only (sofdir-server --verify): nothing is written,
    // not even recovery; Write fails with FAILED_PRECONDITION.
    bool read_only = false;
  };

  // Opens the database at options.path, or creates it when the directory is
  // missing or empty (and records in meta that it is new: kCreatedKey).
  // Errors:
  //   DATA_LOSS naming the file and what to do, when the directory is
  //     damaged: a corrupt write-ahead log record before its end, a
  //     truncated or missing MANIFEST or CURRENT, a missing table file, data
  //     without a format version;
  //   FAILED_PRECONDITION when the directory holds a newer format version
  //     (saying to use a newer sofdir-server) or one older than
  //     kOldestMigratableFormat, or is not empty and holds no sofdir data.
  //     An older known version is migrated (logged) by a read-write open;
  //     a read-only open reads it as it is;
  //   UNAVAILABLE when another process has it open (RocksDB's LOCK file);
  //   RESOURCE_EXHAUSTED when a new directory cannot be created on a full
  //     disk. An existing directory on a full disk opens read-only instead
  //     (read_only() is true, see write_refusal()).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Storage>> Open(const Options& options);

  // Flushes memtables (when it can) and closes the database.
  ~Storage();

  // True when opened for reading only: asked for, or the disk was full.
  bool read_only() const { return read_only_; }
  // Why writes are refused when read_only(): RESOURCE_EXHAUSTED naming the
  // full disk, or FAILED_PRECONDITION when read-only was asked for.
  const absl::Status& write_refusal() const { return write_refusal_; }

  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  // The value at `key`, or nullopt when absent. Errors only on I/O failure.
  [[nodiscard]] absl::StatusOr<std::optional<std::string>> Get(ColumnFamily cf,
                                                               absl::string_view key) const;

  // Calls `visit(key, value)` for keys >= `start` that begin with `prefix`
  // in key order, until it returns false. Sees one consistent snapshot.
  [[nodiscard]] absl::Status Scan(
      ColumnFamily cf, absl::string_view prefix, absl::string_view start,
      const std::function<bool(absl::string_view key, absl::string_view value)>& visit) const;

  // Like Scan over a whole column family, tuned for one full pass (large
  // readahead, no block-cache pollution): for start-up rebuilds.
  [[nodiscard]] absl::Status ScanAll(
      ColumnFamily cf,
      const std::function<bool(absl::string_view key, absl::string_view value)>& visit) const;

  // The largest key in `cf`, or nullopt when it is empty.
  [[nodiscard]] absl::StatusOr<std::optional<std::string>> LastKey(ColumnFamily cf) const;

  WriteBatch NewWriteBatch() const { return WriteBatch(handles_); }

  // Applies `batch` atomically (visible to reads at once) and returns its
  // durability ticket. The write is durable only once WaitDurable(ticket)
  // returned OK. Callers that need WAL order to match their own order must
  // call Write under their own lock. Nothing is applied when it fails:
  // RESOURCE_EXHAUSTED when the disk is full, UNAVAILABLE while writes are
  // stopped after a failed sync or another disk error (the message says
  // why), FAILED_PRECONDITION / RESOURCE_EXHAUSTED when read_only().
  [[nodiscard]] absl::StatusOr<uint64_t> Write(WriteBatch& batch);

  // Blocks until every write up to `ticket` is synced to disk (survives
  // kill -9 and power loss). Group commit: one WAL sync covers all writes
  // made before it started, so concurrent writers share syncs. When the
  // sync fails: UNAVAILABLE (RESOURCE_EXHAUSTED for a full disk) saying the
  // write may or may not be stored and to read it back before retrying.
  [[nodiscard]] absl::Status WaitDurable(uint64_t ticket);

  // The ticket of the latest Write so far: waiting for it makes everything
  // a reader has seen durable.
  uint64_t LastTicket() const { return written_.load(); }

  // Write + WaitDurable.
  [[nodiscard]] absl::Status WriteDurably(WriteBatch& batch);

  // Approximate memory RocksDB uses (memtables, block cache, index blocks).
  uint64_t ApproximateMemoryBytes() const;

  // Figures for monitoring (metrics): cumulative counts since Open, and
  // RocksDB's current estimates summed over the column families.
  struct Figures {
    uint64_t wal_syncs = 0;       // group-commit syncs of the write-ahead log
    double wal_sync_seconds = 0;  // time spent in them
    uint64_t pending_compaction_bytes = 0;
    uint64_t live_sst_bytes = 0;     // table files of the current version
    uint64_t write_stall_stops = 0;  // writes stopped (RocksDB io_stalls)
    uint64_t write_stall_slowdowns = 0;
    bool write_stopped = false;  // writes stopped right now
  };
  Figures figures() const;

  // For readiness checks: the write refusal when read_only(), the failed
  // sync while writes are stopped, else the result of writing, syncing and
  // deleting a small file in the directory (UNAVAILABLE naming the error).
  [[nodiscard]] absl::Status CheckWritable();
  const std::string& path() const { return path_; }

  // What VerifyChecksums read.
  struct ChecksumReport {
    int table_files = 0;         // live table (.sst) files, every block read
    uint64_t table_bytes = 0;    // their size
    int whole_file_checked = 0;  // of those, files with a whole-file checksum
  };
  // Reads every block of every table file and checks its checksum, and the
  // whole-file checksum of files that have one. DATA_LOSS naming the file
  // when one does not match. (The write-ahead log and MANIFEST were checked
  // record by record when Open read them.)
  [[nodiscard]] absl::StatusOr<ChecksumReport> VerifyChecksums() const;

  // Makes a RocksDB checkpoint of the whole database in `dir` (which must
  // not exist): memtables flushed, table files hard-linked when `dir` is on
  // the same file system (copied otherwise). Writes wait while it is taken
  // (a flush and the links, not the copying of a backup), so it holds
  // exactly the writes made before it: returns the largest key of
  // `last_key_of` in it (nullopt when that column family is empty). Reads go
  // on. RESOURCE_EXHAUSTED on a full disk; `dir` may then be left partly
  // written, for the caller to remove.
  [[nodiscard]] absl::StatusOr<std::optional<std::string>> Checkpoint(const std::string& dir,
                                                                      ColumnFamily last_key_of);

 private:
  friend class BackupStore;  // backs up db_ (backup_store.h)

  Storage() = default;
  // Opens with RocksDB, read-write or read-only.
  absl::Status OpenDb(const Options& options, bool read_only);
  // Checks the format version; in a new directory writes it and kCreatedKey.
  absl::Status CheckFormat(const Options& options);
  // DATA_LOSS when a table file the MANIFEST does not list holds newer
  // changes than it lists (a truncated MANIFEST).
  absl::Status CheckTablesListed();
  // Flushes (unless read-only) and closes the database, releases the lock.
  void CloseDb();
  // When a failed sync stopped writes: if the disk takes synced writes
  // again, makes everything written so far durable and clears the stop.
  absl::Status ResumeAfterSyncFailure() ABSL_LOCKS_EXCLUDED(sync_mu_);

  std::string path_;
  std::shared_ptr<WalSyncFileSystem> file_system_;
  std::unique_ptr<rocksdb::Env> env_;            // RocksDB's Env over file_system_; outlives db_
  std::shared_ptr<RecoveryLogger> logger_;       // RocksDB's info log
  rocksdb::FileLock* read_only_lock_ = nullptr;  // LOCK held by a read-only open
  bool read_only_ = false;
  absl::Status write_refusal_;
  std::unique_ptr<rocksdb::DB> db_;
  std::atomic<uint64_t> written_{0};  // tickets handed out, in WAL order
  std::atomic<uint64_t> wal_syncs_{0};
  std::atomic<uint64_t> wal_sync_nanos_{0};
  // Shared by Write, held exclusively by Checkpoint: a checkpoint's content
  // and its last key agree.
  absl::Mutex checkpoint_gate_;
  absl::Mutex sync_mu_;
  absl::CondVar synced_cv_;
  uint64_t synced_ ABSL_GUARDED_BY(sync_mu_) = 0;
  bool syncing_ ABSL_GUARDED_BY(sync_mu_) = false;
  // Set when a WAL sync failed; writes are refused until it clears.
  absl::Status sync_failure_ ABSL_GUARDED_BY(sync_mu_);
  bool resuming_ ABSL_GUARDED_BY(sync_mu_) = false;
  // Missing column families (read-only) map to the default one, unused.
  rocksdb::ColumnFamilyHandle* default_handle_ = nullptr;
  ColumnFamilyHandles handles_{};
  std::shared_ptr<rocksdb::Cache> block_cache_;
};

}  // namespace sofdir::storage

#endif  // SOFDIR_SERVER_STORAGE_STORAGE_H_
