// The server's metrics (Prometheus, see common/metrics.h), all named
// sofdir_*, plus process_resident_memory_bytes:
//   sofdir_grpc_calls_total{service,method,code}      calls finished (HTTP
//                                                     ones too: they are gRPC calls in-process)
//   sofdir_grpc_call_duration_seconds{service,method} histogram of unary calls
//   sofdir_grpc_stream_duration_seconds{service,method} histogram of server-streaming
//                                                     calls' lifetimes (WatchChanges)
//   sofdir_grpc_calls_in_flight{service,method}       calls running now
//   sofdir_change_watchers                            WatchChanges streams open
//   sofdir_auth_failures_total{reason}                missing_token, unknown_token,
//                                                     malformed_token, role_denied
//   sofdir_access_log_dropped_total                   access-log lines dropped (buffer full)
//   sofdir_search_duration_seconds, sofdir_search_hits (histograms of
//                                                     SearchEntries: time in the index, total_size)
//   sofdir_bookings_total{status}, sofdir_waitlist_promotions_total,
//   sofdir_booking_cancellations_total                from the committed changes
//   sofdir_index_records, process_resident_memory_bytes,
//   sofdir_jemalloc_allocated_bytes, sofdir_rocksdb_*, sofdir_data_dir_free_bytes
//                                                     read at each scrape
// Labels hold method names, status codes and fixed reasons only: never a
// principal, a query or an id.
//
// Thread-safe. Attach (once, before serving) ties the read-at-scrape figures
// and the booking counters to the running parts, which must outlive this.
#ifndef SOFDIR_SERVER_API_SERVER_METRICS_H_
#define SOFDIR_SERVER_API_SERVER_METRICS_H_

#include <array>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"
#include "server/common/metrics.h"
#include "server/domain/change_listener.h"
#include "server/domain/directory.h"
#include "server/search/search_index.h"
#include "server/storage/storage.h"

namespace sofdir::api {

class ServerMetrics {
 public:
  // The cells of one gRPC method, looked up once per call.
  struct Method {
    std::array<common::Counter*, 17> calls;  // by grpc::StatusCode
    common::Histogram* duration;             // the stream histogram for server-streaming methods
    common::Gauge* in_flight;
    bool watch = false;  // WatchChanges
  };

  enum class AuthFailure { kMissingToken, kUnknownToken, kMalformedToken, kRoleDenied };

  // Registers the methods of every service in `services` (full names, e.g.
  // "sof.directory.v1.DirectoryService") found in the generated descriptor
  // pool; calls to any other method count as service="other".
  explicit ServerMetrics(const std::vector<std::string>& services);
  ~ServerMetrics();

  // `full_method` as gRPC names it: "/package.Service/Method".
  Method& ForMethod(absl::string_view full_method);
  common::Gauge& change_watchers() { return *watchers_; }
  common::Counter& access_log_dropped() { return *access_log_dropped_; }
  void CountAuthFailure(AuthFailure reason);
  void ObserveSearch(absl::Duration took, int64_t hits);

  // Adds the figures read at scrape time and listens to `directory`'s
  // changes for the booking counters.
  void Attach(domain::Directory& directory, const search::SearchIndex& index,
              const storage::Storage& storage);

  // "OK", "NOT_FOUND" ... for a grpc::StatusCode; "UNKNOWN" for others.
  static absl::string_view CodeName(int code);

  // The text exposition of everything.
  std::string Render() const { return registry_.Render(); }
  common::Registry& registry() { return registry_; }

 private:
  class BookingCounter;

  common::Registry registry_;
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods_;  // fixed after construction
  std::unique_ptr<Method> other_;
  common::Gauge* watchers_;
  common::Counter* access_log_dropped_;
  std::array<common::Counter*, 4> auth_failures_;
  common::Histogram* search_duration_;
  common::Histogram* search_hits_;
  std::unique_ptr<BookingCounter> booking_counter_;
};

}  // namespace sofdir::api

#endif  // SOFDIR_SERVER_API_SERVER_METRICS_H_
