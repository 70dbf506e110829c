#include "server/search/filter_expression.h"

#include <string>

#include "gtest/gtest.h"

namespace sofdir::search {
namespace {

FilterValues Tilbud() {
  FilterValues v;
  v.id = "tilbud-0001";
  v.kind = "tilbud";
  v.area = "psykiatri";
  v.district = "norrebro";
  v.legal_basis = "sel 107";
  v.service_type = "botilbud";
  v.unit_id = "unit-0003";
  v.age_min = 18;
  v.age_max = 30;
  v.free_places = 2;
  v.capacity = 10;
  return v;
}

struct MatchCase {
  std::string filter;
  bool matches;
};
// Names the case in test output (ctest lists it) instead of dumping bytes.
void PrintTo(const MatchCase& c, std::ostream* os) { *os << "[" << c.filter << "]"; }

class FilterMatchTest : public testing::TestWithParam<MatchCase> {};

TEST_P(FilterMatchTest, EvaluatesAgainstARecord) {
  auto f = FilterExpression::Parse(GetParam().filter);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->Matches(Tilbud()), GetParam().matches) << GetParam().filter;
}

INSTANTIATE_TEST_SUITE_P(
    Aip160Subset, FilterMatchTest,
    testing::Values(MatchCase{"", true}, MatchCase{"kind = tilbud", true},
                    MatchCase{"kind = unit", false}, MatchCase{"district = \"Nørrebro\"", true},
                    MatchCase{"district = noerrebro", true},
                    MatchCase{"legal_basis = \"SEL § 107\"", true},
                    MatchCase{"kind = tilbud AND free_places > 0", true},
                    MatchCase{"kind = tilbud free_places > 5", false},
                    MatchCase{"kind = unit OR kind = tilbud", true},
                    MatchCase{"(kind = unit OR kind = person) AND area = Psykiatri", false},
                    MatchCase{"NOT kind = unit", true},
                    MatchCase{"-service_type = botilbud", false}, MatchCase{"age = 19", true},
                    MatchCase{"age = 40", false}, MatchCase{"has_free_places = true", true},
                    MatchCase{"unit_id = unit-0003", true}, MatchCase{"area : psykiatri", true},
                    MatchCase{"capacity >= 10 AND capacity < 11", true}));

struct ErrorCase {
  std::string filter;
  std::string mentions;
};
// Names the case in test output (ctest lists it) instead of dumping bytes.
void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.filter; }

class FilterErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(FilterErrorTest, MalformedFiltersAreInvalidArgumentNamingTheProblem) {
  auto f = FilterExpression::Parse(GetParam().filter);
  ASSERT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument) << GetParam().filter;
  EXPECT_NE(f.status().message().find(GetParam().mentions), std::string::npos)
      << f.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Aip160Subset, FilterErrorTest,
    testing::Values(ErrorCase{"colour = red", "unknown field 'colour'"},
                    ErrorCase{"kind tilbud", "operator"}, ErrorCase{"kind =", "missing value"},
                    ErrorCase{"(kind = unit", "missing ')'"},
                    ErrorCase{"age = young", "whole number"}, ErrorCase{"kind > unit", "is text"},
                    ErrorCase{"name = \"open", "unknown field"},
                    ErrorCase{"kind = \"open", "unterminated"},
                    ErrorCase{std::string(33, '(') + "kind = unit" + std::string(33, ')'),
                              "nested deeper than 32 parentheses"},
                    ErrorCase{std::string(4000, '('), "nested deeper than 32"},
                    ErrorCase{"age = " + std::string(3000, '9'), "got '9999999999"}));

TEST(FilterExpressionTest, ThirtyTwoLevelsOfParenthesesStillParseAndMatch) {
  auto f = FilterExpression::Parse(std::string(32, '(') + "kind = unit" + std::string(32, ')'));
  ASSERT_TRUE(f.ok()) << f.status();
  auto wordy = FilterExpression::Parse("age = " + std::string(3000, '9'));
  EXPECT_LT(wordy.status().message().size(), 150u) << "the echoed value is cut short";
}

// Found by tests/fuzz (regressions/filter_expression): 2,000 '(' overflowed
// the stack, since parsing recursed once per level.
TEST(FilterExpressionTest, ParenthesesNestUpTo32Deep) {
  auto nested = [](int depth) {
    return std::string(depth, '(') + "kind = tilbud" + std::string(depth, ')');
  };
  auto ok = FilterExpression::Parse(nested(32));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_TRUE(ok->Matches(Tilbud()));
  for (int depth : {33, 2000}) {
    auto refused = FilterExpression::Parse(nested(depth));
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << depth;
    EXPECT_NE(refused.status().message().find("nested deeper than 32 parentheses"),
              std::string::npos)
        << refused.status().message();
  }
}

TEST(FilterExpressionTest, MessagesQuoteAtMost64BytesOfTheFilter) {
  const std::string long_name(3000, 'x');
  for (const std::string& filter :
       {long_name + " = 1", "kind " + long_name, "age = " + long_name, long_name + ")"}) {
    auto refused = FilterExpression::Parse(filter);
    ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_LT(refused.status().message().size(), 250u) << refused.status().message();
  }
  auto unknown = FilterExpression::Parse(long_name + " = 1");
  EXPECT_NE(unknown.status().message().find("unknown field '" + std::string(64, 'x') + "...'"),
            std::string::npos)
      << unknown.status().message();
  auto stray = FilterExpression::Parse("kind = unit)");
  EXPECT_NE(stray.status().message().find("unexpected ')'"), std::string::npos)
      << stray.status().message();
}

}  // namespace
}  // namespace sofdir::search
