// `sofdir outbox`: the booking mail in the server's outbox (admins only),
// registered by its own file so that main.cc only calls AddOutboxCommand.
#ifndef SOFDIR_CLIENT_OUTBOX_COMMANDS_H_
#define SOFDIR_CLIENT_OUTBOX_COMMANDS_H_

#include <functional>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"

namespace sofdir::client {

struct RegisteredCommand {
  CLI::App* command = nullptr;
  std::function<absl::Status()> run;  // call when command->parsed()
};

// Adds `outbox` to `cli`: one line per message (time, state, event,
// attempts, recipient, subject, last error), newest last; --state filters;
// --json prints one object per message.
RegisteredCommand AddOutboxCommand(CLI::App& cli);

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_OUTBOX_COMMANDS_H_
