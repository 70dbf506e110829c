// `sofdir backup` (make a backup now) and `sofdir backup list`: the
// server's CreateBackup and ListBackups (admins only).
#include <fstream>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "client/cli_flags.h"
#include "client/command_io.h"
#include "client/command_registry.h"
#include "client/json_text.h"
#include "client/table_printer.h"
#include "client/time_text.h"
#include "server/common/status_macros.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;

struct BackupFlags {
  cli::CommonFlags create;
  cli::CommonFlags list;
  std::string create_token_file;
  std::string list_token_file;
};

// 1536 -> "1.5 KiB".
std::string HumanBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  return unit == 0 ? absl::StrCat(bytes, " B") : absl::StrFormat("%.1f %s", value, units[unit]);
}

std::string UtcTime(const google::protobuf::Timestamp& time, const char* format) {
  return client::UtcText(time, format);
}

std::string BackupJson(const v1::BackupInfo& backup) {
  return absl::StrCat("{\"backup_id\":", backup.backup_id(), ",\"create_time\":",
                      JsonQuote(UtcTime(backup.create_time(), "%Y-%m-%dT%H:%M:%SZ")),
                      ",\"size_bytes\":", backup.size_bytes(), ",\"sequence\":", backup.sequence(),
                      ",\"file_count\":", backup.file_count(), "}");
}

std::string BackupTable(const google::protobuf::RepeatedPtrField<v1::BackupInfo>& backups) {
  TablePrinter table({{"TIME (UTC)"},
                      {"SIZE", 0, true},
                      {"SEQUENCE", 0, true},
                      {"FILES", 0, true},
                      {"ID", 0, true}});
  for (const v1::BackupInfo& backup : backups) {
    table.AddRow({UtcTime(backup.create_time(), "%Y-%m-%d %H:%M:%S"),
                  HumanBytes(backup.size_bytes()), absl::StrCat(backup.sequence()),
                  absl::StrCat(backup.file_count()), absl::StrCat(backup.backup_id())});
  }
  return table.ToString();
}

// The options of `flags`, with the token read from `token_file` when given
// (its first line, surrounding blanks removed).
absl::StatusOr<CommonOptions> WithToken(const cli::CommonFlags& flags,
                                        const std::string& token_file) {
  CommonOptions options = flags.ToOptions();
  if (token_file.empty()) return options;
  std::ifstream in(token_file);
  std::string token;
  if (!in || !std::getline(in, token)) {
    return absl::InvalidArgumentError(FileError(token_file, "--token-file: cannot read a token"));
  }
  options.token = std::string(absl::StripAsciiWhitespace(token));
  if (options.token.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--token-file ", token_file, ": its first line is empty"));
  }
  return options;
}

absl::Status RunBackup(const CommonOptions& common) {
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  SOFDIR_ASSIGN_OR_RETURN(v1::BackupInfo backup, client->CreateBackup());
  if (common.json) {
    Write(stdout, absl::StrCat(BackupJson(backup), "\n"));
  } else {
    google::protobuf::RepeatedPtrField<v1::BackupInfo> one;
    *one.Add() = backup;
    Write(stdout, BackupTable(one));
  }
  return FlushStdout();
}

absl::Status RunBackupList(const CommonOptions& common) {
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  SOFDIR_ASSIGN_OR_RETURN(v1::ListBackupsResponse response, client->ListBackups());
  if (common.json) {
    std::string out =
        absl::StrCat("{\"backup_dir\":", JsonQuote(response.backup_dir()), ",\"backups\":[");
    for (int i = 0; i < response.backups_size(); ++i) {
      absl::StrAppend(&out, i ? "," : "", BackupJson(response.backups(i)));
    }
    Write(stdout, absl::StrCat(out, "]}\n"));
  } else if (response.backups().empty()) {
    Write(stdout, absl::StrCat("no backups in ", response.backup_dir(), "\n"));
  } else {
    Write(stdout, BackupTable(response.backups()));
  }
  return FlushStdout();
}

// Adds `backup` and its `list`.
void RegisterBackupCommands(CLI::App& cli, cli::CommandContext& context) {
  auto& flags = context.Keep<BackupFlags>();
  CLI::App* backup = cli.add_subcommand(
      "backup", "Back up everything the server holds into its --backup-dir now (admins)");
  backup->require_subcommand(0, 1);
  flags.create.timeout_seconds = 3600;
  cli::AddCommonFlags(
      *backup, flags.create, "seconds the backup may take",
      "A consistent copy of records, bookings, waitlists, change log, audit and\n"
      "read log, taken while the server goes on serving; prints its time, size,\n"
      "change sequence and id. The server keeps its newest --backup-keep backups.\n"
      "Restore one with: sofdir-server --backup-dir DIR --restore ID --data-dir NEW");
  backup
      ->add_option("--token-file", flags.create_token_file,
                   "read the bearer token from the first line of this file")
      ->check(CLI::ExistingFile);
  CLI::App* list = backup->add_subcommand("list", "The backups in the server's --backup-dir");
  cli::AddCommonFlags(*list, flags.list, "seconds the call may take",
                      "Oldest first: time, size, the change sequence each holds, file count, id.");
  list->add_option("--token-file", flags.list_token_file,
                   "read the bearer token from the first line of this file")
      ->check(CLI::ExistingFile);
  context.OnRun(list, [&flags] {
    absl::StatusOr<CommonOptions> options = WithToken(flags.list, flags.list_token_file);
    return cli::Finish(options.ok() ? RunBackupList(*options) : options.status());
  });
  context.OnRun(backup, [&flags] {
    absl::StatusOr<CommonOptions> options = WithToken(flags.create, flags.create_token_file);
    return cli::Finish(options.ok() ? RunBackup(*options) : options.status());
  });
}

}  // namespace

}  // namespace sofdir::client

SOFDIR_REGISTER_COMMANDS(50, sofdir::client::RegisterBackupCommands)
