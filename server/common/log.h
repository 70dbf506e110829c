// Minimal logging to stderr: one line per message, with UTC time and level.
// Thread-safe (each line is written with a single fwrite).
//
// Text (the default):  I 2026-12-03T23:40:18.123Z message key=value key="a b"
// JSON (SetLogFormat(kJson), for journald and log shippers): one object per
// line, {"time":"2026-12-03T23:40:18.123Z","level":"info","msg":"message",
// "key":"value"}.
#ifndef SOFDIR_SERVER_COMMON_LOG_H_
#define SOFDIR_SERVER_COMMON_LOG_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace sofdir::common {

enum class LogLevel { kInfo, kWarning, kError };
enum class LogFormat { kText, kJson };

// Process-wide; call once at start-up (main.cc), before other threads log.
void SetLogFormat(LogFormat format);
LogFormat GetLogFormat();

using LogFields = std::vector<std::pair<std::string, std::string>>;

// The line Log writes, without writing it (for tests).
std::string FormatLogLine(LogLevel level, absl::string_view message, const LogFields& fields);

void Log(LogLevel level, absl::string_view message, const LogFields& fields = {});

inline void LogInfo(absl::string_view message) { Log(LogLevel::kInfo, message); }
inline void LogWarning(absl::string_view message) { Log(LogLevel::kWarning, message); }
inline void LogError(absl::string_view message) { Log(LogLevel::kError, message); }

}  // namespace sofdir::common

#endif  // SOFDIR_SERVER_COMMON_LOG_H_
