// Deferring weak matches (contracts in index_state.h).
//
// A word with broader or looser alternatives ("recovery" for
// "forandringskompasset", "rådgivning" for "anonym rådgivning") can match
// several times the records that hold the word itself. Every match counts
// in the total and the facets, but only the best `top` are shown, and a
// match through a weak alternative scores far below one through the word.
// So EvaluateAll scores first the matches that hold every slot through a
// strong clause; the others are deferred. Collect then bounds each
// deferred match's score (each slot's best possible clause, weak or
// strong, times the most its kind, district and age can multiply it by):
// when none can reach the `top`-th best score, they are counted and never
// scored. Otherwise they are scored as usual, and the search gives the same
// results either way.

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "server/search/index_state.h"
#include "server/search/posting_list.h"

namespace sofdir::search::internal {
namespace {

// A clause is weak when it can give at most this share of its slot's best.
constexpr float kWeakShare = 0.5f;
// A doc weak in one slot can score at most this share of the best sum of
// all slots, or deferring is not tried (SettleDeferred would find that most
// deferred docs may still rank).
constexpr float kMaxWeakShare = 0.8f;
// Fewer deferred docs than this: not worth the bounds, all are scored.
constexpr size_t kMinDeferred = 256;
// Float sums and products in a final score may round up by a few units in
// the last place: a bound must beat the threshold by more than that.
constexpr float kMargin = 1.001f;

}  // namespace

float IndexState::ClauseBound(const Clause& clause) const {
  auto alt_bound = [&](const Alt& alt, float weight) {
    return std::max(0.0f, weight * terms[alt.term].postings.max_impact());
  };
  if (clause.parts.size() == 1) {
    float best = 0;
    for (const Alt& alt : clause.parts[0].alts) {
      best = std::max(best,
                      alt_bound(alt, Idf(alt.term) * alt.factor * clause.factor / kImpactScale));
    }
    return best;
  }
  // ScoreClauseParts and ScoreJoined: the parts' best summed, times the norm.
  float sum = 0;
  for (const Part& part : clause.parts) {
    float best = 0;
    for (const Alt& alt : part.alts) best = std::max(best, alt_bound(alt, PartAltWeight(alt)));
    sum += best;
  }
  return sum * clause.factor / std::sqrt(static_cast<float>(clause.parts.size()));
}

void IndexState::DeferWeak(const Plan& plan, const std::vector<size_t>& order, size_t top,
                           Scratch& s) const {
  const size_t words = s.candidate_bits.size();
  size_t matches = 0;
  for (uint64_t w : s.candidate_bits) matches += PopCount(w);
  if (top == 0 || matches < top + kMinDeferred) return;
  for (const Slot& slot : plan.slots) {
    if (slot.optional && !slot.clauses.empty()) return;  // adds weight beyond the total
  }
  // Each slot's best and weak bounds. A compound's parts (not joined)
  // would need an intersection of their lists to tell its docs: they count
  // as weak in the slot, bounded by that clause.
  s.slot_bound.assign(plan.slots.size(), 0.0f);
  s.weak_bound.assign(plan.slots.size(), 0.0f);
  // Grown, never shrunk: the inner vectors keep their memory for the next query.
  if (s.strong_bits.size() < plan.slots.size()) s.strong_bits.resize(plan.slots.size());
  if (s.clause_bounds.size() < plan.slots.size()) s.clause_bounds.resize(plan.slots.size());
  std::vector<std::vector<float>>& bounds = s.clause_bounds;
  float strong_sum = 0, least_gap = FLT_MAX;
  for (size_t i : order) {
    const Slot& slot = plan.slots[i];
    s.strong_bits[i].clear();
    bounds[i].clear();
    for (const Clause& clause : slot.clauses) bounds[i].push_back(ClauseBound(clause));
    const float best = *std::max_element(bounds[i].begin(), bounds[i].end());
    s.slot_bound[i] = best;
    strong_sum += best;
    float weak = 0;
    for (size_t c = 0; c < slot.clauses.size(); ++c) {
      const Clause& clause = slot.clauses[c];
      const bool unjoined = clause.parts.size() > 1 && clause.join == PhraseJoins::kNone;
      if (bounds[i][c] <= kWeakShare * best || unjoined) weak = std::max(weak, bounds[i][c]);
    }
    s.weak_bound[i] = weak;
    if (weak > 0 && weak < best) least_gap = std::min(least_gap, best - weak);
  }
  // A deferred doc holds the other slots perhaps at their best: unless its
  // weak slot takes a large share of the best sum, it bounds too high to
  // stay unscored, and deferring would only split the scoring in two.
  if (least_gap == FLT_MAX || strong_sum - least_gap > kMaxWeakShare * strong_sum) return;
  for (size_t i : order) {
    const Slot& slot = plan.slots[i];
    if (s.weak_bound[i] == 0 || s.weak_bound[i] >= s.slot_bound[i]) continue;  // no doc weak here
    std::vector<uint64_t>& strong = s.strong_bits[i];
    strong.assign(words, 0);
    for (size_t c = 0; c < slot.clauses.size(); ++c) {
      const Clause& clause = slot.clauses[c];
      if (bounds[i][c] <= kWeakShare * s.slot_bound[i]) continue;
      if (clause.parts.size() == 1) {
        for (const Alt& alt : clause.parts[0].alts) terms[alt.term].postings.OrInto(&strong);
      } else if (clause.join != PhraseJoins::kNone) {
        joins.docs(clause.join).OrInto(&strong);
      }
    }
  }
  s.deferred_bits.assign(words, 0);
  size_t deferred = 0;
  for (size_t w = 0; w < words; ++w) {
    uint64_t strong = s.candidate_bits[w];
    for (size_t i : order) {
      if (!s.strong_bits[i].empty()) strong &= s.strong_bits[i][w];
    }
    s.deferred_bits[w] = s.candidate_bits[w] & ~strong;
    deferred += PopCount(s.deferred_bits[w]);
  }
  if (deferred < kMinDeferred || matches - deferred < top) return;
  // A doc named by the whole query scores ×3 (Collect's `exact`): scored.
  if (auto it = name_keys.find(plan.name_key); it != name_keys.end()) {
    for (uint32_t d : it->second) {
      if ((d >> 6) < words) s.deferred_bits[d >> 6] &= ~(uint64_t{1} << (d & 63));
    }
  }
  for (size_t w = 0; w < words; ++w) s.candidate_bits[w] &= ~s.deferred_bits[w];
  s.deferred = true;
}

size_t IndexState::SettleDeferred(const Plan& plan, size_t top,
                                  const std::vector<std::pair<float, uint32_t>>& matches,
                                  Scratch& s) const {
  s.ClearUnscored();
  s.candidate_bits.swap(s.deferred_bits);  // the deferred docs; those to score stay
  size_t left = 0;
  for (uint64_t w : s.candidate_bits) left += PopCount(w);
  if (matches.size() < top) return left;
  std::vector<float>& scores = s.top_scores;
  scores.resize(matches.size());
  for (size_t i = 0; i < matches.size(); ++i) scores[i] = matches[i].first;
  std::nth_element(scores.begin(), scores.begin() + static_cast<std::ptrdiff_t>(top - 1),
                   scores.end(), std::greater<float>());
  const float threshold = scores[top - 1];
  // The required slots: a deferred doc holds each strongly or weakly. Its
  // bound is their bounds' sum (the weak one where it holds the slot only
  // weakly) times the most FinalScore can multiply by for its kind, age
  // and district.
  std::vector<size_t> slots;
  float strong_sum = 0, weak_sum = 0, least_gap = FLT_MAX;
  for (size_t i = 0; i < plan.slots.size(); ++i) {
    if (plan.slots[i].clauses.empty() || plan.slots[i].optional) continue;
    slots.push_back(i);
    strong_sum += s.slot_bound[i];
    const bool has_weak = !s.strong_bits[i].empty();
    weak_sum += has_weak ? s.weak_bound[i] : s.slot_bound[i];
    if (has_weak) least_gap = std::min(least_gap, s.slot_bound[i] - s.weak_bound[i]);
  }
  const FactorBounds factors = BoundFactors(plan);
  const float most = *std::max_element(factors.kind, factors.kind + kNumKinds) * factors.most;
  const float least = *std::min_element(factors.kind, factors.kind + kNumKinds) * factors.least;
  // All can wait, or none can: no need to bound each doc.
  if (weak_sum * least * kMargin >= threshold) return left;
  if ((strong_sum - least_gap) * most * kMargin < threshold) {
    // Postings hold live docs only (Remove unposts a record), so every
    // deferred doc is a match.
    s.unscored.swap(s.candidate_bits);
    s.num_unscored = left;
    s.candidate_bits.assign(s.unscored.size(), 0);
    return 0;
  }
  s.unscored.assign(s.candidate_bits.size(), 0);
  size_t checked = 0, may_rank = 0;
  for (size_t w = 0; w < s.candidate_bits.size(); ++w) {
    for (uint64_t word = s.candidate_bits[w]; word != 0; word &= word - 1) {
      const auto d = static_cast<uint32_t>(w * 64 + __builtin_ctzll(word));
      const uint64_t bit = uint64_t{1} << (d & 63);
      const Meta& m = meta[d];
      float bound = 0;
      for (size_t i : slots) {
        const bool weak = !s.strong_bits[i].empty() && (s.strong_bits[i][w] & bit) == 0;
        bound += weak ? s.weak_bound[i] : s.slot_bound[i];
      }
      bound *= factors.kind[m.kind];
      if (factors.per_doc) bound *= AgeDistrictFactor(*this, plan, d);
      ++checked;
      if (bound * kMargin >= threshold) {
        // Most may rank after all: scoring them all costs less than
        // bounding the rest.
        if (++may_rank * 2 > checked && checked >= 64) {
          for (size_t u = 0; u < s.unscored.size(); ++u) s.candidate_bits[u] |= s.unscored[u];
          left += s.num_unscored;
          s.ClearUnscored();
          return left;
        }
        continue;
      }
      s.unscored[w] |= bit;
      ++s.num_unscored;
      s.candidate_bits[w] &= ~bit;
      --left;
    }
  }
  return left;
}

}  // namespace sofdir::search::internal
