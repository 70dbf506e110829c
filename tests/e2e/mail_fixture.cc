#include "tests/e2e/mail_fixture.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "tests/testing/records.h"

namespace sofdir::mail_testing {
namespace {

std::string DecodePart(const std::string& mail, const std::string& content_type,
                       std::string* header = nullptr) {
  size_t at = mail.find("Content-Type: " + content_type);
  if (at == std::string::npos) return "";
  size_t line_end = mail.find("\r\n", at);
  if (header != nullptr) *header = mail.substr(at, line_end - at);
  size_t body = mail.find("\r\n\r\n", at);
  size_t end = mail.find("\r\n--", body);
  std::string encoded;
  for (char c : mail.substr(body + 4, end - body - 4)) {
    if (c != '\r' && c != '\n') encoded.push_back(c);
  }
  std::string decoded;
  EXPECT_TRUE(absl::Base64Unescape(encoded, &decoded));
  return decoded;
}

std::string Header(const std::string& mail, const std::string& name) {
  for (absl::string_view line : absl::StrSplit(mail, "\r\n")) {
    if (line.empty()) break;
    if (absl::StartsWith(line, name + ": ")) return std::string(line.substr(name.size() + 2));
  }
  return "";
}

}  // namespace

Client::Client(const std::string& address, std::string token)
    : stub_(v1::DirectoryService::NewStub(
          grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))),
      token_(std::move(token)) {}

std::unique_ptr<grpc::ClientContext> Client::Context() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!token_.empty()) context->AddMetadata("authorization", "Bearer " + token_);
  return context;
}

void Client::Create(const v1::Record& record) {
  v1::CreateRecordRequest request;
  *request.mutable_record() = record;
  v1::Record created;
  grpc::Status status = stub_->CreateRecord(Context().get(), request, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

v1::Booking Client::Book(const std::string& slot, const std::string& name,
                         const std::string& email) {
  v1::BookPraktikRequest request;
  request.set_offer_id("praktik-1");
  request.set_slot_start(slot);
  request.set_name(name);
  request.set_email(email);
  v1::Booking booking;
  grpc::Status status = stub_->BookPraktik(Context().get(), request, &booking);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return booking;
}

v1::Booking Client::Cancel(const std::string& id) {
  v1::CancelBookingRequest request;
  request.set_booking_id(id);
  v1::Booking booking;
  grpc::Status status = stub_->CancelBooking(Context().get(), request, &booking);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return booking;
}

grpc::Status Client::Outbox(v1::ListOutboxResponse& response, v1::OutboxMessage::State state) {
  v1::ListOutboxRequest request;
  request.set_state(state);
  return stub_->ListOutbox(Context().get(), request, &response);
}

std::vector<v1::OutboxMessage> Client::Messages() {
  v1::ListOutboxResponse response;
  grpc::Status status = Outbox(response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return {response.messages().begin(), response.messages().end()};
}

bool Client::WaitFor(const std::function<bool(const std::vector<v1::OutboxMessage>&)>& done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    if (done(Messages())) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

bool AllSent(const std::vector<v1::OutboxMessage>& messages) {
  return !messages.empty() &&
         std::all_of(messages.begin(), messages.end(), [](const v1::OutboxMessage& m) {
           return m.state() == v1::OutboxMessage::SENT;
         });
}

std::string SlotDay() {
  return absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + 40);
}

void CreateOffer(Client& client, int seats) {
  v1::Record unit = testing::MakeUnit("unit-1", "", "Herberget Nørrebro");
  unit.mutable_unit()->mutable_address()->set_street("Nørrebrogade 1");
  unit.mutable_unit()->mutable_address()->set_postcode("2200");
  unit.mutable_unit()->mutable_address()->set_city("København N");
  client.Create(unit);
  client.Create(testing::MakePerson("person-1", "unit-1"));
  v1::Record offer = testing::MakePraktik("praktik-1", "unit-1");
  v1::Praktik& praktik = *offer.mutable_praktik();
  praktik.set_title("En dag på herberget");
  praktik.set_contact_person_id("person-1");
  praktik.add_requirements("Straffeattest");
  praktik.add_requirements("Praktisk tøj");
  praktik.clear_slots();
  v1::PraktikSlot* slot = praktik.add_slots();
  slot->set_start(SlotDay());
  slot->set_end(SlotDay());
  slot->set_seats(seats);
  client.Create(offer);
}

std::vector<Mail> ReadMails(const std::string& dir) {
  std::vector<std::string> paths;
  if (std::filesystem::exists(dir)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() == ".eml") paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Mail> mails;
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    const std::string raw = content.str();
    Mail mail;
    EXPECT_TRUE(absl::SimpleAtod(Header(raw, "X-Sink-Received"), &mail.received));
    mail.tls = Header(raw, "X-Sink-Tls") == "yes";
    mail.auth_user = Header(raw, "X-Sink-Auth");
    mail.recipient = Header(raw, "X-Sink-Rcpt");
    mail.message_id = Header(raw, "Message-ID");
    mail.text = DecodePart(raw, "text/plain");
    mail.ics = DecodePart(raw, "text/calendar", &mail.calendar_content_type);
    mails.push_back(std::move(mail));
  }
  return mails;
}

std::string IcsValue(const std::string& ics, const std::string& name) {
  for (absl::string_view line : absl::StrSplit(ics, "\r\n")) {
    if (absl::StartsWith(line, name + ":")) return std::string(line.substr(name.size() + 1));
  }
  return "";
}

std::vector<std::string> RelayArgs(const std::string& relay) {
  return {"--smtp-server", relay, "--smtp-from", "praktik@kk.dk"};
}

void MailFixture::StartRelayAndServer(int seats, const std::vector<std::string>& sink_args,
                                      const std::vector<std::string>& server_args) {
  ASSERT_TRUE(sink_.Start(kSink, mail_dir(), sink_args)) << sink_.log();
  ASSERT_NO_FATAL_FAILURE(StartServer(server_args));
  ASSERT_NO_FATAL_FAILURE(CreateOffer(*client_, seats));
}

void MailFixture::StartServer(const std::vector<std::string>& server_args) {
  std::vector<std::string> args = RelayArgs(sink_.address());
  args.insert(args.end(), server_args.begin(), server_args.end());
  client_.reset();
  server_ = std::make_unique<testing::ServerProcess>();
  ASSERT_TRUE(server_->Start(SOFDIR_SERVER_BINARY, dir_.Sub("data"), args)) << server_->log();
  client_ = std::make_unique<Client>(server_->address());
}

}  // namespace sofdir::mail_testing
