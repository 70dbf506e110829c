#include "server/common/buffered_log_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/common/metrics.h"

namespace sofdir::common {
namespace {

// A file to write the log into, read back whole.
class LogFile {
 public:
  LogFile() {
    char name[] = "/tmp/sofdir-log-XXXXXX";
    fd_ = mkstemp(name);
    path_ = name;
  }
  ~LogFile() {
    close(fd_);
    unlink(path_.c_str());
  }
  int fd() const { return fd_; }
  std::string Read() const {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  int fd_;
  std::string path_;
};

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST(BufferedLogWriterTest, LinesOfEachThreadArriveWholeAndInOrderAndAllAreFlushedOnDestruction) {
  LogFile file;
  constexpr int kThreads = 4, kLines = 5000;
  {
    BufferedLogWriter::Options options;
    options.fd = file.fd();
    options.flush_bytes = 4096;  // many batches
    BufferedLogWriter writer(options);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&writer, t] {
        for (int i = 0; i < kLines; ++i) {
          ASSERT_TRUE(writer.Append(absl::StrCat("I thread=", t, " line=", i, " pad=xxxxxxxx\n")));
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(writer.dropped(), 0u);
  }  // destroyed without Flush: everything must still be written
  std::vector<std::string> lines = Lines(file.Read());
  ASSERT_EQ(lines.size(), size_t{kThreads * kLines});
  std::vector<int> next(kThreads, 0);
  for (const std::string& line : lines) {
    int t = -1, i = -1;
    ASSERT_EQ(std::sscanf(line.c_str(), "I thread=%d line=%d pad=xxxxxxxx", &t, &i), 2) << line;
    ASSERT_EQ(line, absl::StrCat("I thread=", t, " line=", i, " pad=xxxxxxxx"));
    ASSERT_EQ(i, next[t]) << "thread " << t << " out of order";
    ++next[t];
  }
}

TEST(BufferedLogWriterTest, ALineReachesTheFileWithinTheDelayWithoutFlush) {
  LogFile file;
  BufferedLogWriter::Options options;
  options.fd = file.fd();
  options.max_delay = absl::Milliseconds(200);
  BufferedLogWriter writer(options);
  ASSERT_TRUE(writer.Append("I one line\n"));
  const absl::Time start = absl::Now();
  while (file.Read().empty() && absl::Now() - start < absl::Seconds(5)) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(file.Read(), "I one line\n");
  // Within the delay plus scheduling slack on a loaded machine.
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
}

TEST(BufferedLogWriterTest, FlushWritesEverythingAppendedBeforeIt) {
  LogFile file;
  BufferedLogWriter::Options options;
  options.fd = file.fd();
  options.max_delay = absl::Seconds(60);  // only Flush writes
  BufferedLogWriter writer(options);
  ASSERT_TRUE(writer.Append("I a\n"));
  ASSERT_TRUE(writer.Append("I b\n"));
  writer.Flush();
  EXPECT_EQ(file.Read(), "I a\nI b\n");
}

TEST(BufferedLogWriterTest, AFullBufferDropsAndCountsLinesInsteadOfBlocking) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  fcntl(pipe_fds[1], F_SETPIPE_SZ, 4096);  // a reader that has stopped reading
  Registry registry;
  Counter& dropped = registry.AddCounter("sofdir_access_log_dropped_total", "x").Labels({});
  const std::string line(99, 'x');
  constexpr int kLines = 20000;  // 2 MB through a 16 kB buffer
  int accepted = 0;
  std::string received;
  {
    BufferedLogWriter::Options options;
    options.fd = pipe_fds[1];
    options.max_buffer_bytes = 16 << 10;
    options.flush_bytes = 4 << 10;
    options.max_delay = absl::Milliseconds(5);
    options.dropped = &dropped;
    auto writer = std::make_unique<BufferedLogWriter>(options);
    const absl::Time start = absl::Now();
    for (int i = 0; i < kLines; ++i) accepted += writer->Append(line + "\n");
    // Appends never waited for the stuck pipe.
    EXPECT_LT(absl::Now() - start, absl::Seconds(2));
    EXPECT_GT(writer->dropped(), 0u);
    EXPECT_EQ(writer->dropped(), uint64_t(kLines - accepted));
    EXPECT_EQ(dropped.value(), writer->dropped());
    // The reader catches up; the writer's destruction writes what it kept.
    std::thread reader([&] {
      char chunk[4096];
      ssize_t n;
      while ((n = read(pipe_fds[0], chunk, sizeof chunk)) > 0) received.append(chunk, n);
    });
    writer.reset();
    close(pipe_fds[1]);
    reader.join();
  }
  close(pipe_fds[0]);
  std::vector<std::string> lines = Lines(received);
  EXPECT_EQ(lines.size(), size_t(accepted));
  for (const std::string& got : lines) ASSERT_EQ(got, line);
}

}  // namespace
}  // namespace sofdir::common
