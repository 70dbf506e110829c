#include "server/model/record_json.h"

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::model {
namespace {

using ::testing::HasSubstr;

// Compares two JSON objects as values (field order ignored).
bool SameJson(const std::string& a, const std::string& b) {
  google::protobuf::Struct sa, sb;
  if (!google::protobuf::util::JsonStringToMessage(a, &sa).ok()) return false;
  if (!google::protobuf::util::JsonStringToMessage(b, &sb).ok()) return false;
  return google::protobuf::util::MessageDifferencer::Equals(sa, sb);
}

TEST(RecordJsonTest, ParsesEveryKindWithItsFields) {
  auto unit = ParseRecordJson(
      R"j({"id": "unit-0001", "kind": "unit", "name": "Socialforvaltningen (SOF)",
          "aliases": ["SOF"], "parent_id": null, "area": "Centraladministrationen",
          "geo": {"lat": 55.67265, "lon": 12.56531}})j");
  ASSERT_TRUE(unit.ok()) << unit.status();
  EXPECT_EQ(unit->unit().id(), "unit-0001");
  EXPECT_FALSE(unit->unit().has_parent_id());
  EXPECT_DOUBLE_EQ(unit->unit().geo().lat(), 55.67265);

  auto tilbud = ParseRecordJson(
      R"j({"kind": "tilbud", "id": "tilbud-0001", "name": "Tomsgården", "capacity": null,
          "free_places": null, "age_min": 18})j");
  ASSERT_TRUE(tilbud.ok()) << tilbud.status();
  EXPECT_FALSE(tilbud->tilbud().has_capacity());
  EXPECT_EQ(tilbud->tilbud().age_min(), 18);

  auto person = ParseRecordJson(R"j({"id": "person-1", "name": "Mette", "kind": "person"})j");
  ASSERT_TRUE(person.ok()) << person.status();
  EXPECT_EQ(person->person().name(), "Mette");
}

struct BadLine {
  std::string json;
  std::string expected;
};
// Names the case in test output (ctest lists it) instead of dumping bytes.
void PrintTo(const BadLine& c, std::ostream* os) { *os << c.json; }

class RecordJsonRejectTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(RecordJsonRejectTest, NamesTheProblem) {
  auto record = ParseRecordJson(GetParam().json);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(record.status().message()), HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Lines, RecordJsonRejectTest,
    ::testing::Values(BadLine{R"j(["unit"])j", "not a JSON object"},
                      BadLine{R"j({"id": "unit-1", "name": "x"})j", "kind: missing"},
                      BadLine{R"j({"id": "x-1", "kind": "office"})j", "unknown kind \"office\""},
                      BadLine{R"j({"id": "person-1", "kind": "person", "salary": 5})j", "salary"},
                      BadLine{R"j({"id": "tilbud-1", "kind": "tilbud", "age_min": "old"})j",
                              "age_min"},
                      BadLine{R"j({"id": "unit-1", "kind": "unit", "name": )j", "malformed"},
                      BadLine{R"j({"kind": "unit", "kind": "unit"})j", "given twice"}));

TEST(RecordJsonTest, WritesNullForUnsetNullableFieldsAndRoundTrips) {
  const std::string line =
      R"j({"id": "tilbud-0009", "kind": "tilbud", "name": "Café \"Fristedet\" ☕", "unit_id": "unit-0001", "area": "Udsatte voksne", "description": "", "target_groups": [], "age_min": 18, "age_max": 99, "legal_basis": "SEL § 104", "service_type": "værested", "methods": [], "capacity": null, "free_places": null, "address": {"street": "Nørrebrogade 1", "postcode": "2200", "city": "København N", "district": "Nørrebro"}, "geo": {"lat": 55.689, "lon": 12.55}, "opening_hours": "", "languages": ["dansk"], "accessibility": [], "contact_person_id": "", "updated_at": "2024-05-23"})j";
  auto record = ParseRecordJson(line);
  ASSERT_TRUE(record.ok()) << record.status();
  std::string written = RecordToJson(*record);
  EXPECT_THAT(written, HasSubstr("\"capacity\":null"));
  EXPECT_TRUE(SameJson(written, line)) << written;
}

TEST(RecordJsonTest, EveryLineOfTheShippedDemoRoundTrips) {
  std::ifstream in(testing::SourceDir() + "/data/demo-directory.jsonl");
  ASSERT_TRUE(in) << "demo data missing";
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    auto record = ParseRecordJson(line);
    ASSERT_TRUE(record.ok()) << "line " << lines + 1 << ": " << record.status();
    ASSERT_TRUE(SameJson(RecordToJson(*record), line)) << "line " << lines + 1;
    ++lines;
  }
  EXPECT_GT(lines, 300);
}

}  // namespace
}  // namespace sofdir::model
