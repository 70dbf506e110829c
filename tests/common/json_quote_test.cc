#include "server/common/json_quote.h"

#include <string>

#include "gtest/gtest.h"

namespace sofdir::common {
namespace {

TEST(JsonQuoteTest, PlainTextAndDanishLettersAreKept) {
  EXPECT_EQ(JsonQuote(""), "\"\"");
  EXPECT_EQ(JsonQuote("Bostøtte på Østerbro"), "\"Bostøtte på Østerbro\"");
}

TEST(JsonQuoteTest, QuotesBackslashesAndControlCharactersAreEscaped) {
  EXPECT_EQ(JsonQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonQuote("1\n2\r3\t4"), "\"1\\n2\\r3\\t4\"");
  EXPECT_EQ(JsonQuote(std::string("x\0y", 3)), "\"x\\u0000y\"");
  EXPECT_EQ(JsonQuote("\x1b[31m\x7f"), "\"\\u001b[31m\\u007f\"");
}

TEST(JsonQuoteTest, MarkupCannotCloseAnHtmlContext) {
  EXPECT_EQ(JsonQuote("</script><img src=x>"),
            "\"\\u003c/script\\u003e\\u003cimg src=x\\u003e\"");
}

TEST(JsonQuoteTest, LineAndParagraphSeparatorsAreEscaped) {
  EXPECT_EQ(JsonQuote("a\u2028b\u2029c"), "\"a\\u2028b\\u2029c\"");
  // A truncated sequence at the end is copied, not read past.
  EXPECT_EQ(JsonQuote("a\xE2\x80"), "\"a\xE2\x80\"");
}

TEST(JsonQuoteTest, AppendAddsToWhatIsThere) {
  std::string out = "{\"k\":";
  AppendJsonString(out, "v");
  EXPECT_EQ(out, "{\"k\":\"v\"");
}

}  // namespace
}  // namespace sofdir::common
