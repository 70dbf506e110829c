#include "server/api/change_watch_reactor.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/api/change_visibility.h"
#include "server/api/grpc_status.h"

namespace sofdir::api {
namespace {

constexpr int kPageSize = 200;
// Pages of the log read at most per fetch while every change is one the
// caller may not see; the next fetch goes on from there.
constexpr int kMaxReadsPerFetch = 10;

}  // namespace

ChangeWatchReactor::ChangeWatchReactor(domain::Directory& directory, domain::ChangeFeed& feed,
                                       common::WorkerPool& pool, Authorizer& authorizer,
                                       Caller caller, uint64_t since)
    : directory_(directory),
      feed_(feed),
      pool_(pool),
      authorizer_(authorizer),
      core_(std::make_shared<Core>()) {
  {
    absl::MutexLock lock(&core_->mu);
    core_->reactor = this;
    core_->cursor = since;
    core_->caller = std::move(caller);
  }
  // The callback runs on the reloading thread: it only queues the check.
  reload_handle_ = authorizer_.OnReload([core = core_, &authorizer, &pool] {
    pool.Schedule([core, &authorizer] { Recheck(core, authorizer); });
  });
  pool_.Schedule([core = core_, &directory, &feed, &pool, &authorizer] {
    Fetch(core, directory, feed, pool, authorizer);
  });
}

void ChangeWatchReactor::FinishOnce(Core& core, const grpc::Status& status) {
  if (core.finished) return;
  core.finished = true;
  if (core.wait_handle != 0) feed_.Cancel(core.wait_handle);
  Finish(status);
}

absl::Status ChangeWatchReactor::CheckCaller(Core& core, const Authorizer& authorizer) {
  const uint64_t generation = authorizer.generation();
  if (generation == core.caller.auth_generation) return absl::OkStatus();
  absl::StatusOr<Principal> principal = authorizer.Authenticate(core.caller.authorization);
  if (!principal.ok()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "authorization: the token of this watch is no longer valid (", principal.status().message(),
        " after the auth config was reloaded); the watch has ended, reconnect with a valid token"));
  }
  absl::Status allowed = authorizer.Authorize(*principal, Permission::kRead);
  if (!allowed.ok()) {
    return absl::Status(
        allowed.code(),
        absl::StrCat(allowed.message(), " (the auth config was reloaded); the watch has ended"));
  }
  core.caller.auth_generation = generation;
  core.caller.principal = principal->name;
  core.caller.bookings = SeesBookingChanges(*principal);
  return absl::OkStatus();
}

void ChangeWatchReactor::Recheck(const std::shared_ptr<Core>& core, const Authorizer& authorizer) {
  absl::MutexLock lock(&core->mu);
  ChangeWatchReactor* reactor = core->reactor;
  if (reactor == nullptr || core->finished) return;
  absl::Status still = CheckCaller(*core, authorizer);
  if (!still.ok()) reactor->FinishOnce(*core, ToGrpcStatus(still));
}

void ChangeWatchReactor::Fetch(const std::shared_ptr<Core>& core, domain::Directory& directory,
                               domain::ChangeFeed& feed, common::WorkerPool& pool,
                               Authorizer& authorizer) {
  uint64_t cursor;
  bool bookings;
  {
    absl::MutexLock lock(&core->mu);
    if (core->reactor == nullptr || core->finished) return;
    core->wait_handle = 0;
    cursor = core->cursor;
    bookings = core->caller.bookings;
  }
  sof::directory::v1::ListChangesRequest request;
  request.set_since_sequence(cursor);
  request.set_page_size(kPageSize);
  absl::StatusOr<sof::directory::v1::ListChangesResponse> page =
      ReadVisibleChanges(directory, request, bookings, kMaxReadsPerFetch);

  // Only a caller that may still watch gets the page, only what it may see
  // now, and its persons and bookings are in the read log before it leaves.
  std::string principal;
  {
    absl::MutexLock lock(&core->mu);
    ChangeWatchReactor* reactor = core->reactor;
    if (reactor == nullptr || core->finished) return;
    absl::Status allowed = page.ok() ? CheckCaller(*core, authorizer) : page.status();
    if (!allowed.ok()) {
      reactor->FinishOnce(*core, ToGrpcStatus(allowed));
      return;
    }
    if (!core->caller.bookings) DropBookingChanges(*page->mutable_changes());
    principal = core->caller.principal;
  }
  absl::Status logged =
      directory.LogPersonReads(PersonalDataIn(page->changes()), principal, "WatchChanges");

  absl::MutexLock lock(&core->mu);
  ChangeWatchReactor* reactor = core->reactor;
  if (reactor == nullptr || core->finished) return;
  if (!logged.ok()) {
    reactor->FinishOnce(*core, ToGrpcStatus(logged));
    return;
  }
  for (sof::directory::v1::Change& change : *page->mutable_changes()) {
    core->queue.push_back(std::move(change));
  }
  core->cursor = std::max(core->cursor, page->next_since_sequence());
  if (!core->queue.empty()) {
    if (!core->writing) {
      core->writing = true;
      reactor->StartWrite(&core->queue.front());
    }
    return;
  }
  if (feed.closed()) {
    reactor->FinishOnce(
        *core, ToGrpcStatus(absl::UnavailableError(absl::StrCat(
                   "server is shutting down; reconnect with since_sequence=", core->cursor))));
    return;
  }
  // Caught up: wait for the next durable change. The wake only queues work,
  // so it is safe to register while holding core->mu.
  core->wait_handle = feed.WaitBeyond(core->cursor, [core, &directory, &feed, &pool, &authorizer] {
    pool.Schedule([core, &directory, &feed, &pool, &authorizer] {
      Fetch(core, directory, feed, pool, authorizer);
    });
  });
}

void ChangeWatchReactor::OnWriteDone(bool ok) {
  absl::MutexLock lock(&core_->mu);
  core_->writing = false;
  if (!core_->queue.empty()) core_->queue.pop_front();
  if (!ok) {  // the client has gone
    FinishOnce(*core_, ToGrpcStatus(absl::CancelledError("client went away")));
    return;
  }
  if (core_->finished) return;
  if (!core_->queue.empty()) {
    core_->writing = true;
    StartWrite(&core_->queue.front());
    return;
  }
  pool_.Schedule([core = core_, &directory = directory_, &feed = feed_, &pool = pool_,
                  &authorizer = authorizer_] { Fetch(core, directory, feed, pool, authorizer); });
}

void ChangeWatchReactor::OnCancel() {
  absl::MutexLock lock(&core_->mu);
  FinishOnce(*core_, ToGrpcStatus(absl::CancelledError("call cancelled")));
}

void ChangeWatchReactor::OnDone() {
  // After this, no reload callback can queue a check that reaches us; checks
  // already queued find the reactor gone.
  authorizer_.CancelOnReload(reload_handle_);
  {
    absl::MutexLock lock(&core_->mu);
    core_->reactor = nullptr;
  }
  delete this;
}

}  // namespace sofdir::api
