#include "client/directory_client.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/credentials.h"
#include "server/common/status_macros.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;

// Large enough for a 5000-record batch or export page with long texts.
constexpr int kMaxMessageBytes = 64 << 20;

std::string UnreachableMessage(absl::string_view server) {
  return absl::StrCat("cannot reach sofdir-server at ", server,
                      " (is it running? set --server or SOFDIR_SERVER)");
}

// The one conversion from grpc::Status. Canonical codes are numerically
// identical; the transport errors get a message a user can act on.
absl::Status FromGrpcStatus(const grpc::Status& status, absl::string_view server,
                            absl::Duration timeout) {
  if (status.ok()) return absl::OkStatus();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return absl::UnavailableError(
          absl::StrCat(UnreachableMessage(server), ": ", status.error_message()));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      // "Deadline Exceeded" is gRPC's own word for our deadline; anything
      // else is the server's answer (e.g. its cap per call), which says how
      // far it got and what to do.
      if (!status.error_message().empty() && status.error_message() != "Deadline Exceeded") {
        return absl::DeadlineExceededError(absl::StrCat(
            "sofdir-server at ", server, " stopped the call: ", status.error_message()));
      }
      return absl::DeadlineExceededError(
          absl::StrCat("sofdir-server at ", server, " did not answer within ",
                       absl::FormatDuration(timeout), " (raise --timeout)"));
    default:
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
  }
}

absl::StatusOr<std::string> ReadPemFile(absl::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": cannot read ", path, " (", std::strerror(errno), ")"));
  }
  return text.str();
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentials(
    const DirectoryClient::Options& options) {
  if (options.cert_path.empty() != options.key_path.empty()) {
    return absl::InvalidArgumentError(options.cert_path.empty() ? "--key: needs --cert"
                                                                : "--cert: needs --key");
  }
  if (options.ca_path.empty()) {
    if (!options.cert_path.empty()) {
      return absl::InvalidArgumentError("--cert: needs --ca (the server's certificate authority)");
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  SOFDIR_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPemFile("--ca", options.ca_path));
  if (!options.cert_path.empty()) {
    SOFDIR_ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadPemFile("--cert", options.cert_path));
    SOFDIR_ASSIGN_OR_RETURN(ssl.pem_private_key, ReadPemFile("--key", options.key_path));
  }
  return grpc::SslCredentials(ssl);
}

// A failed TLS handshake looks like an absent server to WaitForConnected,
// so the message names the TLS causes too.
std::string ConnectFailedMessage(const DirectoryClient::Options& options) {
  if (options.ca_path.empty()) {
    return absl::StrCat(UnreachableMessage(options.server),
                        "; if it serves TLS, pass --ca FILE (or set SOFDIR_CA)");
  }
  return absl::StrCat(UnreachableMessage(options.server),
                      "; or the TLS handshake failed: is it serving TLS with a certificate "
                      "for this host signed by --ca, and does it require --cert/--key?");
}

}  // namespace

absl::StatusOr<std::unique_ptr<DirectoryClient>> DirectoryClient::Connect(const Options& options) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxMessageBytes);
  arguments.SetMaxSendMessageSize(kMaxMessageBytes);
  SOFDIR_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                          ChannelCredentials(options));
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(options.server, credentials, arguments);
  if (!channel->WaitForConnected(absl::ToChronoTime(absl::Now() + options.connect_timeout))) {
    return absl::UnavailableError(ConnectFailedMessage(options));
  }
  return std::unique_ptr<DirectoryClient>(
      new DirectoryClient(options, v1::DirectoryService::NewStub(channel)));
}

DirectoryClient::DirectoryClient(const Options& options,
                                 std::unique_ptr<v1::DirectoryService::Stub> stub)
    : options_(options), stub_(std::move(stub)) {}

namespace {

// Runs one unary call with the client's deadline.
template <typename Request, typename Response, typename Method>
absl::StatusOr<Response> Call(v1::DirectoryService::Stub& stub, Method method,
                              const Request& request, const DirectoryClient::Options& options) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options.call_timeout));
  if (!options.token.empty()) context.AddMetadata("authorization", "Bearer " + options.token);
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status, options.server, options.call_timeout);
  return response;
}

}  // namespace

absl::StatusOr<v1::Record> DirectoryClient::GetRecord(absl::string_view id) {
  v1::GetRecordRequest request;
  request.set_id(std::string(id));
  return Call<v1::GetRecordRequest, v1::Record>(*stub_, &v1::DirectoryService::Stub::GetRecord,
                                                request, options_);
}

absl::StatusOr<v1::Record> DirectoryClient::VerifyRecord(absl::string_view id) {
  v1::VerifyRecordRequest request;
  request.set_id(std::string(id));
  return Call<v1::VerifyRecordRequest, v1::Record>(
      *stub_, &v1::DirectoryService::Stub::VerifyRecord, request, options_);
}

absl::StatusOr<v1::ListStaleRecordsResponse> DirectoryClient::ListStaleRecords(
    const v1::ListStaleRecordsRequest& request) {
  return Call<v1::ListStaleRecordsRequest, v1::ListStaleRecordsResponse>(
      *stub_, &v1::DirectoryService::Stub::ListStaleRecords, request, options_);
}

absl::StatusOr<v1::ListAuditResponse> DirectoryClient::ListAudit(
    const v1::ListAuditRequest& request) {
  return Call<v1::ListAuditRequest, v1::ListAuditResponse>(
      *stub_, &v1::DirectoryService::Stub::ListAudit, request, options_);
}

absl::StatusOr<v1::BackupInfo> DirectoryClient::CreateBackup() {
  return Call<v1::CreateBackupRequest, v1::BackupInfo>(
      *stub_, &v1::DirectoryService::Stub::CreateBackup, v1::CreateBackupRequest(), options_);
}

absl::StatusOr<v1::ListBackupsResponse> DirectoryClient::ListBackups() {
  return Call<v1::ListBackupsRequest, v1::ListBackupsResponse>(
      *stub_, &v1::DirectoryService::Stub::ListBackups, v1::ListBackupsRequest(), options_);
}

absl::StatusOr<v1::ListOutboxResponse> DirectoryClient::ListOutbox(
    const v1::ListOutboxRequest& request) {
  return Call<v1::ListOutboxRequest, v1::ListOutboxResponse>(
      *stub_, &v1::DirectoryService::Stub::ListOutbox, request, options_);
}

absl::StatusOr<v1::ListChangesResponse> DirectoryClient::ListChanges(
    const v1::ListChangesRequest& request) {
  return Call<v1::ListChangesRequest, v1::ListChangesResponse>(
      *stub_, &v1::DirectoryService::Stub::ListChanges, request, options_);
}

absl::Status DirectoryClient::WatchChanges(
    uint64_t since, const std::function<bool(const v1::Change&)>& on_change) {
  grpc::ClientContext context;
  if (!options_.token.empty()) context.AddMetadata("authorization", "Bearer " + options_.token);
  v1::WatchChangesRequest request;
  request.set_since_sequence(since);
  std::unique_ptr<grpc::ClientReader<v1::Change>> stream = stub_->WatchChanges(&context, request);
  v1::Change change;
  while (stream->Read(&change)) {
    if (!on_change(change)) {
      context.TryCancel();
      while (stream->Read(&change)) {
      }
      stream->Finish().IgnoreError();
      return absl::OkStatus();
    }
  }
  return FromGrpcStatus(stream->Finish(), options_.server, options_.call_timeout);
}

absl::StatusOr<v1::ListRecordsResponse> DirectoryClient::ListRecords(
    const v1::ListRecordsRequest& request) {
  return Call<v1::ListRecordsRequest, v1::ListRecordsResponse>(
      *stub_, &v1::DirectoryService::Stub::ListRecords, request, options_);
}

absl::StatusOr<v1::Record> DirectoryClient::CreateRecord(const v1::CreateRecordRequest& request) {
  return Call<v1::CreateRecordRequest, v1::Record>(
      *stub_, &v1::DirectoryService::Stub::CreateRecord, request, options_);
}

absl::StatusOr<v1::Record> DirectoryClient::UpdateRecord(const v1::UpdateRecordRequest& request) {
  return Call<v1::UpdateRecordRequest, v1::Record>(
      *stub_, &v1::DirectoryService::Stub::UpdateRecord, request, options_);
}

absl::Status DirectoryClient::DeleteRecord(absl::string_view id, absl::string_view etag) {
  v1::DeleteRecordRequest request;
  request.set_id(std::string(id));
  request.set_etag(std::string(etag));
  return Call<v1::DeleteRecordRequest, google::protobuf::Empty>(
             *stub_, &v1::DirectoryService::Stub::DeleteRecord, request, options_)
      .status();
}

absl::StatusOr<v1::ImportRecordsResponse> DirectoryClient::ImportRecords(
    const v1::ImportRecordsRequest& request) {
  return Call<v1::ImportRecordsRequest, v1::ImportRecordsResponse>(
      *stub_, &v1::DirectoryService::Stub::ImportRecords, request, options_);
}

absl::StatusOr<v1::ExportRecordsResponse> DirectoryClient::ExportRecords(
    const v1::ExportRecordsRequest& request) {
  return Call<v1::ExportRecordsRequest, v1::ExportRecordsResponse>(
      *stub_, &v1::DirectoryService::Stub::ExportRecords, request, options_);
}

absl::StatusOr<v1::SearchEntriesResponse> DirectoryClient::SearchEntries(
    const v1::SearchEntriesRequest& request) {
  return Call<v1::SearchEntriesRequest, v1::SearchEntriesResponse>(
      *stub_, &v1::DirectoryService::Stub::SearchEntries, request, options_);
}

absl::StatusOr<v1::SuggestEntriesResponse> DirectoryClient::SuggestEntries(
    const v1::SuggestEntriesRequest& request) {
  return Call<v1::SuggestEntriesRequest, v1::SuggestEntriesResponse>(
      *stub_, &v1::DirectoryService::Stub::SuggestEntries, request, options_);
}

absl::StatusOr<v1::WhoKnowsResponse> DirectoryClient::WhoKnows(const v1::WhoKnowsRequest& request) {
  return Call<v1::WhoKnowsRequest, v1::WhoKnowsResponse>(
      *stub_, &v1::DirectoryService::Stub::WhoKnows, request, options_);
}

absl::StatusOr<v1::ListPraktikOffersResponse> DirectoryClient::ListPraktikOffers(
    const v1::ListPraktikOffersRequest& request) {
  return Call<v1::ListPraktikOffersRequest, v1::ListPraktikOffersResponse>(
      *stub_, &v1::DirectoryService::Stub::ListPraktikOffers, request, options_);
}

absl::StatusOr<v1::Booking> DirectoryClient::BookPraktik(const v1::BookPraktikRequest& request) {
  return Call<v1::BookPraktikRequest, v1::Booking>(*stub_, &v1::DirectoryService::Stub::BookPraktik,
                                                   request, options_);
}

absl::StatusOr<v1::Booking> DirectoryClient::CancelBooking(absl::string_view booking_id) {
  v1::CancelBookingRequest request;
  request.set_booking_id(std::string(booking_id));
  return Call<v1::CancelBookingRequest, v1::Booking>(
      *stub_, &v1::DirectoryService::Stub::CancelBooking, request, options_);
}

absl::StatusOr<v1::Booking> DirectoryClient::GetBooking(absl::string_view booking_id) {
  v1::GetBookingRequest request;
  request.set_booking_id(std::string(booking_id));
  return Call<v1::GetBookingRequest, v1::Booking>(*stub_, &v1::DirectoryService::Stub::GetBooking,
                                                  request, options_);
}

absl::StatusOr<v1::ListBookingsResponse> DirectoryClient::ListBookings(
    const v1::ListBookingsRequest& request) {
  return Call<v1::ListBookingsRequest, v1::ListBookingsResponse>(
      *stub_, &v1::DirectoryService::Stub::ListBookings, request, options_);
}

absl::StatusOr<v1::BookingCalendar> DirectoryClient::GetBookingCalendar(
    absl::string_view booking_id) {
  v1::GetBookingCalendarRequest request;
  request.set_booking_id(std::string(booking_id));
  return Call<v1::GetBookingCalendarRequest, v1::BookingCalendar>(
      *stub_, &v1::DirectoryService::Stub::GetBookingCalendar, request, options_);
}

}  // namespace sofdir::client
