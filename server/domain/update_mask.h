// Update masks of UpdateRecord (AIP-134): which fields of the stored record
// an update replaces. Paths are relative to the record's kind message (e.g.
// "name", "address.district" of a Unit).
//
// Pure functions; thread-safe.
#ifndef SOFDIR_SERVER_DOMAIN_UPDATE_MASK_H_
#define SOFDIR_SERVER_DOMAIN_UPDATE_MASK_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/field_mask.pb.h"
#include "sof/directory/v1/records.pb.h"

namespace sofdir::domain {

// OK when every path of `mask` names a field of `kind_message` (the
// descriptor of Unit, Tilbud, ...) other than id; else INVALID_ARGUMENT
// naming update_mask and the path.
[[nodiscard]] absl::Status ValidateUpdateMask(const google::protobuf::Descriptor& kind_message,
                                              const google::protobuf::FieldMask& mask);

// The record `stored` becomes under an update with `input` and `mask`,
// without server-kept metadata: `input` whole when the mask is empty, else
// `stored` with the fields in `mask` taken from `input` (a message or list
// field named by the mask is replaced, not merged). INVALID_ARGUMENT as
// ValidateUpdateMask.
[[nodiscard]] absl::StatusOr<sof::directory::v1::Record> ApplyUpdateMask(
    const sof::directory::v1::Record& stored, const sof::directory::v1::Record& input,
    const google::protobuf::FieldMask& mask);

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_UPDATE_MASK_H_
