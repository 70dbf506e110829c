// `sofdir changes` as a reader and as an admin against a server that checks
// tokens: booking changes (the booker's name, e-mail and note) reach the
// admin only, and the reader's listing goes on past them.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/cli_fixture.h"

namespace sofdir {
namespace {

using ::google::protobuf::Struct;
using testing::CommandResult;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kReader[] = "reader-token-0123456789";
constexpr char kAdmin[] = "admin-token-01234567890";

class ChangesCliTest : public testing::CliTest {
 protected:
  void SetUp() override {
    const std::string config = WriteFile(
        "auth.json", absl::StrCat(R"j({"tokens": [{"token": ")j", kReader,
                                  R"j(", "principal": "intranet", "roles": ["reader"]},
                      {"token": ")j",
                                  kAdmin, R"j(", "principal": "ops", "roles": ["admin"]}]})j"));
    StartServer({"--auth-config", config});
  }

  CommandResult As(const char* token, std::vector<std::string> args) {
    args.push_back("--token");
    args.push_back(token);
    return Cli(args);
  }

  // The ids of `sofdir changes --json` lines, in order.
  std::vector<std::string> ChangedIds(const char* token, const std::string& since = "0") {
    CommandResult result = As(token, {"changes", "--json", "--since", since});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_THAT(result.out, Not(HasSubstr("Hemmelig")));  // no booking data
    std::vector<std::string> ids;
    for (absl::string_view line : absl::StrSplit(result.out, '\n', absl::SkipEmpty())) {
      ids.push_back(testing::JsonText(testing::ParseJson(std::string(line)), "id"));
    }
    return ids;
  }
};

TEST_F(ChangesCliTest, ReaderListsRecordChangesPastTheBookingsTheAdminSees) {
  ASSERT_EQ(As(kAdmin, {"create", WriteFile("unit-1.json", R"j({"id": "unit-1", "kind": "unit",
      "name": "A", "area": "Handicap"})j")})
                .exit_code,
            0);
  ASSERT_EQ(As(kAdmin, {"create", WriteFile("praktik-1.json", R"j({"id": "praktik-1",
      "kind": "praktik", "host_unit_id": "unit-1", "title": "Praktik", "duration_days": 1,
      "slots": [{"start": "2099-03-16", "end": "2099-03-16", "seats": 2}]})j")})
                .exit_code,
            0);
  CommandResult booked =
      As(kAdmin, {"praktik", "book", "praktik-1", "--slot", "2099-03-16", "--name",
                  "Hemmelig Kollega", "--email", "kollega@kk.dk", "--note", "Hemmelig note"});
  ASSERT_EQ(booked.exit_code, 0) << booked.err;
  ASSERT_EQ(As(kAdmin, {"create", WriteFile("unit-2.json", R"j({"id": "unit-2", "kind": "unit",
      "name": "B", "area": "Handicap"})j")})
                .exit_code,
            0);

  EXPECT_THAT(ChangedIds(kReader), ::testing::ElementsAre("unit-1", "praktik-1", "unit-2"));
  // From just before the booking: the next change the reader may see.
  EXPECT_THAT(ChangedIds(kReader, "2"), ::testing::ElementsAre("unit-2"));

  CommandResult admin = As(kAdmin, {"changes", "--json"});
  ASSERT_EQ(admin.exit_code, 0) << admin.err;
  EXPECT_THAT(admin.out, HasSubstr("Hemmelig Kollega"));
  EXPECT_EQ(std::count(admin.out.begin(), admin.out.end(), '\n'), 4) << admin.out;
}

}  // namespace
}  // namespace sofdir
