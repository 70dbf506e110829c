// Helpers over sof.directory.v1.Record that every layer needs: the kind of a
// record, its id, the kind an id names, and the references it holds.
// All functions are pure and thread-safe.
#ifndef SOFDIR_SERVER_MODEL_RECORD_UTIL_H_
#define SOFDIR_SERVER_MODEL_RECORD_UTIL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "sof/directory/v1/records.pb.h"

namespace sofdir::model {

using ::sof::directory::v1::Record;
using ::sof::directory::v1::RecordKind;

// The five kinds in dependency order: a record only refers to kinds before
// it (unit -> person -> tilbud -> praktik -> partner).
inline constexpr RecordKind kAllKinds[] = {RecordKind::UNIT, RecordKind::PERSON, RecordKind::TILBUD,
                                           RecordKind::PRAKTIK, RecordKind::PARTNER};

// "unit", "tilbud", "partner", "praktik", "person"; "" for UNSPECIFIED.
absl::string_view KindName(RecordKind kind);

// The valid kind names for messages, in RecordKind order:
// "unit, tilbud, partner, praktik, person".
absl::string_view ValidKindsText();

// The kind named `name` (as KindName returns it), or nullopt.
std::optional<RecordKind> KindFromName(absl::string_view name);

// The kind an id names by its "<kind>-" prefix, or nullopt.
std::optional<RecordKind> KindFromId(absl::string_view id);

// The kind set in the record's oneof; RECORD_KIND_UNSPECIFIED when none.
RecordKind KindOf(const Record& record);

// The id of the record's kind message; "" when no kind is set.
const std::string& RecordId(const Record& record);

// The kind message of the record (e.g. record.unit()), or nullptr when no
// kind is set. The pointer is owned by `record`.
const google::protobuf::Message* KindMessage(const Record& record);
google::protobuf::Message* MutableKindMessage(Record& record);

// The record's display name: `name`, or `title` for praktik offers.
const std::string& DisplayName(const Record& record);

// A reference from a record to another record.
struct Reference {
  absl::string_view field;   // e.g. "parent_id", "related_unit_ids"
  absl::string_view target;  // the id referred to (points into the record)
  RecordKind target_kind;    // the kind the field must refer to
  bool is_parent;            // the "parent" relation used by List's filter
};

// Every non-empty reference the record holds, in field order.
std::vector<Reference> References(const Record& record);

// A copy of `record` without server-kept metadata (etag, sequences,
// verification).
Record WithoutMetadata(const Record& record);

}  // namespace sofdir::model

#endif  // SOFDIR_SERVER_MODEL_RECORD_UTIL_H_
