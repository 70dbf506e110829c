// `sofdir stale|verify|audit|changes`: keeping the directory true and seeing
// what changed (command_registry.h).
#include <string>

#include "CLI/CLI.hpp"
#include "client/cli_flags.h"
#include "client/command_registry.h"
#include "client/commands.h"

namespace sofdir::client::cli {
namespace {

void RegisterReviewCommands(CLI::App& cli, CommandContext& context) {
  // stale
  auto& stale_options = context.Keep<StaleOptions>();
  auto stale_command =
      context.AddCommand(cli, "stale", "Records nobody has confirmed for a while, oldest first",
                         "seconds the call may take",
                         "A record counts as confirmed when its content changes or an editor runs\n"
                         "`sofdir verify ID`; imported records start from their own updated_at.");
  stale_command.app->add_option("--older-than", stale_options.older_than, "age, in days: e.g. 180d")
      ->capture_default_str();
  stale_command.app->add_option("--unit", stale_options.unit,
                                "only records of this unit and the units below it");
  stale_command.app->add_option("--limit", stale_options.limit, "at most this many")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  context.OnRun(stale_command.app, [flags = stale_command.flags, &stale_options] {
    return Finish(RunStale(flags->ToOptions(), stale_options));
  });

  // verify
  auto& verify_id = context.Keep<std::string>();
  auto verify_command = context.AddCommand(
      cli, "verify", "Confirm a record is still correct, without changing it",
      "seconds the call may take",
      "Sets the record's verified time to now and verified-by to you. Editors may\n"
      "confirm records of their own units.");
  verify_command.app->add_option("ID", verify_id, "record id")->required();
  context.OnRun(verify_command.app, [flags = verify_command.flags, &verify_id] {
    return Finish(RunVerify(WriteOptions(*flags), verify_id));
  });

  // audit
  auto& audit_options = context.Keep<AuditOptions>();
  auto audit_command = context.AddCommand(
      cli, "audit", "Who changed what, and who looked up which person (admins)",
      "seconds the call may take",
      "Newest first. Every create, update, delete, import and booking change is\n"
      "recorded with its principal, method and changed fields in the same write as\n"
      "the change; reads of person records are logged too. Needs an admin --token\n"
      "when the server checks tokens.");
  audit_command.app->add_option("--resource", audit_options.resource,
                                "only this record or booking id");
  audit_command.app->add_option("--principal", audit_options.principal, "only this principal");
  audit_command.app
      ->add_option("--since", audit_options.since, "only from this day (YYYY-MM-DD, UTC)")
      ->check(DateValidator());
  audit_command.app->add_option("--limit", audit_options.limit, "at most this many entries")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  context.OnRun(audit_command.app, [flags = audit_command.flags, &audit_options] {
    return Finish(RunAudit(flags->ToOptions(), audit_options));
  });

  // changes
  auto& changes_options = context.Keep<ChangesOptions>();
  auto changes_command = context.AddCommand(
      cli, "changes", "Print the change log (every create, update, delete, booking)",
      "seconds each page may take",
      "One line per change: sequence, time (UTC), type, id, name. With --json one\n"
      "object per line: sequence, id, type (created|updated|deleted), kind, time,\n"
      "and the record (or booking) after the change. Sequence numbers are gap-free;\n"
      "to keep a copy in sync, remember the last one and continue with --since.\n"
      "--follow reconnects by itself after a server restart.");
  changes_command.app
      ->add_option("--since", changes_options.since, "print changes with a higher sequence number")
      ->capture_default_str();
  changes_command.app->add_flag("--follow", changes_options.follow,
                                "keep following new changes live (Ctrl-C to stop)");
  context.OnRun(changes_command.app, [flags = changes_command.flags, &changes_options] {
    return Finish(RunChanges(flags->ToOptions(), changes_options));
  });
}

}  // namespace
}  // namespace sofdir::client::cli

SOFDIR_REGISTER_COMMANDS(20, sofdir::client::cli::RegisterReviewCommands)
