// A fixed pool of threads that run submitted tasks in FIFO order.
//
// The gRPC callback API must never block inside a reaction; handlers hand
// their (possibly disk-bound) work to this pool and finish the reactor from
// there.
//
// Thread-safe: Schedule may be called from any thread. The destructor runs
// every task already scheduled, then joins the threads.
#ifndef SOFDIR_SERVER_COMMON_WORKER_POOL_H_
#define SOFDIR_SERVER_COMMON_WORKER_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace sofdir::common {

class WorkerPool {
 public:
  // Starts `num_threads` (>= 1) threads.
  explicit WorkerPool(int num_threads);
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; it runs on one of the pool's threads.
  void Schedule(std::function<void()> task);

 private:
  void Run();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace sofdir::common

#endif  // SOFDIR_SERVER_COMMON_WORKER_POOL_H_
