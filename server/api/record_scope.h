// Which records an editor may write: those of its units and the units
// below them (Principal::units). Admins may write any record; every check
// here passes for them.
//
// A record's home is the unit it belongs to: a tilbud's or person's
// unit_id, a praktik offer's host_unit_id, any of a partner's
// related_unit_ids; a unit's home is the unit itself where it stands, and
// its parent where it is put. So an editor may rename a unit of its scope
// that hangs under a unit outside it, but may create a unit, or move one,
// only under a unit of its scope, and may create or move no root unit.
//
// Thread-safe; reads the directory, which must outlive it.
#ifndef SOFDIR_SERVER_API_RECORD_SCOPE_H_
#define SOFDIR_SERVER_API_RECORD_SCOPE_H_

#include "absl/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "server/api/authorizer.h"
#include "server/domain/directory.h"
#include "sof/directory/v1/records.pb.h"

namespace sofdir::api {

class RecordScope {
 public:
  explicit RecordScope(const domain::Directory& directory) : directory_(directory) {}

  // OK when `principal` may change or delete `stored` (a record as it is
  // stored, or an offer whose bookings it would see). PERMISSION_DENIED
  // naming the principal otherwise.
  [[nodiscard]] absl::Status CheckStored(const Principal& principal,
                                         const sof::directory::v1::Record& stored) const;

  // OK when `principal` may write `after`: create it (`before` null) or
  // turn `before` (the stored record, passed through CheckStored) into it.
  // PERMISSION_DENIED naming the principal and the unit otherwise.
  [[nodiscard]] absl::Status CheckWrite(const Principal& principal,
                                        const sof::directory::v1::Record& after,
                                        const sof::directory::v1::Record* before) const;

  // The record UpdateRecord would leave, as far as its home goes: `stored`
  // with the home fields that `update` sets under `mask` (all when the mask
  // is empty). `update` itself when it is of another kind (Update refuses
  // that).
  static sof::directory::v1::Record AfterUpdate(const sof::directory::v1::Record& stored,
                                                const sof::directory::v1::Record& update,
                                                const google::protobuf::FieldMask& mask);

 private:
  // OK when any of `homes` is in the principal's scope; else the last refusal.
  absl::Status CheckHomes(const Principal& principal, const std::vector<std::string>& homes) const;

  const domain::Directory& directory_;
};

}  // namespace sofdir::api

#endif  // SOFDIR_SERVER_API_RECORD_SCOPE_H_
