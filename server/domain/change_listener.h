// Receives every committed change, in sequence order, right after it is
// durable. The search index implements it to stay equal to what is stored.
#ifndef SOFDIR_SERVER_DOMAIN_CHANGE_LISTENER_H_
#define SOFDIR_SERVER_DOMAIN_CHANGE_LISTENER_H_

#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::domain {

class ChangeListener {
 public:
  virtual ~ChangeListener() = default;

  // Called once per change, in strictly increasing sequence order, one call
  // at a time, after the change is durable (never for a write whose sync
  // failed, until storage has made it durable after all). Runs outside
  // Directory's write lock but under its delivery lock: must not call
  // Directory's writes, and must not fail.
  virtual void OnCommitted(const sof::directory::v1::Change& change) = 0;

  // Called after the changes of one ImportRecords call that created or
  // updated `changed` records have all been delivered, under the same
  // delivery lock (no OnCommitted runs meanwhile). Must not fail.
  virtual void OnImported(size_t changed) {}
};

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_CHANGE_LISTENER_H_
