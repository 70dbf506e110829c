#include "server/domain/update_mask.h"

#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/model/record_util.h"
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

struct BadPath {
  std::string path;
  std::string problem;
};

void PrintTo(const BadPath& bad, std::ostream* os) { *os << '"' << bad.path.substr(0, 40) << '"'; }

class MalformedPathTest : public ::testing::TestWithParam<BadPath> {};

TEST_P(MalformedPathTest, IsRefusedNamingUpdateMaskAndThePath) {
  const BadPath& bad = GetParam();
  absl::Status status =
      ValidateUpdateMask(*sof::directory::v1::Unit::descriptor(), Mask({"name", bad.path}));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(absl::StrCat("update_mask: ", bad.problem)));
  EXPECT_LT(status.message().size(), 400u) << "the path is cut short";
  // ApplyUpdateMask refuses the same way, whatever the records hold.
  auto applied = ApplyUpdateMask(testing::MakeUnit("unit-1"), testing::MakeUnit("unit-1"),
                                 Mask({"name", bad.path}));
  EXPECT_EQ(applied.status(), status);
}

INSTANTIATE_TEST_SUITE_P(
    UpdateMaskTest, MalformedPathTest,
    ::testing::Values(BadPath{"address.", "\"address.\" has an empty field name"},
                      BadPath{"name.", "\"name.\" has an empty field name"},
                      BadPath{"address..street", "\"address..street\" has an empty field name"},
                      BadPath{"a..b", "\"a..b\" is not a field of Unit"}, BadPath{"", "empty path"},
                      BadPath{".name", "\".name\" has an empty field name"},
                      BadPath{".", "\".\" has an empty field name"},
                      BadPath{"name.first", "\"name.first\" goes below name"},
                      BadPath{"aliases.x", "\"aliases.x\" goes below aliases"},
                      BadPath{"geo.lat.x", "\"geo.lat.x\" goes below lat"},
                      BadPath{"address.colour",
                              "\"address.colour\" is not a field of Unit (Address has no colour)"},
                      BadPath{"etag", "\"etag\" is not a field of Unit"},
                      BadPath{"Name", "\"Name\" is not a field of Unit"},
                      BadPath{"id", "id cannot be changed"},
                      BadPath{"name\n", "\"name\\x0A\" is not a field of Unit"},
                      BadPath{std::string(5000, 'x'), "\"xxxxxxxxxxxxxxxx"}),
    [](const ::testing::TestParamInfo<BadPath>& info) { return std::to_string(info.index); });

TEST(UpdateMaskTest, ListOfMessagesIsReplacedWholeButNotEnteredByAPath) {
  Record stored = testing::MakePraktik("praktik-1", "unit-1");
  Record input = testing::MakePraktik("praktik-1", "unit-1");
  input.mutable_praktik()->mutable_slots(0)->set_seats(9);
  EXPECT_EQ(ApplyUpdateMask(stored, input, Mask({"slots.seats"})).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto updated = ApplyUpdateMask(stored, input, Mask({"slots"}));
  ASSERT_TRUE(updated.ok()) << updated.status();
  ASSERT_EQ(updated->praktik().slots_size(), 1);
  EXPECT_EQ(updated->praktik().slots(0).seats(), 9);
}

TEST(UpdateMaskTest, RecordOfAnotherKindIsRefusedNamingBothKinds) {
  auto applied = ApplyUpdateMask(testing::MakeUnit("unit-1"),
                                 testing::MakeTilbud("unit-1", "unit-1"), Mask({"name"}));
  EXPECT_EQ(applied.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(applied.status().message(),
              HasSubstr("record: a tilbud cannot update unit-1, which is a unit"));
  EXPECT_EQ(ApplyUpdateMask(Record(), testing::MakeUnit("unit-1"), Mask({"name"})).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyUpdateMask(testing::MakeUnit("unit-1"), Record(), Mask({"name"})).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// ApplyUpdateMask is reached by any editor's request: every pair of kinds
// with masks built from real and made-up field names either applies or is
// refused, and never aborts.
TEST(UpdateMaskTest, NoRecordsOrMaskAbort) {
  const std::vector<Record> records = {testing::MakeUnit("unit-1", "unit-0"),
                                       testing::MakeTilbud("tilbud-1", "unit-1", "person-1"),
                                       testing::MakePartner("partner-1", "unit-1"),
                                       testing::MakePraktik("praktik-1", "unit-1"),
                                       testing::MakePerson("person-1", "unit-1"),
                                       Record()};
  const std::vector<std::string> words = {"name",
                                          "address",
                                          "street",
                                          "geo",
                                          "lat",
                                          "slots",
                                          "seats",
                                          "aliases",
                                          "parent_id",
                                          "capacity",
                                          "contact",
                                          "email",
                                          "related_unit_ids",
                                          "id",
                                          "",
                                          "x",
                                          "unit",
                                          "kind"};
  std::mt19937 random(11);
  for (int i = 0; i < 20000; ++i) {
    google::protobuf::FieldMask mask;
    const int paths = static_cast<int>(random() % 4);
    for (int p = 0; p < paths; ++p) {
      std::string path;
      const int segments = 1 + static_cast<int>(random() % 4);
      for (int s = 0; s < segments; ++s) {
        if (s > 0) path += random() % 8 == 0 ? ".." : ".";
        path += words[random() % words.size()];
      }
      mask.add_paths(path);
    }
    const Record& stored = records[random() % records.size()];
    const Record& input = records[random() % records.size()];
    absl::StatusOr<Record> applied = ApplyUpdateMask(stored, input, mask);
    if (applied.ok()) {
      EXPECT_EQ(model::KindOf(*applied), model::KindOf(mask.paths().empty() ? input : stored));
    } else {
      EXPECT_EQ(applied.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace sofdir::domain
