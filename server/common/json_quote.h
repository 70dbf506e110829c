// JSON string literals for the JSON the server and CLI write by hand (HTTP
// error bodies, the OpenAPI document, the CLI's --json output, log lines).
// Records themselves go through protobuf's JSON printer. Thread-safe.
#ifndef SOFDIR_SERVER_COMMON_JSON_QUOTE_H_
#define SOFDIR_SERVER_COMMON_JSON_QUOTE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace sofdir::common {

// Appends `text` (UTF-8) to `out` as a JSON string literal, quotes
// included. Non-ASCII characters are kept as they are. Escaped: quotes,
// backslashes, every control character (U+0000..U+001F and DEL), '<' and
// '>' (so "</script>" cannot end an HTML context the JSON is placed in),
// and U+2028/U+2029 (valid JSON, but line ends in older JavaScript).
void AppendJsonString(std::string& out, absl::string_view text);

// The same, returned.
std::string JsonQuote(absl::string_view text);

}  // namespace sofdir::common

#endif  // SOFDIR_SERVER_COMMON_JSON_QUOTE_H_
