#include "server/common/echo.h"

#include "absl/strings/str_format.h"

namespace sofdir::common {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when invalid.
size_t Utf8Length(absl::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  uint32_t min = 0;
  uint32_t cp = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    n = 2, min = 0x80, cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, min = 0x800, cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, min = 0x10000, cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::string Echo(absl::string_view input) {
  std::string out;
  size_t i = 0;
  while (i < input.size()) {
    const size_t n = Utf8Length(input, i);
    const unsigned char c = static_cast<unsigned char>(input[i]);
    const bool escape = n == 0 || c < 0x20 || c == 0x7F;
    const size_t width = escape ? 4 : n;
    if (out.size() + width > kMaxEchoBytes) {
      out += "...";
      return out;
    }
    if (escape) {
      absl::StrAppendFormat(&out, "\\x%02X", c);
      i += 1;
    } else {
      out.append(input.data() + i, n);
      i += n;
    }
  }
  return out;
}

}  // namespace sofdir::common
