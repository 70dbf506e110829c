#include "server/model/timestamp.h"

#include "gtest/gtest.h"

namespace sofdir::model {
namespace {

TEST(TimestampTest, KeepsSecondsAndNanos) {
  const absl::Time time = absl::FromUnixSeconds(1780000000) + absl::Nanoseconds(123456789);
  const google::protobuf::Timestamp timestamp = ToTimestamp(time);
  EXPECT_EQ(timestamp.seconds(), 1780000000);
  EXPECT_EQ(timestamp.nanos(), 123456789);
  EXPECT_EQ(FromTimestamp(timestamp), time);
}

TEST(TimestampTest, TimeBeforeTheEpochHasPositiveNanos) {
  const absl::Time time = absl::UnixEpoch() - absl::Milliseconds(1500);
  const google::protobuf::Timestamp timestamp = ToTimestamp(time);
  EXPECT_EQ(timestamp.seconds(), -2);
  EXPECT_EQ(timestamp.nanos(), 500000000);
  EXPECT_EQ(FromTimestamp(timestamp), time);
}

TEST(TimestampTest, DropsSubNanosecondsAndUnsetIsTheEpoch) {
  const absl::Time time =
      absl::FromUnixSeconds(7) + absl::Nanoseconds(5) + absl::Nanoseconds(1) / 4;
  EXPECT_EQ(ToTimestamp(time).nanos(), 5);
  EXPECT_EQ(FromTimestamp(google::protobuf::Timestamp()), absl::UnixEpoch());
}

}  // namespace
}  // namespace sofdir::model
