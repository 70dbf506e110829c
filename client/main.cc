// sofdir: the command-line client of sofdir-server. The subcommands register
// themselves, one group per *_cli.cc file (command_registry.h); this file
// parses the command line, suggests the closest command for a mistyped one,
// and runs the one chosen.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "CLI/CLI.hpp"
#include "client/cli_flags.h"
#include "client/command_registry.h"
#include "client/command_suggestion.h"
#include "client/exit_codes.h"
#include "client/table_printer.h"
#include "client/terminal_width.h"
#include "sofdir_version.h"

namespace {

using ::sofdir::client::cli::CommandContext;
using ::sofdir::client::cli::CommonFlags;

int Main(int argc, char** argv) {
  CLI::App cli{
      "sofdir: command-line client of the SOF knowledge directory (sofdir-server).\n"
      "Imports and exports the JSON Lines format of shared/data/README.md; reads,\n"
      "lists, creates, updates and deletes single records; searches the directory\n"
      "(search, who-knows, suggest); books Praktik i SOF visits (praktik).",
      "sofdir"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", sofdir::VersionLine("sofdir"));
  CommonFlags global_flags;
  sofdir::client::cli::AddGlobalFlags(cli, global_flags);
  cli.footer(std::string("The server defaults to $SOFDIR_SERVER, else ") +
             sofdir::client::cli::kDefaultServer +
             ". Tables fit the terminal's width (or $COLUMNS); output to a pipe\nor a file is not "
             "cut.\n\n" +
             sofdir::client::kExitCodeHelp);
  CommandContext context;
  sofdir::client::cli::RegisterAllCommands(cli, context);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return cli.exit(error);  // --help, --version
    }
    const std::string suggestion = sofdir::client::cli::SuggestCommand(cli, argc, argv);
    if (!suggestion.empty()) return sofdir::client::cli::UsageError(suggestion);
    return sofdir::client::cli::UsageError(error.what());
  }
  sofdir::client::cli::ApplyGlobalFlags(cli, global_flags);
  sofdir::client::SetOutputWidth(sofdir::client::TerminalWidth());
  return context.RunParsed();
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
