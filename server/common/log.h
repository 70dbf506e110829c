// Minimal logging to stderr: one line per message, with UTC time and level.
// Thread-safe (each line is written with a single fwrite).
#ifndef SOFDIR_SERVER_COMMON_LOG_H_
#define SOFDIR_SERVER_COMMON_LOG_H_

#include "absl/strings/string_view.h"

namespace sofdir::common {

enum class LogLevel { kInfo, kWarning, kError };

void Log(LogLevel level, absl::string_view message);

inline void LogInfo(absl::string_view message) { Log(LogLevel::kInfo, message); }
inline void LogWarning(absl::string_view message) { Log(LogLevel::kWarning, message); }
inline void LogError(absl::string_view message) { Log(LogLevel::kError, message); }

}  // namespace sofdir::common

#endif  // SOFDIR_SERVER_COMMON_LOG_H_
