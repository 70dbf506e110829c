// libFuzzer target: the iCalendar writer (BookingCalendarFor and its value
// writers) on any booking and place text. Whatever the values hold, the
// output is well-formed folded iCalendar: CRLF line ends only, no line over
// 75 octets, no control character, no fold inside a UTF-8 character, and
// exactly the writer's own properties (no value starts a line of its own).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fuzzer/FuzzedDataProvider.h"
#include "server/domain/booking_calendar.h"
#include "server/search/text_folder.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/testing/ics.h"

namespace {

namespace v1 = ::sof::directory::v1;
using ::sofdir::testing::FoldSplitsACharacter;
using ::sofdir::testing::IcsContentLines;
using ::sofdir::testing::IcsLineProblems;
using ::sofdir::testing::IcsPropertyName;
using ::sofdir::testing::UnescapeIcsText;
using ::sofdir::testing::UnfoldIcs;

// How often each property may appear in one calendar.
const std::map<std::string, int>& AllowedProperties() {
  static const auto* allowed = new std::map<std::string, int>{
      {"BEGIN", 2},    {"END", 2},     {"VERSION", 1},  {"PRODID", 1},      {"CALSCALE", 1},
      {"METHOD", 1},   {"UID", 1},     {"DTSTAMP", 1},  {"SEQUENCE", 1},    {"DTSTART", 1},
      {"DTEND", 1},    {"SUMMARY", 1}, {"LOCATION", 1}, {"DESCRIPTION", 1}, {"ORGANIZER", 1},
      {"ATTENDEE", 1}, {"STATUS", 1}};
  return *allowed;
}

void CheckFolded(absl::string_view ics) {
  const std::string problem = IcsLineProblems(ics);
  FUZZ_CHECK(problem.empty(), problem);
  size_t start = 0;
  while (start < ics.size()) {
    const size_t end = ics.find("\r\n", start);
    FUZZ_CHECK(!FoldSplitsACharacter(ics.substr(start, end - start)), "a fold split a character");
    start = end + 2;
  }
}

// Whether `text` is UTF-8 with no control character but LF and HTAB (C0,
// DEL, C1): then a reader gets exactly `text` back from its escaped form.
bool PlainText(absl::string_view text) {
  if (!sofdir::search::TextFolder::IsValidUtf8(text)) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
    if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xa0) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider provider(data, size);
  v1::Booking booking;
  booking.set_booking_id(provider.ConsumeRandomLengthString(40));
  booking.set_slot_start(provider.ConsumeBool() ? "2027-03-16"
                                                : provider.ConsumeRandomLengthString(12));
  booking.set_slot_end(provider.ConsumeRandomLengthString(12));
  booking.set_status(provider.PickValueInArray({v1::CONFIRMED, v1::WAITLISTED, v1::CANCELLED}));
  booking.set_revision(provider.ConsumeIntegral<int32_t>());
  booking.set_waitlist_position(provider.ConsumeIntegral<int32_t>());
  booking.set_name(provider.ConsumeRandomLengthString(400));
  booking.set_email(provider.ConsumeRandomLengthString(100));
  booking.set_offer_title(provider.ConsumeRandomLengthString(400));
  sofdir::domain::CalendarPlace place;
  place.host_name = provider.ConsumeRandomLengthString(200);
  place.address = provider.ConsumeRandomLengthString(200);
  place.organizer_name = provider.ConsumeRandomLengthString(200);
  place.organizer_email = provider.ConsumeRandomLengthString(100);
  const std::string text = provider.ConsumeRemainingBytesAsString();

  const v1::BookingCalendar calendar =
      sofdir::domain::BookingCalendarFor(booking, place, absl::FromUnixSeconds(1800000000));
  CheckFolded(calendar.ics());
  std::map<std::string, int> seen;
  for (const std::string& line : IcsContentLines(calendar.ics())) {
    const std::string name = IcsPropertyName(line);
    auto allowed = AllowedProperties().find(name);
    FUZZ_CHECK(allowed != AllowedProperties().end(), "unexpected property line: " + line);
    FUZZ_CHECK(++seen[name] <= allowed->second, "property repeated: " + line);
  }
  FUZZ_CHECK(seen["ATTENDEE"] == 1 && seen["ORGANIZER"] == 1, "attendee or organizer missing");

  // The writers on their own: folding any escaped text round-trips, and a
  // reader gets plain text back exactly.
  const std::string escaped = sofdir::domain::EscapeIcsText(text);
  const std::string line = "DESCRIPTION:" + escaped;
  const std::string folded = sofdir::domain::FoldIcsLine(line) + "\r\n";
  CheckFolded(folded);
  FUZZ_CHECK(UnfoldIcs(folded) == line + "\r\n", "unfolding did not give the line back");
  if (PlainText(text)) {
    FUZZ_CHECK(UnescapeIcsText(escaped) == text, "unescaping did not give the text back");
  }
  const std::string param = sofdir::domain::IcsParamValue(text);
  FUZZ_CHECK(param.find_first_of("\r\n") == std::string::npos, "line break in a parameter");
  const bool quoted = param.size() >= 2 && param.front() == '"' && param.back() == '"';
  const absl::string_view inner =
      quoted ? absl::string_view(param).substr(1, param.size() - 2) : absl::string_view(param);
  FUZZ_CHECK(inner.find('"') == absl::string_view::npos, "a quote inside a parameter value");
  FUZZ_CHECK(quoted || inner.find_first_of(":;,") == absl::string_view::npos,
             "unquoted parameter value with ':', ';' or ','");
  const std::string mailto = sofdir::domain::IcsMailto(text);
  for (const char c : mailto) {
    FUZZ_CHECK(c > 0x20 && c < 0x7f && c != '"' && c != ',', "unsafe octet in " + mailto);
  }
  return 0;
}
