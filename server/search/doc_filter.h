#ifndef SOFDIR_SERVER_SEARCH_DOC_FILTER_H_
#define SOFDIR_SERVER_SEARCH_DOC_FILTER_H_

// Internal to server/search: what filters read of a doc, and a search's
// filters resolved against the index's values (IndexState::MakeFilter,
// IndexState::Passes in index_state.h).

#include <cstdint>
#include <optional>
#include <vector>

#include "server/search/filter_expression.h"

namespace sofdir::search::internal {

// What filters and facets need of a doc, packed for scanning.
struct Meta {
  uint8_t alive = 0;
  uint8_t kind = 0;
  uint16_t area = 0, district = 0, legal_basis = 0, service_type = 0;  // effective
  int16_t age_min = -1, age_max = -1, free_places = -1;
};

// A search's filters, resolved against the index's values so that the scan
// compares small integers. The default keeps every live doc.
struct DocFilter {
  uint8_t kind_mask = 0xFF;  // bit per Kind
  // Per value id, whether the effective value passes; empty: any value.
  std::vector<uint8_t> area_ok, district_ok, legal_ok, service_ok;
  std::optional<int> age;
  bool only_free = false;
  std::optional<int64_t> verified_since;
  // Praktik offers need a slot starting in [slot_from, slot_to] (YYYYMMDD);
  // other kinds pass.
  bool slot_window = false;
  int32_t slot_from = 0, slot_to = INT32_MAX;
  const FilterExpression* expression = nullptr;  // not owned; nullptr: none

  // True when it keeps every live doc.
  bool KeepsAll() const {
    return kind_mask == 0xFF && area_ok.empty() && district_ok.empty() && legal_ok.empty() &&
           service_ok.empty() && !age && !only_free && !verified_since && !slot_window &&
           (expression == nullptr || expression->empty());
  }
};

}  // namespace sofdir::search::internal

#endif  // SOFDIR_SERVER_SEARCH_DOC_FILTER_H_
