// Caller input quoted back in error messages, cut short so that a message
// stays small whatever was sent (a 4 MB id, a control character).
#ifndef SOFDIR_SERVER_COMMON_ECHO_H_
#define SOFDIR_SERVER_COMMON_ECHO_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace sofdir::common {

inline constexpr size_t kMaxEchoBytes = 64;

// `input` as it may appear in a message: at most kMaxEchoBytes bytes, cut
// at a UTF-8 character boundary and ended with "..." when longer; control
// characters (C0, DEL) and bytes that are not valid UTF-8 are written as
// \xNN. Thread-safe (pure).
std::string Echo(absl::string_view input);

}  // namespace sofdir::common

#endif  // SOFDIR_SERVER_COMMON_ECHO_H_
