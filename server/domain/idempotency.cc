#include "server/domain/idempotency.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "server/common/echo.h"
#include "server/common/status_macros.h"
#include "server/storage/key_codec.h"

namespace sofdir::domain {

uint64_t RequestFingerprint(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  // FNV-1a: stable across processes and builds, unlike std::hash.
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

absl::StatusOr<std::optional<std::string>> FindEarlierRequest(
    const Directory::Transaction& transaction, const Actor& actor, absl::string_view request_id,
    uint64_t fingerprint) {
  SOFDIR_ASSIGN_OR_RETURN(
      std::optional<std::string> value,
      transaction.Get(storage::ColumnFamily::kMeta,
                      storage::CallerRequestKey(actor.principal, actor.method, request_id)));
  if (!value) return std::optional<std::string>();
  std::optional<storage::CallerRequest> earlier = storage::DecodeCallerRequest(*value);
  if (!earlier) {
    return absl::DataLossError(
        absl::StrCat("the stored request_id \"", common::Echo(request_id), "\" cannot be read"));
  }
  if (earlier->fingerprint != fingerprint) {
    return absl::AlreadyExistsError(absl::StrCat(
        "request_id: \"", common::Echo(request_id), "\" was already used for a different ",
        actor.method.empty() ? "request" : actor.method,
        " request; send a new request_id for a new request (repeat a key only to retry the "
        "same request)"));
  }
  return std::optional<std::string>(std::move(earlier->result_id));
}

void StageRequest(Directory::Transaction& transaction, const Actor& actor,
                  absl::string_view request_id, uint64_t fingerprint, absl::string_view result_id) {
  transaction.Put(storage::ColumnFamily::kMeta,
                  storage::CallerRequestKey(actor.principal, actor.method, request_id),
                  storage::EncodeCallerRequest(fingerprint, result_id));
}

}  // namespace sofdir::domain
