// UTF-8 decoding one character at a time, for checks that must say where
// text goes wrong (validation messages, Echo). Pure functions; thread-safe.
#ifndef SOFDIR_SERVER_COMMON_UTF8_H_
#define SOFDIR_SERVER_COMMON_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace sofdir::common {

// One decoded character of a text.
struct Utf8Char {
  uint32_t code_point = 0;
  size_t length = 0;  // bytes, 1-4
};

// The character that starts at byte `i` of `text` (i < text.size()), or
// nullopt when the bytes there are not well-formed UTF-8 (truncated,
// overlong, surrogate, above U+10FFFF).
std::optional<Utf8Char> DecodeUtf8(absl::string_view text, size_t i);

// The byte offset of the first byte of `text` that is not part of
// well-formed UTF-8, or nullopt when all of it is.
std::optional<size_t> FirstInvalidUtf8(absl::string_view text);

}  // namespace sofdir::common

#endif  // SOFDIR_SERVER_COMMON_UTF8_H_
