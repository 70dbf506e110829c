// Backups while serving: `sofdir backup` while four clients write records
// and book praktik seats, then `sofdir-server --restore` of each backup
// into a new directory. Each restored copy must hold exactly the source's
// state at the backup's change sequence: the same change log up to it and
// nothing after, the records and bookings that log leads to, and the same
// audit. A damaged backup, a non-empty target, a caller who is not an
// admin and a server without --backup-dir are refused.
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "server/model/record_util.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/cli_fixture.h"
#include "tests/testing/process.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir {
namespace {

namespace v1 = ::sof::directory::v1;
using testing::CommandResult;
using ::testing::HasSubstr;

constexpr int kSlots = 3;
constexpr int kSeats = 2;
constexpr int kOpsPerClient = 200;

std::unique_ptr<v1::DirectoryService::Stub> Connect(const std::string& address, int id = 0) {
  grpc::ChannelArguments args;
  args.SetInt("sofdir.test_channel", id);  // one connection per client
  return v1::DirectoryService::NewStub(
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
}

std::unique_ptr<grpc::ClientContext> Context(int seconds = 10) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

std::vector<v1::Change> AllChanges(v1::DirectoryService::Stub& stub) {
  std::vector<v1::Change> changes;
  uint64_t since = 0;
  for (;;) {
    v1::ListChangesRequest request;
    request.set_since_sequence(since);
    request.set_page_size(1000);
    v1::ListChangesResponse page;
    grpc::Status status = stub.ListChanges(Context().get(), request, &page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok() || page.changes().empty()) break;
    for (const v1::Change& change : page.changes()) changes.push_back(change);
    since = page.changes().rbegin()->sequence();
  }
  return changes;
}

std::map<std::string, std::string> ExportAll(v1::DirectoryService::Stub& stub) {
  std::map<std::string, std::string> records;
  v1::ExportRecordsRequest request;
  for (;;) {
    v1::ExportRecordsResponse page;
    grpc::Status status = stub.ExportRecords(Context().get(), request, &page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok()) break;
    for (const v1::Record& record : page.records()) {
      records[model::RecordId(record)] = record.SerializeAsString();
    }
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  return records;
}

// Audit entries that belong to changes (sequence > 0) up to `sequence`,
// each as one comparable string.
std::multiset<std::string> ChangeAudit(v1::DirectoryService::Stub& stub, uint64_t sequence) {
  v1::ListAuditRequest request;
  request.set_page_size(1000);
  v1::ListAuditResponse audit;
  grpc::Status status = stub.ListAudit(Context().get(), request, &audit);
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::multiset<std::string> entries;
  for (const v1::AuditEntry& entry : audit.entries()) {
    if (entry.sequence() == 0 || entry.sequence() > sequence) continue;
    entries.insert(entry.SerializeAsString());
  }
  return entries;
}

class BackupTest : public testing::CliTest {
 protected:
  std::string BackupDir() { return dir_.Sub("backups"); }

  // `sofdir-server --backup-dir B --restore ID --data-dir DIR --verify`.
  CommandResult Restore(const std::string& backup_dir, const std::string& id,
                        const std::string& data_dir) {
    return testing::RunCommand({SOFDIR_SERVER_BINARY, "--backup-dir", backup_dir, "--restore", id,
                                "--data-dir", data_dir, "--verify"});
  }

  // Makes a backup with the CLI; returns its JSON object.
  google::protobuf::Struct Backup() { return CliJson({"backup"}); }
};

uint64_t Field(const google::protobuf::Struct& object, const std::string& name) {
  auto it = object.fields().find(name);
  return it == object.fields().end() ? 0 : static_cast<uint64_t>(it->second.number_value());
}

TEST_F(BackupTest, BackupsTakenWhileFourClientsWriteAndBookRestoreExactlyTheStateAtTheirSequence) {
  StartServer({"--backup-dir", BackupDir(), "--backup-keep", "50"});
  const std::string address = server_.address();
  const absl::CivilDay first_day = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + 60;
  std::vector<std::string> slots;
  v1::Record offer = testing::MakePraktik("praktik-1", "unit-1");
  offer.mutable_praktik()->clear_slots();
  for (int s = 0; s < kSlots; ++s) {
    slots.push_back(absl::FormatCivilTime(first_day + 7 * s));
    auto* slot = offer.mutable_praktik()->add_slots();
    slot->set_start(slots.back());
    slot->set_end(slots.back());
    slot->set_seats(kSeats);
  }
  {
    auto stub = Connect(address);
    for (const v1::Record& record : {testing::MakeUnit("unit-1"), offer}) {
      v1::CreateRecordRequest create;
      *create.mutable_record() = record;
      v1::Record created;
      ASSERT_TRUE(stub->CreateRecord(Context().get(), create, &created).ok());
    }
  }

  // Two clients create, update and delete units; two book and cancel seats
  // (more bookers than seats: waitlists and promotions too).
  std::atomic<int> running{4};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      std::mt19937 rng(100 + c);
      auto stub = Connect(address, c + 1);
      std::vector<std::string> bookings;
      for (int op = 0; op < kOpsPerClient; ++op) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // spread over the backups
        if (c < 2) {
          const std::string id = absl::StrCat("unit-c", c, "-", op % 40);
          v1::Record unit = testing::MakeUnit(id, "unit-1");
          unit.mutable_unit()->set_name(absl::StrCat("Enhed ", c, " ", op));
          v1::CreateRecordRequest create;
          *create.mutable_record() = unit;
          v1::Record out;
          if (!stub->CreateRecord(Context().get(), create, &out).ok() && rng() % 2 == 0) {
            v1::DeleteRecordRequest remove;
            remove.set_id(id);
            google::protobuf::Empty empty;
            stub->DeleteRecord(Context().get(), remove, &empty);
          }
        } else if (!bookings.empty() && rng() % 3 == 0) {
          v1::CancelBookingRequest cancel;
          cancel.set_booking_id(bookings[rng() % bookings.size()]);
          v1::Booking booking;
          stub->CancelBooking(Context().get(), cancel, &booking);
        } else {
          const int person = static_cast<int>(rng() % 30);
          v1::BookPraktikRequest book;
          book.set_offer_id("praktik-1");
          book.set_slot_start(slots[rng() % kSlots]);
          book.set_name(absl::StrCat("Person ", person));
          book.set_email(absl::StrCat("p", c, "-", person, "@sof.example.dk"));
          v1::Booking booking;
          if (stub->BookPraktik(Context().get(), book, &booking).ok()) {
            bookings.push_back(booking.booking_id());
          }
        }
      }
      running.fetch_sub(1);
    });
  }
  std::vector<google::protobuf::Struct> backups;
  while (running.load() > 0 && backups.size() < 12) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    backups.push_back(Backup());
  }
  for (std::thread& client : clients) client.join();
  backups.push_back(Backup());  // after the last write: everything

  auto stub = Connect(address);
  const std::vector<v1::Change> source_changes = AllChanges(*stub);
  ASSERT_GT(source_changes.size(), 200u);
  // Backups taken while writes went on hold different, partial states.
  std::set<uint64_t> sequences;
  for (const auto& backup : backups) sequences.insert(Field(backup, "sequence"));
  EXPECT_GE(sequences.size(), 3u) << "the backups did not overlap the writes";
  EXPECT_EQ(Field(backups.back(), "sequence"), source_changes.back().sequence());

  for (const google::protobuf::Struct& backup : backups) {
    const uint64_t sequence = Field(backup, "sequence");
    const std::string id = absl::StrCat(Field(backup, "backup_id"));
    SCOPED_TRACE(absl::StrCat("backup ", id, " at sequence ", sequence));
    const std::string restored_dir = dir_.Sub("restored-" + id);
    CommandResult restored = Restore(BackupDir(), id, restored_dir);
    ASSERT_EQ(restored.exit_code, 0) << restored.out << restored.err;
    EXPECT_THAT(restored.out, HasSubstr(absl::StrCat("change sequence ", sequence)));
    EXPECT_THAT(restored.out, HasSubstr("sound"));

    // What the source's change log says the state was at `sequence`.
    std::vector<v1::Change> expected_changes;
    std::map<std::string, std::string> expected_records;
    std::map<std::string, v1::Booking> expected_bookings;
    for (const v1::Change& change : source_changes) {
      if (change.sequence() > sequence) break;
      expected_changes.push_back(change);
      if (change.has_booking()) {
        expected_bookings[change.booking().booking_id()] = change.booking();
      } else if (change.has_record()) {
        expected_records[change.id()] = change.record().SerializeAsString();
      } else {
        expected_records.erase(change.id());
      }
    }
    ASSERT_EQ(expected_changes.size(), sequence) << "the source's log has gaps";

    testing::ServerProcess copy;
    ASSERT_TRUE(copy.Start(SOFDIR_SERVER_BINARY, restored_dir)) << copy.log();
    auto restored_stub = Connect(copy.address(), 99);
    const std::vector<v1::Change> restored_changes = AllChanges(*restored_stub);
    ASSERT_EQ(restored_changes.size(), expected_changes.size());
    for (size_t i = 0; i < restored_changes.size(); ++i) {
      ASSERT_EQ(restored_changes[i].SerializeAsString(), expected_changes[i].SerializeAsString())
          << "change " << i + 1;
    }
    EXPECT_TRUE(ExportAll(*restored_stub) == expected_records) << "the exports differ";
    for (const auto& [booking_id, expected] : expected_bookings) {
      v1::GetBookingRequest get;
      get.set_booking_id(booking_id);
      v1::Booking booking;
      ASSERT_TRUE(restored_stub->GetBooking(Context().get(), get, &booking).ok()) << booking_id;
      // The waitlist position is worked out when read, not stored.
      booking.clear_waitlist_position();
      EXPECT_EQ(booking.SerializeAsString(), expected.SerializeAsString()) << booking_id;
    }
    for (const v1::Change& change : source_changes) {  // bookings made after the backup
      if (change.sequence() <= sequence || !change.has_booking() ||
          expected_bookings.count(change.booking().booking_id()) > 0) {
        continue;
      }
      v1::GetBookingRequest get;
      get.set_booking_id(change.booking().booking_id());
      v1::Booking booking;
      EXPECT_EQ(restored_stub->GetBooking(Context().get(), get, &booking).error_code(),
                grpc::StatusCode::NOT_FOUND)
          << change.booking().booking_id() << " was made after the backup";
    }
    EXPECT_EQ(ChangeAudit(*restored_stub, UINT64_MAX), ChangeAudit(*stub, sequence));
    copy.Stop(SIGTERM);
  }
}

TEST_F(BackupTest, DamagedBackupIsRefusedNamingTheBackupAndTheFile) {
  StartServer(testing::CliTest::DemoArgs());
  server_.Stop(SIGTERM);
  StartServer({"--backup-dir", BackupDir()});
  const google::protobuf::Struct backup = Backup();
  const std::string id = absl::StrCat(Field(backup, "backup_id"));
  // Flip bytes in the middle of the largest table file of the backup.
  std::string largest;
  uintmax_t largest_size = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(BackupDir() + "/shared_checksum")) {
    if (entry.is_regular_file() && entry.file_size() > largest_size) {
      largest = entry.path().string();
      largest_size = entry.file_size();
    }
  }
  ASSERT_FALSE(largest.empty());
  {
    std::fstream file(largest, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(largest_size / 2));
    file.write("\xde\xad\xbe\xef", 4);
  }
  const std::string target = dir_.Sub("restored");
  CommandResult restored = Restore(BackupDir(), id, target);
  EXPECT_EQ(restored.exit_code, 1);
  EXPECT_THAT(restored.out, HasSubstr(absl::StrCat("backup ", id, " in ")));
  EXPECT_THAT(restored.out, HasSubstr("damaged"));
  EXPECT_THAT(restored.out, HasSubstr(std::filesystem::path(largest).filename().string()));
  EXPECT_FALSE(std::filesystem::exists(target));
  EXPECT_FALSE(std::filesystem::exists(target + ".restoring"));
}

TEST_F(BackupTest, RestoreRefusesANonEmptyDataDirectoryByName) {
  StartServer({"--backup-dir", BackupDir()});
  const std::string id = absl::StrCat(Field(Backup(), "backup_id"));
  const std::string target = dir_.Sub("occupied");
  std::filesystem::create_directories(target);
  std::ofstream(target + "/notes.txt") << "keep me\n";
  CommandResult restored = Restore(BackupDir(), id, target);
  EXPECT_EQ(restored.exit_code, 1);
  EXPECT_THAT(restored.out, HasSubstr(absl::StrCat("data directory ", target,
                                                   " is not empty (it holds notes.txt)")));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(target),
                          std::filesystem::directory_iterator()),
            1);
  // An empty directory is fine, and "latest" names the newest backup.
  const std::string empty = dir_.Sub("empty");
  std::filesystem::create_directories(empty);
  restored = Restore(BackupDir(), "latest", empty);
  EXPECT_EQ(restored.exit_code, 0) << restored.out;
  EXPECT_THAT(restored.out, HasSubstr(absl::StrCat("restored backup ", id)));
}

TEST_F(BackupTest, OnlyTheNewestBackupKeepBackupsStay) {
  StartServer({"--backup-dir", BackupDir(), "--backup-keep", "2"});
  for (int i = 0; i < 3; ++i) {
    v1::CreateRecordRequest create;
    *create.mutable_record() = testing::MakeUnit(absl::StrCat("unit-", i));
    v1::Record created;
    ASSERT_TRUE(Connect(server_.address())->CreateRecord(Context().get(), create, &created).ok());
    Backup();
  }
  CommandResult list = Cli({"backup", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("SEQUENCE"));
  const google::protobuf::Struct listed = CliJson({"backup", "list"});
  const std::vector<google::protobuf::Struct> backups = testing::JsonItems(listed, "backups");
  ASSERT_EQ(backups.size(), 2u);
  EXPECT_EQ(Field(backups[0], "backup_id"), 2u);
  EXPECT_EQ(Field(backups[0], "sequence"), 2u);
  EXPECT_EQ(Field(backups[1], "backup_id"), 3u);
  EXPECT_EQ(Field(backups[1], "sequence"), 3u);
  EXPECT_FALSE(std::filesystem::exists(BackupDir() + "/meta/1"));
  EXPECT_FALSE(std::filesystem::exists(BackupDir() + "/private/1"));
  CommandResult gone = Restore(BackupDir(), "1", dir_.Sub("r1"));
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_THAT(gone.out, HasSubstr("backup 1 is not in"));
}

TEST_F(BackupTest, WithoutBackupDirBackupsAreRefusedAsFailedPrecondition) {
  StartServer();
  CommandResult backup = Cli({"backup"});
  EXPECT_EQ(backup.exit_code, 6) << backup.err;  // FAILED_PRECONDITION
  EXPECT_THAT(backup.err, HasSubstr("--backup-dir"));
  CommandResult list = Cli({"backup", "list"});
  EXPECT_EQ(list.exit_code, 6) << list.err;
}

TEST_F(BackupTest, OnlyAdminsMayBackUp) {
  const std::string admin_token = "admin-token-0123456789";
  const std::string auth = WriteFile(
      "auth.json",
      absl::StrCat(
          R"j({"tokens": [{"token": "reader-token-0123456789", "principal": "intranet", )j",
          R"j("roles": ["reader", "editor", "booker", "sync"], "units": ["unit-1"]}, )j",
          R"j({"token": ")j", admin_token, R"j(", "principal": "ops", "roles": ["admin"]}]})j"));
  StartServer({"--backup-dir", BackupDir(), "--auth-config", auth});
  CommandResult denied = Cli({"backup", "--token", "reader-token-0123456789"});
  EXPECT_EQ(denied.exit_code, 7) << denied.err;  // PERMISSION_DENIED
  EXPECT_THAT(denied.err, HasSubstr("admin"));
  EXPECT_EQ(Cli({"backup", "list", "--token", "reader-token-0123456789"}).exit_code, 7);
  EXPECT_EQ(Cli({"backup"}).exit_code, 7);  // anonymous
  const std::string token_file = WriteFile("admin.token", admin_token + "\n");
  CommandResult made = Cli({"backup", "--token-file", token_file});
  EXPECT_EQ(made.exit_code, 0) << made.err;
  CommandResult list = Cli({"backup", "list", "--token-file", token_file});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("TIME (UTC)"));
}

}  // namespace
}  // namespace sofdir
