#include "server/common/echo.h"

#include <string>

#include "gtest/gtest.h"

namespace sofdir::common {
namespace {

TEST(EchoTest, ShortTextIsQuotedAsIs) { EXPECT_EQ(Echo("unit-0001"), "unit-0001"); }

TEST(EchoTest, LongInputIsCutWithAnEllipsis) {
  const std::string out = Echo(std::string(4 << 20, 'a'));
  EXPECT_EQ(out, std::string(kMaxEchoBytes, 'a') + "...");
}

TEST(EchoTest, ControlCharactersAndBrokenUtf8AreShownAsHex) {
  EXPECT_EQ(Echo(std::string("a\r\nb\0c", 6)), "a\\x0D\\x0Ab\\x00c");
  EXPECT_EQ(Echo("\xC3("), "\\xC3(");
}

TEST(EchoTest, CutNeverSplitsACharacter) {
  std::string input;
  for (int i = 0; i < 40; ++i) input += "\xC3\xB8";  // ø
  const std::string out = Echo(input);
  EXPECT_EQ(out, std::string(input.substr(0, kMaxEchoBytes)) + "...");
}

}  // namespace
}  // namespace sofdir::common
