// HTTPS with the same certificate files as gRPC (made by the openssl
// binary, as tests/e2e/tls_test.cc does); plaintext to the TLS port fails;
// with --tls-client-ca a client certificate is needed on HTTP too.
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
  void SetUp() override { StartWithTls(/*client_ca=*/false); }

  // A CA, a server certificate it signed for 127.0.0.1 and, when
  // `client_ca`, a client certificate it signed, which the server then
  // requires (--tls-client-ca).
  void StartWithTls(bool client_ca) {
    if (access(kOpenSsl, X_OK) != 0) GTEST_SKIP() << kOpenSsl << " is missing";
    OpenSsl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=sofdir-test-ca", "-keyout", dir_.Sub("ca.key"), "-out", dir_.Sub("ca.crt")});
    Sign("server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost\n", "2");
    api::ServerApp::Options options;
    options.tls_cert_path = dir_.Sub("server.crt");
    options.tls_key_path = dir_.Sub("server.key");
    if (client_ca) {
      Sign("client", "/CN=sofdir-test-client", "extendedKeyUsage=clientAuth\n", "3");
      options.tls_client_ca_path = dir_.Sub("ca.crt");
    }
    Start(AuthConfig(/*anonymous_search=*/false), options);
    ASSERT_TRUE(app_->directory().Create(testing::MakeUnit("unit-1")).ok());
  }

  void Sign(const std::string& name, const std::string& subject, const std::string& extensions,
            const std::string& serial) {
    OpenSsl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout",
             dir_.Sub(name + ".key"), "-out", dir_.Sub(name + ".csr")});
    std::ofstream(dir_.Sub(name + ".ext")) << extensions;
    OpenSsl({"x509", "-req", "-in", dir_.Sub(name + ".csr"), "-CA", dir_.Sub("ca.crt"), "-CAkey",
             dir_.Sub("ca.key"), "-set_serial", serial, "-days", "2", "-extfile",
             dir_.Sub(name + ".ext"), "-out", dir_.Sub(name + ".crt")});
  }

  void OpenSsl(std::vector<std::string> args) {
    args.insert(args.begin(), kOpenSsl);
    testing::CommandResult result = testing::RunCommand(args);
    ASSERT_EQ(result.exit_code, 0) << absl::StrJoin(args, " ") << ": " << result.err;
  }

  std::unique_ptr<httplib::SSLClient> Https(bool with_client_certificate = false) {
    auto client =
        with_client_certificate
            ? std::make_unique<httplib::SSLClient>("127.0.0.1", app_->http_port(),
                                                   dir_.Sub("client.crt"), dir_.Sub("client.key"))
            : std::make_unique<httplib::SSLClient>("127.0.0.1", app_->http_port());
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

class HttpMutualTlsTest : public HttpTlsTest {
 protected:
  void SetUp() override { StartWithTls(/*client_ca=*/true); }
};

TEST_F(HttpMutualTlsTest, WithTlsClientCaHttpsNeedsAClientCertificateTheCaSigned) {
  auto with_certificate = Https(/*with_client_certificate=*/true);
  auto read = with_certificate->Get("/v1/records/unit-1", Bearer(kReader));
  ASSERT_TRUE(read) << httplib::to_string(read.error());
  EXPECT_EQ(read->status, 200) << read->body;

  auto without = Https();
  auto refused = without->Get("/v1/records/unit-1", Bearer(kReader));
  EXPECT_TRUE(!refused || refused->status != 200);
  if (refused) EXPECT_THAT(refused->body, ::testing::Not(HasSubstr("unit-1")));
}

}  // namespace
}  // namespace sofdir::http
