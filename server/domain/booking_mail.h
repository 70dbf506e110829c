// The e-mails a booking change sends, in Danish: to the booker when a
// booking is confirmed, waitlisted, promoted from the waitlist or cancelled
// (with the calendar event of booking_calendar.h attached: METHOD:REQUEST,
// or METHOD:CANCEL with the same UID), and a notice to the host offer's
// contact person (when the contact has an e-mail) of who is coming to the
// slot after the change. StageBookingMails puts them into the outbox in the
// transaction of the change itself, so a booking change and its mail are
// stored together or not at all.
//
// Message-IDs are stable per event: "<booking id>.<revision>.<event>@sofdir"
// (the revision grows with every change of a booking), and
// "<booking id>.<revision>.host@sofdir" for the host notice, so a mail
// resent after a crash carries the Message-ID of the first copy.
//
// Pure functions apart from StageBookingMails' reads; thread-safe.
#ifndef SOFDIR_SERVER_DOMAIN_BOOKING_MAIL_H_
#define SOFDIR_SERVER_DOMAIN_BOOKING_MAIL_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/domain/directory.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::domain {

// One booking changed by a transaction, as the transaction leaves it, with
// the sequence of its staged change.
struct BookingEvent {
  sof::directory::v1::Booking booking;
  sof::directory::v1::OutboxMessage::Event event;
  uint64_t change_sequence = 0;
};

// Stages the booker's mail for every event and, per slot touched, one
// notice to the host contact listing who is coming after all `events`
// (CONFIRMED, PROMOTED and CANCELLED events only: a waitlisting changes
// nobody's seat). Call after the bookings' changes are staged.
[[nodiscard]] absl::Status StageBookingMails(Directory::Transaction& transaction,
                                             const std::vector<BookingEvent>& events,
                                             absl::Time now);

// A whole RFC 5322 message without its From header: To, Subject (RFC 2047
// encoded), Date (Europe/Copenhagen), Message-ID, MIME-Version, and a
// multipart/mixed body of `text` (text/plain, UTF-8, base64) and, when
// `ics` is not empty, the calendar (text/calendar; method=`ics_method`,
// base64, invitation.ics). CRLF line ends.
std::string ComposeMail(absl::string_view to, absl::string_view subject,
                        absl::string_view message_id, absl::Time date, absl::string_view text,
                        absl::string_view ics, absl::string_view ics_method);

// "mandag den 7. december 2026", for a YYYY-MM-DD date (the text itself
// when it is not one).
std::string DanishDate(absl::string_view date);

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_BOOKING_MAIL_H_
