#include "client/praktik_view.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "client/json_text.h"
#include "client/table_printer.h"
#include "client/time_text.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;

// Titles and notes are cut here in lines and tables; --json has them whole.
constexpr int kTitleWidth = 80;
constexpr int kDetailValueWidth = 200;

// The table's lines (header first) without their newlines.
std::vector<std::string> TableLines(const TablePrinter& table) {
  std::vector<std::string> lines = absl::StrSplit(table.ToString(), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::string Quoted(absl::string_view title) {
  return absl::StrCat("\"", TruncateToWidth(title, kTitleWidth), "\"");
}

std::string StatusCell(const v1::Booking& booking) {
  if (booking.status() == v1::WAITLISTED && booking.waitlist_position() > 0) {
    return absl::StrCat("WAITLISTED #", booking.waitlist_position());
  }
  return BookingStatusName(booking.status());
}

std::string TimestampText(const google::protobuf::Timestamp& timestamp) {
  return UtcText(timestamp, "%Y-%m-%d %H:%M:%S UTC");
}

}  // namespace

std::string BookingStatusName(v1::BookingStatus status) {
  switch (status) {
    case v1::CONFIRMED:
      return "CONFIRMED";
    case v1::WAITLISTED:
      return "WAITLISTED";
    case v1::CANCELLED:
      return "CANCELLED";
    default:
      return "UNSPECIFIED";
  }
}

std::string SlotSpan(absl::string_view start, absl::string_view end) {
  if (end.empty() || end == start) return std::string(start);
  return absl::StrCat(start, " – ", end);
}

std::string FormatPraktikOffers(const v1::ListPraktikOffersResponse& response) {
  if (response.offers().empty()) return "no praktik offers with open slots\n";
  // One table for every slot so that the columns line up across offers.
  TablePrinter slots({{"SLOT"}, {"SEATS", 0, true}, {"LEFT", 0, true}, {"WAITLIST", 0, true}});
  for (const v1::PraktikOfferView& view : response.offers()) {
    for (const v1::SlotAvailability& slot : view.slots()) {
      slots.AddRow({SlotSpan(slot.start(), slot.end()), absl::StrCat(slot.seats()),
                    absl::StrCat(slot.seats_left()), absl::StrCat(slot.waitlist_length())});
    }
  }
  const std::vector<std::string> lines = TableLines(slots);
  std::string out;
  size_t row = 1;
  for (int i = 0; i < response.offers_size(); ++i) {
    const v1::PraktikOfferView& view = response.offers(i);
    if (i > 0) out += "\n";
    absl::StrAppend(&out, view.offer().id(), "  ",
                    TruncateToWidth(view.offer().title(), kTitleWidth));
    if (!view.host_unit_name().empty()) {
      absl::StrAppend(&out, " · ", TruncateToWidth(view.host_unit_name(), kTitleWidth));
    }
    absl::StrAppend(&out, "\n  ", lines[0], "\n");
    for (int s = 0; s < view.slots_size() && row < lines.size(); ++s) {
      absl::StrAppend(&out, "  ", lines[row++], "\n");
    }
  }
  absl::StrAppend(&out, "\n", response.offers_size(),
                  response.offers_size() == 1 ? " offer\n" : " offers\n");
  return out;
}

std::string PraktikOffersToJson(const v1::ListPraktikOffersResponse& response) {
  std::string out = "{\"offers\":[";
  bool first = true;
  for (const v1::PraktikOfferView& view : response.offers()) {
    absl::StrAppend(&out, first ? "\n" : ",\n", "{\"id\":", JsonQuote(view.offer().id()),
                    ",\"title\":", JsonQuote(view.offer().title()),
                    ",\"host_unit_id\":", JsonQuote(view.offer().host_unit_id()),
                    ",\"host_unit_name\":", JsonQuote(view.host_unit_name()), ",\"slots\":[");
    bool first_slot = true;
    for (const v1::SlotAvailability& slot : view.slots()) {
      absl::StrAppend(&out, first_slot ? "" : ",", "{\"start\":", JsonQuote(slot.start()),
                      ",\"end\":", JsonQuote(slot.end()), ",\"seats\":", slot.seats(),
                      ",\"seats_left\":", slot.seats_left(),
                      ",\"waitlist_length\":", slot.waitlist_length(), "}");
      first_slot = false;
    }
    out += "]}";
    first = false;
  }
  absl::StrAppend(&out, first ? "" : "\n", "]}\n");
  return out;
}

std::string BookingLine(const v1::Booking& booking) {
  const std::string slot =
      absl::StrCat("the ", booking.slot_start(), " slot of ", Quoted(booking.offer_title()));
  switch (booking.status()) {
    case v1::CONFIRMED:
      return absl::StrCat(booking.booking_id(), ": CONFIRMED for ", slot);
    case v1::WAITLISTED:
      if (booking.waitlist_position() > 0) {
        return absl::StrCat(booking.booking_id(), ": WAITLISTED, number ",
                            booking.waitlist_position(), " in line for ", slot);
      }
      return absl::StrCat(booking.booking_id(), ": WAITLISTED for ", slot);
    case v1::CANCELLED:
      return absl::StrCat(booking.booking_id(), ": CANCELLED, was for ", slot);
    default:
      return absl::StrCat(booking.booking_id(), ": ", BookingStatusName(booking.status()), " for ",
                          slot);
  }
}

std::string FormatBookResult(const v1::Booking& booking) {
  std::string out = absl::StrCat(BookingLine(booking), "\n");
  if (booking.status() == v1::WAITLISTED) {
    out += "you are confirmed automatically when a seat frees up\n";
  }
  if (booking.status() != v1::CANCELLED) {
    absl::StrAppend(&out, "calendar: sofdir praktik ics ", booking.booking_id(),
                    " > praktik.ics\n");
  }
  return out;
}

std::string FormatBookingDetails(const v1::Booking& booking) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"booking", booking.booking_id()},
      {"status", StatusCell(booking)},
      {"offer", booking.offer_id()},
      {"title", booking.offer_title()},
      {"slot", SlotSpan(booking.slot_start(), booking.slot_end())},
      {"name", booking.name()},
      {"email", booking.email()},
  };
  if (!booking.unit_id().empty()) fields.emplace_back("unit", booking.unit_id());
  if (!booking.note().empty()) fields.emplace_back("note", booking.note());
  if (!booking.request_id().empty()) fields.emplace_back("request id", booking.request_id());
  if (booking.has_create_time())
    fields.emplace_back("booked", TimestampText(booking.create_time()));
  if (booking.has_update_time()) {
    fields.emplace_back("updated", TimestampText(booking.update_time()));
  }
  return FormatFieldList(fields, kDetailValueWidth);
}

std::string BookingToJson(const v1::Booking& booking) {
  return absl::StrCat(
      "{\"booking_id\":", JsonQuote(booking.booking_id()),
      ",\"offer_id\":", JsonQuote(booking.offer_id()),
      ",\"slot_start\":", JsonQuote(booking.slot_start()),
      ",\"slot_end\":", JsonQuote(booking.slot_end()),
      ",\"offer_title\":", JsonQuote(booking.offer_title()),
      ",\"name\":", JsonQuote(booking.name()), ",\"email\":", JsonQuote(booking.email()),
      ",\"unit_id\":", JsonQuote(booking.unit_id()), ",\"note\":", JsonQuote(booking.note()),
      ",\"status\":", JsonQuote(BookingStatusName(booking.status())), ",\"waitlist_position\":",
      booking.status() == v1::WAITLISTED ? booking.waitlist_position() : 0,
      ",\"request_id\":", JsonQuote(booking.request_id()), "}");
}

std::string FormatBookings(const v1::ListBookingsResponse& response, BookingsLayout layout) {
  if (response.bookings().empty()) return "no bookings\n";
  if (layout == BookingsLayout::kByBooker) {
    TablePrinter table({{"BOOKING"}, {"STATUS"}, {"SLOT"}, {"OFFER"}, {"TITLE", 50}});
    for (const v1::Booking& booking : response.bookings()) {
      table.AddRow({booking.booking_id(), StatusCell(booking),
                    SlotSpan(booking.slot_start(), booking.slot_end()), booking.offer_id(),
                    booking.offer_title()});
    }
    return table.ToString();
  }

  // One table so that the columns line up across slots; the server sends
  // the bookings by slot, then in booking order.
  TablePrinter table({{"BOOKING"}, {"STATUS"}, {"NAME", 30}, {"EMAIL"}, {"UNIT"}, {"NOTE", 40}});
  for (const v1::Booking& booking : response.bookings()) {
    table.AddRow({booking.booking_id(), StatusCell(booking), booking.name(), booking.email(),
                  booking.unit_id(), booking.note()});
  }
  const std::vector<std::string> lines = TableLines(table);
  const auto& bookings = response.bookings();
  std::string out;
  for (int begin = 0; begin < bookings.size();) {
    int end = begin;
    int counts[4] = {0, 0, 0, 0};
    while (end < bookings.size() && bookings[end].offer_id() == bookings[begin].offer_id() &&
           bookings[end].slot_start() == bookings[begin].slot_start()) {
      const int status = bookings[end].status();
      if (status >= 0 && status < 4) ++counts[status];
      ++end;
    }
    const v1::Booking& first = bookings[begin];
    if (begin > 0) out += "\n";
    absl::StrAppend(&out, SlotSpan(first.slot_start(), first.slot_end()), "  ", first.offer_id(),
                    " ", Quoted(first.offer_title()), ": ", counts[v1::CONFIRMED], " confirmed, ",
                    counts[v1::WAITLISTED], " waitlisted");
    if (counts[v1::CANCELLED] > 0) absl::StrAppend(&out, ", ", counts[v1::CANCELLED], " cancelled");
    absl::StrAppend(&out, "\n  ", lines[0], "\n");
    for (int i = begin; i < end; ++i) absl::StrAppend(&out, "  ", lines[i + 1], "\n");
    begin = end;
  }
  return out;
}

std::string BookingsToJson(const v1::ListBookingsResponse& response) {
  std::string out = "{\"bookings\":[";
  bool first = true;
  for (const v1::Booking& booking : response.bookings()) {
    absl::StrAppend(&out, first ? "\n" : ",\n", BookingToJson(booking));
    first = false;
  }
  absl::StrAppend(&out, first ? "" : "\n", "]}\n");
  return out;
}

}  // namespace sofdir::client
