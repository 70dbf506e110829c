// sof.directory.v1.DirectoryService over the gRPC callback API.
//
// Each handler validates nothing itself: it hands the request to the worker
// pool (never blocking a gRPC thread on disk), calls Directory there and
// finishes the reactor with the converted status. Calls whose client has
// already gone (cancelled or past deadline) are finished without doing the
// work.
//
// Deadlines hold during the work, too: every unary call gets a
// common::StopCheck from its deadline, capped at Limits::max_call_duration
// after it arrived (also when the client sent none), and its cancellation.
// The long ones (ListRecords, ImportRecords, ExportRecords, ListChanges,
// ListAudit, ListStaleRecords) check it as they go and answer
// DEADLINE_EXCEEDED or CANCELLED with nothing partial: an import batch cut
// off before its write stores nothing of the batch. WatchChanges streams are
// not capped.
//
// The read log: every answer that hands the contact details of person
// records to an authenticated caller (GetRecord, ListRecords, ExportRecords,
// ListStaleRecords, ListChanges, WatchChanges, and WhoKnows for persons)
// writes one entry per person (principal, time, method), one write per
// answer, before the answer is sent. So does every answer that hands out
// bookings (GetBooking, ListBookings, GetBookingCalendar, and booking
// changes in ListChanges and WatchChanges, which go only to admins and the
// sync role: change_visibility.h). Anonymous callers never get contact
// details and leave no entries.
//
// Requests are decoded here, not by gRPC (decoding_handler.h), so that one
// that does not parse gets INVALID_ARGUMENT naming the field.
//
// Thread-safe; holds non-owning references that must outlive it.
#ifndef SOFDIR_SERVER_API_DIRECTORY_SERVICE_H_
#define SOFDIR_SERVER_API_DIRECTORY_SERVICE_H_

#include <atomic>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/api/authorizer.h"
#include "server/api/record_scope.h"
#include "server/common/stop_check.h"
#include "server/common/worker_pool.h"
#include "server/domain/change_feed.h"
#include "server/domain/directory.h"
#include "server/domain/directory_search.h"
#include "server/domain/outbox.h"
#include "server/domain/praktik_bookings.h"
#include "server/storage/backup_store.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"

namespace sofdir::api {

namespace v1 = ::sof::directory::v1;

class DirectoryService final : public v1::DirectoryService::CallbackService {
 public:
  struct Limits {
    // Search-type calls in progress at once; more get RESOURCE_EXHAUSTED.
    int max_concurrent_searches = 64;
    // Of those, in-memory searches (SearchEntries, SuggestEntries) that may
    // run at once on the gRPC thread that received them instead of being
    // handed to the worker pool: the hand-off (a wake-up and a context
    // switch) costs about a tenth of a search. gRPC's callback API has about
    // one such thread per core, so this stays below that: one is always
    // free to take new calls and refuse those beyond the limit. 0: never.
    int max_inline_searches = 1;
    // Calls that waited longer for a worker get UNAVAILABLE (overloaded).
    absl::Duration max_queue_wait = absl::Seconds(5);
    // No unary call runs longer than this after it arrived, whatever
    // deadline the client sent (or none): DEADLINE_EXCEEDED.
    absl::Duration max_call_duration = absl::Seconds(60);
    // Told the time each SearchEntries spent in the index and its
    // total_size (metrics); must be thread-safe. Empty: nobody.
    std::function<void(absl::Duration took, int64_t hits)> on_search;
  };

  // `backups` (may be null: no --backup-dir) serves CreateBackup and
  // ListBackups; `backed_up` is the storage it backs up.
  DirectoryService(domain::Directory& directory, domain::DirectorySearch& search,
                   domain::PraktikBookings& bookings, domain::ChangeFeed& feed,
                   common::WorkerPool& pool, Authorizer& authorizer, Limits limits,
                   storage::BackupStore* backups = nullptr, storage::Storage* backed_up = nullptr)
      : directory_(directory),
        authorizer_(authorizer),
        scope_(directory),
        search_(search),
        bookings_(bookings),
        feed_(feed),
        pool_(pool),
        limits_(limits),
        backups_(backups),
        backed_up_(backed_up) {
    DecodeRequests();
  }

  grpc::ServerUnaryReactor* GetRecord(grpc::CallbackServerContext* context,
                                      const v1::GetRecordRequest* request,
                                      v1::Record* response) override;
  grpc::ServerUnaryReactor* ListRecords(grpc::CallbackServerContext* context,
                                        const v1::ListRecordsRequest* request,
                                        v1::ListRecordsResponse* response) override;
  grpc::ServerUnaryReactor* CreateRecord(grpc::CallbackServerContext* context,
                                         const v1::CreateRecordRequest* request,
                                         v1::Record* response) override;
  grpc::ServerUnaryReactor* UpdateRecord(grpc::CallbackServerContext* context,
                                         const v1::UpdateRecordRequest* request,
                                         v1::Record* response) override;
  grpc::ServerUnaryReactor* DeleteRecord(grpc::CallbackServerContext* context,
                                         const v1::DeleteRecordRequest* request,
                                         google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* ImportRecords(grpc::CallbackServerContext* context,
                                          const v1::ImportRecordsRequest* request,
                                          v1::ImportRecordsResponse* response) override;
  grpc::ServerUnaryReactor* ExportRecords(grpc::CallbackServerContext* context,
                                          const v1::ExportRecordsRequest* request,
                                          v1::ExportRecordsResponse* response) override;
  grpc::ServerUnaryReactor* ListChanges(grpc::CallbackServerContext* context,
                                        const v1::ListChangesRequest* request,
                                        v1::ListChangesResponse* response) override;
  grpc::ServerUnaryReactor* VerifyRecord(grpc::CallbackServerContext* context,
                                         const v1::VerifyRecordRequest* request,
                                         v1::Record* response) override;
  grpc::ServerUnaryReactor* ListStaleRecords(grpc::CallbackServerContext* context,
                                             const v1::ListStaleRecordsRequest* request,
                                             v1::ListStaleRecordsResponse* response) override;
  grpc::ServerUnaryReactor* ListAudit(grpc::CallbackServerContext* context,
                                      const v1::ListAuditRequest* request,
                                      v1::ListAuditResponse* response) override;
  grpc::ServerWriteReactor<v1::Change>* WatchChanges(
      grpc::CallbackServerContext* context, const v1::WatchChangesRequest* request) override;
  grpc::ServerUnaryReactor* SearchEntries(grpc::CallbackServerContext* context,
                                          const v1::SearchEntriesRequest* request,
                                          v1::SearchEntriesResponse* response) override;
  grpc::ServerUnaryReactor* SuggestEntries(grpc::CallbackServerContext* context,
                                           const v1::SuggestEntriesRequest* request,
                                           v1::SuggestEntriesResponse* response) override;
  grpc::ServerUnaryReactor* WhoKnows(grpc::CallbackServerContext* context,
                                     const v1::WhoKnowsRequest* request,
                                     v1::WhoKnowsResponse* response) override;
  grpc::ServerUnaryReactor* ListPraktikOffers(grpc::CallbackServerContext* context,
                                              const v1::ListPraktikOffersRequest* request,
                                              v1::ListPraktikOffersResponse* response) override;
  grpc::ServerUnaryReactor* BookPraktik(grpc::CallbackServerContext* context,
                                        const v1::BookPraktikRequest* request,
                                        v1::Booking* response) override;
  grpc::ServerUnaryReactor* CancelBooking(grpc::CallbackServerContext* context,
                                          const v1::CancelBookingRequest* request,
                                          v1::Booking* response) override;
  grpc::ServerUnaryReactor* GetBooking(grpc::CallbackServerContext* context,
                                       const v1::GetBookingRequest* request,
                                       v1::Booking* response) override;
  grpc::ServerUnaryReactor* ListBookings(grpc::CallbackServerContext* context,
                                         const v1::ListBookingsRequest* request,
                                         v1::ListBookingsResponse* response) override;
  grpc::ServerUnaryReactor* GetBookingCalendar(grpc::CallbackServerContext* context,
                                               const v1::GetBookingCalendarRequest* request,
                                               v1::BookingCalendar* response) override;
  // Admins only (backup_methods.cc). FAILED_PRECONDITION without backups;
  // CreateBackup calls run one at a time; ListBackups does not wait for one.
  grpc::ServerUnaryReactor* CreateBackup(grpc::CallbackServerContext* context,
                                         const v1::CreateBackupRequest* request,
                                         v1::BackupInfo* response) override;
  grpc::ServerUnaryReactor* ListBackups(grpc::CallbackServerContext* context,
                                        const v1::ListBackupsRequest* request,
                                        v1::ListBackupsResponse* response) override;
  // Admins only; UNIMPLEMENTED until set_outbox.
  grpc::ServerUnaryReactor* ListOutbox(grpc::CallbackServerContext* context,
                                       const v1::ListOutboxRequest* request,
                                       v1::ListOutboxResponse* response) override;
  // The outbox ListOutbox reads (must outlive this object); set before
  // serving.
  void set_outbox(const domain::Outbox* outbox) { outbox_ = outbox; }

 private:
  // Makes every method decode its own request (decoding_handler.h), so that
  // one that does not parse gets INVALID_ARGUMENT naming the field.
  void DecodeRequests();

  using Work = std::function<absl::Status(const Principal&)>;
  // Work that checks `stop` as it goes (the long calls).
  using StoppableWork = std::function<absl::Status(const Principal&, const common::StopCheck&)>;

  // Where Run runs the work: on the worker pool, or on the calling gRPC
  // thread (only for work that never blocks on disk).
  enum class Where { kPool, kHere };
  // The one place every call passes: authenticates the caller, checks
  // `permission` (Authorizer's table), then runs `work` (on the pool unless
  // `where` says here), with the call's StopCheck (see StopFor), and
  // finishes the call with its status.
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context, Permission permission,
                                StoppableWork work, Where where = Where::kPool);
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context, Permission permission,
                                Work work, Where where = Where::kPool);
  // Run, but refused with RESOURCE_EXHAUSTED while max_concurrent_searches
  // search-type calls are already in progress. Work that only reads memory
  // (`in_memory`) runs on the calling gRPC thread while fewer than
  // max_inline_searches do.
  grpc::ServerUnaryReactor* RunSearch(grpc::CallbackServerContext* context, Work work,
                                      bool in_memory);
  // Runs admitted work that arrived at `arrived` and finishes the call with
  // its status, unless the call stopped or waited past max_queue_wait (Run's
  // second half, on the pool or here).
  void Execute(grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor,
               absl::Time arrived, const Principal& principal, const StoppableWork& work);
  // Authenticates and authorizes the caller of `context`.
  absl::StatusOr<Principal> Admit(grpc::CallbackServerContext* context,
                                  Permission permission) const;
  // The "authorization" header of the call, "" when absent.
  static std::string Authorization(grpc::CallbackServerContext* context);
  // When the work of a call that arrived at `arrived` must stop: its
  // deadline or the server's cap, whichever is first, or its cancellation.
  common::StopCheck StopFor(grpc::CallbackServerContext* context, absl::Time arrived) const;
  // OK for a google.protobuf.Timestamp in its documented range; else
  // INVALID_ARGUMENT naming `field`.
  static absl::Status CheckTimestamp(absl::string_view field,
                                     const google::protobuf::Timestamp& time);
  // Bookers see and change only their own bookings (admins any).
  static absl::Status CheckOwnBooking(const Principal& principal, absl::string_view email);

  domain::Directory& directory_;
  Authorizer& authorizer_;
  const RecordScope scope_;  // editors write only records of their units
  domain::DirectorySearch& search_;
  domain::PraktikBookings& bookings_;
  const domain::Outbox* outbox_ = nullptr;
  domain::ChangeFeed& feed_;
  common::WorkerPool& pool_;
  const Limits limits_;
  std::atomic<int> searches_in_progress_{0};
  std::atomic<int> searches_inline_{0};
  storage::BackupStore* const backups_;
  storage::Storage* const backed_up_;
};

}  // namespace sofdir::api

#endif  // SOFDIR_SERVER_API_DIRECTORY_SERVICE_H_
