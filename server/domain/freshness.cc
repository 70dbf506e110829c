#include "server/domain/freshness.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/status_macros.h"
#include "server/domain/page_token.h"
#include "server/domain/record_validator.h"
#include "server/model/record_util.h"

namespace sofdir::domain {
namespace {

using ::sof::directory::v1::Change;
using ::sof::directory::v1::Record;

}  // namespace

std::optional<absl::Time> UpdatedAt(const Record& record) {
  const std::string* text = nullptr;
  switch (record.kind_case()) {
    case Record::kUnit:
      text = &record.unit().updated_at();
      break;
    case Record::kTilbud:
      text = &record.tilbud().updated_at();
      break;
    case Record::kPartner:
      text = &record.partner().updated_at();
      break;
    case Record::kPraktik:
      text = &record.praktik().updated_at();
      break;
    default:
      return std::nullopt;
  }
  absl::CivilDay day;
  if (text->empty() || !absl::ParseCivilTime(*text, &day)) return std::nullopt;
  return absl::FromCivil(day, absl::UTCTimeZone());
}

absl::StatusOr<Record> VerifyRecord(Directory& directory, absl::string_view id,
                                    const Actor& actor) {
  SOFDIR_RETURN_IF_ERROR(ValidateId("id", id));
  Record record;
  SOFDIR_RETURN_IF_ERROR(directory.Transact(
      [&](Directory::Transaction& transaction) -> absl::Status {
        SOFDIR_ASSIGN_OR_RETURN(std::optional<Record> current, transaction.Load(id));
        if (!current) return absl::NotFoundError(absl::StrCat(id, " does not exist"));
        record = *std::move(current);
        const uint64_t sequence = transaction.NextSequence();
        record.clear_etag();
        record.set_update_sequence(sequence);
        *record.mutable_verified_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
        record.set_verified_by(actor.principal);
        transaction.Put(storage::ColumnFamily::kRecords, id, record.SerializeAsString());
        record.set_etag(absl::StrCat(sequence));
        Change change;
        change.set_id(std::string(id));
        change.set_kind(model::KindOf(record));
        change.set_type(sof::directory::v1::CHANGE_UPDATED);
        change.add_changed_fields("verified_time");
        *change.mutable_record() = record;
        transaction.AddChange(std::move(change));
        return absl::OkStatus();
      },
      actor));
  return record;
}

absl::StatusOr<sof::directory::v1::ListStaleRecordsResponse> ListStaleRecords(
    const Directory& directory, absl::Time cutoff, absl::string_view unit, int page_size,
    const common::StopCheck& stop) {
  if (page_size < 0) return absl::InvalidArgumentError("page_size: must be >= 0 (0 means 100)");
  if (!unit.empty()) SOFDIR_RETURN_IF_ERROR(ValidateId("unit", unit));
  SOFDIR_ASSIGN_OR_RETURN(std::vector<Record> all, directory.LoadAllRecords());
  if (absl::Status stopped = stop.Check(); !stopped.ok()) {
    return common::StoppedWith(
        stopped, absl::StrCat("ListStaleRecords stopped after reading all ", all.size(),
                              " records, before filtering them; retry with a longer deadline"));
  }
  // The units of the subtree of `unit`, found downwards from it, so any
  // depth is covered and a stored cycle cannot loop.
  absl::flat_hash_set<std::string> subtree;
  if (!unit.empty()) {
    absl::flat_hash_map<std::string, std::vector<std::string>> children;
    for (const Record& r : all) {
      if (r.has_unit() && r.unit().has_parent_id()) {
        children[r.unit().parent_id()].push_back(r.unit().id());
      }
    }
    std::vector<std::string> pending = {std::string(unit)};
    while (!pending.empty()) {
      std::string current = std::move(pending.back());
      pending.pop_back();
      if (!subtree.insert(current).second) continue;
      auto it = children.find(current);
      if (it == children.end()) continue;
      for (const std::string& child : it->second) pending.push_back(child);
    }
  }
  auto below = [&](absl::string_view unit_id) { return subtree.contains(unit_id); };
  const int64_t cutoff_seconds = absl::ToUnixSeconds(cutoff);
  std::vector<Record> stale;
  for (Record& r : all) {
    if (r.verified_time().seconds() >= cutoff_seconds) continue;
    if (!unit.empty()) {
      bool mine = false;
      if (r.has_unit()) mine = below(r.unit().id());
      for (const model::Reference& ref : model::References(r)) {
        if (ref.is_parent && below(ref.target)) mine = true;
      }
      if (!mine) continue;
    }
    stale.push_back(std::move(r));
  }
  std::stable_sort(stale.begin(), stale.end(), [](const Record& a, const Record& b) {
    return a.verified_time().seconds() < b.verified_time().seconds();
  });
  sof::directory::v1::ListStaleRecordsResponse response;
  response.set_total_size(static_cast<int64_t>(stale.size()));
  PageBudget page(PageSize(page_size, 100, 1000));
  for (Record& record : stale) {
    const size_t bytes = record.ByteSizeLong();
    if (!page.Fits(bytes)) break;
    page.Add(bytes);
    *response.add_records() = std::move(record);
  }
  return response;
}

}  // namespace sofdir::domain
