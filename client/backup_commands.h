// `sofdir backup` (make a backup now) and `sofdir backup list`: the
// server's CreateBackup and ListBackups (admins only).
#ifndef SOFDIR_CLIENT_BACKUP_COMMANDS_H_
#define SOFDIR_CLIENT_BACKUP_COMMANDS_H_

#include <functional>
#include <optional>

#include "CLI/CLI.hpp"

namespace sofdir::client {

// Adds the `backup` command (and its `list`) to `cli`. Returns what main
// calls after parsing: runs the one that was parsed and returns its exit
// code, or nullopt when neither was. The flags live as long as the
// returned function.
std::function<std::optional<int>()> AddBackupCommands(CLI::App& cli);

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_BACKUP_COMMANDS_H_
