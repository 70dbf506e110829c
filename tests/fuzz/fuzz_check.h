// Invariant checks for the libFuzzer targets: a failed check prints what
// broke and aborts, which libFuzzer reports as a crash and saves the input.
#ifndef SOFDIR_TESTS_FUZZ_FUZZ_CHECK_H_
#define SOFDIR_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"

// FUZZ_CHECK(condition) << is not supported on purpose: the message is a
// plain string, built only when the check fails.
#define FUZZ_CHECK(condition, message)                                                           \
  do {                                                                                           \
    if (!(condition)) {                                                                          \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: %s\n", __FILE__, __LINE__, #condition, \
                   std::string(message).c_str());                                                \
      std::abort();                                                                              \
    }                                                                                            \
  } while (false)

namespace sofdir::fuzz {

// A refusal of caller input: `code` with a message that says what is wrong
// and stays short whatever the input (echoes are cut at 64 bytes).
inline void CheckRefusal(const absl::Status& status, absl::StatusCode code) {
  FUZZ_CHECK(status.code() == code, status.ToString());
  FUZZ_CHECK(!status.message().empty(), "empty error message");
  FUZZ_CHECK(status.message().size() <= 1024, status.ToString().substr(0, 2048));
}

}  // namespace sofdir::fuzz

#endif  // SOFDIR_TESTS_FUZZ_FUZZ_CHECK_H_
