#include "client/interrupt_cleanup.h"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::client {
namespace {

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// Forks a child that guards `path`, creates it and raises `signal_number`;
// returns the child's wait status.
int GuardedChildRaising(const std::string& path, int signal_number, bool guard) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (guard) {
      RemoveOnInterrupt cleanup(path);
      std::ofstream(path) << "half an export";
      ::raise(signal_number);
    } else {
      std::ofstream(path) << "half an export";
      ::raise(signal_number);
    }
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST(RemoveOnInterruptTest, InterruptRemovesTheFileAndStillEndsByTheSignal) {
  testing::TempDir dir;
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    const std::string path = dir.Sub("out.jsonl.tmp");
    const int status = GuardedChildRaising(path, signal_number, /*guard=*/true);
    ASSERT_TRUE(WIFSIGNALED(status)) << "signal " << signal_number;
    EXPECT_EQ(WTERMSIG(status), signal_number);
    EXPECT_FALSE(Exists(path)) << "signal " << signal_number;
  }
}

TEST(RemoveOnInterruptTest, WithoutTheGuardTheFileStays) {
  testing::TempDir dir;
  const std::string path = dir.Sub("out.jsonl.tmp");
  const int status = GuardedChildRaising(path, SIGINT, /*guard=*/false);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(Exists(path));
}

TEST(RemoveOnInterruptTest, AfterTheGuardEndsTheFileIsLeftAlone) {
  testing::TempDir dir;
  const std::string path = dir.Sub("done.jsonl");
  const pid_t pid = ::fork();
  if (pid == 0) {
    { RemoveOnInterrupt cleanup(path); }
    std::ofstream(path) << "complete";
    ::raise(SIGTERM);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(Exists(path));
}

}  // namespace
}  // namespace sofdir::client
