#include "server/api/directory_service.h"

#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/change_visibility.h"
#include "server/api/change_watch_reactor.h"
#include "server/api/decoding_handler.h"
#include "server/api/grpc_status.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/model/record_util.h"

namespace sofdir::api {

void DirectoryService::DecodeRequests() {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          v1::DirectoryService::service_full_name());
  auto decode = [this, service](const std::string& name, grpc::internal::MethodHandler* handler) {
    const google::protobuf::MethodDescriptor* method =
        service == nullptr ? nullptr : service->FindMethodByName(name);
    if (method == nullptr) {  // a typo here; every test would fail
      common::LogError(absl::StrCat("DirectoryService has no method ", name));
      std::abort();
    }
    MarkMethodRawCallback(method->index(), handler);
  };
  decode("GetRecord", DecodingHandler(this, &DirectoryService::GetRecord));
  decode("ListRecords", DecodingHandler(this, &DirectoryService::ListRecords));
  decode("CreateRecord", DecodingHandler(this, &DirectoryService::CreateRecord));
  decode("UpdateRecord", DecodingHandler(this, &DirectoryService::UpdateRecord));
  decode("DeleteRecord", DecodingHandler(this, &DirectoryService::DeleteRecord));
  decode("ImportRecords", DecodingHandler(this, &DirectoryService::ImportRecords));
  decode("ExportRecords", DecodingHandler(this, &DirectoryService::ExportRecords));
  decode("ListChanges", DecodingHandler(this, &DirectoryService::ListChanges));
  decode("WatchChanges", DecodingHandler(this, &DirectoryService::WatchChanges));
  decode("SearchEntries", DecodingHandler(this, &DirectoryService::SearchEntries));
  decode("SuggestEntries", DecodingHandler(this, &DirectoryService::SuggestEntries));
  decode("WhoKnows", DecodingHandler(this, &DirectoryService::WhoKnows));
  decode("VerifyRecord", DecodingHandler(this, &DirectoryService::VerifyRecord));
  decode("ListStaleRecords", DecodingHandler(this, &DirectoryService::ListStaleRecords));
  decode("ListAudit", DecodingHandler(this, &DirectoryService::ListAudit));
  decode("ListPraktikOffers", DecodingHandler(this, &DirectoryService::ListPraktikOffers));
  decode("BookPraktik", DecodingHandler(this, &DirectoryService::BookPraktik));
  decode("CancelBooking", DecodingHandler(this, &DirectoryService::CancelBooking));
  decode("CreateBackup", DecodingHandler(this, &DirectoryService::CreateBackup));
  decode("ListBackups", DecodingHandler(this, &DirectoryService::ListBackups));
  decode("GetBooking", DecodingHandler(this, &DirectoryService::GetBooking));
  decode("ListBookings", DecodingHandler(this, &DirectoryService::ListBookings));
  decode("GetBookingCalendar", DecodingHandler(this, &DirectoryService::GetBookingCalendar));
  decode("ListOutbox", DecodingHandler(this, &DirectoryService::ListOutbox));
}

std::string DirectoryService::Authorization(grpc::CallbackServerContext* context) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

absl::StatusOr<Principal> DirectoryService::Admit(grpc::CallbackServerContext* context,
                                                  Permission permission) const {
  SOFDIR_ASSIGN_OR_RETURN(Principal principal, authorizer_.Authenticate(Authorization(context)));
  SOFDIR_RETURN_IF_ERROR(authorizer_.Authorize(principal, permission));
  return principal;
}

common::StopCheck DirectoryService::StopFor(grpc::CallbackServerContext* context,
                                            absl::Time arrived) const {
  auto cancelled = [context] { return context->IsCancelled(); };
  const absl::Time deadline = absl::FromChrono(context->deadline());
  const absl::Time cap = arrived + limits_.max_call_duration;
  if (deadline <= cap) return common::StopCheck(deadline, "the call's deadline passed", cancelled);
  return common::StopCheck(
      cap,
      absl::StrCat("the call ran longer than the server allows (",
                   absl::FormatDuration(limits_.max_call_duration), " per call)"),
      cancelled);
}

grpc::ServerUnaryReactor* DirectoryService::Run(grpc::CallbackServerContext* context,
                                                Permission permission, Work work, Where where) {
  return Run(
      context, permission,
      StoppableWork([work = std::move(work)](const Principal& principal, const common::StopCheck&) {
        return work(principal);
      }),
      where);
}

grpc::ServerUnaryReactor* DirectoryService::Run(grpc::CallbackServerContext* context,
                                                Permission permission, StoppableWork work,
                                                Where where) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Principal> principal = Admit(context, permission);
  if (!principal.ok()) {
    reactor->Finish(ToGrpcStatus(principal.status()));
    return reactor;
  }
  const absl::Time queued = absl::Now();
  if (where == Where::kHere) {
    Execute(context, reactor, queued, *principal, work);
    return reactor;
  }
  pool_.Schedule([this, context, reactor, queued, principal = *std::move(principal),
                  work = std::move(work)] { Execute(context, reactor, queued, principal, work); });
  return reactor;
}

void DirectoryService::Execute(grpc::CallbackServerContext* context,
                               grpc::ServerUnaryReactor* reactor, absl::Time arrived,
                               const Principal& principal, const StoppableWork& work) {
  const common::StopCheck stop = StopFor(context, arrived);
  if (absl::Status stopped = stop.Check(); !stopped.ok()) {
    reactor->Finish(ToGrpcStatus(common::StoppedWith(
        stopped, "the server did not start the call (nothing was read or written)")));
    return;
  }
  if (absl::Now() - arrived > limits_.max_queue_wait) {
    reactor->Finish(ToGrpcStatus(
        absl::UnavailableError("server overloaded: the call waited too long; retry later")));
    return;
  }
  reactor->Finish(ToGrpcStatus(work(principal, stop)));
}

grpc::ServerUnaryReactor* DirectoryService::RunSearch(grpc::CallbackServerContext* context,
                                                      Work work, bool in_memory) {
  if (searches_in_progress_.fetch_add(1) >= limits_.max_concurrent_searches) {
    searches_in_progress_.fetch_sub(1);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(absl::ResourceExhaustedError(absl::StrCat(
        "more than ", limits_.max_concurrent_searches, " searches in progress; retry shortly"))));
    return reactor;
  }
  if (in_memory && searches_inline_.fetch_add(1) < limits_.max_inline_searches) {
    grpc::ServerUnaryReactor* reactor =
        Run(context, Permission::kSearch, std::move(work), Where::kHere);
    searches_inline_.fetch_sub(1);
    searches_in_progress_.fetch_sub(1);
    return reactor;
  }
  if (in_memory) searches_inline_.fetch_sub(1);
  // Released when the task is destroyed, whether it ran or was skipped
  // (cancelled, late).
  std::shared_ptr<void> slot(nullptr, [this](void*) { searches_in_progress_.fetch_sub(1); });
  return Run(context, Permission::kSearch,
             [slot = std::move(slot), work = std::move(work)](const Principal& principal) {
               return work(principal);
             });
}

absl::Status DirectoryService::CheckTimestamp(absl::string_view field,
                                              const google::protobuf::Timestamp& time) {
  using google::protobuf::util::TimeUtil;
  if (time.seconds() >= TimeUtil::kTimestampMinSeconds &&
      time.seconds() <= TimeUtil::kTimestampMaxSeconds && time.nanos() >= 0 &&
      time.nanos() <= 999999999) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat(field,
                   ": not a valid timestamp; valid: 0001-01-01T00:00:00Z to "
                   "9999-12-31T23:59:59.999999999Z, nanos 0 to 999999999"));
}

absl::Status DirectoryService::CheckOwnBooking(const Principal& principal,
                                               absl::string_view email) {
  if (principal.admin || absl::EqualsIgnoreCase(principal.name, email)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(principal.name, " may only see and change its own bookings"));
}

grpc::ServerUnaryReactor* DirectoryService::GetRecord(grpc::CallbackServerContext* context,
                                                      const v1::GetRecordRequest* request,
                                                      v1::Record* response) {
  return Run(context, Permission::kRead,
             [this, request, response](const Principal& principal) -> absl::Status {
               SOFDIR_ASSIGN_OR_RETURN(*response, directory_.Get(request->id()));
               if (response->has_person()) {  // who looked up whom, and when
                 SOFDIR_RETURN_IF_ERROR(
                     directory_.LogPersonRead(request->id(), principal.name, "GetRecord"));
               }
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* DirectoryService::ListRecords(grpc::CallbackServerContext* context,
                                                        const v1::ListRecordsRequest* request,
                                                        v1::ListRecordsResponse* response) {
  return Run(context, Permission::kRead,
             [this, request, response](const Principal& principal,
                                       const common::StopCheck& stop) -> absl::Status {
               SOFDIR_ASSIGN_OR_RETURN(*response, directory_.List(*request, stop));
               SOFDIR_RETURN_IF_ERROR(
                   directory_.LogPersonReads(response->records(), principal.name, "ListRecords"));
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* DirectoryService::CreateRecord(grpc::CallbackServerContext* context,
                                                         const v1::CreateRecordRequest* request,
                                                         v1::Record* response) {
  return Run(context, Permission::kWrite,
             [this, request, response](const Principal& principal) -> absl::Status {
               SOFDIR_RETURN_IF_ERROR(scope_.CheckWrite(principal, request->record(), nullptr));
               SOFDIR_ASSIGN_OR_RETURN(*response,
                                       directory_.Create(request->record(), request->request_id(),
                                                         {principal.name, "CreateRecord"}));
               return absl::OkStatus();
             });
}

namespace {

// UpdateRecordRequest.id (the HTTP route's {id}), when set, must name the
// record the body carries.
absl::Status CheckUpdateId(const v1::UpdateRecordRequest& request) {
  if (request.id().empty()) return absl::OkStatus();
  const std::string record_id = model::RecordId(request.record());
  if (request.id() == record_id) return absl::OkStatus();
  const google::protobuf::FieldDescriptor* kind =
      v1::Record::descriptor()->FindFieldByNumber(request.record().kind_case());
  return absl::InvalidArgumentError(absl::StrCat("id: \"", request.id(), "\" differs from record.",
                                                 kind ? kind->name() : "<kind>", ".id \"",
                                                 record_id, "\"; they must name the same record"));
}

}  // namespace

grpc::ServerUnaryReactor* DirectoryService::UpdateRecord(grpc::CallbackServerContext* context,
                                                         const v1::UpdateRecordRequest* request,
                                                         v1::Record* response) {
  return Run(context, Permission::kWrite,
             [this, request, response](const Principal& principal) -> absl::Status {
               SOFDIR_RETURN_IF_ERROR(CheckUpdateId(*request));
               if (!principal.admin) {
                 // Both where the record is and where it would go must be the editor's.
                 SOFDIR_ASSIGN_OR_RETURN(v1::Record stored,
                                         directory_.Get(model::RecordId(request->record())));
                 SOFDIR_RETURN_IF_ERROR(scope_.CheckStored(principal, stored));
                 SOFDIR_RETURN_IF_ERROR(scope_.CheckWrite(
                     principal,
                     RecordScope::AfterUpdate(stored, request->record(), request->update_mask()),
                     &stored));
               }
               SOFDIR_ASSIGN_OR_RETURN(*response,
                                       directory_.Update(request->record(), request->update_mask(),
                                                         {principal.name, "UpdateRecord"}));
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* DirectoryService::DeleteRecord(grpc::CallbackServerContext* context,
                                                         const v1::DeleteRecordRequest* request,
                                                         google::protobuf::Empty* response) {
  return Run(
      context, Permission::kWrite, [this, request](const Principal& principal) -> absl::Status {
        if (!principal.admin) {
          SOFDIR_ASSIGN_OR_RETURN(v1::Record stored, directory_.Get(request->id()));
          SOFDIR_RETURN_IF_ERROR(scope_.CheckStored(principal, stored));
        }
        return directory_.Delete(request->id(), request->etag(), {principal.name, "DeleteRecord"});
      });
}

grpc::ServerUnaryReactor* DirectoryService::ImportRecords(grpc::CallbackServerContext* context,
                                                          const v1::ImportRecordsRequest* request,
                                                          v1::ImportRecordsResponse* response) {
  return Run(context, Permission::kImport,
             [this, request, response](const Principal& principal,
                                       const common::StopCheck& stop) -> absl::Status {
               std::vector<v1::Record> records(request->records().begin(),
                                               request->records().end());
               SOFDIR_ASSIGN_OR_RETURN(
                   *response, directory_.Import(records, {principal.name, "ImportRecords"}, stop));
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* DirectoryService::ExportRecords(grpc::CallbackServerContext* context,
                                                          const v1::ExportRecordsRequest* request,
                                                          v1::ExportRecordsResponse* response) {
  return Run(context, Permission::kRead,
             [this, request, response](const Principal& principal,
                                       const common::StopCheck& stop) -> absl::Status {
               SOFDIR_ASSIGN_OR_RETURN(*response, directory_.Export(*request, stop));
               SOFDIR_RETURN_IF_ERROR(
                   directory_.LogPersonReads(response->records(), principal.name, "ExportRecords"));
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* DirectoryService::ListChanges(grpc::CallbackServerContext* context,
                                                        const v1::ListChangesRequest* request,
                                                        v1::ListChangesResponse* response) {
  return Run(context, Permission::kRead,
             [this, request, response](const Principal& principal,
                                       const common::StopCheck& stop) -> absl::Status {
               SOFDIR_ASSIGN_OR_RETURN(
                   *response,
                   ReadVisibleChanges(directory_, *request, SeesBookingChanges(principal),
                                      /*max_reads=*/std::numeric_limits<int>::max(), stop));
               return directory_.LogPersonReads(PersonalDataIn(response->changes()), principal.name,
                                                "ListChanges");
             });
}

namespace {

// A watch refused before it starts.
class RefusedWatch : public grpc::ServerWriteReactor<v1::Change> {
 public:
  explicit RefusedWatch(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerUnaryReactor* DirectoryService::VerifyRecord(grpc::CallbackServerContext* context,
                                                         const v1::VerifyRecordRequest* request,
                                                         v1::Record* response) {
  return Run(context, Permission::kWrite,
             [this, request, response](const Principal& principal) -> absl::Status {
               SOFDIR_ASSIGN_OR_RETURN(v1::Record stored, directory_.Get(request->id()));
               SOFDIR_RETURN_IF_ERROR(scope_.CheckStored(principal, stored));
               SOFDIR_ASSIGN_OR_RETURN(
                   *response, directory_.Verify(request->id(), {principal.name, "VerifyRecord"}));
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* DirectoryService::ListStaleRecords(
    grpc::CallbackServerContext* context, const v1::ListStaleRecordsRequest* request,
    v1::ListStaleRecordsResponse* response) {
  return Run(
      context, Permission::kRead,
      [this, request, response](const Principal& principal,
                                const common::StopCheck& stop) -> absl::Status {
        if (request->older_than_days() < 1) {
          return absl::InvalidArgumentError("older_than_days: required, at least 1 (e.g. 180)");
        }
        SOFDIR_ASSIGN_OR_RETURN(
            *response,
            directory_.ListStale(absl::Now() - absl::Hours(24) * request->older_than_days(),
                                 request->unit(), request->page_size(), stop));
        return directory_.LogPersonReads(response->records(), principal.name, "ListStaleRecords");
      });
}

grpc::ServerUnaryReactor* DirectoryService::ListAudit(grpc::CallbackServerContext* context,
                                                      const v1::ListAuditRequest* request,
                                                      v1::ListAuditResponse* response) {
  return Run(context, Permission::kAudit,
             [this, request, response](const Principal& principal,
                                       const common::StopCheck& stop) -> absl::Status {
               SOFDIR_RETURN_IF_ERROR(CheckTimestamp("since", request->since()));
               SOFDIR_ASSIGN_OR_RETURN(*response, directory_.ListAudit(*request, stop));
               return absl::OkStatus();
             });
}

grpc::ServerWriteReactor<v1::Change>* DirectoryService::WatchChanges(
    grpc::CallbackServerContext* context, const v1::WatchChangesRequest* request) {
  // Read before admitting: a reload in between makes the watch check again.
  const uint64_t generation = authorizer_.generation();
  absl::StatusOr<Principal> principal = Admit(context, Permission::kRead);
  if (!principal.ok()) return new RefusedWatch(ToGrpcStatus(principal.status()));
  return new ChangeWatchReactor(
      directory_, feed_, pool_, authorizer_,
      ChangeWatchReactor::Caller{Authorization(context), principal->name,
                                 SeesBookingChanges(*principal), generation},
      request->since_sequence());
}

grpc::ServerUnaryReactor* DirectoryService::SearchEntries(grpc::CallbackServerContext* context,
                                                          const v1::SearchEntriesRequest* request,
                                                          v1::SearchEntriesResponse* response) {
  return RunSearch(
      context,
      [this, request, response](const Principal& principal) -> absl::Status {
        const absl::Time start = absl::Now();
        SOFDIR_ASSIGN_OR_RETURN(*response, search_.Search(*request));
        if (limits_.on_search) limits_.on_search(absl::Now() - start, response->total_size());
        return absl::OkStatus();
      },
      /*in_memory=*/true);
}

grpc::ServerUnaryReactor* DirectoryService::SuggestEntries(grpc::CallbackServerContext* context,
                                                           const v1::SuggestEntriesRequest* request,
                                                           v1::SuggestEntriesResponse* response) {
  return RunSearch(
      context,
      [this, request, response](const Principal& principal) -> absl::Status {
        SOFDIR_ASSIGN_OR_RETURN(*response, search_.Suggest(*request));
        return absl::OkStatus();
      },
      /*in_memory=*/true);
}

grpc::ServerUnaryReactor* DirectoryService::WhoKnows(grpc::CallbackServerContext* context,
                                                     const v1::WhoKnowsRequest* request,
                                                     v1::WhoKnowsResponse* response) {
  return RunSearch(
      context,
      [this, request, response](const Principal& principal) -> absl::Status {
        SOFDIR_ASSIGN_OR_RETURN(*response, search_.WhoKnows(*request));
        if (principal.anonymous) {  // contact details only for authenticated callers
          for (v1::Expert& expert : *response->mutable_experts()) {
            expert.clear_email();
            expert.clear_phone();
          }
          return absl::OkStatus();
        }
        std::vector<std::string> persons;  // who looked up whom, and when
        for (const v1::Expert& expert : response->experts()) {
          if (expert.kind() == v1::PERSON) persons.push_back(expert.id());
        }
        return directory_.LogPersonReads(persons, principal.name, "WhoKnows");
      },
      /*in_memory=*/false);  // writes the read log
}

grpc::ServerUnaryReactor* DirectoryService::ListPraktikOffers(
    grpc::CallbackServerContext* context, const v1::ListPraktikOffersRequest* request,
    v1::ListPraktikOffersResponse* response) {
  return Run(context, Permission::kRead,
             [this, request, response](const Principal& principal) -> absl::Status {
               SOFDIR_ASSIGN_OR_RETURN(*response, bookings_.ListOffers(*request));
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* DirectoryService::BookPraktik(grpc::CallbackServerContext* context,
                                                        const v1::BookPraktikRequest* request,
                                                        v1::Booking* response) {
  return Run(context, Permission::kBook,
             [this, request, response](const Principal& principal) -> absl::Status {
               SOFDIR_RETURN_IF_ERROR(CheckOwnBooking(principal, request->email()));
               SOFDIR_ASSIGN_OR_RETURN(*response,
                                       bookings_.Book(*request, {principal.name, "BookPraktik"}));
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* DirectoryService::CancelBooking(grpc::CallbackServerContext* context,
                                                          const v1::CancelBookingRequest* request,
                                                          v1::Booking* response) {
  return Run(context, Permission::kBook,
             [this, request, response](const Principal& principal) -> absl::Status {
               if (!principal.admin) {
                 SOFDIR_ASSIGN_OR_RETURN(v1::Booking booking, bookings_.Get(request->booking_id()));
                 SOFDIR_RETURN_IF_ERROR(CheckOwnBooking(principal, booking.email()));
               }
               SOFDIR_ASSIGN_OR_RETURN(
                   *response,
                   bookings_.Cancel(request->booking_id(), {principal.name, "CancelBooking"}));
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* DirectoryService::GetBooking(grpc::CallbackServerContext* context,
                                                       const v1::GetBookingRequest* request,
                                                       v1::Booking* response) {
  return Run(context, Permission::kBook,
             [this, request, response](const Principal& principal) -> absl::Status {
               SOFDIR_ASSIGN_OR_RETURN(*response, bookings_.Get(request->booking_id()));
               SOFDIR_RETURN_IF_ERROR(CheckOwnBooking(principal, response->email()));
               return directory_.LogPersonReads({response->booking_id()}, principal.name,
                                                "GetBooking");
             });
}

grpc::ServerUnaryReactor* DirectoryService::ListBookings(grpc::CallbackServerContext* context,
                                                         const v1::ListBookingsRequest* request,
                                                         v1::ListBookingsResponse* response) {
  return Run(context, Permission::kBook,
             [this, request, response](const Principal& principal) -> absl::Status {
               if (!request->email().empty()) {
                 SOFDIR_RETURN_IF_ERROR(CheckOwnBooking(principal, request->email()));
               } else if (!principal.admin) {
                 // The host's view: editors of the host unit.
                 SOFDIR_ASSIGN_OR_RETURN(v1::Record offer, directory_.Get(request->offer_id()));
                 SOFDIR_RETURN_IF_ERROR(scope_.CheckStored(principal, offer));
               }
               SOFDIR_ASSIGN_OR_RETURN(*response, bookings_.List(*request));
               std::vector<std::string> handed_out;
               for (const v1::Booking& booking : response->bookings()) {
                 handed_out.push_back(booking.booking_id());
               }
               return directory_.LogPersonReads(handed_out, principal.name, "ListBookings");
             });
}

grpc::ServerUnaryReactor* DirectoryService::GetBookingCalendar(
    grpc::CallbackServerContext* context, const v1::GetBookingCalendarRequest* request,
    v1::BookingCalendar* response) {
  return Run(context, Permission::kBook,
             [this, request, response](const Principal& principal) -> absl::Status {
               if (!principal.admin) {
                 SOFDIR_ASSIGN_OR_RETURN(v1::Booking booking, bookings_.Get(request->booking_id()));
                 SOFDIR_RETURN_IF_ERROR(CheckOwnBooking(principal, booking.email()));
               }
               SOFDIR_ASSIGN_OR_RETURN(*response, bookings_.Calendar(request->booking_id()));
               return directory_.LogPersonReads({request->booking_id()}, principal.name,
                                                "GetBookingCalendar");
             });
}

grpc::ServerUnaryReactor* DirectoryService::ListOutbox(grpc::CallbackServerContext* context,
                                                       const v1::ListOutboxRequest* request,
                                                       v1::ListOutboxResponse* response) {
  // kAudit: admins only.
  return Run(context, Permission::kAudit,
             [this, request, response](const Principal&) -> absl::Status {
               if (outbox_ == nullptr) return absl::UnimplementedError("this server has no outbox");
               SOFDIR_ASSIGN_OR_RETURN(*response, outbox_->List(*request));
               return absl::OkStatus();
             });
}

}  // namespace sofdir::api
