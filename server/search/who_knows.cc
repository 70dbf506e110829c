// SearchIndex::WhoKnows: persons and units ranked by their evidence for a
// topic, gathered from the best matches of a plain search.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/search/index_state.h"
#include "server/search/search_index.h"
#include "server/search/text_folder.h"

namespace sofdir::search {
namespace {

using internal::CheckText;
using internal::Doc;
using internal::DocFilter;
using internal::Kind;
using internal::kKindNames;
using internal::LocalScratch;
using internal::Plan;
using internal::Scratch;

}  // namespace

absl::StatusOr<WhoKnowsResult> SearchIndex::WhoKnows(std::string_view topic_in, int limit) const {
  const absl::string_view topic(topic_in.data(), topic_in.size());
  if (absl::Status st = CheckText(topic, "topic", kMaxQueryBytes); !st.ok()) return st;
  if (limit < 1 || limit > kMaxLimit) {
    return absl::InvalidArgumentError(absl::StrCat("limit: ", limit, " is outside 1..", kMaxLimit));
  }
  constexpr float kRunsShare = 0.5f;       // a unit gets this share of its offers' scores
  constexpr float kContactShare = 0.5f;    // a contact person, of the offer's score
  constexpr float kUnitKnowsShare = 0.3f;  // a person, of their unit's own score

  absl::ReaderMutexLock lock(&mu_);
  const State& st = *state_;
  WhoKnowsResult result;
  const std::shared_ptr<const Vocabulary> vocabulary = CurrentVocabulary();
  Plan plan = st.MakePlan(topic, /*allow_prefix=*/false, vocabulary->synonyms);
  if (plan.slots.empty()) return result;
  Scratch& s = LocalScratch();
  float total_weight = 0;
  std::vector<std::pair<float, uint32_t>>& matches = s.matches;
  st.Collect(plan, s, DocFilter(), &total_weight, &matches);  // every live doc
  // Evidence is gathered from the best matches only, which bounds the cost;
  // ties at the cut are broken by doc slot, so the answer does not depend on
  // the order the engine found the matches in.
  constexpr size_t kEvidenceDocs = 400;
  if (matches.size() > kEvidenceDocs) {
    std::nth_element(matches.begin(), matches.begin() + kEvidenceDocs, matches.end(),
                     [](const auto& a, const auto& b) {
                       return a.first != b.first ? a.first > b.first : a.second < b.second;
                     });
    matches.resize(kEvidenceDocs);
  }

  struct Acc {
    float score = 0;
    std::vector<std::pair<float, std::string>> evidence;
  };
  absl::flat_hash_map<uint32_t, Acc> acc;
  auto matched_labels = [&](const Doc& d) {
    std::vector<std::string> out;
    for (const std::string& label : d.labels) {
      bool hit = false;
      TextFolder::ForEachTokenWhile(label, [&](std::string& tok, uint32_t, uint32_t) {
        hit = st.TokenMatches(tok, plan.terms);
        return !hit;
      });
      if (hit) out.push_back(label);
    }
    return out;
  };
  auto slot_of = [&](const std::string& id) -> std::optional<uint32_t> {
    auto it = st.slot_by_id.find(id);
    if (it == st.slot_by_id.end()) return std::nullopt;
    return it->second;
  };
  std::vector<std::pair<float, uint32_t>> unit_scores;
  for (const auto& [score, d] : matches) {
    const Doc& doc = st.docs[d];
    if (score <= 0) continue;
    const std::vector<std::string> labels = matched_labels(doc);
    switch (doc.kind) {
      case Kind::kPerson: {
        Acc& a = acc[d];
        a.score += score;
        for (const auto& l : labels) a.evidence.push_back({score, "expertise: " + l});
        if (labels.empty()) a.evidence.push_back({score, "profile: " + doc.title});
        break;
      }
      case Kind::kUnit: {
        Acc& a = acc[d];
        a.score += score;
        for (const auto& l : labels) a.evidence.push_back({score, "knowledge: " + l});
        if (labels.empty()) a.evidence.push_back({score, "described: " + doc.name});
        if (!labels.empty()) unit_scores.push_back({score, d});
        break;
      }
      case Kind::kTilbud:
      case Kind::kPraktik: {
        if (labels.empty()) break;  // evidence must be a stated method or topic
        const char* what = doc.kind == Kind::kTilbud ? "tilbud" : "praktik";
        if (auto u = slot_of(doc.parent_id)) {
          Acc& a = acc[*u];
          a.score += kRunsShare * score;
          a.evidence.push_back(
              {kRunsShare * score,
               absl::StrCat(doc.kind == Kind::kTilbud ? "runs tilbud: " : "hosts praktik: ",
                            doc.name)});
        }
        if (auto p = slot_of(doc.contact_person_id)) {
          Acc& a = acc[*p];
          a.score += kContactShare * score;
          a.evidence.push_back(
              {kContactShare * score, absl::StrCat("contact for ", what, ": ", doc.name)});
        }
        break;
      }
      case Kind::kPartner:
        break;
    }
  }
  std::sort(unit_scores.rbegin(), unit_scores.rend());
  if (unit_scores.size() > 50) unit_scores.resize(50);
  for (const auto& [score, u] : unit_scores) {
    auto it = st.dependents.find(st.docs[u].id);
    if (it == st.dependents.end()) continue;
    const std::vector<std::string> labels = matched_labels(st.docs[u]);
    for (uint32_t p : it->second) {
      if (!st.docs[p].alive || st.docs[p].kind != Kind::kPerson) continue;
      Acc& a = acc[p];
      a.score += kUnitKnowsShare * score;
      a.evidence.push_back(
          {kUnitKnowsShare * score,
           absl::StrCat("unit ", st.docs[u].name, " knows: ", absl::StrJoin(labels, ", "))});
    }
  }
  std::vector<std::pair<float, uint32_t>> ranked;
  for (const auto& [d, a] : acc) ranked.push_back({a.score, d});
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
    auto ev = acc[d].evidence;
    std::stable_sort(ev.begin(), ev.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [w, text] : ev) {
      if (hit.evidence.size() >= 5) break;
      if (std::find(hit.evidence.begin(), hit.evidence.end(), text) == hit.evidence.end()) {
        hit.evidence.push_back(text);
      }
    }
    result.hits.push_back(std::move(hit));
  }
  return result;
}

}  // namespace sofdir::search
