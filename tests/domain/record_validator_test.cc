#include "server/domain/record_validator.h"

#include <functional>
#include <string>

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
        Case{"PartnerWithoutUnits",
             [] {
               return With(testing::MakePartner("partner-1", "unit-1"),
                           [](Record& r) { r.mutable_partner()->clear_related_unit_ids(); });
             },
             "partner.related_unit_ids: required"}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(Utf8Test, AcceptsDanishAndEmojiRejectsBrokenSequences) {
  EXPECT_TRUE(IsValidUtf8("Værested på Amager ☕ 🙂"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xff"));
}

}  // namespace
}  // namespace sofdir::domain
