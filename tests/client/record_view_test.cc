#include "client/record_view.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/model/record_json.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::Contains;
using ::testing::Pair;

v1::Record Parse(const std::string& json) {
  absl::StatusOr<v1::Record> record = model::ParseRecordJson(json);
  EXPECT_TRUE(record.ok()) << record.status();
  return record.ok() ? *record : v1::Record();
}

TEST(RecordTableTest, TilbudShowUnitDistrictAndFreePlaces) {
  RecordTable table(v1::TILBUD);
  table.Add(Parse(R"({"kind":"tilbud","id":"tilbud-0001","name":"Tomsgården – botilbud",
      "unit_id":"unit-0028","capacity":12,"free_places":1,
      "address":{"district":"Bispebjerg"}})"));
  table.Add(Parse(R"({"kind":"tilbud","id":"tilbud-0003","name":"Værestedet Nordvest",
      "unit_id":"unit-0029","capacity":null,"free_places":null,
      "address":{"district":"Nørrebro"}})"));
  EXPECT_EQ(table.ToString(),
            "ID           NAME                   UNIT       DISTRICT    FREE\n"
            "tilbud-0001  Tomsgården – botilbud  unit-0028  Bispebjerg  1/12\n"
            "tilbud-0003  Værestedet Nordvest    unit-0029  Nørrebro       -\n");
}

TEST(RecordTableTest, MixedKindsShowTheKind) {
  RecordTable table(v1::RECORD_KIND_UNSPECIFIED);
  table.Add(Parse(R"({"kind":"person","id":"person-0001","name":"Åse Ørsted",
      "unit_id":"unit-0001"})"));
  EXPECT_EQ(table.ToString(),
            "ID           KIND    NAME\n"
            "person-0001  person  Åse Ørsted\n");
}

TEST(RecordFieldListTest, ShowsEveryFieldReadably) {
  v1::Record unit = Parse(R"({"kind":"unit","id":"unit-0001","name":"SOF","parent_id":null,
      "aliases":["SOF","Socialforvaltningen"],"area":"Centraladministrationen",
      "address":{"street":"Bernstorffsgade 17","postcode":"1592","city":"København V",
                 "district":"Vesterbro/Kongens Enghave"}})");
  unit.set_etag("7");
  auto fields = RecordFieldList(unit);
  EXPECT_THAT(fields.front(), Pair("id", "unit-0001"));
  EXPECT_THAT(fields, Contains(Pair("kind", "unit")));
  EXPECT_THAT(fields, Contains(Pair("parent_id", "-")));
  EXPECT_THAT(fields, Contains(Pair("aliases", "SOF, Socialforvaltningen")));
  EXPECT_THAT(fields,
              Contains(Pair("address",
                            "Bernstorffsgade 17, 1592 København V (Vesterbro/Kongens Enghave)")));
  EXPECT_THAT(fields, Contains(Pair("etag", "7")));
}

TEST(RecordFieldListTest, ListsPraktikSlotsWithSeats) {
  v1::Record praktik = Parse(R"({"kind":"praktik","id":"praktik-0001","title":"Følg en vagt",
      "host_unit_id":"unit-0037","slots":[{"start":"2027-01-05","end":"2027-01-06","seats":2},
      {"start":"2027-02-02","end":"2027-02-02","seats":1}]})");
  EXPECT_THAT(RecordFieldList(praktik), Contains(Pair("slots",
                                                      "2027-01-05–2027-01-06 (2 seats); "
                                                      "2027-02-02–2027-02-02 (1 seat)")));
}

}  // namespace
}  // namespace sofdir::client
