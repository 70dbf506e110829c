// Idempotency keys (AIP-155 request_id) of the calls that create something:
// CreateRecord and BookPraktik. A key belongs to its caller: it is scoped to
// the principal and the method (Actor), so another caller's same key is a
// new, independent request that never sees the first caller's result. With
// the key the server keeps a fingerprint of the request's content: the same
// caller repeating the same request gets the earlier result, and the same
// key reused for a different request is refused.
//
// The key is written in the same transaction as the result, so a key never
// exists without it. Stored as storage::CallerRequestKey.
//
// Thread-safe (pure functions over a Transaction, which holds the write
// lock).
#ifndef SOFDIR_SERVER_DOMAIN_IDEMPOTENCY_H_
#define SOFDIR_SERVER_DOMAIN_IDEMPOTENCY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "server/domain/directory.h"

namespace sofdir::domain {

// A fingerprint of `request`'s content, the same across restarts. The caller
// passes the request without its request_id (and without anything else that
// does not change its meaning).
uint64_t RequestFingerprint(const google::protobuf::Message& request);

// The id of what the earlier request of `actor` with `request_id` made,
// when it had the same `fingerprint`; nullopt when the caller has not used
// the key before. ALREADY_EXISTS naming request_id when the caller used it
// for a different request. Storage errors as Transaction::Get.
[[nodiscard]] absl::StatusOr<std::optional<std::string>> FindEarlierRequest(
    const Directory::Transaction& transaction, const Actor& actor, absl::string_view request_id,
    uint64_t fingerprint);

// Stages `request_id` of `actor` with the request's fingerprint and the id
// of its result, to be committed with the result.
void StageRequest(Directory::Transaction& transaction, const Actor& actor,
                  absl::string_view request_id, uint64_t fingerprint, absl::string_view result_id);

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_IDEMPOTENCY_H_
