// iCalendar (RFC 5545) for praktik bookings, so staff calendars follow the
// booking: METHOD:REQUEST while it holds (or waits for) a seat, and
// METHOD:CANCEL with the same UID and a higher SEQUENCE once cancelled.
// Pure functions; thread-safe.
#ifndef SOFDIR_SERVER_DOMAIN_BOOKING_CALENDAR_H_
#define SOFDIR_SERVER_DOMAIN_BOOKING_CALENDAR_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sof/directory/v1/praktik.pb.h"

namespace sofdir::domain {

// Where the visit happens and who hosts it; all optional.
struct CalendarPlace {
  std::string host_name;        // the host unit's name
  std::string address;          // one line
  std::string organizer_name;   // contact person, or the unit
  std::string organizer_email;  // falls back to a no-reply address
};

// The VCALENDAR text for `booking`: CRLF line ends, every content line
// folded at 75 octets, every value written by the helpers below, so no
// value, whatever it holds, can start a property line of its own or break
// the file. `now` is the DTSTAMP.
sof::directory::v1::BookingCalendar BookingCalendarFor(const sof::directory::v1::Booking& booking,
                                                       const CalendarPlace& place, absl::Time now);

// An RFC 5545 TEXT value (3.3.11): backslash, semicolon and comma escaped
// with a backslash; each line break (CRLF, LF or a lone CR) written as
// "\n"; other control characters (C0 but HTAB, DEL, C1) dropped; bytes that
// are not UTF-8 written as U+FFFD.
std::string EscapeIcsText(absl::string_view text);

// A property parameter value such as CN (RFC 5545 3.2 with RFC 6868's
// caret encoding): '^' as "^^", '"' as "^'", each line break as "^n"; other
// control characters dropped and bytes that are not UTF-8 written as
// U+FFFD; the whole value in double quotes when it holds ':', ';' or ','.
std::string IcsParamValue(absl::string_view value);

// "mailto:" and `email` as a URI (a CAL-ADDRESS): control characters
// dropped, every other octet outside a small URI-safe ASCII set (space,
// '"', ',', '?', '#', '%', non-ASCII...) percent-encoded.
std::string IcsMailto(absl::string_view email);

// Folds one content line (without CRLF) into lines of at most 75 octets
// each, CRLF and a space before every continuation line, never splitting
// a UTF-8 sequence (a lead byte with its continuation bytes). Removing
// every CRLF followed by a space gives `line` back.
std::string FoldIcsLine(absl::string_view line);

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_BOOKING_CALENDAR_H_
