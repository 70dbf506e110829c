#include "server/domain/page_token.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sofdir::domain {
namespace {

using ::testing::HasSubstr;

TEST(PageTokenTest, TokenGivesBackTheKeyOfTheSameQuery) {
  const std::string key("unit-7\0\n\xff", 9);
  const std::string token = EncodePageToken("list/1/", key);
  auto decoded = DecodePageToken(token, "list/1/");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, key);
  auto empty = DecodePageToken(EncodePageToken("export/0", ""), "export/0");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(*empty, "");
}

TEST(PageTokenTest, TokenOfAnotherQueryIsRefusedNamingPageToken) {
  auto decoded = DecodePageToken(EncodePageToken("list/1/", "unit-7"), "list/5/");
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(decoded.status().message(), HasSubstr("page_token: belongs to another query"));
}

TEST(PageTokenTest, AnythingTheServerDidNotIssueIsRefusedNamingPageToken) {
  const std::string token = EncodePageToken("list/1/", "unit-7");
  std::string altered = token;
  altered[3] = altered[3] == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {std::string(""), std::string("!!!"), std::string("not base64 at all"),
        token.substr(0, token.size() - 2), altered, std::string("bGlzdC8xLwp1bml0LTc"),
        std::string(1000, 'A'), std::string("\0\xff\n", 3)}) {
    auto decoded = DecodePageToken(bad, "list/1/");
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(decoded.status().message(), HasSubstr("page_token: not a token this server issued"))
        << bad;
  }
}

TEST(PageTokenTest, PageSizeDefaultsAndCaps) {
  EXPECT_EQ(PageSize(0, 50, 1000), 50);
  EXPECT_EQ(PageSize(-3, 50, 1000), 50);
  EXPECT_EQ(PageSize(7, 50, 1000), 7);
  EXPECT_EQ(PageSize(2147483647, 50, 1000), 1000);
}

}  // namespace
}  // namespace sofdir::domain
