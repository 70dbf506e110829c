#include "server/api/directory_service.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include <vector>

#include "server/api/change_watch_reactor.h"
#include "server/api/grpc_status.h"
#include "server/common/status_macros.h"

namespace sofdir::api {

grpc::ServerUnaryReactor* DirectoryService::Run(grpc::CallbackServerContext* context,
                                                std::function<absl::Status()> work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const absl::Time queued = absl::Now();
  pool_.Schedule([this, context, reactor, queued, work = std::move(work)] {
    if (context->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled by the client"));
      return;
    }
    const absl::Time now = absl::Now();
    if (absl::FromChrono(context->deadline()) < now) {
      reactor->Finish(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                                   "deadline passed before the server could start the call"));
      return;
    }
    if (now - queued > limits_.max_queue_wait) {
      reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                   "server overloaded: the call waited too long; retry later"));
      return;
    }
    reactor->Finish(ToGrpcStatus(work()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* DirectoryService::RunSearch(grpc::CallbackServerContext* context,
                                                      std::function<absl::Status()> work) {
  if (searches_in_progress_.fetch_add(1) >= limits_.max_concurrent_searches) {
    searches_in_progress_.fetch_sub(1);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 absl::StrCat("more than ", limits_.max_concurrent_searches,
                                              " searches in progress; retry shortly")));
    return reactor;
  }
  // Released when the task is destroyed, whether it ran or was skipped
  // (cancelled, late).
  std::shared_ptr<void> slot(nullptr,
                             [this](void*) { searches_in_progress_.fetch_sub(1); });
  return Run(context, [slot = std::move(slot), work = std::move(work)] { return work(); });
}

grpc::ServerUnaryReactor* DirectoryService::GetRecord(grpc::CallbackServerContext* context,
                                                      const v1::GetRecordRequest* request,
                                                      v1::Record* response) {
  return Run(context, [this, request, response]() -> absl::Status {
    SOFDIR_ASSIGN_OR_RETURN(*response, directory_.Get(request->id()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DirectoryService::ListRecords(grpc::CallbackServerContext* context,
                                                        const v1::ListRecordsRequest* request,
                                                        v1::ListRecordsResponse* response) {
  return Run(context, [this, request, response]() -> absl::Status {
    SOFDIR_ASSIGN_OR_RETURN(*response, directory_.List(*request));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DirectoryService::CreateRecord(grpc::CallbackServerContext* context,
                                                         const v1::CreateRecordRequest* request,
                                                         v1::Record* response) {
  return Run(context, [this, request, response]() -> absl::Status {
    SOFDIR_ASSIGN_OR_RETURN(*response, directory_.Create(request->record(), request->request_id()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DirectoryService::UpdateRecord(grpc::CallbackServerContext* context,
                                                         const v1::UpdateRecordRequest* request,
                                                         v1::Record* response) {
  return Run(context, [this, request, response]() -> absl::Status {
    SOFDIR_ASSIGN_OR_RETURN(*response,
                            directory_.Update(request->record(), request->update_mask()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DirectoryService::DeleteRecord(grpc::CallbackServerContext* context,
                                                         const v1::DeleteRecordRequest* request,
                                                         google::protobuf::Empty* response) {
  return Run(context, [this, request]() -> absl::Status {
    return directory_.Delete(request->id(), request->etag());
  });
}

grpc::ServerUnaryReactor* DirectoryService::ImportRecords(grpc::CallbackServerContext* context,
                                                          const v1::ImportRecordsRequest* request,
                                                          v1::ImportRecordsResponse* response) {
  return Run(context, [this, request, response]() -> absl::Status {
    std::vector<v1::Record> records(request->records().begin(), request->records().end());
    SOFDIR_ASSIGN_OR_RETURN(*response, directory_.Import(records));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DirectoryService::ExportRecords(grpc::CallbackServerContext* context,
                                                          const v1::ExportRecordsRequest* request,
                                                          v1::ExportRecordsResponse* response) {
  return Run(context, [this, request, response]() -> absl::Status {
    SOFDIR_ASSIGN_OR_RETURN(*response, directory_.Export(*request));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DirectoryService::ListChanges(grpc::CallbackServerContext* context,
                                                        const v1::ListChangesRequest* request,
                                                        v1::ListChangesResponse* response) {
  return Run(context, [this, request, response]() -> absl::Status {
    SOFDIR_ASSIGN_OR_RETURN(*response, directory_.ListChanges(*request));
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::Change>* DirectoryService::WatchChanges(
    grpc::CallbackServerContext* context, const v1::WatchChangesRequest* request) {
  return new ChangeWatchReactor(directory_, feed_, pool_, request->since_sequence());
}

grpc::ServerUnaryReactor* DirectoryService::SearchEntries(grpc::CallbackServerContext* context,
                                                          const v1::SearchEntriesRequest* request,
                                                          v1::SearchEntriesResponse* response) {
  return RunSearch(context, [this, request, response]() -> absl::Status {
    SOFDIR_ASSIGN_OR_RETURN(*response, search_.Search(*request));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DirectoryService::SuggestEntries(grpc::CallbackServerContext* context,
                                                           const v1::SuggestEntriesRequest* request,
                                                           v1::SuggestEntriesResponse* response) {
  return RunSearch(context, [this, request, response]() -> absl::Status {
    SOFDIR_ASSIGN_OR_RETURN(*response, search_.Suggest(*request));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DirectoryService::WhoKnows(grpc::CallbackServerContext* context,
                                                     const v1::WhoKnowsRequest* request,
                                                     v1::WhoKnowsResponse* response) {
  return RunSearch(context, [this, request, response]() -> absl::Status {
    SOFDIR_ASSIGN_OR_RETURN(*response, search_.WhoKnows(*request));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DirectoryService::ListPraktikOffers(grpc::CallbackServerContext* context,
                                                   const v1::ListPraktikOffersRequest* request,
                                                   v1::ListPraktikOffersResponse* response) {
  return Run(context, [this, request, response]() -> absl::Status {
    SOFDIR_ASSIGN_OR_RETURN(*response, bookings_.ListOffers(*request));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DirectoryService::BookPraktik(grpc::CallbackServerContext* context,
                                                   const v1::BookPraktikRequest* request,
                                                   v1::Booking* response) {
  return Run(context, [this, request, response]() -> absl::Status {
    SOFDIR_ASSIGN_OR_RETURN(*response, bookings_.Book(*request));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DirectoryService::CancelBooking(grpc::CallbackServerContext* context,
                                                   const v1::CancelBookingRequest* request,
                                                   v1::Booking* response) {
  return Run(context, [this, request, response]() -> absl::Status {
    SOFDIR_ASSIGN_OR_RETURN(*response, bookings_.Cancel(request->booking_id()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DirectoryService::GetBooking(grpc::CallbackServerContext* context,
                                                   const v1::GetBookingRequest* request,
                                                   v1::Booking* response) {
  return Run(context, [this, request, response]() -> absl::Status {
    SOFDIR_ASSIGN_OR_RETURN(*response, bookings_.Get(request->booking_id()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DirectoryService::ListBookings(grpc::CallbackServerContext* context,
                                                   const v1::ListBookingsRequest* request,
                                                   v1::ListBookingsResponse* response) {
  return Run(context, [this, request, response]() -> absl::Status {
    SOFDIR_ASSIGN_OR_RETURN(*response, bookings_.List(*request));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DirectoryService::GetBookingCalendar(grpc::CallbackServerContext* context,
                                                   const v1::GetBookingCalendarRequest* request,
                                                   v1::BookingCalendar* response) {
  return Run(context, [this, request, response]() -> absl::Status {
    SOFDIR_ASSIGN_OR_RETURN(*response, bookings_.Calendar(request->booking_id()));
    return absl::OkStatus();
  });
}

}  // namespace sofdir::api
