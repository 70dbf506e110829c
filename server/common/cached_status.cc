#include "server/common/cached_status.h"

#include "absl/time/clock.h"

namespace sofdir::common {

absl::Status CachedStatus::Get() {
  absl::MutexLock lock(&mu_);
  const absl::Time now = absl::Now();
  if (!last_.has_value() || now - checked_at_ >= max_age_ || now < checked_at_) {
    last_ = check_();
    checked_at_ = absl::Now();  // after the check: a slow sync does not shorten the next wait
  }
  return *last_;
}

}  // namespace sofdir::common
