// Filters and facets: what a doc's packed metadata decides. A request's
// filter values are resolved to value ids once per search, so the scan over
// the matches compares small integers (contracts in index_state.h).

#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "server/search/index_state.h"
#include "server/search/text_folder.h"

namespace sofdir::search::internal {

DocFilter IndexState::MakeFilter(const SearchQuery& query, uint8_t kind_mask,
                                 const FilterExpression* expression) const {
  // Value ids whose folded text equals each filter's.
  auto allowed = [&](const std::string& filter) {
    const std::string want = TextFolder::FoldJoined(filter);
    std::vector<uint8_t> ok;
    if (want.empty()) return ok;
    ok.resize(values.size());
    for (size_t v = 0; v < values.size(); ++v) ok[v] = folded_values[v] == want;
    return ok;
  };
  DocFilter filter;
  filter.kind_mask = kind_mask;
  filter.area_ok = allowed(query.area);
  filter.district_ok = allowed(query.district);
  filter.legal_ok = allowed(query.legal_basis);
  filter.service_ok = allowed(query.service_type);
  filter.age = query.age;
  filter.only_free = query.only_free;
  filter.verified_since = query.verified_since;
  filter.expression = expression;
  return filter;
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

void IndexState::CountFacets(const std::vector<std::pair<float, uint32_t>>& matches, Scratch& s,
                             std::map<std::string, std::map<std::string, size_t>>* facets) const {
  std::array<size_t, kNumKinds> kinds{};
  std::vector<size_t>&areas = s.areas, &districts = s.districts, &services = s.services,
  &legal = s.legal;
  for (std::vector<size_t>* counts : {&areas, &districts, &services, &legal}) {
    counts->assign(values.size(), 0);
  }
  constexpr size_t kAhead = 16;  // the docs are scattered: fetch their metadata ahead
  for (size_t i = 0; i < matches.size(); ++i) {
    if (i + kAhead < matches.size()) __builtin_prefetch(&meta[matches[i + kAhead].second]);
    const Meta& m = meta[matches[i].second];
    ++kinds[m.kind];
    ++areas[m.area];
    ++districts[m.district];
    ++services[m.service_type];
    ++legal[m.legal_basis];
  }
  for (int k = 0; k < kNumKinds; ++k) {
    if (kinds[k] > 0) (*facets)["kind"][kKindNames[k]] = kinds[k];
  }
  auto fill = [&](const char* name, const std::vector<size_t>& counts) {
    for (size_t v = 1; v < counts.size(); ++v) {
      if (counts[v] > 0) (*facets)[name][values[v]] = counts[v];
    }
  };
  fill("area", areas);
  fill("district", districts);
  fill("service_type", services);
  fill("legal_basis", legal);
}

}  // namespace sofdir::search::internal
