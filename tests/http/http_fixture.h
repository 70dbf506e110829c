// A real ServerApp with its HTTP side on 127.0.0.1 (ports picked by the
// system), a RocksDB in a temp dir, an optional auth config, test page
// files instead of web/, and httplib clients for it.
#ifndef SOFDIR_TESTS_HTTP_HTTP_FIXTURE_H_
#define SOFDIR_TESTS_HTTP_HTTP_FIXTURE_H_

#include <httplib.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "server/api/server_app.h"
#include "tests/testing/json.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::http {

constexpr char kReader[] = "reader-token-0123456789";
constexpr char kEditor[] = "editor-token-0123456789";
constexpr char kAdmin[] = "admin-token-01234567890";

inline std::string AuthConfig(bool anonymous_search) {
  return std::string(R"({"tokens": [
    {"token": ")") +
         kReader + R"(", "principal": "reader@kk.dk", "roles": ["reader"]},
    {"token": ")" +
         kEditor +
         R"(", "principal": "editor@kk.dk", "roles": ["editor"], "units": ["unit-2"]},
    {"token": ")" +
         kAdmin + R"(", "principal": "admin@kk.dk", "roles": ["admin"]}
  ], "anonymous_search": )" +
         (anonymous_search ? "true" : "false") + "}";
}

inline std::shared_ptr<const std::vector<WebAsset>> TestAssets() {
  return std::make_shared<const std::vector<WebAsset>>(std::vector<WebAsset>{
      {"index.html", "text/html; charset=utf-8",
       "<!doctype html><html lang=\"da\"><title>sofdir test</title>" + std::string(2000, ' ') +
           "<script type=\"module\" src=\"/app.js\"></script></html>"},
      {"app.js", "text/javascript; charset=utf-8", "export const x = 1;\n"},
      {"style.css", "text/css; charset=utf-8", "body { color: black; }\n"},
  });
}

class HttpFixture : public ::testing::Test {
 protected:
  // Starts the server; `auth` is the auth config's text ("" = open).
  void Start(const std::string& auth, api::ServerApp::Options options = {}) {
    if (!auth.empty()) {
      options.auth_config_path = dir_.Sub("auth.json");
      std::ofstream(options.auth_config_path) << auth;
    }
    options.listen = "127.0.0.1:0";
    options.http_listen = "127.0.0.1:0";
    options.data_dir = dir_.Sub("data");
    options.http_assets = TestAssets();
    options.http_threads = 8;
    options.today = [] { return absl::CivilDay(2027, 1, 4); };
    auto app = api::ServerApp::Start(options);
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    ASSERT_NE(app_->http_port(), 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", app_->http_port());
    client_->set_read_timeout(20, 0);
  }

  // The JSON object of a response body.
  static google::protobuf::Struct Json(const httplib::Result& result) {
    EXPECT_TRUE(result) << httplib::to_string(result.error());
    if (!result) return {};
    return testing::ParseJson(result->body);
  }

  // The error status name ("NOT_FOUND") of an error response.
  static std::string ErrorStatus(const httplib::Result& result) {
    google::protobuf::Struct json = Json(result);
    auto error = json.fields().find("error");
    if (error == json.fields().end()) return "(no error in " + result->body + ")";
    return error->second.struct_value().fields().at("status").string_value();
  }

  static std::string ErrorMessage(const httplib::Result& result) {
    google::protobuf::Struct json = Json(result);
    auto error = json.fields().find("error");
    if (error == json.fields().end()) return "";
    return error->second.struct_value().fields().at("message").string_value();
  }

  static httplib::Headers Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }

  testing::TempDir dir_;
  std::unique_ptr<api::ServerApp> app_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace sofdir::http

#endif  // SOFDIR_TESTS_HTTP_HTTP_FIXTURE_H_
