// Evidence that persons and units know a query's words, gathered from the
// best matches of a plain search (contract in expertise.h).

#include "server/search/expertise.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/search/text_folder.h"

namespace sofdir::search::internal {

EvidenceMap Expertise::Gather(const IndexState& st, const Plan& plan, Scratch& s,
                              std::vector<std::pair<float, uint32_t>>* all_matches,
                              float* all_weight) {
  constexpr float kRunsShare = 0.5f;       // a unit gets this share of its offers' scores
  constexpr float kContactShare = 0.5f;    // a contact person, of the offer's score
  constexpr float kUnitKnowsShare = 0.3f;  // a person, of their unit's own score
  EvidenceMap acc;
  float total_weight = 0;
  std::vector<std::pair<float, uint32_t>> matches;
  st.Collect(plan, s, DocFilter(), &total_weight, &matches);  // every live doc
  if (all_matches != nullptr) *all_matches = matches;
  if (all_weight != nullptr) *all_weight = total_weight;
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
        Evidence& a = acc[d];
        a.score += score;
        for (const auto& l : labels) a.lines.push_back({score, "expertise: " + l});
        if (labels.empty()) a.lines.push_back({score, "profile: " + doc.title});
        break;
      }
      case Kind::kUnit: {
        Evidence& a = acc[d];
        a.score += score;
        for (const auto& l : labels) a.lines.push_back({score, "knowledge: " + l});
        if (labels.empty()) a.lines.push_back({score, "described: " + doc.name});
        if (!labels.empty()) unit_scores.push_back({score, d});
        break;
      }
      case Kind::kTilbud:
      case Kind::kPraktik: {
        if (labels.empty()) break;  // evidence must be a stated method or topic
        const char* what = doc.kind == Kind::kTilbud ? "tilbud" : "praktik";
        if (auto u = slot_of(doc.parent_id)) {
          Evidence& a = acc[*u];
          a.score += kRunsShare * score;
          a.lines.push_back(
              {kRunsShare * score,
               absl::StrCat(doc.kind == Kind::kTilbud ? "runs tilbud: " : "hosts praktik: ",
                            doc.name)});
        }
        if (auto p = slot_of(doc.contact_person_id)) {
          Evidence& a = acc[*p];
          a.score += kContactShare * score;
          a.lines.push_back(
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
      Evidence& a = acc[p];
      a.score += kUnitKnowsShare * score;
      a.lines.push_back({kUnitKnowsShare * score, absl::StrCat("unit ", st.docs[u].name, " knows: ",
                                                               absl::StrJoin(labels, ", "))});
    }
  }
  // A tilbud's unit or contact may be gone or not a unit / person.
  for (auto it = acc.begin(); it != acc.end();) {
    const Kind kind = st.docs[it->first].kind;
    if (!st.docs[it->first].alive || (kind != Kind::kPerson && kind != Kind::kUnit)) {
      acc.erase(it++);
    } else {
      ++it;
    }
  }
  return acc;
}

void Expertise::RankFirst(const IndexState& st, const Plan& plan, const DocFilter& filter,
                          const EvidenceMap& evidence,
                          std::vector<std::pair<float, uint32_t>>* matches) {
  float top = 0;  // the best score of the other matches
  size_t kept = 0;
  for (const auto& m : *matches) {
    if (evidence.contains(m.second)) continue;
    top = std::max(top, m.first);
    (*matches)[kept++] = m;
  }
  matches->resize(kept);
  for (const auto& [d, e] : evidence) {
    if (e.score <= 0 || !st.Passes(filter, d)) continue;
    matches->push_back({top + e.score * PreferenceFactor(st, plan, d), d});
  }
}

std::vector<std::string> Expertise::Strongest(const Evidence& e, size_t max) {
  auto lines = e.lines;
  std::stable_sort(lines.begin(), lines.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (const auto& [w, text] : lines) {
    if (out.size() >= max) break;
    if (std::find(out.begin(), out.end(), text) == out.end()) out.push_back(text);
  }
  return out;
}

}  // namespace sofdir::search::internal
