// Issue 11, point 8: with 400 tilbud whose descriptions are as long as
// allowed, every page of ListRecords, ExportRecords and ListChanges was
// bigger than the 4 MiB the server may send, and `sofdir import` sent
// batches bigger than it takes. The real server and the real CLI, end to end.
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/cli_fixture.h"
#include "tests/testing/process.h"

namespace sofdir {
namespace {

using ::google::protobuf::Struct;
using testing::CommandResult;
using ::testing::HasSubstr;
using testing::ParseJson;

constexpr int kTilbud = 400;
constexpr size_t kLongestDescription = 20000;  // record_validator's kMaxTextBytes

class BigRecordsCliTest : public testing::CliTest {
 protected:
  void SetUp() override {
    StartServer();
    std::string jsonl = R"({"kind":"unit","id":"unit-1","name":"Enhed","area":"Handicap"})"
                        "\n";
    for (int i = 0; i < kTilbud; ++i) {
      absl::StrAppend(&jsonl, R"({"kind":"tilbud","id":"tilbud-)", i,
                      R"(","name":"Tilbud","unit_id":"unit-1","description":")",
                      std::string(kLongestDescription, 'a' + i % 26), "\"}\n");
    }
    CommandResult imported = Cli({"import", WriteFile("big.jsonl", jsonl)});
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
    ASSERT_THAT(imported.out, HasSubstr(absl::StrCat("created ", kTilbud + 1)));
  }

  // The ids in JSON lines, each line's "id" (or "record"."id" for changes).
  static std::multiset<std::string> IdsOfLines(const std::string& text) {
    std::multiset<std::string> ids;
    for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
      Struct object = ParseJson(std::string(line));
      auto id = object.fields().find("id");
      if (id != object.fields().end()) ids.insert(id->second.string_value());
    }
    return ids;
  }

  static std::multiset<std::string> AllIds(bool with_unit) {
    std::multiset<std::string> ids;
    if (with_unit) ids.insert("unit-1");
    for (int i = 0; i < kTilbud; ++i) ids.insert(absl::StrCat("tilbud-", i));
    return ids;
  }
};

TEST_F(BigRecordsCliTest, ExportWritesEveryRecordOnce) {
  const std::string file = dir_.Sub("export.jsonl");
  CommandResult exported = Cli({"export", "--out", file});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(IdsOfLines(text), AllIds(/*with_unit=*/true));
}

TEST_F(BigRecordsCliTest, ChangesPrintsEveryChangeOnce) {
  CommandResult changes = Cli({"changes", "--json"});
  ASSERT_EQ(changes.exit_code, 0) << changes.err;
  std::multiset<std::string> ids;
  for (absl::string_view line : absl::StrSplit(changes.out, '\n', absl::SkipEmpty())) {
    Struct change = ParseJson(std::string(line));
    ids.insert(change.fields().at("id").string_value());
  }
  EXPECT_EQ(ids, AllIds(/*with_unit=*/true));
}

TEST_F(BigRecordsCliTest, ListAllPrintsEveryTilbudOnce) {
  CommandResult listed = Cli({"list", "tilbud", "--all", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  Struct body = ParseJson(listed.out);
  std::multiset<std::string> ids;
  for (const auto& record : body.fields().at("records").list_value().values()) {
    ids.insert(record.struct_value().fields().at("id").string_value());
  }
  EXPECT_EQ(ids, AllIds(/*with_unit=*/false));
  EXPECT_EQ(body.fields().at("next_page_token").string_value(), "");
}

}  // namespace
}  // namespace sofdir
