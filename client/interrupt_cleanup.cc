#include "client/interrupt_cleanup.h"

#include <unistd.h>

#include <cstring>

namespace sofdir::client {
namespace {

constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
// Written before the handlers are installed, read only by them.
char guarded_path[4096];

extern "C" void RemoveAndReraise(int signal_number) {
  ::unlink(guarded_path);  // async-signal-safe
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  ::sigaction(signal_number, &default_action, nullptr);
  ::raise(signal_number);
}

}  // namespace

RemoveOnInterrupt::RemoveOnInterrupt(const std::string& path) {
  if (path.empty() || path.size() >= sizeof(guarded_path)) return;
  std::memcpy(guarded_path, path.c_str(), path.size() + 1);
  struct sigaction action {};
  action.sa_handler = RemoveAndReraise;
  sigemptyset(&action.sa_mask);
  for (int i = 0; i < 3; ++i) ::sigaction(kSignals[i], &action, &previous_[i]);
  installed_ = true;
}

RemoveOnInterrupt::~RemoveOnInterrupt() {
  if (!installed_) return;
  for (int i = 0; i < 3; ++i) ::sigaction(kSignals[i], &previous_[i], nullptr);
}

}  // namespace sofdir::client
