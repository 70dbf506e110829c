#include "server/common/stop_check.h"

#include "absl/strings/str_cat.h"
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

TEST(ScanStopTest, EndsTheScanWhenCancelledAndSaysHowFarItGot) {
  bool cancel = false;
  StopCheck stop(absl::InfiniteFuture(), "", [&] { return cancel; });
  ScanStop scan(stop, [](int64_t visited) { return absl::StrCat("scanned ", visited); });
  int entries = 0;
  for (int i = 0; i < 1000; ++i) {
    if (i == 200) cancel = true;
    if (!scan.GoOn()) break;
    ++entries;
  }
  // Checked every kEvery entries: the first check after 200 is at 256.
  EXPECT_EQ(entries, 4 * StopCheck::kEvery);
  EXPECT_EQ(scan.status().code(), absl::StatusCode::kCancelled);
  EXPECT_THAT(scan.status().message(), HasSubstr("scanned 256: the client cancelled"));
}

TEST(ScanStopTest, StaysOkWhileTheWorkMayGoOn) {
  ScanStop scan(StopCheck(), [](int64_t) { return std::string("never"); });
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(scan.GoOn());
  EXPECT_TRUE(scan.status().ok());
}

}  // namespace
}  // namespace sofdir::common
