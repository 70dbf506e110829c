// One WatchChanges call: replays the change log after the client's
// sequence, then follows it live, one Change per message.
//
// Reads run on the worker pool; while caught up the call waits on the
// ChangeFeed without holding a thread. At most one write is in flight; the
// next page is read only when the previous one is sent, so a slow client
// holds at most one page in memory. Owns itself: gRPC calls OnDone, which
// deletes it; work still queued for it finds it gone and does nothing.
//
// The caller stays checked: after every auth-config reload (and before each
// page, should a reload have happened since the last check) its token is
// looked up again. A token that is gone ends the call with UNAUTHENTICATED,
// one that lost the reader role with PERMISSION_DENIED.
//
// Booking changes reach only callers who see them (SeesBookingChanges,
// checked again after a reload); others get the record changes, with gaps in
// the sequence numbers (change_visibility.h). The persons and bookings of
// each page are written to the read log (method "WatchChanges") before it
// is sent.
#ifndef SOFDIR_SERVER_API_CHANGE_WATCH_REACTOR_H_
#define SOFDIR_SERVER_API_CHANGE_WATCH_REACTOR_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/server_callback.h"
#include "server/api/authorizer.h"
#include "server/common/worker_pool.h"
#include "server/domain/change_feed.h"
#include "server/domain/directory.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::api {

class ChangeWatchReactor : public grpc::ServerWriteReactor<sof::directory::v1::Change> {
 public:
  // The caller, as admitted when the call started.
  struct Caller {
    std::string authorization;  // the "authorization" header value, "" when absent
    std::string principal;      // Principal::name, for the read log
    bool bookings;              // SeesBookingChanges
    uint64_t auth_generation;   // Authorizer::generation() read before admitting it
  };

  // Starts streaming changes after `since`. The references must outlive
  // the call (ServerApp keeps them until the gRPC server has shut down).
  ChangeWatchReactor(domain::Directory& directory, domain::ChangeFeed& feed,
                     common::WorkerPool& pool, Authorizer& authorizer, Caller caller,
                     uint64_t since);

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
    Caller caller ABSL_GUARDED_BY(mu);
  };

  // Reads the next page (on the pool) and starts writing it, or waits.
  static void Fetch(const std::shared_ptr<Core>& core, domain::Directory& directory,
                    domain::ChangeFeed& feed, common::WorkerPool& pool, Authorizer& authorizer);
  // OK while the caller may still watch; refreshes core.caller after a
  // reload. UNAUTHENTICATED or PERMISSION_DENIED, saying why, otherwise.
  static absl::Status CheckCaller(Core& core, const Authorizer& authorizer)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(core.mu);
  // After a reload (on the pool): ends the call if its caller lost access.
  static void Recheck(const std::shared_ptr<Core>& core, const Authorizer& authorizer);
  // Ends the call once; requires core->mu held.
  void FinishOnce(Core& core, const grpc::Status& status);

  domain::Directory& directory_;
  domain::ChangeFeed& feed_;
  common::WorkerPool& pool_;
  Authorizer& authorizer_;
  std::shared_ptr<Core> core_;
  uint64_t reload_handle_ = 0;
};

}  // namespace sofdir::api

#endif  // SOFDIR_SERVER_API_CHANGE_WATCH_REACTOR_H_
