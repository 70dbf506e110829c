#include "server/common/buffered_log_writer.h"

#include <unistd.h>

#include <cerrno>

namespace sofdir::common {

BufferedLogWriter::BufferedLogWriter(const Options& options) : options_(options) {
  thread_ = std::thread([this] { Run(); });
}

BufferedLogWriter::~BufferedLogWriter() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
  WriteOut();  // whatever came after the thread's last write
}

bool BufferedLogWriter::Append(absl::string_view line) {
  {
    absl::MutexLock lock(&mu_);
    if (buffer_.size() + line.size() <= options_.max_buffer_bytes) {
      buffer_.append(line.data(), line.size());
      return true;
    }
  }
  dropped_.fetch_add(1, std::memory_order_relaxed);
  if (options_.dropped != nullptr) options_.dropped->Add();
  return false;
}

void BufferedLogWriter::Flush() { WriteOut(); }

void BufferedLogWriter::Run() {
  for (;;) {
    bool stop = false;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stop_ || buffer_.size() >= options_.flush_bytes;
      };
      mu_.AwaitWithTimeout(absl::Condition(&ready), options_.max_delay);
      stop = stop_;
    }
    WriteOut();
    if (stop) return;
  }
}

void BufferedLogWriter::WriteOut() {
  absl::MutexLock write_lock(&write_mu_);
  std::string out;
  {
    absl::MutexLock lock(&mu_);
    out.swap(buffer_);
  }
  // The buffer is swapped out whole so that Append never waits for the
  // file; its capacity goes with it, which costs one allocation per batch.
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::write(options_.fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere to report it: the log itself is what failed
    done += static_cast<size_t>(n);
  }
}

}  // namespace sofdir::common
