// DirectoryClient: the CLI's only door to sofdir-server. It wraps the
// generated sof.directory.v1.DirectoryService stub, gives every call a
// deadline, and turns grpc::Status into absl::Status (the one place in the
// client that does). Error codes are the server's canonical codes, except:
//   UNAVAILABLE        the server cannot be reached; the message names the
//                      address and says how to set another one
//   DEADLINE_EXCEEDED  no answer within the call timeout
// Thread-safe: calls may run concurrently from any thread.
#ifndef SOFDIR_CLIENT_DIRECTORY_CLIENT_H_
#define SOFDIR_CLIENT_DIRECTORY_CLIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"

namespace sofdir::client {

class DirectoryClient {
 public:
  struct Options {
    std::string server = "127.0.0.1:50051";  // host:port of sofdir-server
    absl::Duration call_timeout = absl::Seconds(10);
    // How long Connect waits for the channel to become ready.
    absl::Duration connect_timeout = absl::Seconds(3);
    // TLS, from PEM files: with ca_path the channel uses TLS and trusts
    // server certificates that CA signed; empty = plaintext. cert_path and
    // key_path: a client certificate, for servers that require one.
    std::string ca_path;
    std::string cert_path;
    std::string key_path;
    // Sent as "authorization: Bearer <token>" on every call when set.
    std::string token;
  };

  // Opens a channel to options.server and waits until it is connected.
  // UNAVAILABLE ("cannot reach sofdir-server at ...", with a hint about
  // --ca) when it does not connect within options.connect_timeout, which
  // includes a failed TLS handshake. INVALID_ARGUMENT naming the flag
  // (--ca, --cert, --key) when a TLS file cannot be read, or --cert/--key
  // come without each other or without --ca.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<DirectoryClient>> Connect(
      const Options& options);

  // NOT_FOUND when no record has `id`.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::Record> GetRecord(absl::string_view id);

  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListRecordsResponse> ListRecords(
      const sof::directory::v1::ListRecordsRequest& request);

  // ALREADY_EXISTS when the id is taken (unless request_id repeats an
  // earlier successful call), INVALID_ARGUMENT naming the bad field.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::Record> CreateRecord(
      const sof::directory::v1::CreateRecordRequest& request);

  // NOT_FOUND, INVALID_ARGUMENT, or ABORTED when the etag does not match.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::Record> UpdateRecord(
      const sof::directory::v1::UpdateRecordRequest& request);

  [[nodiscard]] absl::StatusOr<sof::directory::v1::Record> VerifyRecord(absl::string_view id);
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListStaleRecordsResponse> ListStaleRecords(
      const sof::directory::v1::ListStaleRecordsRequest& request);

  // Audit entries (admins only), newest first.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListAuditResponse> ListAudit(
      const sof::directory::v1::ListAuditRequest& request);

  // Booking mail in the outbox (admins only), in event order.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListOutboxResponse> ListOutbox(
      const sof::directory::v1::ListOutboxRequest& request);

  // A page of the change log after request.since_sequence.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListChangesResponse> ListChanges(
      const sof::directory::v1::ListChangesRequest& request);

  // Streams changes after `since` to `on_change` (no deadline) until it
  // returns false (then OK) or the stream ends (then the stream's status;
  // UNAVAILABLE when the server went away: reconnect from the last
  // sequence seen).
  [[nodiscard]] absl::Status WatchChanges(
      uint64_t since, const std::function<bool(const sof::directory::v1::Change&)>& on_change);

  // NOT_FOUND, ABORTED (etag), FAILED_PRECONDITION while referred to.
  [[nodiscard]] absl::Status DeleteRecord(absl::string_view id, absl::string_view etag);

  // One batch (at most 5000 records); per-record outcomes are in the
  // response, a non-OK status means the whole call failed.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ImportRecordsResponse> ImportRecords(
      const sof::directory::v1::ImportRecordsRequest& request);

  [[nodiscard]] absl::StatusOr<sof::directory::v1::ExportRecordsResponse> ExportRecords(
      const sof::directory::v1::ExportRecordsRequest& request);

  // INVALID_ARGUMENT naming the field: a bad filter expression, page_token
  // from another query, unknown near_district, age outside 0..120.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::SearchEntriesResponse> SearchEntries(
      const sof::directory::v1::SearchEntriesRequest& request);

  [[nodiscard]] absl::StatusOr<sof::directory::v1::SuggestEntriesResponse> SuggestEntries(
      const sof::directory::v1::SuggestEntriesRequest& request);

  // INVALID_ARGUMENT when the topic is empty.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::WhoKnowsResponse> WhoKnows(
      const sof::directory::v1::WhoKnowsRequest& request);

  // Praktik offers with their open slots (those starting after today) and
  // live seat counts. INVALID_ARGUMENT for a bad from/to date or page_size.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListPraktikOffersResponse> ListPraktikOffers(
      const sof::directory::v1::ListPraktikOffersRequest& request);

  // CONFIRMED while a seat is free, else WAITLISTED with its position. A
  // repeated request_id returns the booking the first call made. NOT_FOUND
  // (offer or slot), INVALID_ARGUMENT (name, e-mail, note, unit, a slot that
  // has started), ALREADY_EXISTS (the e-mail holds a booking of the slot).
  [[nodiscard]] absl::StatusOr<sof::directory::v1::Booking> BookPraktik(
      const sof::directory::v1::BookPraktikRequest& request);

  // The cancelled booking (unchanged when it already was); the server
  // promotes the first waiting booking. NOT_FOUND, FAILED_PRECONDITION
  // once the slot has started.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::Booking> CancelBooking(
      absl::string_view booking_id);

  // NOT_FOUND when no booking has the id.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::Booking> GetBooking(
      absl::string_view booking_id);

  // By slot, then booking order. INVALID_ARGUMENT unless exactly one of
  // email and offer_id is set.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListBookingsResponse> ListBookings(
      const sof::directory::v1::ListBookingsRequest& request);

  // The booking as an iCalendar text. NOT_FOUND when no booking has the id.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::BookingCalendar> GetBookingCalendar(
      absl::string_view booking_id);

  // Admins only: a new backup in the server's --backup-dir (it may take
  // minutes: give the call time); FAILED_PRECONDITION without one.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::BackupInfo> CreateBackup();
  // Admins only: the backups, oldest first.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListBackupsResponse> ListBackups();

  const std::string& server() const { return options_.server; }

 private:
  DirectoryClient(const Options& options,
                  std::unique_ptr<sof::directory::v1::DirectoryService::Stub> stub);

  const Options options_;
  const std::unique_ptr<sof::directory::v1::DirectoryService::Stub> stub_;
};

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_DIRECTORY_CLIENT_H_
