// `sofdir search`, `who-knows` and `suggest` as a user runs them, against a
// real sofdir-server holding the demo directory.
#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
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

const std::string& Field(const Struct& object, const std::string& name) {
  static const std::string kMissing = "<missing>";
  auto it = object.fields().find(name);
  return it == object.fields().end() ? kMissing : it->second.string_value();
}

std::vector<Struct> Items(const Struct& body, const std::string& list) {
  return testing::JsonItems(body, list);
}

class SearchCliTest : public testing::CliTest {
 protected:
  void SetUp() override { StartServer(DemoArgs()); }
};

TEST_F(SearchCliTest, AnAliasFindsTheUnitAndItsPeople) {
  Struct body = CliJson({"search", "frinova", "--limit", "50"});
  std::vector<Struct> results = Items(body, "results");
  ASSERT_FALSE(results.empty());
  bool person_of_frinova = false;
  for (const Struct& result : results) {
    EXPECT_FALSE(Field(result, "id").empty());
    EXPECT_FALSE(Field(result, "name").empty());
    EXPECT_TRUE(result.fields().at("score").has_number_value());
    if (Field(result, "kind") == "person" && absl::StrContains(Field(result, "unit"), "FriNoVa")) {
      person_of_frinova = true;
    }
  }
  EXPECT_TRUE(person_of_frinova) << "no person of FriNoVa among " << results.size();
  EXPECT_GE(body.fields().at("total").number_value(), results.size());
}

TEST_F(SearchCliTest, TableShowsRowsSnippetsFacetsAndTheNextPageCommand) {
  CommandResult result = Cli({"search", "vaerested", "--limit", "3"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("KIND"));
  EXPECT_THAT(result.out, HasSubstr("DISTRICT"));
  // Not a terminal: the matched words keep their marks, no escape codes.
  EXPECT_THAT(result.out, HasSubstr("«"));
  EXPECT_THAT(result.out, Not(HasSubstr("\x1b[")));
  EXPECT_THAT(result.out, HasSubstr("\nkind: "));
  EXPECT_THAT(result.out, HasSubstr(" results, 3 shown\n"));
  EXPECT_THAT(result.out, HasSubstr("next page: sofdir search vaerested --limit 3 --page-token "));
}

TEST_F(SearchCliTest, KindFilterReturnsOnlyThatKind) {
  Struct body = CliJson({"search", "vaerested", "--kind", "tilbud", "--limit", "50"});
  std::vector<Struct> results = Items(body, "results");
  ASSERT_FALSE(results.empty());
  for (const Struct& result : results)
    EXPECT_EQ(Field(result, "kind"), "tilbud") << Field(result, "id");

  const Struct& kinds =
      body.fields().at("facets").struct_value().fields().at("kind").struct_value();
  EXPECT_EQ(kinds.fields().size(), 1u);
  EXPECT_TRUE(kinds.fields().count("tilbud"));

  Struct two = CliJson({"search", "frinova", "--kind", "person,unit", "--limit", "50"});
  std::set<std::string> seen;
  for (const Struct& result : Items(two, "results")) seen.insert(Field(result, "kind"));
  EXPECT_EQ(seen, (std::set<std::string>{"person", "unit"}));
}

TEST_F(SearchCliTest, FreeReturnsOnlyTilbudWithFreePlaces) {
  Struct body = CliJson({"search", "botilbud", "--free", "--limit", "50"});
  std::vector<Struct> results = Items(body, "results");
  ASSERT_FALSE(results.empty());
  for (const Struct& result : results) {
    ASSERT_TRUE(result.fields().count("free_places")) << Field(result, "id");
    EXPECT_GT(result.fields().at("free_places").number_value(), 0) << Field(result, "id");
  }
}

TEST_F(SearchCliTest, FacetsCountWhatTheQueryFound) {
  Struct body = CliJson({"search", "botilbud", "--limit", "1"});
  const Struct& facets = body.fields().at("facets").struct_value();
  for (const char* field : {"kind", "area", "district", "service_type"}) {
    ASSERT_TRUE(facets.fields().count(field)) << field;
    EXPECT_GT(facets.fields().at(field).struct_value().fields().size(), 0u) << field;
  }
  double kinds_total = 0;
  for (const auto& [kind, count] : facets.fields().at("kind").struct_value().fields()) {
    kinds_total += count.number_value();
  }
  EXPECT_EQ(kinds_total, body.fields().at("total").number_value());
}

TEST_F(SearchCliTest, PagesWithThePageTokenAreDisjoint) {
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  int results = 0;
  do {
    std::vector<std::string> args = {"search", "botilbud", "--limit", "4"};
    if (!token.empty()) {
      args.push_back("--page-token");
      args.push_back(token);
    }
    Struct body = CliJson(args);
    for (const Struct& result : Items(body, "results")) {
      EXPECT_TRUE(seen.insert(Field(result, "id")).second) << Field(result, "id") << " twice";
      ++results;
    }
    token = Field(body, "next_page_token");
    ++pages;
  } while (!token.empty() && pages < 4);
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(results, 16);
}

TEST_F(SearchCliTest, NearAPlaceGivesDistancesAndAnUnknownPlaceIsInvalid) {
  Struct body = CliJson({"search", "vaerested", "--near", "Nørrebro", "--limit", "5"});
  std::vector<Struct> results = Items(body, "results");
  ASSERT_FALSE(results.empty());
  for (const Struct& result : results) {
    EXPECT_TRUE(result.fields().count("distance_km")) << Field(result, "id");
  }
  Struct by_point = CliJson({"search", "vaerested", "--near", "55.6867,12.5540", "--limit", "5"});
  EXPECT_FALSE(Items(by_point, "results").empty());

  CommandResult unknown = Cli({"search", "vaerested", "--near", "Atlantis"});
  EXPECT_EQ(unknown.exit_code, 4);
  EXPECT_THAT(unknown.err, HasSubstr("Atlantis"));
  EXPECT_EQ(Cli({"search", "vaerested", "--near", "95,12"}).exit_code, 2);
}

TEST_F(SearchCliTest, ExplainTellsWhyAResultScored) {
  Struct body = CliJson({"search", "frinova", "--explain", "--limit", "3"});
  std::vector<Struct> results = Items(body, "results");
  ASSERT_FALSE(results.empty());
  ASSERT_TRUE(results[0].fields().count("explanation"));
  EXPECT_GT(results[0].fields().at("explanation").list_value().values_size(), 0);

  CommandResult table = Cli({"search", "frinova", "--explain", "--limit", "1"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(
      table.out,
      HasSubstr(results[0].fields().at("explanation").list_value().values(0).string_value()));
}

TEST_F(SearchCliTest, WhoKnowsFindsPeopleWithHowToReachThem) {
  Struct body = CliJson({"who-knows", "FIT"});
  std::vector<Struct> experts = Items(body, "experts");
  ASSERT_FALSE(experts.empty());
  int persons = 0;
  for (const Struct& expert : experts) {
    if (Field(expert, "kind") != "person") continue;
    ++persons;
    EXPECT_THAT(Field(expert, "email"), HasSubstr("@")) << Field(expert, "id");
    EXPECT_GT(expert.fields().at("evidence").list_value().values_size(), 0);
  }
  EXPECT_GT(persons, 0);

  CommandResult table = Cli({"who-knows", "FIT", "--limit", "2"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("EMAIL"));
  EXPECT_THAT(table.out, HasSubstr(Field(experts[0], "email")));
}

TEST_F(SearchCliTest, SuggestCompletesAPrefix) {
  Struct body = CliJson({"suggest", "fri"});
  std::vector<Struct> suggestions = Items(body, "suggestions");
  ASSERT_FALSE(suggestions.empty());
  bool starts_with_fri = false;
  for (const Struct& suggestion : suggestions) {
    EXPECT_GT(suggestion.fields().at("count").number_value(), 0);
    if (absl::StartsWith(Field(suggestion, "text"), "Fri")) starts_with_fri = true;
  }
  EXPECT_TRUE(starts_with_fri);

  CommandResult lines = Cli({"suggest", "fri", "--limit", "2"});
  ASSERT_EQ(lines.exit_code, 0) << lines.err;
  EXPECT_EQ(std::count(lines.out.begin(), lines.out.end(), '\n'), 2) << lines.out;
}

TEST_F(SearchCliTest, OnlyStopWordsFindNothingWithoutFailing) {
  Struct body = CliJson({"search", "og", "i", "på"});
  EXPECT_TRUE(Items(body, "results").empty());
  EXPECT_EQ(body.fields().at("total").number_value(), 0);

  CommandResult table = Cli({"search", "og i på"});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out, "no results\n");
}

TEST_F(SearchCliTest, AWordNoRecordHasIsNamedAndTheOthersStillFind) {
  CommandResult table = Cli({"search", "vaerested qwxyzzy", "--limit", "3"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("«"));  // results for "vaerested"
  EXPECT_THAT(table.out,
              HasSubstr("no record has the word \"qwxyzzy\"; the results leave it out\n"));

  Struct body = CliJson({"search", "vaerested qwxyzzy"});
  EXPECT_FALSE(Items(body, "results").empty());
  const auto& unmatched = body.fields().at("unmatched_words").list_value().values();
  ASSERT_EQ(unmatched.size(), 1);
  EXPECT_EQ(unmatched[0].string_value(), "qwxyzzy");

  CommandResult none = Cli({"search", "qwxyzzy"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "no record has the word \"qwxyzzy\"\nno results\n");
}

TEST_F(SearchCliTest, BadInputExitsWithTheRightCode) {
  CommandResult filter = Cli({"search", "botilbud", "--filter", "free_places >>> 2"});
  EXPECT_EQ(filter.exit_code, 4);
  EXPECT_THAT(filter.err, HasSubstr("free_places"));
  EXPECT_TRUE(filter.out.empty());

  CommandResult kind = Cli({"search", "botilbud", "--kind", "vehicle"});
  EXPECT_EQ(kind.exit_code, 2);
  EXPECT_THAT(kind.err, HasSubstr("tilbud"));

  EXPECT_EQ(Cli({"search"}).exit_code, 2);
  EXPECT_EQ(Cli({"search", "botilbud", "--page-token", "not-a-token"}).exit_code, 4);
  EXPECT_EQ(Cli({"who-knows"}).exit_code, 2);
  EXPECT_EQ(Cli({"suggest"}).exit_code, 2);
}

TEST_F(SearchCliTest, ACreatedTilbudIsFoundAtOnceAndGoneAfterDelete) {
  const std::string file = WriteFile("tilbud.json", R"j({
    "id": "tilbud-9001", "kind": "tilbud", "name": "Kolibrihaven Sydhavn",
    "unit_id": "unit-0061", "area": "Psykiatri",
    "description": "Et lille værested med have.",
    "target_groups": ["voksne med psykisk sygdom"], "age_min": 18, "age_max": 99,
    "legal_basis": "SEL § 104", "service_type": "værested", "capacity": 10, "free_places": 4,
    "address": {"street": "Sydhavnsgade 1", "postcode": "2450", "city": "København SV",
                "district": "Vesterbro/Kongens Enghave"}})j");
  EXPECT_TRUE(Items(CliJson({"search", "kolibrihaven"}), "results").empty());

  CommandResult created = Cli({"create", file});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::vector<Struct> found = Items(CliJson({"search", "kolibrihaven"}), "results");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(Field(found[0], "id"), "tilbud-9001");
  EXPECT_EQ(found[0].fields().at("free_places").number_value(), 4);

  ASSERT_EQ(Cli({"delete", "tilbud-9001"}).exit_code, 0);
  for (const Struct& result : Items(CliJson({"search", "kolibrihaven"}), "results")) {
    EXPECT_NE(Field(result, "id"), "tilbud-9001");
  }
}

// README's own example: one of the 21 results is on Nørrebro, so the
// district facet used to cut it off behind "…".
TEST_F(SearchCliTest, TheDistrictNamedInTheTextIsInTheDistrictFacet) {
  CommandResult result = Cli({"search", "botilbud", "noerrebro", "--free"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const size_t at = result.out.find("\ndistrict: ");
  ASSERT_NE(at, std::string::npos) << result.out;
  const std::string line = result.out.substr(at + 1, result.out.find('\n', at + 1) - at - 1);
  EXPECT_THAT(line, ::testing::ContainsRegex("Nørrebro [0-9]+")) << line;
}

TEST_F(SearchCliTest, LiteralSearchesTheWordsAsTypedAndKeepsItsPages) {
  Struct body = CliJson({"search", "botilbud", "ledig", "plads", "--literal", "--limit", "2"});
  ASSERT_TRUE(body.fields().count("interpretation")) << "--json has no interpretation";
  EXPECT_EQ(body.fields().at("interpretation").list_value().values_size(), 0)
      << "a literal search was interpreted";

  CommandResult table = Cli({"search", "botilbud", "--literal", "--limit", "2"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, Not(HasSubstr("Fortolket:")));
  EXPECT_THAT(table.out, HasSubstr("next page: sofdir search --literal botilbud --limit 2 "
                                   "--page-token "));
  // The token of a literal page is for the literal search only.
  const std::string token =
      Field(CliJson({"search", "botilbud", "--literal", "--limit", "2"}), "next_page_token");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(
      Cli({"search", "botilbud", "--literal", "--limit", "2", "--page-token", token}).exit_code, 0);
  CommandResult other = Cli({"search", "botilbud", "--limit", "2", "--page-token", token});
  EXPECT_EQ(other.exit_code, 4);
  EXPECT_THAT(other.err, HasSubstr("page_token"));
}

// The server reads what a caseworker types (the shipped query rules, no
// flag): the CLI says on one line what it understood and how to search the
// words as typed instead, and the results follow what it understood.
TEST_F(SearchCliTest, UnderstandingSaysWhatItReadAndOffersTheLiteralSearch) {
  CommandResult table = Cli({"search", "botilbud", "med", "ledig", "plads"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("Fortolket: viser kun tilbud med ledige pladser"));
  EXPECT_THAT(table.out, HasSubstr("søg i stedet uden fortolkning: sofdir search --literal "
                                   "'botilbud med ledig plads'"));

  Struct body = CliJson({"search", "botilbud", "med", "ledig", "plads", "--limit", "50"});
  std::vector<Struct> steps = Items(body, "interpretation");
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(Field(steps[0], "rule"), "free_places");
  std::vector<Struct> results = Items(body, "results");
  ASSERT_FALSE(results.empty());
  for (const Struct& result : results) {
    EXPECT_EQ(Field(result, "kind"), "tilbud") << Field(result, "id");
    ASSERT_TRUE(result.fields().count("free_places")) << Field(result, "id");
    EXPECT_GT(result.fields().at("free_places").number_value(), 0) << Field(result, "id");
  }

  CommandResult literal = Cli({"search", "botilbud", "med", "ledig", "plads", "--literal"});
  EXPECT_THAT(literal.out, Not(HasSubstr("Fortolket:")));
}

TEST_F(SearchCliTest, AnExpertiseQuestionRanksPeopleAndUnitsFirst) {
  Struct body = CliJson({"search", "hvem", "ved", "mest", "om", "autisme", "--limit", "10"});
  std::vector<Struct> steps = Items(body, "interpretation");
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(Field(steps[0], "rule"), "expertise");
  std::vector<Struct> results = Items(body, "results");
  ASSERT_GE(results.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_THAT(Field(results[i], "kind"), ::testing::AnyOf("person", "unit"))
        << i << ": " << Field(results[i], "name");
  }
}

TEST_F(SearchCliTest, EverySearchCommandHasHelp) {
  for (const char* command : {"search", "who-knows", "suggest"}) {
    CommandResult help = testing::RunCommand({SOFDIR_CLI_BINARY, command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_THAT(help.out, HasSubstr("--server")) << command;
    EXPECT_THAT(help.out, HasSubstr("--json")) << command;
    EXPECT_THAT(help.out, HasSubstr("--timeout")) << command;
    EXPECT_THAT(help.out, HasSubstr("Exit codes")) << command;
  }
  CommandResult search = testing::RunCommand({SOFDIR_CLI_BINARY, "search", "--help"});
  EXPECT_THAT(search.out, HasSubstr("--literal"));
  EXPECT_THAT(search.out, HasSubstr("Fortolket: "));
  EXPECT_THAT(search.out, HasSubstr("søg i stedet uden"));
  EXPECT_THAT(search.out, HasSubstr("\"interpretation\""));
}

}  // namespace
}  // namespace sofdir
