#include "server/storage/storage.h"

#include <algorithm>
#include <map>
#include <unordered_set>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/cache.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/memory_util.h"
#include "server/common/status_macros.h"

namespace sofdir::storage {
namespace {

// The one conversion from rocksdb::Status to absl::Status.
absl::Status FromRocks(const rocksdb::Status& status, absl::string_view context) {
  if (status.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(context, ": ", status.ToString());
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
      if (status.ToString().find("lock") != std::string::npos) {
        return absl::UnavailableError(
            absl::StrCat(message, " (is another sofdir-server using this data directory?)"));
      }
      return absl::InternalError(message);
    case rocksdb::Status::kCorruption:
      return absl::DataLossError(message);
    default:
      return absl::InternalError(message);
  }
}

rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

}  // namespace

absl::StatusOr<std::unique_ptr<Storage>> Storage::Open(const Options& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("data directory: must not be empty");
  std::unique_ptr<Storage> storage(new Storage());
  storage->block_cache_ = rocksdb::NewLRUCache(options.block_cache_bytes);

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = storage->block_cache_;
  table.cache_index_and_filter_blocks = true;

  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf_options.write_buffer_size = options.write_buffer_bytes / 4;

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.db_write_buffer_size = options.write_buffer_bytes;
  db_options.IncreaseParallelism(2);
  db_options.max_open_files = 512;
  db_options.keep_log_file_num = 3;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
  for (size_t i = 0; i < static_cast<size_t>(ColumnFamily::kCount); ++i) {
    descriptors.emplace_back(std::string(ColumnFamilyName(static_cast<ColumnFamily>(i))),
                             cf_options);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  absl::Status status =
      FromRocks(rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &db),
                absl::StrCat("opening data directory ", options.path));
  if (!status.ok()) return status;
  storage->db_.reset(db);
  for (size_t i = 0; i < static_cast<size_t>(ColumnFamily::kCount); ++i) {
    storage->handles_[i] = handles[i + 1];
  }
  // The default column family handle is owned by the DB; it is unused.
  storage->db_->DestroyColumnFamilyHandle(handles[0]);

  absl::StatusOr<std::optional<std::string>> version =
      storage->Get(ColumnFamily::kMeta, kFormatVersionKey);
  if (!version.ok()) return version.status();
  if (!version->has_value()) {
    WriteBatch batch = storage->NewWriteBatch();
    batch.Put(ColumnFamily::kMeta, kFormatVersionKey, absl::StrCat(kFormatVersion));
    absl::Status written = storage->WriteDurably(batch);
    if (!written.ok()) return written;
  } else {
    int stored = 0;
    if (!absl::SimpleAtoi(**version, &stored) || stored != kFormatVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat("data directory ", options.path, " has format version ", **version,
                       "; this sofdir-server reads version ", kFormatVersion));
    }
  }
  return storage;
}

Storage::~Storage() {
  if (!db_) return;
  rocksdb::FlushOptions flush;
  flush.wait = true;
  std::vector<rocksdb::ColumnFamilyHandle*> handles(handles_.begin(), handles_.end());
  (void)db_->Flush(flush, handles);
  for (rocksdb::ColumnFamilyHandle* handle : handles_) (void)db_->DestroyColumnFamilyHandle(handle);
  (void)db_->Close();
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
  // Not synced here: WaitDurable syncs the WAL once for many writers.
  rocksdb::WriteOptions write_options;
  write_options.sync = false;
  absl::Status status = FromRocks(db_->Write(write_options, &batch.batch_), "writing");
  if (!status.ok()) return status;
  return written_.fetch_add(1) + 1;
}

absl::Status Storage::WaitDurable(uint64_t ticket) {
  absl::MutexLock lock(&sync_mu_);
  while (synced_ < ticket) {
    if (syncing_) {
      synced_cv_.Wait(&sync_mu_);
      continue;
    }
    // Become the leader: everything written so far is in the WAL file, so
    // one sync makes all of it durable.
    syncing_ = true;
    const uint64_t target = written_.load();
    sync_mu_.Unlock();
    absl::Status status = FromRocks(db_->SyncWAL(), "syncing the write-ahead log");
    sync_mu_.Lock();
    syncing_ = false;
    if (status.ok()) synced_ = std::max(synced_, target);
    synced_cv_.SignalAll();
    if (!status.ok()) return status;
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

}  // namespace sofdir::storage
