// What the `praktik` subcommands print: offers with their slots, bookings
// as one line, as a field list or as a table, and the JSON objects scripts
// read. Pure functions of their arguments; thread-safe.
#ifndef SOFDIR_CLIENT_PRAKTIK_VIEW_H_
#define SOFDIR_CLIENT_PRAKTIK_VIEW_H_

#include <string>

#include "absl/strings/string_view.h"
#include "sof/directory/v1/praktik.pb.h"

namespace sofdir::client {

// "CONFIRMED", "WAITLISTED" or "CANCELLED"; "UNSPECIFIED" for anything else.
std::string BookingStatusName(sof::directory::v1::BookingStatus status);

// "2027-03-16 – 2027-03-18"; just the start when the end is empty or the
// same day.
std::string SlotSpan(absl::string_view start, absl::string_view end);

// Per offer a header line "ID  TITLE · HOST UNIT" and below it, indented,
// one row per slot under SLOT, SEATS, LEFT, WAITLIST (columns aligned across
// all offers), offers separated by a blank line; then "N offers".
// "no praktik offers with open slots\n" when there are none.
std::string FormatPraktikOffers(const sof::directory::v1::ListPraktikOffersResponse& response);

// {"offers":[{"id","title","host_unit_id","host_unit_name",
//   "slots":[{"start","end","seats","seats_left","waitlist_length"}]}]}
// and a newline.
std::string PraktikOffersToJson(const sof::directory::v1::ListPraktikOffersResponse& response);

// One line without newline:
//   booking-123: CONFIRMED for the 2027-03-16 slot of "Praktik i …"
//   booking-124: WAITLISTED, number 3 in line for the 2027-03-16 slot of "…"
//   booking-125: CANCELLED, was for the 2027-03-16 slot of "…"
std::string BookingLine(const sof::directory::v1::Booking& booking);

// What `praktik book` prints: BookingLine, what a waitlisted booker can
// expect, and the command that writes the calendar event.
std::string FormatBookResult(const sof::directory::v1::Booking& booking);

// Every field of one booking as "label: value" lines (`praktik show`).
std::string FormatBookingDetails(const sof::directory::v1::Booking& booking);

// {"booking_id","offer_id","slot_start","slot_end","offer_title","name",
//  "email","unit_id","note","status","waitlist_position","request_id"}
// without a newline; status as BookingStatusName, waitlist_position 0
// unless WAITLISTED.
std::string BookingToJson(const sof::directory::v1::Booking& booking);

// How `praktik bookings` groups its table.
enum class BookingsLayout {
  kByBooker,  // --email: one table, a row per booking with its slot and offer
  kBySlot,    // --offer: per slot a line with its counts, then who is coming
};

// The bookings as a table (see BookingsLayout); "no bookings\n" when empty.
// A waitlisted booking's status reads "WAITLISTED #N".
std::string FormatBookings(const sof::directory::v1::ListBookingsResponse& response,
                           BookingsLayout layout);

// {"bookings":[BookingToJson...]} and a newline.
std::string BookingsToJson(const sof::directory::v1::ListBookingsResponse& response);

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_PRAKTIK_VIEW_H_
