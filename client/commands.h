// The `sofdir` subcommands, one function each. They take parsed options
// (flags live only in main.cc), connect to the server, write their result
// to stdout (progress to stderr when it is a terminal) and return the
// status main.cc turns into `sofdir: <message>` and an exit code
// (exit_codes.h). A command that fails writes nothing to stdout, except
// `import`, which prints its summary and then returns INVALID_ARGUMENT when
// any line was rejected. Defined in commands.cc, search_commands.cc
// (search, who-knows, suggest) and praktik_commands.cc.
#ifndef SOFDIR_CLIENT_COMMANDS_H_
#define SOFDIR_CLIENT_COMMANDS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace sofdir::client {

// Options every subcommand has.
struct CommonOptions {
  std::string server = "127.0.0.1:50051";
  bool json = false;
  absl::Duration timeout = absl::Seconds(10);  // per call (import: per batch)
  // How long to wait for the server to be reachable: reads wait (and may be
  // retried); writes and bookings use a short one (cli::WriteOptions) so an
  // absent server is reported within a second.
  absl::Duration connect_timeout = absl::Seconds(3);
  // TLS PEM files (DirectoryClient::Options); empty ca = plaintext.
  std::string ca_path;
  std::string cert_path;
  std::string key_path;
  std::string token;  // sent as "authorization: Bearer <token>" when set
};

struct ImportOptions {
  std::string file;  // "-" = stdin
  int batch_size = 1000;
};
[[nodiscard]] absl::Status RunImport(const CommonOptions& common, const ImportOptions& options);

struct ExportOptions {
  std::string kind = "all";  // a kind name or "all"
  std::string out;           // "" or "-" = stdout
};
[[nodiscard]] absl::Status RunExport(const CommonOptions& common, const ExportOptions& options);

struct StaleOptions {
  std::string older_than = "180d";  // N days: "180d" or "180"
  std::string unit;
  int limit = 100;
};
// Lists records nobody has confirmed for longer than older_than.
[[nodiscard]] absl::Status RunStale(const CommonOptions& common, const StaleOptions& options);

// Confirms a record is still correct, without changing it.
[[nodiscard]] absl::Status RunVerify(const CommonOptions& common, const std::string& id);

struct AuditOptions {
  std::string resource;
  std::string principal;
  std::string since;  // YYYY-MM-DD (UTC midnight) or empty
  int limit = 100;
};
// Prints who changed or read what, newest first (admins only).
[[nodiscard]] absl::Status RunAudit(const CommonOptions& common, const AuditOptions& options);

struct ChangesOptions {
  uint64_t since = 0;   // print changes with a higher sequence
  bool follow = false;  // then keep following live, reconnecting as needed
};
// Prints the change log: one line (or JSON object) per change.
[[nodiscard]] absl::Status RunChanges(const CommonOptions& common, const ChangesOptions& options);

[[nodiscard]] absl::Status RunGet(const CommonOptions& common, const std::string& id);

struct ListOptions {
  std::string kind = "all";  // a kind name or "all"
  std::string parent;
  int page_size = 0;  // 0 = the server's default (50); with `all`, 1000
  std::string page_token;
  bool all = false;  // follow next_page_token to the end
};
[[nodiscard]] absl::Status RunList(const CommonOptions& common, const ListOptions& options);

struct CreateOptions {
  std::string file;        // one JSON record; "-" = stdin
  std::string request_id;  // "" = generate one
};
[[nodiscard]] absl::Status RunCreate(const CommonOptions& common, const CreateOptions& options);

struct UpdateOptions {
  std::string file;               // one JSON record; "-" = stdin
  std::vector<std::string> mask;  // field paths; empty = replace all fields
  std::string etag;
};
[[nodiscard]] absl::Status RunUpdate(const CommonOptions& common, const UpdateOptions& options);

struct DeleteOptions {
  std::string id;
  std::string etag;
};
[[nodiscard]] absl::Status RunDelete(const CommonOptions& common, const DeleteOptions& options);

// `search`: what the server understood in the text (one line, with the
// command that searches literally instead), the ranked results, their
// snippets and the facet counts; with --json one object (search_view.h). A
// query the server finds nothing for (e.g. only stop words) prints "no
// results" and is OK.
struct SearchOptions {
  std::string text;                // may be empty when a filter is given
  std::vector<std::string> kinds;  // kind names; empty = all kinds
  std::string area;
  std::string district;
  std::string legal_basis;
  std::string service_type;
  std::optional<int> age;
  bool only_free = false;
  int fresh_days = 0;  // only records confirmed within this many days; 0 = all
  std::string near;    // "LAT,LON" or a place name (ParseNear); "" = none
  std::string filter;  // AIP-160 subset, passed on as it is
  int limit = 0;       // page_size; 0 = the server's default (10)
  std::string page_token;
  bool explain = false;
  bool literal = false;  // search the words as typed: no query understanding
};
[[nodiscard]] absl::Status RunSearch(const CommonOptions& common, const SearchOptions& options);

struct WhoKnowsOptions {
  std::string topic;
  int limit = 0;  // 0 = the server's default (10)
};
[[nodiscard]] absl::Status RunWhoKnows(const CommonOptions& common, const WhoKnowsOptions& options);

struct SuggestOptions {
  std::string prefix;
  int limit = 0;  // 0 = the server's default (8)
};
[[nodiscard]] absl::Status RunSuggest(const CommonOptions& common, const SuggestOptions& options);

// `praktik list`: offers with their open slots, seats left and waitlist
// lengths (praktik_view.h); with --json one object.
struct PraktikListOptions {
  std::string text;  // "" = every offer
  std::string from;  // YYYY-MM-DD or ""
  std::string to;    // YYYY-MM-DD or ""
  bool only_free = false;
  int limit = 0;  // offers (page_size); 0 = the server's default (50)
};
[[nodiscard]] absl::Status RunPraktikList(const CommonOptions& common,
                                          const PraktikListOptions& options);

// `praktik book`: prints the booking (CONFIRMED, or WAITLISTED with its
// place in line) and the command for its calendar event; --json prints the
// booking object, whose request_id is the one sent. Without request_id one
// is generated. UNAVAILABLE and DEADLINE_EXCEEDED are retried up to
// `retries` times with the same request id, so a retry never books twice;
// when they persist the message says which --request-id to retry with.
struct PraktikBookOptions {
  std::string offer_id;
  std::string slot_start;  // YYYY-MM-DD
  std::string name;
  std::string email;
  std::string unit_id;
  std::string note;
  std::string request_id;  // "" = generate one
  int retries = 3;
};
[[nodiscard]] absl::Status RunPraktikBook(const CommonOptions& common,
                                          const PraktikBookOptions& options);

// `praktik cancel`: prints the cancelled booking; the server promotes the
// first on the slot's waitlist. Cancelling twice is OK.
[[nodiscard]] absl::Status RunPraktikCancel(const CommonOptions& common,
                                            const std::string& booking_id);

// `praktik show`: every field of one booking.
[[nodiscard]] absl::Status RunPraktikShow(const CommonOptions& common,
                                          const std::string& booking_id);

// `praktik bookings`: exactly one of email (a booker's bookings) and
// offer_id (the host's view, grouped by slot); main.cc enforces it.
struct PraktikBookingsOptions {
  std::string email;
  std::string offer_id;
  bool include_cancelled = false;
};
[[nodiscard]] absl::Status RunPraktikBookings(const CommonOptions& common,
                                              const PraktikBookingsOptions& options);

// `praktik ics`: the booking's iCalendar text exactly as the server sends
// it (CRLF line ends) to stdout, or to `out` (then a one-line summary on
// stdout). With --json: {"booking_id","uid","method","ics"} (or "out"
// instead of "ics" with a file).
struct PraktikIcsOptions {
  std::string booking_id;
  std::string out;  // "" or "-" = stdout
};
[[nodiscard]] absl::Status RunPraktikIcs(const CommonOptions& common,
                                         const PraktikIcsOptions& options);

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_COMMANDS_H_
