#include "server/domain/demo_loader.h"

#include <fstream>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/common/status_macros.h"
#include "server/model/record_json.h"

namespace sofdir::domain {
namespace {

std::optional<absl::CivilDay> ParseDay(const std::string& text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) return std::nullopt;
  return day;
}

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

}  // namespace

void ShiftPraktikSlots(std::vector<sof::directory::v1::Record>& records, absl::CivilDay today) {
  std::optional<absl::CivilDay> earliest;
  for (const auto& record : records) {
    if (!record.has_praktik()) continue;
    for (const auto& slot : record.praktik().slots()) {
      std::optional<absl::CivilDay> start = ParseDay(slot.start());
      if (start && (!earliest || *start < *earliest)) earliest = start;
    }
  }
  if (!earliest) return;
  // Whole weeks keep each slot on its weekday (no weekend visits appear).
  const absl::civil_diff_t days = (today + 7) - *earliest;
  const absl::civil_diff_t shift = days > 0 ? (days + 6) / 7 * 7 : -((-days) / 7) * 7;
  for (auto& record : records) {
    if (!record.has_praktik()) continue;
    for (auto& slot : *record.mutable_praktik()->mutable_slots()) {
      std::optional<absl::CivilDay> start = ParseDay(slot.start());
      std::optional<absl::CivilDay> end = ParseDay(slot.end());
      if (start) slot.set_start(FormatDay(*start + shift));
      if (end) slot.set_end(FormatDay(*end + shift));
    }
  }
}

absl::StatusOr<DemoLoadResult> LoadDemoIfNew(Directory& directory, const storage::Storage& storage,
                                             const std::string& path, absl::CivilDay today) {
  SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> created,
                          storage.Get(storage::ColumnFamily::kMeta, storage::kCreatedKey));
  if (!created.has_value()) {
    return DemoLoadResult{false, 0, "the data directory was not created empty by this version"};
  }
  if (directory.LastSequence() > 0) {
    return DemoLoadResult{
        false, 0,
        absl::StrCat("the data directory has held data (change ", directory.LastSequence(), ")")};
  }
  sof::directory::v1::ListRecordsRequest probe;
  probe.set_page_size(1);
  SOFDIR_ASSIGN_OR_RETURN(sof::directory::v1::ListRecordsResponse existing, directory.List(probe));
  if (existing.records_size() > 0) {
    return DemoLoadResult{false, 0, "the data directory holds records"};
  }

  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("demo data ", path, ": cannot be read"));
  std::vector<sof::directory::v1::Record> records;
  std::string line;
  for (int line_number = 1; std::getline(in, line); ++line_number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    absl::StatusOr<sof::directory::v1::Record> record = model::ParseRecordJson(line);
    if (!record.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line_number, ": ", record.status().message()));
    }
    records.push_back(*std::move(record));
  }
  ShiftPraktikSlots(records, today);

  DemoLoadResult result{true, 0, ""};
  for (size_t begin = 0; begin < records.size(); begin += kMaxImportBatch) {
    std::vector<sof::directory::v1::Record> batch(
        records.begin() + begin,
        records.begin() + std::min(records.size(), begin + kMaxImportBatch));
    SOFDIR_ASSIGN_OR_RETURN(sof::directory::v1::ImportRecordsResponse response,
                            directory.Import(batch));
    for (int i = 0; i < response.results_size(); ++i) {
      const auto& r = response.results(i);
      if (r.outcome() == sof::directory::v1::REJECTED) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": record ", r.id(), " rejected: ", r.error()));
      }
      ++result.records;
    }
  }
  return result;
}

}  // namespace sofdir::domain
