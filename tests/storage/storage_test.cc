#include "server/storage/storage.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/storage/key_codec.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::storage {
namespace {

TEST(KeyCodecTest, SequencesSortNumerically) {
  EXPECT_LT(EncodeSequence(9), EncodeSequence(10));
  EXPECT_LT(EncodeSequence(255), EncodeSequence(256));
  EXPECT_EQ(DecodeSequence(EncodeSequence(1234567890123)), 1234567890123u);
  EXPECT_FALSE(DecodeSequence("short").has_value());
}

TEST(KeyCodecTest, RefKeysOfOneTargetShareAPrefixAndNameTheSource) {
  std::string key = RefKey("unit-1", "person-7");
  EXPECT_EQ(key.rfind(RefPrefix("unit-1"), 0), 0u);
  EXPECT_NE(key.rfind(RefPrefix("unit-10"), 0), 0u);
  EXPECT_EQ(RefSource(key), "person-7");
}

TEST(StorageTest, WrittenBatchIsReadableAfterReopen) {
  testing::TempDir dir;
  {
    auto storage = Storage::Open({dir.path()});
    ASSERT_TRUE(storage.ok()) << storage.status();
    WriteBatch batch = (*storage)->NewWriteBatch();
    batch.Put(ColumnFamily::kRecords, "unit-1", "a");
    batch.Put(ColumnFamily::kChanges, EncodeSequence(1), "c");
    ASSERT_TRUE((*storage)->WriteDurably(batch).ok());
  }
  auto storage = Storage::Open({dir.path()});
  ASSERT_TRUE(storage.ok()) << storage.status();
  auto value = (*storage)->Get(ColumnFamily::kRecords, "unit-1");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->value_or("<missing>"), "a");
  auto missing = (*storage)->Get(ColumnFamily::kRefs, "unit-1");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  auto last = (*storage)->LastKey(ColumnFamily::kChanges);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(DecodeSequence(last->value_or("")), 1u);
}

TEST(StorageTest, ScanStopsAtPrefixEndAndStartsAtStart) {
  testing::TempDir dir;
  auto storage = Storage::Open({dir.path()});
  ASSERT_TRUE(storage.ok());
  WriteBatch batch = (*storage)->NewWriteBatch();
  for (const char* key : {"person-1", "unit-1", "unit-2", "unit-3", "unitx"}) {
    batch.Put(ColumnFamily::kRecords, key, key);
  }
  ASSERT_TRUE((*storage)->WriteDurably(batch).ok());
  std::vector<std::string> seen;
  ASSERT_TRUE((*storage)
                  ->Scan(ColumnFamily::kRecords, "unit-", "unit-2",
                         [&](absl::string_view key, absl::string_view) {
                           seen.emplace_back(key);
                           return true;
                         })
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"unit-2", "unit-3"}));
}

TEST(StorageTest, SecondOpenOfTheSameDirectoryIsRefusedAsUnavailable) {
  testing::TempDir dir;
  auto first = Storage::Open({dir.path()});
  ASSERT_TRUE(first.ok());
  auto second = Storage::Open({dir.path()});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();
}

TEST(StorageTest, OtherFormatVersionIsRefused) {
  testing::TempDir dir;
  {
    auto storage = Storage::Open({dir.path()});
    ASSERT_TRUE(storage.ok());
    WriteBatch batch = (*storage)->NewWriteBatch();
    batch.Put(ColumnFamily::kMeta, kFormatVersionKey, "999");
    ASSERT_TRUE((*storage)->WriteDurably(batch).ok());
  }
  auto storage = Storage::Open({dir.path()});
  ASSERT_FALSE(storage.ok());
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(storage.status().message().find("format version 999"), absl::string_view::npos);
}

}  // namespace
}  // namespace sofdir::storage
