// The audit trail beyond the change log: the read log (who was handed whose
// personal data, when and through which method) and the audit view that
// merges it with the change log's who-changed-what.
//
// Errors: INVALID_ARGUMENT (a field, naming it), DATA_LOSS (a change-log
// entry that cannot be parsed), INTERNAL/UNAVAILABLE from storage, and a
// StopCheck's DEADLINE_EXCEEDED or CANCELLED.
//
// Thread-safe (Storage is).
#ifndef SOFDIR_SERVER_DOMAIN_AUDIT_LOG_H_
#define SOFDIR_SERVER_DOMAIN_AUDIT_LOG_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/common/stop_check.h"
#include "server/storage/storage.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::domain {

class AuditLog {
 public:
  // `storage` must outlive the AuditLog.
  explicit AuditLog(storage::Storage& storage) : storage_(storage) {}

  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Notes in the read log that `principal` was handed the personal data of
  // each of `ids` (person or booking ids) via `method`, in one write;
  // nothing for an empty list. Returns once the entries are durable (synced
  // with the same group commit as the directory's writes, so concurrent
  // reads and writes share syncs); on error the caller must not hand the
  // data out.
  [[nodiscard]] absl::Status LogReads(const std::vector<std::string>& ids,
                                      absl::string_view principal, absl::string_view method);

  // Audit entries, newest first: changes (from the change log) and reads,
  // filtered as in ListAuditRequest; at most page_size of them and at most
  // kMaxPageBytes (page_token.h).
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListAuditResponse> List(
      const sof::directory::v1::ListAuditRequest& request,
      const common::StopCheck& stop = common::StopCheck()) const;

  // The ids of the person records among `records`.
  static std::vector<std::string> PersonsIn(
      const google::protobuf::RepeatedPtrField<sof::directory::v1::Record>& records);

  // The ids of the person records whose state `changes` carry (deletes and
  // booking changes carry none).
  static std::vector<std::string> PersonsIn(
      const google::protobuf::RepeatedPtrField<sof::directory::v1::Change>& changes);

 private:
  storage::Storage& storage_;
};

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_AUDIT_LOG_H_
