#include "client/command_registry.h"

#include <algorithm>

#include "absl/time/time.h"
#include "client/exit_codes.h"

namespace sofdir::client::cli {
namespace {

// Connecting to an absent server on the local network fails at once and
// gRPC keeps retrying until this deadline: short enough to report within a
// second, long enough for a TLS handshake on a LAN.
constexpr absl::Duration kFailFastConnect = absl::Milliseconds(500);

std::vector<std::pair<int, RegisterFunction>>& Groups() {
  static auto* groups = new std::vector<std::pair<int, RegisterFunction>>();
  return *groups;
}

}  // namespace

CommandContext::Command CommandContext::AddCommand(CLI::App& parent, const std::string& name,
                                                   const std::string& description,
                                                   absl::string_view timeout_help,
                                                   absl::string_view details,
                                                   double default_timeout_seconds) {
  CommonFlags& flags = Keep<CommonFlags>();
  flags.timeout_seconds = default_timeout_seconds;
  CLI::App* app = parent.add_subcommand(name, description);
  AddCommonFlags(*app, flags, timeout_help, details);
  return {app, &flags};
}

void CommandContext::OnRun(CLI::App* command, std::function<int()> run) {
  runners_.emplace_back(command, std::move(run));
}

int CommandContext::RunParsed() const {
  // A subcommand and its parent both count as parsed: the deepest one runs
  // (`backup list` runs list, not backup), whatever order they were added in.
  auto depth = [](const CLI::App* app) {
    int levels = 0;
    for (; app->get_parent() != nullptr; app = app->get_parent()) ++levels;
    return levels;
  };
  const std::function<int()>* run = nullptr;
  int deepest = -1;
  for (const auto& [app, runner] : runners_) {
    if (app->parsed() && depth(app) > deepest) {
      deepest = depth(app);
      run = &runner;
    }
  }
  return run != nullptr ? (*run)() : kExitUsage;
}

bool RegisterCommandGroup(int order, RegisterFunction function) {
  Groups().emplace_back(order, function);
  return true;
}

void RegisterAllCommands(CLI::App& cli, CommandContext& context) {
  std::vector<std::pair<int, RegisterFunction>> groups = Groups();
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [order, function] : groups) function(cli, context);
}

CommonOptions WriteOptions(const CommonFlags& flags) {
  CommonOptions options = flags.ToOptions();
  options.connect_timeout = kFailFastConnect;
  return options;
}

}  // namespace sofdir::client::cli
