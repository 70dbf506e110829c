// A running sofdir server: the data directory opened, the demo loaded when
// it is empty, and the gRPC server (DirectoryService, health checking)
// listening. Reflection is a process-wide plugin that main.cc turns on. main.cc and the integration
// tests both start one.
//
// Thread-safe: Shutdown may be called from any thread, once.
#ifndef SOFDIR_SERVER_API_SERVER_APP_H_
#define SOFDIR_SERVER_API_SERVER_APP_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "server/api/authorizer.h"
#include "server/api/directory_service.h"
#include "server/api/server_metrics.h"
#include "server/common/cached_status.h"
#include "server/common/worker_pool.h"
#include "server/domain/change_feed.h"
#include "server/domain/directory.h"
#include "server/domain/directory_search.h"
#include "server/domain/mail_sender.h"
#include "server/domain/outbox.h"
#include "server/http/http_server.h"
#include "server/http/ops_server.h"
#include "server/search/search_index.h"
#include "server/storage/backup_store.h"
#include "server/storage/storage.h"

namespace sofdir::api {

class ServerApp {
 public:
  struct Options {
    std::string listen = "127.0.0.1:50051";  // host:port; port 0 picks one
    std::string data_dir;                    // required
    std::string demo_data;                   // JSONL loaded into an empty directory
    // The search vocabulary (search::SearchIndex::Options): the thesaurus of
    // terms, synonyms and abbreviations (--synonyms) and the query rules
    // (--query-rules). A path given here must load, or Start fails naming
    // it. An empty one means the shipped file in `shipped_data_dir`
    // (kShippedThesaurus, kShippedQueryRules) when it exists; when it does
    // not, the server runs without it and logs a warning.
    std::string synonyms_path;
    std::string query_rules_path;
    // Where the shipped vocabulary files are looked for; main.cc passes
    // <directory of the executable>/../share/sofdir. Empty: no defaults.
    std::string shipped_data_dir;
    std::string auth_config_path;  // tokens and roles; empty = open
    int worker_threads = 8;
    // Today's date for booking rules; empty = Copenhagen's calendar day.
    std::function<absl::CivilDay()> today;
    // Requests above this are refused with RESOURCE_EXHAUSTED (an import
    // batch of 5000 records fits well below it).
    int max_message_bytes = 4 << 20;
    // Searches, suggestions and who-knows queries in progress at once;
    // more get RESOURCE_EXHAUSTED instead of queueing without bound.
    int max_concurrent_searches = 64;
    // Of those, searches and suggestions that may run at once on gRPC's own
    // thread, skipping the hand-off to the worker pool (see
    // DirectoryService::Limits). 0: always hand off.
    int max_inline_searches = 1;
    // A call that waited this long for a worker is answered UNAVAILABLE
    // (overloaded) instead of being run late.
    absl::Duration max_queue_wait = absl::Seconds(5);
    // No unary call runs longer than this after it arrived, even when its
    // client sent a later deadline or none: DEADLINE_EXCEEDED, nothing
    // partial (see DirectoryService). WatchChanges streams are not capped.
    absl::Duration max_call_duration = absl::Seconds(60);
    // Connections without calls for this long are closed.
    absl::Duration max_connection_idle = absl::Minutes(5);
    // TLS from PEM files (see tls_credentials.h); all empty = plaintext.
    std::string tls_cert_path;
    std::string tls_key_path;
    std::string tls_client_ca_path;  // when set, clients need a certificate it signed
    // The file system storage works on; null: the real disk. Tests pass a
    // storage::FaultFileSystem to make the disk fail.
    std::shared_ptr<rocksdb::FileSystem> file_system = nullptr;
    // The HTTP/JSON API and the page (server/http/README.md) on this
    // host:port (port 0 picks one), with the TLS files above; empty: none.
    // Started after gRPC; its calls go into the gRPC server in-process.
    std::string http_listen;
    // Served at GET /v1/openapi.json; empty: 404 there.
    std::string openapi_json;
    // The page's files; null: the ones embedded from web/.
    std::shared_ptr<const std::vector<http::WebAsset>> http_assets;
    int http_threads = 0;  // 0: see http::HttpServer::Options::threads
    // Metrics (server_metrics.h) at /metrics of the HTTP listener and of
    // `metrics_listen`; false: none collected, /metrics answers 404.
    bool metrics = true;
    // /metrics, /healthz and /readyz on their own plain-HTTP host:port
    // (port 0 picks one); empty: none.
    std::string metrics_listen;
    // One log line per call (call_observer.h).
    bool access_log = true;
    // CreateBackup writes backups here (storage::BackupStore), keeping the
    // newest backup_keep; empty: backups are refused (FAILED_PRECONDITION).
    std::string backup_dir;
    int backup_keep = 7;
    // Booking mail (domain/mail_sender.h) goes through this relay; nullopt:
    // the outbox is kept and nothing is sent.
    std::optional<domain::SmtpOptions> smtp;
    absl::Duration smtp_first_retry = absl::Seconds(30);  // doubling, at most an hour
    // SENT and FAILED mail is deleted from the outbox this long after it
    // was written (by the sender, so only with `smtp`); infinite: kept.
    absl::Duration outbox_keep = absl::Hours(30 * 24);
  };

  // Opens storage, loads the demo if asked and the directory is new (see
  // LoadDemoIfNew), starts serving. UNAVAILABLE when the address cannot be
  // bound (also when another server listens on it) or the data directory is
  // in use; INVALID_ARGUMENT naming the flag for a bad TLS file (before
  // storage is opened); DATA_LOSS for a damaged data directory; the storage
  // and demo errors otherwise. On a full disk it serves read-only (see
  // storage::Storage::Open).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ServerApp>> Start(const Options& options);

  // Shuts down if still running.
  ~ServerApp();

  // The port actually bound.
  int port() const { return port_; }
  // The HTTP port bound, 0 without Options::http_listen.
  int http_port() const { return http_ ? http_->port() : 0; }
  std::string http_address() const { return http_ ? http_->address() : ""; }
  std::string address() const;

  // The port of Options::metrics_listen, 0 without it.
  int metrics_port() const { return ops_ ? ops_->port() : 0; }

  domain::Directory& directory() { return *directory_; }

  // Whether a load balancer should send calls here (/readyz): OK once
  // started (the index is built then) while not shutting down and the data
  // directory takes synced writes; UNAVAILABLE saying why not otherwise.
  // The disk is probed (a synced probe file) at most once a second, however
  // often this is asked; "shutting down" is answered at once.
  [[nodiscard]] absl::Status Ready();

  // The Prometheus text of the metrics; empty when Options::metrics is off.
  std::string RenderMetrics() const { return metrics_ ? metrics_->Render() : ""; }

  // Re-reads the auth config (SIGHUP); on error the old one stays.
  [[nodiscard]] absl::Status ReloadAuth() { return authorizer_->Reload(); }

  // Re-reads the search vocabulary files, found as at Start (a shipped
  // file may have appeared or gone since), and swaps them in: searches in
  // progress finish with the vocabulary they started with, none fails. On
  // error (NOT_FOUND, INVALID_ARGUMENT naming file and line) the old
  // vocabulary stays in use. Logs what it loaded or why it kept the old.
  // Call from one thread at a time (main.cc's signal loop).
  [[nodiscard]] absl::Status ReloadVocabulary();

  // Shipped file names in Options::shipped_data_dir.
  static constexpr char kShippedThesaurus[] = "thesaurus.txt";
  static constexpr char kShippedQueryRules[] = "query-rules.txt";

  // Health turns NOT_SERVING, new calls are refused, in-flight calls get
  // up to `grace` to finish, then the worker pool drains and RocksDB closes.
  void Shutdown(absl::Duration grace = absl::Seconds(10));

 private:
  ServerApp() = default;

  std::string host_;
  int port_ = 0;
  Options options_;
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<common::CachedStatus> writable_;  // storage_->CheckWritable, 1 s
  std::unique_ptr<storage::BackupStore> backups_;
  std::unique_ptr<domain::Directory> directory_;
  std::unique_ptr<search::SearchIndex> index_;
  std::unique_ptr<domain::DirectorySearch> search_;
  std::unique_ptr<domain::PraktikBookings> bookings_;
  std::unique_ptr<domain::Outbox> outbox_;
  std::unique_ptr<domain::MailSender> mail_sender_;
  std::unique_ptr<domain::ChangeFeed> feed_;
  std::unique_ptr<Authorizer> authorizer_;
  std::unique_ptr<common::WorkerPool> pool_;
  std::unique_ptr<DirectoryService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<http::HttpServer> http_;
  std::unique_ptr<ServerMetrics> metrics_;  // outlives server_ and directory_
  std::unique_ptr<http::OpsServer> ops_;
  std::atomic<bool> stopping_{false};
  bool shut_down_ = false;
};

}  // namespace sofdir::api

#endif  // SOFDIR_SERVER_API_SERVER_APP_H_
