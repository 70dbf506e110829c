#include "server/storage/fault_file_system.h"

#include <algorithm>
#include <utility>

namespace sofdir::storage {
namespace {

using rocksdb::DataVerificationInfo;
using rocksdb::FileOptions;
using rocksdb::FSDirectory;
using rocksdb::FSWritableFile;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

// A writable file that asks the file system before each write and sync.
class FaultWritableFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  // `size`: the bytes already in the file, taken as synced.
  FaultWritableFile(std::unique_ptr<FSWritableFile> file, FaultFileSystem& fs, std::string name,
                    uint64_t size)
      : FSWritableFileOwnerWrapper(std::move(file)),
        fs_(fs),
        name_(std::move(name)),
        written_(size) {
    fs_.Track(name_, size, false);
    fs_.Track(name_, size, true);
  }

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    IOStatus fault = fs_.Inject("append", name_);
    return Appended(fault.ok() ? FSWritableFileOwnerWrapper::Append(data, options, dbg) : fault,
                    data.size());
  }
  IOStatus Append(const Slice& data, const IOOptions& options, const DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    IOStatus fault = fs_.Inject("append", name_);
    return Appended(
        fault.ok() ? FSWritableFileOwnerWrapper::Append(data, options, info, dbg) : fault,
        data.size());
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    IOStatus fault = fs_.Inject("append", name_);
    return Appended(fault.ok()
                        ? FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, dbg)
                        : fault,
                    data.size());
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            const DataVerificationInfo& info, IODebugContext* dbg) override {
    IOStatus fault = fs_.Inject("append", name_);
    return Appended(
        fault.ok() ? FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, info, dbg)
                   : fault,
        data.size());
  }
  IOStatus Allocate(uint64_t offset, uint64_t len, const IOOptions& options,
                    IODebugContext* dbg) override {
    IOStatus fault = fs_.Inject("allocate", name_);
    return fault.ok() ? FSWritableFileOwnerWrapper::Allocate(offset, len, options, dbg) : fault;
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus fault = fs_.Inject("sync", name_);
    if (!fault.ok()) return fault;
    // Appends and syncs of one file may come from two threads (the log): a
    // sync covers what was appended before it started.
    const uint64_t covered = written_.load();
    IOStatus status = FSWritableFileOwnerWrapper::Sync(options, dbg);
    if (status.ok()) fs_.Track(name_, covered, true);
    return status;
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus fault = fs_.Inject("sync", name_);
    if (!fault.ok()) return fault;
    const uint64_t covered = written_.load();
    IOStatus status = FSWritableFileOwnerWrapper::Fsync(options, dbg);
    if (status.ok()) fs_.Track(name_, covered, true);
    return status;
  }
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& options,
                     IODebugContext* dbg) override {
    IOStatus fault = fs_.Inject("sync", name_);
    return fault.ok() ? FSWritableFileOwnerWrapper::RangeSync(offset, nbytes, options, dbg) : fault;
  }

  IOStatus Truncate(uint64_t size, const IOOptions& options, IODebugContext* dbg) override {
    IOStatus status = FSWritableFileOwnerWrapper::Truncate(size, options, dbg);
    if (status.ok()) {
      written_ = size;
      fs_.Track(name_, size, false);
    }
    return status;
  }

 private:
  IOStatus Appended(IOStatus status, size_t bytes) {
    if (status.ok()) {
      fs_.Track(name_, written_.fetch_add(bytes) + bytes, false);
    }
    return status;
  }

  FaultFileSystem& fs_;
  const std::string name_;
  std::atomic<uint64_t> written_{0};
};

class FaultDirectory : public FSDirectory {
 public:
  FaultDirectory(std::unique_ptr<FSDirectory> dir, FaultFileSystem& fs, std::string name)
      : dir_(std::move(dir)), fs_(fs), name_(std::move(name)) {}

  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus fault = fs_.Inject("sync", name_);
    return fault.ok() ? dir_->Fsync(options, dbg) : fault;
  }
  IOStatus FsyncWithDirOptions(const IOOptions& options, IODebugContext* dbg,
                               const rocksdb::DirFsyncOptions& dir_options) override {
    IOStatus fault = fs_.Inject("sync", name_);
    return fault.ok() ? dir_->FsyncWithDirOptions(options, dbg, dir_options) : fault;
  }
  IOStatus Close(const IOOptions& options, IODebugContext* dbg) override {
    return dir_->Close(options, dbg);
  }
  size_t GetUniqueId(char* id, size_t max_size) const override {
    return dir_->GetUniqueId(id, max_size);
  }

 private:
  std::unique_ptr<FSDirectory> dir_;
  FaultFileSystem& fs_;
  const std::string name_;
};

}  // namespace

FaultFileSystem::FaultFileSystem(std::shared_ptr<rocksdb::FileSystem> base)
    : FileSystemWrapper(std::move(base)) {}

IOStatus FaultFileSystem::Inject(const char* op, const std::string& file) {
  const Fault fault = fault_.load();
  const std::string what = std::string(op) + " " + file;
  if (fault == Fault::kNoSpace && std::string(op) != "sync") {
    failures_.fetch_add(1);
    // As POSIX reports ENOSPC (see RocksDB's io_posix.cc).
    IOStatus status = IOStatus::NoSpace("While " + what, "No space left on device");
    status.SetRetryable(true);
    return status;
  }
  if (fault == Fault::kSyncFails && std::string(op) == "sync") {
    failures_.fetch_add(1);
    return IOStatus::IOError("While " + what, "Input/output error");
  }
  return IOStatus::OK();
}

void FaultFileSystem::Track(const std::string& file, uint64_t size, bool synced) {
  absl::MutexLock lock(&mu_);
  Sizes& sizes = sizes_[file];
  if (synced) {
    sizes.synced = std::max(sizes.synced, size);
  } else {
    sizes.written = size;
    sizes.synced = std::min(sizes.synced, size);
  }
}

std::map<std::string, uint64_t> FaultFileSystem::SyncedSizes() const {
  absl::MutexLock lock(&mu_);
  std::map<std::string, uint64_t> synced;
  for (const auto& [file, sizes] : sizes_) synced[file] = sizes.synced;
  return synced;
}

IOStatus FaultFileSystem::NewWritableFile(const std::string& fname, const FileOptions& options,
                                          std::unique_ptr<FSWritableFile>* result,
                                          IODebugContext* dbg) {
  IOStatus status = target()->NewWritableFile(fname, options, result, dbg);
  if (status.ok()) result->reset(new FaultWritableFile(std::move(*result), *this, fname, 0));
  return status;
}

IOStatus FaultFileSystem::ReopenWritableFile(const std::string& fname, const FileOptions& options,
                                             std::unique_ptr<FSWritableFile>* result,
                                             IODebugContext* dbg) {
  IOStatus status = target()->ReopenWritableFile(fname, options, result, dbg);
  if (status.ok()) {
    const uint64_t size = (*result)->GetFileSize(IOOptions(), dbg);
    result->reset(new FaultWritableFile(std::move(*result), *this, fname, size));
  }
  return status;
}

IOStatus FaultFileSystem::ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                            const FileOptions& options,
                                            std::unique_ptr<FSWritableFile>* result,
                                            IODebugContext* dbg) {
  IOStatus status = target()->ReuseWritableFile(fname, old_fname, options, result, dbg);
  if (status.ok()) result->reset(new FaultWritableFile(std::move(*result), *this, fname, 0));
  return status;
}

IOStatus FaultFileSystem::NewDirectory(const std::string& name, const IOOptions& options,
                                       std::unique_ptr<FSDirectory>* result, IODebugContext* dbg) {
  IOStatus status = target()->NewDirectory(name, options, result, dbg);
  if (status.ok()) result->reset(new FaultDirectory(std::move(*result), *this, name));
  return status;
}

IOStatus FaultFileSystem::GetFreeSpace(const std::string& path, const IOOptions& options,
                                       uint64_t* diskfree, IODebugContext* dbg) {
  if (fault_.load() == Fault::kNoSpace) {
    *diskfree = 0;
    return IOStatus::OK();
  }
  return target()->GetFreeSpace(path, options, diskfree, dbg);
}

}  // namespace sofdir::storage
