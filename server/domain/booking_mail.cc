#include "server/domain/booking_mail.h"

#include <map>
#include <optional>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "server/common/status_macros.h"
#include "server/domain/booking_calendar.h"
#include "server/domain/outbox.h"
#include "server/model/timestamp.h"
#include "server/storage/key_codec.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;
using model::ToTimestamp;
using storage::ColumnFamily;

constexpr const char* kWeekdays[] = {"mandag", "tirsdag", "onsdag", "torsdag",
                                     "fredag", "lørdag",  "søndag"};
constexpr const char* kMonths[] = {"januar",    "februar", "marts",    "april",
                                   "maj",       "juni",    "juli",     "august",
                                   "september", "oktober", "november", "december"};

absl::TimeZone Copenhagen() {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone("Europe/Copenhagen", &zone)) zone = absl::FixedTimeZone(3600);
  return zone;
}

// Base64 in lines of 76 characters (RFC 2045).
std::string Base64Lines(absl::string_view data) {
  const std::string encoded = absl::Base64Escape(data);
  std::string out;
  for (size_t i = 0; i < encoded.size(); i += 76) {
    absl::StrAppend(&out, encoded.substr(i, 76), "\r\n");
  }
  return out;
}

// An unstructured header value: ASCII as it is, anything else as one RFC
// 2047 encoded word per 45 input bytes (never splitting a UTF-8 sequence).
std::string EncodeHeader(absl::string_view text) {
  bool ascii = true;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80 || c == '\r' || c == '\n') ascii = false;
  }
  if (ascii) return std::string(text);
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.size(), start + 45);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    words.push_back(
        absl::StrCat("=?UTF-8?B?", absl::Base64Escape(text.substr(start, end - start)), "?="));
    start = end;
  }
  return absl::StrJoin(words, "\r\n ");
}

// A header-safe address (no line breaks or angle brackets).
std::string Address(absl::string_view email) {
  std::string out;
  for (char c : email) {
    if (c != '\r' && c != '\n' && c != '<' && c != '>') out.push_back(c);
  }
  return out;
}

const char* EventName(v1::OutboxMessage::Event event) {
  switch (event) {
    case v1::OutboxMessage::CONFIRMED:
      return "confirmed";
    case v1::OutboxMessage::WAITLISTED:
      return "waitlisted";
    case v1::OutboxMessage::PROMOTED:
      return "promoted";
    case v1::OutboxMessage::CANCELLED:
      return "cancelled";
    default:
      return "host";
  }
}

// What the mails say about the offer, read in the transaction.
struct OfferContext {
  std::string title;
  std::string description;
  std::vector<std::string> requirements;
  int seats = 0;
  CalendarPlace place;
  std::string contact_name;
  std::string contact_email;  // empty: no host notice
};

absl::StatusOr<OfferContext> LoadOffer(Directory::Transaction& tx, const v1::Booking& booking) {
  OfferContext context;
  context.title = booking.offer_title();
  SOFDIR_ASSIGN_OR_RETURN(std::optional<v1::Record> offer, tx.Load(booking.offer_id()));
  if (!offer || !offer->has_praktik()) return context;
  const v1::Praktik& praktik = offer->praktik();
  context.title = praktik.title();
  context.description = praktik.description();
  context.requirements.assign(praktik.requirements().begin(), praktik.requirements().end());
  for (const v1::PraktikSlot& slot : praktik.slots()) {
    if (slot.start() == booking.slot_start()) context.seats = slot.seats();
  }
  SOFDIR_ASSIGN_OR_RETURN(std::optional<v1::Record> host, tx.Load(praktik.host_unit_id()));
  if (host && host->has_unit()) {
    const v1::Unit& unit = host->unit();
    context.place.host_name = unit.name();
    context.place.organizer_name = unit.name();
    context.place.organizer_email = unit.email();
    if (!unit.address().street().empty()) {
      context.place.address = absl::StrCat(unit.address().street(), ", ", unit.address().postcode(),
                                           " ", unit.address().city());
    }
  }
  if (!praktik.contact_person_id().empty()) {
    SOFDIR_ASSIGN_OR_RETURN(std::optional<v1::Record> contact,
                            tx.Load(praktik.contact_person_id()));
    if (contact && contact->has_person()) {
      context.contact_name = contact->person().name();
      context.contact_email = contact->person().email();
      if (!context.contact_email.empty()) {
        context.place.organizer_name = context.contact_name;
        context.place.organizer_email = context.contact_email;
      }
    }
  }
  return context;
}

std::string SlotText(const v1::Booking& booking) {
  if (booking.slot_end().empty() || booking.slot_end() == booking.slot_start()) {
    return DanishDate(booking.slot_start());
  }
  return absl::StrCat(DanishDate(booking.slot_start()), " til ", DanishDate(booking.slot_end()));
}

std::string BookerText(const v1::Booking& booking, v1::OutboxMessage::Event event,
                       const OfferContext& offer) {
  std::string text = absl::StrCat("Hej ", booking.name(), "\n\n");
  const std::string visit = absl::StrCat("dit praktikbesøg \"", offer.title, "\"");
  switch (event) {
    case v1::OutboxMessage::CONFIRMED:
      absl::StrAppend(&text, "Tak for din booking: ", visit, " er bekræftet.\n");
      break;
    case v1::OutboxMessage::WAITLISTED:
      absl::StrAppend(&text, "Holdet er fuldt, så du står på venteliste som nr. ",
                      booking.waitlist_position(), " til ", visit,
                      ". Du får en ny mail, hvis du får en plads.\n");
      break;
    case v1::OutboxMessage::PROMOTED:
      absl::StrAppend(&text, "Der er blevet en plads ledig: du er rykket op fra ventelisten, og ",
                      visit, " er nu bekræftet.\n");
      break;
    default:
      absl::StrAppend(&text, "Din booking er aflyst: ", visit, " er taget ud af din kalender.\n");
      break;
  }
  absl::StrAppend(&text, "\nHvornår: ", SlotText(booking), " (hele dagen, dansk tid)\n");
  if (!offer.place.host_name.empty()) {
    absl::StrAppend(&text, "Hvor: ", offer.place.host_name,
                    offer.place.address.empty() ? "" : absl::StrCat(", ", offer.place.address),
                    "\n");
  }
  if (!offer.contact_name.empty()) {
    absl::StrAppend(&text, "Kontaktperson: ", offer.contact_name,
                    offer.contact_email.empty() ? "" : absl::StrCat(" <", offer.contact_email, ">"),
                    "\n");
  }
  if (event != v1::OutboxMessage::CANCELLED) {
    if (!offer.requirements.empty()) {
      absl::StrAppend(&text, "\nDet skal du have med eller være opmærksom på:\n");
      for (const std::string& requirement : offer.requirements) {
        absl::StrAppend(&text, "  - ", requirement, "\n");
      }
    }
    if (!offer.description.empty()) {
      absl::StrAppend(&text, "\nOm besøget:\n", offer.description, "\n");
    }
  }
  absl::StrAppend(&text, "\nBooking: ", booking.booking_id(),
                  event == v1::OutboxMessage::CANCELLED
                      ? "\nAflysningen til din kalender er vedhæftet.\n"
                      : "\nKalenderinvitationen er vedhæftet.\n",
                  "\nVenlig hilsen\nSOF's vejviser (sofdir) - denne mail kan ikke besvares.\n");
  return text;
}

std::string Subject(const v1::Booking& booking, v1::OutboxMessage::Event event,
                    const OfferContext& offer) {
  const char* what = event == v1::OutboxMessage::CONFIRMED    ? "Bekræftet"
                     : event == v1::OutboxMessage::WAITLISTED ? "Venteliste"
                     : event == v1::OutboxMessage::PROMOTED   ? "Du har fået en plads"
                                                              : "Aflyst";
  return absl::StrCat(what, ": praktik \"", offer.title, "\" ", booking.slot_start());
}

v1::OutboxMessage NewMessage(const v1::Booking& booking, v1::OutboxMessage::Event event,
                             absl::string_view recipient, absl::string_view subject,
                             absl::Time now) {
  v1::OutboxMessage message;
  message.set_message_id(absl::StrCat(booking.booking_id(), ".", booking.revision(), ".",
                                      EventName(event), "@sofdir"));
  message.set_event(event);
  message.set_booking_id(booking.booking_id());
  message.set_recipient(std::string(recipient));
  message.set_subject(std::string(subject));
  message.set_state(v1::OutboxMessage::PENDING);
  *message.mutable_create_time() = ToTimestamp(now);
  *message.mutable_next_attempt_time() = ToTimestamp(now);
  return message;
}

// The bookings holding a seat of `last`'s slot once the transaction
// commits: the committed ones, changed by `events`.
absl::StatusOr<std::vector<v1::Booking>> Coming(Directory::Transaction& tx, const v1::Booking& last,
                                                const std::vector<BookingEvent>& events) {
  std::vector<std::string> ids;
  SOFDIR_RETURN_IF_ERROR(tx.Scan(ColumnFamily::kBookingIndex,
                                 storage::SlotBookingPrefix(last.offer_id(), last.slot_start()), "",
                                 [&](absl::string_view, absl::string_view value) {
                                   if (!value.empty() && value[0] == 'C') {
                                     ids.emplace_back(value.substr(1));
                                   }
                                   return true;
                                 }));
  std::map<std::string, const v1::Booking*> changed;
  for (const BookingEvent& event : events) changed[event.booking.booking_id()] = &event.booking;
  std::vector<v1::Booking> coming;
  for (const std::string& id : ids) {
    auto it = changed.find(id);
    if (it != changed.end()) continue;  // added below as it is now
    SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> bytes, tx.Get(ColumnFamily::kBookings, id));
    v1::Booking booking;
    if (bytes && booking.ParseFromString(*bytes)) coming.push_back(std::move(booking));
  }
  for (const BookingEvent& event : events) {
    const v1::Booking& booking = event.booking;
    if (booking.status() == v1::CONFIRMED && booking.offer_id() == last.offer_id() &&
        booking.slot_start() == last.slot_start()) {
      coming.push_back(booking);
    }
  }
  return coming;
}

std::string HostText(const OfferContext& offer, const v1::Booking& slot,
                     const std::vector<const BookingEvent*>& slot_events,
                     const std::vector<v1::Booking>& coming) {
  std::string text = absl::StrCat("Hej ", offer.contact_name, "\n\nNyt om praktikbesøget \"",
                                  offer.title, "\" ", SlotText(slot), ":\n");
  for (const BookingEvent* event : slot_events) {
    const v1::Booking& b = event->booking;
    const char* what = event->event == v1::OutboxMessage::CONFIRMED ? "har booket en plads"
                       : event->event == v1::OutboxMessage::PROMOTED
                           ? "har fået en plads fra ventelisten"
                       : event->event == v1::OutboxMessage::CANCELLED ? "har aflyst"
                                                                      : "står på venteliste";
    absl::StrAppend(&text, "  - ", b.name(), " (", b.email(), ") ", what, "\n");
  }
  absl::StrAppend(&text, "\nDisse kommer (", coming.size(), " af ", offer.seats, " pladser):\n");
  for (const v1::Booking& b : coming) {
    absl::StrAppend(&text, "  - ", b.name(), " <", b.email(), ">",
                    b.note().empty() ? "" : absl::StrCat(" - ", b.note()), "\n");
  }
  if (coming.empty()) absl::StrAppend(&text, "  (ingen)\n");
  absl::StrAppend(&text,
                  "\nVenlig hilsen\nSOF's vejviser (sofdir) - denne mail kan ikke besvares.\n");
  return text;
}

}  // namespace

std::string DanishDate(absl::string_view date) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(date, &day)) return std::string(date);
  const int weekday = static_cast<int>(absl::GetWeekday(day));  // Monday = 0
  return absl::StrCat(kWeekdays[weekday % 7], " den ", day.day(), ". ", kMonths[day.month() - 1],
                      " ", day.year());
}

std::string ComposeMail(absl::string_view to, absl::string_view subject,
                        absl::string_view message_id, absl::Time date, absl::string_view text,
                        absl::string_view ics, absl::string_view ics_method) {
  const std::string boundary =
      absl::StrCat("sofdir-", absl::Base64Escape(message_id).substr(0, 24), "-part");
  std::string mail =
      absl::StrCat("To: <", Address(to), ">\r\n", "Subject: ", EncodeHeader(subject), "\r\n",
                   "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S %z", date, Copenhagen()),
                   "\r\n", "Message-ID: <", message_id, ">\r\n", "MIME-Version: 1.0\r\n",
                   "Content-Type: multipart/mixed; boundary=\"", boundary, "\"\r\n\r\n", "--",
                   boundary, "\r\n", "Content-Type: text/plain; charset=utf-8\r\n",
                   "Content-Transfer-Encoding: base64\r\n\r\n", Base64Lines(text));
  if (!ics.empty()) {
    absl::StrAppend(&mail, "--", boundary, "\r\n",
                    "Content-Type: text/calendar; charset=utf-8; method=", ics_method, "\r\n",
                    "Content-Transfer-Encoding: base64\r\n",
                    "Content-Disposition: attachment; filename=\"invitation.ics\"\r\n\r\n",
                    Base64Lines(ics));
  }
  absl::StrAppend(&mail, "--", boundary, "--\r\n");
  return mail;
}

absl::Status StageBookingMails(Directory::Transaction& tx, const std::vector<BookingEvent>& events,
                               absl::Time now) {
  // Slots touched, in order of their first event: (offer, start) -> events.
  std::vector<std::pair<std::string, std::vector<const BookingEvent*>>> slots;
  for (const BookingEvent& event : events) {
    const v1::Booking& booking = event.booking;
    SOFDIR_ASSIGN_OR_RETURN(OfferContext offer, LoadOffer(tx, booking));
    const std::string subject = Subject(booking, event.event, offer);
    v1::OutboxMessage message = NewMessage(booking, event.event, booking.email(), subject, now);
    const v1::BookingCalendar calendar = BookingCalendarFor(booking, offer.place, now);
    Outbox::Stage(
        tx, event.change_sequence, message,
        ComposeMail(booking.email(), subject, message.message_id(), now,
                    BookerText(booking, event.event, offer), calendar.ics(), calendar.method()));
    if (event.event == v1::OutboxMessage::WAITLISTED) continue;
    const std::string slot_key = absl::StrCat(booking.offer_id(), "/", booking.slot_start());
    auto it = std::find_if(slots.begin(), slots.end(),
                           [&](const auto& slot) { return slot.first == slot_key; });
    if (it == slots.end()) {
      slots.emplace_back(slot_key, std::vector<const BookingEvent*>());
      it = slots.end() - 1;
    }
    it->second.push_back(&event);
  }
  for (const auto& [slot_key, slot_events] : slots) {
    const BookingEvent& last = *slot_events.back();
    SOFDIR_ASSIGN_OR_RETURN(OfferContext offer, LoadOffer(tx, last.booking));
    if (offer.contact_email.empty()) continue;
    SOFDIR_ASSIGN_OR_RETURN(std::vector<v1::Booking> coming, Coming(tx, last.booking, events));
    const std::string subject =
        absl::StrCat("Praktik \"", offer.title, "\" ", last.booking.slot_start(), ": ",
                     coming.size(), " af ", offer.seats, " pladser booket");
    v1::OutboxMessage message =
        NewMessage(last.booking, v1::OutboxMessage::HOST_NOTICE, offer.contact_email, subject, now);
    Outbox::Stage(tx, last.change_sequence, message,
                  ComposeMail(offer.contact_email, subject, message.message_id(), now,
                              HostText(offer, last.booking, slot_events, coming), "", ""));
  }
  return absl::OkStatus();
}

}  // namespace sofdir::domain
