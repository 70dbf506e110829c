// Tells change-feed watchers when the directory's durable sequence moves
// past what they have sent, so streaming calls never poll and never block a
// thread while they wait.
//
// Thread-safe. Wake callbacks run on the thread that advanced the sequence
// (a request thread, after its sync) and must only hand work off.
#ifndef SOFDIR_SERVER_DOMAIN_CHANGE_FEED_H_
#define SOFDIR_SERVER_DOMAIN_CHANGE_FEED_H_

#include <cstdint>
#include <functional>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/domain/directory.h"

namespace sofdir::domain {

class ChangeFeed {
 public:
  // Subscribes to `directory`'s durable sequence; it must outlive this.
  explicit ChangeFeed(Directory& directory);

  // Calls `wake` once, when the durable sequence exceeds `after` or the feed
  // closes; at once (on this thread) when either is already true. Returns a
  // handle for Cancel.
  uint64_t WaitBeyond(uint64_t after, std::function<void()> wake);

  // Forgets a waiter that has not been woken yet.
  void Cancel(uint64_t handle);

  // Wakes every waiter and makes later waits wake at once; watchers then
  // see closed() and end their calls. For shutdown.
  void Close();
  bool closed() const;

 private:
  void Advance(uint64_t durable);

  struct Waiter {
    uint64_t after;
    std::function<void()> wake;
  };

  mutable absl::Mutex mu_;
  uint64_t durable_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_handle_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<uint64_t, Waiter> waiters_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_CHANGE_FEED_H_
