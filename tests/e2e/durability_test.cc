// Acknowledged writes survive kill -9: clients write while the server
// process is killed with SIGKILL; after a restart every write the server
// acknowledged is there. Also: SIGTERM shuts down cleanly.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/process.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir {
namespace {

namespace v1 = ::sof::directory::v1;

std::unique_ptr<v1::DirectoryService::Stub> Connect(const std::string& address) {
  return v1::DirectoryService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

grpc::Status Create(v1::DirectoryService::Stub& stub, const v1::Record& record) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::CreateRecordRequest request;
  *request.mutable_record() = record;
  v1::Record response;
  return stub.CreateRecord(&context, request, &response);
}

TEST(DurabilityTest, EveryAcknowledgedWriteSurvivesSigkill) {
  testing::TempDir dir;
  testing::ServerProcess server;
  ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, dir.Sub("data"))) << server.log();
  ASSERT_TRUE(Create(*Connect(server.address()), testing::MakeUnit("unit-1")).ok());

  std::mt19937 random(20261123);
  std::vector<std::string> acknowledged;
  std::mutex mu;
  int next_id = 0;
  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, address = server.address()] {
        auto stub = Connect(address);
        while (!stop.load()) {
          std::string id;
          {
            std::lock_guard<std::mutex> lock(mu);
            id = "person-" + std::to_string(next_id++);
          }
          if (Create(*stub, testing::MakePerson(id, "unit-1")).ok()) {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged.push_back(id);
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + random() % 300));
    EXPECT_EQ(server.Stop(SIGKILL), 128 + SIGKILL);
    stop = true;
    for (auto& t : writers) t.join();
    ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, dir.Sub("data"))) << server.log();
  }

  ASSERT_GT(acknowledged.size(), 20u) << "too few writes to prove anything";
  auto stub = Connect(server.address());
  int missing = 0;
  for (const std::string& id : acknowledged) {
    grpc::ClientContext context;
    v1::GetRecordRequest request;
    request.set_id(id);
    v1::Record record;
    if (!stub->GetRecord(&context, request, &record).ok()) ++missing;
  }
  EXPECT_EQ(missing, 0) << "of " << acknowledged.size() << " acknowledged writes";
  RecordProperty("acknowledged", static_cast<int>(acknowledged.size()));

  // Search, rebuilt at start-up, holds exactly the stored persons.
  std::set<std::string> stored;
  v1::ListRecordsRequest list;
  list.set_kind(v1::PERSON);
  list.set_page_size(1000);
  do {
    grpc::ClientContext context;
    v1::ListRecordsResponse page;
    ASSERT_TRUE(stub->ListRecords(&context, list, &page).ok());
    for (const auto& r : page.records()) stored.insert(r.person().id());
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  std::set<std::string> found;
  v1::SearchEntriesRequest search;
  search.add_kinds(v1::PERSON);
  search.set_page_size(100);
  do {
    grpc::ClientContext context;
    v1::SearchEntriesResponse page;
    ASSERT_TRUE(stub->SearchEntries(&context, search, &page).ok());
    for (const auto& r : page.results()) found.insert(r.id());
    search.set_page_token(page.next_page_token());
  } while (!search.page_token().empty());
  EXPECT_EQ(found, stored);
}

TEST(DurabilityTest, SigtermShutsDownCleanlyAndDataStays) {
  testing::TempDir dir;
  testing::ServerProcess server;
  ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, dir.Sub("data"))) << server.log();
  ASSERT_TRUE(Create(*Connect(server.address()), testing::MakeUnit("unit-1")).ok());
  EXPECT_EQ(server.Stop(SIGTERM), 0);
  EXPECT_THAT(server.log(), ::testing::HasSubstr("stopped cleanly"));
  ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, dir.Sub("data"))) << server.log();
  grpc::ClientContext context;
  v1::GetRecordRequest request;
  request.set_id("unit-1");
  v1::Record record;
  EXPECT_TRUE(Connect(server.address())->GetRecord(&context, request, &record).ok());
}

TEST(DurabilityTest, SecondServerOnTheSameDataDirectoryRefusesToStart) {
  testing::TempDir dir;
  testing::ServerProcess first, second;
  ASSERT_TRUE(first.Start(SOFDIR_SERVER_BINARY, dir.Sub("data"))) << first.log();
  EXPECT_FALSE(second.Start(SOFDIR_SERVER_BINARY, dir.Sub("data")));
  EXPECT_THAT(second.log(), ::testing::HasSubstr("another sofdir-server"));
}

}  // namespace
}  // namespace sofdir
