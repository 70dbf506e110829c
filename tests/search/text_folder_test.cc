#include "server/search/text_folder.h"

#include <cctype>
#include <random>
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

// ASCII text is read a run at a time; it must fold as a letter-by-letter
// reading does: letters and digits apart, lower case, "aa"/"ae"/"oe" as one
// letter (also where a run meets "æ"), every other byte a separator.
TEST(TextFolderTest, AsciiRunsFoldAsALetterByLetterReading) {
  auto reference = [](const std::string& text) {
    std::vector<std::string> out;
    std::string token;
    int kind = 0;  // 1 letters, 2 digits
    auto flush = [&] {
      if (!token.empty()) {
        TextFolder::CollapseDanishDigraphs(&token);
        out.push_back(token);
      }
      token.clear();
      kind = 0;
    };
    for (char c : text) {
      const int k = std::isalpha(static_cast<unsigned char>(c)) ? 1
                    : std::isdigit(static_cast<unsigned char>(c)) ? 2
                                                                  : 0;
      if (k != kind) flush();
      if (k == 0) continue;
      kind = k;
      token += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    flush();
    return out;
  };
  std::mt19937 rng(11);
  const std::string alphabet = "aAeEoObB19 -.";
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const size_t n = rng() % 24;
    for (size_t k = 0; k < n; ++k) text += alphabet[rng() % alphabet.size()];
    std::vector<std::string> got;
    TextFolder::ForEachToken(text, [&](std::string& t, uint32_t b, uint32_t e) {
      got.push_back(t);
      std::string typed = text.substr(b, e - b);
      for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      TextFolder::CollapseDanishDigraphs(&typed);
      EXPECT_EQ(typed, t) << "the range of a token is its text: \"" << text << "\"";
    });
    ASSERT_EQ(got, reference(text)) << "\"" << text << "\"";
  }
  // Across a Danish letter: "æ" folds to "a", "aa" to "a".
  EXPECT_EQ(TextFolder::FoldJoined("Ææble AAbEnraa"), TextFolder::FoldJoined("aable abenra"));
}

}  // namespace
}  // namespace sofdir::search
