#include "server/domain/audit_log.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/domain/directory_fixture.h"
#include "tests/testing/records.h"

namespace sofdir::domain {
namespace {

using ::testing::ElementsAre;

class AuditLogTest : public DirectoryFixture {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenDirectory()); }
};

TEST_F(AuditLogTest, ChangesNameThePersonsWhoseStateTheyCarry) {
  MustCreate(testing::MakeUnit("unit-1"));
  MustCreate(testing::MakePerson("person-1", "unit-1"));
  MustCreate(testing::MakePerson("person-2", "unit-1"));
  ASSERT_TRUE(directory_->Delete("person-2").ok());
  auto changes = directory_->ListChanges(sof::directory::v1::ListChangesRequest());
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->changes_size(), 4);
  // The delete carries no record, so no contact details.
  EXPECT_THAT(Directory::PersonsIn(changes->changes()), ElementsAre("person-1", "person-2"));
}

TEST_F(AuditLogTest, ReadsAndChangesOfAResourceAreListedNewestFirst) {
  MustCreate(testing::MakeUnit("unit-1"));
  MustCreate(testing::MakePerson("person-1", "unit-1"));
  ASSERT_TRUE(directory_->LogPersonRead("person-1", "alice", "GetRecord").ok());
  ASSERT_TRUE(directory_->LogPersonReads({"person-1", "booking-9"}, "bob", "ListRecords").ok());

  sof::directory::v1::ListAuditRequest request;
  request.set_resource("person-1");
  auto audit = directory_->ListAudit(request);
  ASSERT_TRUE(audit.ok()) << audit.status();
  std::vector<std::string> seen;
  for (const auto& entry : audit->entries()) {
    seen.push_back(entry.principal() + " " + entry.method());
  }
  EXPECT_THAT(seen, ElementsAre("bob ListRecords", "alice GetRecord", "system "));

  request.set_resource("booking-9");
  audit = directory_->ListAudit(request);
  ASSERT_TRUE(audit.ok()) << audit.status();
  ASSERT_EQ(audit->entries_size(), 1);
  EXPECT_EQ(audit->entries(0).principal(), "bob");

  request.clear_resource();
  request.set_principal("alice");
  audit = directory_->ListAudit(request);
  ASSERT_TRUE(audit.ok()) << audit.status();
  ASSERT_EQ(audit->entries_size(), 1);
  EXPECT_EQ(audit->entries(0).resource(), "person-1");
}

TEST_F(AuditLogTest, SinceOutsideTheTimestampRangeIsRefusedNamingSince) {
  MustCreate(testing::MakeUnit("unit-1"));
  for (auto [seconds, nanos] : {std::pair<int64_t, int32_t>{INT64_MAX, 0},
                                {INT64_MIN, 0},
                                {253402300800, 0},
                                {0, -1},
                                {0, 1000000000}}) {
    sof::directory::v1::ListAuditRequest request;
    request.mutable_since()->set_seconds(seconds);
    request.mutable_since()->set_nanos(nanos);
    auto audit = directory_->ListAudit(request);
    EXPECT_EQ(audit.status().code(), absl::StatusCode::kInvalidArgument) << seconds;
    EXPECT_THAT(std::string(audit.status().message()), ::testing::StartsWith("since: ")) << seconds;
  }
  sof::directory::v1::ListAuditRequest request;
  request.mutable_since()->set_seconds(253402300799);
  auto audit = directory_->ListAudit(request);
  ASSERT_TRUE(audit.ok()) << audit.status();
  EXPECT_EQ(audit->entries_size(), 0);
}

}  // namespace
}  // namespace sofdir::domain
