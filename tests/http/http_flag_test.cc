// sofdir-server --http-listen: the binary logs the HTTP address and serves
// the API there.
#include <httplib.h>

#include <csignal>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::http {
namespace {

TEST(HttpFlagTest, ServerLogsTheHttpAddressAndServesTheApiThere) {
  testing::TempDir dir;
  testing::ServerProcess server;
  ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, dir.Sub("data"), {"--http-listen", "127.0.0.1:0"}))
      << server.log();
  const std::string marker = "http listening on 127.0.0.1:";
  std::string log = server.log();
  // The line follows gRPC's "listening on" line, which Start waited for.
  for (int i = 0; i < 100 && log.find(marker) == std::string::npos; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    log = server.log();
  }
  const size_t at = log.find(marker);
  ASSERT_NE(at, std::string::npos) << log;
  int port = 0;
  const size_t start = at + marker.size();
  ASSERT_TRUE(absl::SimpleAtoi(log.substr(start, log.find('\n', start) - start), &port)) << log;
  httplib::Client client("127.0.0.1", port);
  auto result = client.Get("/v1/records:search?query=x");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.log();
}

}  // namespace
}  // namespace sofdir::http
