// Scoring and collection: turns the evaluated accumulators into final
// scores (coverage, kind priors and boosts, typed age) of the docs that
// pass the filters, and explains a doc's score (contracts in
// index_state.h).

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/common/echo.h"
#include "server/search/index_state.h"
#include "server/search/text_folder.h"

namespace sofdir::search::internal {
namespace {

constexpr float kWhoPersonBoost = 1.6f;
constexpr float kExactNameBoost = 3.0f;
constexpr float kAllInNameBoost = 1.25f;
// A preferred age or ages (SearchQuery::preferred_ages, else an age typed
// in the text: "14 årig", "17-årig", "18 år"): records whose age range
// overlaps them rank higher, those whose range excludes them lower; records
// without an age range are not moved.
constexpr float kAgeInRange = 1.2f;
constexpr float kAgeOutOfRange = 0.5f;
// A preferred district (a place in the text): records whose own or
// inherited district it is rank above comparable ones elsewhere; records
// without a district count as elsewhere.
constexpr float kPreferredDistrictBoost = 2.0f;
// Units mostly contain what users look for (tilbud, people), so when a unit
// and what it runs match alike, the latter ranks first.
// Praktik offers are for staff visits; they rank lower unless the query names
// them ("praktik"). A kind named in the query ranks higher.
constexpr float kKindPrior[] = {0.8f, 1.0f, 1.0f, 0.75f, 1.0f};
constexpr float kKindAskedBoost = 1.3f;
// A preferred kind (SearchQuery::preferred_kinds) replaces the kind's prior:
// stronger than a kind word in the text, which also matches as a word.
constexpr float kPreferredKindBoost = 3.0f;
// A record matches when the query words it contains carry at least this share
// of the query's idf weight.
constexpr float kMinCoverage = 0.5f;
// Fewer records than this with all query words: also take those with most.
constexpr size_t kDropWordsThreshold = 50;

std::string FieldNames(uint16_t fields) {
  std::vector<std::string> names;
  for (int f = 0; f < kNumFields; ++f) {
    if (fields & (1u << f)) names.push_back(kFieldSpecs[f].name);
  }
  return absl::StrJoin(names, ", ");
}

// What the preferred ages make of doc `d`'s score: 1 when there are none
// or the doc has no age range.
inline float AgeFactor(const IndexState& st, const Plan& plan, uint32_t d) {
  if (plan.age_lo < 0 || st.meta[d].age_min < 0) return 1.0f;
  const bool overlaps = st.meta[d].age_min <= plan.age_hi && plan.age_lo <= st.meta[d].age_max;
  return overlaps ? kAgeInRange : kAgeOutOfRange;
}

inline float KindFactor(const Plan& plan, int kind) {
  if (plan.kinds_preferred & (1u << kind)) return kPreferredKindBoost;
  return (plan.kinds_asked & (1u << kind)) ? kKindAskedBoost : kKindPrior[kind];
}

inline float DistrictFactor(const IndexState& st, const Plan& plan, uint32_t d) {
  if (plan.district_preferred.empty()) return 1.0f;
  return plan.district_preferred[st.meta[d].district] ? kPreferredDistrictBoost : 1.0f;
}

// What the final score takes from the plan alone, worked out once per
// search rather than per match.
struct PlanFactors {
  float kind[kNumKinds];     // KindFactor
  bool who[kNumKinds];       // "hvem" and a person: ×kWhoPersonBoost
  bool per_doc;              // preferred ages or districts
};

PlanFactors FactorsOf(const Plan& plan) {
  PlanFactors f;
  for (int k = 0; k < kNumKinds; ++k) {
    f.kind[k] = KindFactor(plan, k);
    f.who[k] = plan.who && k == static_cast<int>(Kind::kPerson);
  }
  f.per_doc = plan.age_lo >= 0 || !plan.district_preferred.empty();
  return f;
}

// Final score of doc `d` with accumulator `a`. Inline: Collect calls it per
// match. Without preferred ages or districts both factors are 1, so they
// are left out (the same float result).
inline float FinalScore(const IndexState& st, const Plan& plan, const PlanFactors& f,
                        const Acc& a, uint32_t d, float total_weight, size_t matchable_slots) {
  const float coverage = total_weight > 0 ? a.covered / total_weight : 0;
  const int kind = st.meta[d].kind;
  float score = a.score * coverage * coverage;
  score *= f.kind[kind];
  if (f.who[kind]) score *= kWhoPersonBoost;
  if (a.exact) score *= kExactNameBoost;
  if (matchable_slots > 0 && a.name_slots >= matchable_slots) score *= kAllInNameBoost;
  if (f.per_doc) score = score * AgeFactor(st, plan, d) * DistrictFactor(st, plan, d);
  return score;
}

}  // namespace

float PreferenceFactor(const IndexState& st, const Plan& plan, uint32_t d) {
  const float kind = (plan.kinds_preferred & (1u << st.meta[d].kind)) ? kPreferredKindBoost : 1.0f;
  return kind * AgeFactor(st, plan, d) * DistrictFactor(st, plan, d);
}

FactorBounds BoundFactors(const Plan& plan) {
  FactorBounds b;
  const PlanFactors f = FactorsOf(plan);
  for (int kind = 0; kind < kNumKinds; ++kind) {
    b.kind[kind] = f.kind[kind] * kAllInNameBoost * (f.who[kind] ? kWhoPersonBoost : 1.0f);
  }
  b.per_doc = f.per_doc;
  b.least = plan.age_lo >= 0 ? kAgeOutOfRange : 1.0f;
  b.most = (plan.age_lo >= 0 ? kAgeInRange : 1.0f) *
           (plan.district_preferred.empty() ? 1.0f : kPreferredDistrictBoost);
  return b;
}

float AgeDistrictFactor(const IndexState& st, const Plan& plan, uint32_t d) {
  return AgeFactor(st, plan, d) * DistrictFactor(st, plan, d);
}

std::vector<std::string> PreferenceLines(const IndexState& st, const Plan& plan, uint32_t d) {
  std::vector<std::string> lines;
  const int kind = st.meta[d].kind;
  if (plan.kinds_preferred & (1u << kind)) {
    lines.push_back(
        absl::StrFormat("foretrukken type %s ×%.1f", kKindNames[kind], kPreferredKindBoost));
  } else if (plan.kinds_asked & (1u << kind)) {
    lines.push_back(
        absl::StrFormat("typen %s står i teksten ×%.1f", kKindNames[kind], kKindAskedBoost));
  }
  if (const float f = DistrictFactor(st, plan, d); f != 1.0f) {
    lines.push_back(
        absl::StrFormat("foretrukket bydel %s ×%.1f", st.values[st.meta[d].district], f));
  }
  if (const float f = AgeFactor(st, plan, d); f != 1.0f) {
    const std::string ages = plan.age_lo == plan.age_hi
                                 ? absl::StrCat(plan.age_lo)
                                 : absl::StrCat(plan.age_lo, "-", plan.age_hi);
    lines.push_back(absl::StrFormat("alder %s %s målgruppen (%d-%d år) ×%.1f", ages,
                                    f > 1.0f ? "i" : "uden for", st.meta[d].age_min,
                                    st.meta[d].age_max, f));
  }
  return lines;
}

absl::Status IndexState::SetPreferences(const SearchQuery& query, Plan* plan) const {
  for (const std::string& k : query.preferred_kinds) {
    int kind = 0;
    while (kind < kNumKinds && TextFolder::FoldJoined(k) != kKindNames[kind]) ++kind;
    if (kind == kNumKinds) {
      return absl::InvalidArgumentError(
          absl::StrCat("preferred_kinds: unknown kind '", common::Echo(k),
                       "'; valid are unit, tilbud, partner, praktik, person"));
    }
    plan->kinds_preferred |= static_cast<uint8_t>(1u << kind);
  }
  for (const std::string& district : query.preferred_districts) {
    const std::vector<uint16_t> ids = ValueIds(district, kDistrictUse);
    if (ids.empty()) return UnknownValue("preferred_districts", district, kDistrictUse);
    plan->district_preferred.resize(values.size());
    for (uint16_t v : ids) plan->district_preferred[v] = 1;
  }
  plan->age_lo = plan->age_hi = plan->age;
  if (query.preferred_ages) {
    const auto [lo, hi] = *query.preferred_ages;
    if (lo < 0 || hi > 120 || lo > hi) {
      return absl::InvalidArgumentError(
          absl::StrCat("preferred_ages: ", lo, "-", hi, " is not a range within 0-120"));
    }
    plan->age_lo = lo;
    plan->age_hi = hi;
  }
  return absl::OkStatus();
}

// Collect's loop over EvaluateAll's candidates, which already passed the
// filter. Every match is scored here, so this loop is kept tight.
void IndexState::CollectCandidates(const Plan& plan, const Scratch& s, float min_weight,
                                   float total_weight, size_t matchable,
                                   std::vector<std::pair<float, uint32_t>>* out) const {
  std::vector<std::pair<float, uint32_t>>& matches = *out;
  const PlanFactors factors = FactorsOf(plan);
  constexpr size_t kAhead = 16;  // the docs are scattered: fetch their metadata ahead
  const size_t n = s.candidates.size();
  // Written field by field: GCC builds a pushed (float, uint32_t) pair on
  // the stack and reloads it as one 8-byte word, which stalls store
  // forwarding on every match (most of this loop's time at 18,000 matches).
  const size_t start = matches.size();
  matches.resize(start + n);
  std::pair<float, uint32_t>* next = matches.data() + start;
  for (size_t i = 0; i < n; ++i) {
    if (i + kAhead < n) __builtin_prefetch(&meta[s.candidates[i + kAhead]]);
    const Acc& a = s.cacc[i];
    const uint32_t d = s.candidates[i];
    if (a.covered < min_weight || !meta[d].alive) continue;
    next->first = FinalScore(*this, plan, factors, a, d, total_weight, matchable);
    next->second = d;
    ++next;
  }
  matches.resize(static_cast<size_t>(next - matches.data()));
}

void IndexState::Collect(const Plan& plan, Scratch& s, const DocFilter& filter, float* total_weight,
                         std::vector<std::pair<float, uint32_t>>* out, size_t top) const {
  std::vector<std::pair<float, uint32_t>>& matches = *out;
  matches.clear();
  s.ClearUnscored();
  size_t matchable = 0;
  *total_weight = 0;
  // A word that no record has cannot be covered by any: it does not count,
  // so that one unknown word ("bostøtte qwxyz") does not empty the result.
  for (const Slot& slot : plan.slots) {
    if (slot.clauses.empty() || slot.optional) continue;
    *total_weight += slot.weight;
    ++matchable;
  }
  for (const float min_coverage : {1.0f, kMinCoverage}) {
    if (min_coverage == kMinCoverage &&
        (matches.size() + s.num_unscored >= kDropWordsThreshold || matchable < 2)) {
      break;
    }
    matches.clear();
    s.ClearUnscored();
    auto mark_exact = [&] {
      if (auto it = name_keys.find(plan.name_key); it != name_keys.end()) {
        for (uint32_t d : it->second) {
          Acc* a = AccOf(s, d);
          if (a != nullptr && a->covered > 0) a->exact = 1;
        }
      }
    };
    const float min_weight = min_coverage * *total_weight * 0.999f;
    if (min_coverage == 1.0f) {
      EvaluateAll(plan, s, filter, top);
      mark_exact();
      // EvaluateAll already dropped the candidates that fail the filter.
      CollectCandidates(plan, s, min_weight, *total_weight, matchable, &matches);
      if (s.deferred && SettleDeferred(plan, top, matches, s) > 0) {
        // Deferred matches that may reach the page are scored after all.
        ScoreCandidates(plan, s);
        CollectCandidates(plan, s, min_weight, *total_weight, matchable, &matches);
      }
      continue;
    }
    Evaluate(plan, s, min_coverage);
    mark_exact();
    const bool keeps_all = filter.KeepsAll();
    const PlanFactors factors = FactorsOf(plan);
    matches.reserve(s.touched.size());
    for (uint32_t d : s.touched) {
      const Acc& a = s.acc[d];
      if (a.covered < min_weight || !(keeps_all ? meta[d].alive : Passes(filter, d))) continue;
      matches.push_back({FinalScore(*this, plan, factors, a, d, *total_weight, matchable), d});
    }
  }
}

std::vector<std::string> IndexState::Explain(const Plan& plan, Scratch& s, uint32_t d,
                                             float total_weight) const {
  const Acc* acc = AccOf(s, d);
  const bool exact = acc != nullptr && acc->exact != 0;
  std::vector<std::string> lines;
  for (const Slot& slot : plan.slots) {
    float best = 0;
    std::string why;
    for (const Clause& clause : slot.clauses) {
      float sum = 0;
      bool all = true;
      std::vector<std::string> parts;
      for (const Part& part : clause.parts) {
        float part_best = 0;
        std::string part_why;
        for (const Alt& alt : part.alts) {
          const Posting* p = terms[alt.term].postings.Find(d);
          if (p == nullptr) continue;
          const float v = Idf(alt.term) * alt.factor * p->impact / kImpactScale;
          if (v > part_best) {
            part_best = v;
            part_why = absl::StrCat(
                alt.label,
                alt.surface == UINT32_MAX ? ""
                                          : absl::StrCat(" \"", surfaces[alt.surface].text, "\""),
                " -> \"", terms[alt.term].text, "\" in ", FieldNames(p->fields));
          }
        }
        if (part_best == 0) {
          all = false;
          break;
        }
        sum += part_best;
        parts.push_back(part_why);
      }
      if (!all) continue;
      const float v = clause.parts.size() == 1
                          ? sum * clause.factor
                          : sum * clause.factor / std::sqrt(float(clause.parts.size()));
      if (v > best) {
        best = v;
        why = absl::StrCat(clause.label.empty() ? "" : clause.label + ": ",
                           absl::StrJoin(parts, "; "));
      }
    }
    if (best > 0) {
      lines.push_back(absl::StrFormat("\"%s\": %s (%.2f)", slot.text, why, best));
    } else {
      lines.push_back(absl::StrFormat("\"%s\": not matched", slot.text));
    }
  }
  const float coverage = total_weight > 0 && acc != nullptr ? acc->covered / total_weight : 0;
  lines.push_back(absl::StrFormat("words matched (idf-weighted): %.0f%%", coverage * 100));
  if (plan.who && docs[d].kind == Kind::kPerson) {
    lines.push_back(absl::StrFormat("person asked for (\"hvem\"): x%.2f", kWhoPersonBoost));
  }
  if (exact) lines.push_back(absl::StrFormat("query is its name: x%.1f", kExactNameBoost));
  for (std::string& line : PreferenceLines(*this, plan, d)) lines.push_back(std::move(line));
  return lines;
}

}  // namespace sofdir::search::internal
