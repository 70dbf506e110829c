// The exit codes of the `sofdir` CLI and the one mapping from an
// absl::Status to them. Scripts rely on these numbers: never renumber.
#ifndef SOFDIR_CLIENT_EXIT_CODES_H_
#define SOFDIR_CLIENT_EXIT_CODES_H_

#include "absl/status/status.h"

namespace sofdir::client {

enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,         // any other error
  kExitUsage = 2,         // bad command line (unknown option, bad KIND ...)
  kExitNotFound = 3,      // NOT_FOUND
  kExitInvalidInput = 4,  // INVALID_ARGUMENT, unreadable JSON, rejected import lines
  kExitUnreachable = 5,   // UNAVAILABLE, DEADLINE_EXCEEDED
  kExitConflict = 6,      // ALREADY_EXISTS, ABORTED, FAILED_PRECONDITION
  kExitNotAllowed = 7,    // UNAUTHENTICATED, PERMISSION_DENIED
};

// The text shown in `sofdir --help` and in client/README.md.
inline constexpr char kExitCodeHelp[] =
    "Exit codes:\n"
    "  0  ok\n"
    "  1  other error\n"
    "  2  usage error (unknown option, bad KIND, missing argument)\n"
    "  3  not found\n"
    "  4  invalid input (rejected by the server, bad JSON file, or an import\n"
    "     with at least one rejected line)\n"
    "  5  server unreachable (not running, wrong --server, or no answer in time)\n"
    "  6  conflict (id taken, etag mismatch, record still referred to, slot\n"
    "     already booked with that e-mail)\n"
    "  7  not allowed (no or unknown --token, or a role that may not do this)\n";

// The exit code for a failed (or OK) call.
inline ExitCode ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return kExitInvalidInput;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitUnreachable;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kFailedPrecondition:
      return kExitConflict;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return kExitNotAllowed;
    default:
      return kExitError;
  }
}

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_EXIT_CODES_H_
