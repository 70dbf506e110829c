// SearchIndex::WhoKnows: persons and units ranked by their evidence for a
// topic (Expertise::Gather).

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/search/expertise.h"
#include "server/search/index_state.h"
#include "server/search/search_index.h"

namespace sofdir::search {
namespace {

using internal::CheckText;
using internal::Doc;
using internal::Expertise;
using internal::Kind;
using internal::kKindNames;
using internal::LocalScratch;
using internal::Plan;

}  // namespace

absl::StatusOr<WhoKnowsResult> SearchIndex::WhoKnows(std::string_view topic_in, int limit) const {
  const absl::string_view topic(topic_in.data(), topic_in.size());
  if (absl::Status st = CheckText(topic, "topic", kMaxQueryBytes); !st.ok()) return st;
  if (limit < 1 || limit > kMaxLimit) {
    return absl::InvalidArgumentError(absl::StrCat("limit: ", limit, " is outside 1..", kMaxLimit));
  }
  absl::ReaderMutexLock lock(&mu_);
  const State& st = *state_;
  WhoKnowsResult result;
  const std::shared_ptr<const Vocabulary> vocabulary = CurrentVocabulary();
  Plan plan = st.MakePlan(topic, /*allow_prefix=*/false, vocabulary->synonyms);
  if (plan.slots.empty()) return result;
  const internal::EvidenceMap evidence =
      Expertise::Gather(st, plan, LocalScratch(), /*with_lines=*/true);
  std::vector<std::pair<float, uint32_t>> ranked;
  for (const auto& [d, e] : evidence) ranked.push_back({e.score, d});
  std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return st.docs[a.second].id < st.docs[b.second].id;
  });
  for (const auto& [score, d] : ranked) {
    if (static_cast<int>(result.hits.size()) >= limit) break;
    const Doc& doc = st.docs[d];
    WhoKnowsHit hit;
    hit.id = doc.id;
    hit.kind = kKindNames[static_cast<int>(doc.kind)];
    hit.name = doc.name;
    hit.title = doc.title;
    if (doc.kind == Kind::kPerson) {
      if (const Doc* u = st.LiveDoc(doc.parent_id)) hit.unit_name = u->name;
    }
    hit.email = doc.email;
    hit.phone = doc.phone;
    hit.score = score;
    hit.evidence = Expertise::Strongest(evidence.at(d), 5);
    result.hits.push_back(std::move(hit));
  }
  return result;
}

}  // namespace sofdir::search
