// Sessions: random ids and CSRF tokens, idle expiry, the size cap; the
// cookie parser.
#include "server/http/session_store.h"

#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/http/session_guard.h"

namespace sofdir::http {
namespace {

TEST(SessionStoreTest, IdsAndCsrfTokensAreRandomAndDistinct) {
  SessionStore store({});
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto session = store.Create("token");
    ASSERT_TRUE(session.ok());
    EXPECT_EQ(session->id.size(), 64u);
    EXPECT_EQ(session->csrf_token.size(), 64u);
    EXPECT_TRUE(seen.insert(session->id).second);
    EXPECT_TRUE(seen.insert(session->csrf_token).second);
  }
  EXPECT_EQ(store.size(), 100u);
}

TEST(SessionStoreTest, IdleSessionsExpireAndUseKeepsThemAlive) {
  absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  SessionStore::Options options;
  options.now = [&now] { return now; };
  SessionStore store(options);
  auto kept = store.Create("a");
  auto idle = store.Create("b");
  ASSERT_TRUE(kept.ok() && idle.ok());
  now += absl::Hours(7);
  ASSERT_TRUE(store.Find(kept->id).has_value());
  now += absl::Hours(2);  // 9 h after idle's last use, 2 h after kept's
  EXPECT_FALSE(store.Find(idle->id).has_value());
  auto found = store.Find(kept->id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->bearer_token, "a");
  store.Remove(kept->id);
  EXPECT_FALSE(store.Find(kept->id).has_value());
  EXPECT_FALSE(store.Find("").has_value());
}

TEST(SessionStoreTest, TheLeastRecentlyUsedGoesWhenFull) {
  absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  SessionStore::Options options;
  options.max_sessions = 2;
  options.now = [&now] { return now; };
  SessionStore store(options);
  auto first = store.Create("a");
  now += absl::Seconds(1);
  auto second = store.Create("b");
  now += absl::Seconds(1);
  ASSERT_TRUE(store.Find(first->id).has_value());  // first is now the more recent
  now += absl::Seconds(1);
  auto third = store.Create("c");
  EXPECT_EQ(store.size(), 2u);
  EXPECT_TRUE(store.Find(first->id).has_value());
  EXPECT_FALSE(store.Find(second->id).has_value());
  EXPECT_TRUE(store.Find(third->id).has_value());
}

TEST(SessionGuardTest, CookieValueFindsTheNamedCookieOnly) {
  EXPECT_EQ(SessionGuard::CookieValue("a=1; sofdir_session=abc; b=2", "sofdir_session"), "abc");
  EXPECT_EQ(SessionGuard::CookieValue("xsofdir_session=abc", "sofdir_session"), "");
  EXPECT_EQ(SessionGuard::CookieValue("", "sofdir_session"), "");
}

TEST(ConstantTimeEqualsTest, ComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

}  // namespace
}  // namespace sofdir::http
