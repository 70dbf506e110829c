#include "server/domain/update_mask.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/field_mask_util.h"
#include "server/common/echo.h"
#include "server/common/status_macros.h"
#include "server/model/record_util.h"

namespace sofdir::domain {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::util::FieldMaskUtil;
using ::sof::directory::v1::Record;

absl::Status BadPath(absl::string_view path, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("update_mask: \"", common::Echo(path), "\" ", problem));
}

// Checks one path against `kind_message` segment by segment, so that
// FieldMaskUtil only ever sees paths it handles: it splits paths skipping
// empty segments ("address." would mean all of address) and only logs, then
// ignores, sub-paths of lists and scalars.
absl::Status ValidatePath(const Descriptor& kind_message, const std::string& path) {
  const std::string valid = absl::StrCat("; valid: a field of ", kind_message.name(),
                                         ", or a field of one of its messages after a dot, "
                                         "e.g. \"name\" or \"address.district\"");
  if (path.empty())
    return absl::InvalidArgumentError(absl::StrCat("update_mask: empty path", valid));
  const std::vector<absl::string_view> segments = absl::StrSplit(path, '.');
  const Descriptor* message = &kind_message;
  for (size_t i = 0; i < segments.size(); ++i) {
    const absl::string_view segment = segments[i];
    if (segment.empty()) return BadPath(path, absl::StrCat("has an empty field name", valid));
    if (message == nullptr) {
      return BadPath(path, absl::StrCat("goes below ", common::Echo(segments[i - 1]),
                                        ", which has no fields of its own; valid: \"",
                                        common::Echo(segments[i - 1]), "\" as a whole"));
    }
    const FieldDescriptor* field = message->FindFieldByName(std::string(segment));
    if (field == nullptr) {
      return BadPath(path, absl::StrCat("is not a field of ", kind_message.name(),
                                        message == &kind_message
                                            ? std::string()
                                            : absl::StrCat(" (", message->name(), " has no ",
                                                           common::Echo(segment), ")")));
    }
    message = !field->is_repeated() && field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
                  ? field->message_type()
                  : nullptr;
  }
  if (path == "id") return absl::InvalidArgumentError("update_mask: id cannot be changed");
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateUpdateMask(const Descriptor& kind_message,
                                const google::protobuf::FieldMask& mask) {
  for (const std::string& path : mask.paths()) {
    SOFDIR_RETURN_IF_ERROR(ValidatePath(kind_message, path));
  }
  return absl::OkStatus();
}

absl::StatusOr<Record> ApplyUpdateMask(const Record& stored, const Record& input,
                                       const google::protobuf::FieldMask& mask) {
  // FieldMaskUtil::MergeMessageTo CHECK-fails (aborts the process) when
  // the two messages differ in type, so the kinds are compared first.
  const google::protobuf::Message* source = model::KindMessage(input);
  if (source == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("record: no kind set; valid: ", model::ValidKindsText()));
  }
  const sof::directory::v1::RecordKind from = model::KindOf(stored);
  const sof::directory::v1::RecordKind to = model::KindOf(input);
  if (from != to) {
    if (from == sof::directory::v1::RECORD_KIND_UNSPECIFIED) {
      return absl::InvalidArgumentError("record: the stored record has no kind to update");
    }
    return absl::InvalidArgumentError(
        absl::StrCat("record: a ", model::KindName(to), " cannot update ",
                     common::Echo(model::RecordId(input)), ", which is a ", model::KindName(from),
                     "; valid: a ", model::KindName(from), " record with the same id"));
  }
  SOFDIR_RETURN_IF_ERROR(ValidateUpdateMask(*source->GetDescriptor(), mask));
  if (mask.paths().empty()) return model::WithoutMetadata(input);
  Record updated = model::WithoutMetadata(stored);
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(*source, mask, options, model::MutableKindMessage(updated));
  return updated;
}

}  // namespace sofdir::domain
