#include "server/storage/storage.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <unordered_set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "rocksdb/cache.h"
#include "rocksdb/env.h"
#include "rocksdb/file_checksum.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/utilities/memory_util.h"
#include "server/common/echo.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/storage/recovery_check.h"
#include "server/storage/rocks_status.h"
#include "server/storage/wal_sync_file_system.h"

namespace sofdir::storage {
namespace {

bool IsNoSpace(const rocksdb::Status& status) {
  return status.IsNoSpace() || absl::StrContains(status.ToString(), "No space left on device");
}

// The one conversion from rocksdb::Status to absl::Status.
absl::Status FromRocks(const rocksdb::Status& status, absl::string_view context) {
  if (status.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(context, ": ", status.ToString());
  if (IsNoSpace(status)) {
    return absl::ResourceExhaustedError(
        absl::StrCat(context, ": the disk is full (", status.ToString(), ")"));
  }
  switch (status.code()) {
    case rocksdb::Status::kNotFound:
      return absl::NotFoundError(message);
    case rocksdb::Status::kInvalidArgument:
    case rocksdb::Status::kNotSupported:
      return absl::InvalidArgumentError(message);
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kTryAgain:
      return absl::UnavailableError(message);
    case rocksdb::Status::kIOError:
      // A held LOCK file is an IOError; say what it means to the operator.
      if (absl::StrContains(status.ToString(), "lock")) {
        return absl::UnavailableError(
            absl::StrCat(message, " (is another sofdir-server using this data directory?)"));
      }
      if (status.severity() >= rocksdb::Status::Severity::kFatalError) {
        return absl::UnavailableError(
            absl::StrCat(message, "; writes are stopped until sofdir-server is restarted"));
      }
      return absl::UnavailableError(message);
    case rocksdb::Status::kCorruption:
      return absl::DataLossError(message);
    default:
      return absl::InternalError(message);
  }
}

rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

// What Open finds in the data directory before RocksDB touches it.
enum class Found { kNothing, kDatabase, kDataWithoutCurrent, kOtherFiles };

Found Inspect(rocksdb::FileSystem& fs, const std::string& path, std::string* example) {
  std::vector<std::string> children;
  if (!fs.GetChildren(path, rocksdb::IOOptions(), &children, nullptr).ok()) return Found::kNothing;
  bool data = false, other = false;
  for (const std::string& name : children) {
    if (name == "." || name == ".." || name == "lost+found") continue;
    if (name == "CURRENT") return Found::kDatabase;
    // Files that hold data (as opposed to RocksDB's bookkeeping: LOCK, LOG,
    // IDENTITY, OPTIONS, which a failed first open may leave behind).
    if (absl::StartsWith(name, "MANIFEST-") || absl::EndsWith(name, ".sst") ||
        absl::EndsWith(name, ".log") || absl::EndsWith(name, ".blob")) {
      data = true;
      *example = name;
    } else if (name != "LOCK" && name != "IDENTITY" && !absl::StartsWith(name, "LOG") &&
               !absl::StartsWith(name, "OPTIONS-")) {
      other = true;
      if (!data) *example = name;
    }
  }
  if (data) return Found::kDataWithoutCurrent;
  return other ? Found::kOtherFiles : Found::kNothing;
}

// What an operator does about a damaged directory.
std::string DamageAdvice(const std::string& path) {
  return absl::StrCat("nothing was served from it; restore ", path,
                      " from a backup (sofdir-server --verify --data-dir ", path,
                      " lists what is damaged)");
}

}  // namespace

absl::Status ConvertRocksStatus(const rocksdb::Status& status, absl::string_view context) {
  return FromRocks(status, context);
}

absl::StatusOr<std::unique_ptr<Storage>> Storage::Open(const Options& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("data directory: must not be empty");
  std::unique_ptr<Storage> storage(new Storage());
  storage->path_ = options.path;
  std::shared_ptr<rocksdb::FileSystem> base =
      options.file_system ? options.file_system : rocksdb::FileSystem::Default();
  storage->file_system_ = std::make_shared<WalSyncFileSystem>(base, options.path);
  storage->env_ = rocksdb::NewCompositeEnv(storage->file_system_);
  storage->block_cache_ = rocksdb::NewLRUCache(options.block_cache_bytes);

  std::string example;
  switch (Inspect(*base, options.path, &example)) {
    case Found::kDataWithoutCurrent:
      // RocksDB would create a new, empty database beside the old files and
      // later delete them as obsolete.
      return absl::DataLossError(
          absl::StrCat("data directory ", options.path, " holds data files (", example,
                       ") but no CURRENT file naming its MANIFEST: it is damaged; ",
                       DamageAdvice(options.path)));
    case Found::kOtherFiles:
      return absl::FailedPreconditionError(
          absl::StrCat("data directory ", options.path, " is not empty (", example,
                       ") and holds no sofdir data; give a new or empty directory"));
    case Found::kNothing:
      if (options.read_only) {
        return absl::NotFoundError(
            absl::StrCat("data directory ", options.path, " holds no sofdir data"));
      }
      break;
    case Found::kDatabase:
      // First read-only, which changes nothing: a read-write open of a
      // damaged directory would write a new MANIFEST and delete the files
      // the damaged one no longer lists.
      SOFDIR_RETURN_IF_ERROR(storage->OpenDb(options, /*read_only=*/true));
      SOFDIR_RETURN_IF_ERROR(storage->CheckTablesListed());
      if (options.read_only) {
        storage->write_refusal_ = absl::FailedPreconditionError(
            absl::StrCat("data directory ", options.path, " is open read-only"));
        SOFDIR_RETURN_IF_ERROR(storage->CheckFormat(options));
        return storage;
      }
      storage->CloseDb();
      break;
  }

  absl::Status opened = storage->OpenDb(options, /*read_only=*/false);
  if (absl::IsResourceExhausted(opened)) {
    // Opening writes (a new MANIFEST, the recovered log's data): on a full
    // disk, serve what is there without writing anything.
    common::LogWarning(absl::StrCat("cannot open ", options.path, " for writing (",
                                    opened.message(), "); opening it read-only"));
    storage->write_refusal_ = absl::ResourceExhaustedError(absl::StrCat(
        "the disk holding ", options.path,
        " was full when sofdir-server started, so it serves reads only; free space and "
        "restart it to write (",
        opened.message(), ")"));
    opened = storage->OpenDb(options, /*read_only=*/true);
  }
  SOFDIR_RETURN_IF_ERROR(opened);
  SOFDIR_RETURN_IF_ERROR(storage->CheckFormat(options));
  return storage;
}

absl::Status Storage::OpenDb(const Options& options, bool read_only) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = block_cache_;
  table.cache_index_and_filter_blocks = true;

  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf_options.write_buffer_size = options.write_buffer_bytes / 4;

  rocksdb::DBOptions db_options;
  db_options.env = env_.get();
  db_options.create_if_missing = !read_only;
  db_options.create_missing_column_families = !read_only;
  db_options.db_write_buffer_size = options.write_buffer_bytes;
  db_options.IncreaseParallelism(2);
  db_options.max_open_files = 512;
  db_options.keep_log_file_num = 3;
  // Damage stops the open instead of being skipped: only a torn last record
  // of a log (a write cut by a crash, never acknowledged since every
  // acknowledged write was synced) may be dropped.
  db_options.paranoid_checks = true;
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  // A whole-file checksum of every new table file, for --verify.
  db_options.file_checksum_gen_factory = rocksdb::GetFileChecksumGenCrc32cFactory();
  db_options.track_and_verify_wals_in_manifest = true;
  // All column families flush in one MANIFEST edit, so a MANIFEST that lost
  // a flush shows it in the change log (CheckTablesListed).
  db_options.atomic_flush = true;
  // Read-only opens leave the directory as it is, LOG included.
  logger_ = std::make_shared<RecoveryLogger>(read_only ? "" : options.path,
                                             static_cast<int>(db_options.keep_log_file_num));
  db_options.info_log = logger_;

  // Column families added in later versions (of the same format) may be
  // missing from an older directory; read-only, they read as empty.
  std::vector<std::string> existing;
  if (read_only) {
    absl::Status listed =
        FromRocks(rocksdb::DB::ListColumnFamilies(db_options, options.path, &existing),
                  absl::StrCat("opening data directory ", options.path));
    if (!listed.ok()) return listed;
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  std::vector<int> slot;  // descriptor index -> ColumnFamily, -1 for default
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
  slot.push_back(-1);
  for (size_t i = 0; i < static_cast<size_t>(ColumnFamily::kCount); ++i) {
    std::string name(ColumnFamilyName(static_cast<ColumnFamily>(i)));
    if (read_only && std::find(existing.begin(), existing.end(), name) == existing.end()) continue;
    descriptors.emplace_back(name, cf_options);
    slot.push_back(static_cast<int>(i));
  }

  if (read_only) {
    rocksdb::IOStatus locked = file_system_->LockFile(
        absl::StrCat(options.path, "/LOCK"), rocksdb::IOOptions(), &read_only_lock_, nullptr);
    if (!locked.ok()) {
      read_only_lock_ = nullptr;
      return FromRocks(locked, absl::StrCat("opening data directory ", options.path));
    }
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status status =
      read_only ? rocksdb::DB::OpenForReadOnly(db_options, options.path, descriptors, &handles, &db)
                : rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &db);
  if (!status.ok()) {
    if (read_only_lock_ != nullptr) {
      file_system_->UnlockFile(read_only_lock_, rocksdb::IOOptions(), nullptr)
          .PermitUncheckedError();
      read_only_lock_ = nullptr;
    }
    absl::Status failed = FromRocks(status, absl::StrCat("opening data directory ", options.path));
    if (!absl::IsDataLoss(failed)) return failed;
    // RocksDB's status rarely names the file; its log does.
    std::vector<std::string> damage = logger_->damage();
    if (damage.size() > 2) damage.resize(2);
    return absl::DataLossError(
        absl::StrCat("data directory ", options.path, " is damaged: ", status.ToString(),
                     damage.empty() ? "" : absl::StrCat(" (", absl::StrJoin(damage, "; "), ")"),
                     "; ", DamageAdvice(options.path)));
  }
  db_.reset(db);
  read_only_ = read_only;
  default_handle_ = handles[0];
  for (size_t i = 0; i < handles_.size(); ++i) handles_[i] = default_handle_;
  for (size_t d = 1; d < handles.size(); ++d) handles_[slot[d]] = handles[d];
  return absl::OkStatus();
}

absl::Status Storage::CheckFormat(const Options& options) {
  SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> version,
                          Get(ColumnFamily::kMeta, kFormatVersionKey));
  if (version.has_value()) {
    int stored = 0;
    if (absl::SimpleAtoi(*version, &stored) && stored > kFormatVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data directory ", options.path, " has format version ", stored, ", newer than version ",
          kFormatVersion,
          " that this sofdir-server reads; use a newer sofdir-server (this one leaves it as "
          "it is)"));
    }
    if (!absl::SimpleAtoi(*version, &stored) || stored < kOldestMigratableFormat) {
      return absl::FailedPreconditionError(
          absl::StrCat("data directory ", options.path, " has format version \"",
                       common::Echo(*version), "\"; this sofdir-server reads versions ",
                       kOldestMigratableFormat, " to ", kFormatVersion));
    }
    if (stored == kFormatVersion || read_only_) return absl::OkStatus();
    // Version 1 -> 2: the outbox column family, created (empty) by the
    // read-write open; only the version mark changes.
    WriteBatch batch = NewWriteBatch();
    batch.Put(ColumnFamily::kMeta, kFormatVersionKey, absl::StrCat(kFormatVersion));
    SOFDIR_RETURN_IF_ERROR(WriteDurably(batch));
    common::LogInfo(absl::StrCat("migrated data directory ", options.path, " from format version ",
                                 stored, " to ", kFormatVersion, " (added the outbox)"));
    return absl::OkStatus();
  }
  // No version: a new directory (or one whose first open stopped before
  // writing it), unless it holds data.
  for (ColumnFamily cf :
       {ColumnFamily::kRecords, ColumnFamily::kChanges, ColumnFamily::kBookings}) {
    SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> last, LastKey(cf));
    if (last.has_value()) {
      return absl::DataLossError(
          absl::StrCat("data directory ", options.path, " holds ", ColumnFamilyName(cf),
                       " but no format version: it is damaged; ", DamageAdvice(options.path)));
    }
  }
  if (read_only_) return absl::OkStatus();
  WriteBatch batch = NewWriteBatch();
  batch.Put(ColumnFamily::kMeta, kFormatVersionKey, absl::StrCat(kFormatVersion));
  batch.Put(ColumnFamily::kMeta, kCreatedKey,
            absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()));
  return WriteDurably(batch);
}

Storage::~Storage() { CloseDb(); }

void Storage::CloseDb() {
  if (db_) {
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      if (handle != default_handle_) handles.push_back(handle);
    }
    if (!read_only_) {
      rocksdb::FlushOptions flush;
      flush.wait = true;
      flush.allow_write_stall = true;
      // Fails harmlessly while writes are stopped; the log holds the data.
      db_->Flush(flush, handles).PermitUncheckedError();
    }
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
    db_->DestroyColumnFamilyHandle(default_handle_).PermitUncheckedError();
    db_->Close().PermitUncheckedError();
    db_.reset();
    handles_.fill(nullptr);
    default_handle_ = nullptr;
  }
  if (read_only_lock_ != nullptr) {
    file_system_->UnlockFile(read_only_lock_, rocksdb::IOOptions(), nullptr).PermitUncheckedError();
    read_only_lock_ = nullptr;
  }
}

absl::Status Storage::CheckTablesListed() {
  SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> last_change, LastKey(ColumnFamily::kChanges));
  rocksdb::Options options;
  options.env = env_.get();
  std::vector<std::string> lost;
  SOFDIR_RETURN_IF_ERROR(
      FromRocks(FindUnlistedNewerTables(*db_, options, path_,
                                        std::string(ColumnFamilyName(ColumnFamily::kChanges)),
                                        last_change, &lost),
                absl::StrCat("checking the table files of ", path_)));
  if (lost.empty()) return absl::OkStatus();
  const std::string manifest = CurrentManifest(*file_system_, path_);
  return absl::DataLossError(absl::StrCat(
      "data directory ", path_, " is damaged: ", manifest.empty() ? "its MANIFEST" : manifest,
      " does not list the table file(s) ", absl::StrJoin(lost, ", "),
      ", which hold newer changes than any it lists: the MANIFEST is truncated or damaged; ",
      DamageAdvice(path_)));
}

absl::StatusOr<std::optional<std::string>> Storage::Get(ColumnFamily cf,
                                                        absl::string_view key) const {
  std::string value;
  rocksdb::Status status =
      db_->Get(rocksdb::ReadOptions(), handles_[static_cast<size_t>(cf)], ToSlice(key), &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) return FromRocks(status, "reading");
  return std::optional<std::string>(std::move(value));
}

absl::Status Storage::Scan(
    ColumnFamily cf, absl::string_view prefix, absl::string_view start,
    const std::function<bool(absl::string_view key, absl::string_view value)>& visit) const {
  rocksdb::ReadOptions read_options;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read_options, handles_[static_cast<size_t>(cf)]));
  absl::string_view seek_to = start > prefix ? start : prefix;
  for (it->Seek(ToSlice(seek_to)); it->Valid(); it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!visit(key, absl::string_view(it->value().data(), it->value().size()))) break;
  }
  return FromRocks(it->status(), "scanning");
}

absl::Status Storage::ScanAll(
    ColumnFamily cf,
    const std::function<bool(absl::string_view key, absl::string_view value)>& visit) const {
  rocksdb::ReadOptions read_options;
  read_options.readahead_size = 4 << 20;
  read_options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read_options, handles_[static_cast<size_t>(cf)]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!visit(absl::string_view(it->key().data(), it->key().size()),
               absl::string_view(it->value().data(), it->value().size()))) {
      break;
    }
  }
  return FromRocks(it->status(), "scanning");
}

absl::StatusOr<std::optional<std::string>> Storage::LastKey(ColumnFamily cf) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[static_cast<size_t>(cf)]));
  it->SeekToLast();
  if (!it->status().ok()) return FromRocks(it->status(), "scanning");
  if (!it->Valid()) return std::optional<std::string>();
  return std::optional<std::string>(it->key().ToString());
}

absl::StatusOr<uint64_t> Storage::Write(WriteBatch& batch) {
  if (read_only_) return write_refusal_;
  SOFDIR_RETURN_IF_ERROR(ResumeAfterSyncFailure());
  // Not synced here: WaitDurable syncs the WAL once for many writers.
  rocksdb::WriteOptions write_options;
  write_options.sync = false;
  absl::ReaderMutexLock gate(&checkpoint_gate_);
  absl::Status status =
      FromRocks(db_->Write(write_options, &batch.batch_), absl::StrCat("writing to ", path_));
  if (absl::IsResourceExhausted(status)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        status.message(), "; reads go on, writes resume by themselves once space is freed"));
  }
  if (!status.ok()) return status;
  return written_.fetch_add(1) + 1;
}

absl::Status Storage::ResumeAfterSyncFailure() {
  {
    absl::MutexLock lock(&sync_mu_);
    if (sync_failure_.ok()) return absl::OkStatus();
    if (resuming_) {
      return absl::Status(sync_failure_.code(),
                          absl::StrCat("writes are stopped: ", sync_failure_.message()));
    }
    resuming_ = true;
  }
  // Everything written so far is in the memtables. The log that holds it
  // may have lost pages when its sync failed, so a later log sync proves
  // nothing: flushing the memtables to new table files does.
  const uint64_t target = written_.load();
  absl::Status status = FromRocks(file_system_->Probe(), absl::StrCat("test-writing to ", path_));
  if (status.ok()) {
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      if (handle != default_handle_) handles.push_back(handle);
    }
    rocksdb::FlushOptions flush;
    flush.wait = true;
    flush.allow_write_stall = true;
    status = FromRocks(db_->Flush(flush, handles), absl::StrCat("flushing ", path_));
  }
  absl::MutexLock lock(&sync_mu_);
  resuming_ = false;
  if (!status.ok()) {
    return absl::Status(sync_failure_.code(),
                        absl::StrCat("writes are stopped: ", sync_failure_.message(),
                                     "; still: ", status.message()));
  }
  common::LogInfo(absl::StrCat("writes to ", path_, " resume: the disk takes synced writes again"));
  synced_ = std::max(synced_, target);
  sync_failure_ = absl::OkStatus();
  synced_cv_.SignalAll();
  return absl::OkStatus();
}

absl::Status Storage::WaitDurable(uint64_t ticket) {
  absl::MutexLock lock(&sync_mu_);
  while (synced_ < ticket) {
    if (!sync_failure_.ok()) {
      return absl::Status(sync_failure_.code(),
                          absl::StrCat(sync_failure_.message(),
                                       ": the write may or may not be stored; read it back "
                                       "before retrying"));
    }
    if (syncing_) {
      synced_cv_.Wait(&sync_mu_);
      continue;
    }
    // Become the leader: everything written so far is in the WAL files, so
    // one sync makes all of it durable.
    syncing_ = true;
    const uint64_t target = written_.load();
    sync_mu_.Unlock();
    const absl::Time sync_start = absl::Now();
    absl::Status status =
        FromRocks(file_system_->SyncWals(), absl::StrCat("syncing the write-ahead log of ", path_));
    wal_syncs_.fetch_add(1, std::memory_order_relaxed);
    wal_sync_nanos_.fetch_add(absl::ToInt64Nanoseconds(absl::Now() - sync_start),
                              std::memory_order_relaxed);
    sync_mu_.Lock();
    syncing_ = false;
    if (status.ok()) {
      synced_ = std::max(synced_, target);
    } else {
      common::LogError(absl::StrCat(status.message(), "; writes stop until the disk recovers"));
      sync_failure_ = status;
    }
    synced_cv_.SignalAll();
  }
  return absl::OkStatus();
}

absl::Status Storage::WriteDurably(WriteBatch& batch) {
  SOFDIR_ASSIGN_OR_RETURN(uint64_t ticket, Write(batch));
  return WaitDurable(ticket);
}

uint64_t Storage::ApproximateMemoryBytes() const {
  std::map<rocksdb::MemoryUtil::UsageType, uint64_t> usage;
  std::unordered_set<const rocksdb::Cache*> caches = {block_cache_.get()};
  if (!rocksdb::MemoryUtil::GetApproximateMemoryUsageByType({db_.get()}, caches, &usage).ok()) {
    return 0;
  }
  uint64_t total = 0;
  for (const auto& [type, bytes] : usage) total += bytes;
  return total;
}

absl::Status Storage::CheckWritable() {
  if (read_only_) return write_refusal_;
  {
    absl::MutexLock lock(&sync_mu_);
    if (!sync_failure_.ok()) return sync_failure_;
  }
  return FromRocks(file_system_->Probe(), absl::StrCat("writing a probe file in ", path_));
}

Storage::Figures Storage::figures() const {
  Figures figures;
  figures.wal_syncs = wal_syncs_.load(std::memory_order_relaxed);
  figures.wal_sync_seconds = wal_sync_nanos_.load(std::memory_order_relaxed) / 1e9;
  if (db_ == nullptr) return figures;
  uint64_t value = 0;
  if (db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kEstimatePendingCompactionBytes,
                                    &value)) {
    figures.pending_compaction_bytes = value;
  }
  if (db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kLiveSstFilesSize, &value)) {
    figures.live_sst_bytes = value;
  }
  if (db_->GetIntProperty(rocksdb::DB::Properties::kIsWriteStopped, &value)) {
    figures.write_stopped = value != 0;
  }
  std::set<rocksdb::ColumnFamilyHandle*> seen;
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    if (handle == nullptr || !seen.insert(handle).second) continue;
    std::map<std::string, std::string> stats;
    if (!db_->GetMapProperty(handle, rocksdb::DB::Properties::kCFStats, &stats)) continue;
    auto add = [&stats](const char* key, uint64_t& into) {
      auto it = stats.find(key);
      if (it != stats.end()) into += std::strtoull(it->second.c_str(), nullptr, 10);
    };
    add("io_stalls.total_stop", figures.write_stall_stops);
    add("io_stalls.total_slowdown", figures.write_stall_slowdowns);
  }
  return figures;
}

absl::StatusOr<Storage::ChecksumReport> Storage::VerifyChecksums() const {
  ChecksumReport report;
  std::vector<rocksdb::LiveFileMetaData> files;
  db_->GetLiveFilesMetaData(&files);
  for (const rocksdb::LiveFileMetaData& file : files) {
    ++report.table_files;
    report.table_bytes += file.size;
    if (!file.file_checksum.empty() &&
        file.file_checksum_func_name != rocksdb::kUnknownFileChecksumFuncName) {
      ++report.whole_file_checked;
    }
  }
  rocksdb::ReadOptions read_options;
  read_options.fill_cache = false;
  SOFDIR_RETURN_IF_ERROR(FromRocks(db_->VerifyChecksum(read_options),
                                   absl::StrCat("checking the block checksums in ", path_)));
  SOFDIR_RETURN_IF_ERROR(FromRocks(db_->VerifyFileChecksums(read_options),
                                   absl::StrCat("checking the file checksums in ", path_)));
  return report;
}

absl::StatusOr<std::optional<std::string>> Storage::Checkpoint(const std::string& dir,
                                                               ColumnFamily last_key_of) {
  rocksdb::Checkpoint* raw = nullptr;
  SOFDIR_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw),
                                   absl::StrCat("checkpointing ", path_)));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  absl::WriterMutexLock gate(&checkpoint_gate_);
  // Every write made so far is applied (Write returns after applying), none
  // can start: the last key read now is the last one the checkpoint holds.
  SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> last, LastKey(last_key_of));
  // log_size_for_flush 0: flush first, so the checkpoint needs no log.
  SOFDIR_RETURN_IF_ERROR(FromRocks(checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0),
                                   absl::StrCat("checkpointing ", path_, " into ", dir)));
  return last;
}

}  // namespace sofdir::storage
