// HTTPS with the same certificate files as gRPC (made by the openssl
// binary, as tests/e2e/tls_test.cc does); plaintext to the TLS port fails.
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/http/http_fixture.h"
#include "tests/testing/process.h"
#include "tests/testing/records.h"

namespace sofdir::http {
namespace {

using ::testing::HasSubstr;

constexpr char kOpenSsl[] = "/usr/bin/openssl";

class HttpTlsTest : public HttpFixture {
 protected:
  void SetUp() override {
    if (access(kOpenSsl, X_OK) != 0) GTEST_SKIP() << kOpenSsl << " is missing";
    OpenSsl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=sofdir-test-ca", "-keyout", dir_.Sub("ca.key"), "-out", dir_.Sub("ca.crt")});
    OpenSsl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout",
             dir_.Sub("server.key"), "-out", dir_.Sub("server.csr")});
    std::ofstream(dir_.Sub("server.ext")) << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
    OpenSsl({"x509", "-req", "-in", dir_.Sub("server.csr"), "-CA", dir_.Sub("ca.crt"), "-CAkey",
             dir_.Sub("ca.key"), "-set_serial", "2", "-days", "2", "-extfile",
             dir_.Sub("server.ext"), "-out", dir_.Sub("server.crt")});
    api::ServerApp::Options options;
    options.tls_cert_path = dir_.Sub("server.crt");
    options.tls_key_path = dir_.Sub("server.key");
    Start(AuthConfig(/*anonymous_search=*/false), options);
    ASSERT_TRUE(app_->directory().Create(testing::MakeUnit("unit-1")).ok());
  }

  void OpenSsl(std::vector<std::string> args) {
    args.insert(args.begin(), kOpenSsl);
    testing::CommandResult result = testing::RunCommand(args);
    ASSERT_EQ(result.exit_code, 0) << absl::StrJoin(args, " ") << ": " << result.err;
  }

  std::unique_ptr<httplib::SSLClient> Https() {
    auto client = std::make_unique<httplib::SSLClient>("127.0.0.1", app_->http_port());
    client->set_ca_cert_path(dir_.Sub("ca.crt").c_str());
    client->enable_server_certificate_verification(true);
    client->set_read_timeout(20, 0);
    return client;
  }
};

TEST_F(HttpTlsTest, HttpsWorksWithTheGrpcCertificateAndTheCookieIsSecure) {
  auto https = Https();
  auto read = https->Get("/v1/records/unit-1", Bearer(kReader));
  ASSERT_TRUE(read) << httplib::to_string(read.error());
  EXPECT_EQ(read->status, 200) << read->body;
  EXPECT_THAT(read->body, HasSubstr("\"id\":\"unit-1\""));

  auto signed_in = https->Post("/auth/session", std::string("{\"token\":\"") + kReader + "\"}",
                               "application/json");
  ASSERT_TRUE(signed_in);
  EXPECT_EQ(signed_in->status, 200) << signed_in->body;
  EXPECT_THAT(signed_in->get_header_value("Set-Cookie"), HasSubstr("; Secure"));
}

TEST_F(HttpTlsTest, PlainHttpToTheTlsPortFails) {
  auto plain = client_->Get("/v1/records/unit-1", Bearer(kReader));
  EXPECT_TRUE(!plain || plain->status != 200);
  if (plain) EXPECT_THAT(plain->body, ::testing::Not(HasSubstr("unit-1")));
}

TEST_F(HttpTlsTest, AnUntrustedServerCertificateIsRefusedByTheClient) {
  httplib::SSLClient client("127.0.0.1", app_->http_port());
  client.enable_server_certificate_verification(true);
  auto result = client.Get("/v1/records/unit-1", Bearer(kReader));
  EXPECT_FALSE(result);
}

}  // namespace
}  // namespace sofdir::http
