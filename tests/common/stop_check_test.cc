#include "server/common/stop_check.h"

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sofdir::common {
namespace {

using ::testing::HasSubstr;

TEST(StopCheckTest, DefaultNeverStops) {
  EXPECT_TRUE(StopCheck().Check().ok());
  EXPECT_EQ(StopCheck().deadline(), absl::InfiniteFuture());
}

TEST(StopCheckTest, PassedDeadlineIsDeadlineExceededSayingWhose) {
  StopCheck later(absl::Now() + absl::Hours(1), "the call's deadline passed", {});
  EXPECT_TRUE(later.Check().ok());
  StopCheck past(absl::Now() - absl::Milliseconds(1), "the call's deadline passed", {});
  absl::Status stopped = past.Check();
  EXPECT_EQ(stopped.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(stopped.message(), "the call's deadline passed");
  absl::Status told = StoppedWith(stopped, "ExportRecords stopped after 10 records");
  EXPECT_EQ(told.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(told.message(), HasSubstr("ExportRecords stopped after 10 records: the call's"));
}

TEST(StopCheckTest, CancellationWinsAndIsProbedOnlyEveryFewIterations) {
  int probes = 0;
  StopCheck cancelled(absl::InfiniteFuture(), "", [&probes] {
    ++probes;
    return true;
  });
  EXPECT_EQ(cancelled.Check().code(), absl::StatusCode::kCancelled);
  probes = 0;
  int stops = 0;
  for (int64_t i = 0; i < 10 * StopCheck::kEvery; ++i) stops += !cancelled.CheckEvery(i).ok();
  EXPECT_EQ(probes, 10);
  EXPECT_EQ(stops, 10);
}

}  // namespace
}  // namespace sofdir::common
