#include "server/domain/audit_log.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/status_macros.h"
#include "server/domain/page_token.h"
#include "server/storage/key_codec.h"

namespace sofdir::domain {
namespace {

using ::sof::directory::v1::Change;
using ::sof::directory::v1::Record;
using storage::ColumnFamily;

// The range google.protobuf.Timestamp allows; within it Micros cannot
// overflow.
bool ValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= google::protobuf::util::TimeUtil::kTimestampMinSeconds &&
         t.seconds() <= google::protobuf::util::TimeUtil::kTimestampMaxSeconds && t.nanos() >= 0 &&
         t.nanos() <= 999999999;
}

int64_t Micros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

}  // namespace

absl::Status AuditLog::LogReads(const std::vector<std::string>& ids, absl::string_view principal,
                                absl::string_view method) {
  if (ids.empty()) return absl::OkStatus();
  storage::WriteBatch batch = storage_.NewWriteBatch();
  const int64_t now = absl::ToUnixMicros(absl::Now());
  for (const std::string& id : ids) {
    batch.Put(ColumnFamily::kReads, storage::ReadLogKey(id, now, principal), method);
  }
  // Synced like every other write, and sharing its syncs (group commit):
  // a hand-out of personal data is never answered without its entry.
  return storage_.WriteDurably(batch);
}

std::vector<std::string> AuditLog::PersonsIn(
    const google::protobuf::RepeatedPtrField<Record>& records) {
  std::vector<std::string> ids;
  for (const Record& record : records) {
    if (record.has_person()) ids.push_back(record.person().id());
  }
  return ids;
}

std::vector<std::string> AuditLog::PersonsIn(
    const google::protobuf::RepeatedPtrField<Change>& changes) {
  std::vector<std::string> ids;
  for (const Change& change : changes) {
    if (change.has_record() && change.record().has_person()) {
      ids.push_back(change.record().person().id());
    }
  }
  return ids;
}

absl::StatusOr<sof::directory::v1::ListAuditResponse> AuditLog::List(
    const sof::directory::v1::ListAuditRequest& request, const common::StopCheck& stop) const {
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size: must be >= 0 (0 means 100)");
  }
  if (request.has_since() && !ValidTimestamp(request.since())) {
    return absl::InvalidArgumentError(
        "since: not a valid time; valid: from 0001-01-01 to 9999-12-31, nanos 0..999999999");
  }
  const int64_t since_micros = request.has_since() ? Micros(request.since()) : 0;
  std::vector<sof::directory::v1::AuditEntry> entries;
  absl::Status inner;
  common::ScanStop scan(stop, [](int64_t visited) {
    return absl::StrCat("ListAudit stopped after scanning ", visited,
                        " change-log and read-log entries, and returned none; retry with "
                        "a longer deadline");
  });
  SOFDIR_RETURN_IF_ERROR(
      storage_.ScanAll(ColumnFamily::kChanges, [&](absl::string_view key, absl::string_view value) {
        if (!scan.GoOn()) return false;
        Change change;
        if (!change.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          inner = absl::DataLossError("a change-log entry cannot be parsed");
          return false;
        }
        if (!request.resource().empty() && change.id() != request.resource()) return true;
        if (!request.principal().empty() && change.principal() != request.principal()) return true;
        if (Micros(change.change_time()) < since_micros) return true;
        sof::directory::v1::AuditEntry& entry = entries.emplace_back();
        *entry.mutable_time() = change.change_time();
        entry.set_principal(change.principal());
        entry.set_method(change.method());
        entry.set_resource(change.id());
        *entry.mutable_changed_fields() = change.changed_fields();
        entry.set_sequence(change.sequence());
        return true;
      }));
  SOFDIR_RETURN_IF_ERROR(scan.status());
  SOFDIR_RETURN_IF_ERROR(inner);
  const std::string prefix =
      request.resource().empty() ? std::string() : storage::ReadLogPrefix(request.resource());
  SOFDIR_RETURN_IF_ERROR(storage_.Scan(
      ColumnFamily::kReads, prefix, "", [&](absl::string_view key, absl::string_view method) {
        if (!scan.GoOn()) return false;
        std::optional<storage::ReadLogEntry> read = storage::DecodeReadLogKey(key);
        if (!read) return true;
        if (!request.principal().empty() && read->principal != request.principal()) return true;
        if (read->micros < since_micros) return true;
        sof::directory::v1::AuditEntry& entry = entries.emplace_back();
        entry.mutable_time()->set_seconds(read->micros / 1000000);
        entry.mutable_time()->set_nanos(static_cast<int32_t>(read->micros % 1000000) * 1000);
        entry.set_principal(read->principal);
        entry.set_method(std::string(method));
        entry.set_resource(read->person_id);
        return true;
      }));
  SOFDIR_RETURN_IF_ERROR(scan.status());
  SOFDIR_RETURN_IF_ERROR(inner);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return Micros(a.time()) > Micros(b.time());
  });
  sof::directory::v1::ListAuditResponse response;
  PageBudget page(PageSize(request.page_size(), 100, 1000));
  for (sof::directory::v1::AuditEntry& entry : entries) {
    const size_t bytes = entry.ByteSizeLong();
    if (!page.Fits(bytes)) break;
    page.Add(bytes);
    *response.add_entries() = std::move(entry);
  }
  return response;
}

}  // namespace sofdir::domain
