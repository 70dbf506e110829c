#include "server/domain/update_mask.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/records.h"

namespace sofdir::domain {
namespace {

using ::sof::directory::v1::Record;
using ::testing::HasSubstr;

google::protobuf::FieldMask Mask(std::initializer_list<std::string> paths) {
  google::protobuf::FieldMask mask;
  for (const std::string& path : paths) mask.add_paths(path);
  return mask;
}

TEST(UpdateMaskTest, UnknownPathIsRefusedNamingIt) {
  absl::Status status =
      ValidateUpdateMask(*sof::directory::v1::Unit::descriptor(), Mask({"name", "colour"}));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("update_mask: \"colour\""));
}

TEST(UpdateMaskTest, IdCannotBeChanged) {
  absl::Status status = ValidateUpdateMask(*sof::directory::v1::Unit::descriptor(), Mask({"id"}));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("update_mask: id cannot be changed"));
}

TEST(UpdateMaskTest, MaskTakesOnlyItsFieldsFromTheInput) {
  Record stored = testing::MakeUnit("unit-2", "unit-1");
  stored.set_etag("7");
  Record input;
  input.mutable_unit()->set_id("unit-2");
  input.mutable_unit()->set_name("Nyt navn");
  input.mutable_unit()->mutable_address()->set_street("Ny gade 1");
  auto updated = ApplyUpdateMask(stored, input, Mask({"name", "address.street"}));
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->unit().name(), "Nyt navn");
  EXPECT_EQ(updated->unit().address().street(), "Ny gade 1");
  EXPECT_EQ(updated->unit().address().district(), "Nørrebro");
  EXPECT_EQ(updated->unit().parent_id(), "unit-1");
  EXPECT_EQ(updated->etag(), "") << "metadata is the server's";
}

TEST(UpdateMaskTest, EmptyMaskTakesTheWholeInput) {
  Record stored = testing::MakeUnit("unit-2", "unit-1");
  Record input = testing::MakeUnit("unit-2");
  auto updated = ApplyUpdateMask(stored, input, {});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_FALSE(updated->unit().has_parent_id());
}

}  // namespace
}  // namespace sofdir::domain
