#include "server/common/log.h"

#include <atomic>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/common/json_quote.h"

namespace sofdir::common {
namespace {

std::atomic<LogFormat> format{LogFormat::kText};

// A text field value: quoted when it has spaces, quotes or is empty.
void AppendTextValue(std::string& out, absl::string_view value) {
  bool plain = !value.empty();
  for (unsigned char c : value) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\') plain = false;
  }
  if (plain) {
    out.append(value.data(), value.size());
  } else {
    AppendJsonString(out, value);
  }
}

}  // namespace

void SetLogFormat(LogFormat new_format) { format.store(new_format); }
LogFormat GetLogFormat() { return format.load(); }

std::string FormatLogLine(LogLevel level, absl::string_view message, const LogFields& fields) {
  const std::string time =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::string line;
  if (format.load(std::memory_order_relaxed) == LogFormat::kJson) {
    const char* name = level == LogLevel::kInfo      ? "info"
                       : level == LogLevel::kWarning ? "warning"
                                                     : "error";
    absl::StrAppend(&line, "{\"time\":\"", time, "\",\"level\":\"", name, "\",\"msg\":");
    AppendJsonString(line, message);
    for (const auto& [key, value] : fields) {
      line += ',';
      AppendJsonString(line, key);
      line += ':';
      AppendJsonString(line, value);
    }
    line += "}\n";
    return line;
  }
  const char* tag = level == LogLevel::kInfo ? "I" : level == LogLevel::kWarning ? "W" : "E";
  absl::StrAppend(&line, tag, " ", time, " ", message);
  for (const auto& [key, value] : fields) {
    absl::StrAppend(&line, " ", key, "=");
    AppendTextValue(line, value);
  }
  line += "\n";
  return line;
}

void Log(LogLevel level, absl::string_view message, const LogFields& fields) {
  std::string line = FormatLogLine(level, message, fields);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace sofdir::common
