#include "server/domain/freshness.h"

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/model/record_util.h"
#include "tests/domain/directory_fixture.h"
#include "tests/testing/records.h"

namespace sofdir::domain {
namespace {

using ::sof::directory::v1::Record;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class FreshnessTest : public DirectoryFixture {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenDirectory()); }

  std::vector<std::string> StaleIds(absl::string_view unit) {
    auto stale = ListStaleRecords(*directory_, absl::Now() + absl::Hours(1), unit, 0);
    EXPECT_TRUE(stale.ok()) << stale.status();
    std::vector<std::string> ids;
    if (stale.ok()) {
      for (const Record& r : stale->records()) ids.push_back(model::RecordId(r));
    }
    return ids;
  }
};

TEST_F(FreshnessTest, VerifyConfirmsWithoutChangingContent) {
  MustCreate(testing::MakeUnit("unit-1"));
  auto verified = VerifyRecord(*directory_, "unit-1", {"alice", "VerifyRecord"});
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->verified_by(), "alice");
  EXPECT_EQ(verified->etag(), "2");
  EXPECT_EQ(verified->unit().name(), "Enhed unit-1");
  auto changes = directory_->ListChanges({});
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->changes_size(), 2);
  EXPECT_THAT(changes->changes(1).changed_fields(), ElementsAre("verified_time"));
  EXPECT_EQ(changes->changes(1).principal(), "alice");
  EXPECT_EQ(VerifyRecord(*directory_, "unit-2", {}).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(FreshnessTest, StaleRecordsOfAUnitAreThoseOfItsSubtree) {
  MustCreate(testing::MakeUnit("unit-1"));
  MustCreate(testing::MakeUnit("unit-2", "unit-1"));
  MustCreate(testing::MakeUnit("unit-3", "unit-2"));
  MustCreate(testing::MakeUnit("unit-9"));
  MustCreate(testing::MakePerson("person-1", "unit-3"));
  MustCreate(testing::MakePerson("person-9", "unit-9"));
  EXPECT_THAT(StaleIds("unit-2"), UnorderedElementsAre("unit-2", "unit-3", "person-1"));
  EXPECT_THAT(StaleIds(""), ::testing::SizeIs(6));
}

// The walk from a record up to `unit` gave up after 1,000 levels and left
// deeper records out.
TEST_F(FreshnessTest, StaleRecordsOfAUnitIncludeItsDeepestDescendants) {
  std::vector<Record> chain;
  for (int i = 0; i < 1500; ++i) {
    chain.push_back(testing::MakeUnit("unit-" + std::to_string(i),
                                      i == 0 ? "" : "unit-" + std::to_string(i - 1)));
  }
  chain.push_back(testing::MakePerson("person-deep", "unit-1499"));
  auto imported = directory_->Import(chain);
  ASSERT_TRUE(imported.ok()) << imported.status();
  std::vector<std::string> ids = StaleIds("unit-0");
  EXPECT_EQ(ids.size(), 100u) << "the first page";
  auto stale = ListStaleRecords(*directory_, absl::Now() + absl::Hours(1), "unit-0", 1000);
  ASSERT_TRUE(stale.ok()) << stale.status();
  EXPECT_EQ(stale->total_size(), 1501);
  stale = ListStaleRecords(*directory_, absl::Now() + absl::Hours(1), "unit-1400", 1000);
  ASSERT_TRUE(stale.ok()) << stale.status();
  EXPECT_EQ(stale->total_size(), 101);
}

TEST_F(FreshnessTest, ImportedUpdatedAtIsTheLastConfirmation) {
  Record unit = testing::MakeUnit("unit-1");
  unit.mutable_unit()->set_updated_at("2020-02-03");
  EXPECT_EQ(UpdatedAt(unit), absl::FromCivil(absl::CivilDay(2020, 2, 3), absl::UTCTimeZone()));
  ASSERT_TRUE(directory_->Import({unit}).ok());
  auto stored = directory_->Get("unit-1");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->verified_time().seconds(),
            absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2020, 2, 3), absl::UTCTimeZone())));
  unit.mutable_unit()->set_updated_at("2020-02-30");
  EXPECT_EQ(UpdatedAt(unit), std::nullopt);
}

}  // namespace
}  // namespace sofdir::domain
