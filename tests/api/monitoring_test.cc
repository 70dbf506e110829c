// Integration tests of what an operator watches: /metrics, /healthz and
// /readyz (on the HTTP listener and on --metrics-listen), gRPC health for
// the service's own name, and the access log in text and JSON. The real
// server (ServerApp) on 127.0.0.1:0 with a real RocksDB directory.
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "server/api/server_app.h"
#include "server/common/log.h"
#include "server/storage/fault_file_system.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/json.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace v1 = ::sof::directory::v1;

constexpr char kReader[] = "reader-token-0123456789";
constexpr char kAdmin[] = "admin-token-01234567890";

// The value of the sample `series` (name and labels exactly as rendered) in
// a scrape; -1 when it is not there.
double Sample(const std::string& scrape, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(scrape, '\n')) {
    if (absl::StartsWith(line, series + " ")) {
      double value = -1;
      EXPECT_TRUE(absl::SimpleAtod(line.substr(series.size() + 1), &value)) << line;
      return value;
    }
  }
  return -1;
}

class MonitoringTest : public ::testing::Test {
 protected:
  void Start(bool metrics = true, bool http = true) {
    std::ofstream(dir_.Sub("auth.json")) << R"({"tokens": [
      {"token": ")" << kReader << R"(", "principal": "kontor-reader", "roles": ["reader"]},
      {"token": ")" << kAdmin << R"(", "principal": "kontor-admin", "roles": ["admin"]}]})";
    ServerApp::Options options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.Sub("data");
    options.auth_config_path = dir_.Sub("auth.json");
    if (http) options.http_listen = "127.0.0.1:0";
    options.metrics_listen = "127.0.0.1:0";
    options.metrics = metrics;
    options.file_system = fs_;
    options.today = [] { return absl::CivilDay(2027, 1, 4); };
    auto app = ServerApp::Start(options);
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    channel_ = grpc::CreateChannel(app_->address(), grpc::InsecureChannelCredentials());
    stub_ = v1::DirectoryService::NewStub(channel_);
  }

  void TearDown() override { common::SetLogFormat(common::LogFormat::kText); }

  grpc::Status Search(const std::string& token, const std::string& query,
                      const std::string& request_id = "") {
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    if (!request_id.empty()) context.AddMetadata("x-request-id", request_id);
    v1::SearchEntriesRequest request;
    request.set_query(query);
    v1::SearchEntriesResponse response;
    return stub_->SearchEntries(&context, request, &response);
  }

  grpc::Status Create(const v1::Record& record) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", std::string("Bearer ") + kAdmin);
    v1::CreateRecordRequest request;
    *request.mutable_record() = record;
    v1::Record response;
    return stub_->CreateRecord(&context, request, &response);
  }

  std::string Scrape(int port) {
    httplib::Client client("127.0.0.1", port);
    httplib::Result result = client.Get("/metrics");
    EXPECT_TRUE(result) << httplib::to_string(result.error());
    if (!result) return "";
    EXPECT_EQ(result->status, 200);
    EXPECT_THAT(result->get_header_value("Content-Type"), HasSubstr("text/plain; version=0.0.4"));
    return result->body;
  }

  // GET /readyz until it answers `status` (at most 5 s); the last answer.
  httplib::Result ReadyzUntil(httplib::Client& client, int status) {
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    for (;;) {
      httplib::Result ready = client.Get("/readyz");
      if (!ready || ready->status == status || absl::Now() > deadline) return ready;
      absl::SleepFor(absl::Milliseconds(50));
    }
  }

  testing::TempDir dir_;
  std::shared_ptr<storage::FaultFileSystem> fs_ = std::make_shared<storage::FaultFileSystem>();
  std::unique_ptr<ServerApp> app_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::DirectoryService::Stub> stub_;
};

constexpr char kSearchOk[] =
    "sofdir_grpc_calls_total{service=\"sof.directory.v1.DirectoryService\",method="
    "\"SearchEntries\","
    "code=\"OK\"}";

TEST_F(MonitoringTest, MetricsCountCallsByMethodAndCodeWithLatencyAndSearchFigures) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(Create(testing::MakeUnit("unit-1")).ok());
  ASSERT_TRUE(Create(testing::MakePerson("person-1", "unit-1")).ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Search(kReader, "Person").ok());
  EXPECT_EQ(Search("", "Person").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Search("not-a-known-token-123", "x").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Search("", "x").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // Over HTTP: the same gRPC method, counted once more.
  httplib::Client http("127.0.0.1", app_->http_port());
  httplib::Headers auth = {{"Authorization", std::string("Bearer ") + kReader}};
  httplib::Result over_http = http.Get("/v1/records:search?query=Person", auth);
  ASSERT_TRUE(over_http);
  ASSERT_EQ(over_http->status, 200) << over_http->body;
  // A reader may not import: role denied.
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", std::string("Bearer ") + kReader);
    v1::ImportRecordsRequest request;
    v1::ImportRecordsResponse response;
    EXPECT_EQ(stub_->ImportRecords(&context, request, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }

  const std::string scrape = Scrape(app_->http_port());
  EXPECT_EQ(Sample(scrape, kSearchOk), 4) << scrape;
  EXPECT_EQ(Sample(scrape,
                   "sofdir_grpc_calls_total{service=\"sof.directory.v1.DirectoryService\","
                   "method=\"SearchEntries\",code=\"UNAUTHENTICATED\"}"),
            3);
  EXPECT_EQ(Sample(scrape,
                   "sofdir_grpc_calls_total{service=\"sof.directory.v1.DirectoryService\","
                   "method=\"CreateRecord\",code=\"OK\"}"),
            2);
  EXPECT_EQ(Sample(scrape,
                   "sofdir_grpc_call_duration_seconds_count{service=\"sof.directory.v1."
                   "DirectoryService\",method=\"SearchEntries\"}"),
            7);
  EXPECT_EQ(Sample(scrape,
                   "sofdir_grpc_call_duration_seconds_bucket{service=\"sof.directory.v1."
                   "DirectoryService\",method=\"SearchEntries\",le=\"+Inf\"}"),
            7);
  EXPECT_EQ(Sample(scrape, "sofdir_auth_failures_total{reason=\"missing_token\"}"), 2);
  EXPECT_EQ(Sample(scrape, "sofdir_auth_failures_total{reason=\"unknown_token\"}"), 1);
  EXPECT_EQ(Sample(scrape, "sofdir_auth_failures_total{reason=\"role_denied\"}"), 1);
  EXPECT_EQ(Sample(scrape, "sofdir_search_duration_seconds_count"), 4);
  EXPECT_EQ(Sample(scrape, "sofdir_search_hits_count"), 4);
  EXPECT_GE(Sample(scrape, "sofdir_search_hits_sum"), 4);  // each found person-1
  EXPECT_EQ(Sample(scrape,
                   "sofdir_grpc_calls_in_flight{service=\"sof.directory.v1.DirectoryService\","
                   "method=\"SearchEntries\"}"),
            0);
  EXPECT_EQ(Sample(scrape, "sofdir_index_records"), 2);
  EXPECT_GT(Sample(scrape, "process_resident_memory_bytes"), 1e6);
  EXPECT_GT(Sample(scrape, "sofdir_data_dir_free_bytes"), 0);
  EXPECT_GE(Sample(scrape, "sofdir_rocksdb_wal_syncs_total"), 2);  // two durable creates
  EXPECT_GE(Sample(scrape, "sofdir_rocksdb_wal_sync_seconds_total"), 0);
  EXPECT_GE(Sample(scrape, "sofdir_rocksdb_pending_compaction_bytes"), 0);
  EXPECT_GE(Sample(scrape, "sofdir_rocksdb_live_sst_bytes"), 0);
  EXPECT_EQ(Sample(scrape, "sofdir_rocksdb_write_stall_stops_total"), 0);
  EXPECT_EQ(Sample(scrape, "sofdir_rocksdb_write_stopped"), 0);
  EXPECT_EQ(Sample(scrape, "sofdir_change_watchers"), 0);
  EXPECT_EQ(Sample(scrape, "sofdir_access_log_dropped_total"), 0);
  EXPECT_THAT(scrape, HasSubstr("# TYPE sofdir_grpc_call_duration_seconds histogram\n"));
  EXPECT_THAT(scrape, HasSubstr("# HELP sofdir_grpc_calls_total "));
  // No personal data: no principal, no query, no record id, no e-mail.
  for (const char* secret : {"kontor-reader", "Person", "person-1", "@sof.example.dk", kReader}) {
    EXPECT_THAT(scrape, Not(HasSubstr(secret))) << secret;
  }

  // The metrics listener serves the same figures.
  EXPECT_EQ(Sample(Scrape(app_->metrics_port()), kSearchOk), 4);
}

TEST_F(MonitoringTest, BookingCountersFollowConfirmationsWaitlistPromotionsAndCancellations) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(Create(testing::MakeUnit("unit-1")).ok());
  ASSERT_TRUE(Create(testing::MakePraktik("praktik-1", "unit-1")).ok());  // 2 seats
  std::vector<v1::Booking> bookings(3);
  for (int who = 0; who < 3; ++who) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", std::string("Bearer ") + kAdmin);
    v1::BookPraktikRequest request;
    request.set_offer_id("praktik-1");
    request.set_slot_start("2027-03-16");
    request.set_name("Person " + std::to_string(who));
    request.set_email("p" + std::to_string(who) + "@sof.example.dk");
    request.set_request_id("book-" + std::to_string(who));
    ASSERT_TRUE(stub_->BookPraktik(&context, request, &bookings[who]).ok());
  }
  ASSERT_EQ(bookings[2].status(), v1::WAITLISTED);
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", std::string("Bearer ") + kAdmin);
    v1::CancelBookingRequest cancel;
    cancel.set_booking_id(bookings[0].booking_id());
    v1::Booking cancelled;
    ASSERT_TRUE(stub_->CancelBooking(&context, cancel, &cancelled).ok());
  }
  const std::string scrape = Scrape(app_->metrics_port());
  EXPECT_EQ(Sample(scrape, "sofdir_bookings_total{status=\"CONFIRMED\"}"), 2) << scrape;
  EXPECT_EQ(Sample(scrape, "sofdir_bookings_total{status=\"WAITLISTED\"}"), 1);
  EXPECT_EQ(Sample(scrape, "sofdir_waitlist_promotions_total"), 1);
  EXPECT_EQ(Sample(scrape, "sofdir_booking_cancellations_total"), 1);
  EXPECT_THAT(scrape, Not(HasSubstr("@sof.example.dk")));
}

TEST_F(MonitoringTest, ChangeWatchersGaugeCountsOpenWatchStreams) {
  ASSERT_NO_FATAL_FAILURE(Start());
  grpc::ClientContext context;
  context.AddMetadata("authorization", std::string("Bearer ") + kReader);
  v1::WatchChangesRequest request;
  auto watch = stub_->WatchChanges(&context, request);
  ASSERT_TRUE(Create(testing::MakeUnit("unit-1")).ok());
  v1::Change change;
  ASSERT_TRUE(watch->Read(&change));  // the stream is open and running
  EXPECT_EQ(Sample(Scrape(app_->metrics_port()), "sofdir_change_watchers"), 1);
  context.TryCancel();
  while (watch->Read(&change)) {
  }
  watch->Finish().IgnoreError();
  // The server sees the cancellation a moment later.
  double watchers = 1;
  for (int i = 0; i < 100 && watchers != 0; ++i) {
    watchers = Sample(Scrape(app_->metrics_port()), "sofdir_change_watchers");
    if (watchers != 0) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(watchers, 0);
}

TEST_F(MonitoringTest, WatchStreamsGoToTheirOwnDurationHistogramNotTheCallLatency) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(Search(kReader, "x").ok());
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", std::string("Bearer ") + kReader);
    auto watch = stub_->WatchChanges(&context, v1::WatchChangesRequest());
    ASSERT_TRUE(Create(testing::MakeUnit("unit-1")).ok());
    v1::Change change;
    ASSERT_TRUE(watch->Read(&change));
    absl::SleepFor(absl::Milliseconds(300));  // a stream watched for a while
    context.TryCancel();
    while (watch->Read(&change)) {
    }
    watch->Finish().IgnoreError();
  }
  const std::string labels =
      "{service=\"sof.directory.v1.DirectoryService\",method=\"WatchChanges\"}";
  std::string scrape;
  for (int i = 0; i < 100; ++i) {  // the server sees the cancellation a moment later
    scrape = Scrape(app_->metrics_port());
    if (Sample(scrape, "sofdir_grpc_stream_duration_seconds_count" + labels) == 1) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(Sample(scrape, "sofdir_grpc_stream_duration_seconds_count" + labels), 1) << scrape;
  EXPECT_GE(Sample(scrape, "sofdir_grpc_stream_duration_seconds_sum" + labels), 0.3);
  // The call latency histogram has no WatchChanges series at all.
  EXPECT_THAT(scrape, Not(HasSubstr("sofdir_grpc_call_duration_seconds_count" + labels)));
  EXPECT_EQ(Sample(scrape,
                   "sofdir_grpc_call_duration_seconds_count{service=\"sof.directory.v1."
                   "DirectoryService\",method=\"SearchEntries\"}"),
            1);
  // Its calls are still counted by code.
  EXPECT_EQ(Sample(scrape,
                   "sofdir_grpc_calls_total{service=\"sof.directory.v1.DirectoryService\","
                   "method=\"WatchChanges\",code=\"CANCELLED\"}"),
            1);
  EXPECT_THAT(scrape, HasSubstr("# HELP sofdir_grpc_stream_duration_seconds "));
}

TEST_F(MonitoringTest, WithoutMetricsTheEndpointIsNotFoundAndHealthStillAnswers) {
  ASSERT_NO_FATAL_FAILURE(Start(/*metrics=*/false));
  ASSERT_TRUE(Search(kReader, "x").ok());
  httplib::Client client("127.0.0.1", app_->metrics_port());
  httplib::Result metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 404);
  httplib::Result ready = client.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
}

TEST_F(MonitoringTest, HealthzAndReadyzAnswerOnBothListenersAndReadyzTurnsUnavailable) {
  ASSERT_NO_FATAL_FAILURE(Start());
  for (int port : {app_->http_port(), app_->metrics_port()}) {
    httplib::Client client("127.0.0.1", port);
    httplib::Result health = client.Get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    EXPECT_EQ(health->body, "ok\n");
    httplib::Result ready = client.Get("/readyz");
    ASSERT_TRUE(ready);
    EXPECT_EQ(ready->status, 200);
    EXPECT_EQ(ready->body, "ready\n");
  }
  // Other paths on the metrics listener: 404, no API there.
  httplib::Client ops("127.0.0.1", app_->metrics_port());
  httplib::Result api = ops.Get("/v1/records:search?query=x");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404);

  // A disk whose syncs fail: not ready, saying why, once the last probe's
  // result (kept a second) has aged; ready again once it heals.
  fs_->SetFault(storage::FaultFileSystem::Fault::kSyncFails);
  httplib::Result refused = ReadyzUntil(ops, 503);
  fs_->SetFault(storage::FaultFileSystem::Fault::kNone);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_THAT(refused->body, HasSubstr("not ready: data directory not writable"));
  httplib::Result again = ReadyzUntil(ops, 200);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST_F(MonitoringTest, ABurstOfReadyzProbesSyncsTheDiskAtMostOncePerSecond) {
  ASSERT_NO_FATAL_FAILURE(Start());
  httplib::Client ops("127.0.0.1", app_->metrics_port());
  // Every probe of the disk is a failed sync now, counted by the file system.
  fs_->SetFault(storage::FaultFileSystem::Fault::kSyncFails);
  const int failures_before = fs_->failures();
  const absl::Time start = absl::Now();
  int not_ready = 0;
  for (int i = 0; i < 200; ++i) {
    httplib::Result ready = ops.Get("/readyz");
    ASSERT_TRUE(ready);
    if (ready->status == 503) ++not_ready;
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  fs_->SetFault(storage::FaultFileSystem::Fault::kNone);
  const int syncs = fs_->failures() - failures_before;
  EXPECT_GE(not_ready, 1);  // the failing disk was seen
  EXPECT_GE(syncs, 1);
  // One probe per started second (the first may come right away).
  EXPECT_LE(syncs, 1 + static_cast<int>(seconds)) << "200 probes in " << seconds << " s";
}

TEST_F(MonitoringTest, GrpcHealthAnswersForTheServiceNameAndTurnsNotServingOnShutdown) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto health = grpc::health::v1::Health::NewStub(channel_);
  for (const std::string service : {"", "sof.directory.v1.DirectoryService"}) {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("sof.directory.v1.DirectoryService");
  grpc::ClientContext watch_context;
  auto watch = health->Watch(&watch_context, request);
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  std::thread shutdown([this] { app_->Shutdown(absl::Seconds(2)); });
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  // While the open watch holds the shutdown in its grace, /readyz says so.
  httplib::Client ops("127.0.0.1", app_->metrics_port());
  httplib::Result ready = ops.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_EQ(ready->body, "not ready: shutting down\n");
  watch_context.TryCancel();
  shutdown.join();
}

// The access-log lines ("call ...") of a captured stderr.
std::vector<std::string> CallLines(const std::string& err, absl::string_view marker) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(err, '\n')) {
    if (absl::StrContains(line, marker)) lines.emplace_back(line);
  }
  return lines;
}

TEST_F(MonitoringTest, AccessLogHasOneLinePerCallWithoutQueryOrToken) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ::testing::internal::CaptureStderr();
  ASSERT_TRUE(Search(kReader, "hemmelig borger", "req-42").ok());
  EXPECT_EQ(Search("not-a-known-token-123", "x").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // The lines are buffered and written at most 200 ms later, without a
  // shutdown or anything else pushing them out.
  absl::SleepFor(absl::Seconds(1));
  const std::string err = ::testing::internal::GetCapturedStderr();
  std::vector<std::string> lines = CallLines(err, " call method=");
  ASSERT_EQ(lines.size(), 2u) << err;
  EXPECT_TRUE(std::regex_match(
      lines[0], std::regex("I \\S+Z call method=/sof\\.directory\\.v1\\.DirectoryService/"
                           "SearchEntries principal=kontor-reader code=OK "
                           "latency_ms=[0-9]+\\.[0-9]{3} request_id=req-42")))
      << lines[0];
  EXPECT_TRUE(
      std::regex_match(lines[1], std::regex("I \\S+Z call method=\\S+/SearchEntries principal=- "
                                            "code=UNAUTHENTICATED latency_ms=[0-9.]+")))
      << lines[1];
  EXPECT_THAT(err, Not(HasSubstr("hemmelig")));
  EXPECT_THAT(err, Not(HasSubstr(kReader)));
}

TEST_F(MonitoringTest, JsonLogFormatWritesOneParsableObjectPerLine) {
  common::SetLogFormat(common::LogFormat::kJson);
  ::testing::internal::CaptureStderr();
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(Search(kReader, "borger", "req \"7\"").ok());  // id with a space: left out
  ASSERT_TRUE(Search(kReader, "borger", "abc-7").ok());
  app_.reset();  // shutting down writes out the buffered lines
  const std::string err = ::testing::internal::GetCapturedStderr();
  int calls = 0;
  for (absl::string_view line : absl::StrSplit(err, '\n', absl::SkipEmpty())) {
    google::protobuf::Struct object = testing::ParseJson(std::string(line));
    ASSERT_TRUE(object.fields().contains("time")) << line;
    ASSERT_TRUE(object.fields().contains("level")) << line;
    ASSERT_TRUE(object.fields().contains("msg")) << line;
    EXPECT_TRUE(
        std::regex_match(object.fields().at("time").string_value(),
                         std::regex("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z")));
    if (object.fields().at("msg").string_value() != "call") continue;
    ++calls;
    EXPECT_EQ(object.fields().at("level").string_value(), "info");
    EXPECT_EQ(object.fields().at("method").string_value(),
              "/sof.directory.v1.DirectoryService/SearchEntries");
    EXPECT_EQ(object.fields().at("principal").string_value(), "kontor-reader");
    EXPECT_EQ(object.fields().at("code").string_value(), "OK");
    double latency = -1;
    EXPECT_TRUE(absl::SimpleAtod(object.fields().at("latency_ms").string_value(), &latency));
    EXPECT_GE(latency, 0);
    if (calls == 1) {
      EXPECT_FALSE(object.fields().contains("request_id")) << line;
    } else if (calls == 2) {
      EXPECT_EQ(object.fields().at("request_id").string_value(), "abc-7");
    }
  }
  EXPECT_EQ(calls, 2) << err;
}

}  // namespace
}  // namespace sofdir::api
