// sofdir-server: the SOF knowledge directory over gRPC. All wiring and all
// flags live here; the libraries take Options structs.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>

#ifdef SOFDIR_WITH_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "server/api/server_app.h"
#include "server/common/log.h"
#include "server/domain/store_verifier.h"
#include "server/http/openapi.h"
#include "server/storage/backup_store.h"
#include "server/storage/storage.h"
#include "sofdir_version.h"

// jemalloc (linked in, see CMakeLists.txt) reads its options from this
// symbol (MALLOC_CONF overrides). While the index is rebuilt at start-up,
// freed pages go back to the system at once (decay 0), which keeps the peak
// lower (about 390 instead of 414 MB at 100,000 records); then the usual
// 10 s decay applies (see KeepFreedPagesAWhile), and a background thread
// returns them also while the server is idle.
// Without jemalloc (a sanitizer build, see CMakeLists.txt) neither applies.
#ifdef SOFDIR_WITH_JEMALLOC
extern "C" {
const char* malloc_conf = "background_thread:true,dirty_decay_ms:0,muzzy_decay_ms:0";
}
#endif

namespace {

// jemalloc's default decay, for every arena and those made later: freed
// pages are reused for 10 s before they go back to the system, so a busy
// server does not hand pages back and fault them in again.
void KeepFreedPagesAWhile() {
#ifdef SOFDIR_WITH_JEMALLOC
  ssize_t decay_ms = 10000;
  unsigned arenas = 0;
  size_t size = sizeof(arenas);
  bool ok = mallctl("arenas.narenas", &arenas, &size, nullptr, 0) == 0 &&
            mallctl("arenas.dirty_decay_ms", nullptr, nullptr, &decay_ms, sizeof(decay_ms)) == 0;
  for (unsigned i = 0; ok && i < arenas; ++i) {
    // Fails for arenas not made yet; they will take the default set above.
    const std::string name = absl::StrCat("arena.", i, ".dirty_decay_ms");
    mallctl(name.c_str(), nullptr, nullptr, &decay_ms, sizeof(decay_ms));
  }
  if (!ok) sofdir::common::LogWarning("cannot set jemalloc's decay; freed pages return at once");
#endif
}

// Where the shipped data files (the search vocabulary) are:
// <directory of the executable>/../share/sofdir, which is
// <build>/share/sofdir in a build tree (CMakeLists.txt copies them there)
// and <prefix>/share/sofdir when installed. "" when the executable's path
// cannot be read.
std::string ShippedDataDir() {
  std::error_code error;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "";
  return (executable.parent_path().parent_path() / "share" / "sofdir").lexically_normal().string();
}

// sofdir-server --verify: checks the data directory without serving or
// writing anything. 0 when sound, 1 when damaged, 2 when it cannot be read.
int Verify(const std::string& data_dir) {
  std::cout << "verifying " << data_dir << " (read-only)" << std::endl;
  sofdir::storage::Storage::Options options;
  options.path = data_dir;
  options.read_only = true;
  absl::StatusOr<std::unique_ptr<sofdir::storage::Storage>> storage =
      sofdir::storage::Storage::Open(options);
  if (!storage.ok()) {
    if (absl::IsDataLoss(storage.status())) {
      std::cout << "DAMAGED: " << storage.status().message() << std::endl;
      return 1;
    }
    std::cout << "cannot verify: " << storage.status().message() << std::endl;
    return 2;
  }
  std::cout << "write-ahead log and MANIFEST: every record read, checksums match" << std::endl;
  int damaged = 0;
  absl::StatusOr<sofdir::storage::Storage::ChecksumReport> checksums =
      (*storage)->VerifyChecksums();
  if (checksums.ok()) {
    std::cout << "table files: " << checksums->table_files << " (" << checksums->table_bytes
              << " bytes), every block checksum matches; whole-file checksums match for "
              << checksums->whole_file_checked << " (files written before this version have none)"
              << std::endl;
  } else {
    std::cout << "DAMAGED: " << checksums.status().message() << std::endl;
    ++damaged;
  }
  absl::StatusOr<sofdir::domain::StoreReport> report = sofdir::domain::VerifyStore(**storage);
  if (!report.ok()) {
    std::cout << "DAMAGED: cannot read everything: " << report.status().message() << std::endl;
    return 1;
  }
  std::cout << "store: " << report->records << " records (" << report->units << " units), "
            << report->changes << " changes, " << report->refs << " refs entries, " << report->order
            << " order entries, " << report->bookings << " bookings, " << report->booking_index
            << " booking index entries" << std::endl;
  for (const std::string& problem : report->problems) {
    std::cout << "DAMAGED: " << problem << std::endl;
  }
  if (report->problem_count > static_cast<int>(report->problems.size())) {
    std::cout << "DAMAGED: ... and " << report->problem_count - report->problems.size() << " more"
              << std::endl;
  }
  if (report->sound()) {
    std::cout << "store invariants hold: change log gap-free"
              << (report->changes > 0 ? absl::StrCat(" (1..", report->changes, ")") : "")
              << ", refs, order and booking index match the records and bookings, no unit cycle"
              << std::endl;
  }
  damaged += report->problem_count;
  std::cout << (damaged == 0 ? "sound" : "damaged: restore from a backup") << std::endl;
  return damaged == 0 ? 0 : 1;
}

// --smtp-* into options.smtp; INVALID_ARGUMENT / NOT_FOUND naming the flag.
absl::Status SmtpFlags(const std::string& server, const std::string& credentials,
                       const std::string& from, const std::string& starttls,
                       const std::string& ca_file, sofdir::api::ServerApp::Options& options) {
  sofdir::domain::SmtpOptions smtp;
  absl::Status status = sofdir::domain::ParseSmtpServer(server, smtp);
  if (status.ok()) status = sofdir::domain::ParseStartTls(starttls, smtp);
  if (status.ok() && !credentials.empty()) {
    status = sofdir::domain::ReadSmtpCredentials(credentials, smtp);
  }
  if (status.ok() && !ca_file.empty()) status = sofdir::domain::ReadSmtpCaFile(ca_file, smtp);
  if (status.ok() && (from.empty() || from.find('@') == std::string::npos ||
                      from.find_first_of("<>\r\n ") != std::string::npos)) {
    status = absl::InvalidArgumentError(
        "--smtp-from: give the sender address of booking mail, e.g. praktik@kk.dk");
  }
  smtp.from = from;
  if (status.ok()) options.smtp = smtp;
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  sofdir::api::ServerApp::Options options;
  int grace_seconds = 10;
  CLI::App cli{
      "Serves the SOF knowledge directory (sof.directory.v1) over gRPC with an\n"
      "embedded RocksDB. SIGTERM or SIGINT shut it down gracefully; SIGHUP re-reads --auth-config\n"
      "and the search vocabulary (--synonyms, --query-rules) without dropping a call.",
      "sofdir-server"};
  cli.set_version_flag("--version", sofdir::VersionLine("sofdir-server"));
  cli.add_option("--listen", options.listen, "host:port to serve on; port 0 picks a free port")
      ->capture_default_str();
  cli.add_option("--http-listen", options.http_listen,
                 "host:port for the HTTP/JSON API and the web page (TLS with --tls-cert/--tls-key "
                 "as gRPC); port 0 picks a free port; empty: no HTTP")
      ->capture_default_str();
  options.data_dir = "var/data";
  cli.add_option("--data-dir", options.data_dir, "RocksDB data directory (created when missing)")
      ->capture_default_str();
  cli.add_option("--demo-data", options.demo_data,
                 "JSON Lines file loaded when the data directory holds no records");
  cli.add_option("--auth-config", options.auth_config_path,
                 "JSON file of bearer tokens, principals and roles (see README); "
                 "re-read on SIGHUP. Without it every caller may do everything")
      ->check(CLI::ExistingFile);
  options.shipped_data_dir = ShippedDataDir();
  const std::string shipped =
      options.shipped_data_dir.empty() ? std::string("share/sofdir") : options.shipped_data_dir;
  cli.add_option("--synonyms", options.synonyms_path,
                 absl::StrCat("search thesaurus of terms, synonyms and abbreviations; without it, ",
                              shipped, "/", sofdir::api::ServerApp::kShippedThesaurus,
                              " (shipped) when it exists. Re-read on SIGHUP"))
      ->check(CLI::ExistingFile);
  cli.add_option("--query-rules", options.query_rules_path,
                 absl::StrCat("search query rules (kind words, questions, filters written as "
                              "words, places); without it, ",
                              shipped, "/", sofdir::api::ServerApp::kShippedQueryRules,
                              " (shipped) when it exists. Re-read on SIGHUP"))
      ->check(CLI::ExistingFile);
  cli.add_option("--worker-threads", options.worker_threads, "threads that run requests")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cli.add_option("--inline-searches", options.max_inline_searches,
                 "searches and suggestions that may run at once on gRPC's own thread instead "
                 "of a worker (saves a thread hand-off; keep it below the core count)")
      ->capture_default_str()
      ->check(CLI::Range(0, 64));
  CLI::Option* tls_cert =
      cli.add_option("--tls-cert", options.tls_cert_path,
                     "PEM certificate (chain) to serve TLS with; without it, plaintext")
          ->check(CLI::ExistingFile);
  CLI::Option* tls_key =
      cli.add_option("--tls-key", options.tls_key_path, "PEM private key of --tls-cert")
          ->check(CLI::ExistingFile);
  tls_cert->needs(tls_key);
  tls_key->needs(tls_cert);
  cli.add_option("--tls-client-ca", options.tls_client_ca_path,
                 "PEM CA certificate: clients must present a certificate it signed")
      ->check(CLI::ExistingFile)
      ->needs(tls_cert);
  int max_call_seconds = 60;
  cli.add_option("--max-call-seconds", max_call_seconds,
                 "longest a call may run (change watches excepted), whatever deadline its "
                 "client sent or none; then it stops with DEADLINE_EXCEEDED and leaves "
                 "nothing half stored")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  bool verify = false;
  cli.add_flag("--verify", verify,
               "check the --data-dir (every file's checksums and the store's own invariants) "
               "without serving or writing; exit 0 when sound, 1 when damaged, 2 when it "
               "cannot be read");
  cli.add_option("--shutdown-grace-seconds", grace_seconds,
                 "on SIGTERM/SIGINT, how long in-flight calls get to finish")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600));
  cli.add_option("--metrics-listen", options.metrics_listen,
                 "host:port serving only /metrics, /healthz and /readyz over plain HTTP (they "
                 "are on --http-listen too); port 0 picks a free port; empty: none");
  bool no_metrics = false;
  cli.add_flag("--no-metrics", no_metrics,
               "collect no metrics (/metrics answers 404); for measuring their cost");
  bool no_access_log = false;
  cli.add_flag("--no-access-log", no_access_log, "write no log line per call");
  std::string log_format = "text";
  cli.add_option("--log-format", log_format,
                 "text, or json: one JSON object per line (time, level, msg and fields) for "
                 "journald and log shippers")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  cli.add_option("--backup-dir", options.backup_dir,
                 "directory for backups (sofdir backup; RocksDB BackupEngine), created when "
                 "missing; without it backups are refused");
  cli.add_option("--backup-keep", options.backup_keep, "after each backup, keep only the newest N")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  std::string restore;
  cli.add_option("--restore", restore,
                 "restore backup BACKUP (an id from `sofdir backup list`, or latest) from "
                 "--backup-dir into --data-dir, which must be new or empty; the backup's "
                 "checksums and the --verify checks must pass, then it serves (with --verify: "
                 "exits instead)")
      ->needs("--backup-dir");
  std::string smtp_server, smtp_credentials, smtp_from, smtp_starttls = "auto", smtp_ca_file;
  int smtp_retry_seconds = 30;
  cli.add_option("--smtp-server", smtp_server,
                 "HOST:PORT of the mail relay for booking mail; without it the mail stays in "
                 "the outbox (sofdir outbox)");
  cli.add_option("--smtp-credentials", smtp_credentials,
                 "file with the relay's user (line 1) and password (line 2)")
      ->check(CLI::ExistingFile);
  cli.add_option("--smtp-from", smtp_from,
                 "sender address of booking mail (required with "
                 "--smtp-server)");
  cli.add_option("--smtp-starttls", smtp_starttls,
                 "auto (when the relay offers it), required or off")
      ->capture_default_str();
  cli.add_option("--smtp-ca-file", smtp_ca_file,
                 "PEM file of the CAs trusted for the relay's certificate (STARTTLS); default: "
                 "the system's CAs");
  cli.add_option("--smtp-retry-seconds", smtp_retry_seconds,
                 "first wait before retrying undelivered mail; it doubles up to an hour")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  double outbox_keep_days = 30;
  cli.add_option("--outbox-keep-days", outbox_keep_days,
                 "days sent and failed booking mail (names, addresses) stays in the outbox "
                 "before the mail sender deletes it; 0: forever; pending mail is always kept")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 36500.0));
  CLI11_PARSE(cli, argc, argv);
  sofdir::common::SetLogFormat(log_format == "json" ? sofdir::common::LogFormat::kJson
                                                    : sofdir::common::LogFormat::kText);
  options.metrics = !no_metrics;
  options.access_log = !no_access_log;
  if (!smtp_server.empty()) {
    absl::Status smtp =
        SmtpFlags(smtp_server, smtp_credentials, smtp_from, smtp_starttls, smtp_ca_file, options);
    if (!smtp.ok()) {
      std::cerr << smtp.message() << std::endl;
      return 2;
    }
    options.smtp_first_retry = absl::Seconds(smtp_retry_seconds);
    options.outbox_keep =
        outbox_keep_days == 0 ? absl::InfiniteDuration() : absl::Seconds(outbox_keep_days * 86400);
  }
  options.max_call_duration = absl::Seconds(max_call_seconds);
  if (!restore.empty()) {
    std::cout << "restoring backup " << restore << " from " << options.backup_dir << " into "
              << options.data_dir << std::endl;
    absl::StatusOr<sofdir::storage::BackupStore::Info> restored =
        sofdir::storage::BackupStore::Restore(
            options.backup_dir, restore, options.data_dir, [](const std::string& dir) {
              return Verify(dir) == 0 ? absl::OkStatus()
                                      : absl::DataLossError(
                                            "the restored copy fails the --verify checks "
                                            "(above); nothing was restored");
            });
    if (!restored.ok()) {
      std::cout << "cannot restore: " << restored.status().message() << std::endl;
      return 1;
    }
    std::cout << "restored backup " << restored->id << " (taken "
              << absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", restored->time, absl::UTCTimeZone())
              << ", change sequence " << restored->sequence << ") into " << options.data_dir
              << std::endl;
    if (verify) return 0;
  } else if (verify) {
    return Verify(options.data_dir);
  }

  // Debian builds abseil without NDEBUG, which turns on its lock-order
  // (deadlock) graph for every absl::Mutex, gRPC's included: a global lock
  // and bookkeeping on each contended Lock. Tests keep it; the server skips it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  // Block the shutdown signals before any thread starts, so every thread
  // inherits the mask and only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Reflection lets generic tools (grpcurl, buf curl) discover the API.
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  absl::Time started = absl::Now();
  if (!options.http_listen.empty()) {
    // GET /v1/openapi.json: built once, from the descriptors embedded at build time.
    absl::StatusOr<std::string> openapi = sofdir::http::BuildOpenApiDocument();
    if (!openapi.ok()) {
      sofdir::common::LogError(
          absl::StrCat("cannot build the OpenAPI document: ", openapi.status().ToString()));
      return 1;
    }
    options.openapi_json = *std::move(openapi);
  }
  absl::StatusOr<std::unique_ptr<sofdir::api::ServerApp>> app =
      sofdir::api::ServerApp::Start(options);
  if (!app.ok()) {
    sofdir::common::LogError(absl::StrCat("cannot start: ", app.status().ToString()));
    return 1;
  }
  KeepFreedPagesAWhile();
  // Tests and scripts read this line to learn the port.
  std::cout << "sofdir-server listening on " << (*app)->address() << " (data " << options.data_dir
            << ", ready in " << absl::FormatDuration(absl::Now() - started) << ")" << std::endl;
  if ((*app)->http_port() != 0) {
    std::cout << "http listening on " << (*app)->http_address() << std::endl;
  }
  if ((*app)->metrics_port() != 0) {
    std::cout << "metrics listening on "
              << options.metrics_listen.substr(0, options.metrics_listen.rfind(':')) << ":"
              << (*app)->metrics_port() << std::endl;
  }

  int signal_number = 0;
  while (sigwait(&signals, &signal_number) == 0 && signal_number == SIGHUP) {
    absl::Status reloaded = (*app)->ReloadAuth();
    if (reloaded.ok()) {
      sofdir::common::LogInfo("SIGHUP: auth config reloaded");
    } else {
      sofdir::common::LogError(
          absl::StrCat("SIGHUP: auth config kept as it was: ", reloaded.ToString()));
    }
    // Logs what it loaded, or why it kept the old vocabulary.
    (*app)->ReloadVocabulary().IgnoreError();
  }
  sofdir::common::LogInfo(absl::StrCat("signal ", signal_number, ": shutting down"));
  (*app)->Shutdown(absl::Seconds(grace_seconds));
  sofdir::common::LogInfo("stopped cleanly");
  return 0;
}
