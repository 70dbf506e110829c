// The change feed as another system uses it: a watcher keeps a replica
// while several clients write and the server restarts midway; the replica
// ends equal to an export of the server.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "server/model/record_util.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/process.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir {
namespace {

namespace v1 = ::sof::directory::v1;

constexpr int kWrites = 10000;
constexpr int kWriters = 4;

std::unique_ptr<v1::DirectoryService::Stub> Connect(const std::string& address, int id) {
  grpc::ChannelArguments args;
  args.SetInt("sofdir.test_channel", id);
  return v1::DirectoryService::NewStub(
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
}

// Applies changes to an in-memory copy; remembers the last sequence.
class Replica {
 public:
  // False when a change arrives out of order or twice.
  bool Apply(const v1::Change& change) {
    std::lock_guard<std::mutex> lock(mu_);
    if (change.sequence() != last_ + 1) {
      ADD_FAILURE() << "got sequence " << change.sequence() << " after " << last_;
      return false;
    }
    last_ = change.sequence();
    if (change.has_booking()) return true;
    if (change.type() == v1::CHANGE_DELETED) {
      records_.erase(change.id());
    } else {
      records_[change.id()] = change.record();
    }
    return true;
  }
  uint64_t last() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }
  std::map<std::string, v1::Record> records() {
    std::lock_guard<std::mutex> lock(mu_);
    return records_;
  }

 private:
  std::mutex mu_;
  uint64_t last_ = 0;
  std::map<std::string, v1::Record> records_;
};

TEST(ChangeFeedTest, WatcherReplicaEqualsExportAfterTenThousandWritesAndARestart) {
  testing::TempDir dir;
  testing::ServerProcess server;
  ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, dir.Sub("data"))) << server.log();
  std::mutex address_mu;
  std::string address = server.address();
  auto current_address = [&] {
    std::lock_guard<std::mutex> lock(address_mu);
    return address;
  };

  Replica replica;
  std::atomic<bool> stop_watching{false};
  std::atomic<int> reconnects{0};
  std::thread watcher([&] {
    while (!stop_watching.load()) {
      auto stub = Connect(current_address(), 1000 + reconnects.load());
      grpc::ClientContext context;
      v1::WatchChangesRequest request;
      request.set_since_sequence(replica.last());
      auto stream = stub->WatchChanges(&context, request);
      v1::Change change;
      while (stream->Read(&change)) {
        if (!replica.Apply(change)) return;
        if (stop_watching.load()) context.TryCancel();
      }
      stream->Finish();  // UNAVAILABLE on restart: reconnect from replica.last()
      reconnects.fetch_add(1);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });

  // Writers: creates, updates and deletes of persons under a few units.
  {
    auto stub = Connect(address, 0);
    for (int u = 0; u < 5; ++u) {
      grpc::ClientContext context;
      v1::CreateRecordRequest create;
      *create.mutable_record() = testing::MakeUnit("unit-" + std::to_string(u));
      v1::Record created;
      ASSERT_TRUE(stub->CreateRecord(&context, create, &created).ok());
    }
  }
  std::atomic<int> done{0};
  std::atomic<bool> restarted{false};
  auto writer = [&](int w) {
    std::mt19937 rng(w);
    std::vector<std::string> mine;
    int next = 0;
    while (done.load() < kWrites) {
      auto stub = Connect(current_address(), w);
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      const int choice = static_cast<int>(rng() % 10);
      grpc::Status status;
      google::protobuf::Empty empty;
      v1::Record out;
      if (mine.empty() || choice < 5) {
        std::string id = "person-w" + std::to_string(w) + "-" + std::to_string(next++);
        v1::CreateRecordRequest create;
        *create.mutable_record() = testing::MakePerson(id, "unit-" + std::to_string(rng() % 5));
        create.set_request_id(id);  // safe to retry across the restart
        status = stub->CreateRecord(&context, create, &out);
        if (status.ok()) mine.push_back(id);
      } else if (choice < 8) {
        v1::UpdateRecordRequest update;
        *update.mutable_record() =
            testing::MakePerson(mine[rng() % mine.size()], "unit-" + std::to_string(rng() % 5));
        update.mutable_record()->mutable_person()->set_title("titel " + std::to_string(rng()));
        status = stub->UpdateRecord(&context, update, &out);
      } else {
        size_t pick = rng() % mine.size();
        v1::DeleteRecordRequest del;
        del.set_id(mine[pick]);
        status = stub->DeleteRecord(&context, del, &empty);
        if (status.ok() || status.error_code() == grpc::StatusCode::NOT_FOUND) {
          mine.erase(mine.begin() + pick);
        }
      }
      if (status.ok())
        done.fetch_add(1);
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // server restarting
    }
  };
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) writers.emplace_back(writer, w);
  while (done.load() < kWrites / 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(server.Stop(SIGTERM), 0);
  ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, dir.Sub("data"))) << server.log();
  {
    std::lock_guard<std::mutex> lock(address_mu);
    address = server.address();
  }
  for (auto& t : writers) t.join();

  // Wait for the watcher to catch up with the server's last sequence.
  auto stub = Connect(server.address(), 99);
  uint64_t last = 0;
  {
    grpc::ClientContext context;
    v1::ListChangesRequest request;
    request.set_since_sequence(UINT64_MAX - 1);
    v1::ListChangesResponse response;
    ASSERT_TRUE(stub->ListChanges(&context, request, &response).ok());
    last = response.last_sequence();
  }
  for (int i = 0; i < 600 && replica.last() < last; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop_watching = true;
  // Nudge the watcher out of its blocking Read with one more change.
  {
    grpc::ClientContext context;
    v1::CreateRecordRequest create;
    *create.mutable_record() = testing::MakeUnit("unit-nudge");
    v1::Record created;
    ASSERT_TRUE(stub->CreateRecord(&context, create, &created).ok());
  }
  watcher.join();
  EXPECT_GE(reconnects.load(), 1) << "the restart should have ended one watch";
  ASSERT_GE(replica.last(), last);

  // Export everything up to `last` and compare with the replica.
  std::map<std::string, v1::Record> exported;
  v1::ExportRecordsRequest request;
  request.set_page_size(1000);
  do {
    grpc::ClientContext context;
    v1::ExportRecordsResponse page;
    ASSERT_TRUE(stub->ExportRecords(&context, request, &page).ok());
    for (const v1::Record& r : page.records()) {
      if (model::RecordId(r) != "unit-nudge") exported[model::RecordId(r)] = r;
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  std::map<std::string, v1::Record> replicated = replica.records();
  replicated.erase("unit-nudge");
  EXPECT_GE(done.load(), kWrites);
  ASSERT_EQ(replicated.size(), exported.size());
  int differing = 0;
  for (const auto& [id, record] : exported) {
    auto it = replicated.find(id);
    if (it == replicated.end() ||
        !google::protobuf::util::MessageDifferencer::Equals(it->second, record)) {
      ++differing;
    }
  }
  EXPECT_EQ(differing, 0);
}

// Revoking a token (SIGHUP after editing --auth-config) ends the watches
// it holds open; other watches go on.
TEST(ChangeFeedTest, SighupWithoutATokenEndsItsOpenWatchPromptly) {
  testing::TempDir dir;
  const std::string config = dir.Sub("auth.json");
  const std::string admin =
      R"({"token": "admin-token-01234567890", "principal": "ops", "roles": ["admin"]})";
  const std::string leaving =
      R"({"token": "leaving-token-0123456789", "principal": "intranet", "roles": ["reader"]})";
  std::ofstream(config) << "{\"tokens\": [" << admin << ", " << leaving << "]}";
  testing::ServerProcess server;
  ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, dir.Sub("data"), {"--auth-config", config}))
      << server.log();
  auto stub = Connect(server.address(), 1);
  auto write = [&](const std::string& id) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer admin-token-01234567890");
    v1::CreateRecordRequest request;
    *request.mutable_record() = testing::MakeUnit(id);
    v1::Record created;
    ASSERT_TRUE(stub->CreateRecord(&context, request, &created).ok());
  };
  struct Watch {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<v1::Change>> stream;
  };
  Watch revoked, kept;
  for (auto [watch, token] : {std::make_pair(&revoked, "leaving-token-0123456789"),
                              std::make_pair(&kept, "admin-token-01234567890")}) {
    watch->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    watch->context.AddMetadata("authorization", std::string("Bearer ") + token);
    watch->stream = stub->WatchChanges(&watch->context, v1::WatchChangesRequest());
  }
  write("unit-1");
  v1::Change change;
  ASSERT_TRUE(revoked.stream->Read(&change));  // both watches are open
  ASSERT_TRUE(kept.stream->Read(&change));

  std::ofstream(config) << "{\"tokens\": [" << admin << "]}";
  const auto signalled = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(server.pid(), SIGHUP), 0);
  EXPECT_FALSE(revoked.stream->Read(&change));
  grpc::Status ended = revoked.stream->Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAUTHENTICATED) << ended.error_message();
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(10));

  write("unit-2");
  ASSERT_TRUE(kept.stream->Read(&change));
  EXPECT_EQ(change.id(), "unit-2");
  kept.context.TryCancel();
  kept.stream->Finish().IgnoreError();
}

}  // namespace
}  // namespace sofdir
