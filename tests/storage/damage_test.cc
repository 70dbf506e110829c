// A damaged data directory is refused with DATA_LOSS naming what is damaged,
// never opened as an empty or shorter directory (only a torn last log
// record, a write the crash cut before it was acknowledged, may be dropped).
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/storage/storage.h"
#include "tests/testing/files.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::storage {
namespace {

using ::testing::HasSubstr;

constexpr int kWrites = 200;

std::string Key(int i) { return absl::StrCat("person-", 1000 + i); }

absl::StatusOr<std::unique_ptr<Storage>> OpenAt(const std::string& path, bool read_only = false) {
  Storage::Options options;
  options.path = path;
  options.read_only = read_only;
  return Storage::Open(options);
}

// Writes kWrites acknowledged (synced) batches, one record each.
void WriteAcknowledged(Storage& storage) {
  for (int i = 0; i < kWrites; ++i) {
    WriteBatch batch = storage.NewWriteBatch();
    batch.Put(ColumnFamily::kRecords, Key(i), std::string(100, 'a' + i % 26));
    batch.Put(ColumnFamily::kChanges, EncodeSequence(i + 1), "change");
    ASSERT_TRUE(storage.WriteDurably(batch).ok());
  }
}

int CountRecords(Storage& storage) {
  int count = 0;
  EXPECT_TRUE(storage
                  .ScanAll(ColumnFamily::kRecords,
                           [&](absl::string_view, absl::string_view) { return ++count > 0; })
                  .ok());
  return count;
}

class DamageTest : public ::testing::Test {
 protected:
  // kWrites acknowledged writes that live only in the write-ahead log: the
  // directory is copied while the database is open, as kill -9 leaves it
  // (~Storage would flush them into table files).
  void MakeCrashedCopy() {
    auto storage = OpenAt(dir_.Sub("live"));
    ASSERT_TRUE(storage.ok()) << storage.status();
    ASSERT_NO_FATAL_FAILURE(WriteAcknowledged(**storage));
    testing::CopyDirectory(dir_.Sub("live"), crashed_);
    std::vector<std::string> logs = testing::FilesNamed(crashed_, ".log");
    ASSERT_EQ(logs.size(), 1u);
    log_ = logs[0];
  }

  testing::TempDir dir_;
  std::string crashed_ = dir_.Sub("crashed");
  std::string log_;
};

TEST_F(DamageTest, AcknowledgedWritesInTheLogAllComeBackAfterACrash) {
  ASSERT_NO_FATAL_FAILURE(MakeCrashedCopy());
  auto storage = OpenAt(crashed_);
  ASSERT_TRUE(storage.ok()) << storage.status();
  EXPECT_EQ(CountRecords(**storage), kWrites);
}

TEST_F(DamageTest, DamagedLogRecordBeforeTheEndStopsTheOpenWithDataLossNamingTheLog) {
  ASSERT_NO_FATAL_FAILURE(MakeCrashedCopy());
  // 64 bytes in the middle of the log: today 140 of the 200 acknowledged
  // writes would silently vanish.
  testing::OverwriteBytes(log_, testing::FileSize(log_) / 3, 64);
  auto storage = OpenAt(crashed_);
  ASSERT_FALSE(storage.ok()) << "opened with " << CountRecords(**storage) << " of " << kWrites;
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kDataLoss) << storage.status();
  const std::string log_name = std::filesystem::path(log_).filename().string();
  EXPECT_THAT(std::string(storage.status().message()), HasSubstr(log_name));
  EXPECT_THAT(storage.status().message(), HasSubstr("restore"));
  EXPECT_THAT(storage.status().message(), HasSubstr("--verify"));
  // Nothing was rewritten: the log is still there for a rescue.
  EXPECT_TRUE(std::filesystem::exists(log_));
}

TEST_F(DamageTest, TornLastLogRecordIsDroppedAndEveryEarlierWriteKept) {
  ASSERT_NO_FATAL_FAILURE(MakeCrashedCopy());
  testing::TruncateFile(log_, testing::FileSize(log_) - 20);
  auto storage = OpenAt(crashed_);
  ASSERT_TRUE(storage.ok()) << storage.status();
  EXPECT_EQ(CountRecords(**storage), kWrites - 1);
}

TEST_F(DamageTest, TruncatedManifestStopsTheOpenWithDataLossNamingIt) {
  {
    auto storage = OpenAt(dir_.Sub("data"));
    ASSERT_TRUE(storage.ok()) << storage.status();
    ASSERT_NO_FATAL_FAILURE(WriteAcknowledged(**storage));
  }  // closing flushes the data into table files listed in the MANIFEST
  std::vector<std::string> manifests = testing::FilesNamed(dir_.Sub("data"), "MANIFEST-", true);
  ASSERT_EQ(manifests.size(), 1u);
  testing::TruncateFile(manifests[0], testing::FileSize(manifests[0]) / 2);
  auto storage = OpenAt(dir_.Sub("data"));
  ASSERT_FALSE(storage.ok()) << "opened with " << CountRecords(**storage) << " of " << kWrites;
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kDataLoss) << storage.status();
  EXPECT_THAT(std::string(storage.status().message()), HasSubstr("MANIFEST"));
  EXPECT_THAT(storage.status().message(), HasSubstr("restore"));
}

TEST_F(DamageTest, MissingCurrentFileIsRefusedInsteadOfStartingEmpty) {
  {
    auto storage = OpenAt(dir_.Sub("data"));
    ASSERT_TRUE(storage.ok()) << storage.status();
    ASSERT_NO_FATAL_FAILURE(WriteAcknowledged(**storage));
  }
  std::filesystem::remove(dir_.Sub("data") + "/CURRENT");
  const size_t files_before = testing::FilesNamed(dir_.Sub("data"), "").size();
  auto storage = OpenAt(dir_.Sub("data"));
  ASSERT_FALSE(storage.ok()) << "opened with " << CountRecords(**storage) << " of " << kWrites;
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kDataLoss) << storage.status();
  EXPECT_THAT(storage.status().message(), HasSubstr("CURRENT"));
  // No new database was made over the old files.
  EXPECT_EQ(testing::FilesNamed(dir_.Sub("data"), "").size(), files_before);
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("data") + "/CURRENT"));
}

TEST_F(DamageTest, DataWithoutAFormatVersionIsRefused) {
  {
    auto storage = OpenAt(dir_.Sub("data"));
    ASSERT_TRUE(storage.ok()) << storage.status();
    ASSERT_NO_FATAL_FAILURE(WriteAcknowledged(**storage));
    WriteBatch batch = (*storage)->NewWriteBatch();
    batch.Delete(ColumnFamily::kMeta, kFormatVersionKey);
    ASSERT_TRUE((*storage)->WriteDurably(batch).ok());
  }
  auto storage = OpenAt(dir_.Sub("data"));
  ASSERT_FALSE(storage.ok());
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kDataLoss) << storage.status();
  EXPECT_THAT(storage.status().message(), HasSubstr("format version"));
}

TEST_F(DamageTest, DirectoryWithOtherFilesIsNotTakenOver) {
  std::filesystem::create_directories(dir_.Sub("home"));
  { std::ofstream(dir_.Sub("home") + "/notes.txt") << "mine"; }
  auto storage = OpenAt(dir_.Sub("home"));
  ASSERT_FALSE(storage.ok());
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kFailedPrecondition) << storage.status();
  EXPECT_THAT(storage.status().message(), HasSubstr("notes.txt"));
  EXPECT_EQ(testing::FilesNamed(dir_.Sub("home"), "").size(), 1u);
}

TEST_F(DamageTest, VerifyChecksumsFindsFlippedBytesInATableFileAndNamesIt) {
  {
    auto storage = OpenAt(dir_.Sub("data"));
    ASSERT_TRUE(storage.ok()) << storage.status();
    ASSERT_NO_FATAL_FAILURE(WriteAcknowledged(**storage));
  }
  {
    auto storage = OpenAt(dir_.Sub("data"), /*read_only=*/true);
    ASSERT_TRUE(storage.ok()) << storage.status();
    auto report = (*storage)->VerifyChecksums();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_GT(report->table_files, 0);
    EXPECT_EQ(report->whole_file_checked, report->table_files);
  }
  // The largest table file holds the records; damage its data blocks.
  std::vector<std::string> tables = testing::FilesNamed(dir_.Sub("data"), ".sst");
  ASSERT_FALSE(tables.empty());
  std::string largest = tables[0];
  for (const std::string& t : tables) {
    if (testing::FileSize(t) > testing::FileSize(largest)) largest = t;
  }
  testing::FlipBytes(largest, 100, 16);
  auto storage = OpenAt(dir_.Sub("data"), /*read_only=*/true);
  ASSERT_TRUE(storage.ok()) << storage.status();
  auto report = (*storage)->VerifyChecksums();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kDataLoss) << report.status();
  EXPECT_THAT(report.status().message(),
              HasSubstr(std::filesystem::path(largest).filename().string()));
}

TEST_F(DamageTest, ReadOnlyOpenWritesNothingAndRefusesWrites) {
  {
    auto storage = OpenAt(dir_.Sub("data"));
    ASSERT_TRUE(storage.ok()) << storage.status();
    ASSERT_NO_FATAL_FAILURE(WriteAcknowledged(**storage));
  }
  std::vector<std::string> before = testing::FilesNamed(dir_.Sub("data"), "");
  {
    auto storage = OpenAt(dir_.Sub("data"), /*read_only=*/true);
    ASSERT_TRUE(storage.ok()) << storage.status();
    EXPECT_TRUE((*storage)->read_only());
    EXPECT_EQ(CountRecords(**storage), kWrites);
    WriteBatch batch = (*storage)->NewWriteBatch();
    batch.Put(ColumnFamily::kRecords, "x", "y");
    EXPECT_EQ((*storage)->Write(batch).status().code(), absl::StatusCode::kFailedPrecondition);
  }
  std::vector<std::string> after = testing::FilesNamed(dir_.Sub("data"), "");
  EXPECT_EQ(before, after);
}

TEST(StorageCreateTest, NewDirectoryIsMarkedAsCreatedEmpty) {
  testing::TempDir dir;
  auto storage = OpenAt(dir.Sub("data"));
  ASSERT_TRUE(storage.ok()) << storage.status();
  auto created = (*storage)->Get(ColumnFamily::kMeta, kCreatedKey);
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(created->has_value());
}

}  // namespace
}  // namespace sofdir::storage
