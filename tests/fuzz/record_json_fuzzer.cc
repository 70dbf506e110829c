// libFuzzer target: one JSON Lines line of an import (ParseRecordJson) and
// the documented round trip ParseRecordJson(RecordToJson(r)) == r.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/util/message_differencer.h"
#include "server/model/record_json.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace v1 = ::sof::directory::v1;
using ::google::protobuf::util::MessageDifferencer;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view line(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<v1::Record> record = sofdir::model::ParseRecordJson(line);
  if (!record.ok()) {
    sofdir::fuzz::CheckRefusal(record.status(), absl::StatusCode::kInvalidArgument);
    return 0;
  }
  FUZZ_CHECK(record->kind_case() != v1::Record::KIND_NOT_SET, "parsed a record without a kind");
  const std::string json = sofdir::model::RecordToJson(*record);
  FUZZ_CHECK(json.find('\n') == std::string::npos, "RecordToJson wrote more than one line");
  absl::StatusOr<v1::Record> again = sofdir::model::ParseRecordJson(json);
  FUZZ_CHECK(again.ok(), again.status().ToString() + " reading back " + json);
  FUZZ_CHECK(MessageDifferencer::Equals(*record, *again),
             "round trip changed the record: " + record->ShortDebugString() + " became " +
                 again->ShortDebugString());
  (void)sofdir::model::RecordToJsonWithMetadata(*record);
  return 0;
}
