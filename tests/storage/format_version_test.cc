// The data directory's format version: a version-1 directory (before the
// outbox) is migrated on open; a newer one is refused, saying what to do.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "server/storage/key_codec.h"
#include "server/storage/storage.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::storage {
namespace {

using ::testing::HasSubstr;

// Writes a directory as a version-1 sofdir-server left it: the column
// families of that version (no outbox), format_version "1" and a record.
void WriteVersionOneDirectory(const std::string& path) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (const char* name :
       {"records", "refs", "order", "changes", "meta", "bookings", "booking_index", "reads"}) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, path, descriptors, &handles, &db).ok());
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[5], "format_version", "1").ok());
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[1], "unit-1", "kept").ok());
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
  }
  delete db;
}

std::vector<std::string> ColumnFamilies(const std::string& path) {
  std::vector<std::string> names;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  return names;
}

TEST(FormatVersionTest, NewDirectoryGetsTheCurrentVersion) {
  testing::TempDir dir;
  auto storage = Storage::Open({dir.path()});
  ASSERT_TRUE(storage.ok()) << storage.status();
  auto version = (*storage)->Get(ColumnFamily::kMeta, kFormatVersionKey);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->value_or(""), "2");
}

TEST(FormatVersionTest, VersionOneDirectoryIsMigratedKeepingItsData) {
  testing::TempDir dir;
  WriteVersionOneDirectory(dir.path());
  ASSERT_THAT(ColumnFamilies(dir.path()), ::testing::Not(::testing::Contains("outbox")));
  {
    auto storage = Storage::Open({dir.path()});
    ASSERT_TRUE(storage.ok()) << storage.status();
    auto version = (*storage)->Get(ColumnFamily::kMeta, kFormatVersionKey);
    ASSERT_TRUE(version.ok());
    EXPECT_EQ(version->value_or(""), "2");
    auto record = (*storage)->Get(ColumnFamily::kRecords, "unit-1");
    ASSERT_TRUE(record.ok());
    EXPECT_EQ(record->value_or(""), "kept");
    // The new column family takes writes.
    WriteBatch batch = (*storage)->NewWriteBatch();
    batch.Put(ColumnFamily::kOutbox, OutboxKey(kOutboxMessageTag, 7, 1), "m");
    ASSERT_TRUE((*storage)->WriteDurably(batch).ok());
  }
  EXPECT_THAT(ColumnFamilies(dir.path()), ::testing::Contains("outbox"));
  // Opening it again is a plain open of a version-2 directory.
  auto storage = Storage::Open({dir.path()});
  ASSERT_TRUE(storage.ok()) << storage.status();
  auto message = (*storage)->Get(ColumnFamily::kOutbox, OutboxKey(kOutboxMessageTag, 7, 1));
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message->value_or(""), "m");
}

TEST(FormatVersionTest, VersionOneDirectoryOpensReadOnlyWithoutChange) {
  testing::TempDir dir;
  WriteVersionOneDirectory(dir.path());
  {
    Storage::Options options{dir.path()};
    options.read_only = true;
    auto storage = Storage::Open(options);
    ASSERT_TRUE(storage.ok()) << storage.status();
    bool any = false;
    ASSERT_TRUE((*storage)
                    ->Scan(ColumnFamily::kOutbox, "", "",
                           [&](absl::string_view, absl::string_view) { return any = true; })
                    .ok());
    EXPECT_FALSE(any);
  }
  EXPECT_THAT(ColumnFamilies(dir.path()), ::testing::Not(::testing::Contains("outbox")));
}

TEST(FormatVersionTest, NewerVersionIsRefusedNamingBothVersions) {
  testing::TempDir dir;
  {
    auto storage = Storage::Open({dir.path()});
    ASSERT_TRUE(storage.ok());
    WriteBatch batch = (*storage)->NewWriteBatch();
    batch.Put(ColumnFamily::kMeta, kFormatVersionKey, "3");
    ASSERT_TRUE((*storage)->WriteDurably(batch).ok());
  }
  auto storage = Storage::Open({dir.path()});
  ASSERT_FALSE(storage.ok());
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(storage.status().message(), HasSubstr("format version 3, newer than version 2"));
  EXPECT_THAT(storage.status().message(), HasSubstr("use a newer sofdir-server"));
  // Refused without being changed.
  Storage::Options read_only{dir.path()};
  read_only.read_only = true;
  EXPECT_FALSE(Storage::Open(read_only).ok());
}

TEST(FormatVersionTest, UnknownOlderVersionIsRefused) {
  testing::TempDir dir;
  {
    auto storage = Storage::Open({dir.path()});
    ASSERT_TRUE(storage.ok());
    WriteBatch batch = (*storage)->NewWriteBatch();
    batch.Put(ColumnFamily::kMeta, kFormatVersionKey, "0");
    ASSERT_TRUE((*storage)->WriteDurably(batch).ok());
  }
  auto storage = Storage::Open({dir.path()});
  ASSERT_FALSE(storage.ok());
  EXPECT_THAT(storage.status().message(), HasSubstr("reads versions 1 to 2"));
}

}  // namespace
}  // namespace sofdir::storage
