// Checks that a stored directory agrees with itself, on Storage reads only
// (sofdir-server --verify): what Directory and PraktikBookings write in one
// batch must still match.
//
//   - every record parses and is stored under its own id;
//   - the change log is gap-free: sequences 1..N, each parsing as a change
//     of that sequence;
//   - refs: every entry matches a reference in the stored record it names,
//     every reference of a record has its entry, and its target exists;
//   - order: every entry names a record created at that sequence, and every
//     record has its entry;
//   - booking_index: every slot entry matches an active booking (its slot,
//     booking order and status), every active booking has one; every e-mail
//     entry matches a booking, every booking has one;
//   - no unit is its own ancestor (parent_id cycles).
//
// Thread-safe (reads only); run it on a Storage nobody writes to, or the
// findings may include writes made while it read.
#ifndef SOFDIR_SERVER_DOMAIN_STORE_VERIFIER_H_
#define SOFDIR_SERVER_DOMAIN_STORE_VERIFIER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/storage/storage.h"

namespace sofdir::domain {

struct StoreReport {
  int records = 0;
  int changes = 0;  // change-log entries
  int refs = 0;     // refs entries
  int order = 0;    // order entries
  int bookings = 0;
  int booking_index = 0;  // booking_index entries
  int units = 0;
  // What is wrong, one line each naming the key or record (at most
  // kMaxProblemsListed; problem_count counts all).
  std::vector<std::string> problems;
  int problem_count = 0;

  bool sound() const { return problem_count == 0; }
};

inline constexpr int kMaxProblemsListed = 100;

// Reads everything in `storage` once. Errors only when reading fails
// (storage's codes); what it finds wrong is in the report.
[[nodiscard]] absl::StatusOr<StoreReport> VerifyStore(const storage::Storage& storage);

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_STORE_VERIFIER_H_
