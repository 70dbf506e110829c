// Filters and facets: what a doc's packed metadata decides. A request's
// filter values are resolved to value ids once per search, so the scan over
// the matches compares small integers (contracts in index_state.h).

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/common/echo.h"
#include "server/search/index_state.h"
#include "server/search/text_folder.h"

namespace sofdir::search::internal {

bool ParseDay(absl::string_view text, int32_t* day) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int32_t v = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == 4 || i == 7) continue;
    if (!absl::ascii_isdigit(text[i])) return false;
    v = v * 10 + (text[i] - '0');
  }
  const int month = v / 100 % 100, mday = v % 100;
  if (month < 1 || month > 12 || mday < 1 || mday > 31) return false;
  *day = v;
  return true;
}

std::vector<uint16_t> IndexState::ValueIds(absl::string_view value, ValueUse use) const {
  std::vector<uint16_t> ids;
  const std::string want = TextFolder::FoldJoined(value);
  const std::vector<uint32_t>& uses = value_uses[use];
  for (size_t v = 1; v < uses.size(); ++v) {
    if (uses[v] > 0 && folded_values[v] == want) ids.push_back(static_cast<uint16_t>(v));
  }
  return ids;
}

std::vector<std::string> IndexState::HeldLegalBases(int number) const {
  std::vector<std::string> out;
  const std::string tail = absl::StrCat("§ ", number);  // "§ 32", not "§ 132"
  const std::vector<uint32_t>& uses = value_uses[kLegalUse];
  for (size_t v = 1; v < uses.size(); ++v) {
    const std::string& value = values[v];
    if (uses[v] == 0 || !absl::EndsWith(value, tail)) continue;
    if (value.size() == tail.size() || value[value.size() - tail.size() - 1] == ' ') {
      out.push_back(value);
    }
  }
  return out;
}

absl::Status IndexState::UnknownValue(absl::string_view field, absl::string_view value,
                                      ValueUse use) const {
  std::vector<absl::string_view> held;  // in byte order: æ, ø, å after z, as in Danish
  const std::vector<uint32_t>& uses = value_uses[use];
  for (size_t v = 1; v < uses.size(); ++v) {
    if (uses[v] > 0) held.push_back(values[v]);
  }
  std::sort(held.begin(), held.end());
  constexpr size_t kMaxListed = 40;
  std::string valid;
  for (size_t i = 0; i < held.size() && i < kMaxListed; ++i) {
    absl::StrAppend(&valid, i > 0 ? ", " : "", held[i]);
  }
  if (held.size() > kMaxListed) absl::StrAppend(&valid, ", ...");
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": '", common::Echo(value), "' matches no value; valid are ", valid));
}

absl::Status IndexState::MakeFilter(const SearchQuery& query, uint8_t kind_mask,
                                    const FilterExpression* expression, DocFilter* filter) const {
  // Per value id, whether it passes: the ids whose folded text equals one of
  // `wanted` (ANDed into `*ok` when it is set already). A value that the
  // index holds for no record of that field is refused, listing those it
  // holds, rather than silently matching nothing; an index that holds none
  // (empty, or no record has the field) has nothing to list and matches
  // nothing.
  auto allow = [&](absl::string_view field, const std::vector<absl::string_view>& wanted,
                   ValueUse use, std::vector<uint8_t>* ok) -> absl::Status {
    std::vector<uint8_t> any(values.size(), 0);
    bool holds_any = false;
    for (size_t v = 1; v < value_uses[use].size(); ++v)
      holds_any = holds_any || value_uses[use][v] > 0;
    for (absl::string_view value : wanted) {
      const std::vector<uint16_t> ids = ValueIds(value, use);
      if (ids.empty() && holds_any) return UnknownValue(field, value, use);
      for (uint16_t v : ids) any[v] = 1;
    }
    if (ok->empty()) {
      *ok = std::move(any);
    } else {
      for (size_t v = 0; v < ok->size(); ++v) (*ok)[v] &= any[v];
    }
    return absl::OkStatus();
  };
  auto one = [](const std::string& value) {
    std::vector<absl::string_view> out;
    if (!TextFolder::FoldJoined(value).empty()) out.push_back(value);
    return out;
  };
  *filter = DocFilter();
  filter->kind_mask = kind_mask;
  struct Field {
    const char* name;
    std::vector<absl::string_view> wanted;
    ValueUse use;
    std::vector<uint8_t>* ok;
  };
  std::vector<absl::string_view> districts;
  for (const std::string& d : query.districts) {
    if (!TextFolder::FoldJoined(d).empty()) districts.push_back(d);
  }
  const Field fields[] = {
      {"area", one(query.area), kAreaUse, &filter->area_ok},
      {"district", one(query.district), kDistrictUse, &filter->district_ok},
      {"districts", districts, kDistrictUse, &filter->district_ok},
      {"legal_basis", one(query.legal_basis), kLegalUse, &filter->legal_ok},
      {"service_type", one(query.service_type), kServiceUse, &filter->service_ok},
  };
  for (const Field& f : fields) {
    if (f.wanted.empty()) continue;
    if (absl::Status st = allow(f.name, f.wanted, f.use, f.ok); !st.ok()) return st;
  }
  filter->age = query.age;
  filter->only_free = query.only_free;
  filter->verified_since = query.verified_since;
  for (const auto& [field, text, bound] :
       {std::tuple{"slot_from", &query.slot_from, &filter->slot_from},
        std::tuple{"slot_to", &query.slot_to, &filter->slot_to}}) {
    if (text->empty()) continue;
    if (!ParseDay(*text, bound)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": '", common::Echo(*text), "' is not a date; expected YYYY-MM-DD"));
    }
    filter->slot_window = true;
  }
  if (filter->slot_from > filter->slot_to) {
    return absl::InvalidArgumentError(
        absl::StrCat("slot_from: ", query.slot_from, " is after slot_to ", query.slot_to));
  }
  if (expression != nullptr) {
    for (const FilterExpression::Equality& e : expression->ControlledEqualities()) {
      const ValueUse use = e.field == "area"          ? kAreaUse
                           : e.field == "district"    ? kDistrictUse
                           : e.field == "legal_basis" ? kLegalUse
                                                      : kServiceUse;
      std::vector<uint8_t> ok;  // checked only; the expression itself filters
      if (absl::Status st = allow(absl::StrCat("filter ", e.field), {e.value}, use, &ok);
          !st.ok()) {
        return st;
      }
    }
  }
  filter->expression = expression;
  return absl::OkStatus();
}

bool IndexState::HasSlotIn(const DocFilter& filter, uint32_t d) const {
  const std::vector<int32_t>& starts = docs[d].slot_starts;
  auto it = std::lower_bound(starts.begin(), starts.end(), filter.slot_from);
  return it != starts.end() && *it <= filter.slot_to;
}

FilterValues IndexState::Values(const Doc& d) const {
  FilterValues v;
  v.id = d.id;
  v.kind = kKindNames[static_cast<int>(d.kind)];
  v.area = folded_values[d.eff_area];
  v.district = folded_values[d.eff_district];
  v.legal_basis = folded_values[d.legal_basis];
  v.service_type = folded_values[d.service_type];
  v.unit_type = folded_values[d.unit_type];
  v.unit_id = d.parent_id;
  v.age_min = d.age_min;
  v.age_max = d.age_max;
  v.free_places = d.free_places;
  v.capacity = d.capacity;
  return v;
}

void IndexState::CountFacets(const std::vector<std::pair<float, uint32_t>>& matches,
                             const std::vector<uint64_t>& unscored, Scratch& s,
                             std::vector<std::pair<std::string, FacetCounts>>* facets,
                             const std::vector<uint16_t>& shown) const {
  // The scored matches' Meta was just read by Collect and is still in the
  // cache: their values are counted from it. Consecutive matches often
  // share a value, and an increment waits for the one before it to the
  // same counter: matches take turns over separate banks of counters.
  constexpr size_t kBanks = 4;
  constexpr size_t kFields = 5;  // kind, area, district, service type, legal basis
  const size_t width = std::max<size_t>(values.size(), kNumKinds);
  std::vector<uint32_t>& counts = s.facet_counts;
  counts.assign(kBanks * kFields * width, 0);
  constexpr size_t kAhead = 16;  // the docs are scattered: fetch their metadata ahead
  const size_t n = matches.size();
  for (size_t i = 0; i < n; ++i) {
    if (i + kAhead < n) __builtin_prefetch(&meta[matches[i + kAhead].second]);
    const Meta& m = meta[matches[i].second];
    uint32_t* c = counts.data() + (i % kBanks) * kFields * width;
    ++c[m.kind];
    ++c[width + m.area];
    ++c[2 * width + m.district];
    ++c[3 * width + m.service_type];
    ++c[4 * width + m.legal_basis];
  }
  std::vector<size_t>& tally = s.facet_tally;  // [field][value id]
  tally.assign(kFields * width, 0);
  for (size_t bank = 0; bank < kBanks; ++bank) {
    for (size_t k = 0; k < kFields * width; ++k) tally[k] += counts[bank * kFields * width + k];
  }
  // The unscored ones can be many, and Collect never read them: each adds
  // to its facet class (4 bytes per doc, in ascending slots), and each
  // class to its values.
  if (!unscored.empty()) {
    std::vector<uint32_t>& per_class = s.facet_class_counts;
    per_class.assign(facet_classes.size(), 0);
    for (size_t w = 0; w < unscored.size(); ++w) {
      for (uint64_t word = unscored[w]; word != 0; word &= word - 1) {
        ++per_class[facet_class[w * 64 + static_cast<size_t>(__builtin_ctzll(word))]];
      }
    }
    for (size_t c = 0; c < per_class.size(); ++c) {
      if (per_class[c] == 0) continue;
      for (size_t field = 0; field < kFields; ++field) {
        tally[field * width + facet_classes[c][field]] += per_class[c];
      }
    }
  }
  auto count = [&](size_t field, size_t v) { return tally[field * width + v]; };
  // Each facet lists its values in ascending order, facets by name.
  std::vector<std::pair<absl::string_view, size_t>>& listed = s.facet_listed;
  auto emit = [&](const char* name) {
    if (listed.empty()) return;
    std::sort(listed.begin(), listed.end());
    FacetCounts& counts = facets->emplace_back(name, FacetCounts()).second;
    counts.reserve(listed.size());
    for (const auto& [value, n] : listed) counts.emplace_back(value, n);
    listed.clear();
  };
  auto list_values = [&](size_t field) {
    for (size_t v = 1; v < values.size(); ++v) {
      if (const size_t c = count(field, v); c > 0) listed.emplace_back(values[v], c);
    }
  };
  facets->clear();
  listed.clear();
  list_values(1);
  emit("area");
  list_values(2);
  for (uint16_t v : shown) {  // listed even at 0, and once
    if (std::none_of(listed.begin(), listed.end(),
                     [&](const auto& entry) { return entry.first == values[v]; })) {
      listed.emplace_back(values[v], 0);
    }
  }
  emit("district");
  for (int k = 0; k < kNumKinds; ++k) {
    const size_t c = count(0, static_cast<size_t>(k));
    if (c > 0) listed.emplace_back(kKindNames[k], c);
  }
  emit("kind");
  list_values(4);
  emit("legal_basis");
  list_values(3);
  emit("service_type");
}

}  // namespace sofdir::search::internal
