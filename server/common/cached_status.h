// Remembers the result of a costly check (e.g. "the data directory takes
// synced writes", which writes and fsyncs a probe file) for `max_age`, so
// that callers who ask often (load balancers' health probes, several of
// them at once) cause at most one check per max_age.
//
// Thread-safe. Callers who arrive while a check runs wait for it and share
// its result instead of starting their own.
#ifndef SOFDIR_SERVER_COMMON_CACHED_STATUS_H_
#define SOFDIR_SERVER_COMMON_CACHED_STATUS_H_

#include <functional>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace sofdir::common {

class CachedStatus {
 public:
  // `check` runs with this class's lock held; it must not call Get.
  CachedStatus(std::function<absl::Status()> check, absl::Duration max_age)
      : check_(std::move(check)), max_age_(max_age) {}

  // The result of the last check if it is younger than max_age, else of a
  // new one.
  [[nodiscard]] absl::Status Get();

 private:
  const std::function<absl::Status()> check_;
  const absl::Duration max_age_;
  absl::Mutex mu_;
  std::optional<absl::Status> last_ ABSL_GUARDED_BY(mu_);
  absl::Time checked_at_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sofdir::common

#endif  // SOFDIR_SERVER_COMMON_CACHED_STATUS_H_
