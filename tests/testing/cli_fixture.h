// A fixture for end-to-end CLI tests: a real sofdir-server child on
// 127.0.0.1:0 with a fresh data directory, and helpers that run the real
// `sofdir` binary against it and read its JSON. Include only from targets
// that define SOFDIR_SERVER_BINARY and SOFDIR_CLI_BINARY. Not thread-safe.
#ifndef SOFDIR_TESTS_TESTING_CLI_FIXTURE_H_
#define SOFDIR_TESTS_TESTING_CLI_FIXTURE_H_

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/json.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::testing {

class CliTest : public ::testing::Test {
 protected:
  // The server flags that load the shipped demo directory. The search
  // vocabulary is the shipped one, which the server in the build tree finds
  // without flags (<build>/share/sofdir).
  static std::vector<std::string> DemoArgs() {
    return {"--demo-data", SourceDir() + "/data/demo-directory.jsonl"};
  }

  // Starts the server; call from SetUp.
  void StartServer(const std::vector<std::string>& extra_args = {}) {
    ASSERT_TRUE(server_.Start(SOFDIR_SERVER_BINARY, dir_.Sub("data"), extra_args)) << server_.log();
  }

  // Runs `sofdir ARGS --server ADDRESS`.
  CommandResult Cli(std::vector<std::string> args, const std::string& stdin_file = "") {
    args.insert(args.begin(), SOFDIR_CLI_BINARY);
    args.push_back("--server");
    args.push_back(server_.address());
    return RunCommand(args, {}, stdin_file);
  }

  // Runs a command that must succeed with --json and returns its object.
  google::protobuf::Struct CliJson(std::vector<std::string> args) {
    args.push_back("--json");
    CommandResult result = Cli(args);
    EXPECT_EQ(result.exit_code, 0) << absl::StrJoin(args, " ") << ": " << result.err;
    return ParseJson(result.out);
  }

  // Writes `content` to a file in the test's directory; returns its path.
  std::string WriteFile(const std::string& name, const std::string& content) {
    std::string path = dir_.Sub(name);
    std::ofstream(path) << content;
    return path;
  }

  TempDir dir_;
  ServerProcess server_;
};

}  // namespace sofdir::testing

#endif  // SOFDIR_TESTS_TESTING_CLI_FIXTURE_H_
