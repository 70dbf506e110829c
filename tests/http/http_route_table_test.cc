// The routes read from DirectoryService's google.api.http options, and the
// path template grammar on its own.
#include "server/http/http_route_table.h"

#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

const HttpRouteTable& Table() {
  static const HttpRouteTable* table = [] {
    auto t = HttpRouteTable::FromService(
        *sof::directory::v1::SearchEntriesRequest::descriptor()->file()->FindServiceByName(
            "DirectoryService"));
    EXPECT_TRUE(t.ok()) << t.status();
    return new HttpRouteTable(*std::move(t));
  }();
  return *table;
}

std::string MethodOf(absl::string_view verb, absl::string_view path) {
  std::vector<std::string> allowed;
  auto match = Table().Match(verb, path, &allowed);
  if (!match.ok()) return std::string(match.status().ToString());
  return match->route->method->name();
}

TEST(HttpRouteTableTest, EveryUnaryMethodHasARouteAndTheStreamNone) {
  std::set<std::string> methods;
  for (const HttpRoute& route : Table().routes()) methods.insert(route.method->name());
  const auto* service =
      sof::directory::v1::SearchEntriesRequest::descriptor()->file()->FindServiceByName(
          "DirectoryService");
  for (int i = 0; i < service->method_count(); ++i) {
    const auto* m = service->method(i);
    EXPECT_EQ(methods.count(m->name()), m->server_streaming() ? 0u : 1u) << m->name();
  }
  EXPECT_EQ(methods.count("WatchChanges"), 0u);
}

TEST(HttpRouteTableTest, MatchesVerbAndPathToTheMethod) {
  EXPECT_EQ(MethodOf("GET", "/v1/records/unit-1"), "GetRecord");
  EXPECT_EQ(MethodOf("HEAD", "/v1/records/unit-1"), "GetRecord");
  EXPECT_EQ(MethodOf("GET", "/v1/records"), "ListRecords");
  EXPECT_EQ(MethodOf("POST", "/v1/records"), "CreateRecord");
  EXPECT_EQ(MethodOf("PATCH", "/v1/records/unit-1"), "UpdateRecord");
  EXPECT_EQ(MethodOf("DELETE", "/v1/records/unit-1"), "DeleteRecord");
  EXPECT_EQ(MethodOf("GET", "/v1/records:search"), "SearchEntries");
  EXPECT_EQ(MethodOf("GET", "/v1/records:suggest"), "SuggestEntries");
  EXPECT_EQ(MethodOf("POST", "/v1/records:import"), "ImportRecords");
  EXPECT_EQ(MethodOf("POST", "/v1/records/unit-1:verify"), "VerifyRecord");
  EXPECT_EQ(MethodOf("POST", "/v1/praktik/offer-7/bookings"), "BookPraktik");
  EXPECT_EQ(MethodOf("POST", "/v1/bookings/b-1:cancel"), "CancelBooking");
  EXPECT_EQ(MethodOf("GET", "/v1/bookings/b-1/calendar"), "GetBookingCalendar");
  EXPECT_EQ(MethodOf("GET", "/v1/audit"), "ListAudit");
}

TEST(HttpRouteTableTest, BindsPercentDecodedPathValues) {
  auto match = Table().Match("GET", "/v1/records/unit%2D1%20x%2Fy", nullptr);
  ASSERT_TRUE(match.ok()) << match.status();
  EXPECT_THAT(match->bindings, ElementsAre(Pair("id", "unit-1 x/y")));
  match = Table().Match("POST", "/v1/praktik/offer-7/bookings", nullptr);
  ASSERT_TRUE(match.ok());
  EXPECT_THAT(match->bindings, ElementsAre(Pair("offer_id", "offer-7")));
  EXPECT_EQ(match->route->body, "*");
}

TEST(HttpRouteTableTest, UnknownPathIsNotFoundAndWrongVerbListsTheAllowedOnes) {
  std::vector<std::string> allowed;
  EXPECT_EQ(Table().Match("GET", "/v1/nothing", &allowed).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Table().Match("GET", "/v1/records/a/b", &allowed).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Table().Match("GET", "/v1/records/", &allowed).status().code(),
            absl::StatusCode::kNotFound);
  auto wrong = Table().Match("PUT", "/v1/records/unit-1", &allowed);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(allowed, UnorderedElementsAre("GET", "PATCH", "DELETE"));
  wrong = Table().Match("GET", "/v1/records:import", &allowed);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(allowed, ElementsAre("POST"));
  wrong = Table().Match("GET", "/v1/records/unit-1:verify", &allowed);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(allowed, ElementsAre("POST"));
}

TEST(PathTemplateTest, ParsesTheGrammar) {
  auto t = PathTemplate::Parse("/v1/{name=shelves/*/books/*}:publish");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->verb(), "publish");
  std::vector<std::pair<std::string, std::string>> b;
  ASSERT_TRUE(t->Match("/v1/shelves/s1/books/b%201:publish", &b));
  EXPECT_THAT(b, ElementsAre(Pair("name", "shelves/s1/books/b 1")));
  EXPECT_FALSE(t->Match("/v1/shelves/s1/books/b1", &b));
  EXPECT_FALSE(t->Match("/v1/shelves/s1/papers/b1:publish", &b));

  auto rest = PathTemplate::Parse("/files/{path=**}");
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_TRUE(rest->Match("/files/a/b/c", &b));
  EXPECT_THAT(b, ElementsAre(Pair("path", "a/b/c")));

  auto nested = PathTemplate::Parse("/v1/*/{a.b_c}");
  ASSERT_TRUE(nested.ok()) << nested.status();
  ASSERT_TRUE(nested->Match("/v1/x/y", &b));
  EXPECT_THAT(b, ElementsAre(Pair("a.b_c", "y")));
  EXPECT_THAT(nested->FieldPaths(), ElementsAre("a.b_c"));
}

TEST(PathTemplateTest, RefusesBadTemplatesNamingThem) {
  for (const char* bad : {"v1/x", "/v1/{id", "/v1/id}", "/v1//x", "/v1/{}", "/v1/{a..b}",
                          "/v1/x:", "/**/x", "/v1/{a={b}}"}) {
    auto t = PathTemplate::Parse(bad);
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(t.status().message(), HasSubstr(bad));
  }
}

TEST(PercentDecodeTest, DecodesAndRefusesMalformedEscapes) {
  EXPECT_EQ(*PercentDecode("a%20b%C3%A6+"), "a b\xC3\xA6+");
  EXPECT_FALSE(PercentDecode("a%2").ok());
  EXPECT_FALSE(PercentDecode("a%zz").ok());
}

}  // namespace
}  // namespace sofdir::http
