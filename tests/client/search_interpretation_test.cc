// What `sofdir search` shows of what the server understood in the query
// (SearchEntriesResponse.interpretation), the literal command it offers
// instead, and the facet values the user asked for. The responses are made
// here, as the server sends them.
#include <string>
#include <vector>

#include "client/search_view.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/json.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;
using ::google::protobuf::Struct;
using testing::FromText;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ParseJson;
using ::testing::StartsWith;

// "ledig plads skal ud og se": a filter and a kind preference read from the
// text, and one result.
v1::SearchEntriesResponse Understood() {
  return FromText<v1::SearchEntriesResponse>(R"pb(
    results {
      id: "praktik-0009"
      kind: PRAKTIK
      name: "Praktik på Fristedet"
      unit_name: "Værestedet Fristedet"
      district: "Nørrebro"
      score: 4.5
      snippet: "«Praktik» hos os"
      explanation: "kind \"skal ud og se\": praktik preferred x2.0"
    }
    total_size: 1
    interpretation {
      rule: "free_places"
      words: "ledig plads"
      effect: "viser kun tilbud med ledige pladser"
    }
    interpretation { rule: "kind" words: "skal ud og se" effect: "foretrækker praktikophold" }
  )pb");
}

SearchOptions Options(const std::string& text) {
  SearchOptions options;
  options.text = text;
  return options;
}

TEST(SearchCommandLineTest, TheSameSearchWithEveryFlagGivenEachOneShellWord) {
  SearchOptions options = Options("ledig plads");
  options.kinds = {"tilbud", "praktik"};
  options.district = "Nørrebro";
  options.age = 8;
  options.only_free = true;
  options.fresh_days = 30;
  options.near = "55.68,12.55";
  options.filter = "free_places > 2";
  options.limit = 20;
  options.explain = true;
  options.page_token = "old-token";  // bound to the other search: left out
  EXPECT_EQ(SearchCommandLine(options, true),
            "sofdir search --literal 'ledig plads' --kind tilbud --kind praktik "
            "--district 'Nørrebro' --age 8 --free --fresh 30 --near 55.68,12.55 "
            "--filter 'free_places > 2' --limit 20 --explain");
  EXPECT_EQ(SearchCommandLine(Options("vaerested"), false), "sofdir search vaerested");
}

TEST(SearchCommandLineTest, QuotesSafelyForTheShell) {
  struct Case {
    std::string text;
    std::string line;
  } cases[] = {
      {"barnets lov's § 114", R"(sofdir search --literal 'barnets lov'\''s § 114')"},
      {"$(rm -rf ~) `x`", "sofdir search --literal '$(rm -rf ~) `x`'"},
      // A text that starts with "-" would be read as a flag.
      {"-x botilbud", "sofdir search --literal -- '-x botilbud'"},
  };
  for (const Case& c : cases) EXPECT_EQ(SearchCommandLine(Options(c.text), true), c.line);
  EXPECT_EQ(SearchCommandLine(Options("-x"), false, "T/1+="),
            "sofdir search --page-token T/1+= -- -x");
}

TEST(FormatInterpretationTest, OneLineOfEffectsThenTheLiteralSearchBeforeTheResults) {
  SearchView view;
  view.literal_command = "sofdir search --literal 'ledig plads skal ud og se' --kind praktik";
  const std::string out = FormatSearchResponse(Understood(), view);
  EXPECT_THAT(out, StartsWith("Fortolket: viser kun tilbud med ledige pladser; foretrækker "
                              "praktikophold · søg i stedet uden fortolkning: sofdir search "
                              "--literal 'ledig plads skal ud og se' --kind praktik\n"
                              "#  ID"));
  EXPECT_THAT(out, Not(HasSubstr("skal ud og se\": praktik preferred")));  // not --explain
}

TEST(FormatInterpretationTest, NothingWhenTheServerUnderstoodNothing) {
  v1::SearchEntriesResponse response = Understood();
  response.clear_interpretation();
  SearchView view;
  view.literal_command = "sofdir search --literal x";
  EXPECT_THAT(FormatSearchResponse(response, view), StartsWith("#  ID"));
  EXPECT_EQ(FormatInterpretation(response, "sofdir search --literal x", true), "");
}

TEST(FormatInterpretationTest, ShownAlsoWhenNothingWasFound) {
  v1::SearchEntriesResponse response = Understood();
  response.clear_results();
  response.set_total_size(0);
  SearchView view;
  view.literal_command = "sofdir search --literal x";
  EXPECT_EQ(FormatSearchResponse(response, view),
            "Fortolket: viser kun tilbud med ledige pladser; foretrækker praktikophold · søg i "
            "stedet uden fortolkning: sofdir search --literal x\n"
            "no results\n");
}

TEST(FormatInterpretationTest, EachEffectOnceAndARuleWithoutEffectByItsWords) {
  auto response = FromText<v1::SearchEntriesResponse>(R"pb(
    interpretation { rule: "question" words: "kan I anbefale" effect: "spørgsmål: ordene udelades" }
    interpretation {
      rule: "question"
      words: "har vi noget til"
      effect: "spørgsmål: ordene udelades"
    }
    interpretation { rule: "place" words: "Valby Langgade" }
  )pb");
  EXPECT_EQ(FormatInterpretation(response, "", false),
            "Fortolket: spørgsmål: ordene udelades; place (\"Valby Langgade\")\n");
}

TEST(FormatInterpretationTest, ExplainShowsEachStepOnceAtTheTopAndTheLinesPerResult) {
  SearchView view;
  view.explain = true;
  view.literal_command = "sofdir search --literal x --explain";
  const std::string out = FormatSearchResponse(Understood(), view);
  EXPECT_THAT(out, StartsWith("Fortolket: viser kun tilbud med ledige pladser; foretrækker "
                              "praktikophold · søg i stedet uden fortolkning: sofdir search "
                              "--literal x --explain\n"
                              "  free_places (\"ledig plads\"): viser kun tilbud med ledige "
                              "pladser\n"
                              "  kind (\"skal ud og se\"): foretrækker praktikophold\n"
                              "#  ID"));
  EXPECT_THAT(out, HasSubstr("   «Praktik» hos os\n"
                             "     kind \"skal ud og se\": praktik preferred x2.0\n"));
}

TEST(FormatInterpretationTest, JsonHoldsEachStepWithRuleWordsAndEffect) {
  Struct body = ParseJson(SearchResponseToJson(Understood(), false));
  const auto& steps = body.fields().at("interpretation").list_value().values();
  ASSERT_EQ(steps.size(), 2);
  const Struct& first = steps[0].struct_value();
  EXPECT_EQ(first.fields().at("rule").string_value(), "free_places");
  ASSERT_EQ(first.fields().at("words").list_value().values_size(), 1);
  EXPECT_EQ(first.fields().at("words").list_value().values(0).string_value(), "ledig plads");
  EXPECT_EQ(first.fields().at("effect").string_value(), "viser kun tilbud med ledige pladser");
  EXPECT_EQ(steps[1].struct_value().fields().at("rule").string_value(), "kind");
}

TEST(FacetValueAskedForTest, NamedInTheTextAsTheServerComparesWords) {
  struct Case {
    std::string value;
    std::string asked;
    bool named;
  } cases[] = {
      {"Nørrebro", "botilbud noerrebro", true},
      {"Nørrebro", "NORREBRO", true},
      {"Nørrebro", "nørrebrogade", false},  // whole words only
      {"Vesterbro/Kongens Enghave", "vaeresteder på vesterbro", true},
      {"Vesterbro/Kongens Enghave", "kongens enghave", true},
      {"Brønshøj-Husum", "husum", true},
      {"Amager Vest", "amager vest", true},
      {"Amager Vest", "amager", false},
      {"SEL § 107", "sel 107", true},
      {"Udsatte voksne", "udsatte", false},
      {"Valby", "", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FacetValueAskedFor(c.value, {"", c.asked}), c.named) << c.value << " / " << c.asked;
  }
}

// `search botilbud noerrebro --free`: Nørrebro holds one of 21 results, so
// it fell behind the six largest districts and showed as "…".
TEST(FormatFacetsTest, TheDistrictAskedForIsShownEvenWhenOthersHoldMore) {
  auto response = FromText<v1::SearchEntriesResponse>(R"pb(
    facets {
      field: "district"
      counts { value: "Amager Vest" count: 6 }
      counts { value: "Østerbro" count: 4 }
      counts { value: "Vesterbro/Kongens Enghave" count: 3 }
      counts { value: "Bispebjerg" count: 2 }
      counts { value: "Brønshøj-Husum" count: 2 }
      counts { value: "Amager Øst" count: 1 }
      counts { value: "Valby" count: 1 }
      counts { value: "Nørrebro" count: 1 }
    }
  )pb");
  EXPECT_EQ(FormatFacets(response.facets(), 6, {"botilbud noerrebro"}),
            "district: Amager Vest 6 · Østerbro 4 · Vesterbro/Kongens Enghave 3 · Bispebjerg 2 · "
            "Brønshøj-Husum 2 · Amager Øst 1 · Nørrebro 1 · …\n");
  EXPECT_EQ(FormatFacets(response.facets(), 7, {"valby", "nørrebro"}),
            "district: Amager Vest 6 · Østerbro 4 · Vesterbro/Kongens Enghave 3 · Bispebjerg 2 · "
            "Brønshøj-Husum 2 · Amager Øst 1 · Valby 1 · Nørrebro 1\n");
  SearchView view;
  view.asked_for = {"botilbud noerrebro"};
  EXPECT_THAT(FormatSearchResponse(response, view), Not(HasSubstr("Nørrebro")))
      << "no results: no facet block";
}

}  // namespace
}  // namespace sofdir::client
