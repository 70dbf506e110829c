#include "client/cli_flags.h"

#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "client/exit_codes.h"

namespace sofdir::client::cli {

CommonOptions CommonFlags::ToOptions() const {
  CommonOptions options;
  options.server = server;
  options.json = json;
  options.timeout = absl::Seconds(timeout_seconds);
  options.ca_path = ca;
  options.cert_path = cert;
  options.key_path = key;
  options.token = token;
  return options;
}

namespace {

// Every subcommand with common flags, so that flags given before the
// subcommand (`sofdir --server H:P search ...`) reach it; see ApplyGlobalFlags.
std::vector<std::pair<CLI::App*, CommonFlags*>>& CommandsWithCommonFlags() {
  static std::vector<std::pair<CLI::App*, CommonFlags*>> commands;
  return commands;
}

}  // namespace

void AddCommonFlags(CLI::App& command, CommonFlags& flags, absl::string_view timeout_help,
                    absl::string_view details) {
  CommandsWithCommonFlags().push_back({&command, &flags});
  command.add_option("--server", flags.server, "host:port of sofdir-server")
      ->envname("SOFDIR_SERVER")
      ->capture_default_str();
  command.add_flag("--json", flags.json, "machine-readable JSON output instead of a table");
  command.add_option("--timeout", flags.timeout_seconds, std::string(timeout_help))
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      .add_option("--ca", flags.ca,
                  "PEM certificate authority of the server's TLS certificate; "
                  "without it, plaintext")
      ->envname("SOFDIR_CA")
      ->check(CLI::ExistingFile);
  command.add_option("--cert", flags.cert, "PEM client certificate, for servers that require one")
      ->envname("SOFDIR_CERT")
      ->check(CLI::ExistingFile);
  command.add_option("--key", flags.key, "PEM private key of --cert")
      ->envname("SOFDIR_KEY")
      ->check(CLI::ExistingFile);
  command
      .add_option("--token", flags.token,
                  "bearer token for servers that check who calls (--auth-config)")
      ->envname("SOFDIR_TOKEN");
  command.footer(std::string(details) +
                 "\n\nExit codes: 0 ok, 1 other error, 2 usage, 3 not found, 4 invalid input,\n"
                 "5 server unreachable, 6 conflict, 7 not allowed (see sofdir --help).");
}

void AddGlobalFlags(CLI::App& cli, CommonFlags& flags) {
  cli.add_option("--server", flags.server, "host:port of sofdir-server (also after the command)");
  cli.add_flag("--json", flags.json, "machine-readable JSON output instead of a table");
  cli.add_option("--timeout", flags.timeout_seconds, "seconds per call")
      ->check(CLI::PositiveNumber);
  cli.add_option("--ca", flags.ca, "PEM certificate authority of the server's TLS certificate")
      ->check(CLI::ExistingFile);
  cli.add_option("--cert", flags.cert, "PEM client certificate")->check(CLI::ExistingFile);
  cli.add_option("--key", flags.key, "PEM private key of --cert")->check(CLI::ExistingFile);
  cli.add_option("--token", flags.token, "bearer token");
}

void ApplyGlobalFlags(const CLI::App& cli, const CommonFlags& global) {
  for (auto& [command, flags] : CommandsWithCommonFlags()) {
    if (!command->parsed()) continue;
    auto take = [&, command = command, flags = flags](const char* name, auto CommonFlags::*field) {
      if (cli.get_option(name)->count() == 0) return;
      const CLI::Option* own = command->get_option(name);
      const std::string env = own->get_envname();
      if (own->count() > 0 && (env.empty() || std::getenv(env.c_str()) == nullptr)) return;
      flags->*field = global.*field;
    };
    take("--server", &CommonFlags::server);
    take("--json", &CommonFlags::json);
    take("--timeout", &CommonFlags::timeout_seconds);
    take("--ca", &CommonFlags::ca);
    take("--cert", &CommonFlags::cert);
    take("--key", &CommonFlags::key);
    take("--token", &CommonFlags::token);
  }
}

const CLI::Validator& DateValidator() {
  static const CLI::Validator validator(
      [](std::string& value) {
        absl::CivilDay day;
        return absl::ParseCivilTime(value, &day) ? std::string()
                                                 : value + " is not a date; valid: YYYY-MM-DD";
      },
      "YYYY-MM-DD");
  return validator;
}

int UsageError(absl::string_view message) {
  std::cerr << "sofdir: " << message << "\nRun with --help for more information." << std::endl;
  return kExitUsage;
}

int Finish(const absl::Status& status) {
  if (!status.ok()) std::cerr << "sofdir: " << status.message() << std::endl;
  return ExitCodeFor(status);
}

}  // namespace sofdir::client::cli
