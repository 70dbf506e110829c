// A rocksdb::FileSystem that passes everything to another one and keeps
// track of RocksDB's write-ahead log files, so that Storage makes the log
// durable itself (SyncWals) instead of through DB::SyncWAL.
//
// Why: Storage writes unsynced under the directory's write lock and syncs
// once for many writers after releasing it (group commit). DB::SyncWAL
// runs concurrently with writes, and when a write's log append fails (a
// full disk) before SyncWAL looks at that log, RocksDB 7.8 built with
// assertions aborts the process (WritableFileWriter refuses to be used
// after an error). Syncing the log files here never touches RocksDB's file
// writer, so a failed append or sync cannot crash the server; RocksDB
// itself handles its own errors (and recovers from them).
//
// Every byte RocksDB's Write has returned from is in the file (RocksDB
// flushes its log buffer on every write unless manual_wal_flush, which
// Storage does not set), so an fdatasync of each log file, and an fsync of
// the directory after a log was created, make those writes durable.
//
// Internal to server/storage. Thread-safe.
#ifndef SOFDIR_SERVER_STORAGE_WAL_SYNC_FILE_SYSTEM_H_
#define SOFDIR_SERVER_STORAGE_WAL_SYNC_FILE_SYSTEM_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/file_system.h"

namespace sofdir::storage {

class WalSyncFileSystem : public rocksdb::FileSystemWrapper {
 public:
  // `dir` is the database directory (where RocksDB puts its logs).
  WalSyncFileSystem(std::shared_ptr<rocksdb::FileSystem> base, std::string dir);

  static const char* kClassName() { return "SofdirWalSyncFileSystem"; }
  const char* Name() const override { return kClassName(); }

  // Makes every byte appended to a log file before the call durable. An
  // error when a sync failed, also the sync RocksDB's closing of a log file
  // made since the last call.
  rocksdb::IOStatus SyncWals();

  // Writes, syncs and deletes a small file in the directory: OK when the
  // disk takes synced writes again.
  rocksdb::IOStatus Probe();

  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname,
                                       const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;

  // One open log file, shared by the file RocksDB holds and the list here.
  struct Wal;

 private:
  friend class WalFile;
  rocksdb::IOStatus Track(const std::string& fname,
                          std::unique_ptr<rocksdb::FSWritableFile>* result);
  void Forget(const Wal* wal);
  void CloseFailed(const rocksdb::IOStatus& status);

  const std::string dir_;
  absl::Mutex mu_;
  std::vector<std::shared_ptr<Wal>> wals_ ABSL_GUARDED_BY(mu_);
  bool dir_unsynced_ ABSL_GUARDED_BY(mu_) = false;
  rocksdb::IOStatus close_failure_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sofdir::storage

#endif  // SOFDIR_SERVER_STORAGE_WAL_SYNC_FILE_SYSTEM_H_
