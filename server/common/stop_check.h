// When long work (an import batch, an export page, an audit scan) must give
// up: a deadline and a cancellation probe, checked by the loops that do the
// work. The API layer builds one from the gRPC call (its deadline, capped by
// the server's own limit, and the client's cancellation); the layers below
// see only this type.
//
// Thread-safe for concurrent Check calls when `cancelled` is.
#ifndef SOFDIR_SERVER_COMMON_STOP_CHECK_H_
#define SOFDIR_SERVER_COMMON_STOP_CHECK_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace sofdir::common {

class StopCheck {
 public:
  // How many loop iterations may pass between two Check calls: checking
  // costs a clock read and an atomic load, so loops check every so often.
  static constexpr int kEvery = 64;

  // Never stops.
  StopCheck() = default;

  // Stops once `deadline` has passed or `cancelled()` returns true (null:
  // never cancelled). `deadline_reason` says whose deadline it is, for the
  // message, e.g. "the call's deadline passed".
  StopCheck(absl::Time deadline, std::string deadline_reason, std::function<bool()> cancelled)
      : deadline_(deadline),
        deadline_reason_(std::move(deadline_reason)),
        cancelled_(std::move(cancelled)) {}

  // OK while the work may go on. Once it must stop: CANCELLED when the
  // caller cancelled, DEADLINE_EXCEEDED when the deadline passed; the
  // message says which, and callers prefix what was (not) done.
  [[nodiscard]] absl::Status Check() const;

  // Check every kEvery-th time it is called with a growing `iteration`
  // (and at iteration 0).
  [[nodiscard]] absl::Status CheckEvery(int64_t iteration) const {
    return iteration % kEvery == 0 ? Check() : absl::OkStatus();
  }

  absl::Time deadline() const { return deadline_; }

 private:
  absl::Time deadline_ = absl::InfiniteFuture();
  std::string deadline_reason_;
  std::function<bool()> cancelled_;
};

// The stop test of one storage scan: its callback calls GoOn() once per
// entry and ends the scan when it returns false; status() then says why,
// with `describe(entries visited)` in front (what was done and what the
// caller gets). Checks `stop` every StopCheck::kEvery entries.
class ScanStop {
 public:
  ScanStop(StopCheck stop, std::function<std::string(int64_t visited)> describe)
      : stop_(std::move(stop)), describe_(std::move(describe)) {}

  bool GoOn();
  // OK unless GoOn returned false.
  const absl::Status& status() const { return status_; }

 private:
  StopCheck stop_;  // a copy, so a temporary may be passed
  std::function<std::string(int64_t)> describe_;
  int64_t visited_ = 0;
  absl::Status status_;
};

// `stopped` (from StopCheck::Check) with `context` in front, keeping its code,
// e.g. "ExportRecords stopped after 1200 records: the call's deadline passed".
absl::Status StoppedWith(const absl::Status& stopped, const std::string& context);

}  // namespace sofdir::common

#endif  // SOFDIR_SERVER_COMMON_STOP_CHECK_H_
