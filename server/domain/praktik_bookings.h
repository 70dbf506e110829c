// "Praktik i SOF" bookings: staff book seats on dated slots of praktik
// offers; a full slot puts them on its waitlist; a cancellation promotes the
// first waiting booking.
//
// Every booking change (with any promotion it causes and its change-log
// entries) is one Directory transaction: atomic and synced before the reply,
// serialised with all other writes, so a slot never has more CONFIRMED
// bookings than seats. As a Directory::WriteGuard it refuses edits of praktik
// offers that would strand bookings (FAILED_PRECONDITION, saying how many)
// and promotes waiting bookings when seats are added.
//
// Errors: INVALID_ARGUMENT naming the field (bad name, e-mail, note, date,
// a slot that has started), NOT_FOUND (offer, slot or booking),
// ALREADY_EXISTS (the e-mail already holds a booking of the slot),
// FAILED_PRECONDITION (cancelling after the slot started).
//
// Each change also puts its e-mails (booking_mail.h) into the outbox in the
// same transaction: the booker's, and the host contact's notice.
//
// Thread-safe.
#ifndef SOFDIR_SERVER_DOMAIN_PRAKTIK_BOOKINGS_H_
#define SOFDIR_SERVER_DOMAIN_PRAKTIK_BOOKINGS_H_

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "server/domain/directory.h"
#include "server/domain/directory_search.h"
#include "server/storage/storage.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::domain {

// The value of an active booking's slot entry in the booking_index column
// family: its status mark and its id (key_codec.h: SlotBookingKey).
std::string SlotIndexValue(const sof::directory::v1::Booking& booking);

class PraktikBookings : public Directory::WriteGuard {
 public:
  struct Options {
    // Today in Copenhagen: slots that start on or before it are closed.
    std::function<absl::CivilDay()> today;
    // Wall clock for timestamps.
    std::function<absl::Time()> now = [] { return absl::Now(); };
  };

  // Registers itself as a guard of `directory`. `search` (may be null) finds
  // offers by text. All must outlive this object.
  PraktikBookings(Directory& directory, const storage::Storage& storage,
                  const DirectorySearch* search, Options options);

  [[nodiscard]] absl::StatusOr<sof::directory::v1::Booking> Book(
      const sof::directory::v1::BookPraktikRequest& request, const Actor& actor = {});
  // Cancelling a cancelled booking returns it unchanged.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::Booking> Cancel(absl::string_view booking_id,
                                                                   const Actor& actor = {});
  [[nodiscard]] absl::StatusOr<sof::directory::v1::Booking> Get(absl::string_view booking_id) const;
  // A page of bookings by slot, then booking order: at most page_size and
  // at most kMaxPageBytes (page_token.h); next_page_token continues it.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListBookingsResponse> List(
      const sof::directory::v1::ListBookingsRequest& request) const;
  // At most page_size offers, fewer when they would exceed kMaxPageBytes
  // (page_token.h).
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListPraktikOffersResponse> ListOffers(
      const sof::directory::v1::ListPraktikOffersRequest& request) const;
  [[nodiscard]] absl::StatusOr<sof::directory::v1::BookingCalendar> Calendar(
      absl::string_view booking_id) const;

  absl::Status OnRecordWrite(Directory::Transaction& transaction,
                             const sof::directory::v1::Record* before,
                             const sof::directory::v1::Record* after) override;

 private:
  absl::StatusOr<sof::directory::v1::Booking> Load(absl::string_view booking_id) const;
  // Sets waitlist_position from the committed slot index.
  absl::Status FillPosition(sof::directory::v1::Booking& booking) const;

  Directory& directory_;
  const storage::Storage& storage_;
  const DirectorySearch* search_;
  Options options_;
};

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_PRAKTIK_BOOKINGS_H_
