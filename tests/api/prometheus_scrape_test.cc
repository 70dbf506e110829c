// The real thing: Debian's prometheus scrapes a running server's /metrics
// (on --metrics-listen) on loopback, and its HTTP API returns the server's
// series: up == 1, and a search counter that grew by the calls made.
// Skipped when /usr/bin/prometheus is absent (deploy/install-test-deps.sh
// installs it).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "server/api/server_app.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/json.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

extern char** environ;

namespace sofdir::api {
namespace {

namespace v1 = ::sof::directory::v1;
constexpr char kPrometheus[] = "/usr/bin/prometheus";

// A prometheus child process; SIGTERMed and reaped at the end.
class PrometheusProcess {
 public:
  bool Start(const std::vector<std::string>& args, const std::string& log) {
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(kPrometheus));
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int error = posix_spawn(&pid_, kPrometheus, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return error == 0;
  }
  ~PrometheusProcess() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

 private:
  pid_t pid_ = -1;
};

// The value of an instant-vector query's only sample; nullopt while
// Prometheus has none (or is not up yet).
std::optional<double> Query(httplib::Client& client, const std::string& promql) {
  httplib::Result result = client.Get("/api/v1/query", {{"query", promql}}, httplib::Headers{});
  if (!result || result->status != 200) return std::nullopt;
  google::protobuf::Struct body = testing::ParseJson(result->body);
  if (body.fields().at("status").string_value() != "success") return std::nullopt;
  const auto& samples = body.fields().at("data").struct_value().fields().at("result").list_value();
  if (samples.values_size() != 1) return std::nullopt;
  const auto& value = samples.values(0).struct_value().fields().at("value").list_value();
  double number = 0;
  if (!absl::SimpleAtod(value.values(1).string_value(), &number)) return std::nullopt;
  return number;
}

// Polls `promql` until `done` holds for its value, up to 30 s.
std::optional<double> WaitFor(httplib::Client& client, const std::string& promql,
                              const std::function<bool(double)>& done) {
  std::optional<double> value;
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (absl::Now() < give_up) {
    value = Query(client, promql);
    if (value.has_value() && done(*value)) return value;
    absl::SleepFor(absl::Milliseconds(200));
  }
  return value;
}

TEST(PrometheusScrapeTest, RealPrometheusSeesTheServerUpAndItsSearchCounterGrow) {
  if (!std::filesystem::exists(kPrometheus)) {
    GTEST_SKIP() << kPrometheus
                 << " is absent: run deploy/install-test-deps.sh (Debian prometheus)";
  }
  testing::TempDir dir;
  ServerApp::Options options;
  options.listen = "127.0.0.1:0";
  options.data_dir = dir.Sub("data");
  options.metrics_listen = "127.0.0.1:0";
  options.access_log = false;
  auto app = ServerApp::Start(options);
  ASSERT_TRUE(app.ok()) << app.status();

  const int web_port = testing::UnusedLoopbackPort();
  std::ofstream(dir.Sub("prometheus.yml"))
      << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
      << "scrape_configs:\n  - job_name: sofdir\n    static_configs:\n"
      << "      - targets: ['127.0.0.1:" << (*app)->metrics_port() << "']\n";
  PrometheusProcess prometheus;
  ASSERT_TRUE(prometheus.Start(
      {"--config.file=" + dir.Sub("prometheus.yml"), "--storage.tsdb.path=" + dir.Sub("tsdb"),
       absl::StrCat("--web.listen-address=127.0.0.1:", web_port), "--log.level=warn"},
      dir.Sub("prometheus.log")));
  httplib::Client client("127.0.0.1", web_port);
  auto log = [&dir] {
    std::ifstream in(dir.Sub("prometheus.log"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  };

  std::optional<double> up =
      WaitFor(client, "up{job=\"sofdir\"}", [](double value) { return value == 1; });
  ASSERT_EQ(up, 1) << log();

  const std::string counter =
      "sofdir_grpc_calls_total{job=\"sofdir\",method=\"SearchEntries\",code=\"OK\"}";
  std::optional<double> before = WaitFor(client, counter, [](double) { return true; });
  ASSERT_TRUE(before.has_value()) << log();

  auto stub = v1::DirectoryService::NewStub(
      grpc::CreateChannel((*app)->address(), grpc::InsecureChannelCredentials()));
  constexpr int kSearches = 25;
  for (int i = 0; i < kSearches; ++i) {
    grpc::ClientContext context;
    v1::SearchEntriesRequest request;
    request.set_query("borger");
    v1::SearchEntriesResponse response;
    ASSERT_TRUE(stub->SearchEntries(&context, request, &response).ok());
  }
  std::optional<double> after =
      WaitFor(client, counter, [&](double value) { return value >= *before + kSearches; });
  ASSERT_TRUE(after.has_value()) << log();
  EXPECT_EQ(*after - *before, kSearches) << log();
  // The latency histogram made it too.
  std::optional<double> latency = WaitFor(
      client, "sofdir_grpc_call_duration_seconds_count{job=\"sofdir\",method=\"SearchEntries\"}",
      [&](double value) { return value >= *before + kSearches; });
  EXPECT_EQ(latency, *after);
}

}  // namespace
}  // namespace sofdir::api
