#include "server/domain/change_feed.h"

#include <utility>
#include <vector>

namespace sofdir::domain {

ChangeFeed::ChangeFeed(Directory& directory) : durable_(directory.LastSequence()) {
  directory.AddDurableListener([this](uint64_t durable) { Advance(durable); });
}

uint64_t ChangeFeed::WaitBeyond(uint64_t after, std::function<void()> wake) {
  {
    absl::MutexLock lock(&mu_);
    if (!closed_ && durable_ <= after) {
      const uint64_t handle = next_handle_++;
      waiters_.emplace(handle, Waiter{after, std::move(wake)});
      return handle;
    }
  }
  wake();
  return 0;
}

void ChangeFeed::Cancel(uint64_t handle) {
  absl::MutexLock lock(&mu_);
  waiters_.erase(handle);
}

void ChangeFeed::Close() {
  std::vector<std::function<void()>> woken;
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
    for (auto& [handle, waiter] : waiters_) woken.push_back(std::move(waiter.wake));
    waiters_.clear();
  }
  for (auto& wake : woken) wake();
}

bool ChangeFeed::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_;
}

void ChangeFeed::Advance(uint64_t durable) {
  std::vector<std::function<void()>> woken;
  {
    absl::MutexLock lock(&mu_);
    if (durable <= durable_) return;
    durable_ = durable;
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->second.after < durable) {
        woken.push_back(std::move(it->second.wake));
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& wake : woken) wake();
}

}  // namespace sofdir::domain
