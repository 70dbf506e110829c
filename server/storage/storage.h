// The embedded RocksDB that holds the directory: opening and closing it,
// reads, prefix scans and atomic, synced batch writes. Knows nothing of
// records; the layout lives in key_codec.h.
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
#include "server/storage/key_codec.h"
#include "server/storage/write_batch.h"

namespace sofdir::storage {

class Storage {
 public:
  struct Options {
    std::string path;                      // directory; created when missing
    size_t block_cache_bytes = 64 << 20;   // shared by all column families
    size_t write_buffer_bytes = 64 << 20;  // memtables, all column families
  };

  // Opens or creates the database at options.path. FAILED_PRECONDITION when
  // the directory holds another format version; UNAVAILABLE when another
  // process has it open (RocksDB's LOCK file).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Storage>> Open(const Options& options);

  // Flushes memtables and closes the database.
  ~Storage();

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
  // call Write under their own lock.
  [[nodiscard]] absl::StatusOr<uint64_t> Write(WriteBatch& batch);

  // Blocks until every write up to `ticket` is synced to disk (survives
  // kill -9 and power loss). Group commit: one WAL sync covers all writes
  // made before it started, so concurrent writers share syncs.
  [[nodiscard]] absl::Status WaitDurable(uint64_t ticket);

  // The ticket of the latest Write so far: waiting for it makes everything
  // a reader has seen durable.
  uint64_t LastTicket() const { return written_.load(); }

  // Write + WaitDurable.
  [[nodiscard]] absl::Status WriteDurably(WriteBatch& batch);

  // Approximate memory RocksDB uses (memtables, block cache, index blocks).
  uint64_t ApproximateMemoryBytes() const;

 private:
  Storage() = default;

  std::unique_ptr<rocksdb::DB> db_;
  std::atomic<uint64_t> written_{0};  // tickets handed out, in WAL order
  absl::Mutex sync_mu_;
  absl::CondVar synced_cv_;
  uint64_t synced_ ABSL_GUARDED_BY(sync_mu_) = 0;
  bool syncing_ ABSL_GUARDED_BY(sync_mu_) = false;
  ColumnFamilyHandles handles_{};
  std::shared_ptr<rocksdb::Cache> block_cache_;
};

}  // namespace sofdir::storage

#endif  // SOFDIR_SERVER_STORAGE_STORAGE_H_
