#include "client/retry.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sofdir::client {
namespace {

using ::testing::ElementsAre;

RetryPolicy NoPause(int retries) {
  RetryPolicy policy;
  policy.retries = retries;
  policy.initial_backoff = absl::ZeroDuration();
  return policy;
}

// A call that fails with `errors` in turn, then returns `value`.
struct ScriptedCall {
  std::vector<absl::Status> errors;
  std::string value = "booking-1";
  int calls = 0;

  absl::StatusOr<std::string> operator()() {
    const int call = calls++;
    if (call < static_cast<int>(errors.size())) return errors[call];
    return value;
  }
};

TEST(CallWithRetriesTest, RetriesTransientErrorsUntilTheCallSucceeds) {
  ScriptedCall call{{absl::UnavailableError("down"), absl::DeadlineExceededError("slow")}};
  std::vector<int> retries;
  absl::StatusOr<std::string> result = CallWithRetries<std::string>(
      NoPause(3), [&] { return call(); },
      [&](int retry, const absl::Status&, absl::Duration) { retries.push_back(retry); });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, "booking-1");
  EXPECT_EQ(call.calls, 3);
  EXPECT_THAT(retries, ElementsAre(1, 2));
}

TEST(CallWithRetriesTest, GivesUpAfterTheLastRetryWithTheLastError) {
  ScriptedCall call{
      {absl::UnavailableError("1"), absl::UnavailableError("2"), absl::UnavailableError("3")}};
  absl::StatusOr<std::string> result = CallWithRetries<std::string>(
      NoPause(2), [&] { return call(); }, [](int, const absl::Status&, absl::Duration) {});
  EXPECT_EQ(result.status(), absl::UnavailableError("3"));
  EXPECT_EQ(call.calls, 3);
}

TEST(CallWithRetriesTest, NeverRetriesTheServersAnswer) {
  for (const absl::Status& answer :
       {absl::InvalidArgumentError("email"), absl::NotFoundError("slot"),
        absl::AlreadyExistsError("email holds a booking")}) {
    ScriptedCall call{{answer}};
    absl::StatusOr<std::string> result = CallWithRetries<std::string>(
        NoPause(3), [&] { return call(); }, [](int, const absl::Status&, absl::Duration) {});
    EXPECT_EQ(result.status(), answer);
    EXPECT_EQ(call.calls, 1) << answer;
  }
}

TEST(CallWithRetriesTest, ZeroRetriesCallsOnce) {
  ScriptedCall call{{absl::UnavailableError("down")}};
  absl::StatusOr<std::string> result = CallWithRetries<std::string>(
      NoPause(0), [&] { return call(); }, [](int, const absl::Status&, absl::Duration) {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(call.calls, 1);
}

TEST(BackoffBeforeTest, DoublesUpToTheMaximum) {
  RetryPolicy policy;
  policy.initial_backoff = absl::Milliseconds(250);
  policy.max_backoff = absl::Seconds(1);
  EXPECT_EQ(BackoffBefore(policy, 1), absl::Milliseconds(250));
  EXPECT_EQ(BackoffBefore(policy, 2), absl::Milliseconds(500));
  EXPECT_EQ(BackoffBefore(policy, 3), absl::Seconds(1));
  EXPECT_EQ(BackoffBefore(policy, 10), absl::Seconds(1));
}

}  // namespace
}  // namespace sofdir::client
