#include "server/api/server_app.h"

#include <malloc.h>

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "server/api/call_observer.h"
#include "server/api/tls_credentials.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/domain/demo_loader.h"

namespace sofdir::api {
namespace {

// The name gRPC health checks ask about, besides "" (the whole server).
constexpr char kServiceName[] = "sof.directory.v1.DirectoryService";

// The vocabulary files to read: the paths given, else the shipped files
// that exist (a warning for each one that does not).
search::SearchIndex::Options VocabularyFiles(const ServerApp::Options& options) {
  auto pick = [&options](const std::string& given, absl::string_view shipped,
                         absl::string_view what, absl::string_view flag) -> std::string {
    if (!given.empty() || options.shipped_data_dir.empty()) return given;
    const std::string path = absl::StrCat(options.shipped_data_dir, "/", shipped);
    std::error_code error;
    if (std::filesystem::is_regular_file(path, error)) return path;
    common::LogWarning(absl::StrCat("no ", what, ": ", path, " is missing and no ", flag,
                                    " was given; searching without it"));
    return "";
  };
  search::SearchIndex::Options files;
  files.synonyms_path =
      pick(options.synonyms_path, ServerApp::kShippedThesaurus, "thesaurus", "--synonyms");
  files.query_rules_path =
      pick(options.query_rules_path, ServerApp::kShippedQueryRules, "query rules", "--query-rules");
  return files;
}

std::string DescribeVocabulary(const search::SearchIndex::VocabularyInfo& info) {
  auto one = [](absl::string_view what, const std::string& path, size_t entries) {
    return path.empty() ? absl::StrCat("no ", what)
                        : absl::StrCat(what, " ", path, " (", entries, " entries)");
  };
  return absl::StrCat(one("thesaurus", info.synonyms_path, info.synonym_entries), ", ",
                      one("query rules", info.query_rules_path, info.query_rule_entries));
}

// A load error that names the file it is about; when its message names
// none of the files read, they are added.
absl::Status NamingFiles(const absl::Status& status, const search::SearchIndex::Options& files) {
  std::vector<std::string> read;
  for (const auto& [what, path] : {std::make_pair("thesaurus ", &files.synonyms_path),
                                   std::make_pair("query rules ", &files.query_rules_path)}) {
    if (path->empty()) continue;
    if (absl::StrContains(status.message(), *path)) return status;
    read.push_back(absl::StrCat(what, *path));
  }
  if (read.empty()) return status;
  return absl::Status(status.code(), absl::StrCat(status.message(), " (reading ",
                                                  absl::StrJoin(read, " and "), ")"));
}

// The HTTP side: its calls go into `server` in-process, as gRPC calls.
absl::StatusOr<std::unique_ptr<http::HttpServer>> StartHttp(const ServerApp::Options& options,
                                                            const Authorizer& authorizer,
                                                            grpc::Server& server,
                                                            http::OpsEndpoints ops) {
  http::HttpServer::Options http_options;
  http_options.listen = options.http_listen;
  http_options.tls_cert_path = options.tls_cert_path;
  http_options.tls_key_path = options.tls_key_path;
  http_options.tls_client_ca_path = options.tls_client_ca_path;
  http_options.threads = options.http_threads;
  http_options.max_body_bytes = static_cast<size_t>(options.max_message_bytes);
  http_options.max_call_duration = options.max_call_duration;
  http_options.openapi_json = options.openapi_json;
  http_options.assets = options.http_assets;
  http_options.ops = std::move(ops);
  http_options.auth.open = authorizer.open();
  http_options.auth.anonymous_search = [&authorizer] { return authorizer.anonymous_search(); };
  http_options.auth.authenticate =
      [&authorizer](const std::string& token) -> absl::StatusOr<http::SignedInPrincipal> {
    SOFDIR_ASSIGN_OR_RETURN(Principal principal,
                            authorizer.Authenticate(absl::StrCat("Bearer ", token)));
    if (principal.anonymous) return absl::UnauthenticatedError("authorization: unknown token");
    http::SignedInPrincipal signed_in;
    signed_in.name = principal.name;
    for (const auto& [role, has] :
         {std::make_pair("reader", principal.reader), std::make_pair("booker", principal.booker),
          std::make_pair("editor", principal.editor), std::make_pair("sync", principal.sync),
          std::make_pair("admin", principal.admin)}) {
      if (has) signed_in.roles.push_back(role);
    }
    signed_in.units = principal.units;
    return signed_in;
  };
  grpc::ChannelArguments channel_args;
  // The server's own message limits apply; the channel adds none.
  channel_args.SetMaxReceiveMessageSize(-1);
  channel_args.SetMaxSendMessageSize(-1);
  return http::HttpServer::Start(std::move(http_options), server.InProcessChannel(channel_args));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServerApp>> ServerApp::Start(const Options& options) {
  std::unique_ptr<ServerApp> app(new ServerApp());
  size_t colon = options.listen.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen: \"", options.listen, "\" is not host:port, e.g. 127.0.0.1:50051"));
  }
  app->host_ = options.listen.substr(0, colon);

  if (options.auth_config_path.empty()) {
    app->authorizer_ = Authorizer::Open();
    common::LogWarning("no --auth-config: every caller may do everything (development only)");
  } else {
    SOFDIR_ASSIGN_OR_RETURN(app->authorizer_, Authorizer::Load(options.auth_config_path));
  }

  // Read before storage opens, so a wrong TLS file fails fast.
  SOFDIR_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                          MakeServerCredentials({options.tls_cert_path, options.tls_key_path,
                                                 options.tls_client_ca_path}));

  // Read before storage opens too: a broken vocabulary file fails fast.
  const search::SearchIndex::Options index_options = VocabularyFiles(options);
  absl::StatusOr<std::unique_ptr<search::SearchIndex>> index =
      search::SearchIndex::Create(index_options);
  if (!index.ok()) {
    return absl::Status(
        index.status().code(),
        absl::StrCat("search vocabulary: ", NamingFiles(index.status(), index_options).message()));
  }
  app->index_ = *std::move(index);
  common::LogInfo(
      absl::StrCat("search vocabulary: ", DescribeVocabulary(app->index_->vocabulary())));
  app->options_ = options;

  absl::Time opening = absl::Now();
  storage::Storage::Options storage_options;
  storage_options.path = options.data_dir;
  storage_options.file_system = options.file_system;
  SOFDIR_ASSIGN_OR_RETURN(app->storage_, storage::Storage::Open(storage_options));
  app->writable_ = std::make_unique<common::CachedStatus>(
      [storage = app->storage_.get()] { return storage->CheckWritable(); }, absl::Seconds(1));
  if (app->storage_->read_only()) {
    common::LogWarning(absl::StrCat("serving ", options.data_dir,
                                    " read-only: ", app->storage_->write_refusal().message()));
  }
  SOFDIR_ASSIGN_OR_RETURN(app->directory_, domain::Directory::Open(*app->storage_));
  common::LogInfo(absl::StrCat("opened ", options.data_dir, " at change sequence ",
                               app->directory_->LastSequence(), " in ",
                               absl::FormatDuration(absl::Now() - opening)));

  absl::Time indexing = absl::Now();
  SOFDIR_ASSIGN_OR_RETURN(app->search_,
                          domain::DirectorySearch::Attach(*app->directory_, *app->index_));
  common::LogInfo(absl::StrCat("indexed ", app->index_->size(), " records for search in ",
                               absl::FormatDuration(absl::Now() - indexing)));

  domain::PraktikBookings::Options booking_options;
  booking_options.today = options.today ? options.today : [] {
    static const absl::TimeZone zone = [] {
      absl::TimeZone copenhagen;
      return absl::LoadTimeZone("Europe/Copenhagen", &copenhagen) ? copenhagen
                                                                  : absl::LocalTimeZone();
    }();
    return absl::ToCivilDay(absl::Now(), zone);
  };
  app->bookings_ = std::make_unique<domain::PraktikBookings>(*app->directory_, *app->storage_,
                                                             app->search_.get(), booking_options);

  app->feed_ = std::make_unique<domain::ChangeFeed>(*app->directory_);
  app->outbox_ = std::make_unique<domain::Outbox>(*app->storage_);
  if (options.smtp) {
    domain::MailSender::Options mail;
    mail.smtp = *options.smtp;
    mail.first_retry = options.smtp_first_retry;
    mail.keep = options.outbox_keep;
    app->mail_sender_ = std::make_unique<domain::MailSender>(*app->outbox_, mail);
    app->directory_->AddListener(app->mail_sender_.get());
  } else {
    common::LogInfo("no --smtp-server: booking mail stays in the outbox (sofdir outbox)");
  }

  if (!options.demo_data.empty() && !app->storage_->read_only()) {
    absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::LocalTimeZone());
    SOFDIR_ASSIGN_OR_RETURN(
        domain::DemoLoadResult demo,
        domain::LoadDemoIfNew(*app->directory_, *app->storage_, options.demo_data, today));
    if (!demo.loaded) {
      common::LogInfo(absl::StrCat("demo data not loaded: ", demo.not_loaded_because));
    } else {
      common::LogInfo(
          absl::StrCat("loaded ", demo.records, " demo records from ", options.demo_data));
      // Parsing and importing the file took far more memory than the server
      // keeps: give those pages back to the OS.
      malloc_trim(0);
    }
  }

  if (options.metrics) {
    app->metrics_ = std::make_unique<ServerMetrics>(
        std::vector<std::string>{kServiceName, "grpc.health.v1.Health"});
    app->metrics_->Attach(*app->directory_, *app->index_, *app->storage_);
  }

  if (!options.backup_dir.empty()) {
    storage::BackupStore::Options backup_options;
    backup_options.backup_dir = options.backup_dir;
    backup_options.keep = options.backup_keep;
    // Beside the data directory: on its file system, so the checkpoint
    // hard-links table files instead of copying them while writes wait.
    std::string data_dir = options.data_dir;
    while (data_dir.size() > 1 && data_dir.back() == '/') data_dir.pop_back();
    backup_options.staging_dir = data_dir + ".backup-staging";
    SOFDIR_ASSIGN_OR_RETURN(app->backups_, storage::BackupStore::Open(backup_options));
  }

  app->pool_ = std::make_unique<common::WorkerPool>(options.worker_threads);
  DirectoryService::Limits limits;
  limits.max_concurrent_searches = options.max_concurrent_searches;
  limits.max_inline_searches = options.max_inline_searches;
  limits.max_queue_wait = options.max_queue_wait;
  limits.max_call_duration = options.max_call_duration;
  if (app->metrics_) {
    limits.on_search = [metrics = app->metrics_.get()](absl::Duration took, int64_t hits) {
      metrics->ObserveSearch(took, hits);
    };
  }
  app->service_ = std::make_unique<DirectoryService>(
      *app->directory_, *app->search_, *app->bookings_, *app->feed_, *app->pool_, *app->authorizer_,
      limits, app->backups_.get(), app->storage_.get());
  app->service_->set_outbox(app->outbox_.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &app->port_);
  builder.RegisterService(app->service_.get());
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  // Keepalive and connection limits: a client that floods pings gets its
  // connection closed (GOAWAY) after a few strikes; idle connections are
  // reaped; one connection cannot open unbounded streams.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONNECTION_IDLE_MS,
      static_cast<int>(absl::ToInt64Milliseconds(options.max_connection_idle)));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 100);
  // gRPC sets SO_REUSEPORT by default: a second server on the same port
  // would start and share its calls with the first.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  if (app->metrics_ || options.access_log) {  // no interceptor at all when both are off
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> observers;
    observers.push_back(std::make_unique<CallObserverFactory>(
        app->metrics_.get(), *app->authorizer_, options.access_log));
    builder.experimental().SetInterceptorCreators(std::move(observers));
  }
  app->server_ = builder.BuildAndStart();
  if (!app->server_ || app->port_ == 0) {
    return absl::UnavailableError(absl::StrCat(
        "listen: cannot bind ", options.listen,
        " (the address is in use, e.g. by another sofdir-server, or not a local address)"));
  }
  app->server_->GetHealthCheckService()->SetServingStatus(true);
  app->server_->GetHealthCheckService()->SetServingStatus(kServiceName, true);
  http::OpsEndpoints ops;
  ServerApp* self = app.get();
  if (app->metrics_) ops.metrics = [self] { return self->metrics_->Render(); };
  ops.ready = [self] { return self->Ready(); };
  if (!options.http_listen.empty()) {
    SOFDIR_ASSIGN_OR_RETURN(app->http_, StartHttp(options, *app->authorizer_, *app->server_, ops));
  }
  if (!options.metrics_listen.empty()) {
    SOFDIR_ASSIGN_OR_RETURN(app->ops_, http::OpsServer::Start(options.metrics_listen, ops));
  }
  return app;
}

absl::Status ServerApp::ReloadVocabulary() {
  const search::SearchIndex::Options files = VocabularyFiles(options_);
  absl::Status status = index_->ReloadVocabulary(files);
  if (!status.ok()) {
    status = NamingFiles(status, files);
    common::LogError(absl::StrCat("search vocabulary kept as it was: ", status.ToString()));
    return status;
  }
  common::LogInfo(
      absl::StrCat("search vocabulary reloaded: ", DescribeVocabulary(index_->vocabulary())));
  return absl::OkStatus();
}

absl::Status ServerApp::Ready() {
  if (stopping_.load()) return absl::UnavailableError("shutting down");
  absl::Status writable = writable_->Get();
  if (!writable.ok()) {
    return absl::UnavailableError(
        absl::StrCat("data directory not writable: ", writable.message()));
  }
  return absl::OkStatus();
}

std::string ServerApp::address() const { return absl::StrCat(host_, ":", port_); }

void ServerApp::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  stopping_.store(true);     // /readyz answers 503 from now on
  if (http_) http_->Stop();  // lets its calls in progress finish first
  if (server_) {             // absent when Start failed half-way
    server_->GetHealthCheckService()->SetServingStatus(false);
    server_->GetHealthCheckService()->SetServingStatus(kServiceName, false);
    feed_->Close();  // change watchers end now instead of at the deadline
    server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
    server_->Wait();
  }
  if (ops_) ops_->Stop();  // kept until here: load balancers see 503 during the grace
  if (mail_sender_) mail_sender_->Stop();  // kept until the directory is gone
  pool_.reset();                           // runs every task already scheduled
  service_.reset();
  http_.reset();
  server_.reset();
  bookings_.reset();
  feed_.reset();
  directory_.reset();
  mail_sender_.reset();
  outbox_.reset();
  search_.reset();
  index_.reset();
  backups_.reset();
  writable_.reset();
  storage_.reset();  // flushes and closes RocksDB
  metrics_.reset();
}

ServerApp::~ServerApp() { Shutdown(); }

}  // namespace sofdir::api
