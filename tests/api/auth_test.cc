// Who may do what, through the real server: every role against every
// method, editor unit scope, own bookings, anonymous search, reload.
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "server/api/server_app.h"
#include "server/storage/storage.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::api {
namespace {

namespace v1 = ::sof::directory::v1;
using Stub = v1::DirectoryService::Stub;

constexpr char kReader[] = "reader-token-0123456789";
constexpr char kBooker[] = "booker-token-0123456789";
constexpr char kEditor[] = "editor-token-0123456789";
constexpr char kAdmin[] = "admin-token-01234567890";

std::string Config(bool anonymous_search, const std::string& extra = "") {
  return std::string(R"({"tokens": [
    {"token": ")") +
         kReader + R"(", "principal": "reader@kk.dk", "roles": ["reader"]},
    {"token": ")" +
         kBooker + R"(", "principal": "booker@kk.dk", "roles": ["booker"]},
    {"token": ")" +
         kEditor + R"(", "principal": "editor@kk.dk", "roles": ["editor"], "units": ["unit-2"]},
    {"token": ")" +
         kAdmin + R"(", "principal": "admin@kk.dk", "roles": ["admin"]})" + extra + R"(
  ], "anonymous_search": )" +
         (anonymous_search ? "true" : "false") + "}";
}

class AuthTest : public ::testing::Test {
 protected:
  void Start(bool anonymous_search) {
    config_path_ = dir_.Sub("auth.json");
    std::ofstream(config_path_) << Config(anonymous_search);
    Launch();
    auto& d = app_->directory();
    ASSERT_TRUE(d.Create(testing::MakeUnit("unit-1")).ok());
    ASSERT_TRUE(d.Create(testing::MakeUnit("unit-2", "unit-1")).ok());
    ASSERT_TRUE(d.Create(testing::MakeUnit("unit-3")).ok());
    ASSERT_TRUE(d.Create(testing::MakePerson("person-1", "unit-2")).ok());
    ASSERT_TRUE(d.Create(testing::MakePraktik("praktik-1", "unit-2")).ok());
  }

  // Starts the server on the data directory as it is.
  void Launch() {
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
  }

  static void Prepare(grpc::ClientContext& context, const std::string& token) {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  }

  testing::TempDir dir_;
  std::string config_path_;
  std::unique_ptr<ServerApp> app_;
  std::unique_ptr<Stub> stub_;
};

// One call per method with a valid request, made as `email`.
using Call = std::function<grpc::Status(Stub&, grpc::ClientContext&, const std::string& email)>;

std::map<std::string, Call> AllMethods() {
  std::map<std::string, Call> m;
  m["GetRecord"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::GetRecordRequest r;
    r.set_id("person-1");
    v1::Record out;
    return s.GetRecord(&c, r, &out);
  };
  m["ListRecords"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::ListRecordsResponse out;
    return s.ListRecords(&c, v1::ListRecordsRequest(), &out);
  };
  m["CreateRecord"] = [](Stub& s, grpc::ClientContext& c, const std::string& email) {
    v1::CreateRecordRequest r;
    *r.mutable_record() =
        testing::MakePerson("person-" + email.substr(0, email.find('@')), "unit-2");
    v1::Record out;
    return s.CreateRecord(&c, r, &out);
  };
  m["UpdateRecord"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::UpdateRecordRequest r;
    *r.mutable_record() = testing::MakePerson("person-1", "unit-2");
    v1::Record out;
    return s.UpdateRecord(&c, r, &out);
  };
  m["DeleteRecord"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::DeleteRecordRequest r;
    r.set_id("person-404");
    google::protobuf::Empty out;
    return s.DeleteRecord(&c, r, &out);
  };
  m["ImportRecords"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::ImportRecordsResponse out;
    return s.ImportRecords(&c, v1::ImportRecordsRequest(), &out);
  };
  m["ExportRecords"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::ExportRecordsResponse out;
    return s.ExportRecords(&c, v1::ExportRecordsRequest(), &out);
  };
  m["VerifyRecord"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::VerifyRecordRequest r;
    r.set_id("person-1");
    v1::Record out;
    return s.VerifyRecord(&c, r, &out);
  };
  m["ListStaleRecords"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::ListStaleRecordsRequest r;
    r.set_older_than_days(180);
    v1::ListStaleRecordsResponse out;
    return s.ListStaleRecords(&c, r, &out);
  };
  m["ListAudit"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::ListAuditResponse out;
    return s.ListAudit(&c, v1::ListAuditRequest(), &out);
  };
  m["ListChanges"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::ListChangesResponse out;
    return s.ListChanges(&c, v1::ListChangesRequest(), &out);
  };
  m["WatchChanges"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    auto stream = s.WatchChanges(&c, v1::WatchChangesRequest());
    v1::Change change;
    while (stream->Read(&change)) {
    }
    grpc::Status status = stream->Finish();
    // Following until the deadline is what an allowed watch does.
    return status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ? grpc::Status::OK : status;
  };
  m["SearchEntries"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::SearchEntriesRequest r;
    r.set_query("enhed");
    v1::SearchEntriesResponse out;
    return s.SearchEntries(&c, r, &out);
  };
  m["SuggestEntries"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::SuggestEntriesRequest r;
    r.set_prefix("enh");
    v1::SuggestEntriesResponse out;
    return s.SuggestEntries(&c, r, &out);
  };
  m["WhoKnows"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::WhoKnowsRequest r;
    r.set_topic("FIT");
    v1::WhoKnowsResponse out;
    return s.WhoKnows(&c, r, &out);
  };
  m["ListPraktikOffers"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::ListPraktikOffersResponse out;
    return s.ListPraktikOffers(&c, v1::ListPraktikOffersRequest(), &out);
  };
  m["BookPraktik"] = [](Stub& s, grpc::ClientContext& c, const std::string& email) {
    v1::BookPraktikRequest r;
    r.set_offer_id("praktik-1");
    r.set_slot_start("2027-03-16");
    r.set_name("Kollega");
    r.set_email(email);
    v1::Booking out;
    return s.BookPraktik(&c, r, &out);
  };
  m["CancelBooking"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::CancelBookingRequest r;
    r.set_booking_id("booking-404");
    v1::Booking out;
    return s.CancelBooking(&c, r, &out);
  };
  m["GetBooking"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::GetBookingRequest r;
    r.set_booking_id("booking-404");
    v1::Booking out;
    return s.GetBooking(&c, r, &out);
  };
  m["ListBookings"] = [](Stub& s, grpc::ClientContext& c, const std::string& email) {
    v1::ListBookingsRequest r;
    r.set_email(email);
    v1::ListBookingsResponse out;
    return s.ListBookings(&c, r, &out);
  };
  m["GetBookingCalendar"] = [](Stub& s, grpc::ClientContext& c, const std::string&) {
    v1::GetBookingCalendarRequest r;
    r.set_booking_id("booking-404");
    v1::BookingCalendar out;
    return s.GetBookingCalendar(&c, r, &out);
  };
  return m;
}

const std::set<std::string> kReaderMethods = {
    "GetRecord",     "ListRecords",    "ExportRecords", "ListChanges",       "WatchChanges",
    "SearchEntries", "SuggestEntries", "WhoKnows",      "ListPraktikOffers", "ListStaleRecords"};
const std::set<std::string> kBookingMethods = {"BookPraktik", "CancelBooking", "GetBooking",
                                               "ListBookings", "GetBookingCalendar"};
const std::set<std::string> kWriteMethods = {"CreateRecord", "UpdateRecord", "DeleteRecord",
                                             "VerifyRecord"};

struct Role {
  std::string name, token, email;
  std::set<std::string> allowed;
  grpc::StatusCode denied;
};

TEST_F(AuthTest, EveryRoleAgainstEveryMethod) {
  Start(/*anonymous_search=*/false);
  std::set<std::string> booker = kReaderMethods, editor, admin;
  booker.insert(kBookingMethods.begin(), kBookingMethods.end());
  editor = booker;
  editor.insert(kWriteMethods.begin(), kWriteMethods.end());
  for (const auto& [name, call] : AllMethods()) admin.insert(name);
  const std::vector<Role> roles = {
      {"no token", "", "anon@kk.dk", {}, grpc::StatusCode::UNAUTHENTICATED},
      {"unknown token", "not-a-known-token-123", "x@kk.dk", {}, grpc::StatusCode::UNAUTHENTICATED},
      {"reader", kReader, "reader@kk.dk", kReaderMethods, grpc::StatusCode::PERMISSION_DENIED},
      {"booker", kBooker, "booker@kk.dk", booker, grpc::StatusCode::PERMISSION_DENIED},
      {"editor", kEditor, "editor@kk.dk", editor, grpc::StatusCode::PERMISSION_DENIED},
      {"admin", kAdmin, "admin@kk.dk", admin, grpc::StatusCode::PERMISSION_DENIED},
  };
  for (const Role& role : roles) {
    for (const auto& [method, call] : AllMethods()) {
      grpc::ClientContext context;
      Prepare(context, role.token);
      grpc::Status status = call(*stub_, context, role.email);
      if (role.allowed.count(method)) {
        EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
            << role.name << " " << method << ": " << status.error_message();
        EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << role.name << " " << method << ": " << status.error_message();
      } else {
        EXPECT_EQ(status.error_code(), role.denied)
            << role.name << " " << method << ": " << status.error_message();
      }
    }
  }
}

TEST_F(AuthTest, EditorWritesOnlyBelowItsUnitsAndBookerOnlyForItself) {
  Start(false);
  grpc::ClientContext in_scope;
  Prepare(in_scope, kEditor);
  v1::CreateRecordRequest create;
  *create.mutable_record() = testing::MakePerson("person-10", "unit-2");
  v1::Record out;
  EXPECT_TRUE(stub_->CreateRecord(&in_scope, create, &out).ok());

  grpc::ClientContext out_of_scope;
  Prepare(out_of_scope, kEditor);
  *create.mutable_record() = testing::MakePerson("person-11", "unit-3");
  EXPECT_EQ(stub_->CreateRecord(&out_of_scope, create, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  grpc::ClientContext move_out;
  Prepare(move_out, kEditor);
  v1::UpdateRecordRequest update;
  *update.mutable_record() = testing::MakePerson("person-1", "unit-3");
  EXPECT_EQ(stub_->UpdateRecord(&move_out, update, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  grpc::ClientContext for_someone_else;
  Prepare(for_someone_else, kBooker);
  v1::BookPraktikRequest book;
  book.set_offer_id("praktik-1");
  book.set_slot_start("2027-03-16");
  book.set_name("Anden");
  book.set_email("someone.else@kk.dk");
  v1::Booking booking;
  EXPECT_EQ(stub_->BookPraktik(&for_someone_else, book, &booking).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AuthTest, EditorPutsUnitsOnlyUnderUnitsOfItsScope) {
  Start(false);  // unit-2 (the editor's) hangs under unit-1; unit-3 is another root
  ASSERT_TRUE(app_->directory().Create(testing::MakeTilbud("tilbud-1", "unit-2")).ok());
  auto update = [this](const v1::Record& record, std::vector<std::string> mask = {}) {
    grpc::ClientContext context;
    Prepare(context, kEditor);
    v1::UpdateRecordRequest request;
    *request.mutable_record() = record;
    for (const std::string& path : mask) request.mutable_update_mask()->add_paths(path);
    v1::Record out;
    return stub_->UpdateRecord(&context, request, &out);
  };
  auto create = [this](const v1::Record& record) {
    grpc::ClientContext context;
    Prepare(context, kEditor);
    v1::CreateRecordRequest request;
    *request.mutable_record() = record;
    v1::Record out;
    return stub_->CreateRecord(&context, request, &out);
  };

  // Its own unit moves nowhere outside the scope, nor becomes a root ...
  grpc::Status moved = update(testing::MakeUnit("unit-2", "unit-3"));
  EXPECT_EQ(moved.error_code(), grpc::StatusCode::PERMISSION_DENIED) << moved.error_message();
  EXPECT_THAT(moved.error_message(), ::testing::HasSubstr("may not put a unit under unit-3"));
  EXPECT_EQ(update(testing::MakeUnit("unit-2")).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(update(testing::MakeUnit("unit-2", "unit-3"), {"parent_id"}).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(app_->directory().Get("unit-2")->unit().parent_id(), "unit-1");
  // ... but it may change it where it stands, under a unit outside the scope.
  grpc::Status renamed = update(testing::MakeUnit("unit-2", "unit-1", "Nyt navn"));
  EXPECT_TRUE(renamed.ok()) << renamed.error_message();
  grpc::Status masked = update(testing::MakeUnit("unit-2", "", "Navn igen"), {"name"});
  EXPECT_TRUE(masked.ok()) << masked.error_message();

  // New units go under units of the scope only; so do moves of units below.
  EXPECT_EQ(create(testing::MakeUnit("unit-9", "unit-3")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(create(testing::MakeUnit("unit-9")).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(create(testing::MakeUnit("unit-9", "unit-2")).ok());
  EXPECT_EQ(update(testing::MakeUnit("unit-9", "unit-3")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(create(testing::MakeUnit("unit-10", "unit-2")).ok());
  grpc::Status within = update(testing::MakeUnit("unit-9", "unit-10"), {"parent_id"});
  EXPECT_TRUE(within.ok()) << within.error_message();

  // Other kinds: both homes count, and a mask without the home keeps it.
  EXPECT_EQ(update(testing::MakeTilbud("tilbud-1", "unit-3")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::Record rename;
  rename.mutable_tilbud()->set_id("tilbud-1");
  rename.mutable_tilbud()->set_name("Nyt bosted");
  grpc::Status tilbud_renamed = update(rename, {"name"});
  EXPECT_TRUE(tilbud_renamed.ok()) << tilbud_renamed.error_message();
  EXPECT_EQ(app_->directory().Get("tilbud-1")->tilbud().unit_id(), "unit-2");
}

TEST_F(AuthTest, AnonymousSearchWhenAllowedButNoContactDetailsAndNoReads) {
  Start(/*anonymous_search=*/true);
  ASSERT_TRUE(app_->directory()
                  .Update(
                      [] {
                        auto p = testing::MakePerson("person-1", "unit-2");
                        p.mutable_person()->add_expertise("FIT");
                        p.mutable_person()->set_phone("12 34 56 78");
                        return p;
                      }(),
                      {})
                  .ok());
  grpc::ClientContext search_context;
  Prepare(search_context, "");
  v1::WhoKnowsRequest request;
  request.set_topic("FIT");
  v1::WhoKnowsResponse experts;
  ASSERT_TRUE(stub_->WhoKnows(&search_context, request, &experts).ok());
  ASSERT_GT(experts.experts_size(), 0);
  for (const auto& e : experts.experts()) {
    EXPECT_TRUE(e.email().empty());
    EXPECT_TRUE(e.phone().empty());
  }
  grpc::ClientContext with_token;
  Prepare(with_token, kReader);
  ASSERT_TRUE(stub_->WhoKnows(&with_token, request, &experts).ok());
  EXPECT_FALSE(experts.experts(0).email().empty());

  grpc::ClientContext read_context;
  Prepare(read_context, "");
  v1::GetRecordRequest get;
  get.set_id("person-1");
  v1::Record record;
  EXPECT_EQ(stub_->GetRecord(&read_context, get, &record).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthTest, AuditShowsWhoChangedWhichFieldsAndWhoReadWhichPerson) {
  Start(false);
  grpc::ClientContext update_context;
  Prepare(update_context, kEditor);
  v1::UpdateRecordRequest update;
  *update.mutable_record() = testing::MakePerson("person-1", "unit-2");
  update.mutable_record()->mutable_person()->set_title("teamleder");
  v1::Record updated;
  ASSERT_TRUE(stub_->UpdateRecord(&update_context, update, &updated).ok());

  grpc::ClientContext read_context;
  Prepare(read_context, kReader);
  v1::GetRecordRequest get;
  get.set_id("person-1");
  v1::Record record;
  ASSERT_TRUE(stub_->GetRecord(&read_context, get, &record).ok());

  grpc::ClientContext audit_context;
  Prepare(audit_context, kAdmin);
  v1::ListAuditRequest request;
  request.set_resource("person-1");
  v1::ListAuditResponse audit;
  ASSERT_TRUE(stub_->ListAudit(&audit_context, request, &audit).ok());
  ASSERT_GE(audit.entries_size(), 3);  // created (system), updated, read
  // Newest first: the read, then the update.
  EXPECT_EQ(audit.entries(0).principal(), "reader@kk.dk");
  EXPECT_EQ(audit.entries(0).method(), "GetRecord");
  EXPECT_EQ(audit.entries(1).principal(), "editor@kk.dk");
  EXPECT_EQ(audit.entries(1).method(), "UpdateRecord");
  EXPECT_THAT(audit.entries(1).changed_fields(), ::testing::ElementsAre("title"));
  EXPECT_GT(audit.entries(1).sequence(), 0u);

  // Listing persons counts as looking them up, too.
  grpc::ClientContext list_context;
  Prepare(list_context, kReader);
  v1::ListRecordsRequest list;
  list.set_kind(v1::PERSON);
  v1::ListRecordsResponse listed;
  ASSERT_TRUE(stub_->ListRecords(&list_context, list, &listed).ok());
  grpc::ClientContext after_list;
  Prepare(after_list, kAdmin);
  ASSERT_TRUE(stub_->ListAudit(&after_list, request, &audit).ok());
  EXPECT_EQ(audit.entries(0).method(), "ListRecords");
  EXPECT_EQ(audit.entries(0).principal(), "reader@kk.dk");

  grpc::ClientContext by_principal;
  Prepare(by_principal, kAdmin);
  request.Clear();
  request.set_principal("editor@kk.dk");
  ASSERT_TRUE(stub_->ListAudit(&by_principal, request, &audit).ok());
  ASSERT_EQ(audit.entries_size(), 1);
  EXPECT_EQ(audit.entries(0).resource(), "person-1");
}

// (principal, method) of the read-log entries about `person`, newest first.
std::vector<std::pair<std::string, std::string>> Reads(Stub& stub, const std::string& person) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  context.AddMetadata("authorization", std::string("Bearer ") + kAdmin);
  v1::ListAuditRequest request;
  request.set_resource(person);
  v1::ListAuditResponse audit;
  grpc::Status status = stub.ListAudit(&context, request, &audit);
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::vector<std::pair<std::string, std::string>> reads;
  for (const v1::AuditEntry& e : audit.entries()) {
    if (e.sequence() == 0) reads.emplace_back(e.principal(), e.method());
  }
  return reads;
}

TEST_F(AuthTest, WhoKnowsChangeFeedAndStaleListLeaveReadLogEntriesForThePersonsTheyShow) {
  Start(/*anonymous_search=*/true);
  v1::Record expert = testing::MakePerson("person-1", "unit-2");
  expert.mutable_person()->add_expertise("FIT");
  expert.mutable_person()->set_phone("12 34 56 78");
  ASSERT_TRUE(app_->directory().Update(expert, {}).ok());
  using Read = std::pair<std::string, std::string>;

  // Anonymous callers get no contact details, so they leave no entry.
  grpc::ClientContext anonymous;
  Prepare(anonymous, "");
  v1::WhoKnowsRequest who;
  who.set_topic("FIT");
  v1::WhoKnowsResponse experts;
  ASSERT_TRUE(stub_->WhoKnows(&anonymous, who, &experts).ok());
  ASSERT_GT(experts.experts_size(), 0);
  EXPECT_THAT(Reads(*stub_, "person-1"), ::testing::IsEmpty());

  grpc::ClientContext reader;
  Prepare(reader, kReader);
  ASSERT_TRUE(stub_->WhoKnows(&reader, who, &experts).ok());
  ASSERT_EQ(experts.experts(0).id(), "person-1");
  ASSERT_FALSE(experts.experts(0).email().empty());
  EXPECT_THAT(Reads(*stub_, "person-1"), ::testing::ElementsAre(Read("reader@kk.dk", "WhoKnows")));

  grpc::ClientContext list_changes;
  Prepare(list_changes, kBooker);
  v1::ListChangesResponse changes;
  ASSERT_TRUE(stub_->ListChanges(&list_changes, v1::ListChangesRequest(), &changes).ok());
  EXPECT_THAT(Reads(*stub_, "person-1"), ::testing::Contains(Read("booker@kk.dk", "ListChanges")));
  // Units are not persons: no read-log entries about them.
  EXPECT_THAT(Reads(*stub_, "unit-2"), ::testing::IsEmpty());

  grpc::ClientContext watch;
  Prepare(watch, kEditor);
  auto stream = stub_->WatchChanges(&watch, v1::WatchChangesRequest());
  v1::Change change;
  bool saw_person = false;
  while (!saw_person && stream->Read(&change)) saw_person = change.id() == "person-1";
  ASSERT_TRUE(saw_person);
  watch.TryCancel();
  stream->Finish().IgnoreError();
  EXPECT_THAT(Reads(*stub_, "person-1"), ::testing::Contains(Read("editor@kk.dk", "WatchChanges")));

  // Make person-1 a year unconfirmed (behind the server's back), then list
  // the stale records.
  app_.reset();
  {
    auto storage = storage::Storage::Open({dir_.Sub("data")});
    ASSERT_TRUE(storage.ok()) << storage.status();
    auto bytes = (*storage)->Get(storage::ColumnFamily::kRecords, "person-1");
    ASSERT_TRUE(bytes.ok() && bytes->has_value());
    v1::Record record;
    ASSERT_TRUE(record.ParseFromString(**bytes));
    record.mutable_verified_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 365 * 86400);
    storage::WriteBatch batch = (*storage)->NewWriteBatch();
    batch.Put(storage::ColumnFamily::kRecords, "person-1", record.SerializeAsString());
    ASSERT_TRUE((*storage)->WriteDurably(batch).ok());
  }
  Launch();
  grpc::ClientContext stale;
  Prepare(stale, kReader);
  v1::ListStaleRecordsRequest stale_request;
  stale_request.set_older_than_days(180);
  v1::ListStaleRecordsResponse stale_records;
  ASSERT_TRUE(stub_->ListStaleRecords(&stale, stale_request, &stale_records).ok());
  ASSERT_EQ(stale_records.records_size(), 1);
  EXPECT_EQ(stale_records.records(0).person().id(), "person-1");
  EXPECT_THAT(Reads(*stub_, "person-1"),
              ::testing::Contains(Read("reader@kk.dk", "ListStaleRecords")));
}

TEST_F(AuthTest, ReloadWithoutATokenEndsItsOpenWatchAndKeepsTheOthers) {
  Start(false);
  constexpr char kLeaving[] = "leaving-token-0123456789";
  constexpr char kDemoted[] = "demoted-token-0123456789";
  std::ofstream(config_path_) << Config(false, std::string(R"(,
    {"token": ")") + kLeaving + R"(", "principal": "leaving@kk.dk", "roles": ["reader"]},
    {"token": ")" + kDemoted + R"(", "principal": "demoted@kk.dk", "roles": ["reader"]})");
  ASSERT_TRUE(app_->ReloadAuth().ok());

  // Three watches, caught up and waiting for the next change.
  struct Watch {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<v1::Change>> stream;
  };
  auto open = [this](Watch& watch, const std::string& token) {
    watch.context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    watch.context.AddMetadata("authorization", "Bearer " + token);
    v1::WatchChangesRequest request;
    request.set_since_sequence(app_->directory().LastSequence());
    watch.stream = stub_->WatchChanges(&watch.context, request);
  };
  Watch leaving, demoted, staying;
  open(leaving, kLeaving);
  open(demoted, kDemoted);
  open(staying, kReader);
  // Each watch is admitted and running before the reload.
  ASSERT_TRUE(app_->directory().Create(testing::MakeUnit("unit-4")).ok());
  for (Watch* watch : {&leaving, &demoted, &staying}) {
    v1::Change change;
    ASSERT_TRUE(watch->stream->Read(&change));
    EXPECT_EQ(change.id(), "unit-4");
  }

  // The leaving token is gone; the demoted one keeps no role.
  std::ofstream(config_path_) << Config(false, std::string(R"(,
    {"token": ")") + kDemoted + R"(", "principal": "demoted@kk.dk", "roles": []})");
  const absl::Time reloaded = absl::Now();
  ASSERT_TRUE(app_->ReloadAuth().ok());

  v1::Change change;
  EXPECT_FALSE(leaving.stream->Read(&change));
  grpc::Status ended = leaving.stream->Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAUTHENTICATED) << ended.error_message();
  EXPECT_THAT(ended.error_message(), ::testing::HasSubstr("no longer valid"));
  EXPECT_FALSE(demoted.stream->Read(&change));
  grpc::Status denied = demoted.stream->Finish();
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED) << denied.error_message();
  EXPECT_THAT(denied.error_message(), ::testing::HasSubstr("demoted@kk.dk"));
  // Ended by the reload, not by their 20 s deadline.
  EXPECT_LT(absl::Now() - reloaded, absl::Seconds(5));

  // The token that stays keeps its watch.
  ASSERT_TRUE(app_->directory().Create(testing::MakeUnit("unit-5")).ok());
  ASSERT_TRUE(staying.stream->Read(&change));
  EXPECT_EQ(change.id(), "unit-5");
  staying.context.TryCancel();
  EXPECT_EQ(staying.stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(AuthTest, ReloadAddsTokensAndABrokenFileKeepsTheOldOnes) {
  Start(false);
  std::ofstream(config_path_) << Config(
      false,
      R"(, {"token": "new-token-0123456789", "principal": "ny@kk.dk", "roles": ["reader"]})");
  ASSERT_TRUE(app_->ReloadAuth().ok());
  grpc::ClientContext context;
  Prepare(context, "new-token-0123456789");
  v1::ListRecordsResponse out;
  EXPECT_TRUE(stub_->ListRecords(&context, v1::ListRecordsRequest(), &out).ok());

  std::ofstream(config_path_) << R"({"tokens": [{"token": "x", "roles": ["wizard"]}]})";
  absl::Status broken = app_->ReloadAuth();
  EXPECT_EQ(broken.code(), absl::StatusCode::kInvalidArgument);
  grpc::ClientContext still;
  Prepare(still, "new-token-0123456789");
  EXPECT_TRUE(stub_->ListRecords(&still, v1::ListRecordsRequest(), &out).ok());
}

// Issue 11, point 5: a request_id belongs to its caller. Before, any caller
// who sent another caller's key got that caller's record or booking.
TEST_F(AuthTest, RequestIdOfAnotherCallerNeverReturnsItsResult) {
  Start(false);
  auto create = [&](const std::string& token, const std::string& id, v1::Record* out) {
    grpc::ClientContext context;
    Prepare(context, token);
    v1::CreateRecordRequest request;
    *request.mutable_record() = testing::MakePerson(id, "unit-2");
    request.set_request_id("shared-key");
    return stub_->CreateRecord(&context, request, out);
  };
  v1::Record editors;
  ASSERT_TRUE(create(kEditor, "person-e1", &editors).ok());
  v1::Record admins;
  grpc::Status status = create(kAdmin, "person-a1", &admins);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(admins.person().id(), "person-a1");
  v1::Record again;
  ASSERT_TRUE(create(kEditor, "person-e1", &again).ok());
  EXPECT_EQ(again.etag(), editors.etag());
  status = create(kEditor, "person-e2", &again);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("request_id"));

  auto book = [&](const std::string& token, const std::string& email, v1::Booking* out) {
    grpc::ClientContext context;
    Prepare(context, token);
    v1::BookPraktikRequest request;
    request.set_offer_id("praktik-1");
    request.set_slot_start("2027-03-16");
    request.set_name("Kollega");
    request.set_email(email);
    request.set_note("privat note");
    request.set_request_id("booking-key");
    return stub_->BookPraktik(&context, request, out);
  };
  v1::Booking bookers;
  ASSERT_TRUE(book(kBooker, "booker@kk.dk", &bookers).ok());
  v1::Booking other;
  status = book(kAdmin, "admin@kk.dk", &other);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_NE(other.booking_id(), bookers.booking_id());
  EXPECT_EQ(other.email(), "admin@kk.dk");
}

}  // namespace
}  // namespace sofdir::api
