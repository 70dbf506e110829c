// How `sofdir changes` shows change-log entries. Pure functions.
#ifndef SOFDIR_CLIENT_CHANGE_VIEW_H_
#define SOFDIR_CLIENT_CHANGE_VIEW_H_

#include <string>

#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::client {

// One line: sequence, UTC time, type, id and the record's name, e.g.
// "     42  2026-11-23 21:48:30  updated  tilbud-0001  Tomsgården".
std::string FormatChangeLine(const sof::directory::v1::Change& change);

// One JSON object: {"sequence", "id", "type" (created|updated|deleted),
// "kind" (unit|...|booking), "time" (RFC 3339), and "record" (the import
// format plus etag/sequences) or "booking"} — absent for deletes.
std::string ChangeToJson(const sof::directory::v1::Change& change);

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_CHANGE_VIEW_H_
