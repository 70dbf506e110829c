#include "server/domain/booking_calendar.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;

constexpr absl::string_view kNoReply = "noreply@sofdir.example.dk";

// "2027-03-16" -> "20270316"; with `plus_days` for the exclusive DTEND.
std::string IcsDate(const std::string& iso, int plus_days) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(iso, &day)) return "";
  day += plus_days;
  return absl::StrCat(absl::FormatCivilTime(day).substr(0, 4),
                      absl::FormatCivilTime(day).substr(5, 2),
                      absl::FormatCivilTime(day).substr(8, 2));
}

}  // namespace

std::string EscapeIcsText(absl::string_view text) {
  return absl::StrReplaceAll(
      text, {{"\\", "\\\\"}, {";", "\\;"}, {",", "\\,"}, {"\r\n", "\\n"}, {"\n", "\\n"}});
}

std::string FoldIcsLine(absl::string_view line) {
  std::string out;
  size_t width = 0;  // octets on the current physical line
  size_t i = 0;
  while (i < line.size()) {
    size_t len = 1;
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c >= 0xf0) {
      len = 4;
    } else if (c >= 0xe0) {
      len = 3;
    } else if (c >= 0xc0) {
      len = 2;
    }
    len = std::min(len, line.size() - i);
    if (width + len > 75) {
      out += "\r\n ";
      width = 1;
    }
    out.append(line.data() + i, len);
    width += len;
    i += len;
  }
  return out;
}

v1::BookingCalendar BookingCalendarFor(const v1::Booking& booking, const CalendarPlace& place,
                                       absl::Time now) {
  const bool cancelled = booking.status() == v1::CANCELLED;
  const std::string method = cancelled ? "CANCEL" : "REQUEST";
  const std::string status = cancelled                            ? "CANCELLED"
                             : booking.status() == v1::WAITLISTED ? "TENTATIVE"
                                                                  : "CONFIRMED";
  const std::string uid = absl::StrCat(booking.booking_id(), "@sofdir");
  const std::string organizer_email =
      place.organizer_email.empty() ? std::string(kNoReply) : place.organizer_email;
  std::string description =
      absl::StrCat("Praktik i SOF hos ", place.host_name, ". Booking ", booking.booking_id(), ".");
  if (booking.status() == v1::WAITLISTED) {
    absl::StrAppend(&description, " Du står på venteliste som nr. ", booking.waitlist_position(),
                    ".");
  }
  std::vector<std::string> lines = {
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//Koebenhavns Kommune SOF//sofdir//DA",
      "CALSCALE:GREGORIAN",
      absl::StrCat("METHOD:", method),
      "BEGIN:VEVENT",
      absl::StrCat("UID:", uid),
      absl::StrCat("DTSTAMP:", absl::FormatTime("%Y%m%dT%H%M%SZ", now, absl::UTCTimeZone())),
      absl::StrCat("SEQUENCE:", booking.revision()),
      absl::StrCat("DTSTART;VALUE=DATE:", IcsDate(booking.slot_start(), 0)),
      absl::StrCat(
          "DTEND;VALUE=DATE:",
          IcsDate(booking.slot_end().empty() ? booking.slot_start() : booking.slot_end(), 1)),
      absl::StrCat("SUMMARY:", EscapeIcsText(absl::StrCat("Praktik: ", booking.offer_title()))),
  };
  if (!place.address.empty() || !place.host_name.empty()) {
    lines.push_back(absl::StrCat(
        "LOCATION:",
        EscapeIcsText(place.address.empty() ? place.host_name
                                            : absl::StrCat(place.host_name, ", ", place.address))));
  }
  lines.push_back(absl::StrCat("DESCRIPTION:", EscapeIcsText(description)));
  lines.push_back(absl::StrCat("ORGANIZER;CN=\"",
                               absl::StrReplaceAll(place.organizer_name, {{"\"", "'"}}),
                               "\":mailto:", organizer_email));
  lines.push_back(
      absl::StrCat("ATTENDEE;CN=\"", absl::StrReplaceAll(booking.name(), {{"\"", "'"}}),
                   "\";ROLE=REQ-PARTICIPANT;PARTSTAT=",
                   cancelled ? "DECLINED" : (status == "TENTATIVE" ? "TENTATIVE" : "ACCEPTED"),
                   ":mailto:", booking.email()));
  lines.push_back(absl::StrCat("STATUS:", status));
  lines.push_back("END:VEVENT");
  lines.push_back("END:VCALENDAR");

  v1::BookingCalendar calendar;
  std::string ics;
  for (const std::string& line : lines) absl::StrAppend(&ics, FoldIcsLine(line), "\r\n");
  calendar.set_ics(std::move(ics));
  calendar.set_uid(uid);
  calendar.set_method(method);
  return calendar;
}

}  // namespace sofdir::domain
