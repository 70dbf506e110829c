#include "server/search/analyzer.h"

#include <string>

#include "gtest/gtest.h"

namespace sofdir::search {
namespace {

class AnalyzerTest : public testing::Test {
 protected:
  void SetUp() override {
    auto a = Analyzer::Create("");
    ASSERT_TRUE(a.ok()) << a.status();
    analyzer_ = std::move(*a);
  }
  std::string StemOf(const std::string& word) {
    auto tokens = analyzer_->Analyze(word);
    return tokens.size() == 1 ? tokens[0].stem : "<" + std::to_string(tokens.size()) + ">";
  }
  std::unique_ptr<Analyzer> analyzer_;
};

struct SameStem {
  std::string a, b;
};
// Names the case in test output (ctest lists it) instead of dumping bytes.
void PrintTo(const SameStem& c, std::ostream* os) { *os << c.a << " ~ " << c.b; }

class InflectionTest : public AnalyzerTest, public testing::WithParamInterface<SameStem> {};

TEST_P(InflectionTest, InflectionsAndSpellingsShareAStem) {
  EXPECT_EQ(StemOf(GetParam().a), StemOf(GetParam().b));
}

INSTANTIATE_TEST_SUITE_P(
    Danish, InflectionTest,
    testing::Values(SameStem{"unge", "ung"}, SameStem{"tilbuddene", "tilbud"},
                    SameStem{"behandlingen", "behandling"}, SameStem{"hjemløse", "hjemloese"},
                    SameStem{"hjemløse", "hjemlose"}, SameStem{"bostøtte", "bostotte"},
                    SameStem{"rådgivningen", "raadgivning"}, SameStem{"mænd", "maend"},
                    SameStem{"kvinder", "kvinde"}, SameStem{"sindslidende", "Sindslidende"}));

TEST_F(AnalyzerTest, FlagsStopWordsButKeepsContentWords) {
  auto tokens = analyzer_->Analyze("hvem arbejder med relationel koordinering");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_TRUE(tokens[0].stop);   // hvem
  EXPECT_FALSE(tokens[1].stop);  // arbejder
  EXPECT_TRUE(tokens[2].stop);   // med
  EXPECT_FALSE(tokens[3].stop);
  EXPECT_FALSE(tokens[4].stop);
}

TEST_F(AnalyzerTest, DigitsAreNotStemmed) {
  auto tokens = analyzer_->Analyze("SEL § 107");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].stem, "sel");
  EXPECT_EQ(tokens[1].stem, "107");
}

TEST(AnalyzerCreateTest, MissingStopWordsFileIsNotFound) {
  EXPECT_EQ(Analyzer::Create("/nonexistent/stopwords.txt").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace sofdir::search
