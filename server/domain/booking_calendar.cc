#include "server/domain/booking_calendar.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "server/domain/record_validator.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;

constexpr absl::string_view kNoReply = "noreply@sofdir.example.dk";
constexpr absl::string_view kReplacementCharacter = "\xef\xbf\xbd";  // U+FFFD
constexpr size_t kMaxLineOctets = 75;  // RFC 5545 3.1, without the CRLF

// "2027-03-16" -> "20270316"; with `plus_days` for the exclusive DTEND.
// "" when `iso` is not YYYY-MM-DD or the day after 9999-12-31 is asked for
// (RFC 5545 DATE has four-digit years).
std::string IcsDate(const std::string& iso, int plus_days) {
  absl::CivilDay day;
  if (!IsValidDate(iso) || !absl::ParseCivilTime(iso, &day)) return "";
  day += plus_days;
  if (day.year() > 9999) return "";
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}

// The length of the valid UTF-8 sequence `text` starts with, or 0 when it
// does not start with one (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF). `text` is not empty.
size_t Utf8SequenceLength(absl::string_view text) {
  const auto byte = [text](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80;  // bounds of the second byte
  unsigned char high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;   // overlong
    if (lead == 0xed) high = 0x9f;  // surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;   // overlong
    if (lead == 0xf4) high = 0x8f;  // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
  }
  return length;
}

// Walks `text` one character at a time: `on_break()` for each line break
// (CRLF, LF or a lone CR), `on_char(c)` for every other character, a valid
// UTF-8 sequence or U+FFFD in place of a byte that does not start one.
// Control characters other than HTAB (C0, DEL, C1) are dropped: RFC 5545
// allows none in a value, and a reader may take any of them for a break.
template <typename OnChar, typename OnBreak>
void ForEachIcsChar(absl::string_view text, OnChar on_char, OnBreak on_break) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' || c == '\n') {
      on_break();
      i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    const size_t length = Utf8SequenceLength(text.substr(i));
    if (length == 0) {
      on_char(kReplacementCharacter);
      ++i;
      continue;
    }
    const bool c0_or_del = length == 1 && ((c < 0x20 && c != '\t') || c == 0x7f);
    const bool c1 = length == 2 && c == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0;
    if (!c0_or_del && !c1) on_char(text.substr(i, length));
    i += length;
  }
}

// ";CN=<name>", or nothing for an empty name.
std::string CommonName(absl::string_view name) {
  if (name.empty()) return "";
  return absl::StrCat(";CN=", IcsParamValue(name));
}

}  // namespace

std::string EscapeIcsText(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachIcsChar(
      text,
      [&out](absl::string_view c) {
        if (c == "\\" || c == ";" || c == ",") out += '\\';
        out.append(c.data(), c.size());
      },
      [&out] { out += "\\n"; });
  return out;
}

std::string IcsParamValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  ForEachIcsChar(
      value,
      [&out](absl::string_view c) {
        if (c == "^") {
          out += "^^";
        } else if (c == "\"") {
          out += "^'";
        } else {
          out.append(c.data(), c.size());
        }
      },
      [&out] { out += "^n"; });
  if (out.find_first_of(":;,") != std::string::npos) return absl::StrCat("\"", out, "\"");
  return out;
}

std::string IcsMailto(absl::string_view email) {
  std::string out = "mailto:";
  for (const char ch : email) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) continue;
    if (absl::ascii_isalnum(c) ||
        absl::string_view("-._~!$&'()*+=@/").find(ch) != absl::string_view::npos) {
      out += ch;
    } else {
      constexpr absl::string_view kHexDigits = "0123456789ABCDEF";  // RFC 3986 2.1
      out += '%';
      out += kHexDigits[c >> 4];
      out += kHexDigits[c & 0xf];
    }
  }
  return out;
}

std::string FoldIcsLine(absl::string_view line) {
  std::string out;
  out.reserve(line.size() + line.size() / 24);
  size_t width = 0;  // octets on the current physical line
  size_t i = 0;
  while (i < line.size()) {
    // A lead byte and the continuation bytes after it (at most 4 in all)
    // stay on one line, valid UTF-8 or not.
    size_t length = 1;
    while (length < 4 && i + length < line.size() &&
           (static_cast<unsigned char>(line[i + length]) & 0xc0) == 0x80) {
      ++length;
    }
    if (width + length > kMaxLineOctets) {
      out += "\r\n ";
      width = 1;
    }
    out.append(line.data() + i, length);
    width += length;
    i += length;
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
      absl::StrCat("UID:", EscapeIcsText(uid)),
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
  lines.push_back(
      absl::StrCat("ORGANIZER", CommonName(place.organizer_name), ":", IcsMailto(organizer_email)));
  lines.push_back(
      absl::StrCat("ATTENDEE", CommonName(booking.name()), ";ROLE=REQ-PARTICIPANT;PARTSTAT=",
                   cancelled ? "DECLINED" : (status == "TENTATIVE" ? "TENTATIVE" : "ACCEPTED"), ":",
                   IcsMailto(booking.email())));
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
