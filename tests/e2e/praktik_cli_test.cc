// `sofdir praktik` as staff and hosts run it, against a real sofdir-server
// holding the demo directory (whose slots lie in the weeks after today).
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/cli_fixture.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace sofdir {
namespace {

using ::google::protobuf::Struct;
using ::google::protobuf::Value;
using testing::CommandResult;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ParseJson;

std::string Text(const Struct& object, const std::string& name) {
  auto it = object.fields().find(name);
  return it == object.fields().end() ? "<missing>" : it->second.string_value();
}

int Number(const Struct& object, const std::string& name) {
  auto it = object.fields().find(name);
  return it == object.fields().end() ? -1 : static_cast<int>(it->second.number_value());
}

std::vector<Struct> Items(const Struct& body, const std::string& list) {
  return testing::JsonItems(body, list);
}

// The "UID:..." content line of an iCalendar text.
std::string UidLine(const std::string& ics) {
  for (absl::string_view line : absl::StrSplit(ics, "\r\n")) {
    if (absl::StartsWith(line, "UID:")) return std::string(line);
  }
  return "<no UID line>";
}

struct Slot {
  std::string offer_id;
  std::string title;
  std::string start;
  int seats = 0;
};

class PraktikCliTest : public testing::CliTest {
 protected:
  void SetUp() override { StartServer(DemoArgs()); }

  // An untouched slot (every seat free, nobody waiting) with the fewest
  // seats, found the way a user finds one.
  Slot FindEmptySlot() {
    Slot found;
    for (const Struct& offer :
         Items(CliJson({"praktik", "list", "--free", "--limit", "500"}), "offers")) {
      for (const Struct& slot : Items(offer, "slots")) {
        const int seats = Number(slot, "seats");
        if (seats < 1 || Number(slot, "seats_left") != seats ||
            Number(slot, "waitlist_length") != 0) {
          continue;
        }
        if (found.seats == 0 || seats < found.seats) {
          found = {Text(offer, "id"), Text(offer, "title"), Text(slot, "start"), seats};
        }
      }
    }
    EXPECT_GT(found.seats, 0) << "no bookable slot in the demo data";
    return found;
  }

  // Books `slot` for `email` with --json and returns the booking object.
  Struct Book(const Slot& slot, const std::string& email, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"praktik", "book",        slot.offer_id, "--slot", slot.start,
                                     "--name",  "Test Person", "--email",     email};
    args.insert(args.end(), extra.begin(), extra.end());
    return CliJson(args);
  }

  // The slot's entry in `praktik list --json`, or an empty object.
  Struct ListedSlot(const Slot& slot) {
    for (const Struct& offer : Items(CliJson({"praktik", "list", "--limit", "500"}), "offers")) {
      if (Text(offer, "id") != slot.offer_id) continue;
      for (const Struct& listed : Items(offer, "slots")) {
        if (Text(listed, "start") == slot.start) return listed;
      }
    }
    return Struct();
  }

  testing::TempDir dir_;
  testing::ServerProcess server_;
};

TEST_F(PraktikCliTest, AFullSlotWaitlistsAndACancellationPromotesTheFirstInLine) {
  const Slot slot = FindEmptySlot();
  ASSERT_GT(slot.seats, 0);
  std::vector<std::string> confirmed_ids;
  for (int i = 0; i < slot.seats; ++i) {
    Struct booking = Book(slot, absl::StrCat("kollega", i, "@kk.dk"));
    EXPECT_EQ(Text(booking, "status"), "CONFIRMED") << i;
    EXPECT_EQ(Number(booking, "waitlist_position"), 0);
    EXPECT_EQ(Text(booking, "offer_id"), slot.offer_id);
    EXPECT_EQ(Text(booking, "slot_start"), slot.start);
    confirmed_ids.push_back(Text(booking, "booking_id"));
  }
  Struct waiting = Book(slot, "venter@kk.dk");
  EXPECT_EQ(Text(waiting, "status"), "WAITLISTED");
  EXPECT_EQ(Number(waiting, "waitlist_position"), 1);
  const std::string waiting_id = Text(waiting, "booking_id");

  Struct listed = ListedSlot(slot);
  EXPECT_EQ(Number(listed, "seats_left"), 0);
  EXPECT_EQ(Number(listed, "waitlist_length"), 1);

  // The host's view: everyone, by slot, in booking order.
  std::vector<Struct> coming =
      Items(CliJson({"praktik", "bookings", "--offer", slot.offer_id}), "bookings");
  std::vector<std::string> coming_ids;
  for (const Struct& booking : coming) {
    if (Text(booking, "slot_start") == slot.start)
      coming_ids.push_back(Text(booking, "booking_id"));
  }
  std::vector<std::string> expected = confirmed_ids;
  expected.push_back(waiting_id);
  EXPECT_EQ(coming_ids, expected);
  CommandResult table = Cli({"praktik", "bookings", "--offer", slot.offer_id});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr(absl::StrCat(slot.seats, " confirmed, 1 waitlisted")));
  EXPECT_THAT(table.out, HasSubstr("WAITLISTED #1"));
  EXPECT_THAT(table.out, HasSubstr("venter@kk.dk"));

  CommandResult cancel = Cli({"praktik", "cancel", confirmed_ids[0]});
  ASSERT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_THAT(cancel.out, HasSubstr(absl::StrCat(confirmed_ids[0], ": CANCELLED")));

  Struct promoted = CliJson({"praktik", "show", waiting_id});
  EXPECT_EQ(Text(promoted, "status"), "CONFIRMED");
  EXPECT_EQ(Number(promoted, "waitlist_position"), 0);
  std::vector<Struct> mine =
      Items(CliJson({"praktik", "bookings", "--email", "venter@kk.dk"}), "bookings");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(Text(mine[0], "booking_id"), waiting_id);
  EXPECT_EQ(Text(mine[0], "status"), "CONFIRMED");

  // Cancelled bookings show only when asked for.
  EXPECT_TRUE(
      Items(CliJson({"praktik", "bookings", "--email", "kollega0@kk.dk"}), "bookings").empty());
  std::vector<Struct> with_cancelled =
      Items(CliJson({"praktik", "bookings", "--email", "kollega0@kk.dk", "--include-cancelled"}),
            "bookings");
  ASSERT_EQ(with_cancelled.size(), 1u);
  EXPECT_EQ(Text(with_cancelled[0], "status"), "CANCELLED");
}

TEST_F(PraktikCliTest, TheSameRequestIdReturnsTheSameBookingNeverASecondOne) {
  const Slot slot = FindEmptySlot();
  Struct first = Book(slot, "gentag@kk.dk", {"--request-id", "retry-test-1"});
  Struct again = Book(slot, "gentag@kk.dk", {"--request-id", "retry-test-1"});
  EXPECT_EQ(Text(first, "status"), "CONFIRMED");
  EXPECT_EQ(Text(again, "booking_id"), Text(first, "booking_id"));
  EXPECT_EQ(Text(again, "request_id"), "retry-test-1");
  EXPECT_EQ(Items(CliJson({"praktik", "bookings", "--email", "gentag@kk.dk"}), "bookings").size(),
            1u);
  EXPECT_EQ(Number(ListedSlot(slot), "seats_left"), slot.seats - 1);

  // Without --request-id the CLI makes one up and says which.
  Struct generated = Book(slot, "ny@kk.dk");
  EXPECT_GE(Text(generated, "request_id").size(), 16u);
  EXPECT_NE(Text(generated, "booking_id"), Text(first, "booking_id"));
}

TEST_F(PraktikCliTest, BookPrintsTheBookingAndTheCalendarCommand) {
  const Slot slot = FindEmptySlot();
  CommandResult booked = Cli({"praktik", "book", slot.offer_id, "--slot", slot.start, "--name",
                              "Søren Ås", "--email", "soren@kk.dk", "--note", "første gang"});
  ASSERT_EQ(booked.exit_code, 0) << booked.err;
  EXPECT_THAT(booked.out,
              HasSubstr(absl::StrCat(": CONFIRMED for the ", slot.start, " slot of \"")));
  EXPECT_THAT(booked.out, HasSubstr("calendar: sofdir praktik ics booking-"));

  CommandResult list = Cli({"praktik", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr(slot.offer_id));
  EXPECT_THAT(list.out, HasSubstr("SEATS  LEFT  WAITLIST"));
}

TEST_F(PraktikCliTest, TheCalendarEventIsARequestAndACancelWithTheSameUid) {
  const Slot slot = FindEmptySlot();
  const std::string id = Text(Book(slot, "kalender@kk.dk"), "booking_id");

  CommandResult request = Cli({"praktik", "ics", id});
  ASSERT_EQ(request.exit_code, 0) << request.err;
  EXPECT_TRUE(absl::StartsWith(request.out, "BEGIN:VCALENDAR\r\n")) << request.out;
  EXPECT_THAT(request.out, HasSubstr("\r\nMETHOD:REQUEST\r\n"));
  const std::string uid = UidLine(request.out);
  EXPECT_NE(uid, "<no UID line>");

  // --out writes the same bytes, CRLF and all.
  const std::string path = dir_.Sub("praktik.ics");
  CommandResult to_file = Cli({"praktik", "ics", id, "--out", path});
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  std::ifstream file(path, std::ios::binary);
  std::string written((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(UidLine(written), uid);
  EXPECT_THAT(written, HasSubstr("\r\nMETHOD:REQUEST\r\n"));

  ASSERT_EQ(Cli({"praktik", "cancel", id}).exit_code, 0);
  CommandResult cancel = Cli({"praktik", "ics", id});
  ASSERT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_THAT(cancel.out, HasSubstr("\r\nMETHOD:CANCEL\r\n"));
  EXPECT_THAT(cancel.out, Not(HasSubstr("METHOD:REQUEST")));
  EXPECT_EQ(UidLine(cancel.out), uid);
}

TEST_F(PraktikCliTest, MistakesExitWithTheirCodes) {
  const Slot slot = FindEmptySlot();
  auto book = [&](const std::string& offer, const std::string& start, const std::string& email) {
    return Cli({"praktik", "book", offer, "--slot", start, "--name", "Test", "--email", email});
  };
  CommandResult bad_email = book(slot.offer_id, slot.start, "not-an-email");
  EXPECT_EQ(bad_email.exit_code, 4) << bad_email.err;
  EXPECT_THAT(bad_email.err, HasSubstr("email"));
  EXPECT_EQ(Cli({"praktik", "book", slot.offer_id, "--slot", slot.start, "--name", " ", "--email",
                 "tom@kk.dk"})
                .exit_code,
            4);

  CommandResult unknown_slot = book(slot.offer_id, "2099-01-01", "a@kk.dk");
  EXPECT_EQ(unknown_slot.exit_code, 3) << unknown_slot.err;
  EXPECT_THAT(unknown_slot.err, HasSubstr("slot"));
  EXPECT_EQ(book("praktik-9999", slot.start, "a@kk.dk").exit_code, 3);

  for (const char* command : {"show", "cancel", "ics"}) {
    CommandResult unknown = Cli({"praktik", command, "booking-999999"});
    EXPECT_EQ(unknown.exit_code, 3) << command << ": " << unknown.err;
    EXPECT_TRUE(unknown.out.empty()) << command;
  }

  ASSERT_EQ(book(slot.offer_id, slot.start, "to-gange@kk.dk").exit_code, 0);
  EXPECT_EQ(book(slot.offer_id, slot.start, "to-gange@kk.dk").exit_code, 6);

  // Usage errors never reach the server.
  EXPECT_EQ(book(slot.offer_id, "16-03-2027", "a@kk.dk").exit_code, 2);
  EXPECT_EQ(Cli({"praktik", "bookings"}).exit_code, 2);
  EXPECT_EQ(Cli({"praktik", "bookings", "--email", "a@kk.dk", "--offer", slot.offer_id}).exit_code,
            2);
  EXPECT_EQ(Cli({"praktik", "book", slot.offer_id, "--slot", slot.start}).exit_code, 2);
  EXPECT_EQ(Cli({"praktik"}).exit_code, 2);
}

TEST_F(PraktikCliTest, EveryPraktikSubcommandHasHelpWithTheExitCodes) {
  for (const char* command : {"list", "book", "cancel", "show", "bookings", "ics"}) {
    CommandResult help = testing::RunCommand({SOFDIR_CLI_BINARY, "praktik", command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command << ": " << help.err;
    EXPECT_THAT(help.out, HasSubstr("--server")) << command;
    EXPECT_THAT(help.out, HasSubstr("--json")) << command;
    EXPECT_THAT(help.out, HasSubstr("Exit codes: 0 ok")) << command;
  }
  CommandResult group = testing::RunCommand({SOFDIR_CLI_BINARY, "praktik", "--help"});
  EXPECT_EQ(group.exit_code, 0) << group.err;
  for (const char* command : {"list", "book", "cancel", "show", "bookings", "ics"}) {
    EXPECT_THAT(group.out, HasSubstr(command));
  }
}

}  // namespace
}  // namespace sofdir
