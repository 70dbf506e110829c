#include "server/domain/directory.h"

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "server/common/stop_check.h"
#include "server/domain/demo_loader.h"
#include "server/model/record_util.h"
#include "tests/domain/directory_fixture.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::domain {
namespace {

using ::sof::directory::v1::Change;
using ::sof::directory::v1::Record;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RecordingListener : public ChangeListener {
 public:
  void OnCommitted(const Change& change) override { changes.push_back(change); }
  std::vector<Change> changes;
};

class DirectoryTest : public DirectoryFixture {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(Reopen()); }

  void Reopen() {
    ASSERT_NO_FATAL_FAILURE(OpenDirectory());
    directory_->AddListener(&listener_);
  }

  RecordingListener listener_;
};

TEST_F(DirectoryTest, CreatedRecordIsReadBackWithEtagAndSequences) {
  MustCreate(testing::MakeUnit("unit-1"));
  auto got = directory_->Get("unit-1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->unit().name(), "Enhed unit-1");
  EXPECT_EQ(got->create_sequence(), 1u);
  EXPECT_EQ(got->etag(), "1");
  EXPECT_EQ(directory_->Get("unit-2").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(DirectoryTest, CreateOfTakenIdIsAlreadyExists) {
  MustCreate(testing::MakeUnit("unit-1"));
  EXPECT_EQ(directory_->Create(testing::MakeUnit("unit-1")).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(DirectoryTest, RetriedCreateWithSameRequestIdReturnsTheFirstRecord) {
  auto first = directory_->Create(testing::MakeUnit("unit-1"), "req-42");
  ASSERT_TRUE(first.ok());
  auto retry = directory_->Create(testing::MakeUnit("unit-1"), "req-42");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->etag(), first->etag());
  EXPECT_EQ(directory_->LastSequence(), 1u);
}

// Issue 11, point 5: request ids were global, so a caller reusing another
// caller's key got that caller's record, and a key reused for another
// record returned the first one.
TEST_F(DirectoryTest, RequestIdBelongsToItsCallerAndItsRequest) {
  const Actor alice{"alice@kk.dk", "CreateRecord"};
  const Actor bob{"bob@kk.dk", "CreateRecord"};
  auto first = directory_->Create(testing::MakeUnit("unit-1"), "req-1", alice);
  ASSERT_TRUE(first.ok()) << first.status();

  // Another principal's same key is an independent request.
  auto bobs = directory_->Create(testing::MakeUnit("unit-2"), "req-1", bob);
  ASSERT_TRUE(bobs.ok()) << bobs.status();
  EXPECT_EQ(bobs->unit().id(), "unit-2");
  auto bobs_copy = directory_->Create(testing::MakeUnit("unit-1"), "req-2", bob);
  EXPECT_EQ(bobs_copy.status().code(), absl::StatusCode::kAlreadyExists) << "not alice's result";
  // So is the same principal's key in another method.
  auto other_method =
      directory_->Create(testing::MakeUnit("unit-3"), "req-1", {"alice@kk.dk", "Other"});
  ASSERT_TRUE(other_method.ok()) << other_method.status();

  // The same caller repeating the same request gets the first result.
  const uint64_t before = directory_->LastSequence();
  auto retry = directory_->Create(testing::MakeUnit("unit-1"), "req-1", alice);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->etag(), first->etag());
  // A key reused for a different request is refused, naming request_id.
  auto reused = directory_->Create(testing::MakeUnit("unit-4"), "req-1", alice);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(reused.status().message()), HasSubstr("request_id: \"req-1\""));
  EXPECT_EQ(directory_->Get("unit-4").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(directory_->LastSequence(), before);
}

TEST_F(DirectoryTest, MissingReferenceIsRejectedAndNothingIsStored) {
  MustCreate(testing::MakeUnit("unit-1"));
  auto created = directory_->Create(testing::MakeTilbud("tilbud-1", "unit-9"));
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(created.status().message()),
              HasSubstr("tilbud.unit_id: unit-9 does not exist"));
  auto wrong_kind = directory_->Create(testing::MakeTilbud("tilbud-1", "unit-1", "unit-1"));
  EXPECT_THAT(std::string(wrong_kind.status().message()),
              HasSubstr("tilbud.contact_person_id: \"unit-1\" is not a person id"));
  EXPECT_EQ(directory_->Get("tilbud-1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(directory_->LastSequence(), 1u);
}

TEST_F(DirectoryTest, DeleteOfReferencedUnitIsFailedPreconditionNamingReferrers) {
  MustCreate(testing::MakeUnit("unit-1"));
  MustCreate(testing::MakeUnit("unit-2", "unit-1"));
  MustCreate(testing::MakeTilbud("tilbud-1", "unit-1"));
  absl::Status status = directory_->Delete("unit-1");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("referred to by 2 record(s): tilbud-1 (unit_id), unit-2 (parent_id)"));
  ASSERT_TRUE(directory_->Delete("tilbud-1").ok());
  ASSERT_TRUE(directory_->Delete("unit-2").ok());
  ASSERT_TRUE(directory_->Delete("unit-1").ok());
  EXPECT_EQ(directory_->Get("unit-1").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(DirectoryTest, UpdateWithMaskChangesOnlyThoseFieldsAndStaleEtagIsAborted) {
  MustCreate(testing::MakeUnit("unit-1"));
  MustCreate(testing::MakeUnit("unit-2", "unit-1"));
  Record change;
  change.mutable_unit()->set_id("unit-2");
  change.mutable_unit()->set_name("Nyt navn");
  change.set_etag("2");
  google::protobuf::FieldMask mask;
  mask.add_paths("name");
  auto updated = directory_->Update(change, mask);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->unit().name(), "Nyt navn");
  EXPECT_EQ(updated->unit().parent_id(), "unit-1");
  EXPECT_EQ(updated->etag(), "3");

  change.mutable_unit()->set_name("Igen");
  auto stale = directory_->Update(change, mask);  // etag "2" is stale now
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  change.set_etag(std::string(100000, '7'));
  stale = directory_->Update(change, mask);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_LT(stale.status().message().size(), 200u) << "the etag sent is cut short";
  EXPECT_EQ(directory_->Get("unit-2")->unit().name(), "Nyt navn");
}

// Issue 11, point 1: FieldMaskUtil::MergeMessageTo aborted the process when
// the record sent was of another kind than the stored one.
TEST_F(DirectoryTest, UpdateWithARecordOfAnotherKindIsRefusedNamingBothKinds) {
  MustCreate(testing::MakeUnit("unit-1"));
  MustCreate(testing::MakePerson("person-1", "unit-1"));
  const uint64_t before = directory_->LastSequence();
  struct Case {
    Record input;
    std::string mask_path;
  };
  std::vector<Case> cases;
  for (const std::string& stored_id : {std::string("unit-1"), std::string("person-1")}) {
    Record tilbud = testing::MakeTilbud(stored_id, "unit-1");
    Record praktik = testing::MakePraktik(stored_id, "unit-1");
    Record partner = testing::MakePartner(stored_id, "unit-1");
    Record unit = testing::MakeUnit(stored_id);
    Record person = testing::MakePerson(stored_id, "unit-1");
    cases.push_back({tilbud, "name"});
    cases.push_back({praktik, "title"});
    cases.push_back({partner, "name"});
    cases.push_back({stored_id == "unit-1" ? person : unit, "name"});
    cases.push_back({tilbud, ""});
  }
  for (const Case& c : cases) {
    google::protobuf::FieldMask mask;
    if (!c.mask_path.empty()) mask.add_paths(c.mask_path);
    const std::string& id = model::RecordId(c.input);
    auto updated = directory_->Update(c.input, mask);
    EXPECT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument)
        << c.input.ShortDebugString();
    const std::string stored_kind = id == "unit-1" ? "unit" : "person";
    EXPECT_THAT(std::string(updated.status().message()),
                HasSubstr(absl::StrCat("a ", model::KindName(model::KindOf(c.input)),
                                       " cannot update ", id, ", which is a ", stored_kind)));
  }
  EXPECT_EQ(directory_->LastSequence(), before);
  auto unit = directory_->Get("unit-1");
  ASSERT_TRUE(unit.ok()) << unit.status();
  EXPECT_EQ(unit->unit().name(), "Enhed unit-1");
}

TEST_F(DirectoryTest, UpdateWithAMalformedMaskIsRefusedAndStoresNothing) {
  MustCreate(testing::MakeUnit("unit-1"));
  Record change = testing::MakeUnit("unit-1");
  change.mutable_unit()->set_name("Nyt navn");
  for (const std::string& path : {"address.", "name.", "a..b", "", ".name", "aliases.x"}) {
    google::protobuf::FieldMask mask;
    mask.add_paths("name");
    mask.add_paths(path);
    auto updated = directory_->Update(change, mask);
    EXPECT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_THAT(std::string(updated.status().message()), HasSubstr("update_mask: ")) << path;
  }
  EXPECT_EQ(directory_->Get("unit-1")->unit().name(), "Enhed unit-1");
  EXPECT_EQ(directory_->LastSequence(), 1u);
}

TEST_F(DirectoryTest, MovingAUnitBelowItsOwnChildIsRejected) {
  MustCreate(testing::MakeUnit("unit-1"));
  MustCreate(testing::MakeUnit("unit-2", "unit-1"));
  MustCreate(testing::MakeUnit("unit-3", "unit-2"));
  Record move = testing::MakeUnit("unit-1", "unit-3");
  auto moved = directory_->Update(move, {});
  EXPECT_EQ(moved.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(moved.status().message()), HasSubstr("cannot be moved below itself"));
}

// Issue 11, point 7: the walk up the parents stopped after 1,000 units and
// then accepted the move.
TEST_F(DirectoryTest, NoUnitBecomesItsOwnAncestorHoweverDeepTheChain) {
  constexpr int kDepth = 1500;
  std::vector<Record> batch;
  for (int i = 0; i < kDepth; ++i) {
    batch.push_back(testing::MakeUnit("unit-" + std::to_string(i),
                                      i == 0 ? "" : "unit-" + std::to_string(i - 1)));
    if (batch.size() == 500 || i == kDepth - 1) {
      auto imported = directory_->Import(batch);
      ASSERT_TRUE(imported.ok()) << imported.status();
      for (const auto& result : imported->results()) {
        ASSERT_EQ(result.outcome(), sof::directory::v1::CREATED) << result.error();
      }
      batch.clear();
    }
  }
  const uint64_t before = directory_->LastSequence();
  const std::string deepest = "unit-" + std::to_string(kDepth - 1);
  auto moved = directory_->Update(testing::MakeUnit("unit-0", deepest), {});
  EXPECT_EQ(moved.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(moved.status().message()),
              HasSubstr("unit.parent_id: " + deepest + " is below unit-0"));
  // Nor through an import, nor a move into the middle.
  auto imported = directory_->Import(
      {testing::MakeUnit("unit-0", deepest), testing::MakeUnit("unit-700", "unit-1200")});
  ASSERT_TRUE(imported.ok()) << imported.status();
  for (const auto& result : imported->results()) {
    EXPECT_EQ(result.outcome(), sof::directory::v1::REJECTED) << result.id();
    EXPECT_THAT(result.error(), HasSubstr("a unit cannot be moved below itself"));
  }
  EXPECT_EQ(directory_->LastSequence(), before);
  EXPECT_FALSE(directory_->Get("unit-0")->unit().has_parent_id());
  // A move that forms no cycle still goes through at that depth.
  MustCreate(testing::MakeUnit("unit-x"));
  auto fine = directory_->Update(testing::MakeUnit("unit-x", deepest), {});
  EXPECT_TRUE(fine.ok()) << fine.status();
}

TEST_F(DirectoryTest, ImportAcceptsGoodRecordsRejectsBadOnesAndIsIdempotent) {
  std::vector<Record> batch = {testing::MakeUnit("unit-1"), testing::MakeUnit("unit-2", "unit-1"),
                               testing::MakeTilbud("tilbud-1", "unit-404"),
                               testing::MakePerson("person-1", "unit-2")};
  auto first = directory_->Import(batch);
  ASSERT_TRUE(first.ok()) << first.status();
  std::vector<int> outcomes;
  for (const auto& r : first->results()) outcomes.push_back(r.outcome());
  EXPECT_THAT(outcomes, ElementsAre(sof::directory::v1::CREATED, sof::directory::v1::CREATED,
                                    sof::directory::v1::REJECTED, sof::directory::v1::CREATED));
  EXPECT_THAT(first->results(2).error(), HasSubstr("tilbud.unit_id: unit-404 does not exist"));
  EXPECT_EQ(directory_->Get("tilbud-1").status().code(), absl::StatusCode::kNotFound);
  const uint64_t after_first = directory_->LastSequence();

  auto second = directory_->Import(batch);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->results(0).outcome(), sof::directory::v1::UNCHANGED);
  EXPECT_EQ(second->results(3).outcome(), sof::directory::v1::UNCHANGED);
  EXPECT_EQ(directory_->LastSequence(), after_first);

  batch[1].mutable_unit()->set_name("Omdøbt");
  auto third = directory_->Import(batch);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->results(1).outcome(), sof::directory::v1::UPDATED);
  EXPECT_EQ(directory_->Get("unit-2")->unit().name(), "Omdøbt");
}

TEST_F(DirectoryTest, ChangeLogIsGapFreeAndSurvivesReopen) {
  MustCreate(testing::MakeUnit("unit-1"));
  MustCreate(testing::MakeUnit("unit-2", "unit-1"));
  ASSERT_TRUE(directory_->Delete("unit-2").ok());
  ASSERT_EQ(listener_.changes.size(), 3u);
  EXPECT_EQ(listener_.changes[2].type(), sof::directory::v1::CHANGE_DELETED);
  Reopen();
  EXPECT_EQ(directory_->LastSequence(), 3u);
  sof::directory::v1::ListChangesRequest request;
  auto changes = directory_->ListChanges(request);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->changes_size(), 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(changes->changes(i).sequence(), i + 1u);
  EXPECT_EQ(changes->changes(1).id(), "unit-2");
  MustCreate(testing::MakeUnit("unit-3", "unit-1"));
  EXPECT_EQ(directory_->Get("unit-3")->create_sequence(), 4u);
}

// A StopCheck that says "cancelled" from its `after`-th check on.
common::StopCheck CancelledAfter(int after, std::shared_ptr<int> checks = std::make_shared<int>()) {
  return common::StopCheck(absl::InfiniteFuture(), "",
                           [after, checks] { return ++*checks > after; });
}

TEST_F(DirectoryTest, ImportStoppedBeforeItsWriteStoresNothingOfTheBatchAndSaysSo) {
  MustCreate(testing::MakeUnit("unit-1"));
  std::vector<Record> batch;
  for (int i = 0; i < 500; ++i) {
    batch.push_back(testing::MakePerson("person-" + std::to_string(i), "unit-1"));
  }
  const uint64_t before = directory_->LastSequence();
  // 500 records: 8 checks while validating, 8 while preparing the write and
  // one just before it; stopping at any of them stores nothing.
  for (int after : {0, 3, 8, 12, 16}) {
    auto checks = std::make_shared<int>();
    auto stopped = directory_->Import(batch, {}, CancelledAfter(after, checks));
    EXPECT_EQ(stopped.status().code(), absl::StatusCode::kCancelled) << "after " << after;
    EXPECT_THAT(stopped.status().message(), HasSubstr("nothing of this batch was stored"));
    EXPECT_THAT(stopped.status().message(), HasSubstr("of 500 records"));
    EXPECT_EQ(*checks, after + 1) << "stops at the first check that says stop";
    EXPECT_EQ(directory_->LastSequence(), before);
    EXPECT_EQ(directory_->Get("person-0").status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(directory_->Get("person-499").status().code(), absl::StatusCode::kNotFound);
  }
  const common::StopCheck past(absl::Now() - absl::Seconds(1), "the call's deadline passed", {});
  auto late = directory_->Import(batch, {}, past);
  EXPECT_EQ(late.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(late.status().message(), HasSubstr("the call's deadline passed"));
  EXPECT_EQ(directory_->LastSequence(), before);

  // With time to spare, the same batch goes in whole.
  auto checks = std::make_shared<int>();
  auto whole = directory_->Import(batch, {}, CancelledAfter(1000, checks));
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(directory_->LastSequence(), before + 500);
  EXPECT_GT(*checks, 2);
}

TEST_F(DirectoryTest, LongReadsStopWhenToldAndReturnNothingPartial) {
  MustCreate(testing::MakeUnit("unit-1"));
  std::vector<Record> batch;
  for (int i = 0; i < 300; ++i) {
    batch.push_back(testing::MakePerson("person-" + std::to_string(i), "unit-1"));
  }
  ASSERT_TRUE(directory_->Import(batch).ok());
  sof::directory::v1::ListRecordsRequest list;
  list.set_page_size(1000);
  sof::directory::v1::ListRecordsRequest by_parent = list;
  by_parent.set_parent("unit-1");
  sof::directory::v1::ExportRecordsRequest export_request;
  sof::directory::v1::ListChangesRequest changes;
  changes.set_page_size(1000);
  sof::directory::v1::ListAuditRequest audit;
  const std::vector<std::pair<std::string, std::function<absl::Status(const common::StopCheck&)>>>
      calls = {
          {"ListRecords", [&](const auto& stop) { return directory_->List(list, stop).status(); }},
          {"ListRecords",
           [&](const auto& stop) { return directory_->List(by_parent, stop).status(); }},
          {"ExportRecords",
           [&](const auto& stop) { return directory_->Export(export_request, stop).status(); }},
          {"ListChanges",
           [&](const auto& stop) { return directory_->ListChanges(changes, stop).status(); }},
          {"ListAudit",
           [&](const auto& stop) { return directory_->ListAudit(audit, stop).status(); }},
          {"ListStaleRecords",
           [&](const auto& stop) {
             return directory_->ListStale(absl::Now() + absl::Hours(1), "", 10, stop).status();
           }},
      };
  for (const auto& [method, call] : calls) {
    EXPECT_TRUE(call(common::StopCheck()).ok()) << method;
    // Stopped part-way (the second check), not only before starting.
    absl::Status cancelled = call(CancelledAfter(method == "ListStaleRecords" ? 0 : 1));
    EXPECT_EQ(cancelled.code(), absl::StatusCode::kCancelled) << method;
    EXPECT_THAT(cancelled.message(), HasSubstr(method + " stopped after"));
    absl::Status late = call(common::StopCheck(absl::Now(), "the call's deadline passed", {}));
    EXPECT_EQ(late.code(), absl::StatusCode::kDeadlineExceeded) << method;
    EXPECT_THAT(late.message(), HasSubstr("the call's deadline passed"));
  }
}

TEST(DemoLoaderTest, SlotsMoveByWholeWeeksToStartAfterToday) {
  std::vector<Record> records = {testing::MakePraktik("praktik-1", "unit-1")};
  // 2027-03-16 is a Tuesday; today 2030-01-01 is a Tuesday too.
  ShiftPraktikSlots(records, absl::CivilDay(2030, 1, 1));
  const auto& slot = records[0].praktik().slots(0);
  EXPECT_EQ(slot.start(), "2030-01-08");
  EXPECT_EQ(slot.end(), "2030-01-08");
}

}  // namespace
}  // namespace sofdir::domain
