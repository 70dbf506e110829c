// Integration tests: the real server (ServerApp) on 127.0.0.1:0 with a real
// RocksDB directory, called through a real gRPC channel.
#include "server/api/server_app.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::api {
namespace {

using ::testing::HasSubstr;
namespace v1 = ::sof::directory::v1;

class ServerAppTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(""); }

  void Start(const std::string& demo) {
    ServerApp::Options options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.Sub("data");
    options.demo_data = demo;
    auto app = ServerApp::Start(options);
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    channel_ = grpc::CreateChannel(app_->address(), grpc::InsecureChannelCredentials());
    stub_ = v1::DirectoryService::NewStub(channel_);
  }

  std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return context;
  }

  grpc::Status Create(const v1::Record& record, v1::Record* out = nullptr) {
    v1::CreateRecordRequest request;
    *request.mutable_record() = record;
    v1::Record response;
    auto context = Context();
    grpc::Status status = stub_->CreateRecord(context.get(), request, &response);
    if (out != nullptr) *out = response;
    return status;
  }

  testing::TempDir dir_;
  std::unique_ptr<ServerApp> app_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::DirectoryService::Stub> stub_;
};

TEST_F(ServerAppTest, HealthIsServingThenNotServingDuringShutdown) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  auto context = Context();
  ASSERT_TRUE(health->Check(context.get(), request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  // A watcher sees the status turn NOT_SERVING as shutdown begins.
  auto watch_context = Context();
  auto watch = health->Watch(watch_context.get(), request);
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  std::thread shutdown([this] { app_->Shutdown(absl::Seconds(2)); });
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  watch_context->TryCancel();
  shutdown.join();
}

TEST_F(ServerAppTest, CrudThroughGrpcUsesCanonicalCodes) {
  ASSERT_TRUE(Create(testing::MakeUnit("unit-1")).ok());
  v1::Record tilbud;
  ASSERT_TRUE(Create(testing::MakeTilbud("tilbud-1", "unit-1"), &tilbud).ok());
  EXPECT_FALSE(tilbud.etag().empty());

  grpc::Status duplicate = Create(testing::MakeUnit("unit-1"));
  EXPECT_EQ(duplicate.error_code(), grpc::StatusCode::ALREADY_EXISTS);

  v1::Record bad = testing::MakeTilbud("tilbud-2", "unit-1");
  bad.mutable_tilbud()->set_age_min(50);
  bad.mutable_tilbud()->set_age_max(10);
  grpc::Status invalid = Create(bad);
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(invalid.error_message(), HasSubstr("tilbud.age_min"));

  v1::GetRecordRequest get;
  get.set_id("tilbud-2");
  v1::Record got;
  auto context = Context();
  EXPECT_EQ(stub_->GetRecord(context.get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::DeleteRecordRequest del;
  del.set_id("unit-1");
  google::protobuf::Empty empty;
  auto del_context = Context();
  grpc::Status referenced = stub_->DeleteRecord(del_context.get(), del, &empty);
  EXPECT_EQ(referenced.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(referenced.error_message(), HasSubstr("tilbud-1"));

  v1::UpdateRecordRequest update;
  *update.mutable_record() = tilbud;
  update.mutable_record()->set_etag("999");
  update.mutable_record()->mutable_tilbud()->set_free_places(1);
  v1::Record updated;
  auto update_context = Context();
  EXPECT_EQ(stub_->UpdateRecord(update_context.get(), update, &updated).error_code(),
            grpc::StatusCode::ABORTED);
}

TEST_F(ServerAppTest, ConcurrentCreatesFromManyClientsAllLandWithDistinctSequences) {
  ASSERT_TRUE(Create(testing::MakeUnit("unit-1")).ok());
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < 20; ++i) {
        if (Create(testing::MakePerson("person-" + std::to_string(c * 100 + i), "unit-1")).ok()) {
          ok.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 160);
  EXPECT_EQ(app_->directory().LastSequence(), 161u);
}

TEST_F(ServerAppTest, DemoIsLoadedOnceIntoAnEmptyDataDirectory) {
  app_.reset();
  Start(testing::SourceDir() + "/data/demo-directory.jsonl");
  v1::ListRecordsRequest request;
  request.set_kind(v1::PRAKTIK);
  request.set_page_size(1000);
  v1::ListRecordsResponse response;
  auto context = Context();
  ASSERT_TRUE(stub_->ListRecords(context.get(), request, &response).ok());
  EXPECT_GT(response.records_size(), 10);
  const uint64_t loaded = app_->directory().LastSequence();
  EXPECT_GT(loaded, 300u);
  app_.reset();
  Start(testing::SourceDir() + "/data/demo-directory.jsonl");
  EXPECT_EQ(app_->directory().LastSequence(), loaded);
}

std::vector<std::string> SearchIds(v1::DirectoryService::Stub& stub, const std::string& text) {
  v1::SearchEntriesRequest request;
  request.set_query(text);
  request.set_page_size(50);
  v1::SearchEntriesResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub.SearchEntries(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> ids;
  for (const auto& r : response.results()) ids.push_back(r.id());
  return ids;
}

TEST_F(ServerAppTest, NextSearchSeesEveryCreateUpdateAndDelete) {
  ASSERT_TRUE(Create(testing::MakeUnit("unit-1", "", "FriNoVa Frederiksberg")).ok());
  ASSERT_TRUE(Create(testing::MakePerson("person-1", "unit-1")).ok());
  // The person is found through its unit's name.
  EXPECT_THAT(SearchIds(*stub_, "frinova"), ::testing::Contains("person-1"));

  v1::UpdateRecordRequest rename;
  rename.mutable_record()->mutable_unit()->set_id("unit-1");
  rename.mutable_record()->mutable_unit()->set_name("Kløverhuset");
  rename.mutable_update_mask()->add_paths("name");
  v1::Record renamed;
  auto context = Context();
  ASSERT_TRUE(stub_->UpdateRecord(context.get(), rename, &renamed).ok());
  EXPECT_THAT(SearchIds(*stub_, "kloeverhuset"), ::testing::Contains("person-1"));
  EXPECT_THAT(SearchIds(*stub_, "frinova"), ::testing::Not(::testing::Contains("person-1")));

  v1::DeleteRecordRequest del;
  del.set_id("person-1");
  google::protobuf::Empty empty;
  auto del_context = Context();
  ASSERT_TRUE(stub_->DeleteRecord(del_context.get(), del, &empty).ok());
  EXPECT_THAT(SearchIds(*stub_, "kloeverhuset"), ::testing::ElementsAre("unit-1"));
}

TEST_F(ServerAppTest, UpdateIdMustNameTheRecordInTheBody) {
  ASSERT_TRUE(Create(testing::MakeUnit("unit-1", "", "Kløverhuset")).ok());
  ASSERT_TRUE(Create(testing::MakeUnit("unit-2", "", "Fristedet")).ok());
  v1::UpdateRecordRequest rename;
  rename.set_id("unit-1");
  rename.mutable_record()->mutable_unit()->set_id("unit-2");
  rename.mutable_record()->mutable_unit()->set_name("Omdøbt");
  rename.mutable_update_mask()->add_paths("name");
  v1::Record renamed;
  auto context = Context();
  grpc::Status status = stub_->UpdateRecord(context.get(), rename, &renamed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              ::testing::HasSubstr("id: \"unit-1\" differs from record.unit.id \"unit-2\""));
  EXPECT_EQ(app_->directory().Get("unit-2")->unit().name(), "Fristedet");

  rename.set_id("unit-2");  // the same id: updated
  auto same_context = Context();
  ASSERT_TRUE(stub_->UpdateRecord(same_context.get(), rename, &renamed).ok());
  EXPECT_EQ(renamed.unit().name(), "Omdøbt");
}

TEST_F(ServerAppTest, SearchIndexIsRebuiltFromStorageOnRestart) {
  ASSERT_TRUE(Create(testing::MakeUnit("unit-1", "", "Værestedet Fristedet")).ok());
  app_.reset();
  Start("");
  EXPECT_THAT(SearchIds(*stub_, "vaerestedet fristedet"), ::testing::ElementsAre("unit-1"));
}

TEST_F(ServerAppTest, BadSearchInputIsInvalidArgumentNamingTheProblem) {
  v1::SearchEntriesRequest request;
  request.set_query(std::string(10 * 1024, 'a'));
  v1::SearchEntriesResponse response;
  auto context = Context();
  grpc::Status long_query = stub_->SearchEntries(context.get(), request, &response);
  EXPECT_EQ(long_query.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  request.set_query("botilbud");
  request.set_filter("colour = \"red\"");
  auto filter_context = Context();
  grpc::Status bad_filter = stub_->SearchEntries(filter_context.get(), request, &response);
  EXPECT_EQ(bad_filter.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad_filter.error_message(), HasSubstr("colour"));

  request.clear_filter();
  request.set_page_token("garbage");
  auto token_context = Context();
  grpc::Status bad_token = stub_->SearchEntries(token_context.get(), request, &response);
  EXPECT_EQ(bad_token.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad_token.error_message(), HasSubstr("page_token"));
}

// Issue 11, point 1: a record of another kind than the stored one, with an
// update mask, aborted the server.
TEST_F(ServerAppTest, UpdateWithARecordOfAnotherKindIsInvalidArgumentAndTheServerLivesOn) {
  ASSERT_TRUE(Create(testing::MakeUnit("unit-1")).ok());
  v1::UpdateRecordRequest request;
  *request.mutable_record() = testing::MakeTilbud("unit-1", "unit-1");
  request.mutable_update_mask()->add_paths("name");
  v1::Record response;
  auto context = Context();
  grpc::Status status = stub_->UpdateRecord(context.get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("a tilbud cannot update unit-1, which is a unit"));

  request.mutable_update_mask()->set_paths(0, "address.");
  *request.mutable_record() = testing::MakeUnit("unit-1");
  auto mask_context = Context();
  status = stub_->UpdateRecord(mask_context.get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("update_mask: \"address.\""));

  v1::GetRecordRequest get;
  get.set_id("unit-1");
  auto get_context = Context();
  ASSERT_TRUE(stub_->GetRecord(get_context.get(), get, &response).ok()) << "still serving";
  EXPECT_EQ(response.unit().name(), "Enhed unit-1");
}

}  // namespace
}  // namespace sofdir::api
