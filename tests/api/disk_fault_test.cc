// The real server (ServerApp) on a disk that fails, through a
// fault-injecting file system: what a gRPC caller sees when the disk is
// full or cannot sync, and that the server goes on serving.
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "server/api/server_app.h"
#include "server/storage/fault_file_system.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::api {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::HasSubstr;
using Fault = storage::FaultFileSystem::Fault;

class DiskFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerApp::Options options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.Sub("data");
    options.file_system = fs_;
    auto app = ServerApp::Start(options);
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    stub_ = v1::DirectoryService::NewStub(
        grpc::CreateChannel(app_->address(), grpc::InsecureChannelCredentials()));
    ASSERT_TRUE(Create(testing::MakeUnit("unit-1", "", "Rådgivningen Nord")).ok());
  }

  std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return context;
  }

  grpc::Status Create(const v1::Record& record) {
    v1::CreateRecordRequest request;
    *request.mutable_record() = record;
    v1::Record response;
    return stub_->CreateRecord(Context().get(), request, &response);
  }

  grpc::Status Get(const std::string& id) {
    v1::GetRecordRequest request;
    request.set_id(id);
    v1::Record response;
    return stub_->GetRecord(Context().get(), request, &response);
  }

  std::set<std::string> Found(const std::string& query) {
    v1::SearchEntriesRequest request;
    request.set_query(query);
    v1::SearchEntriesResponse response;
    grpc::Status status = stub_->SearchEntries(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::set<std::string> ids;
    for (const auto& result : response.results()) ids.insert(result.id());
    return ids;
  }

  testing::TempDir dir_;
  std::shared_ptr<storage::FaultFileSystem> fs_ = std::make_shared<storage::FaultFileSystem>();
  std::unique_ptr<ServerApp> app_;
  std::unique_ptr<v1::DirectoryService::Stub> stub_;
};

TEST_F(DiskFaultTest, FullDiskIsResourceExhaustedSayingSoWhileReadsAndSearchesGoOn) {
  fs_->SetFault(Fault::kNoSpace);
  grpc::Status full = Create(testing::MakeUnit("unit-2", "unit-1", "Rådgivningen Syd"));
  EXPECT_EQ(full.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << full.error_message();
  EXPECT_THAT(full.error_message(), HasSubstr("disk is full"));
  EXPECT_TRUE(Get("unit-1").ok());
  EXPECT_EQ(Found("Rådgivningen"), (std::set<std::string>{"unit-1"}));

  fs_->SetFault(Fault::kNone);
  grpc::Status resumed;
  for (int i = 0; i < 300; ++i) {
    resumed = Create(testing::MakeUnit("unit-2", "unit-1", "Rådgivningen Syd"));
    if (resumed.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(resumed.ok()) << resumed.error_message();
  EXPECT_EQ(Found("Rådgivningen"), (std::set<std::string>{"unit-1", "unit-2"}));
}

TEST_F(DiskFaultTest, FailedSyncIsUnavailableSayingToReadBackAndSearchAgreesAfterRecovery) {
  fs_->SetFault(Fault::kSyncFails);
  grpc::Status failed = Create(testing::MakeUnit("unit-2", "unit-1", "Rådgivningen Syd"));
  EXPECT_EQ(failed.error_code(), grpc::StatusCode::UNAVAILABLE) << failed.error_message();
  EXPECT_THAT(failed.error_message(), HasSubstr("may or may not be stored"));
  EXPECT_THAT(failed.error_message(), HasSubstr("read it back"));
  EXPECT_EQ(Found("Rådgivningen"), (std::set<std::string>{"unit-1"}));
  // Reading it back answers the question.
  EXPECT_TRUE(Get("unit-2").ok());

  fs_->SetFault(Fault::kNone);
  ASSERT_TRUE(Create(testing::MakeUnit("unit-3", "unit-1", "Rådgivningen Vest")).ok());
  EXPECT_EQ(Found("Rådgivningen"), (std::set<std::string>{"unit-1", "unit-2", "unit-3"}));
}

}  // namespace
}  // namespace sofdir::api
