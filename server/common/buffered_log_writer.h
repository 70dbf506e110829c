// Writes whole log lines to a file descriptor from a buffer, so that the
// threads that log (gRPC's, for the access log) do not make a write()
// system call per line: Append copies the line into the buffer under a
// short lock; a background thread writes the buffer out when it holds
// `flush_bytes` or at least every `max_delay` (a line reaches the file at
// most about max_delay after it was appended, as long as the file takes
// writes). The buffer never grows beyond `max_buffer_bytes`: when the
// reader of the file (journald, a pipe) is slower than the lines come, the
// lines that do not fit are dropped and counted, and Append never waits for
// the file.
//
// Lines are written whole and in the order of their Append calls.
//
// Thread-safe. The destructor writes every line appended before it (it
// blocks while the file does not take them) and joins the thread.
#ifndef SOFDIR_SERVER_COMMON_BUFFERED_LOG_WRITER_H_
#define SOFDIR_SERVER_COMMON_BUFFERED_LOG_WRITER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/common/metrics.h"

namespace sofdir::common {

class BufferedLogWriter {
 public:
  struct Options {
    int fd = 2;  // not owned; stays open while this writer lives
    size_t max_buffer_bytes = size_t{1} << 20;
    size_t flush_bytes = size_t{64} << 10;
    absl::Duration max_delay = absl::Milliseconds(200);
    // Counts the lines dropped (besides dropped()); null: none. Must
    // outlive this writer.
    Counter* dropped = nullptr;
  };

  explicit BufferedLogWriter(const Options& options);
  ~BufferedLogWriter();

  BufferedLogWriter(const BufferedLogWriter&) = delete;
  BufferedLogWriter& operator=(const BufferedLogWriter&) = delete;

  // Queues `line` (one whole line, ending in '\n'). Returns false, and
  // counts it as dropped, when the buffer has no room for it.
  bool Append(absl::string_view line);

  // Returns once every line appended before the call has been written (or
  // the write failed).
  void Flush();

  // Lines dropped so far.
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  void Run();
  // Writes out what the buffer holds now.
  void WriteOut() ABSL_LOCKS_EXCLUDED(mu_);

  const Options options_;
  std::atomic<uint64_t> dropped_{0};
  // Held while writing, so that lines leave in order; taken before mu_.
  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  absl::Mutex mu_;
  std::string buffer_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace sofdir::common

#endif  // SOFDIR_SERVER_COMMON_BUFFERED_LOG_WRITER_H_
