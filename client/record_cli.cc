// `sofdir import|export|get|list|create|update|delete`: the record commands
// (command_registry.h).
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/cli_flags.h"
#include "client/command_registry.h"
#include "client/commands.h"
#include "server/model/record_util.h"

namespace sofdir::client::cli {
namespace {

const std::string& KindHelp() {
  static const std::string help = absl::StrCat(model::ValidKindsText(), ", or all");
  return help;
}

const std::vector<std::string>& Kinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> kinds = absl::StrSplit(model::ValidKindsText(), ", ");
    kinds.push_back("all");
    return kinds;
  }();
  return kinds;
}

void RegisterRecordCommands(CLI::App& cli, CommandContext& context) {
  // import
  auto& import_options = context.Keep<ImportOptions>();
  auto import_command = context.AddCommand(
      cli, "import", "Load a JSON Lines file of records (upsert by id)",
      "seconds each batch may take",
      "Records keep the id they have in the file; re-importing the same file\n"
      "changes nothing. Shows a progress bar on a terminal, then prints the\n"
      "created/updated/unchanged/rejected counts and, for each rejected line, its\n"
      "line number, id and reason. Exits 4 when any line was rejected (the other\n"
      "lines are imported).",
      60);
  import_command.app->add_option("FILE", import_options.file, "JSON Lines file; - reads stdin")
      ->required();
  import_command.app
      ->add_option("--batch-size", import_options.batch_size, "records per ImportRecords call")
      ->capture_default_str()
      ->check(CLI::Range(1, 5000));
  context.OnRun(import_command.app, [flags = import_command.flags, &import_options] {
    return Finish(RunImport(flags->ToOptions(), import_options));
  });

  // export
  auto& export_options = context.Keep<ExportOptions>();
  auto export_command =
      context.AddCommand(cli, "export", "Write the records as JSON Lines, the format import reads",
                         "seconds each page may take",
                         "Records come in creation order, so every reference points to an earlier\n"
                         "line. With --out the file appears only once the export is complete.");
  export_command.app
      ->add_option("--kind", export_options.kind, std::string("only this kind: ") + KindHelp())
      ->capture_default_str()
      ->check(CLI::IsMember(Kinds()));
  export_command.app->add_option("--out", export_options.out,
                                 "write to this file instead of stdout");
  context.OnRun(export_command.app, [flags = export_command.flags, &export_options] {
    return Finish(RunExport(flags->ToOptions(), export_options));
  });

  // get
  auto& get_id = context.Keep<std::string>();
  auto get_command =
      context.AddCommand(cli, "get", "Show one record", "seconds the call may take",
                         "Shows every field, whole (long texts wrap at the terminal's width), the\n"
                         "names of the records it refers to, the etag (for update/delete --etag)\n"
                         "and the change-log sequences. Exits 3 when no record has the id.");
  get_command.app->add_option("ID", get_id, "record id, e.g. unit-0001")->required();
  context.OnRun(get_command.app, [flags = get_command.flags, &get_id] {
    return Finish(RunGet(flags->ToOptions(), get_id));
  });

  // list
  auto& list_options = context.Keep<ListOptions>();
  auto list_command = context.AddCommand(
      cli, "list", "List records of a kind, a page at a time", "seconds each call may take",
      "Records come in id order, with the names of the units they belong to.\n"
      "When there are more, the last line is the command that shows the next\n"
      "page; --all fetches every page.");
  list_command.app->add_option("KIND", list_options.kind, KindHelp())
      ->required()
      ->check(CLI::IsMember(Kinds()));
  list_command.app->add_option("--parent", list_options.parent,
                               "only records below this unit (child units, its tilbud, persons, "
                               "praktik, partners)");
  list_command.app
      ->add_option("--page-size", list_options.page_size,
                   "records per page (server default 50, at most 1000)")
      ->check(CLI::Range(1, 1000));
  list_command.app->add_option("--page-token", list_options.page_token,
                               "token printed by the previous page");
  list_command.app->add_flag("--all", list_options.all, "follow the pages to the end");
  context.OnRun(list_command.app, [flags = list_command.flags, &list_options] {
    return Finish(RunList(flags->ToOptions(), list_options));
  });

  // create
  auto& create_options = context.Keep<CreateOptions>();
  auto create_command = context.AddCommand(
      cli, "create", "Create a record from a JSON file", "seconds the call may take",
      "FILE holds one record in the import line format; the record gets the id\n"
      "it carries. Exits 6 when the id is taken. Prints the stored record.");
  create_command.app->add_option("FILE", create_options.file, "JSON file; - reads stdin")
      ->required();
  create_command.app->add_option("--request-id", create_options.request_id,
                                 "idempotency key (a random one when not given; --json prints it; "
                                 "retrying with the same key returns the first result)");
  context.OnRun(create_command.app, [flags = create_command.flags, &create_options] {
    return Finish(RunCreate(WriteOptions(*flags), create_options));
  });

  // update
  auto& update_options = context.Keep<UpdateOptions>();
  auto update_command = context.AddCommand(
      cli, "update", "Change a record from a JSON file", "seconds the call may take",
      "FILE holds one record in the import line format; its id names the record\n"
      "to change. Without --mask every field is replaced. Prints the stored\n"
      "record; exits 3 when it does not exist, 6 when --etag is stale.");
  update_command.app->add_option("FILE", update_options.file, "JSON file; - reads stdin")
      ->required();
  update_command.app
      ->add_option("--mask", update_options.mask,
                   "comma-separated fields to replace, e.g. name,address.district "
                   "(default: all)")
      ->delimiter(',');
  update_command.app->add_option("--etag", update_options.etag,
                                 "only update when the stored etag is this (else exit 6)");
  context.OnRun(update_command.app, [flags = update_command.flags, &update_options] {
    return Finish(RunUpdate(WriteOptions(*flags), update_options));
  });

  // delete
  auto& delete_options = context.Keep<DeleteOptions>();
  auto delete_command =
      context.AddCommand(cli, "delete", "Delete a record", "seconds the call may take",
                         "Exits 3 when the record does not exist, 6 while other records refer to\n"
                         "it (the message lists them) or when --etag is stale.");
  delete_command.app->add_option("ID", delete_options.id, "record id")->required();
  delete_command.app->add_option("--etag", delete_options.etag,
                                 "only delete when the stored etag is this (else exit 6)");
  context.OnRun(delete_command.app, [flags = delete_command.flags, &delete_options] {
    return Finish(RunDelete(WriteOptions(*flags), delete_options));
  });
}

}  // namespace
}  // namespace sofdir::client::cli

SOFDIR_REGISTER_COMMANDS(10, sofdir::client::cli::RegisterRecordCommands)
