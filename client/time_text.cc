#include "client/time_text.h"

#include "absl/time/time.h"
#include "server/model/timestamp.h"

namespace sofdir::client {

std::string UtcText(const google::protobuf::Timestamp& time, const char* format) {
  return absl::FormatTime(format, model::FromTimestamp(time), absl::UTCTimeZone());
}

}  // namespace sofdir::client
