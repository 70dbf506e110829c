#include "server/common/echo.h"

#include "absl/strings/str_format.h"
#include "server/common/utf8.h"

namespace sofdir::common {

std::string Echo(absl::string_view input) {
  std::string out;
  size_t i = 0;
  while (i < input.size()) {
    const std::optional<Utf8Char> decoded = DecodeUtf8(input, i);
    const size_t n = decoded ? decoded->length : 0;
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
