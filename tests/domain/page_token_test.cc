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

TEST(PageBudgetTest, EndsAPageByCountOrBytesButAlwaysTakesTheFirstItem) {
  PageBudget by_count(2, 1000);
  EXPECT_TRUE(by_count.Fits(10));
  by_count.Add(10);
  EXPECT_TRUE(by_count.Fits(10));
  by_count.Add(10);
  EXPECT_FALSE(by_count.Fits(0));

  PageBudget by_bytes(100, 1000);
  EXPECT_TRUE(by_bytes.Fits(5000)) << "a first item too big alone still goes";
  by_bytes.Add(500);
  EXPECT_TRUE(by_bytes.Fits(400));
  EXPECT_FALSE(by_bytes.Fits(600));
  by_bytes.Add(400);
  EXPECT_FALSE(by_bytes.Fits(100));
  EXPECT_EQ(by_bytes.items(), 2);
  EXPECT_LE(by_bytes.bytes(), 1000u);

  EXPECT_LT(kMaxPageBytes, size_t{4} << 20) << "below the server's message limit";
}

}  // namespace
}  // namespace sofdir::domain
