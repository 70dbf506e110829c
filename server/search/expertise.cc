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

EvidenceMap Expertise::Gather(const IndexState& st, const Plan& plan, Scratch& s, bool with_lines,
                              std::vector<std::pair<float, uint32_t>>* all_matches,
                              float* all_weight) {
  constexpr float kRunsShare = 0.5f;       // a unit gets this share of its offers' scores
  constexpr float kContactShare = 0.5f;    // a contact person, of the offer's score
  constexpr float kUnitKnowsShare = 0.3f;  // a person, of their unit's own score
  EvidenceMap acc;
  float total_weight = 0;
  std::vector<std::pair<float, uint32_t>> local;
  std::vector<std::pair<float, uint32_t>>& found = all_matches != nullptr ? *all_matches : local;
  st.Collect(plan, s, DocFilter(), &total_weight, &found);  // every live doc
  if (all_weight != nullptr) *all_weight = total_weight;
  // Evidence is gathered from the best matches only, which bounds the cost;
  // ties at the cut are broken by doc slot, so the answer does not depend on
  // the order the engine found the matches in.
  constexpr size_t kEvidenceDocs = 400;
  // No caller relies on the order of `found` (a page is ranked with a total
  // order), so its best are moved to its front in place, not copied.
  const size_t num_best = std::min(found.size(), kEvidenceDocs);
  if (found.size() > kEvidenceDocs) {
    std::nth_element(found.begin(), found.begin() + kEvidenceDocs, found.end(),
                     [](const auto& a, const auto& b) {
                       return a.first != b.first ? a.first > b.first : a.second < b.second;
                     });
  }
  const std::pair<float, uint32_t>* best = found.data();
  acc.reserve(2 * num_best);
  // Labels are posted under kLabelFields, and only labels are
  // (record_analysis.cc): a doc has a label with a word of the plan exactly
  // when one of its label terms is a term of the plan.
  auto has_matching_label = [&](const Doc& d) {
    for (uint32_t t : d.label_terms) {
      if (plan.terms.contains(t)) return true;
    }
    return false;
  };
  // Which labels those are, for the evidence's lines.
  auto matched_labels = [&](const Doc& d) {
    std::vector<std::string> out;
    if (!with_lines) return out;
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
  auto add_line = [&](Evidence& e, float weight, auto&&... text) {
    if (with_lines) e.lines.push_back({weight, absl::StrCat(text...)});
  };
  auto slot_of = [&](const std::string& id) -> std::optional<uint32_t> {
    auto it = st.slot_by_id.find(id);
    if (it == st.slot_by_id.end()) return std::nullopt;
    return it->second;
  };
  std::vector<std::pair<float, uint32_t>> unit_scores;
  // The docs are scattered over the index: their kind (Meta) is fetched
  // far ahead, their record nearer, then (once there) their label terms
  // and the slots of their unit and contact person. Partners give no
  // evidence, and a person's record is read only for the evidence's lines
  // (its score is its match's): neither record is fetched otherwise.
  auto kind_of = [&](uint32_t d) { return static_cast<Kind>(st.meta[d].kind); };
  auto links = [](Kind k) { return k == Kind::kTilbud || k == Kind::kPraktik; };
  auto reads_record = [&](Kind k) {
    return k == Kind::kUnit || links(k) || (k == Kind::kPerson && with_lines);
  };
  constexpr size_t kAhead = 8;
  for (size_t i = 0; i < num_best; ++i) {
    if (i + 2 * kAhead < num_best) __builtin_prefetch(&st.meta[best[i + 2 * kAhead].second]);
    if (i + kAhead < num_best) {
      const uint32_t ahead = best[i + kAhead].second;
      const Kind k = kind_of(ahead);
      if (reads_record(k)) __builtin_prefetch(&st.docs[ahead]);
      if (links(k)) {
        __builtin_prefetch(&st.docs[ahead].parent_id);
        __builtin_prefetch(&st.docs[ahead].contact_person_id);
      }
    }
    if (i + kAhead / 2 < num_best) {
      const uint32_t near = best[i + kAhead / 2].second;
      const Kind k = kind_of(near);
      if (reads_record(k)) __builtin_prefetch(st.docs[near].label_terms.data());
      if (links(k)) {
        st.slot_by_id.prefetch(st.docs[near].parent_id);
        st.slot_by_id.prefetch(st.docs[near].contact_person_id);
      }
    }
    const auto [score, d] = best[i];
    const Kind kind = kind_of(d);
    if (score <= 0 || !reads_record(kind)) {
      if (score > 0 && kind == Kind::kPerson) acc[d].score += score;
      continue;
    }
    const Doc& doc = st.docs[d];
    const bool labelled = has_matching_label(doc);
    switch (doc.kind) {
      case Kind::kPerson:
      case Kind::kUnit: {
        const bool person = doc.kind == Kind::kPerson;
        Evidence& a = acc[d];
        a.score += score;
        for (const auto& l : matched_labels(doc))
          add_line(a, score, person ? "ekspertise: " : "viden: ", l);
        if (!labelled)
          add_line(a, score, person ? "profil: " : "beskrevet: ", person ? doc.title : doc.name);
        if (!person && labelled) unit_scores.push_back({score, d});
        break;
      }
      case Kind::kTilbud:
      case Kind::kPraktik: {
        if (!labelled) break;  // evidence must be a stated method or topic
        const bool tilbud = doc.kind == Kind::kTilbud;
        if (auto u = slot_of(doc.parent_id)) {
          Evidence& a = acc[*u];
          a.score += kRunsShare * score;
          add_line(a, kRunsShare * score, tilbud ? "driver tilbuddet " : "har praktikken ",
                   doc.name);
        }
        if (auto p = slot_of(doc.contact_person_id)) {
          Evidence& a = acc[*p];
          a.score += kContactShare * score;
          add_line(a, kContactShare * score, "kontaktperson for ",
                   tilbud ? "tilbuddet " : "praktikken ", doc.name);
        }
        break;
      }
      case Kind::kPartner:
        break;
    }
  }
  std::sort(unit_scores.rbegin(), unit_scores.rend());
  if (unit_scores.size() > 50) unit_scores.resize(50);
  for (size_t k = 0; k < unit_scores.size(); ++k) {
    if (k + 2 < unit_scores.size()) st.dependents.prefetch(st.docs[unit_scores[k + 2].second].id);
    const auto [score, u] = unit_scores[k];
    auto it = st.dependents.find(st.docs[u].id);
    if (it == st.dependents.end()) continue;
    const std::string labels = absl::StrJoin(matched_labels(st.docs[u]), ", ");
    for (uint32_t p : it->second) {
      // Meta, not Doc: a unit has many dependents, and Meta is packed.
      if (!st.meta[p].alive || st.meta[p].kind != static_cast<uint8_t>(Kind::kPerson)) continue;
      Evidence& a = acc[p];
      a.score += kUnitKnowsShare * score;
      add_line(a, kUnitKnowsShare * score, "enheden ", st.docs[u].name, " ved noget om ", labels);
    }
  }
  // A tilbud's unit or contact may be gone or not a unit / person.
  for (auto it = acc.begin(); it != acc.end();) {
    const Meta& m = st.meta[it->first];
    const auto kind = static_cast<Kind>(m.kind);
    if (!m.alive || (kind != Kind::kPerson && kind != Kind::kUnit)) {
      acc.erase(it++);
    } else {
      ++it;
    }
  }
  return acc;
}

void Expertise::RankFirst(const IndexState& st, const Plan& plan, const DocFilter& filter,
                          const EvidenceMap& evidence, Scratch& s,
                          std::vector<std::pair<float, uint32_t>>* matches) {
  // Which docs have evidence, as bits: a hash lookup per match costs more
  // than the rest of the ranking when a broad question matches thousands.
  std::vector<uint64_t>& has = s.evidence_bits;
  if (has.size() < st.docs.size() / 64 + 1) has.resize(st.docs.size() / 64 + 1, 0);
  for (const auto& entry : evidence) has[entry.first >> 6] |= uint64_t{1} << (entry.first & 63);
  float top = 0;  // the best score of the other matches
  size_t kept = 0;
  for (const auto& m : *matches) {
    if ((has[m.second >> 6] >> (m.second & 63) & 1) != 0) continue;
    top = std::max(top, m.first);
    (*matches)[kept++] = m;
  }
  matches->resize(kept);
  for (const auto& [d, e] : evidence) {
    has[d >> 6] = 0;  // all zero again for the next query
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
