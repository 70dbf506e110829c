// `sofdir praktik ...` (commands.h): the booking calls, printed through
// praktik_view.h.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "client/command_io.h"
#include "client/commands.h"
#include "client/directory_client.h"
#include "client/interrupt_cleanup.h"
#include "client/json_text.h"
#include "client/praktik_view.h"
#include "client/retry.h"
#include "client/table_printer.h"
#include "server/common/status_macros.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;

}  // namespace

absl::Status RunPraktikList(const CommonOptions& common, const PraktikListOptions& options) {
  v1::ListPraktikOffersRequest request;
  request.set_query(options.text);
  request.set_from_date(options.from);
  request.set_to_date(options.to);
  request.set_only_free(options.only_free);
  request.set_page_size(options.limit);
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  SOFDIR_ASSIGN_OR_RETURN(v1::ListPraktikOffersResponse response,
                          client->ListPraktikOffers(request));
  Write(stdout, common.json ? PraktikOffersToJson(response)
                            : WrapToWidth(FormatPraktikOffers(response), OutputWidth()));
  return FlushStdout();
}

absl::Status RunPraktikBook(const CommonOptions& common, const PraktikBookOptions& options) {
  v1::BookPraktikRequest request;
  request.set_offer_id(options.offer_id);
  request.set_slot_start(options.slot_start);
  request.set_name(options.name);
  request.set_email(options.email);
  request.set_unit_id(options.unit_id);
  request.set_note(options.note);
  request.set_request_id(options.request_id.empty() ? NewRequestId() : options.request_id);

  RetryPolicy policy;
  policy.retries = options.retries;
  // A server that cannot be reached at all is reported at once (within
  // the short connect timeout of WriteOptions), not after a round of
  // retries: nothing was booked, and the operator should know now. Only a
  // call that reached the server and lost its answer is retried.
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  absl::StatusOr<v1::Booking> booking = CallWithRetries<v1::Booking>(
      policy, [&]() -> absl::StatusOr<v1::Booking> { return client->BookPraktik(request); },
      [&](int retry, const absl::Status& error, absl::Duration pause) {
        std::cerr << "sofdir: " << error.message() << "; retry " << retry << " of "
                  << policy.retries << " in " << absl::FormatDuration(pause)
                  << " with the same request id" << std::endl;
      });
  if (!booking.ok()) {
    if (IsTransient(booking.status())) {
      // The booking may or may not exist now; the same request id makes a
      // retry safe.
      return absl::Status(booking.status().code(),
                          absl::StrCat(booking.status().message(), "; retry with --request-id ",
                                       request.request_id()));
    }
    return booking.status();
  }
  if (booking->request_id().empty()) booking->set_request_id(request.request_id());
  Write(stdout,
        common.json ? absl::StrCat(BookingToJson(*booking), "\n") : FormatBookResult(*booking));
  return FlushStdout();
}

absl::Status RunPraktikCancel(const CommonOptions& common, const std::string& booking_id) {
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  SOFDIR_ASSIGN_OR_RETURN(v1::Booking booking, client->CancelBooking(booking_id));
  Write(stdout, absl::StrCat(common.json ? BookingToJson(booking) : BookingLine(booking), "\n"));
  return FlushStdout();
}

absl::Status RunPraktikShow(const CommonOptions& common, const std::string& booking_id) {
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  SOFDIR_ASSIGN_OR_RETURN(v1::Booking booking, client->GetBooking(booking_id));
  Write(stdout,
        common.json ? absl::StrCat(BookingToJson(booking), "\n") : FormatBookingDetails(booking));
  return FlushStdout();
}

absl::Status RunPraktikBookings(const CommonOptions& common,
                                const PraktikBookingsOptions& options) {
  v1::ListBookingsRequest request;
  request.set_email(options.email);
  request.set_offer_id(options.offer_id);
  request.set_include_cancelled(options.include_cancelled);
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  v1::ListBookingsResponse response;
  do {  // every page: a page ends before the server's message limit
    SOFDIR_ASSIGN_OR_RETURN(v1::ListBookingsResponse page, client->ListBookings(request));
    for (v1::Booking& booking : *page.mutable_bookings()) {
      *response.add_bookings() = std::move(booking);
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  if (common.json) {
    Write(stdout, BookingsToJson(response));
  } else {
    Write(stdout,
          WrapToWidth(FormatBookings(response, options.offer_id.empty() ? BookingsLayout::kByBooker
                                                                        : BookingsLayout::kBySlot),
                      OutputWidth()));
  }
  return FlushStdout();
}

absl::Status RunPraktikIcs(const CommonOptions& common, const PraktikIcsOptions& options) {
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  SOFDIR_ASSIGN_OR_RETURN(v1::BookingCalendar calendar,
                          client->GetBookingCalendar(options.booking_id));
  const bool to_file = !options.out.empty() && options.out != "-";
  if (!to_file) {
    Write(stdout, common.json ? absl::StrCat("{\"booking_id\":", JsonQuote(options.booking_id),
                                             ",\"uid\":", JsonQuote(calendar.uid()),
                                             ",\"method\":", JsonQuote(calendar.method()),
                                             ",\"ics\":", JsonQuote(calendar.ics()), "}\n")
                              : calendar.ics());
    return FlushStdout();
  }
  // Binary, so the CRLF line ends RFC 5545 requires stay as they are;
  // written beside the target and renamed, so no half-written event appears.
  const std::string temp_path = options.out + ".tmp";
  RemoveOnInterrupt cleanup(temp_path);
  std::FILE* out = std::fopen(temp_path.c_str(), "wb");
  if (out == nullptr) return absl::InvalidArgumentError(FileError(temp_path, "cannot create"));
  Write(out, calendar.ics());
  const bool write_failed = std::ferror(out) != 0;
  if (std::fclose(out) != 0 || write_failed) {
    std::remove(temp_path.c_str());
    return absl::UnknownError(FileError(temp_path, "cannot write"));
  }
  if (std::rename(temp_path.c_str(), options.out.c_str()) != 0) {
    std::remove(temp_path.c_str());
    return absl::UnknownError(FileError(options.out, "cannot rename the calendar into place"));
  }
  if (common.json) {
    Write(stdout, absl::StrCat("{\"booking_id\":", JsonQuote(options.booking_id),
                               ",\"uid\":", JsonQuote(calendar.uid()),
                               ",\"method\":", JsonQuote(calendar.method()),
                               ",\"out\":", JsonQuote(options.out), "}\n"));
  } else {
    Write(stdout, absl::StrCat("wrote ", options.out, ": METHOD:", calendar.method(),
                               ", UID:", calendar.uid(), "\n"));
  }
  return FlushStdout();
}

}  // namespace sofdir::client
