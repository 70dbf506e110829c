// Authentication over HTTP is gRPC's: bearer tokens, roles, the audit and
// read log; and the browser's session: cookie flags, CSRF token, Origin,
// sign-out.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/http/http_fixture.h"
#include "tests/testing/records.h"

namespace sofdir::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kNewUnit[] =
    R"({"record":{"unit":{"id":"unit-9","parentId":"unit-2","name":"Nyt sted",
        "area":"Udsatte voksne","role":"udfører"}}})";

class HttpAuthTest : public HttpFixture {
 protected:
  void SetUp() override {
    Start(AuthConfig(/*anonymous_search=*/true));
    auto& d = app_->directory();
    ASSERT_TRUE(d.Create(testing::MakeUnit("unit-1")).ok());
    ASSERT_TRUE(d.Create(testing::MakeUnit("unit-2", "unit-1")).ok());
    ASSERT_TRUE(d.Create(testing::MakePerson("person-1", "unit-2")).ok());
  }

  // Signs in with `token`; returns the cookie ("sofdir_session=...") and
  // the CSRF token.
  std::pair<std::string, std::string> SignIn(const std::string& token) {
    auto result =
        client_->Post("/auth/session", "{\"token\":\"" + token + "\"}", "application/json");
    EXPECT_TRUE(result);
    if (!result) return {};
    EXPECT_EQ(result->status, 200) << result->body;
    const std::string set_cookie = result->get_header_value("Set-Cookie");
    google::protobuf::Struct json = Json(result);
    return {set_cookie.substr(0, set_cookie.find(';')),
            json.fields().at("csrfToken").string_value()};
  }

  // Audit entries about `resource`, as the admin sees them over HTTP.
  std::string AuditOf(const std::string& resource) {
    auto result = client_->Get("/v1/audit?resource=" + resource, Bearer(kAdmin));
    EXPECT_TRUE(result);
    EXPECT_EQ(result->status, 200) << result->body;
    return result->body;
  }
};

TEST_F(HttpAuthTest, BearerTokensAndRolesAreGrpcs) {
  auto anonymous = client_->Get("/v1/records/unit-1");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(ErrorStatus(anonymous), "UNAUTHENTICATED");

  auto unknown = client_->Get("/v1/records/unit-1", Bearer("no-such-token-0000000"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 401);

  auto search = client_->Get("/v1/records:search?query=enhed");  // anonymous_search
  ASSERT_TRUE(search);
  EXPECT_EQ(search->status, 200) << search->body;

  auto read = client_->Get("/v1/records/unit-1", Bearer(kReader));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200) << read->body;

  auto write = client_->Post("/v1/records", kNewUnit, "application/json");
  ASSERT_TRUE(write);
  EXPECT_EQ(write->status, 401);
  auto reader_write = client_->Post("/v1/records", Bearer(kReader), kNewUnit, "application/json");
  ASSERT_TRUE(reader_write);
  EXPECT_EQ(reader_write->status, 403);
  EXPECT_EQ(ErrorStatus(reader_write), "PERMISSION_DENIED");
  EXPECT_FALSE(app_->directory().Get("unit-9").ok());

  auto editor_write = client_->Post("/v1/records", Bearer(kEditor), kNewUnit, "application/json");
  ASSERT_TRUE(editor_write);
  EXPECT_EQ(editor_write->status, 200) << editor_write->body;
  // The audit log names the principal, as for a gRPC write.
  EXPECT_THAT(AuditOf("unit-9"), HasSubstr("\"principal\":\"editor@kk.dk\""));
  EXPECT_THAT(AuditOf("unit-9"), HasSubstr("\"method\":\"CreateRecord\""));
}

TEST_F(HttpAuthTest, PersonReadsOverHttpAreInTheReadLog) {
  auto read = client_->Get("/v1/records/person-1", Bearer(kReader));
  ASSERT_TRUE(read);
  ASSERT_EQ(read->status, 200) << read->body;
  const std::string audit = AuditOf("person-1");
  EXPECT_THAT(audit, HasSubstr("\"principal\":\"reader@kk.dk\""));
  EXPECT_THAT(audit, HasSubstr("\"method\":\"GetRecord\""));
}

TEST_F(HttpAuthTest, SignInSetsAStrictHttpOnlyCookie) {
  auto result = client_->Post("/auth/session", std::string("{\"token\":\"") + kEditor + "\"}",
                              "application/json");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  const std::string cookie = result->get_header_value("Set-Cookie");
  EXPECT_THAT(cookie, HasSubstr("sofdir_session="));
  EXPECT_THAT(cookie, HasSubstr("; HttpOnly"));
  EXPECT_THAT(cookie, HasSubstr("; SameSite=Strict"));
  EXPECT_THAT(cookie, HasSubstr("; Path=/"));
  EXPECT_THAT(cookie, Not(HasSubstr("Secure")));  // no TLS here
  EXPECT_THAT(cookie, Not(HasSubstr(kEditor)));
  google::protobuf::Struct json = Json(result);
  EXPECT_TRUE(json.fields().at("signedIn").bool_value());
  EXPECT_EQ(json.fields().at("principal").string_value(), "editor@kk.dk");
  EXPECT_EQ(json.fields().at("roles").list_value().values(0).string_value(), "editor");
  EXPECT_EQ(json.fields().at("units").list_value().values(0).string_value(), "unit-2");
  EXPECT_EQ(json.fields().at("csrfToken").string_value().size(), 64u);
  EXPECT_TRUE(json.fields().at("anonymousSearch").bool_value());
  EXPECT_THAT(result->body, Not(HasSubstr(kEditor)));

  auto wrong =
      client_->Post("/auth/session", "{\"token\":\"wrong-token-0000000000\"}", "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(ErrorStatus(wrong), "UNAUTHENTICATED");
  EXPECT_EQ(wrong->get_header_value("Set-Cookie"), "");
}

TEST_F(HttpAuthTest, SessionWritesNeedTheCsrfTokenAndOwnOrigin) {
  auto [cookie, csrf] = SignIn(kEditor);
  ASSERT_FALSE(cookie.empty());

  // GET with the cookie alone is the editor's.
  auto read = client_->Get("/v1/records/unit-1", {{"Cookie", cookie}});
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200) << read->body;
  auto state = client_->Get("/auth/session", {{"Cookie", cookie}});
  ASSERT_TRUE(state);
  EXPECT_TRUE(Json(state).fields().at("signedIn").bool_value());
  EXPECT_EQ(Json(state).fields().at("csrfToken").string_value(), csrf);

  auto no_csrf = client_->Post("/v1/records", {{"Cookie", cookie}}, kNewUnit, "application/json");
  ASSERT_TRUE(no_csrf);
  EXPECT_EQ(no_csrf->status, 403);
  EXPECT_EQ(ErrorStatus(no_csrf), "PERMISSION_DENIED");
  EXPECT_THAT(ErrorMessage(no_csrf), HasSubstr("X-CSRF-Token"));
  auto bad_csrf = client_->Post("/v1/records", {{"Cookie", cookie}, {"X-CSRF-Token", "00"}},
                                kNewUnit, "application/json");
  ASSERT_TRUE(bad_csrf);
  EXPECT_EQ(bad_csrf->status, 403);
  EXPECT_FALSE(app_->directory().Get("unit-9").ok());  // nothing stored

  const std::string own_origin = "http://127.0.0.1:" + std::to_string(app_->http_port());
  auto foreign = client_->Post(
      "/v1/records",
      {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Origin", "https://evil.example"}}, kNewUnit,
      "application/json");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);
  EXPECT_THAT(ErrorMessage(foreign), HasSubstr("Origin https://evil.example"));
  EXPECT_FALSE(app_->directory().Get("unit-9").ok());

  auto with = client_->Post("/v1/records",
                            {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Origin", own_origin}},
                            kNewUnit, "application/json");
  ASSERT_TRUE(with);
  EXPECT_EQ(with->status, 200) << with->body;
  EXPECT_TRUE(app_->directory().Get("unit-9").ok());
  EXPECT_THAT(AuditOf("unit-9"), HasSubstr("\"principal\":\"editor@kk.dk\""));

  // A cross-site sign-in attempt is refused too.
  auto foreign_sign_in =
      client_->Post("/auth/session", {{"Origin", "https://evil.example"}},
                    std::string("{\"token\":\"") + kEditor + "\"}", "application/json");
  ASSERT_TRUE(foreign_sign_in);
  EXPECT_EQ(foreign_sign_in->status, 403);
}

TEST_F(HttpAuthTest, SignOutEndsTheSession) {
  auto [cookie, csrf] = SignIn(kReader);
  auto refused = client_->Delete("/auth/session", {{"Cookie", cookie}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);  // sign-out needs the CSRF token too

  auto out = client_->Delete("/auth/session", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 200) << out->body;
  EXPECT_THAT(out->get_header_value("Set-Cookie"), HasSubstr("Max-Age=0"));
  EXPECT_FALSE(Json(out).fields().at("signedIn").bool_value());

  auto state = client_->Get("/auth/session", {{"Cookie", cookie}});
  ASSERT_TRUE(state);
  EXPECT_FALSE(Json(state).fields().at("signedIn").bool_value());
  auto read = client_->Get("/v1/records/unit-1", {{"Cookie", cookie}});
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 401);  // the old cookie no longer signs anyone in
}

TEST(HttpOpenTest, WithoutAuthConfigSignInSaysOpen) {
  class Open : public HttpFixture {
   public:
    void TestBody() override {}
    using HttpFixture::app_;
    using HttpFixture::client_;
    using HttpFixture::Start;
  } open;
  open.Start("");
  auto result = open.client_->Post("/auth/session", "{\"token\":\"anything\"}", "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, R"({"signedIn":false,"anonymousSearch":true,"open":true})");
  EXPECT_EQ(result->get_header_value("Set-Cookie"), "");
}

}  // namespace
}  // namespace sofdir::http
