// TLS between the real sofdir CLI and sofdir-server, with a throwaway CA
// and certificates made by the openssl binary for each test.
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/cli_fixture.h"
#include "tests/testing/process.h"

namespace sofdir {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using testing::RunCommand;

constexpr char kOpenSsl[] = "/usr/bin/openssl";

class TlsTest : public testing::CliTest {
 protected:
  void SetUp() override {
    if (access(kOpenSsl, X_OK) != 0) GTEST_SKIP() << kOpenSsl << " is missing";
    // The CA that signs the server's and the client's certificates.
    SelfSignedCa("ca", "sofdir-test-ca");
    // A CA nobody trusts; its certificate also serves as a foreign client
    // certificate.
    SelfSignedCa("other-ca", "sofdir-other-ca");
    SignedByCa("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    SignedByCa("client", "sofdir-test-client", "extendedKeyUsage=clientAuth\n");
  }

  std::string Path(const std::string& name) { return dir_.Sub(name); }

  void OpenSsl(std::vector<std::string> args) {
    args.insert(args.begin(), kOpenSsl);
    CommandResult result = RunCommand(args);
    ASSERT_EQ(result.exit_code, 0) << absl::StrJoin(args, " ") << ": " << result.err;
  }

  void SelfSignedCa(const std::string& name, const std::string& common_name) {
    OpenSsl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=" + common_name, "-keyout", Path(name + ".key"), "-out", Path(name + ".crt")});
  }

  // NAME.crt signed by ca.crt, with the X.509 v3 extensions in `extensions`.
  void SignedByCa(const std::string& name, const std::string& common_name,
                  const std::string& extensions) {
    OpenSsl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + common_name, "-keyout",
             Path(name + ".key"), "-out", Path(name + ".csr")});
    OpenSsl({"x509", "-req", "-in", Path(name + ".csr"), "-CA", Path("ca.crt"), "-CAkey",
             Path("ca.key"), "-set_serial", "2", "-days", "2", "-extfile",
             WriteFile(name + ".ext", extensions), "-out", Path(name + ".crt")});
  }

  std::vector<std::string> TlsServerArgs() {
    std::vector<std::string> args = DemoArgs();
    args.insert(args.end(), {"--tls-cert", Path("server.crt"), "--tls-key", Path("server.key")});
    return args;
  }
};

TEST_F(TlsTest, CliWithTheCaReadsOverTlsAndPlaintextCannotConnect) {
  StartServer(TlsServerArgs());

  CommandResult got = Cli({"get", "unit-0001", "--json", "--ca", Path("ca.crt")});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_EQ(testing::JsonText(testing::ParseJson(got.out), "name"), "Socialforvaltningen (SOF)");

  CommandResult listed = Cli({"list", "unit", "--ca", Path("ca.crt")});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("unit-0001"));

  // SOFDIR_CA works like --ca.
  CommandResult from_env =
      RunCommand({SOFDIR_CLI_BINARY, "get", "unit-0001", "--server", server_.address()},
                 {"SOFDIR_CA=" + Path("ca.crt")});
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;

  CommandResult plaintext = Cli({"get", "unit-0001", "--timeout", "1"});
  EXPECT_EQ(plaintext.exit_code, 5) << plaintext.out;
  EXPECT_THAT(plaintext.err, HasSubstr("cannot reach sofdir-server"));
  EXPECT_THAT(plaintext.err, HasSubstr("--ca"));

  CommandResult untrusted =
      Cli({"get", "unit-0001", "--timeout", "1", "--ca", Path("other-ca.crt")});
  EXPECT_EQ(untrusted.exit_code, 5) << untrusted.out;
  EXPECT_THAT(untrusted.err, HasSubstr("TLS handshake"));
}

TEST_F(TlsTest, CliWithTheCaCannotReachAPlaintextServer) {
  StartServer(DemoArgs());

  CommandResult got = Cli({"get", "unit-0001", "--timeout", "1", "--ca", Path("ca.crt")});
  EXPECT_EQ(got.exit_code, 5) << got.out;
  EXPECT_THAT(got.err, HasSubstr("TLS handshake"));
}

TEST_F(TlsTest, ServerWithClientCaServesOnlyClientsWithACertificateItSigned) {
  std::vector<std::string> args = TlsServerArgs();
  args.insert(args.end(), {"--tls-client-ca", Path("ca.crt")});
  StartServer(args);

  CommandResult without = Cli({"get", "unit-0001", "--timeout", "1", "--ca", Path("ca.crt")});
  EXPECT_EQ(without.exit_code, 5) << without.out;

  CommandResult foreign = Cli({"get", "unit-0001", "--timeout", "1", "--ca", Path("ca.crt"),
                               "--cert", Path("other-ca.crt"), "--key", Path("other-ca.key")});
  EXPECT_EQ(foreign.exit_code, 5) << foreign.out;

  CommandResult with = Cli({"get", "unit-0001", "--json", "--ca", Path("ca.crt"), "--cert",
                            Path("client.crt"), "--key", Path("client.key")});
  ASSERT_EQ(with.exit_code, 0) << with.err;
  EXPECT_EQ(testing::JsonText(testing::ParseJson(with.out), "id"), "unit-0001");

  CommandResult listed = Cli({"list", "unit", "--ca", Path("ca.crt"), "--cert", Path("client.crt"),
                              "--key", Path("client.key")});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
}

TEST_F(TlsTest, CliRefusesAClientCertificateWithoutItsKeyOrTheCa) {
  StartServer(TlsServerArgs());

  CommandResult no_key =
      Cli({"get", "unit-0001", "--ca", Path("ca.crt"), "--cert", Path("client.crt")});
  EXPECT_EQ(no_key.exit_code, 4) << no_key.out;
  EXPECT_THAT(no_key.err, HasSubstr("--cert: needs --key"));

  CommandResult no_ca =
      Cli({"get", "unit-0001", "--cert", Path("client.crt"), "--key", Path("client.key")});
  EXPECT_EQ(no_ca.exit_code, 4) << no_ca.out;
  EXPECT_THAT(no_ca.err, HasSubstr("--cert: needs --ca"));
}

TEST_F(TlsTest, ServerRefusesToStartWithAKeyThatIsNotTheCertificatesKey) {
  std::vector<std::string> args = {"--tls-cert", Path("server.crt"), "--tls-key",
                                   Path("other-ca.key")};
  ASSERT_FALSE(server_.Start(SOFDIR_SERVER_BINARY, dir_.Sub("data"), args));
  EXPECT_THAT(server_.log(), HasSubstr("--tls-key"));
  EXPECT_THAT(server_.log(), HasSubstr("is not the key of the certificate"));
}

TEST_F(TlsTest, ServerRefusesToStartWithAFileThatHoldsNoCertificate) {
  std::vector<std::string> args = {"--tls-cert", Path("server.key"), "--tls-key",
                                   Path("server.key")};
  ASSERT_FALSE(server_.Start(SOFDIR_SERVER_BINARY, dir_.Sub("data"), args));
  EXPECT_THAT(server_.log(), HasSubstr("--tls-cert"));
  EXPECT_THAT(server_.log(), HasSubstr("holds no PEM certificate"));
}

}  // namespace
}  // namespace sofdir
