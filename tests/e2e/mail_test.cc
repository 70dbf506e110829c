// Booking mail through a real SMTP server (Debian's python3-aiosmtpd, run by
// tests/testing/smtp_sink.py) on loopback: mail written with the booking
// survives kill -9 and arrives once; an unreachable relay delays mail
// without slowing bookings; a refusing relay marks mail FAILED; only admins
// list the outbox. Also measures delivery latency (bench/mail/README.md).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/e2e/mail_fixture.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace sofdir {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::HasSubstr;

using mail_testing::AllSent;
using mail_testing::Client;
using mail_testing::CreateOffer;
using mail_testing::IcsValue;
using mail_testing::kSink;
using mail_testing::Mail;
using mail_testing::ReadMails;
using mail_testing::RelayArgs;
using mail_testing::SlotDay;

constexpr char kAdmin[] = "admin-token-01234567890";
constexpr char kBooker[] = "booker-token-0123456789";

class MailTest : public mail_testing::MailFixture {};

TEST_F(MailTest, PromotionMailArrivesOnceAcrossKillNineWithCalendarAndCancelUsesSameUid) {
  testing::TempDir dir;
  const std::string data = dir.Sub("data");
  std::string anna_id, bo_id;
  {
    // No relay: the mail waits in the outbox.
    testing::ServerProcess server;
    ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, data)) << server.log();
    Client client(server.address());
    CreateOffer(client, 1);
    anna_id = client.Book(SlotDay(), "Anna Andersen", "anna@kk.dk").booking_id();
    v1::Booking bo = client.Book(SlotDay(), "Bo Bech", "bo@kk.dk");
    bo_id = bo.booking_id();
    EXPECT_EQ(bo.status(), v1::WAITLISTED);
    EXPECT_EQ(client.Cancel(anna_id).status(), v1::CANCELLED);
    std::vector<v1::OutboxMessage> messages = client.Messages();
    std::vector<std::string> events;
    for (const v1::OutboxMessage& m : messages) {
      events.push_back(absl::StrCat(v1::OutboxMessage::Event_Name(m.event()), " ", m.recipient()));
      EXPECT_EQ(m.state(), v1::OutboxMessage::PENDING);
      EXPECT_EQ(m.attempts(), 0);
    }
    EXPECT_THAT(events, ::testing::ElementsAre(
                            "CONFIRMED anna@kk.dk", "HOST_NOTICE person-1@sof.example.dk",
                            "WAITLISTED bo@kk.dk", "CANCELLED anna@kk.dk", "PROMOTED bo@kk.dk",
                            "HOST_NOTICE person-1@sof.example.dk"));
    EXPECT_EQ(server.Stop(SIGKILL), 128 + SIGKILL);
  }

  testing::ServerProcess sink;
  ASSERT_TRUE(sink.Start(kSink, dir.Sub("mail"))) << sink.log();
  {
    testing::ServerProcess server;
    ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, data, RelayArgs(sink.address())))
        << server.log();
    Client client(server.address());
    ASSERT_TRUE(client.WaitFor(AllSent)) << server.log();
    for (const v1::OutboxMessage& m : client.Messages()) {
      EXPECT_EQ(m.attempts(), 1) << m.message_id();
      EXPECT_GT(m.sent_time().seconds(), 0);
    }
    EXPECT_EQ(server.Stop(SIGKILL), 128 + SIGKILL);
  }
  {
    // Another restart sends nothing again.
    testing::ServerProcess server;
    ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, data, RelayArgs(sink.address())))
        << server.log();
    absl::SleepFor(absl::Seconds(1));
  }

  std::vector<Mail> mails = ReadMails(dir.Sub("mail"));
  ASSERT_EQ(mails.size(), 6u);
  std::map<std::string, int> ids;
  for (const Mail& mail : mails) ++ids[mail.message_id];
  EXPECT_EQ(ids.size(), 6u) << "a Message-ID arrived twice";

  std::vector<const Mail*> promoted;
  const Mail* anna_confirmed = nullptr;
  const Mail* anna_cancelled = nullptr;
  const Mail* last_notice = nullptr;
  for (const Mail& mail : mails) {
    if (mail.message_id == absl::StrCat("<", bo_id, ".1.promoted@sofdir>"))
      promoted.push_back(&mail);
    if (mail.message_id == absl::StrCat("<", anna_id, ".0.confirmed@sofdir>"))
      anna_confirmed = &mail;
    if (mail.message_id == absl::StrCat("<", anna_id, ".1.cancelled@sofdir>"))
      anna_cancelled = &mail;
    if (mail.recipient == "person-1@sof.example.dk") last_notice = &mail;
  }
  ASSERT_EQ(promoted.size(), 1u);
  const Mail& mail = *promoted[0];
  EXPECT_EQ(mail.recipient, "bo@kk.dk");
  EXPECT_THAT(mail.text, HasSubstr("Hej Bo Bech"));
  EXPECT_THAT(mail.text, HasSubstr("rykket op fra ventelisten"));
  EXPECT_THAT(mail.text, HasSubstr("Herberget Nørrebro, Nørrebrogade 1, 2200 København N"));
  EXPECT_THAT(mail.text, HasSubstr("  - Straffeattest"));
  EXPECT_THAT(mail.calendar_content_type, HasSubstr("method=REQUEST"));
  EXPECT_TRUE(absl::StartsWith(mail.ics, "BEGIN:VCALENDAR\r\n")) << mail.ics;
  EXPECT_TRUE(absl::EndsWith(mail.ics, "END:VCALENDAR\r\n"));
  EXPECT_EQ(IcsValue(mail.ics, "METHOD"), "REQUEST");
  EXPECT_EQ(IcsValue(mail.ics, "UID"), absl::StrCat(bo_id, "@sofdir"));
  std::string day = SlotDay();
  day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
  EXPECT_EQ(IcsValue(mail.ics, "DTSTART;VALUE=DATE"), day);
  EXPECT_EQ(IcsValue(mail.ics, "STATUS"), "CONFIRMED");
  EXPECT_THAT(mail.ics, HasSubstr("mailto:bo@kk.dk"));

  ASSERT_NE(anna_confirmed, nullptr);
  ASSERT_NE(anna_cancelled, nullptr);
  EXPECT_EQ(IcsValue(anna_confirmed->ics, "METHOD"), "REQUEST");
  EXPECT_EQ(IcsValue(anna_cancelled->ics, "METHOD"), "CANCEL");
  EXPECT_THAT(anna_cancelled->calendar_content_type, HasSubstr("method=CANCEL"));
  EXPECT_EQ(IcsValue(anna_cancelled->ics, "UID"), IcsValue(anna_confirmed->ics, "UID"));
  EXPECT_THAT(anna_cancelled->text, HasSubstr("Din booking er aflyst"));

  // The host's last notice: Bo comes, Anna does not.
  ASSERT_NE(last_notice, nullptr);
  EXPECT_THAT(last_notice->text,
              HasSubstr("Disse kommer (1 af 1 pladser):\n  - Bo Bech <bo@kk.dk>"));
  EXPECT_THAT(last_notice->text, HasSubstr("Anna Andersen (anna@kk.dk) har aflyst"));
  EXPECT_TRUE(last_notice->ics.empty());
}

TEST_F(MailTest, UnreachableRelayDelaysMailWithoutBlockingBookings) {
  testing::TempDir dir;
  testing::ServerProcess server;
  ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, dir.Sub("data"),
                           RelayArgs(absl::StrCat("127.0.0.1:", testing::UnusedLoopbackPort()))))
      << server.log();
  Client client(server.address());
  CreateOffer(client, 30);
  std::vector<double> millis;
  for (int i = 0; i < 20; ++i) {
    const absl::Time start = absl::Now();
    EXPECT_EQ(
        client.Book(SlotDay(), absl::StrCat("Person ", i), absl::StrCat("p", i, "@kk.dk")).status(),
        v1::CONFIRMED);
    millis.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  std::sort(millis.begin(), millis.end());
  std::cout << "booking with an unreachable relay: median " << millis[10] << " ms, max "
            << millis.back() << " ms\n";
  EXPECT_LT(millis.back(), 1000);

  ASSERT_TRUE(client.WaitFor([](const std::vector<v1::OutboxMessage>& messages) {
    return messages.size() == 40 &&
           std::all_of(messages.begin(), messages.end(),
                       [](const v1::OutboxMessage& m) { return m.attempts() >= 1; });
  })) << server.log();
  for (const v1::OutboxMessage& m : client.Messages()) {
    EXPECT_EQ(m.state(), v1::OutboxMessage::PENDING);
    EXPECT_THAT(m.last_error(), HasSubstr("cannot connect to 127.0.0.1"));
    EXPECT_GT(m.next_attempt_time().seconds(), absl::ToUnixSeconds(absl::Now()) + 20);
  }
  // The operator's view.
  testing::CommandResult listed = testing::RunCommand(
      {SOFDIR_CLI_BINARY, "outbox", "--state", "pending", "--server", server.address()});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("STATE"));
  EXPECT_THAT(listed.out, HasSubstr("pending  confirmed"));
  EXPECT_THAT(listed.out, HasSubstr("cannot connect"));
}

TEST_F(MailTest, RelayRefusalMarksMailFailed) {
  ASSERT_NO_FATAL_FAILURE(StartRelayAndServer(3));
  Client& client = *client_;
  testing::ServerProcess& server = *server_;
  client.Book(SlotDay(), "Rita", "reject-rita@kk.dk");
  ASSERT_TRUE(client.WaitFor([](const std::vector<v1::OutboxMessage>& messages) {
    return messages.size() == 2 && messages[0].state() != v1::OutboxMessage::PENDING &&
           messages[1].state() != v1::OutboxMessage::PENDING;
  }));
  std::vector<v1::OutboxMessage> messages = client.Messages();
  EXPECT_EQ(messages[0].state(), v1::OutboxMessage::FAILED);
  EXPECT_EQ(messages[0].attempts(), 1);
  EXPECT_THAT(messages[0].last_error(), HasSubstr("550"));
  EXPECT_EQ(messages[1].state(), v1::OutboxMessage::SENT);  // the host's notice
  testing::CommandResult listed = testing::RunCommand(
      {SOFDIR_CLI_BINARY, "outbox", "--state", "failed", "--json", "--server", server.address()});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("\"state\":\"failed\""));
}

TEST_F(MailTest, OnlyAdminsListTheOutbox) {
  testing::TempDir dir;
  const std::string config = dir.Sub("auth.json");
  std::ofstream(config) << R"({"tokens": [
    {"token": ")" << kBooker
                        << R"(", "principal": "booker@kk.dk", "roles": ["booker", "reader"]},
    {"token": ")" << kAdmin
                        << R"(", "principal": "admin@kk.dk", "roles": ["admin"]}]})";
  testing::ServerProcess server;
  ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, dir.Sub("data"), {"--auth-config", config}))
      << server.log();
  v1::ListOutboxResponse response;
  grpc::Status denied = Client(server.address(), kBooker).Outbox(response);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED) << denied.error_message();
  EXPECT_THAT(denied.error_message(), HasSubstr("admin"));
  EXPECT_EQ(Client(server.address()).Outbox(response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(Client(server.address(), kAdmin).Outbox(response).ok());
}

// The figure in bench/mail/README.md: from the booking's reply to the SMTP
// server having the mail, over 20 bookings.
TEST_F(MailTest, DeliveryLatencyFromBookingReplyToRelay) {
  ASSERT_NO_FATAL_FAILURE(StartRelayAndServer(30));
  Client& client = *client_;
  ASSERT_TRUE(client.WaitFor(
      [](const std::vector<v1::OutboxMessage>& messages) { return messages.empty(); }));
  std::vector<double> millis;
  for (int i = 0; i < 20; ++i) {
    const std::string email = absl::StrCat("l", i, "@kk.dk");
    client.Book(SlotDay(), absl::StrCat("L ", i), email);
    const double replied = absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch());
    double received = 0;
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (received == 0 && absl::Now() < deadline) {
      for (const Mail& mail : ReadMails(mail_dir())) {
        if (mail.recipient == email) received = mail.received;
      }
      if (received == 0) absl::SleepFor(absl::Milliseconds(1));
    }
    ASSERT_GT(received, 0) << "no mail for " << email;
    millis.push_back((received - replied) * 1000);
  }
  std::sort(millis.begin(), millis.end());
  std::cout << "mail delivery latency, booking reply -> SMTP server has it, 20 bookings: median "
            << (millis[9] + millis[10]) / 2 << " ms, min " << millis.front() << " ms, max "
            << millis.back() << " ms\n";
  EXPECT_LT(millis[10], 2000);
}

}  // namespace
}  // namespace sofdir

namespace sofdir {
namespace {

TEST(MailFlagsTest, BadSmtpFlagsStopTheServerNamingTheFlag) {
  testing::TempDir dir;
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::string credentials = dir.Sub("smtp-credentials");
  std::ofstream(credentials) << "only-a-user\n";
  const std::string not_pem = dir.Sub("not-a-ca.crt");
  std::ofstream(not_pem) << "this is no certificate\n";
  for (const Case& c : std::vector<Case>{
           {{"--smtp-server", "relay.kk.dk", "--smtp-from", "a@kk.dk"}, "--smtp-server"},
           {{"--smtp-server", "127.0.0.1:25"}, "--smtp-from"},
           {{"--smtp-server", "127.0.0.1:25", "--smtp-from", "a@kk.dk", "--smtp-starttls", "maybe"},
            "--smtp-starttls"},
           {{"--smtp-server", "127.0.0.1:25", "--smtp-from", "a@kk.dk", "--smtp-credentials",
             credentials},
            "password on line 2"},
           {{"--smtp-server", "127.0.0.1:25", "--smtp-from", "a@kk.dk", "--smtp-ca-file",
             dir.Sub("missing-ca.crt")},
            "--smtp-ca-file: cannot read " + dir.Sub("missing-ca.crt")},
           {{"--smtp-server", "127.0.0.1:25", "--smtp-from", "a@kk.dk", "--smtp-ca-file", not_pem},
            "--smtp-ca-file: " + not_pem + " holds no PEM certificate"}}) {
    testing::ServerProcess server;
    EXPECT_FALSE(server.Start(SOFDIR_SERVER_BINARY, dir.Sub("data"), c.args));
    EXPECT_EQ(server.exit_code(), 2) << server.log();
    EXPECT_THAT(server.log(), HasSubstr(c.says));
  }
}

}  // namespace
}  // namespace sofdir
