#include "server/domain/praktik_bookings.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/echo.h"
#include "server/common/status_macros.h"
#include "server/domain/booking_calendar.h"
#include "server/domain/booking_mail.h"
#include "server/domain/idempotency.h"
#include "server/domain/page_token.h"
#include "server/domain/record_validator.h"
#include "server/model/record_util.h"
#include "server/model/timestamp.h"
#include "server/storage/key_codec.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;
using model::ToTimestamp;
using storage::ColumnFamily;

constexpr size_t kMaxNoteBytes = 1000;
constexpr int kDefaultBookingsPageSize = 1000;
constexpr int kMaxBookingsPageSize = 5000;
constexpr char kConfirmedMark = 'C';
constexpr char kWaitingMark = 'W';

// The active bookings of one slot, from its index entries (booking order).
struct SlotState {
  int confirmed = 0;
  std::vector<std::string> waiting;  // booking ids, first in line first
  std::vector<std::string> active;   // all active booking ids
};

using ScanFn =
    std::function<absl::Status(ColumnFamily, absl::string_view, absl::string_view,
                               const std::function<bool(absl::string_view, absl::string_view)>&)>;

absl::StatusOr<SlotState> ReadSlot(const ScanFn& scan, absl::string_view offer_id,
                                   absl::string_view start) {
  SlotState state;
  SOFDIR_RETURN_IF_ERROR(scan(ColumnFamily::kBookingIndex,
                              storage::SlotBookingPrefix(offer_id, start), "",
                              [&](absl::string_view, absl::string_view value) {
                                if (value.empty()) return true;
                                std::string id(value.substr(1));
                                if (value[0] == kConfirmedMark) {
                                  ++state.confirmed;
                                } else {
                                  state.waiting.push_back(id);
                                }
                                state.active.push_back(std::move(id));
                                return true;
                              }));
  return state;
}

absl::StatusOr<v1::Booking> ParseBooking(const std::optional<std::string>& bytes,
                                         absl::string_view id) {
  if (!bytes)
    return absl::NotFoundError(absl::StrCat("booking ", common::Echo(id), " does not exist"));
  v1::Booking booking;
  if (!booking.ParseFromString(*bytes)) {
    return absl::DataLossError(
        absl::StrCat("stored booking ", common::Echo(id), " cannot be parsed"));
  }
  return booking;
}

const v1::PraktikSlot* FindSlot(const v1::Praktik& offer, absl::string_view start) {
  for (const v1::PraktikSlot& slot : offer.slots()) {
    if (slot.start() == start) return &slot;
  }
  return nullptr;
}

std::string SlotList(const v1::Praktik& offer) {
  std::vector<std::string> starts;
  for (const v1::PraktikSlot& slot : offer.slots()) starts.push_back(slot.start());
  return starts.empty() ? "none" : absl::StrJoin(starts, ", ");
}

// Stages `booking` (already given its new status) and its change entry;
// returns the change's sequence.
uint64_t StageBooking(Directory::Transaction& transaction, v1::Booking& booking,
                      v1::ChangeType type) {
  transaction.Put(ColumnFamily::kBookings, booking.booking_id(), booking.SerializeAsString());
  v1::Change change;
  change.set_id(booking.booking_id());
  change.set_type(type);
  *change.mutable_booking() = booking;
  return transaction.AddChange(std::move(change));
}

// Gives the waiting booking `id` a seat: status, index entry and change;
// adds the event to `events` (for its mail).
absl::Status StagePromotion(Directory::Transaction& transaction, const std::string& id,
                            absl::Time now, std::vector<BookingEvent>& events) {
  SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                          transaction.Get(ColumnFamily::kBookings, id));
  SOFDIR_ASSIGN_OR_RETURN(v1::Booking booking, ParseBooking(bytes, id));
  booking.set_status(v1::CONFIRMED);
  booking.set_revision(booking.revision() + 1);
  *booking.mutable_update_time() = ToTimestamp(now);
  transaction.Put(
      ColumnFamily::kBookingIndex,
      storage::SlotBookingKey(booking.offer_id(), booking.slot_start(), booking.create_sequence()),
      SlotIndexValue(booking));
  const uint64_t sequence = StageBooking(transaction, booking, v1::CHANGE_UPDATED);
  events.push_back({booking, v1::OutboxMessage::PROMOTED, sequence});
  return absl::OkStatus();
}

}  // namespace

std::string SlotIndexValue(const v1::Booking& booking) {
  return absl::StrCat(
      std::string(1, booking.status() == v1::CONFIRMED ? kConfirmedMark : kWaitingMark),
      booking.booking_id());
}

PraktikBookings::PraktikBookings(Directory& directory, const storage::Storage& storage,
                                 const DirectorySearch* search, Options options)
    : directory_(directory), storage_(storage), search_(search), options_(std::move(options)) {
  directory_.AddGuard(this);
}

absl::StatusOr<v1::Booking> PraktikBookings::Load(absl::string_view booking_id) const {
  SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                          storage_.Get(ColumnFamily::kBookings, booking_id));
  return ParseBooking(bytes, booking_id);
}

absl::Status PraktikBookings::FillPosition(v1::Booking& booking) const {
  booking.set_waitlist_position(0);
  if (booking.status() != v1::WAITLISTED) return absl::OkStatus();
  auto scan = [this](auto&&... args) { return storage_.Scan(args...); };
  SOFDIR_ASSIGN_OR_RETURN(SlotState slot, ReadSlot(scan, booking.offer_id(), booking.slot_start()));
  for (size_t i = 0; i < slot.waiting.size(); ++i) {
    if (slot.waiting[i] == booking.booking_id()) {
      booking.set_waitlist_position(static_cast<int32_t>(i + 1));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Booking> PraktikBookings::Book(const v1::BookPraktikRequest& request,
                                                  const Actor& actor) {
  SOFDIR_RETURN_IF_ERROR(ValidateBookingText(request));
  SOFDIR_RETURN_IF_ERROR(ValidateId("offer_id", request.offer_id()));
  if (model::KindFromId(request.offer_id()) != v1::PRAKTIK) {
    return absl::InvalidArgumentError(
        absl::StrCat("offer_id: \"", request.offer_id(), "\" is not a praktik id"));
  }
  if (!IsValidDate(request.slot_start())) {
    return absl::InvalidArgumentError(absl::StrCat("slot_start: \"",
                                                   common::Echo(request.slot_start()),
                                                   "\" is not a date; valid: YYYY-MM-DD"));
  }
  const std::string name(absl::StripAsciiWhitespace(request.name()));
  if (name.empty()) return absl::InvalidArgumentError("name: required");
  if (name.size() > kMaxNameBytes || !IsValidUtf8(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("name: must be valid UTF-8 of at most ", kMaxNameBytes, " bytes"));
  }
  if (request.email().empty()) return absl::InvalidArgumentError("email: required");
  SOFDIR_RETURN_IF_ERROR(ValidateEmail("email", request.email()));
  if (request.note().size() > kMaxNoteBytes || !IsValidUtf8(request.note())) {
    return absl::InvalidArgumentError(
        absl::StrCat("note: must be valid UTF-8 of at most ", kMaxNoteBytes, " bytes"));
  }
  if (!request.unit_id().empty()) {
    SOFDIR_RETURN_IF_ERROR(ValidateId("unit_id", request.unit_id()));
    if (model::KindFromId(request.unit_id()) != v1::UNIT) {
      return absl::InvalidArgumentError(
          absl::StrCat("unit_id: \"", request.unit_id(), "\" is not a unit id"));
    }
  }
  SOFDIR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const std::string email = absl::AsciiStrToLower(request.email());
  const absl::CivilDay today = options_.today();
  v1::BookPraktikRequest content = request;
  content.clear_request_id();
  const uint64_t fingerprint = RequestFingerprint(content);

  v1::Booking result;
  bool replayed = false;
  SOFDIR_RETURN_IF_ERROR(directory_.Transact(
      [&](Directory::Transaction& tx) -> absl::Status {
        auto scan = [&tx](auto&&... args) { return tx.Scan(args...); };
        if (!request.request_id().empty()) {
          SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> earlier,
                                  FindEarlierRequest(tx, actor, request.request_id(), fingerprint));
          if (earlier) {
            SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                                    tx.Get(ColumnFamily::kBookings, *earlier));
            SOFDIR_ASSIGN_OR_RETURN(result, ParseBooking(bytes, *earlier));
            replayed = true;
            return absl::OkStatus();
          }
        }
        SOFDIR_ASSIGN_OR_RETURN(std::optional<v1::Record> offer, tx.Load(request.offer_id()));
        if (!offer || !offer->has_praktik()) {
          return absl::NotFoundError(
              absl::StrCat("offer_id: ", request.offer_id(), " does not exist"));
        }
        const v1::PraktikSlot* slot = FindSlot(offer->praktik(), request.slot_start());
        if (slot == nullptr) {
          return absl::NotFoundError(
              absl::StrCat("slot_start: ", request.offer_id(), " has no slot starting ",
                           request.slot_start(), "; its slots start ", SlotList(offer->praktik())));
        }
        if (absl::FormatCivilTime(today) >= slot->start()) {
          return absl::InvalidArgumentError(absl::StrCat("slot_start: the ", slot->start(),
                                                         " slot has started; book a later slot"));
        }
        if (!request.unit_id().empty()) {
          SOFDIR_ASSIGN_OR_RETURN(std::optional<v1::Record> unit, tx.Load(request.unit_id()));
          if (!unit) {
            return absl::InvalidArgumentError(
                absl::StrCat("unit_id: ", request.unit_id(), " does not exist"));
          }
        }
        SOFDIR_ASSIGN_OR_RETURN(SlotState state, ReadSlot(scan, request.offer_id(), slot->start()));
        // One active booking per person and slot: look through this person's
        // bookings (few) rather than the slot's (many).
        std::vector<std::string> mine;
        const std::string email_prefix = storage::EmailBookingPrefix(email);
        SOFDIR_RETURN_IF_ERROR(tx.Scan(ColumnFamily::kBookingIndex, email_prefix, "",
                                       [&](absl::string_view key, absl::string_view) {
                                         mine.emplace_back(key.substr(email_prefix.size()));
                                         return true;
                                       }));
        for (const std::string& id : mine) {
          SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                                  tx.Get(ColumnFamily::kBookings, id));
          SOFDIR_ASSIGN_OR_RETURN(v1::Booking other, ParseBooking(bytes, id));
          if (other.status() != v1::CANCELLED && other.offer_id() == request.offer_id() &&
              other.slot_start() == slot->start()) {
            return absl::AlreadyExistsError(absl::StrCat("email: ", common::Echo(request.email()),
                                                         " already holds ", id, " for the ",
                                                         slot->start(), " slot"));
          }
        }

        const uint64_t sequence = tx.NextSequence();
        const absl::Time now = options_.now();
        result.set_booking_id(absl::StrCat("booking-", sequence));
        result.set_offer_id(request.offer_id());
        result.set_slot_start(slot->start());
        result.set_slot_end(slot->end());
        result.set_offer_title(offer->praktik().title());
        result.set_name(name);
        result.set_email(request.email());
        result.set_unit_id(request.unit_id());
        result.set_note(request.note());
        result.set_request_id(request.request_id());
        result.set_create_sequence(sequence);
        *result.mutable_create_time() = ToTimestamp(now);
        *result.mutable_update_time() = ToTimestamp(now);
        const bool seat_free = state.confirmed < slot->seats();
        result.set_status(seat_free ? v1::CONFIRMED : v1::WAITLISTED);
        result.set_waitlist_position(seat_free ? 0
                                               : static_cast<int32_t>(state.waiting.size() + 1));

        tx.Put(ColumnFamily::kBookingIndex,
               storage::SlotBookingKey(request.offer_id(), slot->start(), sequence),
               SlotIndexValue(result));
        tx.Put(ColumnFamily::kBookingIndex, storage::EmailBookingKey(email, result.booking_id()),
               "");
        if (!request.request_id().empty()) {
          StageRequest(tx, actor, request.request_id(), fingerprint, result.booking_id());
        }
        v1::Booking stored = result;
        stored.clear_waitlist_position();
        const uint64_t change = StageBooking(tx, stored, v1::CHANGE_CREATED);
        return StageBookingMails(
            tx,
            {{result, seat_free ? v1::OutboxMessage::CONFIRMED : v1::OutboxMessage::WAITLISTED,
              change}},
            now);
      },
      actor));
  if (replayed) SOFDIR_RETURN_IF_ERROR(FillPosition(result));
  return result;
}

absl::StatusOr<v1::Booking> PraktikBookings::Cancel(absl::string_view booking_id,
                                                    const Actor& actor) {
  if (booking_id.empty()) return absl::InvalidArgumentError("booking_id: required");
  const absl::CivilDay today = options_.today();
  v1::Booking result;
  SOFDIR_RETURN_IF_ERROR(directory_.Transact(
      [&](Directory::Transaction& tx) -> absl::Status {
        auto scan = [&tx](auto&&... args) { return tx.Scan(args...); };
        SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                                tx.Get(ColumnFamily::kBookings, booking_id));
        SOFDIR_ASSIGN_OR_RETURN(result, ParseBooking(bytes, booking_id));
        if (result.status() == v1::CANCELLED) return absl::OkStatus();
        if (absl::FormatCivilTime(today) >= result.slot_start()) {
          return absl::FailedPreconditionError(
              absl::StrCat(common::Echo(booking_id), ": the ", result.slot_start(),
                           " slot has started; bookings can be cancelled until a slot starts"));
        }
        SOFDIR_ASSIGN_OR_RETURN(SlotState state,
                                ReadSlot(scan, result.offer_id(), result.slot_start()));
        const bool held_seat = result.status() == v1::CONFIRMED;
        const absl::Time now = options_.now();
        tx.Delete(ColumnFamily::kBookingIndex,
                  storage::SlotBookingKey(result.offer_id(), result.slot_start(),
                                          result.create_sequence()));
        result.set_status(v1::CANCELLED);
        result.set_revision(result.revision() + 1);
        *result.mutable_update_time() = ToTimestamp(now);
        std::vector<BookingEvent> events = {
            {result, v1::OutboxMessage::CANCELLED, StageBooking(tx, result, v1::CHANGE_UPDATED)}};
        if (held_seat) {
          for (const std::string& id : state.waiting) {
            if (id == booking_id) continue;
            SOFDIR_RETURN_IF_ERROR(StagePromotion(tx, id, now, events));
            break;
          }
        }
        return StageBookingMails(tx, events, now);
      },
      actor));
  return result;
}

absl::StatusOr<v1::Booking> PraktikBookings::Get(absl::string_view booking_id) const {
  if (booking_id.empty()) return absl::InvalidArgumentError("booking_id: required");
  SOFDIR_ASSIGN_OR_RETURN(v1::Booking booking, Load(booking_id));
  SOFDIR_RETURN_IF_ERROR(FillPosition(booking));
  return booking;
}

absl::StatusOr<v1::ListBookingsResponse> PraktikBookings::List(
    const v1::ListBookingsRequest& request) const {
  if (request.email().empty() == request.offer_id().empty()) {
    return absl::InvalidArgumentError("email, offer_id: give exactly one of them");
  }
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size: must be >= 0 (0 means 1000)");
  }
  const std::string fingerprint =
      absl::StrCat("bookings/", absl::AsciiStrToLower(request.email()), "/", request.offer_id(),
                   "/", request.include_cancelled() ? 1 : 0);
  std::string after;
  if (!request.page_token().empty()) {
    SOFDIR_ASSIGN_OR_RETURN(after, DecodePageToken(request.page_token(), fingerprint));
  }
  std::vector<std::string> ids;
  if (!request.email().empty()) {
    SOFDIR_RETURN_IF_ERROR(ValidateEmail("email", request.email()));
    const std::string prefix = storage::EmailBookingPrefix(absl::AsciiStrToLower(request.email()));
    SOFDIR_RETURN_IF_ERROR(storage_.Scan(ColumnFamily::kBookingIndex, prefix, "",
                                         [&](absl::string_view key, absl::string_view) {
                                           ids.emplace_back(key.substr(prefix.size()));
                                           return true;
                                         }));
  } else {
    SOFDIR_RETURN_IF_ERROR(ValidateId("offer_id", request.offer_id()));
    SOFDIR_RETURN_IF_ERROR(storage_.Scan(ColumnFamily::kBookingIndex,
                                         storage::OfferBookingPrefix(request.offer_id()), "",
                                         [&](absl::string_view, absl::string_view value) {
                                           if (!value.empty()) ids.emplace_back(value.substr(1));
                                           return true;
                                         }));
    // An offer that was deleted keeps its bookings listable; one that never
    // existed (a typo) is NOT_FOUND rather than an empty list.
    if (ids.empty()) {
      absl::StatusOr<v1::Record> offer = directory_.Get(request.offer_id());
      if (absl::IsNotFound(offer.status()) || (offer.ok() && !offer->has_praktik())) {
        return absl::NotFoundError(
            absl::StrCat("offer_id: ", request.offer_id(), " is no praktik offer"));
      }
      if (!offer.ok()) return offer.status();
    }
  }
  // Bookings sort by slot, then booking order; a page token holds the
  // last one's key.
  auto order_key = [](const v1::Booking& booking) {
    return absl::StrCat(booking.slot_start(), std::string(1, '\0'),
                        storage::EncodeSequence(booking.create_sequence()));
  };
  std::vector<std::pair<std::string, v1::Booking>> bookings;
  for (const std::string& id : ids) {
    SOFDIR_ASSIGN_OR_RETURN(v1::Booking booking, Load(id));
    if (booking.status() == v1::CANCELLED && !request.include_cancelled()) continue;
    std::string key = order_key(booking);
    if (!after.empty() && key <= after) continue;
    bookings.emplace_back(std::move(key), std::move(booking));
  }
  std::sort(bookings.begin(), bookings.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  v1::ListBookingsResponse response;
  PageBudget page(PageSize(request.page_size(), kDefaultBookingsPageSize, kMaxBookingsPageSize));
  std::string last_key;
  for (auto& [key, booking] : bookings) {
    SOFDIR_RETURN_IF_ERROR(FillPosition(booking));
    if (!page.Fits(booking.ByteSizeLong())) {
      response.set_next_page_token(EncodePageToken(fingerprint, last_key));
      break;
    }
    page.Add(booking.ByteSizeLong());
    last_key = key;
    *response.add_bookings() = std::move(booking);
  }
  return response;
}

absl::StatusOr<v1::ListPraktikOffersResponse> PraktikBookings::ListOffers(
    const v1::ListPraktikOffersRequest& request) const {
  for (const auto& [field, value] : {std::make_pair("from_date", request.from_date()),
                                     std::make_pair("to_date", request.to_date())}) {
    if (!value.empty() && !IsValidDate(value)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": \"", value, "\" is not a date; valid: YYYY-MM-DD"));
    }
  }
  if (request.page_size() < 0 || request.page_size() > 500) {
    return absl::InvalidArgumentError("page_size: must be 0..500 (0 means 50)");
  }
  PageBudget page(request.page_size() == 0 ? 50 : request.page_size());
  // Open slots only: those that start after today.
  std::string from = absl::FormatCivilTime(options_.today() + 1);
  if (request.from_date() > from) from = request.from_date();

  std::vector<v1::Record> offers;
  if (!request.query().empty() && search_ != nullptr) {
    v1::SearchEntriesRequest search;
    search.set_query(request.query());
    search.add_kinds(v1::PRAKTIK);
    search.set_page_size(100);
    SOFDIR_ASSIGN_OR_RETURN(v1::SearchEntriesResponse found, search_->Search(search));
    for (const v1::SearchResult& hit : found.results()) {
      absl::StatusOr<v1::Record> record = directory_.Get(hit.id());
      if (record.ok()) offers.push_back(*std::move(record));
    }
  } else {
    v1::ListRecordsRequest list;
    list.set_kind(v1::PRAKTIK);
    list.set_page_size(kMaxListPageSize);
    while (true) {
      SOFDIR_ASSIGN_OR_RETURN(v1::ListRecordsResponse page, directory_.List(list));
      for (v1::Record& record : *page.mutable_records()) offers.push_back(std::move(record));
      if (page.next_page_token().empty()) break;
      list.set_page_token(page.next_page_token());
    }
  }

  v1::ListPraktikOffersResponse response;
  auto scan = [this](auto&&... args) { return storage_.Scan(args...); };
  for (v1::Record& record : offers) {
    if (!page.Fits(0)) break;
    const v1::Praktik& offer = record.praktik();
    v1::PraktikOfferView view;
    for (const v1::PraktikSlot& slot : offer.slots()) {
      if (slot.start() < from) continue;
      if (!request.to_date().empty() && slot.start() > request.to_date()) continue;
      SOFDIR_ASSIGN_OR_RETURN(SlotState state, ReadSlot(scan, offer.id(), slot.start()));
      const int left = std::max(0, slot.seats() - state.confirmed);
      if (request.only_free() && left == 0) continue;
      v1::SlotAvailability* out = view.add_slots();
      out->set_start(slot.start());
      out->set_end(slot.end());
      out->set_seats(slot.seats());
      out->set_confirmed(state.confirmed);
      out->set_seats_left(left);
      out->set_waitlist_length(static_cast<int32_t>(state.waiting.size()));
    }
    if (view.slots_size() == 0) continue;
    std::sort(view.mutable_slots()->begin(), view.mutable_slots()->end(),
              [](const auto& a, const auto& b) { return a.start() < b.start(); });
    absl::StatusOr<v1::Record> host = directory_.Get(offer.host_unit_id());
    if (host.ok()) view.set_host_unit_name(host->unit().name());
    *view.mutable_offer() = offer;
    if (!page.Fits(view.ByteSizeLong())) break;
    page.Add(view.ByteSizeLong());
    *response.add_offers() = std::move(view);
  }
  return response;
}

absl::StatusOr<v1::BookingCalendar> PraktikBookings::Calendar(absl::string_view booking_id) const {
  SOFDIR_ASSIGN_OR_RETURN(v1::Booking booking, Get(booking_id));
  CalendarPlace place;
  absl::StatusOr<v1::Record> offer = directory_.Get(booking.offer_id());
  if (offer.ok()) {
    absl::StatusOr<v1::Record> host = directory_.Get(offer->praktik().host_unit_id());
    if (host.ok()) {
      const v1::Unit& unit = host->unit();
      place.host_name = unit.name();
      if (!unit.address().street().empty()) {
        place.address = absl::StrCat(unit.address().street(), ", ", unit.address().postcode(), " ",
                                     unit.address().city());
      }
      place.organizer_name = unit.name();
      place.organizer_email = unit.email();
    }
    if (!offer->praktik().contact_person_id().empty()) {
      absl::StatusOr<v1::Record> contact = directory_.Get(offer->praktik().contact_person_id());
      if (contact.ok() && !contact->person().email().empty()) {
        place.organizer_name = contact->person().name();
        place.organizer_email = contact->person().email();
      }
    }
  }
  return BookingCalendarFor(booking, place, options_.now());
}

absl::Status PraktikBookings::OnRecordWrite(Directory::Transaction& transaction,
                                            const v1::Record* before, const v1::Record* after) {
  if (before == nullptr || !before->has_praktik()) return absl::OkStatus();
  const v1::Praktik& old_offer = before->praktik();
  auto scan = [&transaction](auto&&... args) { return transaction.Scan(args...); };

  // Check everything first: a refusal must leave nothing staged.
  std::vector<std::vector<std::string>> promotions;  // waiting ids to seat, per slot
  int stranded = 0;
  std::vector<std::string> stranded_slots;
  for (const v1::PraktikSlot& slot : old_offer.slots()) {
    SOFDIR_ASSIGN_OR_RETURN(SlotState state, ReadSlot(scan, old_offer.id(), slot.start()));
    if (state.active.empty()) continue;
    const v1::PraktikSlot* kept =
        after != nullptr ? FindSlot(after->praktik(), slot.start()) : nullptr;
    if (kept == nullptr) {
      stranded += static_cast<int>(state.active.size());
      stranded_slots.push_back(absl::StrCat(slot.start(), ": ", state.active.size()));
      continue;
    }
    if (kept->seats() < state.confirmed) {
      return absl::FailedPreconditionError(absl::StrCat(
          "praktik.slots: the ", slot.start(), " slot would have ", kept->seats(), " seat(s) but ",
          state.confirmed, " bookings are confirmed; cancel bookings first or keep at least ",
          state.confirmed));
    }
    const size_t extra = static_cast<size_t>(kept->seats() - state.confirmed);
    promotions.emplace_back(state.waiting.begin(),
                            state.waiting.begin() + std::min(extra, state.waiting.size()));
  }
  if (stranded > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(after == nullptr ? old_offer.id() : "praktik.slots", ": ", stranded,
                     " active booking(s) stand in the way (slot ",
                     absl::StrJoin(stranded_slots, ", slot "), "); cancel them first"));
  }
  const absl::Time now = options_.now();
  std::vector<BookingEvent> events;
  for (const std::vector<std::string>& ids : promotions) {
    for (const std::string& id : ids) {
      SOFDIR_RETURN_IF_ERROR(StagePromotion(transaction, id, now, events));
    }
  }
  return StageBookingMails(transaction, events, now);
}

}  // namespace sofdir::domain
