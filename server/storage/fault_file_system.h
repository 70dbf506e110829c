// A rocksdb::FileSystem that passes everything to another one (the real
// disk by default) and can be told, at run time, to fail the way a failing
// disk does: the seam leveldb calls `Env`, for tests of storage, domain and
// the server that must see what a full disk or a failing fsync does.
//
//   auto fs = std::make_shared<storage::FaultFileSystem>();
//   storage::Storage::Options options;
//   options.path = dir;
//   options.file_system = fs;            // or ServerApp::Options::file_system
//   auto storage = storage::Storage::Open(options);
//   fs->SetFault(storage::FaultFileSystem::Fault::kNoSpace);  // disk full
//   ... writes fail with RESOURCE_EXHAUSTED, reads go on ...
//   fs->SetFault(storage::FaultFileSystem::Fault::kNone);     // space freed
//
// Faults apply to files opened for writing (the write-ahead log, MANIFEST,
// table files, OPTIONS, CURRENT's temporary file), whenever they were
// opened: a file opened before the fault starts failing with it, as on a
// real disk. Reads are never failed.
//
// Thread-safe: SetFault may be called while RocksDB uses the file system.
#ifndef SOFDIR_SERVER_STORAGE_FAULT_FILE_SYSTEM_H_
#define SOFDIR_SERVER_STORAGE_FAULT_FILE_SYSTEM_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/file_system.h"

namespace sofdir::storage {

class FaultFileSystem : public rocksdb::FileSystemWrapper {
 public:
  enum class Fault {
    kNone,
    // The disk is full: appends, positioned appends and preallocation fail
    // with ENOSPC as POSIX reports it (IOStatus::NoSpace, retryable, "No
    // space left on device") and the free space reported is 0. Creating
    // an empty file and syncing what was written still succeed, as on a
    // real full disk.
    kNoSpace,
    // fsync/fdatasync fail with EIO (IOStatus::IOError, "Input/output
    // error", not retryable); writes into the page cache still succeed.
    kSyncFails,
  };

  explicit FaultFileSystem(
      std::shared_ptr<rocksdb::FileSystem> base = rocksdb::FileSystem::Default());

  static const char* kClassName() { return "SofdirFaultFileSystem"; }
  const char* Name() const override { return kClassName(); }

  void SetFault(Fault fault) { fault_.store(fault); }
  Fault fault() const { return fault_.load(); }
  // How many operations have been failed so far.
  int failures() const { return failures_.load(); }

  // For every file written through this file system: how many of its bytes
  // a successful sync covered. A copy of the directory with each file cut
  // to that size is what a power failure would leave (the directory
  // entries themselves aside).
  std::map<std::string, uint64_t> SyncedSizes() const;

  // The IOStatus the current fault gives an operation `op` ("append",
  // "sync", "create", ...) on `file`, or OK; counts the failures. Used by
  // the wrapped files.
  rocksdb::IOStatus Inject(const char* op, const std::string& file);
  // Used by the wrapped files: `file` now has `size` bytes (`synced`:
  // a sync covered the first `size` bytes).
  void Track(const std::string& file, uint64_t size, bool synced);

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
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* result,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& options,
                                 uint64_t* diskfree, rocksdb::IODebugContext* dbg) override;

 private:
  std::atomic<Fault> fault_{Fault::kNone};
  std::atomic<int> failures_{0};
  struct Sizes {
    uint64_t written = 0;
    uint64_t synced = 0;
  };
  mutable absl::Mutex mu_;
  std::map<std::string, Sizes> sizes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sofdir::storage

#endif  // SOFDIR_SERVER_STORAGE_FAULT_FILE_SYSTEM_H_
