// Start-up of the real sofdir-server binary: one server per port; a damaged
// data directory stops start-up with DATA_LOSS (and no demo is loaded into
// it); `sofdir-server --verify` checks a directory without serving.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "server/storage/key_codec.h"
#include "server/storage/storage.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/files.h"
#include "tests/testing/process.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::HasSubstr;
using ::testing::Not;

std::unique_ptr<v1::DirectoryService::Stub> Connect(const std::string& address) {
  return v1::DirectoryService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

grpc::Status Create(v1::DirectoryService::Stub& stub, const v1::Record& record) {
  v1::CreateRecordRequest request;
  *request.mutable_record() = record;
  v1::Record response;
  return stub.CreateRecord(Context().get(), request, &response);
}

grpc::Status Get(v1::DirectoryService::Stub& stub, const std::string& id) {
  v1::GetRecordRequest request;
  request.set_id(id);
  v1::Record response;
  return stub.GetRecord(Context().get(), request, &response);
}

std::string Largest(const std::vector<std::string>& files) {
  std::string largest;
  for (const std::string& f : files) {
    if (largest.empty() || testing::FileSize(f) > testing::FileSize(largest)) largest = f;
  }
  return largest;
}

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> names;
  for (const std::string& f : testing::FilesNamed(dir, "")) {
    std::string name = std::filesystem::path(f).filename().string();
    if (name.rfind("LOG", 0) != 0) names.push_back(name);  // RocksDB's info log may rotate
  }
  return names;
}

TEST(StartupTest, SecondServerOnAPortInUseExitsNamingTheAddressAndTheFirstStillAnswers) {
  testing::TempDir dir;
  testing::ServerProcess first, second;
  ASSERT_TRUE(first.Start(SOFDIR_SERVER_BINARY, dir.Sub("first"))) << first.log();
  auto stub = Connect(first.address());
  ASSERT_TRUE(Create(*stub, testing::MakeUnit("unit-1")).ok());

  EXPECT_FALSE(second.Start(SOFDIR_SERVER_BINARY, dir.Sub("second"), {}, first.address()))
      << "a second server started on " << first.address();
  EXPECT_NE(second.exit_code(), 0);
  EXPECT_THAT(second.log(), HasSubstr("cannot bind " + first.address()));
  EXPECT_THAT(second.log(), HasSubstr("in use"));

  // Every call still reaches the first server and its directory.
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(Get(*Connect(first.address()), "unit-1").ok()) << "call " << i;
  }
}

class DamagedStartTest : public ::testing::Test {
 protected:
  // 200 acknowledged writes, then kill -9: they are in the write-ahead log.
  void WriteAndKill() {
    testing::ServerProcess server;
    ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, data_)) << server.log();
    auto stub = Connect(server.address());
    ASSERT_TRUE(Create(*stub, testing::MakeUnit("unit-1")).ok());
    for (int i = 0; i < 199; ++i) {
      ASSERT_TRUE(Create(*stub, testing::MakePerson("person-" + std::to_string(i), "unit-1")).ok());
    }
    ASSERT_EQ(server.Stop(SIGKILL), 128 + SIGKILL);
  }

  testing::TempDir dir_;
  std::string data_ = dir_.Sub("data");
};

TEST_F(DamagedStartTest, DamagedLogStopsStartUpWithDataLossAndNoDemoIsLoaded) {
  ASSERT_NO_FATAL_FAILURE(WriteAndKill());
  const std::string log = Largest(testing::FilesNamed(data_, ".log"));
  ASSERT_FALSE(log.empty());
  testing::OverwriteBytes(log, testing::FileSize(log) / 2, 64);
  const std::vector<std::string> before = Names(data_);

  testing::ServerProcess server;
  EXPECT_FALSE(server.Start(SOFDIR_SERVER_BINARY, data_,
                            {"--demo-data", testing::SourceDir() + "/data/demo-directory.jsonl"}))
      << "served a damaged directory";
  EXPECT_EQ(server.exit_code(), 1);
  const std::string name = std::filesystem::path(log).filename().string();
  EXPECT_THAT(server.log(), HasSubstr("DATA_LOSS"));
  EXPECT_THAT(server.log(), HasSubstr(name));
  EXPECT_THAT(server.log(), HasSubstr("restore"));
  EXPECT_THAT(server.log(), Not(HasSubstr("demo records")));
  // Nothing was written or deleted: the damaged files are there for a rescue.
  EXPECT_EQ(Names(data_), before);

  testing::CommandResult verify =
      testing::RunCommand({SOFDIR_SERVER_BINARY, "--verify", "--data-dir", data_});
  EXPECT_EQ(verify.exit_code, 1) << verify.out << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("DAMAGED"));
  EXPECT_THAT(verify.out, HasSubstr(name));
}

TEST_F(DamagedStartTest, MissingCurrentFileStopsStartUpInsteadOfServingAnEmptyDirectory) {
  ASSERT_NO_FATAL_FAILURE(WriteAndKill());
  std::filesystem::remove(data_ + "/CURRENT");
  testing::ServerProcess server;
  EXPECT_FALSE(server.Start(SOFDIR_SERVER_BINARY, data_,
                            {"--demo-data", testing::SourceDir() + "/data/demo-directory.jsonl"}));
  EXPECT_EQ(server.exit_code(), 1);
  EXPECT_THAT(server.log(), HasSubstr("DATA_LOSS"));
  EXPECT_THAT(server.log(), HasSubstr("CURRENT"));
  EXPECT_FALSE(std::filesystem::exists(data_ + "/CURRENT"));
}

TEST(VerifyTest, SoundDirectoryIsReportedSoundWithExitZero) {
  testing::TempDir dir;
  {
    testing::ServerProcess server;
    ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, dir.Sub("data"))) << server.log();
    auto stub = Connect(server.address());
    ASSERT_TRUE(Create(*stub, testing::MakeUnit("unit-1")).ok());
    ASSERT_TRUE(Create(*stub, testing::MakePerson("person-1", "unit-1")).ok());
    EXPECT_EQ(server.Stop(SIGTERM), 0);
  }
  testing::CommandResult verify =
      testing::RunCommand({SOFDIR_SERVER_BINARY, "--verify", "--data-dir", dir.Sub("data")});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("2 records"));
  EXPECT_THAT(verify.out, HasSubstr("2 changes"));
  EXPECT_THAT(verify.out, HasSubstr("sound"));
  EXPECT_THAT(verify.out, Not(HasSubstr("listening")));
}

TEST(VerifyTest, FlippedTableBytesAndBrokenInvariantsAreReportedWithExitOne) {
  testing::TempDir dir;
  const std::string data = dir.Sub("data");
  {
    testing::ServerProcess server;
    ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, data)) << server.log();
    auto stub = Connect(server.address());
    ASSERT_TRUE(Create(*stub, testing::MakeUnit("unit-1")).ok());
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(Create(*stub, testing::MakePerson("person-" + std::to_string(i), "unit-1")).ok());
    }
    EXPECT_EQ(server.Stop(SIGTERM), 0);  // flushes into table files
  }
  {
    // A reference index entry lost.
    storage::Storage::Options options;
    options.path = data;
    auto storage = storage::Storage::Open(options);
    ASSERT_TRUE(storage.ok()) << storage.status();
    storage::WriteBatch batch = (*storage)->NewWriteBatch();
    batch.Delete(storage::ColumnFamily::kRefs, storage::RefKey("unit-1", "person-7"));
    ASSERT_TRUE((*storage)->WriteDurably(batch).ok());
  }
  testing::CommandResult verify =
      testing::RunCommand({SOFDIR_SERVER_BINARY, "--verify", "--data-dir", data});
  EXPECT_EQ(verify.exit_code, 1) << verify.out << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("person-7 refers to unit-1"));

  const std::string table = Largest(testing::FilesNamed(data, ".sst"));
  ASSERT_FALSE(table.empty());
  testing::FlipBytes(table, 64, 32);
  verify = testing::RunCommand({SOFDIR_SERVER_BINARY, "--verify", "--data-dir", data});
  EXPECT_EQ(verify.exit_code, 1) << verify.out << verify.err;
  EXPECT_THAT(verify.out, HasSubstr(std::filesystem::path(table).filename().string()));
}

}  // namespace
}  // namespace sofdir
