// Demo data goes only into a directory that has never held data, never
// because one reads as empty.
#include "server/domain/demo_loader.h"

#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "server/storage/key_codec.h"
#include "tests/domain/directory_fixture.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::domain {
namespace {

class DemoIntoNewDirectoryTest : public DirectoryFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDirectory());
    // The shipped demo's first record (the root unit, unit-0001).
    std::ifstream shipped(testing::SourceDir() + "/data/demo-directory.jsonl");
    std::string first;
    ASSERT_TRUE(std::getline(shipped, first));
    std::ofstream(demo_) << first << "\n";
  }

  absl::StatusOr<DemoLoadResult> Load() {
    return LoadDemoIfNew(*directory_, *storage_, demo_, absl::CivilDay(2026, 1, 5));
  }

  std::string demo_ = dir_.Sub("demo.jsonl");
};

TEST_F(DemoIntoNewDirectoryTest, LoadsIntoANewDirectoryOnce) {
  auto loaded = Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(loaded->loaded);
  EXPECT_EQ(loaded->records, 1);
  EXPECT_TRUE(directory_->Get("unit-0001").ok());
  ASSERT_NO_FATAL_FAILURE(OpenDirectory());  // restart
  auto again = Load();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->loaded);
}

TEST_F(DemoIntoNewDirectoryTest, DirectoryWhoseRecordsWereAllDeletedGetsNoDemo) {
  ASSERT_TRUE(directory_->Create(testing::MakeUnit("unit-1")).ok());
  ASSERT_TRUE(directory_->Delete("unit-1").ok());
  ASSERT_NO_FATAL_FAILURE(OpenDirectory());  // restart, as the server would
  auto loaded = Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_FALSE(loaded->loaded);
  EXPECT_NE(loaded->not_loaded_because.find("has held data"), std::string::npos)
      << loaded->not_loaded_because;
  EXPECT_EQ(directory_->Get("unit-0001").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(DemoIntoNewDirectoryTest, DirectoryNotCreatedEmptyGetsNoDemoEvenWhenItReadsEmpty) {
  // As a directory looks whose record files are gone, or one from before
  // directories recorded their creation.
  storage::WriteBatch batch = storage_->NewWriteBatch();
  batch.Delete(storage::ColumnFamily::kMeta, storage::kCreatedKey);
  ASSERT_TRUE(storage_->WriteDurably(batch).ok());
  ASSERT_NO_FATAL_FAILURE(OpenDirectory());
  auto loaded = Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_FALSE(loaded->loaded);
  EXPECT_EQ(directory_->Get("unit-0001").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace sofdir::domain
