// Record analysis, the first half of the write path: a record's fields
// become a Doc and its words interned surfaces and terms with per-field
// BM25 impacts (contracts in index_state.h).

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/search/decompounder.h"
#include "server/search/index_state.h"
#include "server/search/text_folder.h"

namespace sofdir::search::internal {
namespace {

using ::sof::directory::v1::Record;

constexpr float kK1 = 1.2f;
constexpr float kCompoundPartTf = 0.6f;  // a compound's part counts this much

float Saturate(float tf) { return tf * (kK1 + 1) / (tf + kK1); }

}  // namespace

uint32_t IndexState::InternTerm(const std::string& stem) {
  auto [it, inserted] = term_ids.emplace(stem, static_cast<uint32_t>(terms.size()));
  if (inserted) terms.push_back(Term{stem, {}, 0});
  return it->second;
}

uint32_t IndexState::InternSurface(const std::string& text) {
  auto it = surface_ids.find(text);
  if (it != surface_ids.end()) return it->second;
  const auto id = static_cast<uint32_t>(surfaces.size());
  Surface s;
  s.text = text;
  s.stop = analyzer->IsStopWord(text);
  s.term = InternTerm(analyzer->Stem(text));
  surfaces.push_back(std::move(s));
  surface_ids.emplace(text, id);
  sorted_surfaces.insert(text);
  const size_t len = std::min(text.size(), kMaxTokenBytes);
  if (surfaces_by_shape.size() <= len) surfaces_by_shape.resize(len + 1);
  surfaces_by_shape[len][static_cast<uint8_t>(text[0])].push_back(id);
  return id;
}

uint16_t IndexState::InternValue(const std::string& value) {
  auto it = value_ids.find(value);
  if (it != value_ids.end()) return it->second;
  if (values.size() >= 65535) return 0;
  const auto id = static_cast<uint16_t>(values.size());
  values.push_back(value);
  folded_values.push_back(TextFolder::FoldJoined(value));
  value_ids.emplace(value, id);
  return id;
}

bool IndexState::IsWord(absl::string_view part) const {
  if (part[0] >= '0' && part[0] <= '9') return false;
  auto it = surface_ids.find(part);
  if (it != surface_ids.end()) return !surfaces[it->second].stop && surfaces[it->second].count > 0;
  if (analyzer->IsStopWord(part)) return false;
  auto t = term_ids.find(analyzer->Stem(part));
  return t != term_ids.end() && terms[t->second].occurrences > 0;
}

std::vector<std::string> IndexState::SplitCompound(absl::string_view word) const {
  return Decompounder::Split(word, [this](absl::string_view p) { return IsWord(p); });
}

const std::vector<uint32_t>& IndexState::EnsureSplit(uint32_t sid, int depth) {
  if (surfaces[sid].split_done || depth > 3) return surfaces[sid].parts;
  surfaces[sid].split_done = true;
  std::vector<uint32_t> parts;
  if (surfaces[sid].text.size() >= Decompounder::kMinWord) {
    for (const std::string& p : SplitCompound(surfaces[sid].text)) {
      auto known = surface_ids.find(p);
      uint32_t term;
      if (known != surface_ids.end()) {
        term = surfaces[known->second].term;
        for (uint32_t sub : EnsureSplit(known->second, depth + 1)) parts.push_back(sub);
      } else {
        term = InternTerm(analyzer->Stem(p));
      }
      parts.push_back(term);
    }
  }
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
  parts.erase(std::remove(parts.begin(), parts.end(), surfaces[sid].term), parts.end());
  surfaces[sid].parts = std::move(parts);
  return surfaces[sid].parts;
}

bool SpelledDanish(absl::string_view word) {
  for (size_t i = 0; i + 1 < word.size(); ++i) {
    const char c = word[i], n = word[i + 1];
    if (c == '\xC3') {
      // æ ø å Æ Ø Å
      if (n == '\xA6' || n == '\xB8' || n == '\xA5' || n == '\x86' || n == '\x98' || n == '\x85') {
        return true;
      }
      continue;
    }
    const char lc = absl::ascii_tolower(c), ln = absl::ascii_tolower(n);
    if ((lc == 'a' && (ln == 'e' || ln == 'a')) || (lc == 'o' && ln == 'e')) return true;
  }
  return false;
}

void IndexState::AddText(absl::string_view input, Field field, Analysis* a, bool skip_digits) {
  std::string composed;  // token ranges refer to the NFC form
  const absl::string_view text = TextFolder::Composed(input, &composed);
  TextFolder::ForEachToken(text, [&](std::string& token, uint32_t begin, uint32_t end) {
    if (token.size() > kMaxTokenBytes) return;
    if (skip_digits && token[0] >= '0' && token[0] <= '9') return;
    const uint32_t sid = InternSurface(token);
    if (surfaces[sid].stop) return;
    if (SpelledDanish(text.substr(begin, end - begin))) ++surfaces[sid].danish_count;
    ++surfaces[sid].count;
    ++terms[surfaces[sid].term].occurrences;
    a->occurrences.push_back({sid, static_cast<uint8_t>(field)});
    ++a->length[field];
  });
}

void IndexState::AddAddress(const sof::directory::v1::Address& address, Doc* doc, Analysis* a) {
  if (address.district().empty() && address.city().empty()) return;
  doc->own_place = true;
  doc->district = InternValue(address.district());
  AddText(address.district(), kPlace, a);
  AddText(address.city(), kPlace, a);
  AddText(address.postcode(), kPlace, a);
  AddText(address.street(), kDetails, a, /*skip_digits=*/true);
}

void IndexState::SetGeo(const sof::directory::v1::GeoPoint& geo, Doc* doc) {
  if (geo.lat() == 0 && geo.lon() == 0) return;
  doc->has_geo = true;
  doc->lat = static_cast<float>(geo.lat());
  doc->lon = static_cast<float>(geo.lon());
}

bool IndexState::Fill(const Record& record, Doc* doc, Analysis* a) {
  unit_type_text_.clear();
  a->occurrences.reserve(96);
  doc->verified = record.has_verified_time() ? record.verified_time().seconds() : 0;
  switch (record.kind_case()) {
    case Record::kUnit: {
      const auto& u = record.unit();
      doc->kind = Kind::kUnit;
      doc->id = u.id();
      doc->name = u.name();
      doc->aliases.assign(u.aliases().begin(), u.aliases().end());
      doc->labels.assign(u.knowledge().begin(), u.knowledge().end());
      doc->parent_id = u.has_parent_id() ? u.parent_id() : "";
      doc->area = InternValue(u.area());
      doc->unit_type = InternValue(u.unit_type());
      doc->description = u.description();
      doc->email = u.email();
      doc->phone = u.phone();
      AddText(u.name(), kName, a);
      for (const auto& s : u.aliases()) AddText(s, kAlias, a);
      for (const auto& s : u.knowledge()) AddText(s, kTopic, a);
      AddText(u.unit_type(), kType, a);
      AddText(u.role(), kType, a);
      unit_type_text_ = absl::StrCat(u.unit_type(), " ", u.role());
      AddText(u.area(), kArea, a);
      AddText(u.description(), kDescription, a);
      AddAddress(u.address(), doc, a);
      SetGeo(u.geo(), doc);
      break;
    }
    case Record::kTilbud: {
      const auto& t = record.tilbud();
      doc->kind = Kind::kTilbud;
      doc->id = t.id();
      doc->name = t.name();
      doc->parent_id = t.unit_id();
      doc->labels.assign(t.target_groups().begin(), t.target_groups().end());
      doc->labels.insert(doc->labels.end(), t.methods().begin(), t.methods().end());
      doc->area = InternValue(t.area());
      doc->legal_basis = InternValue(t.legal_basis());
      doc->service_type = InternValue(t.service_type());
      doc->description = t.description();
      doc->contact_person_id = t.contact_person_id();
      doc->age_min = static_cast<int16_t>(t.age_min());
      doc->age_max = static_cast<int16_t>(t.age_max());
      if (t.age_min() == 0 && t.age_max() == 0) doc->age_min = doc->age_max = -1;
      if (t.has_capacity()) doc->capacity = static_cast<int16_t>(t.capacity());
      if (t.has_free_places()) doc->free_places = static_cast<int16_t>(t.free_places());
      AddText(t.name(), kName, a);
      for (const auto& s : t.target_groups()) AddText(s, kTarget, a);
      for (const auto& s : t.methods()) AddText(s, kTopic, a);
      AddText(t.service_type(), kType, a);
      AddText(t.legal_basis(), kType, a);
      AddText(t.area(), kArea, a);
      AddText(t.description(), kDescription, a);
      for (const auto& s : t.languages()) AddText(s, kDetails, a);
      for (const auto& s : t.accessibility()) AddText(s, kDetails, a);
      AddAddress(t.address(), doc, a);
      SetGeo(t.geo(), doc);
      break;
    }
    case Record::kPartner: {
      const auto& p = record.partner();
      doc->kind = Kind::kPartner;
      doc->id = p.id();
      doc->name = p.name();
      doc->related.assign(p.related_unit_ids().begin(), p.related_unit_ids().end());
      if (!doc->related.empty()) doc->parent_id = doc->related[0];
      doc->labels.assign(p.topics().begin(), p.topics().end());
      doc->description = p.description();
      doc->email = p.contact().email();
      doc->phone = p.contact().phone();
      AddText(p.name(), kName, a);
      AddText(p.organisation(), kAlias, a);
      for (const auto& s : p.topics()) AddText(s, kTopic, a);
      AddText(p.description(), kDescription, a);
      AddText(p.contact().name(), kDetails, a);
      break;
    }
    case Record::kPraktik: {
      const auto& p = record.praktik();
      doc->kind = Kind::kPraktik;
      doc->id = p.id();
      doc->name = p.title();
      doc->parent_id = p.host_unit_id();
      doc->labels.assign(p.topics().begin(), p.topics().end());
      doc->area = InternValue(p.area());
      doc->description = p.description();
      doc->contact_person_id = p.contact_person_id();
      AddText(p.title(), kName, a);
      for (const auto& s : p.topics()) AddText(s, kTopic, a);
      for (const auto& s : p.audience()) AddText(s, kTitle, a);
      AddText(p.area(), kArea, a);
      AddText(p.description(), kDescription, a);
      for (const auto& s : p.requirements()) AddText(s, kDetails, a);
      for (const auto& slot : p.slots()) {
        int32_t day;
        if (ParseDay(slot.start(), &day)) doc->slot_starts.push_back(day);
      }
      std::sort(doc->slot_starts.begin(), doc->slot_starts.end());
      break;
    }
    case Record::kPerson: {
      const auto& p = record.person();
      doc->kind = Kind::kPerson;
      doc->id = p.id();
      doc->name = p.name();
      doc->title = p.title();
      doc->parent_id = p.unit_id();
      doc->labels.assign(p.expertise().begin(), p.expertise().end());
      doc->email = p.email();
      doc->phone = p.phone();
      AddText(p.name(), kName, a);
      AddText(p.title(), kTitle, a);
      // A person's stated expertise is what they are sought for.
      for (const auto& s : p.expertise()) AddText(s, kExpertise, a);
      break;
    }
    case Record::KIND_NOT_SET:
      return false;
  }
  if (doc->id.empty()) return false;
  AddText(kKindWords[static_cast<int>(doc->kind)], kType, a);
  doc->type_terms = TermsOf(unit_type_text_);
  doc->sort_key = TextFolder::FoldJoined(doc->name);
  return true;
}

std::vector<uint32_t> IndexState::TermsOf(absl::string_view text) {
  std::vector<uint32_t> out;
  analyzer->ForEachTerm(
      text, [&](const std::string&, std::string stem) { out.push_back(InternTerm(stem)); });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> IndexState::NameKeys(const Doc& d) const {
  std::vector<std::string> keys;
  for (absl::string_view text : {absl::string_view(d.name)}) keys.push_back(NameKey(text));
  for (const auto& alias : d.aliases) keys.push_back(NameKey(alias));
  keys.erase(std::remove(keys.begin(), keys.end(), std::string()), keys.end());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::string IndexState::NameKey(absl::string_view text) const {
  std::string key;
  analyzer->ForEachTerm(text, [&](const std::string&, std::string stem) {
    if (!key.empty()) key += ' ';
    key += stem;
  });
  return key;
}

void IndexState::BuildOwnTerms(const Analysis& a, Doc* doc) {
  struct Tf {
    uint32_t term;
    uint8_t field;
    float tf;
  };
  thread_local std::vector<Tf> tfs;  // reused: this runs once per record
  tfs.clear();
  for (const Occurrence& o : a.occurrences) {
    tfs.push_back({surfaces[o.surface].term, o.field, 1.0f});
    for (uint32_t part : EnsureSplit(o.surface)) tfs.push_back({part, o.field, kCompoundPartTf});
  }
  std::sort(tfs.begin(), tfs.end(), [](const Tf& x, const Tf& y) {
    return x.term != y.term ? x.term < y.term : x.field < y.field;
  });
  doc->own.clear();
  doc->name_terms.clear();
  doc->place_terms.clear();
  doc->area_terms.clear();
  doc->label_terms.clear();
  for (size_t i = 0; i < tfs.size();) {
    const uint32_t term = tfs[i].term;
    WeightedTerm wt{term, 0, 0};
    float best = 0, rest = 0;
    while (i < tfs.size() && tfs[i].term == term) {
      const uint8_t field = tfs[i].field;
      float tf = 0;
      while (i < tfs.size() && tfs[i].term == term && tfs[i].field == field) tf += tfs[i++].tf;
      const FieldSpec& spec = kFieldSpecs[field];
      const float norm =
          1.0f / (1.0f - spec.b + spec.b * static_cast<float>(a.length[field]) / spec.avg_len);
      const float v = spec.weight * Saturate(tf * norm);
      rest += std::min(best, v);
      best = std::max(best, v);
      wt.fields |= static_cast<uint16_t>(1u << field);
    }
    const float impact = Combine(best, rest);
    wt.impact = static_cast<uint16_t>(std::clamp(impact * kImpactScale, 1.0f, 65535.0f));
    doc->own.push_back(wt);
    if (wt.fields & kNameFields) doc->name_terms.push_back(term);
    if (wt.fields & (1u << kPlace)) doc->place_terms.push_back(term);
    if (wt.fields & (1u << kArea)) doc->area_terms.push_back(term);
    if (wt.fields & kLabelFields) doc->label_terms.push_back(term);
  }
}

}  // namespace sofdir::search::internal
