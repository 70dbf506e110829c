// Automatic retries of a call that is safe to repeat (an idempotent read, or
// a create that carries a request id), for the transient failures a flaky
// network causes: UNAVAILABLE and DEADLINE_EXCEEDED. Any other error is the
// server's answer and is returned at once. Thread-safe (no shared state).
#ifndef SOFDIR_CLIENT_RETRY_H_
#define SOFDIR_CLIENT_RETRY_H_

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sofdir::client {

struct RetryPolicy {
  int retries = 3;  // calls after the first; 0 = no retry
  absl::Duration initial_backoff = absl::Milliseconds(250);
  absl::Duration max_backoff = absl::Seconds(2);
};

// True for UNAVAILABLE and DEADLINE_EXCEEDED: the call may or may not have
// reached the server, so only a call that is safe to repeat may be retried.
bool IsTransient(const absl::Status& status);

// The pause before retry number `retry` (1-based): initial_backoff doubled
// for each earlier retry, at most max_backoff.
absl::Duration BackoffBefore(const RetryPolicy& policy, int retry);

// Calls `call` until it returns anything but a transient error, at most
// 1 + policy.retries times, sleeping BackoffBefore() in between. Before each
// retry `before_retry(retry, error, pause)` is told why (e.g. to say so on
// stderr). Returns the last result.
template <typename T>
absl::StatusOr<T> CallWithRetries(
    const RetryPolicy& policy, absl::FunctionRef<absl::StatusOr<T>()> call,
    absl::FunctionRef<void(int retry, const absl::Status& error, absl::Duration pause)>
        before_retry) {
  absl::StatusOr<T> result = call();
  for (int retry = 1; retry <= policy.retries && !result.ok() && IsTransient(result.status());
       ++retry) {
    const absl::Duration pause = BackoffBefore(policy, retry);
    before_retry(retry, result.status(), pause);
    absl::SleepFor(pause);
    result = call();
  }
  return result;
}

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_RETRY_H_
