#include "server/api/change_visibility.h"

#include <algorithm>
#include <utility>

#include "server/common/status_macros.h"

namespace sofdir::api {

namespace v1 = ::sof::directory::v1;

absl::StatusOr<v1::ListChangesResponse> ReadVisibleChanges(const domain::Directory& directory,
                                                           const v1::ListChangesRequest& request,
                                                           bool with_bookings, int max_reads,
                                                           const common::StopCheck& stop) {
  v1::ListChangesRequest next = request;
  v1::ListChangesResponse visible;
  uint64_t read_up_to = request.since_sequence();
  for (int reads = 0; reads < std::max(max_reads, 1); ++reads) {
    SOFDIR_ASSIGN_OR_RETURN(v1::ListChangesResponse page, directory.ListChanges(next, stop));
    visible.set_last_sequence(page.last_sequence());
    if (page.changes().empty()) break;  // the end of the log
    read_up_to = page.changes(page.changes_size() - 1).sequence();
    if (!with_bookings) DropBookingChanges(*page.mutable_changes());
    for (v1::Change& change : *page.mutable_changes()) *visible.add_changes() = std::move(change);
    if (!visible.changes().empty() || read_up_to >= page.last_sequence()) break;
    next.set_since_sequence(read_up_to);
  }
  visible.set_next_since_sequence(read_up_to);
  return visible;
}

void DropBookingChanges(google::protobuf::RepeatedPtrField<v1::Change>& changes) {
  changes.erase(std::remove_if(changes.begin(), changes.end(),
                               [](const v1::Change& change) { return change.has_booking(); }),
                changes.end());
}

std::vector<std::string> PersonalDataIn(
    const google::protobuf::RepeatedPtrField<v1::Change>& changes) {
  std::vector<std::string> ids;
  for (const v1::Change& change : changes) {
    if (change.has_booking() || (change.has_record() && change.record().has_person())) {
      ids.push_back(change.id());
    }
  }
  return ids;
}

}  // namespace sofdir::api
