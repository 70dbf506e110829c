// How the `sofdir` subcommands come to be: each command group (records,
// search, praktik, changes, ...) lives in one *_cli.cc file compiled into
// the sofdir binary and registers itself with one line:
//
//   SOFDIR_REGISTER_COMMANDS(40, RegisterBackupCommands);
//
// where RegisterBackupCommands(CLI::App& cli, CommandContext& context) adds
// its CLI11 subcommands to `cli` and tells `context` what to run for each
// (context.OnRun). The number orders the groups in --help (lower first).
// main.cc parses the command line, then runs the one subcommand parsed.
// Adding a command to a group touches that group's file only; adding a
// group adds its file to client/CMakeLists.txt (the sofdir target).
// Thread-compatible: used on the main thread before and after parsing.
#ifndef SOFDIR_CLIENT_COMMAND_REGISTRY_H_
#define SOFDIR_CLIENT_COMMAND_REGISTRY_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/string_view.h"
#include "client/cli_flags.h"

namespace sofdir::client::cli {

class CommandContext {
 public:
  // A value that lives as long as the context (the options a subcommand's
  // flags parse into), default-constructed.
  template <typename T>
  T& Keep() {
    auto value = std::make_shared<T>();
    kept_.push_back(value);
    return *value;
  }

  // A subcommand `name` of `parent` with the common flags (--server,
  // --json, --timeout, TLS, --token; AddCommonFlags). Its flags are kept by
  // the context; `default_timeout_seconds` is --timeout's default.
  struct Command {
    CLI::App* app;
    CommonFlags* flags;
  };
  Command AddCommand(CLI::App& parent, const std::string& name, const std::string& description,
                     absl::string_view timeout_help, absl::string_view details,
                     double default_timeout_seconds = 10);

  // What to run when `command` is the subcommand parsed: returns the exit
  // code (usually Finish(RunX(flags->ToOptions(), options))).
  void OnRun(CLI::App* command, std::function<int()> run);

  // Runs the deepest parsed subcommand (of `backup` and `backup list`,
  // list); the usage exit code when none was.
  int RunParsed() const;

 private:
  std::vector<std::shared_ptr<void>> kept_;
  std::vector<std::pair<CLI::App*, std::function<int()>>> runners_;
};

using RegisterFunction = void (*)(CLI::App& cli, CommandContext& context);

// Remembers a group; returns true (for the static initialiser of
// SOFDIR_REGISTER_COMMANDS).
bool RegisterCommandGroup(int order, RegisterFunction function);

// Calls every registered group's function, in order.
void RegisterAllCommands(CLI::App& cli, CommandContext& context);

// For writes and bookings, which must not be retried blindly: `flags` with
// a connect deadline short enough that an unreachable server is reported
// within a second (kFailFastConnect) instead of after the read default.
CommonOptions WriteOptions(const CommonFlags& flags);

}  // namespace sofdir::client::cli

#define SOFDIR_REGISTER_COMMANDS_CAT2(a, b) a##b
#define SOFDIR_REGISTER_COMMANDS_CAT(a, b) SOFDIR_REGISTER_COMMANDS_CAT2(a, b)
#define SOFDIR_REGISTER_COMMANDS(order, function)                                   \
  namespace {                                                                       \
  [[maybe_unused]] const bool SOFDIR_REGISTER_COMMANDS_CAT(kRegistered, __LINE__) = \
      ::sofdir::client::cli::RegisterCommandGroup(order, &function);                \
  }

#endif  // SOFDIR_CLIENT_COMMAND_REGISTRY_H_
