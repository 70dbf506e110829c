#include "server/domain/store_verifier.h"

#include <memory>
#include <string>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/praktik_bookings.h"
#include "server/storage/key_codec.h"
#include "tests/domain/directory_fixture.h"
#include "tests/testing/records.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;
using storage::ColumnFamily;
using ::testing::HasSubstr;

// A small sound directory: units, persons, a tilbud, a praktik offer with
// bookings (one cancelled, one waiting), an update and a delete.
class StoreVerifierTest : public DirectoryFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDirectory());
    PraktikBookings::Options options;
    options.today = [] { return absl::CivilDay(2027, 1, 4); };
    bookings_ = std::make_unique<PraktikBookings>(*directory_, *storage_, nullptr, options);
    ASSERT_TRUE(directory_->Create(testing::MakeUnit("unit-1")).ok());
    ASSERT_TRUE(directory_->Create(testing::MakeUnit("unit-2", "unit-1")).ok());
    ASSERT_TRUE(directory_->Create(testing::MakeUnit("unit-3", "unit-2")).ok());
    ASSERT_TRUE(directory_->Create(testing::MakePerson("person-1", "unit-2")).ok());
    ASSERT_TRUE(directory_->Create(testing::MakePerson("person-2", "unit-3")).ok());
    ASSERT_TRUE(directory_->Create(testing::MakeTilbud("tilbud-1", "unit-3", "person-1")).ok());
    ASSERT_TRUE(directory_->Delete("person-2").ok());
    v1::Record moved = testing::MakePerson("person-1", "unit-3");
    ASSERT_TRUE(directory_->Update(moved, {}).ok());
    ASSERT_TRUE(directory_->Create(testing::MakePraktik("praktik-1", "unit-1")).ok());
    for (const char* who : {"anna", "bo", "carl"}) {
      v1::BookPraktikRequest request;
      request.set_offer_id("praktik-1");
      request.set_slot_start("2027-03-16");
      request.set_name(who);
      request.set_email(std::string(who) + "@SOF.example.dk");
      auto booking = bookings_->Book(request);
      ASSERT_TRUE(booking.ok()) << booking.status();
      booking_ids_.push_back(booking->booking_id());
    }
    ASSERT_TRUE(bookings_->Cancel(booking_ids_[0]).ok());  // promotes carl
  }

  StoreReport Verify() {
    auto report = VerifyStore(*storage_);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : StoreReport{};
  }

  void Write(const std::function<void(storage::WriteBatch&)>& stage) {
    storage::WriteBatch batch = storage_->NewWriteBatch();
    stage(batch);
    ASSERT_TRUE(storage_->WriteDurably(batch).ok());
  }

  static std::string Problems(const StoreReport& report) {
    return absl::StrJoin(report.problems, "\n");
  }

  std::unique_ptr<PraktikBookings> bookings_;
  std::vector<std::string> booking_ids_;
};

TEST_F(StoreVerifierTest, SoundDirectoryHasNoProblemsAndCountsWhatItRead) {
  StoreReport report = Verify();
  EXPECT_TRUE(report.sound()) << Problems(report);
  EXPECT_EQ(report.records, 6);  // person-2 deleted
  EXPECT_EQ(report.units, 3);
  EXPECT_EQ(report.changes, static_cast<int>(directory_->LastSequence()));
  EXPECT_GT(report.refs, 0);
  EXPECT_EQ(report.order, 6);
  EXPECT_EQ(report.bookings, 3);
  EXPECT_EQ(report.booking_index, 2 + 3);  // two active slot entries, three e-mails
}

TEST_F(StoreVerifierTest, MissingRefsEntryIsFound) {
  Write([](storage::WriteBatch& b) {
    b.Delete(ColumnFamily::kRefs, storage::RefKey("person-1", "tilbud-1"));
  });
  StoreReport report = Verify();
  EXPECT_EQ(report.problem_count, 1) << Problems(report);
  EXPECT_THAT(Problems(report), HasSubstr("tilbud-1 refers to person-1"));
  EXPECT_THAT(Problems(report), HasSubstr("missing"));
}

TEST_F(StoreVerifierTest, RefsEntryWithoutAReferenceIsFound) {
  Write([](storage::WriteBatch& b) {
    b.Put(ColumnFamily::kRefs, storage::RefKey("unit-1", "person-1"), "unit_id");
  });
  StoreReport report = Verify();
  EXPECT_EQ(report.problem_count, 1) << Problems(report);
  EXPECT_THAT(Problems(report), HasSubstr("unit-1 <- person-1"));
  EXPECT_THAT(Problems(report), HasSubstr("matches no reference"));
}

TEST_F(StoreVerifierTest, GapInTheChangeLogIsFound) {
  Write(
      [](storage::WriteBatch& b) { b.Delete(ColumnFamily::kChanges, storage::EncodeSequence(3)); });
  StoreReport report = Verify();
  EXPECT_EQ(report.problem_count, 1) << Problems(report);
  EXPECT_THAT(Problems(report), HasSubstr("changes: sequences 3..3 are missing"));
}

TEST_F(StoreVerifierTest, OrderEntriesMustMatchRecords) {
  auto unit = directory_->Get("unit-2");
  ASSERT_TRUE(unit.ok());
  Write([&](storage::WriteBatch& b) {
    b.Delete(ColumnFamily::kOrder, storage::EncodeSequence(unit->create_sequence()));
    b.Put(ColumnFamily::kOrder, storage::EncodeSequence(999), "unit-9");
  });
  StoreReport report = Verify();
  EXPECT_EQ(report.problem_count, 2) << Problems(report);
  EXPECT_THAT(Problems(report), HasSubstr("order: unit-2"));
  EXPECT_THAT(Problems(report), HasSubstr("order: 999 names unit-9, which does not exist"));
}

TEST_F(StoreVerifierTest, BookingIndexMustMatchActiveBookings) {
  auto bo = bookings_->Get(booking_ids_[1]);
  ASSERT_TRUE(bo.ok());
  Write([&](storage::WriteBatch& b) {
    b.Delete(ColumnFamily::kBookingIndex,
             storage::SlotBookingKey("praktik-1", "2027-03-16", bo->create_sequence()));
  });
  StoreReport report = Verify();
  EXPECT_EQ(report.problem_count, 1) << Problems(report);
  EXPECT_THAT(Problems(report), HasSubstr("booking_index"));
  EXPECT_THAT(Problems(report), HasSubstr(booking_ids_[1]));
  EXPECT_THAT(Problems(report), HasSubstr("missing"));
}

TEST_F(StoreVerifierTest, UnitCycleIsFound) {
  // unit-1 moved below unit-3, written past Directory's checks.
  auto root = directory_->Get("unit-1");
  ASSERT_TRUE(root.ok());
  v1::Record cyclic = *root;
  cyclic.clear_etag();
  cyclic.mutable_unit()->set_parent_id("unit-3");
  Write([&](storage::WriteBatch& b) {
    b.Put(ColumnFamily::kRecords, "unit-1", cyclic.SerializeAsString());
    b.Put(ColumnFamily::kRefs, storage::RefKey("unit-3", "unit-1"), "parent_id");
  });
  StoreReport report = Verify();
  EXPECT_EQ(report.problem_count, 1) << Problems(report);
  EXPECT_THAT(Problems(report), HasSubstr("is a cycle"));
  EXPECT_THAT(Problems(report), HasSubstr("unit-1"));
  EXPECT_THAT(Problems(report), HasSubstr("unit-3"));
}

}  // namespace
}  // namespace sofdir::domain
