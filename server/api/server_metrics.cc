#include "server/api/server_metrics.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdio>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "sof/directory/v1/directory_service.pb.h"

extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));

namespace sofdir::api {
namespace {

namespace v1 = ::sof::directory::v1;
using common::Registry;
using common::Sample;

const char* const kCodeNames[17] = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

double ResidentBytes() {
  FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  unsigned long size = 0, resident = 0;
  const int read = std::fscanf(statm, "%lu %lu", &size, &resident);
  std::fclose(statm);
  return read == 2 ? static_cast<double>(resident) * sysconf(_SC_PAGESIZE) : 0;
}

// jemalloc's bytes allocated by the program; -1 without jemalloc.
double JemallocAllocated() {
  if (mallctl == nullptr) return -1;
  uint64_t epoch = 1;
  size_t epoch_size = sizeof(epoch);
  mallctl("epoch", &epoch, &epoch_size, &epoch, epoch_size);  // refreshes the stats
  size_t allocated = 0;
  size_t size = sizeof(allocated);
  if (mallctl("stats.allocated", &allocated, &size, nullptr, 0) != 0) return -1;
  return static_cast<double>(allocated);
}

std::vector<Sample> One(double value) { return {Sample{{}, value}}; }

}  // namespace

// Counts bookings by the committed booking changes: a created booking by
// its status, an update to CONFIRMED of a waitlisted one as a promotion, an
// update to CANCELLED as a cancellation.
class ServerMetrics::BookingCounter final : public domain::ChangeListener {
 public:
  explicit BookingCounter(Registry& registry)
      : bookings_(registry.AddCounter("sofdir_bookings_total",
                                      "Bookings made, by the status they got.", {"status"})),
        confirmed_(bookings_.Labels({"CONFIRMED"})),
        waitlisted_(bookings_.Labels({"WAITLISTED"})),
        promotions_(registry
                        .AddCounter("sofdir_waitlist_promotions_total",
                                    "Waitlisted bookings that got a seat.")
                        .Labels({})),
        cancellations_(
            registry.AddCounter("sofdir_booking_cancellations_total", "Bookings cancelled.")
                .Labels({})) {}

  void OnCommitted(const v1::Change& change) override {
    if (!change.has_booking()) return;
    const v1::BookingStatus status = change.booking().status();
    if (change.type() == v1::CHANGE_CREATED) {
      if (status == v1::CONFIRMED) confirmed_.Add();
      if (status == v1::WAITLISTED) waitlisted_.Add();
    } else if (change.type() == v1::CHANGE_UPDATED) {
      if (status == v1::CONFIRMED) promotions_.Add();
      if (status == v1::CANCELLED) cancellations_.Add();
    }
  }

 private:
  common::Family<common::Counter>& bookings_;
  common::Counter& confirmed_;
  common::Counter& waitlisted_;
  common::Counter& promotions_;
  common::Counter& cancellations_;
};

ServerMetrics::ServerMetrics(const std::vector<std::string>& services) {
  auto& calls = registry_.AddCounter("sofdir_grpc_calls_total",
                                     "gRPC calls finished (HTTP API calls included), by method "
                                     "and status code.",
                                     {"service", "method", "code"});
  auto& duration = registry_.AddHistogram(
      "sofdir_grpc_call_duration_seconds",
      "Time from a call's arrival to its status, by method; unary calls only (server-streaming "
      "calls such as WatchChanges are in sofdir_grpc_stream_duration_seconds).",
      common::LatencyBuckets(), {"service", "method"});
  // A stream's lifetime is how long its client watched, not how fast the
  // server answered: kept apart so it does not swamp the latency quantiles.
  auto& stream_duration = registry_.AddHistogram(
      "sofdir_grpc_stream_duration_seconds",
      "Lifetime of server-streaming calls (e.g. WatchChanges), from arrival to status, by "
      "method.",
      {1, 10, 60, 300, 1800, 3600, 6 * 3600, 24 * 3600}, {"service", "method"});
  auto& in_flight = registry_.AddGauge("sofdir_grpc_calls_in_flight", "gRPC calls running now.",
                                       {"service", "method"});
  watchers_ = &registry_
                   .AddGauge("sofdir_change_watchers",
                             "WatchChanges streams open (watchers of the change feed).")
                   .Labels({});
  access_log_dropped_ = &registry_
                             .AddCounter("sofdir_access_log_dropped_total",
                                         "Access-log lines dropped because the log buffer was "
                                         "full (stderr's reader, e.g. journald, fell behind).")
                             .Labels({});
  auto& auth = registry_.AddCounter(
      "sofdir_auth_failures_total",
      "Calls refused UNAUTHENTICATED or PERMISSION_DENIED, by reason.", {"reason"});
  auth_failures_ = {&auth.Labels({"missing_token"}), &auth.Labels({"unknown_token"}),
                    &auth.Labels({"malformed_token"}), &auth.Labels({"role_denied"})};
  search_duration_ =
      &registry_
           .AddHistogram("sofdir_search_duration_seconds",
                         "Time SearchEntries spent in the index (queueing not included).",
                         common::LatencyBuckets())
           .Labels({});
  search_hits_ = &registry_
                      .AddHistogram("sofdir_search_hits", "Matches per SearchEntries (total_size).",
                                    {0, 1, 5, 10, 50, 100, 500, 1000, 5000, 10000, 50000})
                      .Labels({});
  booking_counter_ = std::make_unique<BookingCounter>(registry_);

  auto make = [&](const std::string& service, const std::string& method, bool streaming) {
    auto cells = std::make_unique<Method>();
    for (int code = 0; code < 17; ++code) {
      cells->calls[code] = &calls.Labels({service, method, kCodeNames[code]});
    }
    cells->duration = &(streaming ? stream_duration : duration).Labels({service, method});
    cells->in_flight = &in_flight.Labels({service, method});
    return cells;
  };
  // Cells for every code are made up front: the series exist from the
  // start (rate() sees the first call), and the call path takes no lock.
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string method = service->method(i)->name();
      auto cells = make(name, method, service->method(i)->server_streaming());
      cells->watch = method == "WatchChanges";
      methods_.emplace(absl::StrCat("/", name, "/", method), std::move(cells));
    }
  }
  other_ = make("other", "other", /*streaming=*/false);
}

ServerMetrics::~ServerMetrics() = default;

absl::string_view ServerMetrics::CodeName(int code) {
  return code >= 0 && code < 17 ? kCodeNames[code] : "UNKNOWN";
}

ServerMetrics::Method& ServerMetrics::ForMethod(absl::string_view full_method) {
  auto it = methods_.find(full_method);
  return it == methods_.end() ? *other_ : *it->second;
}

void ServerMetrics::CountAuthFailure(AuthFailure reason) {
  auth_failures_[static_cast<size_t>(reason)]->Add();
}

void ServerMetrics::ObserveSearch(absl::Duration took, int64_t hits) {
  search_duration_->Observe(absl::ToDoubleSeconds(took));
  search_hits_->Observe(static_cast<double>(hits));
}

void ServerMetrics::Attach(domain::Directory& directory, const search::SearchIndex& index,
                           const storage::Storage& storage) {
  directory.AddListener(booking_counter_.get());
  registry_.AddCollector("sofdir_index_records", "Records in the search index.",
                         Registry::Type::kGauge,
                         [&index] { return One(static_cast<double>(index.size())); });
  registry_.AddCollector("process_resident_memory_bytes", "Resident memory of the server.",
                         Registry::Type::kGauge, [] { return One(ResidentBytes()); });
  if (JemallocAllocated() >= 0) {
    registry_.AddCollector("sofdir_jemalloc_allocated_bytes",
                           "Bytes the server has allocated (jemalloc stats.allocated).",
                           Registry::Type::kGauge, [] { return One(JemallocAllocated()); });
  }
  registry_.AddCollector(
      "sofdir_rocksdb_memory_bytes",
      "Approximate memory RocksDB uses (memtables, block cache, indexes).", Registry::Type::kGauge,
      [&storage] { return One(static_cast<double>(storage.ApproximateMemoryBytes())); });
  // One read of the RocksDB figures per metric is cheap (properties in
  // memory); they are read separately to keep each collector simple.
  auto figure = [this, &storage](const char* name, const char* help, Registry::Type type,
                                 double (*pick)(const storage::Storage::Figures&)) {
    registry_.AddCollector(name, help, type,
                           [&storage, pick] { return One(pick(storage.figures())); });
  };
  figure("sofdir_rocksdb_wal_syncs_total", "Group-commit syncs of the write-ahead log.",
         Registry::Type::kCounter,
         [](const storage::Storage::Figures& f) { return static_cast<double>(f.wal_syncs); });
  figure("sofdir_rocksdb_wal_sync_seconds_total", "Time spent syncing the write-ahead log.",
         Registry::Type::kCounter,
         [](const storage::Storage::Figures& f) { return f.wal_sync_seconds; });
  figure("sofdir_rocksdb_pending_compaction_bytes",
         "Bytes RocksDB estimates compaction has to rewrite.", Registry::Type::kGauge,
         [](const storage::Storage::Figures& f) {
           return static_cast<double>(f.pending_compaction_bytes);
         });
  figure("sofdir_rocksdb_live_sst_bytes", "Size of the table (.sst) files in use.",
         Registry::Type::kGauge,
         [](const storage::Storage::Figures& f) { return static_cast<double>(f.live_sst_bytes); });
  figure("sofdir_rocksdb_write_stall_stops_total", "Times RocksDB stopped writes (stall).",
         Registry::Type::kCounter, [](const storage::Storage::Figures& f) {
           return static_cast<double>(f.write_stall_stops);
         });
  figure("sofdir_rocksdb_write_stall_slowdowns_total", "Times RocksDB slowed writes (stall).",
         Registry::Type::kCounter, [](const storage::Storage::Figures& f) {
           return static_cast<double>(f.write_stall_slowdowns);
         });
  figure("sofdir_rocksdb_write_stopped", "1 while RocksDB stops writes.", Registry::Type::kGauge,
         [](const storage::Storage::Figures& f) { return f.write_stopped ? 1.0 : 0.0; });
  registry_.AddCollector("sofdir_data_dir_free_bytes",
                         "Bytes free (for the server's user) on the data directory's disk.",
                         Registry::Type::kGauge, [&storage] {
                           struct statvfs disk;
                           if (statvfs(storage.path().c_str(), &disk) != 0)
                             return std::vector<Sample>{};
                           return One(static_cast<double>(disk.f_bavail) * disk.f_frsize);
                         });
}

}  // namespace sofdir::api
