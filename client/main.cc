// sofdir: the command-line client of sofdir-server. Every subcommand and its
// flags are declared here (the common flags in cli_flags.h); the commands
// themselves are in commands.h.
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "client/backup_commands.h"
#include "client/cli_flags.h"
#include "client/commands.h"
#include "client/exit_codes.h"
#include "client/outbox_commands.h"
#include "client/search_view.h"
#include "server/model/record_util.h"

namespace {

using ::sofdir::client::cli::AddCommonFlags;
using ::sofdir::client::cli::CommonFlags;
using ::sofdir::client::cli::Finish;
using ::sofdir::client::cli::kDefaultServer;
using ::sofdir::client::cli::UsageError;
const std::string kKindHelp = absl::StrCat(sofdir::model::ValidKindsText(), ", or all");
const std::vector<std::string> kSearchKinds = absl::StrSplit(sofdir::model::ValidKindsText(), ", ");
const std::vector<std::string> kKinds = [] {
  std::vector<std::string> kinds = kSearchKinds;
  kinds.push_back("all");
  return kinds;
}();

// --near must be a point or a place name; a bad point is a usage error.
const CLI::Validator kNearValidator(
    [](std::string& value) {
      absl::StatusOr<sofdir::client::NearPlace> near = sofdir::client::ParseNear(value);
      return near.ok() ? std::string() : std::string(near.status().message());
    },
    "LAT,LON|PLACE");

}  // namespace

namespace {

int Main(int argc, char** argv) {
  CLI::App cli{
      "sofdir: command-line client of the SOF knowledge directory (sofdir-server).\n"
      "Imports and exports the JSON Lines format of shared/data/README.md; reads,\n"
      "lists, creates, updates and deletes single records; searches the directory\n"
      "(search, who-knows, suggest); books Praktik i SOF visits (praktik).",
      "sofdir"};
  cli.require_subcommand(1);
  CommonFlags global_flags;
  sofdir::client::cli::AddGlobalFlags(cli, global_flags);
  cli.footer(std::string("The server defaults to $SOFDIR_SERVER, else ") + kDefaultServer +
             ".\n\n" + sofdir::client::kExitCodeHelp);

  // import
  CommonFlags import_flags;
  import_flags.timeout_seconds = 60;
  sofdir::client::ImportOptions import_options;
  CLI::App* import_command =
      cli.add_subcommand("import", "Load a JSON Lines file of records (upsert by id)");
  import_command->add_option("FILE", import_options.file, "JSON Lines file; - reads stdin")
      ->required();
  import_command
      ->add_option("--batch-size", import_options.batch_size, "records per ImportRecords call")
      ->capture_default_str()
      ->check(CLI::Range(1, 5000));
  AddCommonFlags(*import_command, import_flags, "seconds each batch may take",
                 "Records keep the id they have in the file; re-importing the same file\n"
                 "changes nothing. Shows a progress bar on a terminal, then prints the\n"
                 "created/updated/unchanged/rejected counts and, for each rejected line, its\n"
                 "line number, id and reason. Exits 4 when any line was rejected (the other\n"
                 "lines are imported).");

  // export
  CommonFlags export_flags;
  sofdir::client::ExportOptions export_options;
  CLI::App* export_command =
      cli.add_subcommand("export", "Write the records as JSON Lines, the format import reads");
  export_command
      ->add_option("--kind", export_options.kind, std::string("only this kind: ") + kKindHelp)
      ->capture_default_str()
      ->check(CLI::IsMember(kKinds));
  export_command->add_option("--out", export_options.out, "write to this file instead of stdout");
  AddCommonFlags(*export_command, export_flags, "seconds each page may take",
                 "Records come in creation order, so every reference points to an earlier\n"
                 "line. With --out the file appears only once the export is complete.");

  // stale
  CommonFlags stale_flags;
  sofdir::client::StaleOptions stale_options;
  CLI::App* stale_command =
      cli.add_subcommand("stale", "Records nobody has confirmed for a while, oldest first");
  stale_command->add_option("--older-than", stale_options.older_than, "age, in days: e.g. 180d")
      ->capture_default_str();
  stale_command->add_option("--unit", stale_options.unit,
                            "only records of this unit and the units below it");
  stale_command->add_option("--limit", stale_options.limit, "at most this many")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  AddCommonFlags(*stale_command, stale_flags, "seconds the call may take",
                 "A record counts as confirmed when its content changes or an editor runs\n"
                 "`sofdir verify ID`; imported records start from their own updated_at.");

  // verify
  CommonFlags verify_flags;
  std::string verify_id;
  CLI::App* verify_command =
      cli.add_subcommand("verify", "Confirm a record is still correct, without changing it");
  verify_command->add_option("ID", verify_id, "record id")->required();
  AddCommonFlags(*verify_command, verify_flags, "seconds the call may take",
                 "Sets the record's verified time to now and verified-by to you. Editors may\n"
                 "confirm records of their own units.");

  // audit
  CommonFlags audit_flags;
  sofdir::client::AuditOptions audit_options;
  CLI::App* audit_command =
      cli.add_subcommand("audit", "Who changed what, and who looked up which person (admins)");
  audit_command->add_option("--resource", audit_options.resource, "only this record or booking id");
  audit_command->add_option("--principal", audit_options.principal, "only this principal");
  audit_command->add_option("--since", audit_options.since, "only from this day (YYYY-MM-DD, UTC)")
      ->check(sofdir::client::cli::DateValidator());
  audit_command->add_option("--limit", audit_options.limit, "at most this many entries")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  AddCommonFlags(*audit_command, audit_flags, "seconds the call may take",
                 "Newest first. Every create, update, delete, import and booking change is\n"
                 "recorded with its principal, method and changed fields in the same write as\n"
                 "the change; reads of person records are logged too. Needs an admin --token\n"
                 "when the server checks tokens.");

  // changes
  CommonFlags changes_flags;
  sofdir::client::ChangesOptions changes_options;
  CLI::App* changes_command =
      cli.add_subcommand("changes", "Print the change log (every create, update, delete, booking)");
  changes_command
      ->add_option("--since", changes_options.since, "print changes with a higher sequence number")
      ->capture_default_str();
  changes_command->add_flag("--follow", changes_options.follow,
                            "keep following new changes live (Ctrl-C to stop)");
  AddCommonFlags(*changes_command, changes_flags, "seconds each page may take",
                 "One line per change: sequence, time (UTC), type, id, name. With --json one\n"
                 "object per line: sequence, id, type (created|updated|deleted), kind, time,\n"
                 "and the record (or booking) after the change. Sequence numbers are gap-free;\n"
                 "to keep a copy in sync, remember the last one and continue with --since.\n"
                 "--follow reconnects by itself after a server restart.");

  // get
  CommonFlags get_flags;
  std::string get_id;
  CLI::App* get_command = cli.add_subcommand("get", "Show one record");
  get_command->add_option("ID", get_id, "record id, e.g. unit-0001")->required();
  AddCommonFlags(*get_command, get_flags, "seconds the call may take",
                 "Shows every field plus the etag (for update/delete --etag) and the\n"
                 "change-log sequences. Exits 3 when no record has the id.");

  // list
  CommonFlags list_flags;
  sofdir::client::ListOptions list_options;
  CLI::App* list_command = cli.add_subcommand("list", "List records of a kind, a page at a time");
  list_command->add_option("KIND", list_options.kind, kKindHelp)
      ->required()
      ->check(CLI::IsMember(kKinds));
  list_command->add_option("--parent", list_options.parent,
                           "only records below this unit (child units, its tilbud, persons, "
                           "praktik, partners)");
  list_command
      ->add_option("--page-size", list_options.page_size,
                   "records per page (server default 50, at most 1000)")
      ->check(CLI::Range(1, 1000));
  list_command->add_option("--page-token", list_options.page_token,
                           "token printed by the previous page");
  list_command->add_flag("--all", list_options.all, "follow the pages to the end");
  AddCommonFlags(*list_command, list_flags, "seconds each call may take",
                 "Records come in id order. When there are more, the last line is the\n"
                 "command that shows the next page; --all fetches every page.");

  // create
  CommonFlags create_flags;
  sofdir::client::CreateOptions create_options;
  CLI::App* create_command = cli.add_subcommand("create", "Create a record from a JSON file");
  create_command->add_option("FILE", create_options.file, "JSON file; - reads stdin")->required();
  create_command->add_option("--request-id", create_options.request_id,
                             "idempotency key (a random one when not given; --json prints it; "
                             "retrying with the same key returns the first result)");
  AddCommonFlags(*create_command, create_flags, "seconds the call may take",
                 "FILE holds one record in the import line format; the record gets the id\n"
                 "it carries. Exits 6 when the id is taken. Prints the stored record.");

  // update
  CommonFlags update_flags;
  sofdir::client::UpdateOptions update_options;
  CLI::App* update_command = cli.add_subcommand("update", "Change a record from a JSON file");
  update_command->add_option("FILE", update_options.file, "JSON file; - reads stdin")->required();
  update_command
      ->add_option("--mask", update_options.mask,
                   "comma-separated fields to replace, e.g. name,address.district "
                   "(default: all)")
      ->delimiter(',');
  update_command->add_option("--etag", update_options.etag,
                             "only update when the stored etag is this (else exit 6)");
  AddCommonFlags(*update_command, update_flags, "seconds the call may take",
                 "FILE holds one record in the import line format; its id names the record\n"
                 "to change. Without --mask every field is replaced. Prints the stored\n"
                 "record; exits 3 when it does not exist, 6 when --etag is stale.");

  // delete
  CommonFlags delete_flags;
  sofdir::client::DeleteOptions delete_options;
  CLI::App* delete_command = cli.add_subcommand("delete", "Delete a record");
  delete_command->add_option("ID", delete_options.id, "record id")->required();
  delete_command->add_option("--etag", delete_options.etag,
                             "only delete when the stored etag is this (else exit 6)");
  AddCommonFlags(*delete_command, delete_flags, "seconds the call may take",
                 "Exits 3 when the record does not exist, 6 while other records refer to\n"
                 "it (the message lists them) or when --etag is stale.");

  // search
  CommonFlags search_flags;
  sofdir::client::SearchOptions search_options;
  std::vector<std::string> search_words;
  int search_age = 0;
  CLI::App* search_command = cli.add_subcommand(
      "search", "Find tilbud, units, partners, praktik offers and people by what they are about");
  search_command->add_option("TEXT", search_words,
                             "what to look for, e.g. botilbud unge autisme; may be left out when "
                             "a filter is given");
  search_command
      ->add_option("--kind", search_options.kinds,
                   absl::StrCat("only these kinds; repeat or separate with commas: ",
                                sofdir::model::ValidKindsText()))
      ->check(CLI::IsMember(kSearchKinds))
      ->delimiter(',')
      ->allow_extra_args(false);
  search_command->add_option("--area", search_options.area,
                             "only this area, e.g. \"Udsatte voksne\"");
  search_command->add_option("--district", search_options.district,
                             "only this district, e.g. Nørrebro");
  search_command->add_option("--legal-basis", search_options.legal_basis,
                             "only tilbud given under this, e.g. \"SEL § 107\"");
  search_command->add_option("--service-type", search_options.service_type,
                             "only tilbud of this type, e.g. botilbud");
  CLI::Option* age_option =
      search_command->add_option("--age", search_age, "only tilbud whose age range covers this age")
          ->check(CLI::Range(0, 120));
  search_command->add_flag("--free", search_options.only_free, "only tilbud with free places");
  search_command
      ->add_option("--fresh", search_options.fresh_days,
                   "only records confirmed within DAYS (default 180 when given without a value)")
      ->expected(0, 1)
      ->default_str("180")
      ->check(CLI::Range(1, 100000));
  search_command
      ->add_option("--near", search_options.near,
                   "rank nearer records higher and show distances: LAT,LON or a district, "
                   "e.g. Nørrebro")
      ->check(kNearValidator);
  search_command->add_option(
      "--filter", search_options.filter,
      "filter expression, e.g. 'kind = \"tilbud\" AND free_places > 0' (fields: kind, area, "
      "district, legal_basis, service_type, age, free_places, unit_id)");
  search_command->add_option("--limit", search_options.limit, "results per page (default 10)")
      ->check(CLI::Range(1, 100));
  search_command->add_option("--page-token", search_options.page_token,
                             "token printed by the previous page");
  search_command->add_flag("--explain", search_options.explain,
                           "show how each result's score came about, and each thing the server "
                           "understood in the text with the words it took");
  search_command->add_flag("--literal", search_options.literal,
                           "search the words as typed: no reading of kind words, questions, "
                           "filters or places written in the text");
  AddCommonFlags(
      *search_command, search_flags, "seconds the call may take",
      "Danish text as people type it: without æ/ø/å, with typos, inflections,\n"
      "abbreviations (SEL 107, SPC) and synonyms. The server also reads what the\n"
      "text asks for: the kind of record (\"besøg hos ...\" = praktik), questions\n"
      "(\"hvem ved noget om ...\"), filters written as words (\"ledig plads\",\n"
      "\"§ 107\", \"i oktober\", \"8-årig\") and places (\"Valby Langgade\", \"2500\").\n"
      "What it understood comes first, on one line, with the command that\n"
      "searches without it:\n"
      "  Fortolket: viser kun tilbud med ledige pladser · søg i stedet uden\n"
      "  fortolkning: sofdir search --literal 'botilbud ledig plads'\n"
      "Then the ranked results with the words that matched in bold (« » when not\n"
      "on a terminal), free places for tilbud, counts per kind, area, district,\n"
      "service type and legal basis to narrow by (a value named in the text or a\n"
      "flag is always shown), and the command for the next page. --json gives\n"
      "the same as one object, with \"interpretation\". A query that finds nothing\n"
      "prints \"no results\" and exits 0; a bad --filter exits 4.");

  // who-knows
  CommonFlags who_knows_flags;
  sofdir::client::WhoKnowsOptions who_knows_options;
  std::vector<std::string> who_knows_words;
  CLI::App* who_knows_command = cli.add_subcommand(
      "who-knows", "Find the persons and units that know a topic or method, and how to reach them");
  who_knows_command->add_option("TOPIC", who_knows_words, "topic or method, e.g. FIT")->required();
  who_knows_command->add_option("--limit", who_knows_options.limit, "how many to show (default 10)")
      ->check(CLI::Range(1, 100));
  AddCommonFlags(*who_knows_command, who_knows_flags, "seconds the call may take",
                 "Ranked by the evidence, which is listed under each one (e.g. expertise,\n"
                 "praktik offers they host). Exits 4 when TOPIC is empty.");

  // suggest
  CommonFlags suggest_flags;
  sofdir::client::SuggestOptions suggest_options;
  std::vector<std::string> suggest_words;
  CLI::App* suggest_command =
      cli.add_subcommand("suggest", "Complete what has been typed so far (search as you type)");
  suggest_command->add_option("PREFIX", suggest_words, "the start of a word or name, e.g. fri")
      ->required();
  suggest_command->add_option("--limit", suggest_options.limit, "how many completions (default 8)")
      ->check(CLI::Range(1, 50));
  AddCommonFlags(*suggest_command, suggest_flags, "seconds the call may take",
                 "Prints one completion per line with the number of records that carry it.");

  // praktik: a group of subcommands
  CLI::App* praktik_command = cli.add_subcommand(
      "praktik", "Find Praktik i SOF offers, book and cancel visits, see who is coming");
  praktik_command->require_subcommand(1);
  praktik_command->footer(
      "Slots are named by their offer and start date (YYYY-MM-DD). A full slot\n"
      "puts a booking on its waitlist; a cancellation promotes the first in line.\n\n"
      "Exit codes: 0 ok, 1 other error, 2 usage, 3 not found, 4 invalid input,\n"
      "5 server unreachable, 6 conflict (see sofdir --help).");

  // praktik list
  CommonFlags praktik_list_flags;
  sofdir::client::PraktikListOptions praktik_list_options;
  std::vector<std::string> praktik_list_words;
  CLI::App* praktik_list_command = praktik_command->add_subcommand(
      "list", "Praktik offers with their open slots, seats left and waitlists");
  praktik_list_command->add_option("TEXT", praktik_list_words,
                                   "only offers about this, e.g. misbrug; all when left out");
  praktik_list_command
      ->add_option("--from", praktik_list_options.from, "only slots starting on or after DATE")
      ->check(sofdir::client::cli::DateValidator());
  praktik_list_command
      ->add_option("--to", praktik_list_options.to, "only slots starting on or before DATE")
      ->check(sofdir::client::cli::DateValidator());
  praktik_list_command->add_flag("--free", praktik_list_options.only_free,
                                 "only slots with a seat left");
  praktik_list_command
      ->add_option("--limit", praktik_list_options.limit, "at most this many offers (default 50)")
      ->check(CLI::Range(1, 500));
  AddCommonFlags(*praktik_list_command, praktik_list_flags, "seconds the call may take",
                 "Shows slots that start after today: per offer its id, title and host unit,\n"
                 "then per slot its dates, seats, seats left and waitlist length.");

  // praktik book
  CommonFlags praktik_book_flags;
  sofdir::client::PraktikBookOptions praktik_book_options;
  CLI::App* praktik_book_command =
      praktik_command->add_subcommand("book", "Book a seat on a slot (or a place on its waitlist)");
  praktik_book_command->add_option("OFFER_ID", praktik_book_options.offer_id, "praktik id")
      ->required();
  praktik_book_command
      ->add_option("--slot", praktik_book_options.slot_start, "the slot's start date")
      ->required()
      ->check(sofdir::client::cli::DateValidator());
  praktik_book_command->add_option("--name", praktik_book_options.name, "your name")->required();
  praktik_book_command->add_option("--email", praktik_book_options.email, "your work e-mail")
      ->required();
  praktik_book_command->add_option("--unit", praktik_book_options.unit_id,
                                   "your unit's id, e.g. unit-0001");
  praktik_book_command->add_option("--note", praktik_book_options.note,
                                   "a note to the host (at most 1000 bytes)");
  praktik_book_command->add_option(
      "--request-id", praktik_book_options.request_id,
      "idempotency key (a random one when not given; --json prints it; retrying with the same "
      "key returns the first booking)");
  praktik_book_command
      ->add_option("--retries", praktik_book_options.retries,
                   "retry this often, with the same request id, when the server does not answer")
      ->capture_default_str()
      ->check(CLI::Range(0, 10));
  AddCommonFlags(*praktik_book_command, praktik_book_flags, "seconds each attempt may take",
                 "CONFIRMED while the slot has a seat, else WAITLISTED with the place in line\n"
                 "(confirmed automatically when a seat frees up). Prints the booking id and\n"
                 "the command for its calendar event. Exits 3 for an unknown offer or slot,\n"
                 "4 for a bad name, e-mail or a slot that has started, 6 when the e-mail\n"
                 "already holds a booking of the slot.");

  // praktik cancel
  CommonFlags praktik_cancel_flags;
  std::string praktik_cancel_id;
  CLI::App* praktik_cancel_command =
      praktik_command->add_subcommand("cancel", "Cancel a booking and free its seat");
  praktik_cancel_command->add_option("BOOKING_ID", praktik_cancel_id, "e.g. booking-123")
      ->required();
  AddCommonFlags(*praktik_cancel_command, praktik_cancel_flags, "seconds the call may take",
                 "The first booking on the slot's waitlist gets the seat. Cancelling twice\n"
                 "is harmless. Exits 3 for an unknown booking, 6 once the slot has started.");

  // praktik show
  CommonFlags praktik_show_flags;
  std::string praktik_show_id;
  CLI::App* praktik_show_command = praktik_command->add_subcommand("show", "Show one booking");
  praktik_show_command->add_option("BOOKING_ID", praktik_show_id, "e.g. booking-123")->required();
  AddCommonFlags(*praktik_show_command, praktik_show_flags, "seconds the call may take",
                 "Its status (with the place in line while waitlisted), slot, booker and\n"
                 "request id. Exits 3 for an unknown booking.");

  // praktik bookings
  CommonFlags praktik_bookings_flags;
  sofdir::client::PraktikBookingsOptions praktik_bookings_options;
  CLI::App* praktik_bookings_command = praktik_command->add_subcommand(
      "bookings", "A booker's bookings (--email) or who is coming to an offer (--offer)");
  CLI::Option* bookings_email_option = praktik_bookings_command->add_option(
      "--email", praktik_bookings_options.email, "the bookings made with this e-mail");
  CLI::Option* bookings_offer_option = praktik_bookings_command->add_option(
      "--offer", praktik_bookings_options.offer_id, "the bookings of this praktik offer, by slot");
  bookings_email_option->excludes(bookings_offer_option);
  praktik_bookings_command->add_flag("--include-cancelled",
                                     praktik_bookings_options.include_cancelled,
                                     "also show cancelled bookings");
  AddCommonFlags(*praktik_bookings_command, praktik_bookings_flags, "seconds the call may take",
                 "Give exactly one of --email and --offer. Bookings come by slot, then in\n"
                 "booking order; waitlisted ones show their place in line.");

  // praktik ics
  CommonFlags praktik_ics_flags;
  sofdir::client::PraktikIcsOptions praktik_ics_options;
  CLI::App* praktik_ics_command =
      praktik_command->add_subcommand("ics", "The booking as a calendar event (iCalendar)");
  praktik_ics_command->add_option("BOOKING_ID", praktik_ics_options.booking_id, "e.g. booking-123")
      ->required();
  praktik_ics_command->add_option("--out", praktik_ics_options.out,
                                  "write to this file instead of stdout");
  AddCommonFlags(*praktik_ics_command, praktik_ics_flags, "seconds the call may take",
                 "RFC 5545 text, as the server makes it (CRLF line ends): METHOD:REQUEST\n"
                 "while the booking is active, METHOD:CANCEL with the same UID once it is\n"
                 "cancelled, so importing it again updates the calendar entry.");

  const auto run_backup_commands = sofdir::client::AddBackupCommands(cli);
  const sofdir::client::RegisteredCommand outbox = sofdir::client::AddOutboxCommand(cli);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return cli.exit(error);  // --help
    }
    return UsageError(error.what());
  }
  sofdir::client::cli::ApplyGlobalFlags(cli, global_flags);
  if (std::optional<int> code = run_backup_commands()) return *code;

  if (outbox.command->parsed()) return Finish(outbox.run());
  if (import_command->parsed()) {
    return Finish(sofdir::client::RunImport(import_flags.ToOptions(), import_options));
  }
  if (export_command->parsed()) {
    return Finish(sofdir::client::RunExport(export_flags.ToOptions(), export_options));
  }
  if (get_command->parsed()) {
    return Finish(sofdir::client::RunGet(get_flags.ToOptions(), get_id));
  }
  if (stale_command->parsed()) {
    return Finish(sofdir::client::RunStale(stale_flags.ToOptions(), stale_options));
  }
  if (verify_command->parsed()) {
    return Finish(sofdir::client::RunVerify(verify_flags.ToOptions(), verify_id));
  }
  if (audit_command->parsed()) {
    return Finish(sofdir::client::RunAudit(audit_flags.ToOptions(), audit_options));
  }
  if (changes_command->parsed()) {
    return Finish(sofdir::client::RunChanges(changes_flags.ToOptions(), changes_options));
  }
  if (list_command->parsed()) {
    return Finish(sofdir::client::RunList(list_flags.ToOptions(), list_options));
  }
  if (create_command->parsed()) {
    return Finish(sofdir::client::RunCreate(create_flags.ToOptions(), create_options));
  }
  if (update_command->parsed()) {
    return Finish(sofdir::client::RunUpdate(update_flags.ToOptions(), update_options));
  }
  if (delete_command->parsed()) {
    return Finish(sofdir::client::RunDelete(delete_flags.ToOptions(), delete_options));
  }
  if (search_command->parsed()) {
    search_options.text = absl::StrJoin(search_words, " ");
    if (age_option->count() > 0) search_options.age = search_age;
    const sofdir::client::SearchOptions& o = search_options;
    if (o.text.empty() && o.kinds.empty() && o.area.empty() && o.district.empty() &&
        o.legal_basis.empty() && o.service_type.empty() && !o.age && !o.only_free &&
        o.near.empty() && o.filter.empty()) {
      return UsageError("search: give TEXT, a filter (--kind, --area, --free ...) or both");
    }
    return Finish(sofdir::client::RunSearch(search_flags.ToOptions(), search_options));
  }
  if (who_knows_command->parsed()) {
    who_knows_options.topic = absl::StrJoin(who_knows_words, " ");
    return Finish(sofdir::client::RunWhoKnows(who_knows_flags.ToOptions(), who_knows_options));
  }
  if (suggest_command->parsed()) {
    suggest_options.prefix = absl::StrJoin(suggest_words, " ");
    return Finish(sofdir::client::RunSuggest(suggest_flags.ToOptions(), suggest_options));
  }
  if (praktik_list_command->parsed()) {
    praktik_list_options.text = absl::StrJoin(praktik_list_words, " ");
    return Finish(
        sofdir::client::RunPraktikList(praktik_list_flags.ToOptions(), praktik_list_options));
  }
  if (praktik_book_command->parsed()) {
    return Finish(
        sofdir::client::RunPraktikBook(praktik_book_flags.ToOptions(), praktik_book_options));
  }
  if (praktik_cancel_command->parsed()) {
    return Finish(
        sofdir::client::RunPraktikCancel(praktik_cancel_flags.ToOptions(), praktik_cancel_id));
  }
  if (praktik_show_command->parsed()) {
    return Finish(sofdir::client::RunPraktikShow(praktik_show_flags.ToOptions(), praktik_show_id));
  }
  if (praktik_bookings_command->parsed()) {
    if (bookings_email_option->count() + bookings_offer_option->count() != 1) {
      return UsageError("praktik bookings: give exactly one of --email and --offer");
    }
    return Finish(sofdir::client::RunPraktikBookings(praktik_bookings_flags.ToOptions(),
                                                     praktik_bookings_options));
  }
  if (praktik_ics_command->parsed()) {
    return Finish(
        sofdir::client::RunPraktikIcs(praktik_ics_flags.ToOptions(), praktik_ics_options));
  }
  return sofdir::client::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  const int code = Main(argc, argv);
  // Leave without running static destructors: gRPC's background threads may
  // still be tearing down a failed connection (e.g. a TLS handshake with a
  // plaintext server), and destroying its globals under them crashes. All
  // output is written and flushed; nothing else needs cleaning up.
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(code);
}
