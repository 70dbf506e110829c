// Freshness of the directory's records: when each was last confirmed
// (verified_time, verified_by), confirming a record without changing it,
// and finding the records nobody has confirmed for a while.
//
// A content change confirms a record too (Directory stamps it); imported
// records bring their own last-confirmed day in updated_at (UpdatedAt).
//
// Errors: INVALID_ARGUMENT (a field, naming it), NOT_FOUND, storage errors,
// and a StopCheck's DEADLINE_EXCEEDED or CANCELLED.
//
// Thread-safe (Directory is).
#ifndef SOFDIR_SERVER_DOMAIN_FRESHNESS_H_
#define SOFDIR_SERVER_DOMAIN_FRESHNESS_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/common/stop_check.h"
#include "server/domain/directory.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::domain {

// A record's own updated_at (YYYY-MM-DD) as the start of that day in UTC,
// when it has a valid one.
std::optional<absl::Time> UpdatedAt(const sof::directory::v1::Record& record);

// Marks the record `id` as confirmed now by `actor`, without changing its
// content: one change-log entry with changed_fields ["verified_time"].
// Returns the stored record. NOT_FOUND when absent.
[[nodiscard]] absl::StatusOr<sof::directory::v1::Record> VerifyRecord(Directory& directory,
                                                                      absl::string_view id,
                                                                      const Actor& actor);

// Records whose verified_time is before `cutoff`, oldest first: the first
// `page_size` (0 means 100, at most 1000), fewer when they would exceed
// kMaxPageBytes (page_token.h); total_size counts them all.
// With a `unit`, only records of that unit and the units below it.
[[nodiscard]] absl::StatusOr<sof::directory::v1::ListStaleRecordsResponse> ListStaleRecords(
    const Directory& directory, absl::Time cutoff, absl::string_view unit, int page_size,
    const common::StopCheck& stop = common::StopCheck());

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_FRESHNESS_H_
