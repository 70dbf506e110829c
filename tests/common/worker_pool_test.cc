#include "server/common/worker_pool.h"

#include <atomic>

#include "gtest/gtest.h"

namespace sofdir::common {
namespace {

TEST(WorkerPoolTest, RunsEveryScheduledTaskBeforeDestruction) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(3);
    for (int i = 0; i < 1000; ++i) pool.Schedule([&ran] { ran.fetch_add(1); });
  }
  EXPECT_EQ(ran.load(), 1000);
}

}  // namespace
}  // namespace sofdir::common
