#include "server/domain/booking_calendar.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/ics.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;
using ::sofdir::testing::FoldSplitsACharacter;
using ::sofdir::testing::IcsContentLines;
using ::sofdir::testing::IcsLineProblems;
using ::sofdir::testing::IcsPropertyName;
using ::sofdir::testing::IcsValue;
using ::sofdir::testing::UnescapeIcsText;
using ::sofdir::testing::UnfoldIcs;
using ::testing::ElementsAre;

v1::Booking MakeBooking() {
  v1::Booking booking;
  booking.set_booking_id("booking-7");
  booking.set_offer_id("praktik-1");
  booking.set_slot_start("2027-03-16");
  booking.set_name("Anna Hansen");
  booking.set_email("anna@sof.example.dk");
  booking.set_offer_title("Praktik på bostedet");
  booking.set_status(v1::CONFIRMED);
  return booking;
}

CalendarPlace MakePlace() {
  CalendarPlace place;
  place.host_name = "Bostedet";
  place.address = "Nørrebrogade 1, 2200 København N";
  place.organizer_name = "Bo Berg";
  place.organizer_email = "bo@sof.example.dk";
  return place;
}

std::string Ics(const v1::Booking& booking, const CalendarPlace& place) {
  return BookingCalendarFor(booking, place, absl::FromUnixSeconds(1800000000)).ics();
}

// The property names of `ics`'s content lines, in order.
std::vector<std::string> PropertyNames(const std::string& ics) {
  std::vector<std::string> names;
  for (const std::string& line : IcsContentLines(ics)) names.push_back(IcsPropertyName(line));
  return names;
}

// The one content line of property `name`, or "" (and a failure) when there
// is not exactly one.
std::string OnlyLine(const std::string& ics, const std::string& name) {
  std::vector<std::string> found;
  for (const std::string& line : IcsContentLines(ics)) {
    if (IcsPropertyName(line) == name) found.push_back(line);
  }
  EXPECT_EQ(found.size(), 1u) << name << " in\n" << ics;
  return found.size() == 1 ? found[0] : "";
}

const std::vector<std::string> kProperties = {
    "BEGIN",     "VERSION",  "PRODID",  "CALSCALE", "METHOD",  "BEGIN",    "UID",
    "DTSTAMP",   "SEQUENCE", "DTSTART", "DTEND",    "SUMMARY", "LOCATION", "DESCRIPTION",
    "ORGANIZER", "ATTENDEE", "STATUS",  "END",      "END"};

TEST(BookingCalendarTest, TextEscapesBackslashSemicolonCommaAndEveryLineBreak) {
  EXPECT_EQ(EscapeIcsText("a\\b;c,d:e"), "a\\\\b\\;c\\,d:e");
  EXPECT_EQ(EscapeIcsText("crlf\r\nlf\ncr\rend"), "crlf\\nlf\\ncr\\nend");
  EXPECT_EQ(EscapeIcsText("\r\r\n\n"), "\\n\\n\\n");
  EXPECT_EQ(EscapeIcsText("tab\tkept"), "tab\tkept");
}

TEST(BookingCalendarTest, ControlCharactersAreDroppedAndBrokenUtf8Replaced) {
  EXPECT_EQ(EscapeIcsText(std::string("a\0b\x01\x1b\x7f"
                                      "c",
                                      7)),
            "abc");
  EXPECT_EQ(EscapeIcsText("next\xc2\x85line"), "nextline");  // U+0085, a C1 control
  EXPECT_EQ(EscapeIcsText("bad \xff byte"), "bad \xef\xbf\xbd byte");
  EXPECT_EQ(EscapeIcsText("cut \xc3"), "cut \xef\xbf\xbd");
  EXPECT_EQ(EscapeIcsText("æøå €"), "æøå €");
}

TEST(BookingCalendarTest, ParameterValuesAreQuotedWhenTheyHoldColonSemicolonOrComma) {
  EXPECT_EQ(IcsParamValue("Anna Hansen"), "Anna Hansen");
  EXPECT_EQ(IcsParamValue("Hansen, Anna"), "\"Hansen, Anna\"");
  EXPECT_EQ(IcsParamValue("a;b"), "\"a;b\"");
  EXPECT_EQ(IcsParamValue("a:b"), "\"a:b\"");
  // RFC 6868: a quote, a caret and a line break cannot appear as themselves.
  EXPECT_EQ(IcsParamValue("say \"hi\" ^_^"), "say ^'hi^' ^^_^^");
  EXPECT_EQ(IcsParamValue("one\r\ntwo\x01"), "one^ntwo");
}

TEST(BookingCalendarTest, MailtoPercentEncodesWhatAUriCannotHold) {
  EXPECT_EQ(IcsMailto("anna.hansen+x@sof.example.dk"), "mailto:anna.hansen+x@sof.example.dk");
  EXPECT_EQ(IcsMailto("a b,c?d#e%f\"g@x.dk"), "mailto:a%20b%2Cc%3Fd%23e%25f%22g@x.dk");
  EXPECT_EQ(IcsMailto("ø@x.dk\r\n"), "mailto:%C3%B8@x.dk");
}

TEST(BookingCalendarTest, EveryLineEndsInCrlfAndHoldsTheUsualProperties) {
  const std::string ics = Ics(MakeBooking(), MakePlace());
  EXPECT_EQ(IcsLineProblems(ics), "") << ics;
  EXPECT_EQ(PropertyNames(ics), kProperties) << ics;
  EXPECT_EQ(OnlyLine(ics, "ATTENDEE"),
            "ATTENDEE;CN=Anna Hansen;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:"
            "mailto:anna@sof.example.dk");
  EXPECT_EQ(OnlyLine(ics, "ORGANIZER"), "ORGANIZER;CN=Bo Berg:mailto:bo@sof.example.dk");
  EXPECT_EQ(OnlyLine(ics, "LOCATION"), "LOCATION:Bostedet\\, Nørrebrogade 1\\, 2200 København N");
}

TEST(BookingCalendarTest, NamesAndTitlesWithLineBreaksAndSeparatorsStayOneValue) {
  const std::string nasty = "Anna; B, \\C\r\nD\rE\nF";
  v1::Booking booking = MakeBooking();
  booking.set_name(nasty);
  booking.set_offer_title(nasty);
  CalendarPlace place = MakePlace();
  place.host_name = nasty;
  place.address = nasty;
  place.organizer_name = nasty;
  const std::string ics = Ics(booking, place);

  EXPECT_EQ(IcsLineProblems(ics), "") << ics;
  EXPECT_EQ(PropertyNames(ics), kProperties) << ics;
  EXPECT_EQ(IcsValue(OnlyLine(ics, "SUMMARY")), "Praktik: Anna\\; B\\, \\\\C\\nD\\nE\\nF");
  EXPECT_EQ(UnescapeIcsText(IcsValue(OnlyLine(ics, "SUMMARY"))), "Praktik: Anna; B, \\C\nD\nE\nF");
  EXPECT_EQ(UnescapeIcsText(IcsValue(OnlyLine(ics, "LOCATION"))),
            "Anna; B, \\C\nD\nE\nF, Anna; B, \\C\nD\nE\nF");
  EXPECT_EQ(OnlyLine(ics, "ATTENDEE"),
            "ATTENDEE;CN=\"Anna; B, \\C^nD^nE^nF\";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:"
            "mailto:anna@sof.example.dk");
  EXPECT_EQ(OnlyLine(ics, "ORGANIZER"),
            "ORGANIZER;CN=\"Anna; B, \\C^nD^nE^nF\":mailto:bo@sof.example.dk");
}

TEST(BookingCalendarTest, AnInjectedPropertyLineStaysInsideItsValue) {
  const std::string attack = "x\r\nATTENDEE:mailto:evil@x";
  v1::Booking booking = MakeBooking();
  booking.set_name(attack);
  booking.set_email("anna@sof.example.dk" + attack);
  booking.set_offer_title(attack);
  booking.set_booking_id(attack);
  CalendarPlace place = MakePlace();
  place.host_name = attack;
  place.address = attack;
  place.organizer_name = attack;
  place.organizer_email = attack;
  for (v1::BookingStatus status : {v1::CONFIRMED, v1::WAITLISTED, v1::CANCELLED}) {
    booking.set_status(status);
    const std::string ics = Ics(booking, place);
    EXPECT_EQ(IcsLineProblems(ics), "") << ics;
    EXPECT_EQ(PropertyNames(ics), kProperties) << ics;
    for (const std::string& line : IcsContentLines(ics)) {
      EXPECT_FALSE(absl::StartsWith(line, "ATTENDEE:")) << line;
    }
    EXPECT_EQ(IcsValue(OnlyLine(ics, "ATTENDEE")),
              "mailto:anna@sof.example.dkxATTENDEE%3Amailto%3Aevil@x");
  }
}

TEST(BookingCalendarTest, A300ByteValueIsFoldedAt75OctetsWithoutSplittingACharacter) {
  std::string value;
  while (value.size() < 300) value += "æøå";  // 2 octets each
  v1::Booking booking = MakeBooking();
  booking.set_offer_title(value);
  booking.set_name(value);
  const std::string ics = Ics(booking, MakePlace());

  EXPECT_EQ(IcsLineProblems(ics), "") << ics;
  // A fold never splits a character: each physical line is valid on its own.
  size_t start = 0;
  while (start < ics.size()) {
    const size_t end = ics.find("\r\n", start);
    const std::string line = ics.substr(start, end - start);
    EXPECT_LE(line.size(), 75u);
    EXPECT_FALSE(FoldSplitsACharacter(line)) << line;
    start = end + 2;
  }
  EXPECT_EQ(IcsValue(OnlyLine(ics, "SUMMARY")), "Praktik: " + value);
  EXPECT_EQ(OnlyLine(ics, "ATTENDEE"),
            "ATTENDEE;CN=" + value +
                ";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:anna@sof.example.dk");
  EXPECT_THAT(PropertyNames(UnfoldIcs(ics)), ::testing::ContainerEq(kProperties));
}

TEST(BookingCalendarTest, FoldingKeepsFourOctetCharactersWholeAndUnfoldsToTheLine) {
  for (size_t prefix = 0; prefix < 8; ++prefix) {
    std::string line = "SUMMARY:" + std::string(prefix, 'x');
    for (int i = 0; i < 40; ++i) line += "😀€";
    const std::string folded = FoldIcsLine(line);
    EXPECT_EQ(IcsLineProblems(folded + "\r\n"), "") << prefix;
    EXPECT_EQ(UnfoldIcs(folded), line) << prefix;
    size_t start = 0;
    while (start < folded.size()) {
      size_t end = folded.find("\r\n", start);
      if (end == std::string::npos) end = folded.size();
      const std::string part = folded.substr(start, end - start);
      EXPECT_FALSE(FoldSplitsACharacter(part)) << "prefix " << prefix << ": " << part;
      start = end + 2;
    }
  }
}

// Found by tests/fuzz (regressions/booking_calendar): a year below 1000
// threw std::out_of_range, which ends the server.
TEST(BookingCalendarTest, DatesAreWrittenWithFourDigitYearsOrNotAtAll) {
  struct Case {
    std::string start, end, dtstart, dtend;
  };
  for (const Case& c : std::vector<Case>{{"2027-03-16", "", "20270316", "20270317"},
                                         {"2027-03-16", "2027-03-18", "20270316", "20270319"},
                                         {"0027-03-17", "", "00270317", "00270318"},
                                         {"27-03-17", "", "", ""},
                                         {"9999-12-31", "", "99991231", ""},
                                         {"10000-01-01", "", "", ""},
                                         {"-2027-03-16", "", "", ""},
                                         {"not a date", "", "", ""}}) {
    v1::Booking booking = MakeBooking();
    booking.set_slot_start(c.start);
    booking.set_slot_end(c.end);
    const std::string ics = Ics(booking, MakePlace());
    EXPECT_EQ(IcsValue(OnlyLine(ics, "DTSTART")), c.dtstart) << c.start;
    EXPECT_EQ(IcsValue(OnlyLine(ics, "DTEND")), c.dtend) << c.start;
    EXPECT_EQ(IcsLineProblems(ics), "") << c.start;
  }
}

TEST(BookingCalendarTest, WithoutAnOrganizerNameTheCommonNameIsLeftOut) {
  CalendarPlace place;
  const std::string ics = Ics(MakeBooking(), place);
  EXPECT_EQ(OnlyLine(ics, "ORGANIZER"), "ORGANIZER:mailto:noreply@sofdir.example.dk");
  EXPECT_THAT(PropertyNames(ics),
              ElementsAre("BEGIN", "VERSION", "PRODID", "CALSCALE", "METHOD", "BEGIN", "UID",
                          "DTSTAMP", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION",
                          "ORGANIZER", "ATTENDEE", "STATUS", "END", "END"));
}

}  // namespace
}  // namespace sofdir::domain
