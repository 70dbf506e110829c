#include "client/change_view.h"

#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/records.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::HasSubstr;

v1::Change MakeChange(uint64_t sequence, v1::ChangeType type) {
  v1::Change change;
  change.set_sequence(sequence);
  change.set_id("unit-7");
  change.set_kind(v1::UNIT);
  change.set_type(type);
  change.mutable_change_time()->set_seconds(1795000000);
  if (type != v1::CHANGE_DELETED) {
    *change.mutable_record() = testing::MakeUnit("unit-7", "", "Kløverhuset");
  }
  return change;
}

TEST(ChangeViewTest, LineShowsSequenceTypeIdAndName) {
  std::string line = FormatChangeLine(MakeChange(42, v1::CHANGE_UPDATED));
  EXPECT_THAT(line, HasSubstr("42"));
  EXPECT_THAT(line, HasSubstr("updated"));
  EXPECT_THAT(line, HasSubstr("unit-7"));
  EXPECT_THAT(line, HasSubstr("Kløverhuset"));
}

TEST(ChangeViewTest, JsonCarriesSequenceIdTypeAndTheRecordInImportFormat) {
  google::protobuf::Struct json;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  ChangeToJson(MakeChange(42, v1::CHANGE_CREATED)), &json)
                  .ok());
  EXPECT_EQ(json.fields().at("sequence").number_value(), 42);
  EXPECT_EQ(json.fields().at("id").string_value(), "unit-7");
  EXPECT_EQ(json.fields().at("type").string_value(), "created");
  EXPECT_EQ(json.fields().at("kind").string_value(), "unit");
  const auto& record = json.fields().at("record").struct_value();
  EXPECT_EQ(record.fields().at("name").string_value(), "Kløverhuset");
  EXPECT_EQ(record.fields().at("kind").string_value(), "unit");

  google::protobuf::Struct deleted;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  ChangeToJson(MakeChange(43, v1::CHANGE_DELETED)), &deleted)
                  .ok());
  EXPECT_EQ(deleted.fields().at("type").string_value(), "deleted");
  EXPECT_EQ(deleted.fields().count("record"), 0u);
}

}  // namespace
}  // namespace sofdir::client
