// The wiring shared by the CLI's subcommands (main.cc, praktik_cli.cc): the
// common flags every subcommand takes (--server, --json, --timeout, TLS,
// --token), given before or after the subcommand, and how a subcommand's
// outcome becomes the exit code.
#ifndef SOFDIR_CLIENT_CLI_FLAGS_H_
#define SOFDIR_CLIENT_CLI_FLAGS_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/commands.h"

namespace sofdir::client::cli {

inline constexpr char kDefaultServer[] = "127.0.0.1:50051";

// --server, --json, --timeout and TLS (--ca, --cert, --key), on every
// subcommand so that each one's --help lists them.
struct CommonFlags {
  std::string server = kDefaultServer;
  bool json = false;
  double timeout_seconds = 10;
  std::string ca;    // TLS: the server's certificate authority
  std::string cert;  // TLS client certificate and its key
  std::string key;
  std::string token;  // bearer token, for servers started with --auth-config

  CommonOptions ToOptions() const;
};

// Adds the common flags to `command` and remembers it for ApplyGlobalFlags.
// Also sets the footer: `details` (what the command does beyond its one-line
// description) and a short exit-code reminder.
void AddCommonFlags(CLI::App& command, CommonFlags& flags, absl::string_view timeout_help,
                    absl::string_view details);

// The common flags on the top level too, so they may come before the
// subcommand. No environment or defaults here: the subcommand's own
// options read those.
void AddGlobalFlags(CLI::App& cli, CommonFlags& flags);

// Copies each common flag given before the subcommand into the flags of the
// subcommand that runs, unless that flag was also given after it (the later
// one wins). A flag on the command line beats the environment.
void ApplyGlobalFlags(const CLI::App& cli, const CommonFlags& global);

// Calendar days (slot dates, --from, --to, --since): YYYY-MM-DD.
const CLI::Validator& DateValidator();

// Prints `message` and the --help hint; returns the usage exit code.
int UsageError(absl::string_view message);

// Prints a failed `status`; returns its exit code (0 when ok).
int Finish(const absl::Status& status);

}  // namespace sofdir::client::cli

#endif  // SOFDIR_CLIENT_CLI_FLAGS_H_
