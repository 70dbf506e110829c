#include "server/domain/update_mask.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/field_mask_util.h"
#include "server/common/status_macros.h"
#include "server/model/record_util.h"

namespace sofdir::domain {

using ::google::protobuf::util::FieldMaskUtil;
using ::sof::directory::v1::Record;

absl::Status ValidateUpdateMask(const google::protobuf::Descriptor& kind_message,
                                const google::protobuf::FieldMask& mask) {
  for (const std::string& path : mask.paths()) {
    if (!FieldMaskUtil::GetFieldDescriptors(&kind_message, path, nullptr)) {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask: \"", path, "\" is not a field of ", kind_message.name()));
    }
    if (path == "id") return absl::InvalidArgumentError("update_mask: id cannot be changed");
  }
  return absl::OkStatus();
}

absl::StatusOr<Record> ApplyUpdateMask(const Record& stored, const Record& input,
                                       const google::protobuf::FieldMask& mask) {
  if (mask.paths().empty()) return model::WithoutMetadata(input);
  const google::protobuf::Message* source = model::KindMessage(input);
  SOFDIR_RETURN_IF_ERROR(ValidateUpdateMask(*source->GetDescriptor(), mask));
  Record updated = model::WithoutMetadata(stored);
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(*source, mask, options, model::MutableKindMessage(updated));
  return updated;
}

}  // namespace sofdir::domain
