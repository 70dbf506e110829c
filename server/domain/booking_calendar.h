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

// The VCALENDAR text (CRLF line ends, lines folded at 75 octets) for
// `booking`. `now` is the DTSTAMP.
sof::directory::v1::BookingCalendar BookingCalendarFor(const sof::directory::v1::Booking& booking,
                                                       const CalendarPlace& place, absl::Time now);

// RFC 5545 TEXT escaping: backslash, semicolon, comma and newlines.
std::string EscapeIcsText(absl::string_view text);

// Folds one content line (without CRLF) into lines of at most 75 octets,
// never splitting a UTF-8 sequence; continuation lines start with a space.
std::string FoldIcsLine(absl::string_view line);

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_BOOKING_CALENDAR_H_
