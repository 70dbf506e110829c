// Receives every committed change, in sequence order, right after it is
// durable. The search index implements it to stay equal to what is stored.
#ifndef SOFDIR_SERVER_DOMAIN_CHANGE_LISTENER_H_
#define SOFDIR_SERVER_DOMAIN_CHANGE_LISTENER_H_

#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::domain {

class ChangeListener {
 public:
  virtual ~ChangeListener() = default;

  // Called with Directory's write lock held, once per change, in strictly
  // increasing sequence order. Must not call back into Directory's writes
  // and must not fail: the change is already durable.
  virtual void OnCommitted(const sof::directory::v1::Change& change) = 0;
};

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_CHANGE_LISTENER_H_
