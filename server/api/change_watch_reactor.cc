#include "server/api/change_watch_reactor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/grpc_status.h"

namespace sofdir::api {
namespace {

constexpr int kPageSize = 200;

}  // namespace

ChangeWatchReactor::ChangeWatchReactor(domain::Directory& directory, domain::ChangeFeed& feed,
                                       common::WorkerPool& pool, uint64_t since)
    : directory_(directory), feed_(feed), pool_(pool), core_(std::make_shared<Core>()) {
  {
    absl::MutexLock lock(&core_->mu);
    core_->reactor = this;
    core_->cursor = since;
  }
  pool_.Schedule([core = core_, &directory, &feed, &pool] { Fetch(core, directory, feed, pool); });
}

void ChangeWatchReactor::FinishOnce(Core& core, const grpc::Status& status) {
  if (core.finished) return;
  core.finished = true;
  if (core.wait_handle != 0) feed_.Cancel(core.wait_handle);
  Finish(status);
}

void ChangeWatchReactor::Fetch(const std::shared_ptr<Core>& core, domain::Directory& directory,
                               domain::ChangeFeed& feed, common::WorkerPool& pool) {
  uint64_t cursor;
  {
    absl::MutexLock lock(&core->mu);
    if (core->reactor == nullptr || core->finished) return;
    core->wait_handle = 0;
    cursor = core->cursor;
  }
  sof::directory::v1::ListChangesRequest request;
  request.set_since_sequence(cursor);
  request.set_page_size(kPageSize);
  absl::StatusOr<sof::directory::v1::ListChangesResponse> page = directory.ListChanges(request);

  absl::MutexLock lock(&core->mu);
  ChangeWatchReactor* reactor = core->reactor;
  if (reactor == nullptr || core->finished) return;
  if (!page.ok()) {
    reactor->FinishOnce(*core, ToGrpcStatus(page.status()));
    return;
  }
  for (sof::directory::v1::Change& change : *page->mutable_changes()) {
    core->cursor = change.sequence();
    core->queue.push_back(std::move(change));
  }
  if (!core->queue.empty()) {
    if (!core->writing) {
      core->writing = true;
      reactor->StartWrite(&core->queue.front());
    }
    return;
  }
  if (feed.closed()) {
    reactor->FinishOnce(*core, grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                            absl::StrCat("server is shutting down; reconnect "
                                                         "with since_sequence=",
                                                         core->cursor)));
    return;
  }
  // Caught up: wait for the next durable change. The wake only queues work,
  // so it is safe to register while holding core->mu.
  core->wait_handle = feed.WaitBeyond(core->cursor, [core, &directory, &feed, &pool] {
    pool.Schedule([core, &directory, &feed, &pool] { Fetch(core, directory, feed, pool); });
  });
}

void ChangeWatchReactor::OnWriteDone(bool ok) {
  absl::MutexLock lock(&core_->mu);
  core_->writing = false;
  if (!core_->queue.empty()) core_->queue.pop_front();
  if (!ok) {  // the client has gone
    FinishOnce(*core_, grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
    return;
  }
  if (core_->finished) return;
  if (!core_->queue.empty()) {
    core_->writing = true;
    StartWrite(&core_->queue.front());
    return;
  }
  pool_.Schedule([core = core_, &directory = directory_, &feed = feed_, &pool = pool_] {
    Fetch(core, directory, feed, pool);
  });
}

void ChangeWatchReactor::OnCancel() {
  absl::MutexLock lock(&core_->mu);
  FinishOnce(*core_, grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled"));
}

void ChangeWatchReactor::OnDone() {
  {
    absl::MutexLock lock(&core_->mu);
    core_->reactor = nullptr;
  }
  delete this;
}

}  // namespace sofdir::api
