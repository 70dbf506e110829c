#include "server/domain/record_validator.h"

#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/records.h"

namespace sofdir::domain {
namespace {

using ::sof::directory::v1::Record;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Case {
  std::string name;
  std::function<Record()> make;
  std::string expected;  // message prefix; "" = valid
};
// Names the case in test output (ctest lists it) instead of dumping bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class RecordValidatorTest : public ::testing::TestWithParam<Case> {};

TEST_P(RecordValidatorTest, AcceptsOrNamesTheField) {
  absl::Status status = ValidateRecord(GetParam().make());
  if (GetParam().expected.empty()) {
    EXPECT_TRUE(status.ok()) << status;
  } else {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(status.message()), StartsWith(GetParam().expected));
  }
}

Record With(Record r, const std::function<void(Record&)>& change) {
  change(r);
  return r;
}

INSTANTIATE_TEST_SUITE_P(
    Records, RecordValidatorTest,
    ::testing::Values(
        Case{"ValidUnit", [] { return testing::MakeUnit("unit-1"); }, ""},
        Case{"ValidTilbud", [] { return testing::MakeTilbud("tilbud-1", "unit-1"); }, ""},
        Case{"ValidPraktik", [] { return testing::MakePraktik("praktik-1", "unit-1"); }, ""},
        Case{"NoKind", [] { return Record(); }, "record: no kind set"},
        Case{"IdOfOtherKind",
             [] {
               return With(testing::MakeUnit("unit-1"),
                           [](Record& r) { r.mutable_unit()->set_id("person-1"); });
             },
             "unit.id: \"person-1\" names another kind"},
        Case{"IdWithSpace",
             [] {
               return With(testing::MakeUnit("unit-1"),
                           [](Record& r) { r.mutable_unit()->set_id("unit-a b"); });
             },
             "unit.id"},
        Case{"MissingName",
             [] {
               return With(testing::MakeUnit("unit-1"),
                           [](Record& r) { r.mutable_unit()->clear_name(); });
             },
             "unit.name: required"},
        Case{"UnknownArea",
             [] {
               return With(testing::MakeUnit("unit-1"),
                           [](Record& r) { r.mutable_unit()->set_area("Sport"); });
             },
             "unit.area: \"Sport\" is not valid; valid: Handicap"},
        Case{"UnknownDistrict",
             [] {
               return With(testing::MakeUnit("unit-1"), [](Record& r) {
                 r.mutable_unit()->mutable_address()->set_district("Aarhus");
               });
             },
             "unit.address.district"},
        Case{"AgeMinAboveAgeMax",
             [] {
               return With(testing::MakeTilbud("tilbud-1", "unit-1"), [](Record& r) {
                 r.mutable_tilbud()->set_age_min(30);
                 r.mutable_tilbud()->set_age_max(20);
               });
             },
             "tilbud.age_min: 30 is above age_max 20"},
        Case{"FreePlacesAboveCapacity",
             [] {
               return With(testing::MakeTilbud("tilbud-1", "unit-1"),
                           [](Record& r) { r.mutable_tilbud()->set_free_places(11); });
             },
             "tilbud.free_places: 11 is more than capacity 10"},
        Case{"NegativeFreePlaces",
             [] {
               return With(testing::MakeTilbud("tilbud-1", "unit-1"),
                           [](Record& r) { r.mutable_tilbud()->set_free_places(-1); });
             },
             "tilbud.free_places: -1 is negative"},
        Case{"SlotEndsBeforeStart",
             [] {
               return With(testing::MakePraktik("praktik-1", "unit-1"), [](Record& r) {
                 r.mutable_praktik()->mutable_slots(0)->set_end("2027-03-15");
               });
             },
             "praktik.slots[0].end: 2027-03-15 is before start"},
        Case{"ZeroSeats",
             [] {
               return With(testing::MakePraktik("praktik-1", "unit-1"),
                           [](Record& r) { r.mutable_praktik()->mutable_slots(0)->set_seats(0); });
             },
             "praktik.slots[0].seats: 0 is not valid; valid: >= 1"},
        Case{"NotADate",
             [] {
               return With(testing::MakePraktik("praktik-1", "unit-1"), [](Record& r) {
                 r.mutable_praktik()->mutable_slots(0)->set_start("2027-02-30");
               });
             },
             "praktik.slots[0].start: \"2027-02-30\" is not a date"},
        Case{"InvalidUtf8",
             [] {
               return With(testing::MakeUnit("unit-1"),
                           [](Record& r) { r.mutable_unit()->set_description("caf\xc3"); });
             },
             "unit.description: not valid UTF-8"},
        Case{"NameTooLong",
             [] {
               return With(testing::MakeUnit("unit-1"),
                           [](Record& r) { r.mutable_unit()->set_name(std::string(301, 'a')); });
             },
             "unit.name: 301 bytes; at most 300"},
        Case{"BadEmail",
             [] {
               return With(testing::MakePerson("person-1", "unit-1"), [](Record& r) {
                 r.mutable_person()->set_email("mette.sof.example.dk");
               });
             },
             "person.email"},
        Case{"CarriageReturnInName",
             [] {
               return With(testing::MakeUnit("unit-1"),
                           [](Record& r) { r.mutable_unit()->set_name("Bo\rsted"); });
             },
             "unit.name: contains a control character (\\x0D) at byte 2; this is one line"},
        Case{"LineFeedInTilbudName",
             [] {
               return With(testing::MakeTilbud("tilbud-1", "unit-1"),
                           [](Record& r) { r.mutable_tilbud()->set_name("Bosted\nBcc: x"); });
             },
             "tilbud.name: contains a control character (\\x0A) at byte 6"},
        Case{"NulInEmail",
             [] {
               return With(testing::MakePerson("person-1", "unit-1"), [](Record& r) {
                 r.mutable_person()->set_email(std::string("a\0@sof.example.dk", 18));
               });
             },
             "person.email: contains a control character (\\x00) at byte 1"},
        Case{"TabInNestedStreet",
             [] {
               return With(testing::MakeUnit("unit-1"), [](Record& r) {
                 r.mutable_unit()->mutable_address()->set_street("Vej\t1");
               });
             },
             "unit.address.street: contains a control character (\\x09) at byte 3"},
        Case{"DelInPartnerContactPhone",
             [] {
               return With(testing::MakePartner("partner-1", "unit-1"), [](Record& r) {
                 r.mutable_partner()->mutable_contact()->set_phone(
                     "12\x7f"
                     "34");
               });
             },
             "partner.contact.phone: contains a control character (\\x7F) at byte 2"},
        Case{"C1ControlInAlias",
             [] {
               return With(testing::MakeUnit("unit-1"), [](Record& r) {
                 r.mutable_unit()->add_aliases("ok");
                 r.mutable_unit()->add_aliases("next\xC2\x85line");
               });
             },
             "unit.aliases[1]: contains a control character (U+0085) at byte 4"},
        Case{"LineSeparatorInSlotStart",
             [] {
               return With(testing::MakePraktik("praktik-1", "unit-1"), [](Record& r) {
                 r.mutable_praktik()->mutable_slots(0)->set_start("2027-03-16\xE2\x80\xA8");
               });
             },
             "praktik.slots[0].start: contains a line separator (U+2028) at byte 10"},
        Case{"DescriptionMaySpanLinesWithTabs",
             [] {
               return With(testing::MakeTilbud("tilbud-1", "unit-1"), [](Record& r) {
                 r.mutable_tilbud()->set_description("Boligerne:\n\n\t24 lejligheder");
               });
             },
             ""},
        Case{"DescriptionTakesNoCarriageReturn",
             [] {
               return With(testing::MakeUnit("unit-1"), [](Record& r) {
                 r.mutable_unit()->set_description("Linje 1\r\nLinje 2");
               });
             },
             "unit.description: contains a control character (\\x0D) at byte 7; only line feeds "
             "(\\n) and tabs"},
        Case{"DescriptionTakesNoNul",
             [] {
               return With(testing::MakePraktik("praktik-1", "unit-1"), [](Record& r) {
                 r.mutable_praktik()->set_description(std::string("a\0b", 3));
               });
             },
             "praktik.description: contains a control character (\\x00) at byte 1"},
        Case{"PartnerWithoutUnits",
             [] {
               return With(testing::MakePartner("partner-1", "unit-1"),
                           [](Record& r) { r.mutable_partner()->clear_related_unit_ids(); });
             },
             "partner.related_unit_ids: required"}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(BookingTextTest, NamesTheFieldOfAControlCharacterAndLetsTheNoteSpanLines) {
  sof::directory::v1::BookPraktikRequest request;
  request.set_offer_id("praktik-1");
  request.set_slot_start("2027-03-16");
  request.set_name("Anna Jensen");
  request.set_email("anna@sof.example.dk");
  request.set_note("Kommer med tog.\n\tAnkomst 9:30");
  request.set_request_id("req-1");
  EXPECT_TRUE(ValidateBookingText(request).ok()) << ValidateBookingText(request);

  struct Bad {
    std::function<void(sof::directory::v1::BookPraktikRequest&)> change;
    std::string expected;
  };
  const std::vector<Bad> bad = {
      {[](auto& r) { r.set_name("Anna\n"); },
       "name: contains a control character (\\x0A) at byte 4"},
      {[](auto& r) { r.set_email("anna@sof.example.dk\r\nBcc: x@y.dk"); },
       "email: contains a control character (\\x0D) at byte 19"},
      {[](auto& r) { r.set_note("ok\r\nnot ok"); },
       "note: contains a control character (\\x0D) at byte 2; only line feeds"},
      {[](auto& r) { r.set_note(std::string("\0", 1)); },
       "note: contains a control character (\\x00) at byte 0"},
      {[](auto& r) { r.set_unit_id("unit-1\x1b[31m"); },
       "unit_id: contains a control character (\\x1B) at byte 6"},
      {[](auto& r) { r.set_name("Anna \xC3"); }, "name: not valid UTF-8 (byte 5)"},
  };
  for (const Bad& b : bad) {
    sof::directory::v1::BookPraktikRequest changed = request;
    b.change(changed);
    absl::Status status = ValidateBookingText(changed);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << b.expected;
    EXPECT_THAT(std::string(status.message()), StartsWith(b.expected));
  }
}

TEST(EmailTest, RefusesControlCharactersAndEchoesInputCutShort) {
  EXPECT_TRUE(ValidateEmail("email", "mette@sof.example.dk").ok());
  EXPECT_FALSE(ValidateEmail("email", "mette@sof.example.dk\r\nBcc: x@y.dk").ok());
  EXPECT_FALSE(ValidateEmail("email", "mette\t@sof.example.dk").ok());
  absl::Status long_one = ValidateEmail("email", std::string(300, 'a'));
  EXPECT_THAT(std::string(long_one.message()), HasSubstr("...\" is not an e-mail address"));
  EXPECT_LT(long_one.message().size(), 140u);
}

TEST(Utf8Test, AcceptsDanishAndEmojiRejectsBrokenSequences) {
  EXPECT_TRUE(IsValidUtf8("Værested på Amager ☕ 🙂"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xff"));
}

}  // namespace
}  // namespace sofdir::domain
