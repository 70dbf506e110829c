// `sofdir import` against a real server with input a careless exporter
// produces: broken text is refused line by line, and big records go in
// batches the server accepts.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/cli_fixture.h"

namespace sofdir {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using ::testing::Not;

class ImportCliTest : public testing::CliTest {
 protected:
  void SetUp() override { StartServer(); }
};

TEST_F(ImportCliTest, ControlCharactersAndBrokenUtf8AreRejectedByLineWhileTheRestLands) {
  const std::string file = WriteFile(
      "text.jsonl",
      absl::StrCat(
          R"j({"id": "unit-1", "kind": "unit", "name": "Center", "area": "Handicap"})j", "\n",
          R"j({"id": "person-1", "kind": "person", "name": "Mette\r\nBcc: x@y.dk", "unit_id": "unit-1"})j",
          "\n",
          R"j({"id": "tilbud-1", "kind": "tilbud", "name": "Bosted", "unit_id": "unit-1", "age_min": 18, "age_max": 99, "description": "Linje 1\n\nLinje 2\tmed tab"})j",
          "\n",
          R"j({"id": "person-2", "kind": "person", "name": "Jens\u0000", "unit_id": "unit-1"})j",
          "\n", R"j({"id": "person-3", "kind": "person", "name": "S)j", "\xF8",
          R"j(ren", "unit_id": "unit-1"})j", "\n",
          R"j({"id": "person-4", "kind": "person", "name": "Ok", "unit_id": "unit-1", "email": "a@sof.dk\u0007"})j",
          "\n", R"j({"id": "person-5", "kind": "person", "name": "Ok", "unit_id": "unit-1"})j",
          "\n"));
  CommandResult result = Cli({"import", file});
  EXPECT_EQ(result.exit_code, 4) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("created 3"));
  EXPECT_THAT(result.out, HasSubstr("rejected 4"));
  EXPECT_THAT(result.out,
              HasSubstr("line 2: person-1: person.name: contains a control character (\\x0D) at "
                        "byte 5"));
  EXPECT_THAT(result.out, HasSubstr("line 4: person-2: person.name: contains a control character "
                                    "(\\x00) at byte 4"));
  EXPECT_THAT(result.out, HasSubstr("line 5: not valid UTF-8"));
  EXPECT_THAT(result.out, HasSubstr("line 6: person-4: person.email: contains a control character "
                                    "(\\x07) at byte 8"));
  EXPECT_THAT(result.out, Not(HasSubstr("\r")));

  EXPECT_EQ(Cli({"get", "tilbud-1"}).exit_code, 0) << "a description may span lines";
  EXPECT_EQ(Cli({"get", "person-5"}).exit_code, 0);
  EXPECT_EQ(Cli({"get", "person-1"}).exit_code, 3);
}

TEST_F(ImportCliTest, FourHundredRecordsWithNineteenKilobyteDescriptionsImport) {
  std::string lines = R"j({"id": "unit-1", "kind": "unit", "name": "Center", "area": "Handicap"})j"
                      "\n";
  const std::string description(19000, 'd');
  for (int i = 1; i <= 400; ++i) {
    absl::StrAppend(&lines, R"j({"id": "tilbud-)j", i,
                    R"j(", "kind": "tilbud", "name": "Bosted", "unit_id": "unit-1", )j",
                    R"j("age_min": 18, "age_max": 99, "description": ")j", description, "\"}\n");
  }
  CommandResult result = Cli({"import", WriteFile("big.jsonl", lines)});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("created 401"));
  EXPECT_THAT(result.out, HasSubstr("rejected 0"));
  EXPECT_EQ(Cli({"get", "tilbud-400"}).exit_code, 0);
}

}  // namespace
}  // namespace sofdir
