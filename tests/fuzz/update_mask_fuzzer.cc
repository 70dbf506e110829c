// libFuzzer target: update masks (server/domain/update_mask.h). From the
// fuzz bytes: a record kind, a stored record and an input record (protobuf
// wire format, so any field and any other kind can appear) and mask paths
// as any strings. Nothing may abort (FieldMaskUtil CHECK-fails on paths and
// kinds it was not meant to see); what is refused is INVALID_ARGUMENT or
// FAILED_PRECONDITION, and what is applied keeps the stored record's kind.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzzer/FuzzedDataProvider.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/stubs/logging.h"
#include "server/domain/update_mask.h"
#include "sof/directory/v1/records.pb.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace v1 = ::sof::directory::v1;

void CheckRefused(const absl::Status& status) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument ||
                 status.code() == absl::StatusCode::kFailedPrecondition,
             status.ToString());
  sofdir::fuzz::CheckRefusal(status, status.code());
}

}  // namespace

// Records parsed from fuzz bytes often hold invalid UTF-8, which protobuf
// logs on every parse; the log would only slow the run down.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider provider(data, size);
  const google::protobuf::OneofDescriptor* kinds =
      v1::Record::descriptor()->FindOneofByName("kind");
  FUZZ_CHECK(kinds != nullptr && kinds->field_count() > 0, "Record has no oneof kind");
  const google::protobuf::Descriptor* kind =
      kinds->field(provider.ConsumeIntegralInRange<int>(0, kinds->field_count() - 1))
          ->message_type();

  v1::Record stored;
  v1::Record input;
  (void)stored.ParseFromString(provider.ConsumeRandomLengthString(512));
  (void)input.ParseFromString(provider.ConsumeRandomLengthString(512));
  google::protobuf::FieldMask mask;
  const int paths = provider.ConsumeIntegralInRange<int>(0, 6);
  for (int i = 0; i < paths; ++i) mask.add_paths(provider.ConsumeRandomLengthString(40));

  const absl::Status valid = sofdir::domain::ValidateUpdateMask(*kind, mask);
  if (!valid.ok()) {
    sofdir::fuzz::CheckRefusal(valid, absl::StatusCode::kInvalidArgument);
    FUZZ_CHECK(valid.message().find("update_mask") != absl::string_view::npos,
               "the refusal does not name update_mask: " + valid.ToString());
  }

  absl::StatusOr<v1::Record> merged = sofdir::domain::ApplyUpdateMask(stored, input, mask);
  if (!merged.ok()) {
    CheckRefused(merged.status());
    return 0;
  }
  if (mask.paths_size() == 0) return 0;  // what an empty mask means is the helper's to say
  FUZZ_CHECK(
      merged->kind_case() == stored.kind_case() || stored.kind_case() == v1::Record::KIND_NOT_SET,
      "the update changed the record's kind: " + stored.ShortDebugString() + " -> " +
          merged->ShortDebugString());
  return 0;
}
