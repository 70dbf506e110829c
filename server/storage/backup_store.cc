#include "server/storage/backup_store.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "rocksdb/env.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/storage/key_codec.h"
#include "server/storage/rocks_status.h"

namespace sofdir::storage {
namespace {

constexpr absl::string_view kSequencePrefix = "sequence=";

BackupStore::Info ToInfo(const rocksdb::BackupInfo& backup) {
  BackupStore::Info info;
  info.id = backup.backup_id;
  info.time = absl::FromUnixSeconds(backup.timestamp);
  info.size_bytes = backup.size;
  info.file_count = backup.number_files;
  absl::string_view metadata = backup.app_metadata;
  if (absl::ConsumePrefix(&metadata, kSequencePrefix)) {
    if (!absl::SimpleAtoi(metadata, &info.sequence)) info.sequence = 0;
  }
  return info;
}

// Removes `path` and everything below it; logs when it cannot.
void RemoveAll(const std::string& path) {
  std::error_code error;
  std::filesystem::remove_all(path, error);
  if (error) {
    common::LogWarning(absl::StrCat("cannot remove ", path, ": ", error.message()));
  }
}

std::string WithoutTrailingSlash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

absl::StatusOr<std::unique_ptr<BackupStore>> BackupStore::Open(const Options& options) {
  if (options.backup_dir.empty()) {
    return absl::InvalidArgumentError("backup directory: must not be empty");
  }
  if (options.keep < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("backups to keep: ", options.keep, " is not valid; give 1 or more"));
  }
  Options resolved = options;
  resolved.backup_dir = WithoutTrailingSlash(options.backup_dir);
  if (resolved.staging_dir.empty()) resolved.staging_dir = resolved.backup_dir + "/.staging";
  std::error_code error;
  std::filesystem::create_directories(resolved.backup_dir, error);
  if (error) {
    return absl::UnavailableError(absl::StrCat("backup directory ", resolved.backup_dir,
                                               ": cannot create it (", error.message(), ")"));
  }
  rocksdb::BackupEngineOptions engine_options(resolved.backup_dir);
  engine_options.sync = true;  // a finished backup survives a crash
  engine_options.max_background_operations = 2;
  rocksdb::BackupEngine* engine = nullptr;
  SOFDIR_RETURN_IF_ERROR(ConvertRocksStatus(
      rocksdb::BackupEngine::Open(rocksdb::Env::Default(), engine_options, &engine),
      absl::StrCat("opening backup directory ", resolved.backup_dir)));
  std::unique_ptr<BackupStore> store(
      new BackupStore(resolved, std::unique_ptr<rocksdb::BackupEngine>(engine)));
  absl::MutexLock lock(&store->create_mu_);
  store->RefreshInfos();
  return store;
}

void BackupStore::RefreshInfos() {
  std::vector<rocksdb::BackupInfo> backups;
  engine_->GetBackupInfo(&backups);
  std::vector<Info> infos;
  for (const rocksdb::BackupInfo& backup : backups) infos.push_back(ToInfo(backup));
  std::sort(infos.begin(), infos.end(), [](const Info& a, const Info& b) { return a.id < b.id; });
  absl::MutexLock lock(&infos_mu_);
  infos_ = std::move(infos);
}

std::vector<BackupStore::Info> BackupStore::List() const {
  absl::MutexLock lock(&infos_mu_);
  return infos_;
}

absl::StatusOr<BackupStore::Info> BackupStore::Create(Storage& storage) {
  absl::MutexLock lock(&create_mu_);
  const std::string& staging = options_.staging_dir;
  RemoveAll(staging);  // left by a crash during an earlier backup
  absl::StatusOr<std::optional<std::string>> last_key =
      storage.Checkpoint(staging, ColumnFamily::kChanges);
  if (!last_key.ok()) {
    RemoveAll(staging);
    return last_key.status();
  }
  uint64_t sequence = 0;
  if (last_key->has_value()) {
    std::optional<uint64_t> decoded = DecodeSequence(**last_key);
    if (!decoded.has_value()) {
      RemoveAll(staging);
      return absl::DataLossError("the change log's last key is not a sequence number");
    }
    sequence = *decoded;
  }

  // The checkpoint is a database of its own, with exactly the writes made
  // before it; backing it up may take long while the server writes on.
  rocksdb::IOStatus created;
  rocksdb::BackupID id = 0;
  {
    Storage::Options staging_options;
    staging_options.path = staging;
    staging_options.block_cache_bytes = 8 << 20;
    staging_options.write_buffer_bytes = 8 << 20;
    absl::StatusOr<std::unique_ptr<Storage>> copy = Storage::Open(staging_options);
    if (!copy.ok()) {
      RemoveAll(staging);
      return absl::Status(
          copy.status().code(),
          absl::StrCat("opening the checkpoint for the backup: ", copy.status().message()));
    }
    rocksdb::CreateBackupOptions create_options;
    create_options.flush_before_backup = false;  // the checkpoint is flushed
    created = engine_->CreateNewBackupWithMetadata(create_options, (*copy)->db_.get(),
                                                   absl::StrCat(kSequencePrefix, sequence), &id);
  }
  RemoveAll(staging);
  if (!created.ok()) {
    // A half-written backup: its files go, the finished ones stay.
    engine_->GarbageCollect().PermitUncheckedError();
    RefreshInfos();
    absl::Status status =
        ConvertRocksStatus(created, absl::StrCat("backing up into ", options_.backup_dir));
    if (absl::IsResourceExhausted(status)) {
      return absl::ResourceExhaustedError(
          absl::StrCat(status.message(), "; nothing of this backup was kept"));
    }
    return status;
  }
  absl::Status purged =
      ConvertRocksStatus(engine_->PurgeOldBackups(static_cast<uint32_t>(options_.keep)),
                         absl::StrCat("deleting old backups in ", options_.backup_dir));
  if (!purged.ok()) common::LogWarning(std::string(purged.message()));
  RefreshInfos();
  rocksdb::BackupInfo backup;
  SOFDIR_RETURN_IF_ERROR(
      ConvertRocksStatus(engine_->GetBackupInfo(id, &backup), absl::StrCat("reading backup ", id)));
  return ToInfo(backup);
}

absl::StatusOr<BackupStore::Info> BackupStore::Restore(
    const std::string& backup_dir_given, absl::string_view which, const std::string& data_dir_given,
    const std::function<absl::Status(const std::string& dir)>& check) {
  const std::string backup_dir = WithoutTrailingSlash(backup_dir_given);
  const std::string data_dir = WithoutTrailingSlash(data_dir_given);
  std::error_code error;
  if (std::filesystem::exists(data_dir, error)) {
    if (!std::filesystem::is_directory(data_dir, error)) {
      return absl::FailedPreconditionError(
          absl::StrCat("data directory ", data_dir,
                       " is not a directory; --restore needs a new "
                       "or empty directory"));
    }
    for (const auto& entry : std::filesystem::directory_iterator(data_dir, error)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data directory ", data_dir, " is not empty (it holds ", entry.path().filename().string(),
          "); --restore writes only into a new or empty directory, so nothing was restored"));
    }
  }
  if (!std::filesystem::is_directory(backup_dir, error)) {
    return absl::NotFoundError(absl::StrCat("backup directory ", backup_dir, " does not exist"));
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  SOFDIR_RETURN_IF_ERROR(ConvertRocksStatus(
      rocksdb::BackupEngineReadOnly::Open(rocksdb::Env::Default(),
                                          rocksdb::BackupEngineOptions(backup_dir), &raw),
      absl::StrCat("opening backup directory ", backup_dir)));
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> backups;
  engine->GetBackupInfo(&backups);
  std::vector<rocksdb::BackupID> corrupt;
  engine->GetCorruptedBackups(&corrupt);
  std::vector<std::string> ids;
  for (const rocksdb::BackupInfo& backup : backups) ids.push_back(absl::StrCat(backup.backup_id));
  const std::string there =
      ids.empty() ? "it holds no backups" : absl::StrCat("it holds ", absl::StrJoin(ids, ", "));

  rocksdb::BackupID id = 0;
  if (which == "latest") {
    if (backups.empty()) {
      return absl::NotFoundError(absl::StrCat("backup directory ", backup_dir, ": ", there));
    }
    for (const rocksdb::BackupInfo& backup : backups) id = std::max(id, backup.backup_id);
  } else if (!absl::SimpleAtoi(which, &id) || id == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "backup \"", which, "\": give a backup id (sofdir backup list shows them) or latest"));
  }
  if (std::find(corrupt.begin(), corrupt.end(), id) != corrupt.end()) {
    return absl::DataLossError(absl::StrCat("backup ", id, " in ", backup_dir,
                                            " is damaged: its description ", backup_dir, "/meta/",
                                            id, " cannot be read; nothing was restored"));
  }
  auto found = std::find_if(backups.begin(), backups.end(),
                            [id](const rocksdb::BackupInfo& b) { return b.backup_id == id; });
  if (found == backups.end()) {
    return absl::NotFoundError(
        absl::StrCat("backup ", id, " is not in ", backup_dir, " (", there, ")"));
  }
  const Info info = ToInfo(*found);

  // Every file's size and checksum, before anything is written.
  rocksdb::IOStatus verified = engine->VerifyBackup(id, /*verify_with_checksum=*/true);
  if (!verified.ok()) {
    return absl::DataLossError(absl::StrCat("backup ", id, " in ", backup_dir,
                                            " is damaged: ", verified.ToString(),
                                            "; nothing was restored; restore another backup"));
  }

  const std::string restoring = data_dir + ".restoring";
  RemoveAll(restoring);  // left by an earlier restore that stopped
  const std::filesystem::path parent = std::filesystem::path(data_dir).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  absl::Status restored = ConvertRocksStatus(
      engine->RestoreDBFromBackup(rocksdb::RestoreOptions(), id, restoring, restoring),
      absl::StrCat("restoring backup ", id, " from ", backup_dir, " into ", restoring));
  if (restored.ok()) restored = check(restoring);
  if (!restored.ok()) {
    RemoveAll(restoring);
    return restored;
  }
  // Only a whole, checked copy becomes the data directory.
  std::filesystem::remove(data_dir, error);  // empty, or missing
  std::filesystem::rename(restoring, data_dir, error);
  if (error) {
    RemoveAll(restoring);
    return absl::UnavailableError(absl::StrCat("cannot rename ", restoring, " to ", data_dir, ": ",
                                               error.message(), "; nothing was restored"));
  }
  return info;
}

}  // namespace sofdir::storage
