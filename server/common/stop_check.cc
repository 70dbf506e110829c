#include "server/common/stop_check.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace sofdir::common {

absl::Status StopCheck::Check() const {
  if (cancelled_ && cancelled_()) return absl::CancelledError("the client cancelled the call");
  if (deadline_ != absl::InfiniteFuture() && absl::Now() >= deadline_) {
    return absl::DeadlineExceededError(deadline_reason_.empty() ? std::string("the deadline passed")
                                                                : deadline_reason_);
  }
  return absl::OkStatus();
}

bool ScanStop::GoOn() {
  absl::Status stopped = stop_.CheckEvery(visited_);
  if (stopped.ok()) {
    ++visited_;
    return true;
  }
  status_ = StoppedWith(stopped, describe_(visited_));
  return false;
}

absl::Status StoppedWith(const absl::Status& stopped, const std::string& context) {
  return absl::Status(stopped.code(), absl::StrCat(context, ": ", stopped.message()));
}

}  // namespace sofdir::common
