// Small pieces of JSON text for the CLI's `--json` output; the records
// themselves are written by model::RecordToJson*. Thread-safe.
#ifndef SOFDIR_CLIENT_JSON_TEXT_H_
#define SOFDIR_CLIENT_JSON_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "server/common/json_quote.h"

namespace sofdir::client {

// `text` (UTF-8) as a JSON string literal (server/common/json_quote.h).
using common::JsonQuote;

// `value` as a JSON number with 6 significant digits ("12.3457", "0.5");
// "null" for NaN and infinities, which JSON cannot hold.
std::string JsonNumber(double value);

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_JSON_TEXT_H_
