// Field-level validation of a record at the API boundary: required fields,
// formats, controlled values, ranges, valid UTF-8 and length limits.
// References to other records are checked by Directory, which can see them.
// Pure functions; thread-safe.
#ifndef SOFDIR_SERVER_DOMAIN_RECORD_VALIDATOR_H_
#define SOFDIR_SERVER_DOMAIN_RECORD_VALIDATOR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sof/directory/v1/records.pb.h"

namespace sofdir::domain {

inline constexpr size_t kMaxNameBytes = 300;
inline constexpr size_t kMaxTextBytes = 20000;  // descriptions
inline constexpr size_t kMaxFieldBytes = 1000;  // every other string
inline constexpr size_t kMaxListEntries = 200;  // every repeated field

// OK, or INVALID_ARGUMENT whose message starts with the field path (e.g.
// "tilbud.free_places: 5 is more than capacity 3") and says what is valid.
[[nodiscard]] absl::Status ValidateRecord(const sof::directory::v1::Record& record);

// OK when `id` is "<kind>-" plus 1-64 of [A-Za-z0-9_-]; else INVALID_ARGUMENT
// naming `field`.
[[nodiscard]] absl::Status ValidateId(absl::string_view field, absl::string_view id);

// OK when `value` looks like an e-mail address (or is empty); else
// INVALID_ARGUMENT naming `field`.
[[nodiscard]] absl::Status ValidateEmail(absl::string_view field, absl::string_view value);

// OK for an empty or 1-128 printable-ASCII idempotency key.
[[nodiscard]] absl::Status ValidateRequestId(absl::string_view request_id);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(absl::string_view text);

// True when `date` is an existing calendar day written YYYY-MM-DD.
bool IsValidDate(absl::string_view date);

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_RECORD_VALIDATOR_H_
