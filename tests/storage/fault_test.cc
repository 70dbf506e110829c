// Storage on a failing disk, through FaultFileSystem: a full disk and a
// failing fsync are errors the caller sees, never a crash (Debian's RocksDB
// asserts when a file writer is used after a write error), and writes
// resume by themselves once the disk recovers.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/storage/fault_file_system.h"
#include "server/storage/storage.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::storage {
namespace {

using ::testing::HasSubstr;
using Fault = FaultFileSystem::Fault;

class StorageFaultTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::unique_ptr<Storage>> OpenStorage() {
    Storage::Options options;
    options.path = dir_.Sub("data");
    options.file_system = fs_;
    options.write_buffer_bytes = 4 << 20;
    return Storage::Open(options);
  }

  absl::Status Put(Storage& storage, const std::string& key) {
    WriteBatch batch = storage.NewWriteBatch();
    batch.Put(ColumnFamily::kRecords, key, "value of " + key);
    return storage.WriteDurably(batch);
  }

  static std::optional<std::string> Read(Storage& storage, const std::string& key) {
    auto value = storage.Get(ColumnFamily::kRecords, key);
    EXPECT_TRUE(value.ok()) << value.status();
    return value.ok() ? *value : std::nullopt;
  }

  // Writes `key` until it succeeds or `seconds` pass.
  absl::Status PutWithin(Storage& storage, const std::string& key, int seconds) {
    absl::Status status;
    for (int i = 0; i < seconds * 10; ++i) {
      status = Put(storage, key);
      if (status.ok()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return status;
  }

  testing::TempDir dir_;
  std::shared_ptr<FaultFileSystem> fs_ = std::make_shared<FaultFileSystem>();
};

TEST_F(StorageFaultTest, FullDiskFailsWritesWithResourceExhaustedReadsGoOnWritesResume) {
  auto storage = OpenStorage();
  ASSERT_TRUE(storage.ok()) << storage.status();
  ASSERT_TRUE(Put(**storage, "before").ok());

  fs_->SetFault(Fault::kNoSpace);
  for (int i = 0; i < 5; ++i) {
    absl::Status full = Put(**storage, absl::StrCat("while-full-", i));
    EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted) << full;
    EXPECT_THAT(full.message(), HasSubstr("disk is full"));
    EXPECT_THAT(full.message(), HasSubstr(dir_.Sub("data")));
  }
  EXPECT_GT(fs_->failures(), 0);
  // Reads and scans go on.
  EXPECT_EQ(Read(**storage, "before"), "value of before");
  int seen = 0;
  EXPECT_TRUE((*storage)
                  ->Scan(ColumnFamily::kRecords, "", "",
                         [&](absl::string_view, absl::string_view) { return ++seen; })
                  .ok());
  EXPECT_EQ(seen, 1);

  // Space freed: RocksDB resumes by itself (it checks every 5 seconds).
  fs_->SetFault(Fault::kNone);
  ASSERT_TRUE(PutWithin(**storage, "after", 30).ok());
  ASSERT_TRUE(Put(**storage, "after-2").ok());
  storage->reset();

  auto reopened = OpenStorage();
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(Read(**reopened, "before"), "value of before");
  EXPECT_EQ(Read(**reopened, "after"), "value of after");
  EXPECT_EQ(Read(**reopened, "after-2"), "value of after-2");
  EXPECT_EQ(Read(**reopened, "while-full-0"), std::nullopt);
}

TEST_F(StorageFaultTest, ConcurrentWritersSurviveTheDiskFillingUpAndFreeingAgain) {
  auto storage = OpenStorage();
  ASSERT_TRUE(storage.ok()) << storage.status();
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, full{0}, other{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop.load(); ++i) {
        absl::Status status = Put(**storage, absl::StrCat("w", w, "-", i));
        if (status.ok()) {
          ++ok;
        } else if (absl::IsResourceExhausted(status)) {
          ++full;
        } else {
          ++other;
          ADD_FAILURE() << status;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  fs_->SetFault(Fault::kNoSpace);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  fs_->SetFault(Fault::kNone);
  const int ok_before = ok.load();
  for (int i = 0; i < 300 && ok.load() == ok_before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop = true;
  for (std::thread& t : writers) t.join();
  EXPECT_GT(full.load(), 0);
  EXPECT_GT(ok.load(), ok_before) << "writes did not resume after space was freed";
  EXPECT_EQ(other.load(), 0);
}

TEST_F(StorageFaultTest, RestartOnAFullDiskServesReadsAndRefusesWritesNamingTheDisk) {
  {
    auto storage = OpenStorage();
    ASSERT_TRUE(storage.ok()) << storage.status();
    ASSERT_TRUE(Put(**storage, "kept").ok());
  }
  fs_->SetFault(Fault::kNoSpace);
  auto storage = OpenStorage();
  ASSERT_TRUE(storage.ok()) << storage.status();
  EXPECT_TRUE((*storage)->read_only());
  EXPECT_EQ(Read(**storage, "kept"), "value of kept");
  absl::Status refused = Put(**storage, "new");
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("full"));
  EXPECT_THAT(refused.message(), HasSubstr(dir_.Sub("data")));
  // It still holds the directory: a second server cannot open it.
  fs_->SetFault(Fault::kNone);
  auto second = OpenStorage();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();

  storage->reset();
  auto writable = OpenStorage();
  ASSERT_TRUE(writable.ok()) << writable.status();
  EXPECT_FALSE((*writable)->read_only());
  EXPECT_TRUE(Put(**writable, "new").ok());
  EXPECT_EQ(Read(**writable, "kept"), "value of kept");
}

TEST_F(StorageFaultTest, FailedSyncSaysTheWriteMayOrMayNotBeStoredAndWritesResumeAfter) {
  auto storage = OpenStorage();
  ASSERT_TRUE(storage.ok()) << storage.status();
  ASSERT_TRUE(Put(**storage, "a").ok());

  fs_->SetFault(Fault::kSyncFails);
  WriteBatch b = (*storage)->NewWriteBatch();
  b.Put(ColumnFamily::kRecords, "b", "value of b");
  auto ticket = (*storage)->Write(b);
  ASSERT_TRUE(ticket.ok()) << ticket.status();
  absl::Status failed = (*storage)->WaitDurable(*ticket);
  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << failed;
  EXPECT_THAT(failed.message(), HasSubstr("may or may not be stored"));
  EXPECT_THAT(failed.message(), HasSubstr("read it back"));
  // RocksDB cannot take back an applied write: reads see it.
  EXPECT_EQ(Read(**storage, "b"), "value of b");
  // New writes are refused while the disk cannot sync; nothing is applied.
  absl::Status stopped = Put(**storage, "c");
  EXPECT_EQ(stopped.code(), absl::StatusCode::kUnavailable) << stopped;
  EXPECT_THAT(stopped.message(), HasSubstr("writes are stopped"));
  EXPECT_EQ(Read(**storage, "c"), std::nullopt);

  // The disk works again: the next write makes everything durable.
  fs_->SetFault(Fault::kNone);
  ASSERT_TRUE(Put(**storage, "d").ok());
  EXPECT_TRUE((*storage)->WaitDurable(*ticket).ok()) << "b became durable after all";
  storage->reset();
  auto reopened = OpenStorage();
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(Read(**reopened, "a"), "value of a");
  EXPECT_EQ(Read(**reopened, "b"), "value of b");
  EXPECT_EQ(Read(**reopened, "c"), std::nullopt);
  EXPECT_EQ(Read(**reopened, "d"), "value of d");
}

TEST_F(StorageFaultTest, WritesStayStoppedWhileTheDiskStillCannotSync) {
  auto storage = OpenStorage();
  ASSERT_TRUE(storage.ok()) << storage.status();
  fs_->SetFault(Fault::kSyncFails);
  EXPECT_FALSE(Put(**storage, "x").ok());
  for (int i = 0; i < 3; ++i) {
    absl::Status stopped = Put(**storage, absl::StrCat("y", i));
    EXPECT_EQ(stopped.code(), absl::StatusCode::kUnavailable) << stopped;
  }
  fs_->SetFault(Fault::kNone);
  EXPECT_TRUE(Put(**storage, "z").ok());
}

// What a power failure leaves: every file cut to what a sync covered. Every
// acknowledged write is still there (Storage syncs the log itself).
TEST_F(StorageFaultTest, AcknowledgedWritesSurviveLosingEverythingNotSynced) {
  auto storage = OpenStorage();
  ASSERT_TRUE(storage.ok()) << storage.status();
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 50; ++i) EXPECT_TRUE(Put(**storage, absl::StrCat("w", w, "-", i)).ok());
    });
  }
  for (std::thread& t : writers) t.join();
  WriteBatch unacknowledged = (*storage)->NewWriteBatch();
  unacknowledged.Put(ColumnFamily::kRecords, "not-synced", std::string(5000, 'x'));
  ASSERT_TRUE((*storage)->Write(unacknowledged).ok());

  const std::string data = dir_.Sub("data"), after = dir_.Sub("after-power-loss");
  std::filesystem::copy(data, after, std::filesystem::copy_options::recursive);
  int cut = 0;
  for (const auto& [file, synced] : fs_->SyncedSizes()) {
    const std::string copy = after + file.substr(data.size());
    if (file.rfind(data, 0) != 0 || !std::filesystem::exists(copy)) continue;
    if (std::filesystem::file_size(copy) > synced) {
      std::filesystem::resize_file(copy, synced);
      ++cut;
    }
  }
  EXPECT_GT(cut, 0) << "nothing was unsynced; the test proves nothing";
  Storage::Options options;
  options.path = after;
  auto recovered = Storage::Open(options);
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  for (int w = 0; w < 4; ++w) {
    for (int i = 0; i < 50; ++i) {
      const std::string key = absl::StrCat("w", w, "-", i);
      EXPECT_EQ(Read(**recovered, key), "value of " + key);
    }
  }
}

}  // namespace
}  // namespace sofdir::storage
