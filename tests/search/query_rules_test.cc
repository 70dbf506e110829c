#include "server/search/query_rules.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/search/text_folder.h"

namespace sofdir::search {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Section = QueryRules::Section;

QueryRules MustParse(const std::string& contents) {
  auto rules = QueryRules::Parse(contents, "rules.txt");
  EXPECT_TRUE(rules.ok()) << rules.status();
  return rules.ok() ? std::move(*rules) : QueryRules();
}

// The best match at the start of `text`, as "section:phrase/length".
std::string BestMatch(const QueryRules& rules, const std::string& text) {
  std::string storage;
  const std::vector<QueryWord> words = QueryRules::Words(TextFolder::Composed(text, &storage));
  std::vector<QueryRules::Match> matches;
  rules.MatchAt(words, 0, &matches);
  if (matches.empty()) return "none";
  return matches[0].rule->phrase + "/" + std::to_string(matches[0].length);
}

TEST(QueryRulesTest, ShippedFileLoadsWithEverySection) {
  const char* root = std::getenv("SOFDIR_SOURCE_DIR");
  if (root == nullptr) GTEST_SKIP() << "SOFDIR_SOURCE_DIR not set";
  auto rules = QueryRules::Load(std::string(root) + "/data/query-rules.txt");
  ASSERT_TRUE(rules.ok()) << rules.status();
  for (Section s : {Section::kKind, Section::kQuestion, Section::kExpertise, Section::kFreePlaces,
                    Section::kLiteral, Section::kLaw, Section::kMonth, Section::kWeek,
                    Section::kDateWord, Section::kDate, Section::kAge, Section::kPlace}) {
    EXPECT_GT(rules->count(s), 0u) << static_cast<int>(s);
  }
  ASSERT_NE(rules->default_law(), nullptr);
  EXPECT_EQ(rules->default_law()->law, "SEL");
  // Every district is reachable by its own name.
  for (const std::string& d : QueryRules::Districts()) {
    const QueryRules::Rule* place = rules->WholePlace(d);
    ASSERT_NE(place, nullptr) << d;
    EXPECT_THAT(place->districts, ElementsAre(d));
  }
}

TEST(QueryRulesTest, PhrasesMatchWhateverTheCaseAccentsAndDanishSpelling) {
  QueryRules rules = MustParse(
      "[place]\nBrønshøj-Husum = Brønshøj-Husum\nÅlekistevej = Vanløse\n"
      "[free places]\nåbent for indskrivning\n");
  for (const char* text : {"Brønshøj-Husum", "broenshoej husum", "BRONSHOJ HUSUM"}) {
    EXPECT_EQ(BestMatch(rules, text), "Brønshøj-Husum/2") << text;
  }
  for (const char* text : {"aalekistevej", "Ålekistevej", "alekistevej"}) {
    EXPECT_EQ(BestMatch(rules, text), "Ålekistevej/1") << text;
  }
  for (const char* text :
       {"Åbent for indskrivning", "aabent for indskrivning", "abent, for indskrivning!"}) {
    EXPECT_EQ(BestMatch(rules, text), "åbent for indskrivning/3") << text;
  }
}

TEST(QueryRulesTest, WordSectionsMatchInflectedFormsAndPlacesAndMonthsDoNot) {
  QueryRules rules = MustParse(
      "[kind person unit]\nkollega\n[kind tilbud]\ntilbud\nplads\n"
      "[kind praktik]\npraktik\n[month]\njuli = 7\n[place]\nvalby = Valby\n");
  struct Case {
    const char* text;
    const char* best;
  } cases[] = {
      {"kollegaen", "kollega/1"},  {"kollegaer", "kollega/1"},  {"kollegaerne", "kollega/1"},
      {"Kollegaens", "kollega/1"}, {"tilbuddet", "tilbud/1"},   {"tilbuddene", "tilbud/1"},
      {"pladser", "plads/1"},      {"pladserne", "plads/1"},    {"praktikken", "praktik/1"},
      {"praktikker", "praktik/1"}, {"julie", "none"},           {"valbys", "none"},
      {"kollegial", "none"},       {"tilbudsportalen", "none"},
  };
  for (const Case& c : cases) EXPECT_EQ(BestMatch(rules, c.text), c.best) << c.text;
}

TEST(QueryRulesTest, LongestPhraseWinsAndExactBeatsInflected) {
  QueryRules rules = MustParse(
      "[kind person unit]\nkollega\n[kind praktik]\nfølge en kollega\n"
      "[free places]\nledig plads\n[kind tilbud]\nplads\n[literal]\nbørne\n[age]\nbørn = 0..17\n");
  EXPECT_EQ(BestMatch(rules, "følge en kollega"), "følge en kollega/3");
  EXPECT_EQ(BestMatch(rules, "følge en"), "none");
  EXPECT_EQ(BestMatch(rules, "ledige pladser"), "ledig plads/2");
  EXPECT_EQ(BestMatch(rules, "børne"), "børne/1");  // literal, not "børn" + e
  EXPECT_EQ(BestMatch(rules, "børnene"), "børn/1");
}

TEST(QueryRulesTest, NumbersAndNumberRangesCaptureQueryNumbers) {
  QueryRules rules = MustParse(
      "[age]\n{n} år = n..n\n{n} {n} år = n1..n2\n[place]\n{1500-1799} = "
      "Vesterbro/Kongens Enghave\n2500 = Valby\n[week]\nuge {n}\n");
  std::string storage;
  auto words = QueryRules::Words("15-25 år");
  std::vector<QueryRules::Match> matches;
  rules.MatchAt(words, 0, &matches);
  ASSERT_FALSE(matches.empty());
  EXPECT_EQ(matches[0].rule->phrase, "{n} {n} år");
  EXPECT_THAT(matches[0].numbers, ElementsAre(15, 25));
  EXPECT_EQ(BestMatch(rules, "8-årig"), "none");  // "årig" is not "år" inflected
  EXPECT_EQ(BestMatch(rules, "8 år"), "{n} år/2");
  EXPECT_EQ(BestMatch(rules, "1620"), "{1500-1799}/1");
  EXPECT_EQ(BestMatch(rules, "1499"), "none");
  EXPECT_EQ(BestMatch(rules, "2500"), "2500/1");
  EXPECT_EQ(BestMatch(rules, "uge 12"), "uge {n}/2");
}

TEST(QueryRulesTest, WordsKnowNumbersAndTheParagraphSign) {
  auto words = QueryRules::Words("SEL107 § 85, §110 og 1234567890");
  ASSERT_EQ(words.size(), 6u);
  EXPECT_EQ(words[0].folded, "sel");
  EXPECT_EQ(words[1].number, 107);
  EXPECT_FALSE(words[1].after_paragraph);
  EXPECT_TRUE(words[2].after_paragraph);
  EXPECT_EQ(words[2].number, 85);
  EXPECT_TRUE(words[3].after_paragraph);
  EXPECT_EQ(words[5].number, -1);  // too long to be a number we read
}

TEST(QueryRulesTest, WholePlaceAndCanonicalDistrict) {
  QueryRules rules = MustParse(
      "[place]\namager = Amager Øst, Amager Vest\nvalby langgade = valby\n"
      "[kind unit]\nafdeling\n");
  ASSERT_NE(rules.WholePlace("Amager"), nullptr);
  EXPECT_THAT(rules.WholePlace("AMAGER")->districts, ElementsAre("Amager Øst", "Amager Vest"));
  ASSERT_NE(rules.WholePlace("valby langgade"), nullptr);
  EXPECT_THAT(rules.WholePlace("valby langgade")->districts, ElementsAre("Valby"));
  EXPECT_EQ(rules.WholePlace("valby"), nullptr);  // only part of a phrase
  EXPECT_EQ(rules.WholePlace("amager strand"), nullptr);
  EXPECT_EQ(rules.WholePlace("afdeling"), nullptr);  // not a place
  EXPECT_EQ(QueryRules::CanonicalDistrict("noerrebro"), "Nørrebro");
  EXPECT_EQ(QueryRules::CanonicalDistrict("vesterbro/kongens enghave"),
            "Vesterbro/Kongens Enghave");
  EXPECT_EQ(QueryRules::CanonicalDistrict("Broenshoej-Husum"), "Brønshøj-Husum");
  EXPECT_EQ(QueryRules::CanonicalDistrict("Amager"), std::nullopt);
}

TEST(QueryRulesTest, ValuesAndFlagsAreRead) {
  QueryRules rules = MustParse(
      "# comment\n[kind person unit]\nkollega  # trailing comment\n[kind unit]\ncenter (keep)\n"
      "[question]\nmangler et tilbud til = tilbud\n[law]\nsel = SEL\nserviceloven = SEL (default)\n"
      "paragraf = §\n[month]\njan = 1 (context)\n[date word]\nprimo = early\n"
      "[date]\ninden jul = ..12-23\nnæste måned = month +1\n[age]\nover {n} = n+1..99\n");
  EXPECT_EQ(rules.size(), 11u);
  const auto& r = rules.rules();
  EXPECT_THAT(r[0].kinds, ElementsAre("person", "unit"));
  EXPECT_EQ(r[0].line, 3);
  EXPECT_TRUE(r[1].keep);
  EXPECT_THAT(r[2].kinds, ElementsAre("tilbud"));
  EXPECT_EQ(r[3].law, "SEL");
  EXPECT_FALSE(r[3].default_law);
  EXPECT_EQ(rules.default_law(), &r[4]);
  EXPECT_EQ(r[5].law, "");
  EXPECT_EQ(r[6].month, 1);
  EXPECT_TRUE(r[6].needs_context);
  EXPECT_EQ(r[7].date_word, QueryRules::DateWord::kEarly);
  EXPECT_EQ(r[8].date.to.kind, QueryRules::DateEnd::Kind::kMonthDay);
  EXPECT_EQ(r[8].date.to.month, 12);
  EXPECT_EQ(r[8].date.to.day, 23);
  EXPECT_EQ(r[9].date.kind, QueryRules::DateExpr::Kind::kMonthOffset);
  EXPECT_EQ(r[9].date.offset, 1);
  EXPECT_EQ(r[10].low.capture, 0);
  EXPECT_EQ(r[10].low.constant, 1);
  EXPECT_EQ(r[10].high.capture, -1);
  EXPECT_EQ(r[10].high.constant, 99);
}

TEST(QueryRulesTest, AByteOrderMarkAndWindowsLineEndsAreAccepted) {
  QueryRules rules =
      MustParse("\xEF\xBB\xBF[kind unit]\r\nafdeling\r\n\r\n[place]\r\nvalby = Valby\r\n");
  EXPECT_EQ(rules.size(), 2u);
  EXPECT_EQ(BestMatch(rules, "valby"), "valby/1");
}

struct LoadError {
  const char* contents;
  const char* message;  // expected after "rules.txt:"
};

class QueryRulesLoadErrorTest : public ::testing::TestWithParam<LoadError> {};

TEST_P(QueryRulesLoadErrorTest, IsRefusedWithFileAndLine) {
  auto rules = QueryRules::Parse(GetParam().contents, "rules.txt");
  ASSERT_FALSE(rules.ok()) << GetParam().contents;
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(rules.status().message()),
              StartsWith(std::string("rules.txt:") + GetParam().message))
      << rules.status();
}

INSTANTIATE_TEST_SUITE_P(
    EveryError, QueryRulesLoadErrorTest,
    ::testing::Values(
        LoadError{"praktik\n", "1: an entry before any [section]"},
        LoadError{"# ok\n[kind unit\n", "2: a section header must end with ']'"},
        LoadError{"[kinds unit]\n", "1: unknown section [kinds unit]; valid: [kind ...]"},
        LoadError{"[kind]\n", "1: [kind] needs the kind(s)"},
        LoadError{"[kind unit bogus]\n", "1: unknown kind \"bogus\"; valid: unit, tilbud"},
        LoadError{"[question]\nfindes der = tilbud bogus\n", "2: unknown kind \"bogus\""},
        LoadError{"[place]\nvalby = Valby\nmars = Atlantis\n",
                  "3: unknown district \"Atlantis\"; valid: Indre By, Christianshavn"},
        LoadError{"[kind unit]\nafdeling\nteam\nafdeling\n",
                  "4: \"afdeling\" is also at line 2 (a duplicate)"},
        LoadError{"[kind unit]\ncenter\n[kind praktik]\ncenter\n",
                  "4: \"center\" is also at line 2 with another meaning"},
        LoadError{"[place]\nNørrebro = Nørrebro\nnoerrebro = Nørrebro\n",
                  "3: \"noerrebro\" is also at line 2 (a duplicate)"},
        LoadError{"[place]\nsundby = Amager Øst\n[age]\nsundby = 0..5\n",
                  "4: \"sundby\" is also at line 2 with another meaning"},
        LoadError{"[place]\n{1000-1500} = Indre By\n{1400-1449} = Christianshavn\n",
                  "3: {1400-1449} overlaps {1000-1500}"},
        LoadError{"[place]\n{1500-1000} = Valby\n", "2: \"{1500-1000}\" is not a number range"},
        LoadError{"[place]\n{n = Valby\n", "2: \"{n\" is neither {n} nor {A-B}"},
        LoadError{"[kind unit]\nteam {n}\n", "2: {n} is only for [week] and [age]"},
        LoadError{"[age]\n{10-20} år = 10..20\n", "2: {A-B} is only for [place]"},
        LoadError{"[age]\nn{n} = 1..2\n", "2: \"n{n}\": write {n} or {A-B} as a word"},
        LoadError{"[month]\noktober\n", "2: [month] entries need a value"},
        LoadError{"[month]\noktober = 13\n", "2: month \"13\" is not 1..12"},
        LoadError{"[kind unit]\nafdeling = unit\n", "2: [kind] entries take no '= value'"},
        LoadError{"[place]\nvalby =\n", "2: nothing after '='"},
        LoadError{"[place]\n= Valby\n", "2: no phrase"},
        LoadError{"[kind unit]\n-- !\n", "2: \"-- !\" has no words"},
        LoadError{"[kind unit]\ncenter (context)\n", "2: flag (context) is not valid in [kind]"},
        LoadError{"[place]\nvalby (keep) = Valby\n", "2: flags in parentheses go at the end"},
        LoadError{"[place]\nvalby = Valby keep)\n", "2: a ')' without '('"},
        LoadError{"[age]\nsmåbørn = 0-5\n", "2: ages \"0-5\" are not A..B"},
        LoadError{"[age]\nsmåbørn = 5..0\n", "2: ages \"5..0\" run backwards"},
        LoadError{"[age]\n{n} år = n2..n2\n", "2: \"n2\" but the phrase has 1 {n}"},
        LoadError{"[age]\nfoo = x..5\n", "2: \"x\" is not a number, n, n1, n2"},
        LoadError{"[week]\nuge\n", "2: a [week] phrase needs one {n}"},
        LoadError{"[date word]\nfra = since\n", "2: date word value \"since\" is not one of"},
        LoadError{"[date]\ni foråret = spring\n", "2: date \"spring\" is not month +N"},
        LoadError{"[date]\ni foråret = 03-01..13-01\n", "2: \"13-01\" is not a date end"},
        LoadError{"[date]\nsnart = ..\n", "2: a date period needs at least one end"},
        LoadError{"[date]\nnæste måned = month 1\n", "2: \"month 1\" is not month +N"},
        LoadError{"[law]\nsel = SEL (default)\nbl = Barnets Lov (default)\n",
                  "3: a second (default) law; line 2 is the default"},
        LoadError{"[law]\nparagraf = § (default)\n", "2: (default) names a law"}));

TEST(QueryRulesTest, LoadOfAMissingFileIsNotFoundNamingThePath) {
  auto rules = QueryRules::Load("/nonexistent/query-rules.txt");
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(rules.status().message()), HasSubstr("/nonexistent/query-rules.txt"));
}

}  // namespace
}  // namespace sofdir::search
