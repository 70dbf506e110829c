#include "server/domain/record_pages.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/domain/page_token.h"
#include "server/domain/record_validator.h"
#include "server/model/record_util.h"
#include "server/storage/key_codec.h"

namespace sofdir::domain {
namespace {

using ::sof::directory::v1::Change;
using ::sof::directory::v1::Record;
using ::sof::directory::v1::RecordKind;
using storage::ColumnFamily;

// The "parent" relation of ListRecordsRequest.parent.
bool IsParentField(absl::string_view field) {
  return field == "parent_id" || field == "unit_id" || field == "host_unit_id" ||
         field == "related_unit_ids";
}

}  // namespace

absl::StatusOr<Record> ParseStoredRecord(absl::string_view bytes, absl::string_view key) {
  Record record;
  if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("stored record ", key, " cannot be parsed"));
  }
  record.set_etag(absl::StrCat(record.update_sequence()));
  return record;
}

absl::StatusOr<std::optional<Record>> LoadStoredRecord(const storage::Storage& storage,
                                                       absl::string_view id) {
  SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                          storage.Get(ColumnFamily::kRecords, id));
  if (!bytes) return std::optional<Record>();
  SOFDIR_ASSIGN_OR_RETURN(Record record, ParseStoredRecord(*bytes, id));
  return std::optional<Record>(std::move(record));
}

absl::StatusOr<sof::directory::v1::ListRecordsResponse> RecordPages::List(
    const sof::directory::v1::ListRecordsRequest& request, const common::StopCheck& stop) const {
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size: must be >= 0 (0 means 50)");
  }
  PageBudget page(PageSize(request.page_size(), kDefaultListPageSize, kMaxListPageSize));
  std::string kind_prefix;
  if (request.kind() != RecordKind::RECORD_KIND_UNSPECIFIED) {
    absl::string_view name = model::KindName(request.kind());
    if (name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("kind: unknown; valid: ", model::ValidKindsText()));
    }
    kind_prefix = absl::StrCat(name, "-");
  }
  if (!request.parent().empty()) SOFDIR_RETURN_IF_ERROR(ValidateId("parent", request.parent()));
  const std::string fingerprint = absl::StrCat("list/", request.kind(), "/", request.parent());
  std::string after;
  if (!request.page_token().empty()) {
    SOFDIR_ASSIGN_OR_RETURN(after, DecodePageToken(request.page_token(), fingerprint));
  }

  sof::directory::v1::ListRecordsResponse response;
  std::string last_id;
  bool more = false;
  absl::Status inner;
  common::ScanStop scan(stop, [&](int64_t) {
    return absl::StrCat("ListRecords stopped after ", response.records_size(),
                        " records, before the page was complete, and returned none; "
                        "retry with a smaller page_size or a longer deadline");
  });
  if (request.parent().empty()) {
    std::string start = after.empty() ? kind_prefix : absl::StrCat(after, std::string(1, '\0'));
    SOFDIR_RETURN_IF_ERROR(storage_.Scan(ColumnFamily::kRecords, kind_prefix, start,
                                         [&](absl::string_view key, absl::string_view value) {
                                           if (!scan.GoOn()) return false;
                                           if (!page.Fits(0)) {
                                             more = true;
                                             return false;
                                           }
                                           absl::StatusOr<Record> record =
                                               ParseStoredRecord(value, key);
                                           if (!record.ok()) {
                                             inner = record.status();
                                             return false;
                                           }
                                           if (!page.Fits(record->ByteSizeLong())) {
                                             more = true;
                                             return false;
                                           }
                                           page.Add(record->ByteSizeLong());
                                           *response.add_records() = *std::move(record);
                                           last_id = std::string(key);
                                           return true;
                                         }));
  } else {
    std::string prefix = storage::RefPrefix(request.parent());
    std::string start = after.empty() ? prefix
                                      : absl::StrCat(storage::RefKey(request.parent(), after),
                                                     std::string(1, '\0'));
    std::string previous_source;
    SOFDIR_RETURN_IF_ERROR(storage_.Scan(
        ColumnFamily::kRefs, prefix, start, [&](absl::string_view key, absl::string_view field) {
          if (!scan.GoOn()) return false;
          absl::string_view source = storage::RefSource(key);
          if (!IsParentField(field) || !absl::StartsWith(source, kind_prefix) ||
              source == previous_source) {
            return true;
          }
          if (!page.Fits(0)) {
            more = true;
            return false;
          }
          previous_source = std::string(source);
          absl::StatusOr<std::optional<Record>> record = LoadStoredRecord(storage_, source);
          if (!record.ok()) {
            inner = record.status();
            return false;
          }
          if (!*record) return true;
          if (!page.Fits((*record)->ByteSizeLong())) {
            more = true;
            return false;
          }
          page.Add((*record)->ByteSizeLong());
          *response.add_records() = **std::move(record);
          last_id = std::string(source);
          return true;
        }));
  }
  SOFDIR_RETURN_IF_ERROR(scan.status());
  SOFDIR_RETURN_IF_ERROR(inner);
  if (more) response.set_next_page_token(EncodePageToken(fingerprint, last_id));
  return response;
}

absl::StatusOr<sof::directory::v1::ExportRecordsResponse> RecordPages::Export(
    const sof::directory::v1::ExportRecordsRequest& request, const common::StopCheck& stop) const {
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size: must be >= 0 (0 means 1000)");
  }
  PageBudget page(PageSize(request.page_size(), kDefaultExportPageSize, kMaxExportPageSize));
  if (request.kind() != RecordKind::RECORD_KIND_UNSPECIFIED &&
      model::KindName(request.kind()).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("kind: unknown; valid: ", model::ValidKindsText()));
  }
  const std::string fingerprint = absl::StrCat("export/", request.kind());
  std::string start;
  if (!request.page_token().empty()) {
    SOFDIR_ASSIGN_OR_RETURN(std::string after, DecodePageToken(request.page_token(), fingerprint));
    if (!storage::DecodeSequence(after)) {
      return absl::InvalidArgumentError("page_token: not a token this server issued");
    }
    // The key right after `after` (no +1 on the sequence, which could wrap).
    start = absl::StrCat(after, std::string(1, '\0'));
  }
  sof::directory::v1::ExportRecordsResponse response;
  std::string last_key;
  bool more = false;
  absl::Status inner;
  common::ScanStop scan(stop, [&](int64_t) {
    return absl::StrCat("ExportRecords stopped after ", response.records_size(),
                        " records, before the page was complete, and returned none; "
                        "retry with a smaller page_size or a longer deadline");
  });
  SOFDIR_RETURN_IF_ERROR(storage_.Scan(
      ColumnFamily::kOrder, "", start, [&](absl::string_view key, absl::string_view id) {
        if (!scan.GoOn()) return false;
        if (request.kind() != RecordKind::RECORD_KIND_UNSPECIFIED &&
            model::KindFromId(id) != request.kind()) {
          return true;
        }
        if (!page.Fits(0)) {
          more = true;
          return false;
        }
        absl::StatusOr<std::optional<Record>> record = LoadStoredRecord(storage_, id);
        if (!record.ok()) {
          inner = record.status();
          return false;
        }
        if (*record) {
          if (!page.Fits((*record)->ByteSizeLong())) {
            more = true;
            return false;
          }
          page.Add((*record)->ByteSizeLong());
          *response.add_records() = **std::move(record);
        }
        last_key = std::string(key);
        return true;
      }));
  SOFDIR_RETURN_IF_ERROR(scan.status());
  SOFDIR_RETURN_IF_ERROR(inner);
  if (more) response.set_next_page_token(EncodePageToken(fingerprint, last_key));
  return response;
}

absl::StatusOr<sof::directory::v1::ListChangesResponse> RecordPages::ListChanges(
    const sof::directory::v1::ListChangesRequest& request, uint64_t durable,
    const common::StopCheck& stop) const {
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size: must be >= 0 (0 means 100)");
  }
  PageBudget page(PageSize(request.page_size(), kDefaultChangesPageSize, kMaxChangesPageSize));
  sof::directory::v1::ListChangesResponse response;
  response.set_last_sequence(durable);
  if (request.since_sequence() >= durable) return response;
  absl::Status inner;
  common::ScanStop scan(stop, [&](int64_t) {
    return absl::StrCat("ListChanges stopped after ", response.changes_size(),
                        " changes, before the page was complete, and returned none; "
                        "retry with a smaller page_size or a longer deadline");
  });
  SOFDIR_RETURN_IF_ERROR(storage_.Scan(
      ColumnFamily::kChanges, "", storage::EncodeSequence(request.since_sequence() + 1),
      [&](absl::string_view key, absl::string_view value) {
        if (!scan.GoOn()) return false;
        if (storage::DecodeSequence(key).value_or(0) > durable) return false;
        // The next page starts after the last change returned.
        if (!page.Fits(value.size())) return false;
        page.Add(value.size());
        Change* change = response.add_changes();
        if (!change->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          inner = absl::DataLossError("a change-log entry cannot be parsed");
          return false;
        }
        return true;
      }));
  SOFDIR_RETURN_IF_ERROR(scan.status());
  SOFDIR_RETURN_IF_ERROR(inner);
  return response;
}

}  // namespace sofdir::domain
