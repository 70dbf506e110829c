#include "server/search/synonym_map.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace sofdir::search {
namespace {

class SynonymMapTest : public testing::Test {
 protected:
  void SetUp() override {
    auto a = Analyzer::Create("");
    ASSERT_TRUE(a.ok());
    analyzer_ = std::move(*a);
  }
  std::vector<std::string> Stems(const std::string& text) {
    std::vector<std::string> out;
    analyzer_->ForEachTerm(text, [&](const std::string&, std::string s) { out.push_back(s); });
    return out;
  }
  std::unique_ptr<Analyzer> analyzer_;
};

TEST_F(SynonymMapTest, EquivalentPhrasesFindEachOther) {
  auto map = SynonymMap::Parse("serviceloven, sel\n", *analyzer_);
  ASSERT_TRUE(map.ok()) << map.status();
  auto m = map->LongestMatch(Stems("SEL"), 0);
  ASSERT_EQ(m.length, 1u);
  ASSERT_EQ(m.alternatives.size(), 1u);
  EXPECT_EQ(*m.alternatives[0], Stems("serviceloven"));
  EXPECT_EQ(map->LongestMatch(Stems("Serviceloven"), 0).length, 1u);
}

TEST_F(SynonymMapTest, OneWayRuleDoesNotExpandBackwards) {
  auto map = SynonymMap::Parse("spc => socialpsykiatrisk center", *analyzer_);
  ASSERT_TRUE(map.ok());
  EXPECT_EQ(map->LongestMatch(Stems("spc"), 0).length, 1u);
  EXPECT_EQ(map->LongestMatch(Stems("socialpsykiatrisk center"), 0).length, 0u);
}

TEST_F(SynonymMapTest, LongestPhraseWinsAndCommentsAreIgnored) {
  auto map = SynonymMap::Parse(
      "# legal bases\nsel 107, midlertidigt botilbud  # § 107\n107, paragraf 107\n", *analyzer_);
  ASSERT_TRUE(map.ok());
  auto m = map->LongestMatch(Stems("sel 107 amager"), 0);
  EXPECT_EQ(m.length, 2u);
}

TEST_F(SynonymMapTest, LineWithOnePhraseIsInvalid) {
  auto map = SynonymMap::Parse("ok, fine\njustone\n", *analyzer_);
  EXPECT_EQ(map.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(map.status().message().find("line 2"), std::string::npos);
}

}  // namespace
}  // namespace sofdir::search
