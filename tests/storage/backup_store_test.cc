#include "server/storage/backup_store.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/storage/key_codec.h"
#include "server/storage/storage.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::storage {
namespace {

using ::testing::HasSubstr;

absl::Status Sound(const std::string&) { return absl::OkStatus(); }

std::unique_ptr<BackupStore> OpenBackups(const std::string& dir, int keep = 50) {
  BackupStore::Options options;
  options.backup_dir = dir;
  options.keep = keep;
  absl::StatusOr<std::unique_ptr<BackupStore>> backups = BackupStore::Open(options);
  EXPECT_TRUE(backups.ok()) << backups.status();
  return backups.ok() ? *std::move(backups) : nullptr;
}

// Writes change i and record r<i> in one batch, i = 1, 2, ... until stopped.
void WriteChanges(Storage& storage, std::atomic<bool>& stop, std::atomic<uint64_t>& written) {
  const std::string filler(2000, 'x');  // memtables fill and flush on their own too
  for (uint64_t i = 1; !stop.load(); ++i) {
    WriteBatch batch = storage.NewWriteBatch();
    batch.Put(ColumnFamily::kRecords, absl::StrCat("r", i), filler);
    batch.Put(ColumnFamily::kChanges, EncodeSequence(i), filler);
    ASSERT_TRUE(storage.Write(batch).ok());
    written.store(i);
  }
}

TEST(BackupStoreTest, EachBackupHoldsExactlyTheChangesUpToItsSequenceWhileWritesGoOn) {
  testing::TempDir dir;
  Storage::Options storage_options;
  storage_options.path = dir.Sub("data");
  storage_options.write_buffer_bytes = 4 << 20;
  absl::StatusOr<std::unique_ptr<Storage>> storage = Storage::Open(storage_options);
  ASSERT_TRUE(storage.ok()) << storage.status();
  std::unique_ptr<BackupStore> backups = OpenBackups(dir.Sub("backups"));
  ASSERT_NE(backups, nullptr);

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> written{0};
  std::thread writer(WriteChanges, std::ref(**storage), std::ref(stop), std::ref(written));
  std::vector<BackupStore::Info> made;
  for (int i = 0; i < 6; ++i) {
    while (written.load() < static_cast<uint64_t>(500 * (i + 1))) std::this_thread::yield();
    absl::StatusOr<BackupStore::Info> info = backups->Create(**storage);
    ASSERT_TRUE(info.ok()) << info.status();
    made.push_back(*info);
  }
  const uint64_t before_stop = written.load();
  stop.store(true);
  writer.join();
  // Writes went on while backups were taken.
  EXPECT_GT(before_stop, made.back().sequence);

  for (const BackupStore::Info& info : made) {
    SCOPED_TRACE(absl::StrCat("backup ", info.id, " at ", info.sequence));
    const std::string restored = dir.Sub(absl::StrCat("restored-", info.id));
    absl::StatusOr<BackupStore::Info> restored_info =
        BackupStore::Restore(dir.Sub("backups"), absl::StrCat(info.id), restored, Sound);
    ASSERT_TRUE(restored_info.ok()) << restored_info.status();
    EXPECT_EQ(restored_info->sequence, info.sequence);
    Storage::Options read_only;
    read_only.path = restored;
    read_only.read_only = true;
    absl::StatusOr<std::unique_ptr<Storage>> copy = Storage::Open(read_only);
    ASSERT_TRUE(copy.ok()) << copy.status();
    absl::StatusOr<std::optional<std::string>> last = (*copy)->LastKey(ColumnFamily::kChanges);
    ASSERT_TRUE(last.ok() && last->has_value());
    EXPECT_EQ(DecodeSequence(**last), info.sequence) << "the recorded sequence is not exact";
    uint64_t changes = 0;
    ASSERT_TRUE((*copy)
                    ->ScanAll(ColumnFamily::kChanges,
                              [&](absl::string_view, absl::string_view) {
                                ++changes;
                                return true;
                              })
                    .ok());
    EXPECT_EQ(changes, info.sequence) << "changes missing below the sequence";
    EXPECT_TRUE(
        (*(*copy)->Get(ColumnFamily::kRecords, absl::StrCat("r", info.sequence))).has_value());
    EXPECT_FALSE(
        (*(*copy)->Get(ColumnFamily::kRecords, absl::StrCat("r", info.sequence + 1))).has_value());
  }
}

TEST(BackupStoreTest, OnlyTheNewestKeepBackupsStay) {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<Storage>> storage = Storage::Open({dir.Sub("data")});
  ASSERT_TRUE(storage.ok());
  std::unique_ptr<BackupStore> backups = OpenBackups(dir.Sub("backups"), /*keep=*/2);
  for (uint64_t i = 1; i <= 3; ++i) {
    WriteBatch batch = (*storage)->NewWriteBatch();
    batch.Put(ColumnFamily::kChanges, EncodeSequence(i), "c");
    ASSERT_TRUE((*storage)->WriteDurably(batch).ok());
    ASSERT_TRUE(backups->Create(**storage).ok());
  }
  std::vector<BackupStore::Info> listed = backups->List();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, 2u);
  EXPECT_EQ(listed[0].sequence, 2u);
  EXPECT_EQ(listed[1].id, 3u);
  EXPECT_EQ(listed[1].sequence, 3u);
  EXPECT_GT(listed[1].size_bytes, 0u);
  EXPECT_GT(listed[1].file_count, 0u);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("backups/meta/1")));
  // Reopened, the directory lists the same.
  backups.reset();
  EXPECT_EQ(OpenBackups(dir.Sub("backups"))->List().size(), 2u);
}

TEST(BackupStoreTest, RestoreLeavesNothingBehindWhenTheCheckFails) {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<Storage>> storage = Storage::Open({dir.Sub("data")});
  ASSERT_TRUE(storage.ok());
  std::unique_ptr<BackupStore> backups = OpenBackups(dir.Sub("backups"));
  ASSERT_TRUE(backups->Create(**storage).ok());
  absl::StatusOr<BackupStore::Info> restored = BackupStore::Restore(
      dir.Sub("backups"), "latest", dir.Sub("new"),
      [](const std::string&) { return absl::DataLossError("store invariants broken"); });
  EXPECT_TRUE(absl::IsDataLoss(restored.status())) << restored.status();
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("new")));
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("new.restoring")));

  std::filesystem::create_directories(dir.Sub("full"));
  std::ofstream(dir.Sub("full/CURRENT")) << "x";
  restored = BackupStore::Restore(dir.Sub("backups"), "1", dir.Sub("full"), Sound);
  EXPECT_TRUE(absl::IsFailedPrecondition(restored.status())) << restored.status();
  EXPECT_THAT(restored.status().message(), HasSubstr(dir.Sub("full") + " is not empty"));

  restored = BackupStore::Restore(dir.Sub("backups"), "yesterday", dir.Sub("new"), Sound);
  EXPECT_TRUE(absl::IsInvalidArgument(restored.status())) << restored.status();
  restored = BackupStore::Restore(dir.Sub("nowhere"), "latest", dir.Sub("new"), Sound);
  EXPECT_TRUE(absl::IsNotFound(restored.status())) << restored.status();
}

}  // namespace
}  // namespace sofdir::storage
