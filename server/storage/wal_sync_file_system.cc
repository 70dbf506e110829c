#include "server/storage/wal_sync_file_system.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace sofdir::storage {
namespace {

using rocksdb::FileOptions;
using rocksdb::FSWritableFile;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

// RocksDB names its logs NNNNNN.log; its info log is LOG.
bool IsWal(absl::string_view fname) {
  absl::string_view base = fname.substr(fname.rfind('/') + 1);
  if (!absl::ConsumeSuffix(&base, ".log") || base.empty()) return false;
  return std::all_of(base.begin(), base.end(), [](char c) { return absl::ascii_isdigit(c); });
}

void AdvanceTo(std::atomic<uint64_t>& value, uint64_t target) {
  uint64_t current = value.load();
  while (current < target && !value.compare_exchange_weak(current, target)) {
  }
}

}  // namespace

struct WalSyncFileSystem::Wal {
  explicit Wal(std::unique_ptr<FSWritableFile> f) : file(std::move(f)) {}
  absl::Mutex mu;  // held while syncing or closing `file`
  const std::unique_ptr<FSWritableFile> file;
  bool closed ABSL_GUARDED_BY(mu) = false;
  std::atomic<uint64_t> appends{0};  // appends that succeeded
  std::atomic<uint64_t> synced{0};   // of those, how many a sync covered
};

// The file RocksDB writes a log through: counts appends and syncs, and
// syncs on Close what no sync covered yet.
class WalFile : public rocksdb::FSWritableFileWrapper {
 public:
  WalFile(std::shared_ptr<WalSyncFileSystem::Wal> wal, WalSyncFileSystem& fs)
      : FSWritableFileWrapper(wal->file.get()), wal_(std::move(wal)), fs_(fs) {}

  ~WalFile() override {
    {
      absl::MutexLock lock(&wal_->mu);
      wal_->closed = true;
    }
    fs_.Forget(wal_.get());
  }

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    return Counted(FSWritableFileWrapper::Append(data, options, dbg));
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info, IODebugContext* dbg) override {
    return Counted(FSWritableFileWrapper::Append(data, options, info, dbg));
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    return Counted(FSWritableFileWrapper::PositionedAppend(data, offset, options, dbg));
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            const rocksdb::DataVerificationInfo& info,
                            IODebugContext* dbg) override {
    return Counted(FSWritableFileWrapper::PositionedAppend(data, offset, options, info, dbg));
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    const uint64_t appends = wal_->appends.load();
    IOStatus status = FSWritableFileWrapper::Sync(options, dbg);
    if (status.ok()) AdvanceTo(wal_->synced, appends);
    return status;
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    const uint64_t appends = wal_->appends.load();
    IOStatus status = FSWritableFileWrapper::Fsync(options, dbg);
    if (status.ok()) AdvanceTo(wal_->synced, appends);
    return status;
  }
  IOStatus Close(const IOOptions& options, IODebugContext* dbg) override {
    absl::MutexLock lock(&wal_->mu);
    const uint64_t appends = wal_->appends.load();
    if (!wal_->closed && appends != wal_->synced.load()) {
      IOStatus synced = wal_->file->Sync(options, dbg);
      if (synced.ok()) {
        AdvanceTo(wal_->synced, appends);
      } else {
        fs_.CloseFailed(synced);
      }
    }
    wal_->closed = true;
    return wal_->file->Close(options, dbg);
  }

 private:
  IOStatus Counted(IOStatus status) {
    if (status.ok()) wal_->appends.fetch_add(1);
    return status;
  }

  std::shared_ptr<WalSyncFileSystem::Wal> wal_;
  WalSyncFileSystem& fs_;
};

WalSyncFileSystem::WalSyncFileSystem(std::shared_ptr<rocksdb::FileSystem> base, std::string dir)
    : FileSystemWrapper(std::move(base)), dir_(std::move(dir)) {}

IOStatus WalSyncFileSystem::Track(const std::string& fname,
                                  std::unique_ptr<FSWritableFile>* result) {
  if (!IsWal(fname)) return IOStatus::OK();
  auto wal = std::make_shared<Wal>(std::move(*result));
  result->reset(new WalFile(wal, *this));
  absl::MutexLock lock(&mu_);
  wals_.push_back(std::move(wal));
  dir_unsynced_ = true;  // the new file's directory entry
  return IOStatus::OK();
}

void WalSyncFileSystem::Forget(const Wal* wal) {
  absl::MutexLock lock(&mu_);
  wals_.erase(std::remove_if(wals_.begin(), wals_.end(),
                             [wal](const std::shared_ptr<Wal>& w) { return w.get() == wal; }),
              wals_.end());
}

void WalSyncFileSystem::CloseFailed(const IOStatus& status) {
  absl::MutexLock lock(&mu_);
  if (close_failure_.ok()) close_failure_ = status;
}

IOStatus WalSyncFileSystem::SyncWals() {
  std::vector<std::shared_ptr<Wal>> wals;
  bool sync_dir = false;
  IOStatus status;
  {
    absl::MutexLock lock(&mu_);
    wals = wals_;
    sync_dir = dir_unsynced_;
    dir_unsynced_ = false;
    status = std::move(close_failure_);
    close_failure_ = IOStatus::OK();
  }
  for (const std::shared_ptr<Wal>& wal : wals) {
    if (!status.ok()) break;
    absl::MutexLock lock(&wal->mu);
    if (wal->closed) continue;
    const uint64_t appends = wal->appends.load();
    if (appends == wal->synced.load()) continue;
    status = wal->file->Sync(IOOptions(), nullptr);
    if (status.ok()) AdvanceTo(wal->synced, appends);
  }
  if (status.ok() && sync_dir) {
    std::unique_ptr<rocksdb::FSDirectory> dir;
    status = target()->NewDirectory(dir_, IOOptions(), &dir, nullptr);
    if (status.ok())
      status = dir->FsyncWithDirOptions(IOOptions(), nullptr, rocksdb::DirFsyncOptions());
    if (dir) dir->Close(IOOptions(), nullptr).PermitUncheckedError();
  }
  if (!status.ok() && sync_dir) {
    absl::MutexLock lock(&mu_);
    dir_unsynced_ = true;
  }
  return status;
}

IOStatus WalSyncFileSystem::Probe() {
  const std::string name = dir_ + "/SOFDIR-SYNC-PROBE";
  std::unique_ptr<FSWritableFile> file;
  IOStatus status = target()->NewWritableFile(name, FileOptions(), &file, nullptr);
  if (status.ok()) status = file->Append("probe", IOOptions(), nullptr);
  if (status.ok()) status = file->Sync(IOOptions(), nullptr);
  if (file) file->Close(IOOptions(), nullptr).PermitUncheckedError();
  target()->DeleteFile(name, IOOptions(), nullptr).PermitUncheckedError();
  return status;
}

IOStatus WalSyncFileSystem::NewWritableFile(const std::string& fname, const FileOptions& options,
                                            std::unique_ptr<FSWritableFile>* result,
                                            IODebugContext* dbg) {
  IOStatus status = target()->NewWritableFile(fname, options, result, dbg);
  return status.ok() ? Track(fname, result) : status;
}

IOStatus WalSyncFileSystem::ReopenWritableFile(const std::string& fname, const FileOptions& options,
                                               std::unique_ptr<FSWritableFile>* result,
                                               IODebugContext* dbg) {
  IOStatus status = target()->ReopenWritableFile(fname, options, result, dbg);
  return status.ok() ? Track(fname, result) : status;
}

IOStatus WalSyncFileSystem::ReuseWritableFile(const std::string& fname,
                                              const std::string& old_fname,
                                              const FileOptions& options,
                                              std::unique_ptr<FSWritableFile>* result,
                                              IODebugContext* dbg) {
  IOStatus status = target()->ReuseWritableFile(fname, old_fname, options, result, dbg);
  return status.ok() ? Track(fname, result) : status;
}

}  // namespace sofdir::storage
