#include "client/json_text.h"

#include <cmath>

#include "absl/strings/str_format.h"

namespace sofdir::client {

std::string JsonNumber(double value) {
  if (!std::isfinite(value)) return "null";
  return absl::StrFormat("%.6g", value);
}

}  // namespace sofdir::client
