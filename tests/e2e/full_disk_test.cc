// The real sofdir-server on a really full disk: a small tmpfs filled up with
// a file. Writes fail with RESOURCE_EXHAUSTED saying the disk is full, reads
// and searches go on, writes resume by themselves once space is freed, a
// restart on the full disk serves reads, and the process never crashes.
// Needs root (to mount the tmpfs); skipped otherwise. The deterministic
// version of these cases, through a fault-injecting file system, runs
// everywhere (tests/storage/fault_test.cc, tests/domain, tests/api).
#include <signal.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/process.h"
#include "tests/testing/records.h"
#include "tests/testing/small_disk.h"
#include "tests/testing/temp_dir.h"

namespace sofdir {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::HasSubstr;

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = disk_.Mount(96); !why.empty()) GTEST_SKIP() << why;
  }
  void TearDown() override { server_.Stop(SIGKILL); }

  void Fill() { disk_.Fill(); }

  // A unit below unit-1 with a description of `description_bytes`.
  grpc::Status Create(const std::string& id, int description_bytes = 0) {
    v1::CreateRecordRequest request;
    *request.mutable_record() = testing::MakeUnit(id, "unit-1");
    request.mutable_record()->mutable_unit()->set_description(std::string(description_bytes, 'x'));
    v1::Record response;
    return stub_->CreateRecord(Context().get(), request, &response);
  }

  grpc::Status Get(const std::string& id) {
    v1::GetRecordRequest request;
    request.set_id(id);
    v1::Record response;
    return stub_->GetRecord(Context().get(), request, &response);
  }

  int Searched(const std::string& query) {
    v1::SearchEntriesRequest request;
    request.set_query(query);
    v1::SearchEntriesResponse response;
    grpc::Status status = stub_->SearchEntries(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.results_size();
  }

  bool Alive() const { return server_.pid() > 0 && kill(server_.pid(), 0) == 0; }

  void Connect() {
    stub_ = v1::DirectoryService::NewStub(
        grpc::CreateChannel(server_.address(), grpc::InsecureChannelCredentials()));
  }

  testing::TempDir dir_;
  testing::SmallDisk disk_{dir_.Sub("disk")};
  std::string data_ = disk_.Sub("data");
  testing::ServerProcess server_;
  std::unique_ptr<v1::DirectoryService::Stub> stub_;
};

TEST_F(FullDiskTest, WritesFailAsResourceExhaustedReadsGoOnWritesResumeAndRestartServesReads) {
  ASSERT_TRUE(server_.Start(SOFDIR_SERVER_BINARY, data_)) << server_.log();
  Connect();
  {
    v1::CreateRecordRequest request;
    *request.mutable_record() = testing::MakeUnit("unit-1", "", "Rådgivningen Nord");
    v1::Record response;
    ASSERT_TRUE(stub_->CreateRecord(Context().get(), request, &response).ok());
  }
  ASSERT_TRUE(Create("unit-0").ok());

  Fill();
  // RocksDB preallocates its log: write until the disk really refuses.
  grpc::Status full;
  int written = 0;
  for (; written < 20000; ++written) {
    full = Create("unit-full-" + std::to_string(written), 8000);
    if (!full.ok()) break;
  }
  ASSERT_FALSE(full.ok()) << "the disk never filled";
  EXPECT_EQ(full.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << full.error_message();
  EXPECT_THAT(full.error_message(), HasSubstr("disk is full"));
  ASSERT_TRUE(Alive()) << server_.log();
  // More writes fail the same way; reads and searches go on.
  for (int i = 0; i < 5; ++i) {
    grpc::Status again = Create("unit-again-" + std::to_string(i));
    EXPECT_EQ(again.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << again.error_message();
  }
  EXPECT_TRUE(Get("unit-1").ok());
  EXPECT_GT(Searched("Rådgivningen"), 0);

  // Space freed: writes resume by themselves.
  disk_.Free();
  grpc::Status resumed;
  for (int i = 0; i < 300; ++i) {
    resumed = Create("unit-after");
    if (resumed.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(resumed.ok()) << resumed.error_message();
  ASSERT_TRUE(Alive()) << server_.log();

  // Full again, and a restart: reads are served, writes refused.
  Fill();
  for (int i = 0; i < 20000 && Create("unit-refill-" + std::to_string(i), 8000).ok(); ++i) {
  }
  EXPECT_EQ(server_.Stop(SIGKILL), 128 + SIGKILL);
  ASSERT_TRUE(server_.Start(SOFDIR_SERVER_BINARY, data_)) << server_.log();
  Connect();
  EXPECT_TRUE(Get("unit-1").ok());
  EXPECT_TRUE(Get("unit-after").ok());
  EXPECT_GT(Searched("Rådgivningen"), 0);
  grpc::Status refused = Create("unit-read-only");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  EXPECT_THAT(refused.error_message(), HasSubstr("full"));
  EXPECT_EQ(server_.Stop(SIGTERM), 0) << server_.log();

  // Space freed and restarted: writable again, nothing lost, nothing damaged.
  disk_.Free();
  ASSERT_TRUE(server_.Start(SOFDIR_SERVER_BINARY, data_)) << server_.log();
  Connect();
  EXPECT_TRUE(Create("unit-writable-again").ok());
  EXPECT_TRUE(Get("unit-after").ok());
  EXPECT_EQ(server_.Stop(SIGTERM), 0) << server_.log();
  testing::CommandResult verify =
      testing::RunCommand({SOFDIR_SERVER_BINARY, "--verify", "--data-dir", data_});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(FullDiskTest, ConcurrentWritersOnADiskThatFillsAndFreesThreeTimesNeverCrashIt) {
  ASSERT_TRUE(server_.Start(SOFDIR_SERVER_BINARY, data_)) << server_.log();
  Connect();
  {
    v1::CreateRecordRequest request;
    *request.mutable_record() = testing::MakeUnit("unit-1");
    v1::Record response;
    ASSERT_TRUE(stub_->CreateRecord(Context().get(), request, &response).ok());
  }
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, full{0};
  std::vector<std::string> unexpected;
  std::mutex mu;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop.load(); ++i) {
        grpc::Status status = Create("unit-w" + std::to_string(w) + "-" + std::to_string(i), 8000);
        if (status.ok()) {
          ++ok;
        } else if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
          ++full;
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        } else {
          std::lock_guard<std::mutex> lock(mu);
          unexpected.push_back(status.error_message());
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      }
    });
  }
  for (int round = 0; round < 3; ++round) {
    Fill();
    const int full_before = full.load();
    for (int i = 0; i < 300 && full.load() == full_before; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_GT(full.load(), full_before) << "round " << round << ": the disk never filled";
    disk_.Free();
    const int ok_before = ok.load();
    for (int i = 0; i < 300 && ok.load() == ok_before; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_GT(ok.load(), ok_before) << "round " << round << ": writes did not resume";
    ASSERT_TRUE(Alive()) << server_.log();
  }
  stop = true;
  for (std::thread& t : writers) t.join();
  EXPECT_TRUE(unexpected.empty()) << unexpected.size() << " unexpected errors, first: "
                                  << (unexpected.empty() ? "" : unexpected[0]);
  EXPECT_EQ(server_.Stop(SIGTERM), 0) << server_.log();
  testing::CommandResult verify =
      testing::RunCommand({SOFDIR_SERVER_BINARY, "--verify", "--data-dir", data_});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

}  // namespace
}  // namespace sofdir
