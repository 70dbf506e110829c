// The JSON Lines format of shared/data/README.md <-> sof.directory.v1.Record.
//
// One line is one JSON object with "id", "kind" and the fields of that kind
// at the top level. Nullable fields (unit.parent_id, tilbud.capacity,
// tilbud.free_places) are written as null when unset, every other field is
// always written, so ParseRecordJson(RecordToJson(r)) == r and an exported
// file equals its import up to field order. Server-kept metadata (etag,
// sequences) is not part of the format. All functions are thread-safe.
#ifndef SOFDIR_SERVER_MODEL_RECORD_JSON_H_
#define SOFDIR_SERVER_MODEL_RECORD_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sof/directory/v1/records.pb.h"

namespace sofdir::model {

// Parses one JSON object. INVALID_ARGUMENT when it is not a JSON object, has
// no or an unknown "kind", has a field the kind does not have, or a value of
// the wrong type; the message names the field.
absl::StatusOr<sof::directory::v1::Record> ParseRecordJson(absl::string_view json);

// Writes the record as one JSON object on one line (no trailing newline).
// The record must have a kind set.
std::string RecordToJson(const sof::directory::v1::Record& record);

// Writes the record with server metadata ("etag", "create_sequence",
// "update_sequence", "verified_time", "verified_by") added, for `--json`
// output of single records.
std::string RecordToJsonWithMetadata(const sof::directory::v1::Record& record);

}  // namespace sofdir::model

#endif  // SOFDIR_SERVER_MODEL_RECORD_JSON_H_
