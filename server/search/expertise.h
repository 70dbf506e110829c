#ifndef SOFDIR_SERVER_SEARCH_EXPERTISE_H_
#define SOFDIR_SERVER_SEARCH_EXPERTISE_H_

// Internal to server/search: the evidence that persons and units know what
// a query asks about, shared by SearchIndex::WhoKnows and searches with
// SearchQuery::expertise ("hvem ved mest om X").

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/search/index_state.h"

namespace sofdir::search::internal {

// One person's or unit's evidence: its score and what it rests on.
struct Evidence {
  float score = 0;
  // (weight, text) in Danish, e.g. (3.2, "ekspertise: FIT"), (1.1, "kontaktperson for
  // tilbuddet ...").
  std::vector<std::pair<float, std::string>> lines;
};

// Doc slot -> evidence.
using EvidenceMap = absl::flat_hash_map<uint32_t, Evidence>;

class Expertise {
 public:
  // The evidence of persons and units for `plan`'s words, from the best
  // 400 matches of the plan without filters: a person's stated expertise or
  // profile, a unit's knowledge or description, the tilbud and praktik a
  // unit runs or hosts and a person is the contact for (when they state
  // the words as a target group, method or topic), and a unit's knowledge
  // for the persons in it. Runs a search: `s` is left as after it, and
  // `matches`, when given, is set to all its matches in no particular order
  // (as Collect sets them for a filter that keeps every live doc),
  // `*total_weight` to its weight.
  // Without `with_lines` the evidence has its scores only (a search that
  // does not explain its hits never shows the lines).
  static EvidenceMap Gather(const IndexState& st, const Plan& plan, Scratch& s, bool with_lines,
                            std::vector<std::pair<float, uint32_t>>* matches = nullptr,
                            float* total_weight = nullptr);

  // Ranks the persons and units of `evidence` that pass `filter` above
  // every other match, by their evidence times the plan's preferences
  // (PreferenceFactor); those not among `matches` (their own text lacks the
  // words) are added. The other matches keep their scores.
  static void RankFirst(const IndexState& st, const Plan& plan, const DocFilter& filter,
                        const EvidenceMap& evidence, Scratch& s,
                        std::vector<std::pair<float, uint32_t>>* matches);

  // The `max` strongest distinct lines of `e`.
  static std::vector<std::string> Strongest(const Evidence& e, size_t max);
};

}  // namespace sofdir::search::internal

#endif  // SOFDIR_SERVER_SEARCH_EXPERTISE_H_
