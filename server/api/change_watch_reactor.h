// One WatchChanges call: replays the change log after the client's
// sequence, then follows it live, one Change per message.
//
// Reads run on the worker pool; while caught up the call waits on the
// ChangeFeed without holding a thread. At most one write is in flight; the
// next page is read only when the previous one is sent, so a slow client
// holds at most one page in memory. Owns itself: gRPC calls OnDone, which
// deletes it; work still queued for it finds it gone and does nothing.
#ifndef SOFDIR_SERVER_API_CHANGE_WATCH_REACTOR_H_
#define SOFDIR_SERVER_API_CHANGE_WATCH_REACTOR_H_

#include <cstdint>
#include <deque>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/server_callback.h"
#include "server/common/worker_pool.h"
#include "server/domain/change_feed.h"
#include "server/domain/directory.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::api {

class ChangeWatchReactor : public grpc::ServerWriteReactor<sof::directory::v1::Change> {
 public:
  // Starts streaming changes after `since`. The references must outlive
  // the call (ServerApp keeps them until the gRPC server has shut down).
  ChangeWatchReactor(domain::Directory& directory, domain::ChangeFeed& feed,
                     common::WorkerPool& pool, uint64_t since);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // State shared with queued work, which may outlive the reactor.
  struct Core {
    absl::Mutex mu;
    ChangeWatchReactor* reactor ABSL_GUARDED_BY(mu);  // null after OnDone
    bool finished ABSL_GUARDED_BY(mu) = false;
    bool writing ABSL_GUARDED_BY(mu) = false;
    uint64_t cursor ABSL_GUARDED_BY(mu);  // last sequence queued
    uint64_t wait_handle ABSL_GUARDED_BY(mu) = 0;
    std::deque<sof::directory::v1::Change> queue ABSL_GUARDED_BY(mu);
  };

  // Reads the next page (on the pool) and starts writing it, or waits.
  static void Fetch(const std::shared_ptr<Core>& core, domain::Directory& directory,
                    domain::ChangeFeed& feed, common::WorkerPool& pool);
  // Ends the call once; requires core->mu held.
  void FinishOnce(Core& core, const grpc::Status& status);

  domain::Directory& directory_;
  domain::ChangeFeed& feed_;
  common::WorkerPool& pool_;
  std::shared_ptr<Core> core_;
};

}  // namespace sofdir::api

#endif  // SOFDIR_SERVER_API_CHANGE_WATCH_REACTOR_H_
