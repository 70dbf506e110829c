// The CLI an operator lives in (issue 14), against a real sofdir-server:
// output that fits an 80-column terminal, names beside ids, whole texts in
// `get`, the closest command for a typo, a write to an absent server
// reported within a second, and --version of both binaries.
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/cli_fixture.h"
#include "tests/testing/process.h"

namespace sofdir {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

// Columns of a line of UTF-8 text without wide characters: code points.
int Columns(absl::string_view line) {
  int columns = 0;
  for (unsigned char c : line) columns += (c & 0xC0) != 0x80;
  return columns;
}

// The lines of `text` wider than `width`.
std::vector<std::string> WiderThan(const std::string& text, int width) {
  std::vector<std::string> wide;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (Columns(line) > width) wide.emplace_back(line);
  }
  return wide;
}

class OperatorCliTest : public testing::CliTest {
 protected:
  void SetUp() override { StartServer(DemoArgs()); }

  // `sofdir ARGS --server ADDRESS` with $COLUMNS (stdout is no terminal).
  CommandResult CliWithColumns(int columns, std::vector<std::string> args) {
    args.insert(args.begin(), SOFDIR_CLI_BINARY);
    args.push_back("--server");
    args.push_back(server_.address());
    return testing::RunCommand(args, {absl::StrCat("COLUMNS=", columns)});
  }
};

TEST_F(OperatorCliTest, TablesFitAnEightyColumnTerminal) {
  const std::vector<std::vector<std::string>> commands = {
      {"search", "botilbud", "noerrebro"},
      {"search", "botilbud", "unge", "--explain", "--near", "Nørrebro"},
      {"who-knows", "FIT"},
      {"list", "tilbud"},
      {"list", "unit"},
      {"list", "person"},
      {"list", "praktik"},
      {"praktik", "list"},
      {"stale", "--older-than", "1d"},
      {"get", "tilbud-0001"},
  };
  for (const auto& command : commands) {
    CommandResult result = CliWithColumns(80, command);
    ASSERT_EQ(result.exit_code, 0) << absl::StrJoin(command, " ") << ": " << result.err;
    EXPECT_GT(result.out.size(), 200u) << absl::StrJoin(command, " ");
    EXPECT_THAT(WiderThan(result.out, 80), ::testing::IsEmpty())
        << absl::StrJoin(command, " ") << ":\n"
        << result.out;
  }
  // A wider terminal gets the wider table (today's 120 columns of search).
  CommandResult wide = CliWithColumns(200, {"search", "botilbud", "noerrebro"});
  ASSERT_EQ(wide.exit_code, 0) << wide.err;
  EXPECT_THAT(WiderThan(wide.out, 80), Not(::testing::IsEmpty())) << wide.out;
  EXPECT_THAT(WiderThan(wide.out, 200), ::testing::IsEmpty()) << wide.out;
}

TEST_F(OperatorCliTest, WhoKnowsWithALongEmailAddressFitsEightyColumns) {
  const std::string person = WriteFile(
      "person.json",
      R"j({"id": "person-9001", "kind": "person", "name": "Karen-Margrethe Østergaard Villadsen",)j"
      R"j( "title": "specialkonsulent", "unit_id": "unit-0010", "expertise": ["FIT"],)j"
      R"j( "email": "karen-margrethe.oestergaard-villadsen@socialforvaltningen.example.dk",)j"
      R"j( "phone": "63 20 79 99"})j");
  CommandResult created = Cli({"create", person});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  CommandResult result = CliWithColumns(80, {"who-knows", "FIT", "--limit", "100"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // Every line fits, without wrapping table rows onto a second line (the
  // header stays one line; the phone is on the row or on a line of its own
  // under it), and nothing of the contact is cut.
  EXPECT_THAT(WiderThan(result.out, 80), ::testing::IsEmpty()) << result.out;
  const std::vector<std::string> lines = absl::StrSplit(result.out, '\n');
  ASSERT_GE(lines.size(), 2u) << result.out;
  EXPECT_THAT(lines[0], MatchesRegex("NAME +KIND +TITLE/UNIT.*")) << result.out;
  EXPECT_THAT(lines[1], MatchesRegex("[^ ].*")) << result.out;  // a row, not a wrapped header
  EXPECT_THAT(result.out, ::testing::ContainsRegex("(  63 20 79 99|\n    tlf\\. 63 20 79 99)\n"))
      << result.out;
  EXPECT_THAT(result.out,
              HasSubstr("karen-margrethe.oestergaard-villadsen@socialforvaltningen.example.dk"))
      << result.out;
  EXPECT_THAT(result.out, HasSubstr("63 20 79 99")) << result.out;
}

TEST_F(OperatorCliTest, NextPageCommandStaysOneShellCommand) {
  CommandResult result = CliWithColumns(80, {"search", "botilbud", "--limit", "2"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // Broken with backslash continuations, so pasting it still works.
  EXPECT_THAT(result.out, HasSubstr("next page: sofdir search botilbud --limit 2 --page-token"))
      << result.out;
  EXPECT_THAT(WiderThan(result.out, 80), ::testing::IsEmpty()) << result.out;
}

TEST_F(OperatorCliTest, RecordsShowNamesBesideIds) {
  CommandResult list = CliWithColumns(200, {"list", "tilbud", "--page-size", "3"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  // tilbud-0001 belongs to unit-0028, "Botilbuddet Tomsgården".
  EXPECT_THAT(list.out, HasSubstr("unit-0028 (Botilbuddet Tomsgården)")) << list.out;

  CommandResult tilbud = CliWithColumns(200, {"get", "tilbud-0001"});
  ASSERT_EQ(tilbud.exit_code, 0) << tilbud.err;
  EXPECT_THAT(tilbud.out,
              MatchesRegex("(.|\n)*unit_id: +unit-0028 \\(Botilbuddet Tomsgården\\)\n(.|\n)*"));
  EXPECT_THAT(tilbud.out,
              MatchesRegex("(.|\n)*contact_person_id: +person-0021 \\(Camilla Juhl\\)\n(.|\n)*"));

  // A praktik offer: its host unit and its contact person by name.
  google::protobuf::Struct offer = CliJson({"get", "praktik-0001"});
  const std::string host = offer.fields().at("host_unit_id").string_value();
  const std::string contact = offer.fields().at("contact_person_id").string_value();
  const std::string host_name = CliJson({"get", host}).fields().at("name").string_value();
  CommandResult praktik = CliWithColumns(200, {"get", "praktik-0001"});
  ASSERT_EQ(praktik.exit_code, 0) << praktik.err;
  EXPECT_THAT(praktik.out, HasSubstr(absl::StrCat(host, " (", host_name, ")")));
  if (!contact.empty()) {
    const std::string contact_name = CliJson({"get", contact}).fields().at("name").string_value();
    EXPECT_THAT(praktik.out, HasSubstr(absl::StrCat(contact, " (", contact_name, ")")));
  }
  CommandResult praktik_list = CliWithColumns(200, {"list", "praktik", "--page-size", "2"});
  EXPECT_THAT(praktik_list.out, HasSubstr(absl::StrCat(host, " (", host_name, ")")));
  // --json stays the record as stored.
  EXPECT_EQ(CliJson({"get", "tilbud-0001"}).fields().at("unit_id").string_value(), "unit-0028");
}

TEST_F(OperatorCliTest, GetShowsWholeTexts) {
  // The longest description in the demo directory.
  std::ifstream in(testing::SourceDir() + "/data/demo-directory.jsonl");
  std::string line;
  std::string longest_id;
  std::string longest;
  while (std::getline(in, line)) {
    google::protobuf::Struct record = testing::ParseJson(line);
    auto it = record.fields().find("description");
    if (it == record.fields().end()) continue;
    if (it->second.string_value().size() > longest.size()) {
      longest = it->second.string_value();
      longest_id = record.fields().at("id").string_value();
    }
  }
  ASSERT_GT(Columns(longest), 200);  // more than get printed before
  CommandResult result = CliWithColumns(80, {"get", longest_id});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(WiderThan(result.out, 80), ::testing::IsEmpty()) << result.out;
  EXPECT_THAT(result.out, Not(HasSubstr("…")));
  // Wrapped, not cut: the words in order, whitespace aside.
  auto words = [](const std::string& text) {
    return absl::StrJoin(absl::StrSplit(text, absl::ByAnyChar(" \n"), absl::SkipEmpty()), " ");
  };
  EXPECT_THAT(words(result.out), HasSubstr(words(longest)));
}

TEST(OperatorCliNoServerTest, MistypedCommandSuggestsTheClosest) {
  CommandResult result = testing::RunCommand({SOFDIR_CLI_BINARY, "serach", "botilbud"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("unknown command \"serach\" (mente du: search?)"));
  EXPECT_EQ(result.out, "");

  result = testing::RunCommand({SOFDIR_CLI_BINARY, "--server", "h:1", "who-know", "FIT"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("mente du: who-knows?"));

  result = testing::RunCommand({SOFDIR_CLI_BINARY, "praktik", "boook", "praktik-0001"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("mente du: praktik book?"));

  result = testing::RunCommand({SOFDIR_CLI_BINARY, "frobnicate"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("unknown command \"frobnicate\"; the commands are: import"));
}

TEST(OperatorCliNoServerTest, WriteToAbsentServerIsReportedWithinASecond) {
  const std::string server = absl::StrCat("127.0.0.1:", testing::UnusedLoopbackPort());
  const std::vector<std::vector<std::string>> writes = {
      {"delete", "unit-0001"},
      {"praktik", "cancel", "booking-1"},
      {"verify", "unit-0001"},
      // Retried when an answer is lost, but not when nothing answers at all.
      {"praktik", "book", "praktik-0001", "--slot", "2027-03-16", "--name", "Anna Jensen",
       "--email", "anna@sof.example.dk"},
  };
  for (std::vector<std::string> args : writes) {
    args.insert(args.begin(), SOFDIR_CLI_BINARY);
    args.push_back("--server");
    args.push_back(server);
    const absl::Time start = absl::Now();
    CommandResult result = testing::RunCommand(args);
    const absl::Duration took = absl::Now() - start;
    EXPECT_EQ(result.exit_code, 5) << absl::StrJoin(args, " ") << ": " << result.err;
    EXPECT_LT(took, absl::Seconds(1)) << absl::StrJoin(args, " ");
    EXPECT_THAT(result.err, HasSubstr("cannot reach sofdir-server at " + server));
  }
}

TEST(OperatorCliNoServerTest, VersionOfBothBinaries) {
  for (const char* binary : {SOFDIR_CLI_BINARY, SOFDIR_SERVER_BINARY}) {
    CommandResult result = testing::RunCommand({binary, "--version"});
    EXPECT_EQ(result.exit_code, 0) << binary << ": " << result.err;
    const std::string name = std::string(binary).substr(std::string(binary).rfind('/') + 1);
    EXPECT_THAT(result.out, MatchesRegex(name + " [0-9]+\\.[0-9]+\\.[0-9]+ \\(commit "
                                                "([0-9a-f]+|unknown)\\)\n"))
        << binary;
  }
}

}  // namespace
}  // namespace sofdir
