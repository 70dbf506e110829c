// Removes a half-written file when the CLI is interrupted (Ctrl-C, SIGTERM,
// SIGHUP) while writing it, then lets the signal end the process as usual
// (exit status 128+N). Used for the FILE.tmp that `export --out` and
// `praktik ics --out` write before renaming it into place.
//
// One at a time per process; not for use from several threads.
#ifndef SOFDIR_CLIENT_INTERRUPT_CLEANUP_H_
#define SOFDIR_CLIENT_INTERRUPT_CLEANUP_H_

#include <csignal>
#include <string>

namespace sofdir::client {

class RemoveOnInterrupt {
 public:
  // From now until destruction, SIGINT, SIGTERM and SIGHUP unlink `path`
  // first. Paths longer than 4095 bytes are not guarded.
  explicit RemoveOnInterrupt(const std::string& path);
  ~RemoveOnInterrupt();  // restores the previous handlers
  RemoveOnInterrupt(const RemoveOnInterrupt&) = delete;
  RemoveOnInterrupt& operator=(const RemoveOnInterrupt&) = delete;

 private:
  struct sigaction previous_[3];
  bool installed_ = false;
};

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_INTERRUPT_CLEANUP_H_
