// The write path after analysis: posting a doc under its own and inherited
// terms, the links between records, the suggestion keys, and Upsert,
// Remove and BulkLoad (contracts in index_state.h).

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/search/index_state.h"
#include "server/search/text_folder.h"

namespace sofdir::search::internal {

using ::sof::directory::v1::Record;

void IndexState::ClearSuggestCache() {
  absl::MutexLock lock(&suggest_cache_mu);
  suggest_cache.clear();
}

void IndexState::Post(uint32_t slot) {
  Doc& d = docs[slot];
  struct Ctx {
    uint32_t term;
    uint8_t field;
  };
  thread_local std::vector<Ctx> ctx;  // reused: this runs once per record
  ctx.clear();
  d.eff_area = d.area;
  d.eff_district = d.district;
  d.eff_geo = d.has_geo;
  d.eff_lat = d.lat;
  d.eff_lon = d.lon;
  auto add = [&](const std::vector<uint32_t>& ts, Field f) {
    for (uint32_t t : ts) ctx.push_back({t, static_cast<uint8_t>(f)});
  };
  auto inherit_place = [&](const Doc& u) {
    if (d.own_place) return;
    add(u.place_terms, kPlace);
    if (d.eff_district == 0) d.eff_district = u.district;
    if (!d.eff_geo && u.has_geo) {
      d.eff_geo = true;
      d.eff_lat = u.lat;
      d.eff_lon = u.lon;
    }
  };
  auto add_ancestors = [&](const Doc* u) {
    for (int depth = 0; u != nullptr && depth < 8; ++depth) {
      add(u->name_terms, kAncestorCtx);
      u = LiveDoc(u->parent_id);
    }
  };
  if (d.kind == Kind::kUnit) {
    add_ancestors(LiveDoc(d.parent_id));
  } else if (d.kind == Kind::kPartner) {
    bool first = true;
    for (const std::string& rid : d.related) {
      const Doc* u = LiveDoc(rid);
      if (u == nullptr) continue;
      add(u->name_terms, kUnitCtx);
      if (first) {
        inherit_place(*u);
        if (d.eff_area == 0) d.eff_area = u->area;
        first = false;
      }
    }
  } else if (const Doc* u = LiveDoc(d.parent_id)) {
    add(u->name_terms, kUnitCtx);
    add(u->type_terms, kUnitCtx);
    inherit_place(*u);
    if (d.eff_area == 0) {
      d.eff_area = u->area;
      add(u->area_terms, kArea);
    }
    add_ancestors(LiveDoc(u->parent_id));
  }
  SetMeta(slot, Meta{1, static_cast<uint8_t>(d.kind), d.eff_area, d.eff_district, d.legal_basis,
                     d.service_type, d.age_min, d.age_max, d.free_places});
  if (verified.size() < docs.size()) verified.resize(docs.size());
  verified[slot] = d.verified;
  if (sort_prefix.size() < docs.size()) sort_prefix.resize(docs.size());
  uint64_t prefix = 0;  // the name's first 8 bytes, big-endian: orders as the name does
  for (size_t i = 0; i < 8; ++i) {
    const auto byte = i < d.sort_key.size() ? static_cast<unsigned char>(d.sort_key[i]) : 0u;
    prefix = prefix << 8 | byte;
  }
  sort_prefix[slot] = prefix;
  std::sort(ctx.begin(), ctx.end(), [](const Ctx& x, const Ctx& y) {
    return x.term != y.term ? x.term < y.term : x.field < y.field;
  });
  ctx.erase(std::unique(
                ctx.begin(), ctx.end(),
                [](const Ctx& x, const Ctx& y) { return x.term == y.term && x.field == y.field; }),
            ctx.end());

  d.ctx_terms.clear();
  for (const Ctx& c : ctx) {
    if (d.ctx_terms.empty() || d.ctx_terms.back() != c.term) d.ctx_terms.push_back(c.term);
  }
  if (d.ctx_terms.capacity() > 2 * d.ctx_terms.size()) d.ctx_terms.shrink_to_fit();
  size_t c = 0;
  auto emit = [&](uint32_t term, uint16_t fields, float impact) {
    const auto q = static_cast<uint16_t>(std::clamp(impact * kImpactScale, 1.0f, 65535.0f));
    PostingList& postings = terms[term].postings;
    postings.Insert(Posting{slot, q, fields});
    postings.SetDensity(docs.size());
  };
  auto ctx_impact = [](uint8_t field) { return kFieldSpecs[field].weight; };
  // Posts the context term at ctx[c] (all its fields) and moves past it.
  auto emit_context_term = [&]() {
    const uint32_t term = ctx[c].term;
    uint16_t f = 0;
    float best = 0, rest = 0;
    while (c < ctx.size() && ctx[c].term == term) {
      f |= static_cast<uint16_t>(1u << ctx[c].field);
      rest += std::min(best, ctx_impact(ctx[c].field));
      best = std::max(best, ctx_impact(ctx[c].field));
      ++c;
    }
    emit(term, f, Combine(best, rest));
  };
  for (const WeightedTerm& wt : d.own) {
    uint16_t fields = wt.fields;
    float impact = wt.impact / kImpactScale;
    while (c < ctx.size() && ctx[c].term < wt.term) emit_context_term();
    while (c < ctx.size() && ctx[c].term == wt.term) {
      fields |= static_cast<uint16_t>(1u << ctx[c].field);
      const float v = ctx_impact(ctx[c].field);
      impact = Combine(std::max(impact, v), std::min(impact, v));
      ++c;
    }
    emit(wt.term, fields, impact);
  }
  while (c < ctx.size()) emit_context_term();
}

void IndexState::SetMeta(uint32_t slot, const Meta& m) {
  if (meta.size() < docs.size()) meta.resize(docs.size());
  auto count = [&](const Meta& x, int delta) {
    if (!x.alive) return;
    const uint16_t ids[kNumValueUses] = {x.area, x.district, x.legal_basis, x.service_type};
    for (int use = 0; use < kNumValueUses; ++use) {
      std::vector<uint32_t>& uses = value_uses[use];
      if (uses.size() <= ids[use]) uses.resize(values.size());
      uses[ids[use]] += delta;
    }
  };
  count(meta[slot], -1);
  meta[slot] = m;
  count(m, +1);
  const FacetKey key = {m.kind, m.area, m.district, m.service_type, m.legal_basis};
  auto [it, added] = facet_class_ids.try_emplace(key, static_cast<uint32_t>(facet_classes.size()));
  if (added) facet_classes.push_back(key);
  if (facet_class.size() < docs.size()) facet_class.resize(docs.size());
  facet_class[slot] = it->second;
}

std::vector<uint32_t> IndexState::PostedTerms(uint32_t slot) const {
  const Doc& d = docs[slot];
  std::vector<uint32_t> out;
  out.reserve(d.own.size() + d.ctx_terms.size());
  for (const WeightedTerm& wt : d.own) out.push_back(wt.term);
  out.insert(out.end(), d.ctx_terms.begin(), d.ctx_terms.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void IndexState::Repost(uint32_t slot, const std::vector<uint32_t>& before) {
  Post(slot);
  const std::vector<uint32_t> now = PostedTerms(slot);
  std::vector<uint32_t> lost;
  std::set_difference(before.begin(), before.end(), now.begin(), now.end(),
                      std::back_inserter(lost));
  for (uint32_t term : lost) {
    PostingList& postings = terms[term].postings;
    postings.Erase(slot);
    postings.SetDensity(docs.size());
  }
  auto lists = [this](uint32_t t) -> const PostingList& { return terms[t].postings; };
  joins.Update(slot, now, lists, docs.size());
  joins.Update(slot, lost, lists, docs.size());
}

void IndexState::Unpost(uint32_t slot) {
  const std::vector<uint32_t> posted = PostedTerms(slot);
  for (uint32_t term : posted) {
    PostingList& postings = terms[term].postings;
    postings.Erase(slot);
    postings.SetDensity(docs.size());
  }
  docs[slot].ctx_terms.clear();
  auto lists = [this](uint32_t t) -> const PostingList& { return terms[t].postings; };
  joins.Update(slot, posted, lists, docs.size());
}

void IndexState::JoinPhrases(const SynonymMap& synonyms) {
  std::vector<std::vector<uint32_t>> phrases;
  for (const SynonymMap::Phrase& phrase : synonyms.phrases()) {
    if (phrase.size() < 2) continue;
    std::vector<uint32_t> words;
    for (const std::string& stem : phrase) {
      auto t = term_ids.find(stem);
      if (t == term_ids.end()) break;
      words.push_back(t->second);
    }
    if (words.size() == phrase.size()) phrases.push_back(std::move(words));
  }
  joins.Rebuild(
      phrases, [this](uint32_t t) -> const PostingList& { return terms[t].postings; },
      docs.size());
}

void IndexState::Register(uint32_t slot) {
  const Doc& d = docs[slot];
  if (d.kind == Kind::kPartner) {
    for (const auto& r : d.related) dependents[r].push_back(slot);
  } else if (!d.parent_id.empty()) {
    dependents[d.parent_id].push_back(slot);
  }
  for (const auto& key : NameKeys(d)) name_keys[key].push_back(slot);
  SuggestAll(d, +1);
}

void IndexState::Unregister(uint32_t slot) {
  const Doc& d = docs[slot];
  auto drop = [&](const std::string& parent) {
    auto it = dependents.find(parent);
    if (it == dependents.end()) return;
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), slot), v.end());
    if (v.empty()) dependents.erase(it);
  };
  if (d.kind == Kind::kPartner) {
    for (const auto& r : d.related) drop(r);
  } else if (!d.parent_id.empty()) {
    drop(d.parent_id);
  }
  for (const auto& key : NameKeys(d)) {
    auto it = name_keys.find(key);
    if (it == name_keys.end()) continue;
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), slot), v.end());
    if (v.empty()) name_keys.erase(it);
  }
  SuggestAll(d, -1);
}

void IndexState::RefreshDependents(const std::string& id, absl::flat_hash_set<uint32_t>* seen) {
  auto it = dependents.find(id);
  if (it == dependents.end()) return;
  const std::vector<uint32_t> slots = it->second;
  for (uint32_t s : slots) {
    if (!seen->insert(s).second || !docs[s].alive) continue;
    Repost(s, PostedTerms(s));
    if (docs[s].kind == Kind::kUnit) RefreshDependents(docs[s].id, seen);
  }
}

void IndexState::SuggestPhrase(const std::string& display, int delta) {
  if (display.empty()) return;
  if (suggest_batch != nullptr && delta > 0) {
    ++(*suggest_batch)[display];
    return;
  }
  SuggestKeys(display, delta);
}

void IndexState::SuggestKeys(const std::string& display, int delta) {
  const std::string folded = TextFolder::FoldJoined(display);
  if (folded.empty()) return;
  for (size_t pos = 0; pos < folded.size(); ++pos) {
    if (pos > 0 && folded[pos - 1] != ' ') continue;
    std::string key = absl::StrCat(folded.substr(pos), "\x1f", display);
    if (delta > 0) {
      auto& e = suggest[key];
      if (e.count == 0) e.display = display;
      e.count += static_cast<uint32_t>(delta);
    } else {
      auto it = suggest.find(key);
      if (it != suggest.end() && --it->second.count == 0) suggest.erase(it);
    }
  }
}

void IndexState::SuggestAll(const Doc& d, int delta) {
  SuggestPhrase(d.name, delta);
  for (const auto& s : d.aliases) SuggestPhrase(s, delta);
  for (const auto& s : d.labels) SuggestPhrase(s, delta);
  SuggestPhrase(values[d.service_type], delta);
  SuggestPhrase(values[d.district], delta);
}

absl::Status IndexState::Upsert(const Record& record) {
  ClearSuggestCache();
  Doc doc;
  Analysis a;
  if (!Fill(record, &doc, &a)) {
    return absl::InvalidArgumentError("record: needs a kind (unit, tilbud, ...) and an id");
  }
  BuildOwnTerms(a, &doc);
  doc.alive = true;
  uint32_t slot;
  std::vector<uint32_t> before;  // terms an existing record was posted under
  auto it = slot_by_id.find(doc.id);
  bool refresh = doc.kind == Kind::kUnit;
  if (it != slot_by_id.end()) {
    slot = it->second;
    Doc& old = docs[slot];
    if (old.kind == Kind::kUnit && doc.kind == Kind::kUnit) {
      refresh = old.name_terms != doc.name_terms || old.place_terms != doc.place_terms ||
                old.type_terms != doc.type_terms || old.area_terms != doc.area_terms ||
                old.parent_id != doc.parent_id || old.district != doc.district ||
                old.area != doc.area || old.lat != doc.lat || old.lon != doc.lon;
    } else if (old.kind == Kind::kUnit) {
      refresh = true;
    }
    before = PostedTerms(slot);
    Unregister(slot);
  } else {
    if (!free_slots.empty()) {
      slot = free_slots.back();
      free_slots.pop_back();
    } else {
      slot = static_cast<uint32_t>(docs.size());
      docs.emplace_back();
    }
    slot_by_id.emplace(doc.id, slot);
    ++live;
  }
  docs[slot] = std::move(doc);
  Register(slot);
  Repost(slot, before);
  if (refresh) {
    absl::flat_hash_set<uint32_t> seen{slot};
    RefreshDependents(docs[slot].id, &seen);
  }
  return absl::OkStatus();
}

absl::Status IndexState::Remove(absl::string_view id) {
  ClearSuggestCache();
  auto it = slot_by_id.find(id);
  if (it == slot_by_id.end()) {
    return absl::NotFoundError(absl::StrCat("no record with id ", id));
  }
  const uint32_t slot = it->second;
  slot_by_id.erase(it);
  Unpost(slot);
  Unregister(slot);
  const bool was_unit = docs[slot].kind == Kind::kUnit;
  const std::string removed_id = docs[slot].id;
  docs[slot] = Doc();
  SetMeta(slot, Meta{});
  free_slots.push_back(slot);
  --live;
  if (was_unit) {
    absl::flat_hash_set<uint32_t> seen;
    RefreshDependents(removed_id, &seen);
  }
  return absl::OkStatus();
}

absl::Status IndexState::BulkLoad(const std::vector<Record>& records) {
  std::vector<Analysis> analyses(records.size());
  docs.resize(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    if (!Fill(records[i], &docs[i], &analyses[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("record ", i, ": needs a kind (unit, tilbud, ...) and an id"));
    }
    docs[i].alive = true;
    auto [pos, inserted] = slot_by_id.emplace(docs[i].id, static_cast<uint32_t>(i));
    if (!inserted) {
      // A later record with the same id replaces the earlier one.
      docs[pos->second].alive = false;
      free_slots.push_back(pos->second);
      pos->second = static_cast<uint32_t>(i);
    }
  }
  // Compounds are split only now, against the whole vocabulary.
  std::vector<uint32_t> df(terms.size());
  for (size_t i = 0; i < records.size(); ++i) {
    if (!docs[i].alive) {
      docs[i] = Doc();
      continue;
    }
    BuildOwnTerms(analyses[i], &docs[i]);
    Analysis().occurrences.swap(analyses[i].occurrences);
    if (df.size() < terms.size()) df.resize(terms.size());
    for (const WeightedTerm& wt : docs[i].own) ++df[wt.term];
  }
  for (size_t t = 0; t < df.size(); ++t) terms[t].postings.reserve(df[t] + df[t] / 8);
  live = slot_by_id.size();
  absl::flat_hash_map<std::string, uint32_t> batch;
  suggest_batch = &batch;
  for (uint32_t s = 0; s < docs.size(); ++s) {
    if (docs[s].alive) Register(s);
  }
  suggest_batch = nullptr;
  // Keys are built in one sorted run: appending to the btree in key order
  // is much cheaper than inserting at random.
  std::vector<std::pair<std::string, SuggestEntry>> entries;
  for (const auto& [display, count] : batch) {
    const std::string folded = TextFolder::FoldJoined(display);
    for (size_t pos = 0; pos < folded.size(); ++pos) {
      if (pos > 0 && folded[pos - 1] != ' ') continue;
      entries.push_back({absl::StrCat(folded.substr(pos), "\x1f", display), {display, count}});
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& e : entries) suggest.insert(suggest.end(), std::move(e));
  for (uint32_t s = 0; s < docs.size(); ++s) {
    if (docs[s].alive) Post(s);
  }
  return absl::OkStatus();
}

}  // namespace sofdir::search::internal
