// Booking mail through a relay as municipal mail is run: STARTTLS with a
// certificate checked against --smtp-ca-file, AUTH with --smtp-credentials
// (a real aiosmtpd requiring both, tests/testing/smtp_sink.py); a crash
// while the relay holds a message but before it is marked SENT; and outbox
// retention (--outbox-keep-days).
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/mail_fixture.h"
#include "tests/testing/process.h"

namespace sofdir {
namespace {

using mail_testing::AllSent;
using mail_testing::Mail;
using mail_testing::ReadMails;
using mail_testing::SlotDay;
using ::testing::HasSubstr;
using ::testing::Not;
namespace v1 = ::sof::directory::v1;

constexpr char kOpenSsl[] = "/usr/bin/openssl";
constexpr char kUser[] = "praktik-relay";
constexpr char kPassword[] = "Hemmelig-Adgangskode-42";

class MailRelayTest : public mail_testing::MailFixture {
 protected:
  void SetUp() override {
    if (access(kOpenSsl, X_OK) != 0) GTEST_SKIP() << kOpenSsl << " is missing";
    // ca signs the relay's certificate; other-ca signs nothing we use.
    ASSERT_NO_FATAL_FAILURE(SelfSignedCa("ca"));
    ASSERT_NO_FATAL_FAILURE(SelfSignedCa("other-ca"));
    ASSERT_NO_FATAL_FAILURE(
        OpenSsl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout",
                 Path("relay.key"), "-out", Path("relay.csr")}));
    std::ofstream(Path("relay.ext")) << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
    ASSERT_NO_FATAL_FAILURE(
        OpenSsl({"x509", "-req", "-in", Path("relay.csr"), "-CA", Path("ca.crt"), "-CAkey",
                 Path("ca.key"), "-set_serial", "2", "-days", "2", "-extfile", Path("relay.ext"),
                 "-out", Path("relay.crt")}));
  }

  std::string Path(const std::string& name) const { return dir_.Sub(name); }

  void OpenSsl(std::vector<std::string> args) {
    args.insert(args.begin(), kOpenSsl);
    testing::CommandResult result = testing::RunCommand(args);
    ASSERT_EQ(result.exit_code, 0) << absl::StrJoin(args, " ") << ": " << result.err;
  }

  void SelfSignedCa(const std::string& name) {
    OpenSsl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=sofdir-test-" + name, "-keyout", Path(name + ".key"), "-out",
             Path(name + ".crt")});
  }

  // The sink: STARTTLS with relay.crt required, then AUTH as kUser.
  std::vector<std::string> SecureSinkArgs() const {
    return {"--tls-cert",      Path("relay.crt"), "--tls-key",
            Path("relay.key"), "--auth",          std::string(kUser) + ":" + kPassword};
  }

  // The server: STARTTLS required, trusting `ca`, logging in with `password`.
  std::vector<std::string> SecureServerArgs(const std::string& ca, const std::string& password) {
    std::ofstream(Path("smtp-credentials")) << kUser << "\n" << password << "\n";
    return {"--smtp-starttls", "required",           "--smtp-ca-file",
            Path(ca + ".crt"), "--smtp-credentials", Path("smtp-credentials")};
  }

  // What an operator can read: the server's log and `sofdir outbox --json`.
  std::string OperatorView() {
    testing::CommandResult listed = testing::RunCommand(
        {SOFDIR_CLI_BINARY, "outbox", "--json", "--server", server_->address()});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    return server_->log() + listed.out + listed.err;
  }
};

bool AllTried(const std::vector<v1::OutboxMessage>& messages) {
  return messages.size() == 2 && messages[0].attempts() >= 1 && messages[1].attempts() >= 1;
}

TEST_F(MailRelayTest, MailArrivesThroughStartTlsAndLogin) {
  ASSERT_NO_FATAL_FAILURE(
      StartRelayAndServer(3, SecureSinkArgs(), SecureServerArgs("ca", kPassword)));
  EXPECT_EQ(client_->Book(SlotDay(), "Anna Andersen", "anna@kk.dk").status(), v1::CONFIRMED);
  ASSERT_TRUE(client_->WaitFor([](const std::vector<v1::OutboxMessage>& messages) {
    return messages.size() == 2 && AllSent(messages);
  })) << server_->log();
  std::vector<Mail> mails = ReadMails(mail_dir());
  ASSERT_EQ(mails.size(), 2u);
  for (const Mail& mail : mails) {
    EXPECT_TRUE(mail.tls) << mail.recipient;
    EXPECT_EQ(mail.auth_user, kUser) << mail.recipient;
  }
  EXPECT_EQ(mails[0].recipient, "anna@kk.dk");
  EXPECT_THAT(mails[0].text, HasSubstr("Hej Anna Andersen"));
  EXPECT_THAT(OperatorView(), Not(HasSubstr(kPassword)));
}

TEST_F(MailRelayTest, WrongPasswordKeepsMailPendingNamingTheLoginAndBookingsGoOn) {
  ASSERT_NO_FATAL_FAILURE(
      StartRelayAndServer(3, SecureSinkArgs(), SecureServerArgs("ca", "Forkert-Kode-17")));
  EXPECT_EQ(client_->Book(SlotDay(), "Anna Andersen", "anna@kk.dk").status(), v1::CONFIRMED);
  ASSERT_TRUE(client_->WaitFor(AllTried)) << server_->log();
  for (const v1::OutboxMessage& m : client_->Messages()) {
    EXPECT_EQ(m.state(), v1::OutboxMessage::PENDING);
    EXPECT_THAT(m.last_error(), HasSubstr("AUTH: 535"));
    EXPECT_GT(m.next_attempt_time().seconds(), absl::ToUnixSeconds(absl::Now()) + 20);
  }
  EXPECT_EQ(client_->Book(SlotDay(), "Bo Bech", "bo@kk.dk").status(), v1::CONFIRMED);
  EXPECT_TRUE(ReadMails(mail_dir()).empty());
  const std::string seen = OperatorView();
  EXPECT_THAT(seen, HasSubstr("AUTH: 535"));
  EXPECT_THAT(seen, Not(HasSubstr("Forkert-Kode-17")));
}

TEST_F(MailRelayTest, RelayCertificateFromAnotherCaIsNotTrustedAndNothingIsSent) {
  ASSERT_NO_FATAL_FAILURE(
      StartRelayAndServer(3, SecureSinkArgs(), SecureServerArgs("other-ca", kPassword)));
  EXPECT_EQ(client_->Book(SlotDay(), "Anna Andersen", "anna@kk.dk").status(), v1::CONFIRMED);
  ASSERT_TRUE(client_->WaitFor(AllTried)) << server_->log();
  for (const v1::OutboxMessage& m : client_->Messages()) {
    EXPECT_EQ(m.state(), v1::OutboxMessage::PENDING);
    EXPECT_THAT(m.last_error(), HasSubstr("the relay's certificate is not trusted (checked "
                                          "against --smtp-ca-file " +
                                          Path("other-ca.crt")));
  }
  EXPECT_THAT(server_->log(), HasSubstr("the relay's certificate is not trusted"));
  EXPECT_THAT(OperatorView(), Not(HasSubstr(kPassword)));

  // Without --smtp-ca-file the system's CAs decide, and they do not know ca.
  std::vector<std::string> args = SecureServerArgs("ca", kPassword);
  args.erase(args.begin() + 2, args.begin() + 4);  // --smtp-ca-file PATH
  ASSERT_NO_FATAL_FAILURE(StartServer(args));
  EXPECT_EQ(client_->Book(SlotDay(), "Bo Bech", "bo@kk.dk").status(), v1::CONFIRMED);
  ASSERT_TRUE(client_->WaitFor([](const std::vector<v1::OutboxMessage>& messages) {
    return messages.size() == 4 && messages[2].attempts() >= 1 && messages[3].attempts() >= 1;
  })) << server_->log();
  EXPECT_THAT(client_->Messages()[2].last_error(),
              HasSubstr("the relay's certificate is not trusted (checked against the system's "
                        "CAs)"));
  EXPECT_TRUE(ReadMails(mail_dir()).empty());
}

// Delivery is at least once: killed after the relay has a message but
// before its 250 reached the server, the server sends it again on restart
// with the same Message-ID (a receiver can drop the copy), and only then.
TEST_F(MailRelayTest, KilledWhileTheRelayHoldsTheMailResendsItOnceWithTheSameMessageId) {
  ASSERT_NO_FATAL_FAILURE(StartRelayAndServer(3, {"--delay-first-data", "30"}));
  EXPECT_EQ(client_->Book(SlotDay(), "Anna Andersen", "anna@kk.dk").status(), v1::CONFIRMED);
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (ReadMails(mail_dir()).empty() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(ReadMails(mail_dir()).size(), 1u) << server_->log();
  std::vector<v1::OutboxMessage> before = client_->Messages();
  ASSERT_EQ(before.size(), 2u);
  EXPECT_EQ(before[0].state(), v1::OutboxMessage::PENDING);  // the relay has not answered yet
  EXPECT_EQ(server_->Stop(SIGKILL), 128 + SIGKILL);

  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_TRUE(client_->WaitFor(AllSent)) << server_->log();
  for (const v1::OutboxMessage& m : client_->Messages()) {
    EXPECT_EQ(m.attempts(), 1) << m.message_id();  // the killed attempt left no mark
  }
  ASSERT_NO_FATAL_FAILURE(StartServer());  // a clean restart sends nothing more
  absl::SleepFor(absl::Seconds(1));

  std::vector<Mail> mails = ReadMails(mail_dir());
  std::map<std::string, int> copies;
  for (const Mail& mail : mails) ++copies[mail.message_id];
  ASSERT_EQ(mails.size(), 3u);
  const std::string first = "<" + before[0].message_id() + ">";
  EXPECT_EQ(mails[0].message_id, first);
  EXPECT_EQ(copies[first], 2);
  EXPECT_EQ(copies["<" + before[1].message_id() + ">"], 1);
  EXPECT_EQ(mails[1].text, mails[0].text);
}

// --outbox-keep-days accepts fractions of a day, so 0.00003 (2.6 s) lets
// the test watch the sender prune without a fake clock.
class OutboxRetentionTest : public mail_testing::MailFixture {};

TEST_F(OutboxRetentionTest, SentMailIsPrunedAfterKeepDays) {
  ASSERT_NO_FATAL_FAILURE(StartRelayAndServer(3, {}, {"--outbox-keep-days", "0.00003"}));
  EXPECT_EQ(client_->Book(SlotDay(), "Anna Andersen", "anna@kk.dk").status(), v1::CONFIRMED);
  ASSERT_TRUE(client_->WaitFor(AllSent)) << server_->log();
  ASSERT_TRUE(client_->WaitFor([](const std::vector<v1::OutboxMessage>& messages) {
    return messages.empty();
  })) << server_->log();
  EXPECT_EQ(ReadMails(mail_dir()).size(), 2u);
  EXPECT_THAT(server_->log(), HasSubstr("mail: pruned 2 sent or failed messages"));
  testing::CommandResult listed =
      testing::RunCommand({SOFDIR_CLI_BINARY, "outbox", "--server", server_->address()});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, Not(HasSubstr("anna@kk.dk")));
}

TEST_F(OutboxRetentionTest, PendingMailIsNeverPruned) {
  server_ = std::make_unique<testing::ServerProcess>();
  ASSERT_TRUE(
      server_->Start(SOFDIR_SERVER_BINARY, dir_.Sub("data"),
                     {"--smtp-server", absl::StrCat("127.0.0.1:", testing::UnusedLoopbackPort()),
                      "--smtp-from", "praktik@kk.dk", "--outbox-keep-days", "0.00003"}))
      << server_->log();
  client_ = std::make_unique<mail_testing::Client>(server_->address());
  ASSERT_NO_FATAL_FAILURE(mail_testing::CreateOffer(*client_, 3));
  EXPECT_EQ(client_->Book(SlotDay(), "Anna Andersen", "anna@kk.dk").status(), v1::CONFIRMED);
  ASSERT_TRUE(client_->WaitFor(AllTried)) << server_->log();
  absl::SleepFor(absl::Seconds(4));  // older than 2.6 s, several prunes later
  std::vector<v1::OutboxMessage> messages = client_->Messages();
  ASSERT_EQ(messages.size(), 2u);
  for (const v1::OutboxMessage& m : messages) EXPECT_EQ(m.state(), v1::OutboxMessage::PENDING);
  EXPECT_THAT(server_->log(), Not(HasSubstr("mail: pruned")));
}

}  // namespace
}  // namespace sofdir
