// Which changes of the change log a caller gets. Booking changes carry the
// booker's name, e-mail, note and request id, so they reach only callers
// who may see every booking (SeesBookingChanges: admins and the sync role);
// everyone else gets the record changes, and sees gaps in the sequence
// numbers where booking changes were left out. Record changes carry persons
// with their contact details, as GetRecord hands them to the same callers.
//
// Thread-safe (pure functions over a thread-safe Directory).
#ifndef SOFDIR_SERVER_API_CHANGE_VISIBILITY_H_
#define SOFDIR_SERVER_API_CHANGE_VISIBILITY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/common/stop_check.h"
#include "server/domain/directory.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::api {

// A page of the changes after request.since_sequence that a caller sees:
// all of them `with_bookings`, else the record changes only. Reads the log
// page by page (request.page_size each) until a page holds a change the
// caller sees, the log ends, or `max_reads` pages were read, so an empty
// answer means there is nothing more to see now unless max_reads ran out.
// next_since_sequence is where the next page starts (past any changes left
// out); last_sequence is the log's. Errors as Directory::ListChanges.
[[nodiscard]] absl::StatusOr<sof::directory::v1::ListChangesResponse> ReadVisibleChanges(
    const domain::Directory& directory, const sof::directory::v1::ListChangesRequest& request,
    bool with_bookings, int max_reads, const common::StopCheck& stop = common::StopCheck());

// Removes the booking changes from `changes`.
void DropBookingChanges(google::protobuf::RepeatedPtrField<sof::directory::v1::Change>& changes);

// The ids whose personal data `changes` hand out, for the read log: the
// persons whose state they carry, and the bookings.
std::vector<std::string> PersonalDataIn(
    const google::protobuf::RepeatedPtrField<sof::directory::v1::Change>& changes);

}  // namespace sofdir::api

#endif  // SOFDIR_SERVER_API_CHANGE_VISIBILITY_H_
