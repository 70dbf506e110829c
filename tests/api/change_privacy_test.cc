// The change feed and the booking calls hand out personal data only to who
// may read it, and every hand-out leaves a read-log entry: booking changes
// (name, e-mail, note, request id) reach admins and the sync role only.
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "server/api/server_app.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::api {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using Read = std::pair<std::string, std::string>;  // principal, method

constexpr char kReader[] = "reader-token-0123456789";
constexpr char kBooker[] = "booker-token-0123456789";
constexpr char kSync[] = "sync-token-0123456789ab";
constexpr char kAdmin[] = "admin-token-01234567890";
// What only the booking changes carry.
constexpr char kName[] = "Hemmelig Kollega";
constexpr char kEmail[] = "booker@kk.dk";
constexpr char kNote[] = "Kommer i kørestol";

std::string Config(const std::string& admin_roles) {
  return std::string(R"({"tokens": [
    {"token": ")") +
         kReader + R"(", "principal": "reader@kk.dk", "roles": ["reader"]},
    {"token": ")" +
         kBooker + R"(", "principal": "booker@kk.dk", "roles": ["booker"]},
    {"token": ")" +
         kSync + R"(", "principal": "replica", "roles": ["sync"]},
    {"token": ")" +
         kAdmin + R"(", "principal": "admin@kk.dk", "roles": [)" + admin_roles + R"(]}
  ]})";
}

class ChangePrivacyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_path_ = dir_.Sub("auth.json");
    std::ofstream(config_path_) << Config(R"("admin")");
    ServerApp::Options options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.Sub("data");
    options.auth_config_path = config_path_;
    options.today = [] { return absl::CivilDay(2027, 1, 4); };
    auto app = ServerApp::Start(options);
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    stub_ = v1::DirectoryService::NewStub(
        grpc::CreateChannel(app_->address(), grpc::InsecureChannelCredentials()));
    auto& d = app_->directory();
    ASSERT_TRUE(d.Create(testing::MakeUnit("unit-1")).ok());
    ASSERT_TRUE(d.Create(testing::MakePerson("person-1", "unit-1")).ok());
    ASSERT_TRUE(d.Create(testing::MakePraktik("praktik-1", "unit-1")).ok());
    before_bookings_ = d.LastSequence();
    booking_id_ = Book();
    ASSERT_TRUE(d.Create(testing::MakeUnit("unit-2")).ok());  // a record change after it
  }

  static void Prepare(grpc::ClientContext& context, const std::string& token) {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    context.AddMetadata("authorization", "Bearer " + token);
  }

  std::string Book() {
    grpc::ClientContext context;
    Prepare(context, kBooker);
    v1::BookPraktikRequest request;
    request.set_offer_id("praktik-1");
    request.set_slot_start("2027-03-16");
    request.set_name(kName);
    request.set_email(kEmail);
    request.set_note(kNote);
    request.set_request_id("booking-request-1");
    v1::Booking booking;
    grpc::Status status = stub_->BookPraktik(&context, request, &booking);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return booking.booking_id();
  }

  // Every change `token` gets from ListChanges after `since`, page by page
  // as `sofdir changes` reads them.
  std::vector<v1::Change> ListAll(const std::string& token, uint64_t since, int page_size) {
    std::vector<v1::Change> all;
    for (int pages = 0; pages < 100; ++pages) {
      grpc::ClientContext context;
      Prepare(context, token);
      v1::ListChangesRequest request;
      request.set_since_sequence(since);
      request.set_page_size(page_size);
      v1::ListChangesResponse page;
      grpc::Status status = stub_->ListChanges(&context, request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      all.insert(all.end(), page.changes().begin(), page.changes().end());
      EXPECT_GE(page.next_since_sequence(), since);
      since = page.next_since_sequence();
      if (page.changes().empty() || since >= page.last_sequence()) return all;
    }
    ADD_FAILURE() << "ListChanges did not end";
    return all;
  }

  // Changes `token` gets from WatchChanges after `since`, until `last_id`.
  std::vector<v1::Change> WatchUntil(const std::string& token, uint64_t since,
                                     const std::string& last_id) {
    grpc::ClientContext context;
    Prepare(context, token);
    v1::WatchChangesRequest request;
    request.set_since_sequence(since);
    auto stream = stub_->WatchChanges(&context, request);
    std::vector<v1::Change> seen;
    v1::Change change;
    while (stream->Read(&change)) {
      seen.push_back(change);
      if (change.id() == last_id) break;
    }
    context.TryCancel();
    stream->Finish().IgnoreError();
    EXPECT_FALSE(seen.empty() || seen.back().id() != last_id) << "the watch ended early";
    return seen;
  }

  // (principal, method) of the read-log entries about `resource`.
  std::vector<Read> Reads(const std::string& resource) {
    grpc::ClientContext context;
    Prepare(context, kAdmin);
    v1::ListAuditRequest request;
    request.set_resource(resource);
    v1::ListAuditResponse audit;
    grpc::Status status = stub_->ListAudit(&context, request, &audit);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<Read> reads;
    for (const v1::AuditEntry& e : audit.entries()) {
      if (e.sequence() == 0) reads.emplace_back(e.principal(), e.method());
    }
    return reads;
  }

  static void ExpectNoBookingData(const std::vector<v1::Change>& changes) {
    for (const v1::Change& change : changes) {
      EXPECT_FALSE(change.has_booking()) << change.id();
      const std::string bytes = change.SerializeAsString();
      EXPECT_THAT(bytes, Not(HasSubstr(kName)));
      EXPECT_THAT(bytes, Not(HasSubstr(kNote)));
      EXPECT_THAT(bytes, Not(HasSubstr("booking-request-1")));
    }
  }

  testing::TempDir dir_;
  std::string config_path_;
  std::unique_ptr<ServerApp> app_;
  std::unique_ptr<v1::DirectoryService::Stub> stub_;
  uint64_t before_bookings_ = 0;
  std::string booking_id_;
};

TEST_F(ChangePrivacyTest, ReaderListsRecordChangesWithoutBookingsAndPagesPastTheGap) {
  for (int page_size : {1, 2, 100}) {
    std::vector<v1::Change> changes = ListAll(kReader, 0, page_size);
    ExpectNoBookingData(changes);
    std::set<std::string> ids;
    for (const v1::Change& change : changes) ids.insert(change.id());
    EXPECT_THAT(ids, Contains("person-1")) << page_size;
    EXPECT_THAT(ids, Contains("unit-2")) << "the change after the booking, page size " << page_size;
    // The booking's sequence is a gap, not a loss.
    EXPECT_EQ(changes.back().sequence(), app_->directory().LastSequence());
    EXPECT_LT(changes.size(), app_->directory().LastSequence());
  }
  // A page that starts right at the booking goes on to the next record change.
  std::vector<v1::Change> after = ListAll(kReader, before_bookings_, 1);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].id(), "unit-2");
  EXPECT_EQ(after[0].sequence(), before_bookings_ + 2);
}

TEST_F(ChangePrivacyTest, ReaderWatchesRecordChangesWithoutBookings) {
  std::vector<v1::Change> seen = WatchUntil(kReader, 0, "unit-2");
  ExpectNoBookingData(seen);
  // Live, too: a booking made while it watches never reaches it.
  grpc::ClientContext context;
  Prepare(context, kReader);
  v1::WatchChangesRequest request;
  request.set_since_sequence(app_->directory().LastSequence());
  auto stream = stub_->WatchChanges(&context, request);
  ASSERT_TRUE(app_->directory().Create(testing::MakeUnit("unit-3")).ok());
  v1::Change change;
  ASSERT_TRUE(stream->Read(&change));
  EXPECT_EQ(change.id(), "unit-3");
  grpc::ClientContext cancel;
  Prepare(cancel, kBooker);
  v1::CancelBookingRequest cancel_request;
  cancel_request.set_booking_id(booking_id_);
  v1::Booking cancelled;
  ASSERT_TRUE(stub_->CancelBooking(&cancel, cancel_request, &cancelled).ok());
  ASSERT_TRUE(app_->directory().Create(testing::MakeUnit("unit-4")).ok());
  ASSERT_TRUE(stream->Read(&change));
  EXPECT_EQ(change.id(), "unit-4") << "the cancellation in between was left out";
  context.TryCancel();
  stream->Finish().IgnoreError();
}

TEST_F(ChangePrivacyTest, AdminAndSyncGetBookingChangesAndEachHandOutIsInTheReadLog) {
  std::vector<v1::Change> listed = ListAll(kAdmin, 0, 100);
  bool saw_booking = false;
  for (const v1::Change& change : listed) {
    if (change.has_booking()) {
      saw_booking = true;
      EXPECT_EQ(change.booking().name(), kName);
      EXPECT_EQ(change.booking().note(), kNote);
    }
  }
  EXPECT_TRUE(saw_booking);
  EXPECT_THAT(Reads(booking_id_), Contains(Read("admin@kk.dk", "ListChanges")));

  std::vector<v1::Change> watched = WatchUntil(kSync, 0, "unit-2");
  bool sync_saw_booking = false;
  for (const v1::Change& change : watched) sync_saw_booking |= change.has_booking();
  EXPECT_TRUE(sync_saw_booking);
  EXPECT_THAT(Reads(booking_id_), Contains(Read("replica", "WatchChanges")));
  // Persons in the feed are logged as before.
  EXPECT_THAT(Reads("person-1"), Contains(Read("replica", "WatchChanges")));
  // A reader's feed hands out no booking, so it leaves no booking read.
  ListAll(kReader, 0, 100);
  EXPECT_THAT(Reads(booking_id_), Not(Contains(Read("reader@kk.dk", "ListChanges"))));
}

TEST_F(ChangePrivacyTest, SyncReadsButMayNotBookWriteOrAudit) {
  grpc::ClientContext get;
  Prepare(get, kSync);
  v1::GetRecordRequest request;
  request.set_id("person-1");
  v1::Record record;
  EXPECT_TRUE(stub_->GetRecord(&get, request, &record).ok());

  grpc::ClientContext create;
  Prepare(create, kSync);
  v1::CreateRecordRequest create_request;
  *create_request.mutable_record() = testing::MakeUnit("unit-9");
  EXPECT_EQ(stub_->CreateRecord(&create, create_request, &record).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  grpc::ClientContext booking;
  Prepare(booking, kSync);
  v1::GetBookingRequest get_booking;
  get_booking.set_booking_id(booking_id_);
  v1::Booking out;
  EXPECT_EQ(stub_->GetBooking(&booking, get_booking, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  grpc::ClientContext audit;
  Prepare(audit, kSync);
  v1::ListAuditResponse entries;
  EXPECT_EQ(stub_->ListAudit(&audit, v1::ListAuditRequest(), &entries).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ChangePrivacyTest, ReadingABookingLeavesAReadLogEntry) {
  grpc::ClientContext get;
  Prepare(get, kBooker);
  v1::GetBookingRequest get_request;
  get_request.set_booking_id(booking_id_);
  v1::Booking booking;
  ASSERT_TRUE(stub_->GetBooking(&get, get_request, &booking).ok());

  grpc::ClientContext list;
  Prepare(list, kAdmin);
  v1::ListBookingsRequest list_request;
  list_request.set_offer_id("praktik-1");
  v1::ListBookingsResponse listed;
  ASSERT_TRUE(stub_->ListBookings(&list, list_request, &listed).ok());
  ASSERT_EQ(listed.bookings_size(), 1);

  grpc::ClientContext calendar;
  Prepare(calendar, kBooker);
  v1::GetBookingCalendarRequest calendar_request;
  calendar_request.set_booking_id(booking_id_);
  v1::BookingCalendar ics;
  ASSERT_TRUE(stub_->GetBookingCalendar(&calendar, calendar_request, &ics).ok());

  EXPECT_THAT(Reads(booking_id_),
              ::testing::IsSupersetOf({Read("booker@kk.dk", "GetBooking"),
                                       Read("admin@kk.dk", "ListBookings"),
                                       Read("booker@kk.dk", "GetBookingCalendar")}));
}

TEST_F(ChangePrivacyTest, AWatchThatLosesAdminAtAReloadGetsNoMoreBookings) {
  grpc::ClientContext context;
  Prepare(context, kAdmin);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::WatchChangesRequest request;
  request.set_since_sequence(app_->directory().LastSequence());
  auto stream = stub_->WatchChanges(&context, request);
  ASSERT_TRUE(app_->directory().Create(testing::MakeUnit("unit-3")).ok());
  v1::Change change;
  ASSERT_TRUE(stream->Read(&change));  // running before the reload

  std::ofstream(config_path_) << Config(R"("reader")");
  ASSERT_TRUE(app_->ReloadAuth().ok());
  grpc::ClientContext cancel;
  Prepare(cancel, kBooker);
  v1::CancelBookingRequest cancel_request;
  cancel_request.set_booking_id(booking_id_);
  v1::Booking cancelled;
  ASSERT_TRUE(stub_->CancelBooking(&cancel, cancel_request, &cancelled).ok());
  ASSERT_TRUE(app_->directory().Create(testing::MakeUnit("unit-4")).ok());
  ASSERT_TRUE(stream->Read(&change));
  EXPECT_EQ(change.id(), "unit-4");
  EXPECT_FALSE(change.has_booking());
  context.TryCancel();
  stream->Finish().IgnoreError();
}

}  // namespace
}  // namespace sofdir::api
