// Posting evaluation: which docs match a plan and their raw scores. A
// bitmap per slot finds the candidates that hold every word; only they are
// scored, each list read whole or looked up for them (contracts in
// index_state.h).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "server/search/index_state.h"
#include "server/search/posting_list.h"

namespace sofdir::search::internal {
namespace {

// `inline`, as when these were defined in the class: GCC's -O2 inliner
// weighs the hint, and they run per clause in the scoring loops.

// Postings read to evaluate the slot (a phrase reads its rarest part).
inline size_t Volume(const Slot& slot, const std::vector<Term>& terms, const PhraseJoins& joins) {
  size_t v = 0;
  for (const Clause& c : slot.clauses) {
    if (c.join != PhraseJoins::kNone) {
      v += joins.docs(c.join).size();
      continue;
    }
    size_t clause_volume = SIZE_MAX;
    for (const Part& p : c.parts) {
      size_t part_volume = 0;
      for (const Alt& a : p.alts) part_volume += terms[a.term].postings.size();
      clause_volume = std::min(clause_volume, part_volume);
    }
    if (clause_volume != SIZE_MAX) v += clause_volume;
  }
  return v;
}

inline void RankCandidates(Scratch& s) {
  s.candidate_rank.resize(s.candidate_bits.size());
  uint32_t rank = 0;
  for (size_t w = 0; w < s.candidate_bits.size(); ++w) {
    s.candidate_rank[w] = rank;
    rank += static_cast<uint32_t>(PopCount(s.candidate_bits[w]));
  }
}

// Makes s.candidates (ascending) the docs whose bits are set in
// s.candidate_bits, with zeroed compact accumulators.
inline void StartCandidates(Scratch& s) {
  s.candidates.clear();
  for (size_t w = 0; w < s.candidate_bits.size(); ++w) {
    for (uint64_t word = s.candidate_bits[w]; word != 0; word &= word - 1) {
      s.candidates.push_back(static_cast<uint32_t>(w * 64 + __builtin_ctzll(word)));
    }
  }
  RankCandidates(s);
  s.cacc.assign(s.candidates.size(), Acc{});
  s.cpart_best.clear();  // zeroed by ScoreClauseParts when a clause needs it
}

// Copies the candidates' compact accumulators to s.acc.
inline void StoreCandidates(Scratch& s) {
  for (size_t i = 0; i < s.candidates.size(); ++i) {
    Acc& a = s.acc[s.candidates[i]];
    if (a.covered == 0 && a.score == 0) s.touched.push_back(s.candidates[i]);
    a = s.cacc[i];
  }
}

// Drops the docs of s.part_docs whose s.part_sum is 0 (a part is missing).
inline void KeepMatchedParts(Scratch& s) {
  size_t kept = 0;
  for (size_t k = 0; k < s.part_docs.size(); ++k) {
    if (s.part_sum[k] == 0) continue;
    s.part_docs[kept] = s.part_docs[k];
    s.part_index[kept] = s.part_index[k];
    s.part_sum[kept++] = s.part_sum[k];
  }
  s.part_docs.resize(kept);
  s.part_index.resize(kept);
  s.part_sum.resize(kept);
}

// Keeps the candidates whose compact accumulator passes `keep`, with their
// accumulators, bits and ranks.
template <typename Keep>
inline void KeepCandidates(Scratch& s, Keep&& keep) {
  size_t kept = 0;
  for (size_t i = 0; i < s.candidates.size(); ++i) {
    const uint32_t d = s.candidates[i];
    if (keep(s.cacc[i])) {
      s.candidates[kept] = d;
      s.cacc[kept++] = s.cacc[i];
    } else {
      s.candidate_bits[d >> 6] &= ~(uint64_t{1} << (d & 63));
    }
  }
  if (kept == s.candidates.size()) return;
  s.candidates.resize(kept);
  s.cacc.resize(kept);
  if (!s.cpart_best.empty()) s.cpart_best.resize(kept);
  RankCandidates(s);
}

}  // namespace

// Adds the slot's best match of every doc `at` takes to its accumulators.
// Each list is either read whole, testing each posting's doc, or looked up
// for each candidate, whichever touches less: reading streams memory, a
// lookup costs a few loads (a dense list) or a galloping search (a sparse
// one).
template <typename At>
void IndexState::ScoreSlot(const Slot& slot, Scratch& s, At at, bool all_hold) const {
  constexpr size_t kDenseLookup = 4;    // postings read in the time of one lookup
  constexpr size_t kSparseLookup = 16;  // ... of one galloping search
  const std::vector<uint32_t>& candidates = s.candidates;
  auto read_whole = [&](size_t volume, bool dense) {
    return At::kAll || volume <= (dense ? kDenseLookup : kSparseLookup) * candidates.size();
  };
  auto offer_slot = [&](uint32_t i, float v, uint16_t fields) {
    Acc& a = at.At(i);
    if (!all_hold && a.slot_best == 0) s.slot_touched.push_back(i);
    if (v > a.slot_best) {
      a.slot_best = v;
      a.slot_fields = fields;
    }
  };
  for (const Clause& clause : slot.clauses) {
    if (clause.parts.size() == 1) {
      for (const Alt& alt : clause.parts[0].alts) {
        const float w = Idf(alt.term) * alt.factor * clause.factor / kImpactScale;
        const PostingList& list = terms[alt.term].postings;
        if (read_whole(list.size(), list.dense())) {
          for (const Posting& p : list) {
            if (at.In(p.doc)) offer_slot(at.Index(p.doc), w * p.impact, p.fields);
          }
          continue;
        }
        list.Gather(candidates, &s.found);
        for (uint32_t i = 0; i < candidates.size(); ++i) {
          if (const Posting* p = s.found[i]) offer_slot(i, w * p->impact, p->fields);
        }
      }
      continue;
    }
    if (clause.join != PhraseJoins::kNone) {
      ScoreJoined(clause, s, at, offer_slot);
      continue;
    }
    ScoreClauseParts(clause, s, at);
    for (size_t k = 0; k < s.part_index.size(); ++k) offer_slot(s.part_index[k], s.part_sum[k], 0);
  }
  auto add_slot = [&](uint32_t i) {
    Acc& a = at.At(i);
    if (a.covered == 0) at.FirstTouch(i);
    a.score += a.slot_best;
    a.covered += slot.weight;
    if (a.slot_fields & kNameFields) ++a.name_slots;
    a.slot_best = 0;
    a.slot_fields = 0;
  };
  if (all_hold) {
    // Every candidate was offered a match: no list of those touched.
    for (uint32_t i = 0; i < s.candidates.size(); ++i) add_slot(i);
    return;
  }
  for (uint32_t i : s.slot_touched) add_slot(i);
  s.slot_touched.clear();
}

// Sets s.part_docs (ascending), s.part_index (their indexes for `at`) and
// s.part_sum to the docs `at` takes that hold every part of `clause` (a
// phrase or compound parts), and their scores. The rarest part's docs are
// looked up in the others.
template <typename At>
void IndexState::ScoreClauseParts(const Clause& clause, Scratch& s, At at) const {
  constexpr size_t kLookup = 8;  // postings read in the time of one lookup
  size_t rarest = 0, rarest_volume = SIZE_MAX;
  for (size_t i = 0; i < clause.parts.size(); ++i) {
    size_t v = 0;
    for (const Alt& alt : clause.parts[i].alts) v += terms[alt.term].postings.size();
    if (v < rarest_volume) {
      rarest_volume = v;
      rarest = i;
    }
  }
  s.part_index.clear();
  if (At::kAll || rarest_volume <= kLookup * s.candidates.size()) {
    if (!At::kAll && s.cpart_best.size() != s.candidates.size()) {
      s.cpart_best.assign(s.candidates.size(), 0.0f);
    }
    for (const Alt& alt : clause.parts[rarest].alts) {
      const float w = PartAltWeight(alt);
      for (const Posting& p : terms[alt.term].postings) {
        if (!at.In(p.doc)) continue;
        const uint32_t i = at.Index(p.doc);
        float& best = at.PartBest(i);
        if (best == 0) s.part_index.push_back(i);
        best = std::max(best, w * p.impact);
      }
    }
    SortDocs(&s.part_index, s);
    s.part_docs.resize(s.part_index.size());
    s.part_sum.resize(s.part_index.size());
    for (size_t k = 0; k < s.part_index.size(); ++k) {
      s.part_docs[k] = at.Doc(s.part_index[k]);
      s.part_sum[k] = std::exchange(at.PartBest(s.part_index[k]), 0.0f);
    }
  } else {
    s.part_docs = s.candidates;
    s.part_index.resize(s.part_docs.size());
    for (uint32_t i = 0; i < s.part_index.size(); ++i) s.part_index[i] = i;
    PartBestOf(clause.parts[rarest], s, &s.part_sum);
    KeepMatchedParts(s);
  }
  for (size_t i = 0; i < clause.parts.size() && !s.part_docs.empty(); ++i) {
    if (i == rarest) continue;
    PartBestOf(clause.parts[i], s, &s.part_max);
    for (size_t k = 0; k < s.part_docs.size(); ++k) {
      s.part_sum[k] = s.part_max[k] == 0 ? 0 : s.part_sum[k] + s.part_max[k];
    }
    KeepMatchedParts(s);
  }
  const float norm = clause.factor / std::sqrt(static_cast<float>(clause.parts.size()));
  for (float& v : s.part_sum) v *= norm;
}

// A joined phrase's scores, offered to `offer` (ScoreSlot's): the impacts
// of a doc's words are side by side in one row of the join, read at the
// doc's position in the join's docs, and summed as ScoreClauseParts sums
// them (rarest part first, then the norm), to the same bit.
template <typename At, typename Offer>
void IndexState::ScoreJoined(const Clause& clause, Scratch& s, At at, Offer&& offer) const {
  constexpr size_t kLookup = 8;  // postings read in the time of one lookup
  constexpr size_t kMaxWords = PhraseJoins::kMaxWords;
  const size_t n = clause.parts.size();
  size_t order[kMaxWords];
  float weight[kMaxWords];
  size_t rarest = 0;
  for (size_t k = 1; k < n; ++k) {
    if (terms[clause.parts[k].alts[0].term].postings.size() <
        terms[clause.parts[rarest].alts[0].term].postings.size()) {
      rarest = k;
    }
  }
  order[0] = rarest;
  for (size_t k = 0, o = 1; k < n; ++k) {
    if (k != rarest) order[o++] = k;
  }
  for (size_t o = 0; o < n; ++o) weight[o] = PartAltWeight(clause.parts[order[o]].alts[0]);
  const uint16_t* impacts = joins.impacts(clause.join);
  const float norm = clause.factor / std::sqrt(static_cast<float>(n));
  auto score = [&](size_t pos) {
    const uint16_t* row = impacts + pos * n;
    float sum = 0;
    for (size_t o = 0; o < n; ++o) sum += std::max(0.0f, weight[o] * row[order[o]]);
    return sum * norm;
  };
  const PostingList& first = joins.docs(clause.join);
  if (At::kAll || first.size() <= kLookup * s.candidates.size()) {
    for (const Posting& p : first) {
      if (at.In(p.doc)) offer(at.Index(p.doc), score(static_cast<size_t>(&p - first.begin())), 0);
    }
    return;
  }
  first.Gather(s.candidates, &s.found);
  for (uint32_t i = 0; i < s.candidates.size(); ++i) {
    if (s.found[i] != nullptr) offer(i, score(static_cast<size_t>(s.found[i] - first.begin())), 0);
  }
}

void IndexState::PartBestOf(const Part& part, Scratch& s, std::vector<float>* best) const {
  best->assign(s.part_docs.size(), 0.0f);
  for (const Alt& alt : part.alts) {
    const float w = PartAltWeight(alt);
    terms[alt.term].postings.Gather(s.part_docs, &s.found);
    for (size_t k = 0; k < s.part_docs.size(); ++k) {
      if (const Posting* p = s.found[k]) (*best)[k] = std::max((*best)[k], w * p->impact);
    }
  }
}

void IndexState::SortDocs(std::vector<uint32_t>* ids, Scratch& s) const {
  if (ids->size() < 64) {
    std::sort(ids->begin(), ids->end());
    return;
  }
  s.bits.assign(docs.size() / 64 + 1, 0);
  for (uint32_t d : *ids) s.bits[d >> 6] |= uint64_t{1} << (d & 63);
  ids->clear();
  for (size_t w = 0; w < s.bits.size(); ++w) {
    uint64_t word = s.bits[w];
    while (word != 0) {
      ids->push_back(static_cast<uint32_t>(w * 64 + __builtin_ctzll(word)));
      word &= word - 1;
    }
  }
}

// Scores every doc that can reach `min_coverage` of the query's weight
// into `s`. Words with long postings whose weight together stays below
// that share cannot qualify a doc alone, so they are only probed for the
// docs the other words found.
void IndexState::Evaluate(const Plan& plan, Scratch& s, float min_coverage) const {
  constexpr size_t kProbeMinVolume = 2048;
  s.Reserve(docs.size());
  s.Clear();
  s.compact = false;
  float total = 0;
  std::vector<size_t> volume(plan.slots.size());
  std::vector<size_t> order;
  for (size_t i = 0; i < plan.slots.size(); ++i) {
    if (!plan.slots[i].clauses.empty()) total += plan.slots[i].weight;  // as in Collect
    volume[i] = Volume(plan.slots[i], terms, joins);
    order.push_back(i);
  }
  const float budget = min_coverage * total * 0.999f;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return volume[a] > volume[b]; });
  std::vector<bool> probe(plan.slots.size(), false);
  float probe_weight = 0;
  for (size_t i : order) {
    if (volume[i] < kProbeMinVolume) break;
    if (plan.slots[i].optional) continue;
    if (probe_weight + plan.slots[i].weight < budget) {
      probe[i] = true;
      probe_weight += plan.slots[i].weight;
    }
  }
  for (size_t i = 0; i < plan.slots.size(); ++i) {
    if (!probe[i] && !plan.slots[i].clauses.empty() && !plan.slots[i].optional) {
      ScoreSlot(plan.slots[i], s, AllDocs{s});
    }
  }
  if (probe_weight == 0) return;
  s.candidate_bits.assign(docs.size() / 64 + 1, 0);
  for (uint32_t d : s.touched) {
    if (s.acc[d].covered + probe_weight >= budget) {
      s.candidate_bits[d >> 6] |= uint64_t{1} << (d & 63);
    }
  }
  StartCandidates(s);
  for (size_t i = 0; i < s.candidates.size(); ++i) s.cacc[i] = s.acc[s.candidates[i]];
  // Rarest probed words first: each round drops the candidates that can no
  // longer reach the budget.
  std::vector<size_t> probes;
  for (size_t i = 0; i < plan.slots.size(); ++i) {
    if (probe[i]) probes.push_back(i);
  }
  std::sort(probes.begin(), probes.end(),
            [&](size_t a, size_t b) { return volume[a] < volume[b]; });
  float remaining = probe_weight;
  for (size_t i : probes) {
    ScoreSlot(plan.slots[i], s, Candidates{s});
    remaining -= plan.slots[i].weight;
    KeepCandidates(s, [&](const Acc& a) { return a.covered + remaining >= budget; });
  }
  StoreCandidates(s);
}

// Sets s.clause_bits to the docs of s.all_bits that hold every part of
// `clause` (a phrase or compound parts). Only the rarest part is read
// whole; a part with many postings next to the docs left is sought for
// those docs instead, which matters for phrases such as "kobenhavn nv"
// whose common word is in nearly every record.
void IndexState::ClauseBits(const Clause& clause, Scratch& s) const {
  constexpr size_t kSeekRatio = 64;  // 8 was about 10% slower at 100k records
  const size_t words = s.all_bits.size();
  auto part_volume = [&](const Part& part) {
    size_t v = 0;
    for (const Alt& alt : part.alts) v += terms[alt.term].postings.size();
    return v;
  };
  if (clause.join != PhraseJoins::kNone) {
    s.clause_bits.assign(words, 0);
    joins.docs(clause.join).OrInto(&s.clause_bits);
    for (size_t w = 0; w < words; ++w) s.clause_bits[w] &= s.all_bits[w];
    return;
  }
  size_t rarest = 0;
  for (size_t i = 1; i < clause.parts.size(); ++i) {
    if (part_volume(clause.parts[i]) < part_volume(clause.parts[rarest])) rarest = i;
  }
  s.clause_bits.assign(words, 0);
  for (const Alt& alt : clause.parts[rarest].alts) terms[alt.term].postings.OrInto(&s.clause_bits);
  size_t left = 0;
  for (size_t w = 0; w < words; ++w) {
    s.clause_bits[w] &= s.all_bits[w];
    left += PopCount(s.clause_bits[w]);
  }
  struct Cursor {
    const PostingList* postings;
    size_t pos;
  };
  std::vector<Cursor> cursors;
  for (size_t i = 0; i < clause.parts.size() && left > 0; ++i) {
    if (i == rarest) continue;
    const Part& part = clause.parts[i];
    if (part_volume(part) <= kSeekRatio * left) {
      s.part_bits.assign(words, 0);
      for (const Alt& alt : part.alts) terms[alt.term].postings.OrInto(&s.part_bits);
      left = 0;
      for (size_t w = 0; w < words; ++w) {
        s.clause_bits[w] &= s.part_bits[w];
        left += PopCount(s.clause_bits[w]);
      }
      continue;
    }
    cursors.clear();
    for (const Alt& alt : part.alts) cursors.push_back({&terms[alt.term].postings, 0});
    left = 0;
    for (size_t w = 0; w < words; ++w) {
      uint64_t word = s.clause_bits[w];
      while (word != 0) {
        const uint64_t bit = word & (~word + 1);
        word &= word - 1;
        const auto d = static_cast<uint32_t>(w * 64 + __builtin_ctzll(bit));
        bool found = false;
        for (Cursor& cur : cursors) {
          if (cur.postings->Find(d, &cur.pos) != nullptr) {
            found = true;
            break;
          }
        }
        if (found) {
          ++left;
        } else {
          s.clause_bits[w] &= ~bit;
        }
      }
    }
  }
}

// Work to set a bit for each doc of the slot: a dense list is OR-ed a
// word at a time, a sparse one read posting by posting.
size_t IndexState::BitsCost(const Slot& slot, size_t words) const {
  size_t cost = 0;
  for (const Clause& c : slot.clauses) {
    if (c.join != PhraseJoins::kNone) {
      const PostingList& joined = joins.docs(c.join);
      cost += joined.dense() ? words / 8 : joined.size();
      continue;
    }
    size_t clause_cost = SIZE_MAX;
    for (const Part& p : c.parts) {
      size_t part_cost = 0;
      for (const Alt& a : p.alts) {
        const PostingList& list = terms[a.term].postings;
        part_cost += list.dense() ? words / 8 : list.size();
      }
      clause_cost = std::min(clause_cost, part_cost);
    }
    if (clause_cost != SIZE_MAX) cost += clause_cost;
  }
  return cost;
}

// Scores the docs that match every slot of `plan` into `s`. Which docs
// those are is found with one bitmap per slot, rarest slot first (setting
// bits, or OR-ing a dense list's bitmap, is far cheaper than scoring each
// posting); only the docs in the intersection are then scored, each slot
// either by reading its postings for them or by looking each of them up,
// whichever touches less.
void IndexState::EvaluateAll(const Plan& plan, Scratch& s, const DocFilter& filter,
                             size_t top) const {
  // A slot whose bitmap costs this many times more than the docs left is
  // not read into a bitmap: it is looked up for those docs instead.
  constexpr size_t kSeekRatio = 256;
  s.Reserve(docs.size());
  s.Clear();
  s.compact = true;
  s.deferred = false;
  s.candidates.clear();
  s.cacc.clear();
  const size_t words = docs.size() / 64 + 1;
  std::vector<size_t>& order = s.slot_order;
  order.clear();
  std::vector<size_t> bits_cost(plan.slots.size());
  for (size_t i = 0; i < plan.slots.size(); ++i) {
    // Nothing has this word (not even with a typo): it is left out, as
    // Collect leaves it out of the weight to cover.
    if (plan.slots[i].clauses.empty() || plan.slots[i].optional) continue;
    bits_cost[i] = BitsCost(plan.slots[i], words);
    order.push_back(i);
  }
  if (order.empty()) return;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return bits_cost[a] < bits_cost[b]; });
  s.all_bits.assign(words, ~uint64_t{0});
  size_t survivors = docs.size(), read = 0;
  for (size_t i : order) {
    const Slot& slot = plan.slots[i];
    if (read > 0 && bits_cost[i] > kSeekRatio * survivors) break;
    s.slot_bits.assign(words, 0);
    for (const Clause& clause : slot.clauses) {
      if (clause.parts.size() == 1) {
        for (const Alt& alt : clause.parts[0].alts) terms[alt.term].postings.OrInto(&s.slot_bits);
        continue;
      }
      // A join's docs need no intersection: the slot's bits are AND-ed
      // into the candidates below.
      if (clause.join != PhraseJoins::kNone) {
        joins.docs(clause.join).OrInto(&s.slot_bits);
        continue;
      }
      ClauseBits(clause, s);
      for (size_t w = 0; w < words; ++w) s.slot_bits[w] |= s.clause_bits[w];
    }
    survivors = 0;
    for (size_t w = 0; w < words; ++w) {
      s.all_bits[w] &= s.slot_bits[w];
      survivors += PopCount(s.all_bits[w]);
    }
    ++read;
    if (survivors == 0) return;
  }
  s.candidate_bits.swap(s.all_bits);
  // Only docs that pass the filter are scored: with "ledig plads" or a
  // district as a filter, most of the docs holding the words drop here.
  // The docs are scattered: their Meta is fetched a few docs ahead.
  if (!filter.KeepsAll()) {
    std::vector<uint32_t>& docs_in = s.candidates;  // rebuilt by ScoreCandidates
    docs_in.clear();
    for (size_t w = 0; w < words; ++w) {
      for (uint64_t word = s.candidate_bits[w]; word != 0; word &= word - 1) {
        docs_in.push_back(static_cast<uint32_t>(w * 64 + __builtin_ctzll(word)));
      }
    }
    constexpr size_t kAhead = 16;
    for (size_t i = 0; i < docs_in.size(); ++i) {
      if (i + kAhead < docs_in.size()) __builtin_prefetch(&meta[docs_in[i + kAhead]]);
      const uint32_t d = docs_in[i];
      if (!Passes(filter, d)) s.candidate_bits[d >> 6] &= ~(uint64_t{1} << (d & 63));
    }
  }
  // With every slot read, the candidates are the matches: the weak ones
  // may wait (deferred.cc).
  s.slots_read = read;
  if (top > 0 && read == order.size()) DeferWeak(plan, order, top, s);
  ScoreCandidates(plan, s);
}

void IndexState::ScoreCandidates(const Plan& plan, Scratch& s) const {
  const std::vector<size_t>& order = s.slot_order;
  StartCandidates(s);
  // Score: every candidate holds the slots read into bitmaps; the others
  // drop the candidates that lack them.
  float needed = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    const Slot& slot = plan.slots[order[k]];
    needed += slot.weight;
    // The slots read into bitmaps hold every candidate.
    ScoreSlot(slot, s, Candidates{s}, /*all_hold=*/k < s.slots_read);
    if (k >= s.slots_read) {
      KeepCandidates(s, [&](const Acc& a) { return a.covered >= needed * 0.999f; });
    }
  }
  for (const Slot& slot : plan.slots) {
    if (slot.optional && !slot.clauses.empty()) ScoreSlot(slot, s, Candidates{s});
  }
}

}  // namespace sofdir::search::internal
