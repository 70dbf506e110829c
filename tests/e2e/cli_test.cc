// The CLI as a user runs it, against a real sofdir-server process.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/cli_fixture.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace sofdir {
namespace {

using ::google::protobuf::Struct;
using testing::CommandResult;
using ::testing::HasSubstr;
using testing::ParseJson;

// The dataset a user would import: shared/data when present, else the demo.
std::string DatasetPath() {
  std::string shared = testing::SourceDir() + "/../shared/data/sof-directory.jsonl";
  if (std::filesystem::exists(shared)) return shared;
  return testing::SourceDir() + "/data/demo-directory.jsonl";
}

// id -> parsed JSON object, for every line of a JSONL file.
std::map<std::string, Struct> ReadJsonl(const std::string& path) {
  std::map<std::string, Struct> records;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Struct record = ParseJson(line);
    records[record.fields().at("id").string_value()] = record;
  }
  return records;
}

class CliTest : public testing::CliTest {
 protected:
  void SetUp() override { StartServer(); }
};

TEST_F(CliTest, ImportGetListAllPagesAndExportRoundTrip) {
  const std::string dataset = DatasetPath();
  const std::map<std::string, Struct> input = ReadJsonl(dataset);
  ASSERT_GT(input.size(), 300u);

  CommandResult imported = Cli({"import", dataset});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("created " + std::to_string(input.size())));
  EXPECT_THAT(imported.out, HasSubstr("rejected 0"));

  CommandResult again = Cli({"import", dataset});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("created 0"));
  EXPECT_THAT(again.out, HasSubstr("updated 0"));
  EXPECT_THAT(again.out, HasSubstr("unchanged " + std::to_string(input.size())));

  CommandResult got = Cli({"get", "unit-0001", "--json"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  Struct unit = ParseJson(got.out);
  EXPECT_EQ(unit.fields().at("name").string_value(),
            input.at("unit-0001").fields().at("name").string_value());

  CommandResult table = Cli({"get", "tilbud-0001"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr(input.at("tilbud-0001").fields().at("name").string_value()));

  // Every tilbud exactly once across all pages.
  std::multiset<std::string> listed;
  std::string token;
  int pages = 0;
  do {
    std::vector<std::string> args = {"list", "tilbud", "--page-size", "37", "--json"};
    if (!token.empty()) {
      args.push_back("--page-token");
      args.push_back(token);
    }
    CommandResult page = Cli(args);
    ASSERT_EQ(page.exit_code, 0) << page.err;
    Struct body = ParseJson(page.out);
    for (const auto& record : body.fields().at("records").list_value().values()) {
      listed.insert(record.struct_value().fields().at("id").string_value());
    }
    auto next = body.fields().find("next_page_token");
    token = next == body.fields().end() ? "" : next->second.string_value();
    ++pages;
  } while (!token.empty() && pages < 1000);
  std::multiset<std::string> expected;
  for (const auto& [id, record] : input) {
    if (record.fields().at("kind").string_value() == "tilbud") expected.insert(id);
  }
  EXPECT_EQ(listed, expected);
  EXPECT_GT(pages, 2);

  const std::string exported = dir_.Sub("export.jsonl");
  CommandResult exporting = Cli({"export", "--out", exported});
  ASSERT_EQ(exporting.exit_code, 0) << exporting.err;
  const std::map<std::string, Struct> output = ReadJsonl(exported);
  ASSERT_EQ(output.size(), input.size());
  for (const auto& [id, record] : input) {
    ASSERT_TRUE(output.count(id)) << id;
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(record, output.at(id)))
        << id << " differs after the round trip";
  }
}

TEST_F(CliTest, BadLinesAreRejectedWithLineNumbersWhileGoodLinesLand) {
  const std::string file = WriteFile(
      "mixed.jsonl",
      R"j({"id": "unit-1", "kind": "unit", "name": "Center for Test", "parent_id": null, "area": "Handicap"}
{"id": "unit-2", "kind": "unit", "name": "broken
{"id": "person-1", "kind": "person", "name": "Mette", "unit_id": "unit-1", "shoe_size": 41}
{"id": "tilbud-1", "kind": "tilbud", "name": "Bosted", "unit_id": "unit-1", "age_min": 30, "age_max": 20}
{"id": "tilbud-2", "kind": "tilbud", "name": "Bosted", "unit_id": "unit-404", "age_min": 18, "age_max": 99}
{"id": "person-2", "kind": "person", "name": "Jens", "unit_id": "unit-1"}
)j");
  CommandResult result = Cli({"import", file});
  EXPECT_EQ(result.exit_code, 4) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("created 2"));
  EXPECT_THAT(result.out, HasSubstr("rejected 4"));
  EXPECT_THAT(result.out, HasSubstr("line 2"));
  EXPECT_THAT(result.out, HasSubstr("line 3"));
  EXPECT_THAT(result.out, HasSubstr("shoe_size"));
  EXPECT_THAT(result.out, HasSubstr("line 4"));
  EXPECT_THAT(result.out, HasSubstr("tilbud.age_min"));
  EXPECT_THAT(result.out, HasSubstr("line 5"));
  EXPECT_THAT(result.out, HasSubstr("unit-404 does not exist"));

  EXPECT_EQ(Cli({"get", "person-2"}).exit_code, 0);
  EXPECT_EQ(Cli({"get", "tilbud-1"}).exit_code, 3);
  EXPECT_EQ(Cli({"get", "person-1"}).exit_code, 3);
}

TEST_F(CliTest, ExitCodesTellNotFoundInvalidConflictAndUnreachableApart) {
  const std::string unit = WriteFile(
      "unit.json", R"j({"id": "unit-1", "kind": "unit", "name": "A", "area": "Handicap"})j");
  const std::string child = WriteFile(
      "child.json",
      R"j({"id": "unit-2", "kind": "unit", "name": "B", "area": "Handicap", "parent_id": "unit-1"})j");
  const std::string bad =
      WriteFile("bad.json", R"j({"id": "unit-3", "kind": "unit", "name": "C", "area": "Sport"})j");
  EXPECT_EQ(Cli({"create", unit}).exit_code, 0);
  EXPECT_EQ(Cli({"create", child}).exit_code, 0);

  CommandResult missing = Cli({"get", "unit-99"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_THAT(missing.err, HasSubstr("unit-99"));

  CommandResult invalid = Cli({"create", bad});
  EXPECT_EQ(invalid.exit_code, 4);
  EXPECT_THAT(invalid.err, HasSubstr("unit.area"));

  CommandResult conflict = Cli({"delete", "unit-1"});
  EXPECT_EQ(conflict.exit_code, 6);
  EXPECT_THAT(conflict.err, HasSubstr("unit-2"));

  CommandResult duplicate = Cli({"create", unit});
  EXPECT_EQ(duplicate.exit_code, 6);

  CommandResult unreachable = testing::RunCommand(
      {SOFDIR_CLI_BINARY, "get", "unit-1", "--server", "127.0.0.1:1", "--timeout", "2"});
  EXPECT_EQ(unreachable.exit_code, 5);
  EXPECT_THAT(unreachable.err, HasSubstr("127.0.0.1:1"));

  CommandResult from_env = testing::RunCommand({SOFDIR_CLI_BINARY, "get", "unit-1"},
                                               {"SOFDIR_SERVER=" + server_.address()});
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;

  EXPECT_EQ(Cli({"list", "vehicles"}).exit_code, 2);
}

TEST_F(CliTest, CommonFlagsMayComeBeforeTheCommandAndBeatTheEnvironment) {
  const std::string unit = WriteFile(
      "unit.json", R"j({"id": "unit-1", "kind": "unit", "name": "Alfa", "area": "Handicap"})j");
  ASSERT_EQ(Cli({"create", unit}).exit_code, 0);
  CommandResult before = testing::RunCommand(
      {SOFDIR_CLI_BINARY, "--server", server_.address(), "--json", "get", "unit-1"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_EQ(testing::JsonText(testing::ParseJson(before.out), "name"), "Alfa");
  // An explicit flag before the command wins over $SOFDIR_SERVER ...
  CommandResult over_env =
      testing::RunCommand({SOFDIR_CLI_BINARY, "--server", server_.address(), "get", "unit-1"},
                          {"SOFDIR_SERVER=127.0.0.1:1"});
  EXPECT_EQ(over_env.exit_code, 0) << over_env.err;
  // ... and one after the command wins over one before it.
  CommandResult after = testing::RunCommand({SOFDIR_CLI_BINARY, "--server", "127.0.0.1:1", "get",
                                             "unit-1", "--server", server_.address()});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  CommandResult wrong = testing::RunCommand(
      {SOFDIR_CLI_BINARY, "--server", "127.0.0.1:1", "--timeout", "2", "get", "unit-1"});
  EXPECT_EQ(wrong.exit_code, 5);
  EXPECT_THAT(wrong.err, HasSubstr("127.0.0.1:1"));
}

TEST_F(CliTest, ChangesListsEveryWriteOnceInSequenceOrder) {
  const std::string unit = WriteFile(
      "unit.json", R"j({"id": "unit-1", "kind": "unit", "name": "A", "area": "Handicap"})j");
  ASSERT_EQ(Cli({"create", unit}).exit_code, 0);
  ASSERT_EQ(Cli({"delete", "unit-1"}).exit_code, 0);
  ASSERT_EQ(Cli({"create", unit}).exit_code, 0);
  CommandResult all = Cli({"changes", "--json"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  std::vector<std::string> lines = absl::StrSplit(all.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << all.out;
  const char* types[] = {"created", "deleted", "created"};
  for (size_t i = 0; i < lines.size(); ++i) {
    Struct change = ParseJson(lines[i]);
    EXPECT_EQ(change.fields().at("sequence").number_value(), i + 1);
    EXPECT_EQ(change.fields().at("id").string_value(), "unit-1");
    EXPECT_EQ(change.fields().at("type").string_value(), types[i]);
  }
  CommandResult since = Cli({"changes", "--since", "2"});
  ASSERT_EQ(since.exit_code, 0);
  EXPECT_THAT(since.out, HasSubstr("created"));
  EXPECT_THAT(since.out, ::testing::Not(HasSubstr("deleted")));
}

class CliDemoTest : public testing::CliTest {
 protected:
  void SetUp() override { StartServer(DemoArgs()); }
};

TEST_F(CliDemoTest, StaleListsUnconfirmedRecordsAndVerifyConfirmsOne) {
  Struct stale = CliJson({"stale", "--older-than", "180d", "--limit", "1000"});
  std::vector<Struct> records = testing::JsonItems(stale, "records");
  ASSERT_FALSE(records.empty()) << "the demo's updated_at dates are older than 180 days";
  EXPECT_GE(stale.fields().at("total").number_value(), records.size());
  std::string oldest = testing::JsonText(records[0], "id");
  std::set<std::string> ids;
  for (const Struct& r : records) ids.insert(testing::JsonText(r, "id"));
  ASSERT_TRUE(ids.count(oldest));

  CommandResult verified = Cli({"verify", oldest});
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("confirmed"));
  Struct after = CliJson({"stale", "--older-than", "180d", "--limit", "1000"});
  for (const Struct& r : testing::JsonItems(after, "records")) {
    EXPECT_NE(testing::JsonText(r, "id"), oldest);
  }
  EXPECT_EQ(after.fields().at("total").number_value(),
            stale.fields().at("total").number_value() - 1);
  // Content is unchanged; only the verification moved.
  Struct record = CliJson({"get", oldest});
  EXPECT_EQ(testing::JsonText(record, "name"), testing::JsonText(records[0], "name"));
  EXPECT_EQ(testing::JsonText(record, "verified_by"), "local");
  EXPECT_NE(testing::JsonText(record, "verified_time"),
            testing::JsonText(records[0], "verified_time"));
  EXPECT_EQ(Cli({"stale", "--older-than", "soon"}).exit_code, 4);
}

TEST_F(CliDemoTest, FreshSearchKeepsOnlyRecentlyConfirmedRecords) {
  Struct all = CliJson({"search", "botilbud", "--kind", "tilbud", "--limit", "50"});
  std::vector<Struct> hits = testing::JsonItems(all, "results");
  ASSERT_GE(hits.size(), 3u);
  Struct fresh = CliJson({"search", "botilbud", "--kind", "tilbud", "--fresh"});
  EXPECT_LT(fresh.fields().at("total").number_value(), all.fields().at("total").number_value());
  const std::string confirmed = testing::JsonText(hits[2], "id");
  ASSERT_EQ(Cli({"verify", confirmed}).exit_code, 0);
  Struct after = CliJson({"search", "botilbud", "--kind", "tilbud", "--fresh", "--limit", "50"});
  std::set<std::string> ids;
  for (const Struct& r : testing::JsonItems(after, "results"))
    ids.insert(testing::JsonText(r, "id"));
  EXPECT_TRUE(ids.count(confirmed));
  EXPECT_EQ(after.fields().at("total").number_value(),
            fresh.fields().at("total").number_value() + 1);
}

class CliAuthTest : public testing::CliTest {};

TEST_F(CliAuthTest, TokenFromFlagOrEnvironmentAndExitSevenWithoutOne) {
  const std::string config = WriteFile(
      "auth.json",
      R"j({"tokens": [{"token": "reader-token-0123456789", "principal": "intranet", "roles": ["reader"]},
                      {"token": "admin-token-01234567890", "principal": "ops", "roles": ["admin"]}]})j");
  StartServer({"--auth-config", config});
  CommandResult anonymous = Cli({"list", "unit"});
  EXPECT_EQ(anonymous.exit_code, 7) << anonymous.err;
  EXPECT_THAT(anonymous.err, HasSubstr("token"));
  EXPECT_EQ(Cli({"list", "unit", "--token", "reader-token-0123456789"}).exit_code, 0);
  CommandResult from_env =
      testing::RunCommand({SOFDIR_CLI_BINARY, "list", "unit", "--server", server_.address()},
                          {"SOFDIR_TOKEN=reader-token-0123456789"});
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;
  const std::string unit = WriteFile(
      "unit.json", R"j({"id": "unit-1", "kind": "unit", "name": "A", "area": "Handicap"})j");
  CommandResult denied = Cli({"create", unit, "--token", "reader-token-0123456789"});
  EXPECT_EQ(denied.exit_code, 7);
  EXPECT_THAT(denied.err, HasSubstr("editor"));

  // The audit trail: admins only.
  ASSERT_EQ(Cli({"create", unit, "--token", "admin-token-01234567890"}).exit_code, 0);
  EXPECT_EQ(Cli({"audit", "--token", "reader-token-0123456789"}).exit_code, 7);
  Struct audit = CliJson({"audit", "--resource", "unit-1", "--token", "admin-token-01234567890"});
  std::vector<Struct> entries = testing::JsonItems(audit, "entries");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(testing::JsonText(entries[0], "principal"), "ops");
  EXPECT_EQ(testing::JsonText(entries[0], "method"), "CreateRecord");
}

TEST_F(CliTest, EveryCommandHasHelp) {
  for (const char* command :
       {"import", "export", "get", "list", "delete", "create", "update", "changes", "audit"}) {
    CommandResult help = testing::RunCommand({SOFDIR_CLI_BINARY, command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_THAT(help.out, HasSubstr("--server")) << command;
    EXPECT_THAT(help.out, HasSubstr("--json")) << command;
  }
}

}  // namespace
}  // namespace sofdir
