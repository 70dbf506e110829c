// DirectoryService's backup methods (directory_service.h): CreateBackup and
// ListBackups, admins only.
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/directory_service.h"
#include "server/common/status_macros.h"

namespace sofdir::api {
namespace {

void ToProto(const storage::BackupStore::Info& info, v1::BackupInfo& out) {
  out.set_backup_id(info.id);
  out.mutable_create_time()->set_seconds(absl::ToUnixSeconds(info.time));
  out.set_size_bytes(info.size_bytes);
  out.set_sequence(info.sequence);
  out.set_file_count(info.file_count);
}

absl::Status NoBackupDir() {
  return absl::FailedPreconditionError(
      "backups: this server runs without --backup-dir; start sofdir-server with "
      "--backup-dir DIR to make backups");
}

}  // namespace

grpc::ServerUnaryReactor* DirectoryService::CreateBackup(grpc::CallbackServerContext* context,
                                                         const v1::CreateBackupRequest* request,
                                                         v1::BackupInfo* response) {
  return Run(context, Permission::kAdmin, [this, response](const Principal&) -> absl::Status {
    if (backups_ == nullptr || backed_up_ == nullptr) return NoBackupDir();
    // Runs to the end once started, past the call's deadline too: a backup
    // stopped half-way would be thrown away anyway.
    SOFDIR_ASSIGN_OR_RETURN(storage::BackupStore::Info info, backups_->Create(*backed_up_));
    ToProto(info, *response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DirectoryService::ListBackups(grpc::CallbackServerContext* context,
                                                        const v1::ListBackupsRequest* request,
                                                        v1::ListBackupsResponse* response) {
  return Run(
      context, Permission::kAdmin,
      [this, response](const Principal&) -> absl::Status {
        if (backups_ == nullptr) return NoBackupDir();
        for (const storage::BackupStore::Info& info : backups_->List()) {
          ToProto(info, *response->add_backups());
        }
        response->set_backup_dir(backups_->backup_dir());
        return absl::OkStatus();
      },
      Where::kHere);  // memory only
}

}  // namespace sofdir::api
