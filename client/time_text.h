// Stored times as the CLI prints them: always in UTC, from the one
// Timestamp conversion (server/model/timestamp.h). Thread-safe.
#ifndef SOFDIR_CLIENT_TIME_TEXT_H_
#define SOFDIR_CLIENT_TIME_TEXT_H_

#include <string>

#include "google/protobuf/timestamp.pb.h"

namespace sofdir::client {

// `time` in UTC with an absl::FormatTime `format` ("%Y-%m-%d %H:%M:%S").
std::string UtcText(const google::protobuf::Timestamp& time, const char* format);

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_TIME_TEXT_H_
