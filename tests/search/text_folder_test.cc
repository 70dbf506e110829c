#include "server/search/text_folder.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace sofdir::search {
namespace {

struct FoldCase {
  std::string input;
  std::string folded;
};
// Names the case in test output (ctest lists it) instead of dumping bytes.
void PrintTo(const FoldCase& c, std::ostream* os) { *os << c.input; }

class FoldJoinedTest : public testing::TestWithParam<FoldCase> {};

TEST_P(FoldJoinedTest, FoldsToTheSameFormWhateverTheSpelling) {
  EXPECT_EQ(TextFolder::FoldJoined(GetParam().input), GetParam().folded);
}

INSTANTIATE_TEST_SUITE_P(
    DanishSpellings, FoldJoinedTest,
    testing::Values(FoldCase{"Børn", "born"}, FoldCase{"boern", "born"}, FoldCase{"BØRN", "born"},
                    FoldCase{"Værested", "varested"}, FoldCase{"vaerested", "varested"},
                    FoldCase{"Rådgivning", "radgivning"}, FoldCase{"raadgivning", "radgivning"},
                    FoldCase{"Aamager", "amager"}, FoldCase{"Amager", "amager"},
                    FoldCase{"Østerbro", "osterbro"}, FoldCase{"osterbro", "osterbro"},
                    FoldCase{"Café", "cafe"}, FoldCase{"ＢＵＦ", "buf"},
                    // "å" written as "a" + combining ring above.
                    FoldCase{"R\xC3\xA5"
                             "d",
                             "rad"},
                    FoldCase{"Ra\xCC\x8A"
                             "d",
                             "rad"},
                    FoldCase{"sel107", "sel 107"}, FoldCase{"§85", "85"},
                    FoldCase{"SEL § 107", "sel 107"},
                    FoldCase{"Bostøtte – Valby 🙂", "bostotte valby"},
                    FoldCase{"“Huset” / Nord", "huset nord"}, FoldCase{"...", ""}));

TEST(TextFolderTest, ReportsByteOffsetsOfEachToken) {
  std::vector<std::string> tokens;
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  const std::string text = "Ældre på Nørrebro";
  TextFolder::ForEachToken(text, [&](std::string& t, uint32_t b, uint32_t e) {
    tokens.push_back(t);
    ranges.push_back({b, e});
  });
  ASSERT_EQ(tokens, (std::vector<std::string>{"aldre", "pa", "norrebro"}));
  EXPECT_EQ(text.substr(ranges[0].first, ranges[0].second - ranges[0].first), "Ældre");
  EXPECT_EQ(text.substr(ranges[2].first, ranges[2].second - ranges[2].first), "Nørrebro");
}

TEST(TextFolderTest, InvalidUtf8IsDetectedAndSeparatesTokens) {
  const std::string bad =
      "abc\xFF"
      "def";
  EXPECT_FALSE(TextFolder::IsValidUtf8(bad));
  EXPECT_TRUE(TextFolder::IsValidUtf8("Nørrebro"));
  EXPECT_EQ(TextFolder::FoldJoined(bad), "abc def");
}

TEST(TextFolderTest, ForEachTokenWhileStopsAtTheFirstFalse) {
  std::vector<std::string> seen;
  TextFolder::ForEachTokenWhile("Børn og unge, Amager", [&](std::string& t, uint32_t, uint32_t) {
    seen.push_back(t);
    return t != "og";
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"born", "og"}));
  seen.clear();
  TextFolder::ForEachTokenWhile("Børn og unge", [&](std::string& t, uint32_t, uint32_t) {
    seen.push_back(t);
    return true;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"born", "og", "unge"}));
}

}  // namespace
}  // namespace sofdir::search
