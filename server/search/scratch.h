#ifndef SOFDIR_SERVER_SEARCH_SCRATCH_H_
#define SOFDIR_SERVER_SEARCH_SCRATCH_H_

// Internal to server/search: a query's per-thread working memory, and the
// two ways ScoreSlot (posting_eval.cc) accumulates into it.

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "server/search/posting_list.h"

namespace sofdir::search::internal {

// Per-doc accumulator of one query; one cache line holds four docs.
struct Acc {
  float score;
  float covered;    // idf weight of the query words matched
  float slot_best;  // best match of the slot being evaluated
  uint16_t slot_fields;
  uint8_t name_slots;  // words matched in name or alias
  uint8_t exact;       // the query is this doc's name or alias
};

// Per-thread scratch arrays, indexed by doc slot or by rank among a query's
// candidates, so a query allocates little; the doc-indexed ones are reset
// through the touched list.
struct Scratch {
  std::vector<Acc> acc;
  std::vector<float> part_best;
  std::vector<uint32_t> touched, slot_touched, candidates;
  std::vector<uint64_t> bits, all_bits, slot_bits, clause_bits, part_bits;
  // After EvaluateAll the scores are in `cacc` (for `candidates`), after
  // Evaluate in `acc` (for `touched`).
  bool compact = false;
  std::vector<uint64_t> candidate_bits;   // the bits of `candidates`
  std::vector<size_t> slot_order;         // EvaluateAll's required slots, rarest first
  size_t slots_read = 0;                  // ... of which the first were read into bitmaps
  std::vector<uint32_t> candidate_rank;   // candidates in the words before each word
  std::vector<Acc> cacc;                  // parallel to candidates
  std::vector<float> cpart_best;          // parallel to candidates, or empty until needed
  std::vector<uint32_t> part_docs;        // docs holding a clause's parts so far
  std::vector<uint32_t> part_index;       // their accumulators' indexes
  std::vector<float> part_sum, part_max;  // parallel to part_docs
  std::vector<const Posting*> found;      // PostingList::Gather's answer
  // A query's (score, doc) matches and its facet counts per value id; kept
  // here so that their memory is reused, not allocated per query.
  std::vector<std::pair<float, uint32_t>> matches;
  // Weak matches deferred by EvaluateAll (IndexState::DeferWeak): their
  // bits, each slot's bits of strong matches and score bounds; after
  // Collect, `unscored` has a bit for each doc that matches but was never
  // scored, as none can reach the page (empty: none), and `num_unscored`
  // is their number.
  bool deferred = false;
  std::vector<uint64_t> deferred_bits;
  std::vector<std::vector<uint64_t>> strong_bits;  // per plan slot; empty: all strong
  std::vector<std::vector<float>> clause_bounds;   // per plan slot, per clause
  std::vector<float> slot_bound, weak_bound;       // per plan slot
  std::vector<uint64_t> unscored;
  size_t num_unscored = 0;
  void ClearUnscored() {
    unscored.clear();
    num_unscored = 0;
  }
  std::vector<float> top_scores;
  // CountFacets: [bank][field][value id], [facet class], [field][value id].
  std::vector<uint32_t> facet_counts, facet_class_counts;
  std::vector<size_t> facet_tally;
  // CountFacets: one facet's (value, count) pairs, before they are sorted.
  std::vector<std::pair<absl::string_view, size_t>> facet_listed;
  // Expertise::RankFirst: a bit per doc with evidence; all zero between uses.
  std::vector<uint64_t> evidence_bits;

  void Reserve(size_t n) {
    if (acc.size() >= n) return;
    acc.resize(n, Acc{});
    part_best.resize(n);
  }
  void Clear() {
    for (uint32_t d : touched) acc[d] = Acc{};
    touched.clear();
  }
};

// The calling thread's scratch (search_index.cc).
Scratch& LocalScratch();

// Where ScoreSlot accumulates. AllDocs: s.acc, indexed by doc, for every
// doc in the postings. Candidates: s.cacc, indexed by position in
// s.candidates, for those docs only; a candidate's position is its bit's
// rank in s.candidate_bits. A few thousand candidates' accumulators then
// share a few dozen kilobytes instead of being scattered over the index's
// doc slots, so updating them does not miss the cache.
struct AllDocs {
  Scratch& s;
  static constexpr bool kAll = true;
  bool In(uint32_t) const { return true; }
  uint32_t Index(uint32_t d) const { return d; }
  uint32_t Doc(uint32_t i) const { return i; }
  Acc& At(uint32_t i) const { return s.acc[i]; }
  float& PartBest(uint32_t i) const { return s.part_best[i]; }
  void FirstTouch(uint32_t i) const { s.touched.push_back(i); }
};
struct Candidates {
  Scratch& s;
  static constexpr bool kAll = false;
  bool In(uint32_t d) const { return (s.candidate_bits[d >> 6] >> (d & 63) & 1) != 0; }
  uint32_t Index(uint32_t d) const {
    const uint64_t below = (uint64_t{1} << (d & 63)) - 1;
    return s.candidate_rank[d >> 6] +
           static_cast<uint32_t>(PopCount(s.candidate_bits[d >> 6] & below));
  }
  uint32_t Doc(uint32_t i) const { return s.candidates[i]; }
  Acc& At(uint32_t i) const { return s.cacc[i]; }
  float& PartBest(uint32_t i) const { return s.cpart_best[i]; }
  void FirstTouch(uint32_t) const {}
};

}  // namespace sofdir::search::internal

#endif  // SOFDIR_SERVER_SEARCH_SCRATCH_H_
