// What the booking-mail tests share: a gRPC client for bookings and the
// outbox, the offer they book, the mails a real SMTP server
// (tests/testing/smtp_sink.py, Debian's python3-aiosmtpd) stored, and
// MailFixture, which starts that server and a sofdir-server sending to it.
#ifndef SOFDIR_TESTS_E2E_MAIL_FIXTURE_H_
#define SOFDIR_TESTS_E2E_MAIL_FIXTURE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::mail_testing {

namespace v1 = ::sof::directory::v1;

inline constexpr char kSink[] = SOFDIR_SOURCE_DIR "/tests/testing/smtp_sink.py";

class Client {
 public:
  explicit Client(const std::string& address, std::string token = "");

  std::unique_ptr<grpc::ClientContext> Context() const;
  void Create(const v1::Record& record);
  v1::Booking Book(const std::string& slot, const std::string& name, const std::string& email);
  v1::Booking Cancel(const std::string& id);
  grpc::Status Outbox(v1::ListOutboxResponse& response,
                      v1::OutboxMessage::State state = v1::OutboxMessage::STATE_UNSPECIFIED);
  std::vector<v1::OutboxMessage> Messages();
  // Waits (up to 20 s) until `done` holds for the outbox.
  bool WaitFor(const std::function<bool(const std::vector<v1::OutboxMessage>&)>& done);

 private:
  std::unique_ptr<v1::DirectoryService::Stub> stub_;
  std::string token_;
};

// Not empty, and every message SENT.
bool AllSent(const std::vector<v1::OutboxMessage>& messages);

// The slot used by the tests: well after today in Copenhagen.
std::string SlotDay();

// unit-1, its contact person-1 and praktik-1 with one slot of `seats` on
// SlotDay().
void CreateOffer(Client& client, int seats);

// A mail as the sink stored it.
struct Mail {
  double received = 0;
  bool tls = false;       // it came over STARTTLS
  std::string auth_user;  // the user it logged in as, or "-"
  std::string recipient;
  std::string message_id;
  std::string text;  // the decoded text/plain part
  std::string ics;   // the decoded text/calendar part, or empty
  std::string calendar_content_type;
};

// The mails in `dir`, in the order the sink accepted them.
std::vector<Mail> ReadMails(const std::string& dir);

// The value of the first `name:` line of an iCalendar text.
std::string IcsValue(const std::string& ics, const std::string& name);

// --smtp-server RELAY --smtp-from praktik@kk.dk
std::vector<std::string> RelayArgs(const std::string& relay);

// A fresh directory, and in StartRelayAndServer a sink storing mail in
// mail_dir() and a server with data in dir_.Sub("data") sending to it.
class MailFixture : public ::testing::Test {
 protected:
  // Starts the sink with `sink_args` and the server with RelayArgs and
  // `server_args`, then creates the offer with `seats`. Use under
  // ASSERT_NO_FATAL_FAILURE.
  void StartRelayAndServer(int seats, const std::vector<std::string>& sink_args = {},
                           const std::vector<std::string>& server_args = {});
  // (Re)starts the server on the same data, sending to the sink.
  void StartServer(const std::vector<std::string>& server_args = {});

  std::string mail_dir() const { return dir_.Sub("mail"); }

  testing::TempDir dir_;
  testing::ServerProcess sink_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<Client> client_;
};

}  // namespace sofdir::mail_testing

#endif  // SOFDIR_TESTS_E2E_MAIL_FIXTURE_H_
