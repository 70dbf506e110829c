// The HTTP/JSON API of a real server without an auth config: routes,
// query parameters, JSON bodies, the error mapping, the page's files.
#include <string>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/http/http_fixture.h"
#include "tests/testing/records.h"

namespace sofdir::http {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class HttpApiTest : public HttpFixture {
 protected:
  void SetUp() override {
    api::ServerApp::Options options;
    options.openapi_json = R"({"openapi":"3.0.3"})";
    options.max_message_bytes = 64 << 10;
    Start("", options);
    auto& d = app_->directory();
    ASSERT_TRUE(d.Create(testing::MakeUnit("unit-1", "", "Kløverhuset")).ok());
    ASSERT_TRUE(d.Create(testing::MakeUnit("unit-2", "unit-1", "Kløverstien")).ok());
    ASSERT_TRUE(d.Create(testing::MakeTilbud("tilbud-1", "unit-1")).ok());
  }

  std::vector<std::string> SearchIds(const std::string& query) {
    auto result = client_->Get("/v1/records:search?" + query);
    EXPECT_TRUE(result);
    EXPECT_EQ(result->status, 200) << result->body;
    std::vector<std::string> ids;
    google::protobuf::Struct json = Json(result);
    for (const auto& item : json.fields().at("results").list_value().values()) {
      ids.push_back(item.struct_value().fields().at("id").string_value());
    }
    return ids;
  }
};

TEST_F(HttpApiTest, SearchOverGetWithKindsAndFilters) {
  EXPECT_THAT(SearchIds("query=kl%C3%B8ver"), UnorderedElementsAre("unit-1", "unit-2", "tilbud-1"));
  EXPECT_THAT(SearchIds("query=kl%C3%B8ver&kinds=UNIT"), UnorderedElementsAre("unit-1", "unit-2"));
  EXPECT_THAT(SearchIds("query=kl%C3%B8ver&kinds=UNIT&kinds=TILBUD"),
              UnorderedElementsAre("unit-1", "unit-2", "tilbud-1"));
  EXPECT_THAT(SearchIds("query=kl%C3%B8ver&onlyFree=true"), UnorderedElementsAre("tilbud-1"));
  auto result = client_->Get("/v1/records:search?query=kl%C3%B8ver&kinds=UNIT");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
  EXPECT_THAT(result->body, HasSubstr("\"kind\":\"UNIT\""));
}

TEST_F(HttpApiTest, GetRecordAndTheErrorMapping) {
  auto got = client_->Get("/v1/records/unit-1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  google::protobuf::Struct record = Json(got);
  EXPECT_EQ(record.fields().at("unit").struct_value().fields().at("name").string_value(),
            "Kløverhuset");
  // lowerCamelCase names; fields at their default omitted.
  EXPECT_EQ(record.fields().at("unit").struct_value().fields().count("parentId"), 0u);
  EXPECT_THAT(got->body, HasSubstr("\"updateSequence\":\""));  // uint64 as a string

  auto missing = client_->Get("/v1/records/unit-404");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(ErrorStatus(missing), "NOT_FOUND");
  EXPECT_EQ(Json(missing).fields().at("error").struct_value().fields().at("code").number_value(),
            404);

  auto no_route = client_->Get("/v1/nothing/here");
  ASSERT_TRUE(no_route);
  EXPECT_EQ(no_route->status, 404);
  EXPECT_EQ(ErrorStatus(no_route), "NOT_FOUND");

  auto wrong_verb = client_->Put("/v1/records/unit-1", "{}", "application/json");
  ASSERT_TRUE(wrong_verb);
  EXPECT_EQ(wrong_verb->status, 405);
  EXPECT_EQ(wrong_verb->get_header_value("Allow"), "GET, PATCH, DELETE, HEAD");

  auto bad_param = client_->Get("/v1/records:search?query=x&pageSize=ten");
  ASSERT_TRUE(bad_param);
  EXPECT_EQ(bad_param->status, 400);
  EXPECT_EQ(ErrorStatus(bad_param), "INVALID_ARGUMENT");
  EXPECT_THAT(ErrorMessage(bad_param), HasSubstr("query parameter \"pageSize\""));

  auto unknown_param = client_->Get("/v1/records:search?query=x&colour=red");
  ASSERT_TRUE(unknown_param);
  EXPECT_EQ(unknown_param->status, 400);
  EXPECT_THAT(ErrorMessage(unknown_param), HasSubstr("\"colour\""));

  // The service's own validation, named as over gRPC.
  auto bad_id = client_->Get("/v1/records/not%20an%20id");
  ASSERT_TRUE(bad_id);
  EXPECT_EQ(bad_id->status, 400);
  EXPECT_THAT(ErrorMessage(bad_id), HasSubstr("id: \"not an id\""));
}

TEST_F(HttpApiTest, CreateUpdateAndDeleteWithJsonBodies) {
  auto created = client_->Post(
      "/v1/records", R"({"record":{"unit":{"id":"unit-3","name":"Nyt sted","area":"Udsatte voksne",
      "role":"udfører"}}})",
      "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 200) << created->body;
  EXPECT_TRUE(app_->directory().Get("unit-3").ok());

  auto conflict = client_->Post(
      "/v1/records",
      R"({"record":{"unit":{"id":"unit-3","name":"X","area":"Udsatte voksne","role":"udfører"}}})",
      "application/json");
  ASSERT_TRUE(conflict);
  EXPECT_EQ(conflict->status, 409) << conflict->body;
  EXPECT_EQ(ErrorStatus(conflict), "ALREADY_EXISTS");

  auto patched =
      client_->Patch("/v1/records/unit-3",
                     R"({"record":{"unit":{"id":"unit-3","name":"Omdøbt"}},"updateMask":"name"})",
                     "application/json");
  ASSERT_TRUE(patched);
  ASSERT_EQ(patched->status, 200) << patched->body;
  EXPECT_EQ(app_->directory().Get("unit-3")->unit().name(), "Omdøbt");

  auto other =
      client_->Patch("/v1/records/unit-3",
                     R"({"record":{"unit":{"id":"unit-1","name":"Forkert"}},"updateMask":"name"})",
                     "application/json");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 400);
  EXPECT_THAT(ErrorMessage(other),
              HasSubstr("id: \"unit-3\" differs from record.unit.id \"unit-1\""));
  EXPECT_EQ(app_->directory().Get("unit-1")->unit().name(), "Kløverhuset");

  auto malformed = client_->Post("/v1/records", "{\"record\":", "application/json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
  EXPECT_THAT(ErrorMessage(malformed), HasSubstr("request body"));

  auto deleted = client_->Delete("/v1/records/unit-3");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200) << deleted->body;
  EXPECT_EQ(deleted->body, "{}");
  EXPECT_FALSE(app_->directory().Get("unit-3").ok());
}

TEST_F(HttpApiTest, BodyAboveTheMessageLimitIs413) {
  auto big = client_->Post("/v1/records:import", std::string(100 << 10, ' '), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(ErrorStatus(big), "RESOURCE_EXHAUSTED");
}

TEST_F(HttpApiTest, RequestIdIsEchoed) {
  auto result = client_->Get("/v1/records/unit-1", {{"X-Request-Id", "req-42"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->get_header_value("X-Request-Id"), "req-42");
}

TEST_F(HttpApiTest, OpenApiDocumentIsServed) {
  auto result = client_->Get("/v1/openapi.json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(result->body, R"({"openapi":"3.0.3"})");
}

TEST_F(HttpApiTest, PageFilesWithTypesSecurityHeadersAndRouteFallback) {
  auto index = client_->Get("/", {{"Accept", "text/html"}});
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_THAT(index->get_header_value("Content-Security-Policy"),
              HasSubstr("default-src 'self'; script-src 'self'"));
  EXPECT_EQ(index->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(index->get_header_value("Referrer-Policy"), "same-origin");
  EXPECT_EQ(index->get_header_value("Cache-Control"), "no-cache");

  auto script = client_->Get("/app.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script->body, "export const x = 1;\n");

  // Client-side routes get index.html; API paths and non-HTML requests do not.
  for (const char* route : {"/post/unit-1", "/praktik", "/hvem-ved-hvad?emne=autisme"}) {
    auto page = client_->Get(route, {{"Accept", "text/html,application/xhtml+xml"}});
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200) << route;
    EXPECT_EQ(page->body, index->body) << route;
  }
  auto no_html = client_->Get("/favicon-missing.png", {{"Accept", "image/png"}});
  ASSERT_TRUE(no_html);
  EXPECT_EQ(no_html->status, 404);
  auto api = client_->Get("/v1/unknown", {{"Accept", "text/html"}});
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404);
  EXPECT_EQ(ErrorStatus(api), "NOT_FOUND");

  // Revalidation and compression.
  auto again = client_->Get(
      "/", {{"Accept", "text/html"}, {"If-None-Match", index->get_header_value("ETag")}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  client_->set_decompress(false);
  auto gzipped = client_->Get("/", {{"Accept", "text/html"}, {"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(gzipped);
  EXPECT_EQ(gzipped->get_header_value("Content-Encoding"), "gzip");
  EXPECT_LT(gzipped->body.size(), index->body.size());
}

TEST_F(HttpApiTest, HeadAnswersLikeGetWithoutABody) {
  auto head = client_->Head("/v1/records/unit-1");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
}

TEST_F(HttpApiTest, KeptAliveConnectionAnswersWithoutDelayedAckStalls) {
  // With Nagle's algorithm on, each response's body waited ~40 ms for the
  // client's delayed ACK: 50 calls took 2 s instead of a few ms each.
  client_->set_keep_alive(true);
  const absl::Time start = absl::Now();
  for (int i = 0; i < 50; ++i) {
    auto result = client_->Get("/v1/records/unit-1");
    ASSERT_TRUE(result);
    ASSERT_EQ(result->status, 200);
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(1.2));
}

TEST(HttpStartTest, BadOrTakenHttpAddressFailsTheStartNamingIt) {
  testing::TempDir dir;
  api::ServerApp::Options options;
  options.listen = "127.0.0.1:0";
  options.data_dir = dir.Sub("data");
  options.http_listen = "no-port-here";
  auto bad = api::ServerApp::Start(options);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("http listen: \"no-port-here\""));

  options.http_listen = "127.0.0.1:0";
  auto first = api::ServerApp::Start(options);
  ASSERT_TRUE(first.ok()) << first.status();
  testing::TempDir other;
  options.data_dir = other.Sub("data");
  options.http_listen = "127.0.0.1:" + std::to_string((*first)->http_port());
  auto taken = api::ServerApp::Start(options);
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(taken.status().message(), HasSubstr("http listen: cannot bind"));
}

}  // namespace
}  // namespace sofdir::http
