// Conversions between absl::Time and google.protobuf.Timestamp, the one
// place every layer turns a clock reading into a stored time and back.
// Pure and thread-safe.
#ifndef SOFDIR_SERVER_MODEL_TIMESTAMP_H_
#define SOFDIR_SERVER_MODEL_TIMESTAMP_H_

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace sofdir::model {

// `time` as seconds since the Unix epoch plus nanos in [0, 999999999]
// (a time before the epoch has negative seconds and positive nanos, as
// Timestamp requires). Sub-nanosecond parts are dropped. `time` must be
// finite; absl::InfiniteFuture/Past give unspecified values.
google::protobuf::Timestamp ToTimestamp(absl::Time time);

// The time `timestamp` names; the inverse of ToTimestamp. An unset
// Timestamp is the Unix epoch.
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);

}  // namespace sofdir::model

#endif  // SOFDIR_SERVER_MODEL_TIMESTAMP_H_
