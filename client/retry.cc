#include "client/retry.h"

#include <algorithm>

namespace sofdir::client {

bool IsTransient(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

absl::Duration BackoffBefore(const RetryPolicy& policy, int retry) {
  absl::Duration pause = policy.initial_backoff;
  for (int i = 1; i < retry && pause < policy.max_backoff; ++i) pause *= 2;
  return std::min(pause, policy.max_backoff);
}

}  // namespace sofdir::client
