#include "server/search/search_index.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/common/echo.h"
#include "server/search/decompounder.h"
#include "server/search/filter_expression.h"
#include "server/search/posting_list.h"
#include "server/search/text_folder.h"

namespace sofdir::search {
namespace {

using ::sof::directory::v1::Record;

enum class Kind : uint8_t { kUnit = 0, kTilbud, kPartner, kPraktik, kPerson };
constexpr int kNumKinds = 5;
constexpr const char* kKindNames[kNumKinds] = {"unit", "tilbud", "partner", "praktik", "person"};
// Danish words for each kind, indexed so that e.g. "praktik" or
// "samarbejdspartner" finds records of that kind.
constexpr const char* kKindWords[kNumKinds] = {"enhed", "tilbud", "samarbejdspartner samarbejde",
                                               "praktik praktikophold", "medarbejder"};

enum Field : uint8_t {
  kName,
  kAlias,
  kExpertise,
  kTopic,
  kTarget,
  kType,
  kTitle,
  kPlace,
  kUnitCtx,
  kAncestorCtx,
  kArea,
  kDescription,
  kDetails,
  kNumFields
};

struct FieldSpec {
  const char* name;
  float weight;
  float b;        // length normalisation strength
  float avg_len;  // typical length in words
};
constexpr FieldSpec kFieldSpecs[kNumFields] = {
    {"name", 6.0f, 0.5f, 4},          {"alias", 5.0f, 0.3f, 2},
    {"expertise", 5.0f, 0.2f, 4},     {"topics", 3.0f, 0.2f, 4},
    {"target groups", 3.0f, 0.2f, 6}, {"type", 3.0f, 0.0f, 3},
    {"title", 4.0f, 0.0f, 2},         {"place", 2.0f, 0.0f, 3},
    {"unit", 2.0f, 0.0f, 3},          {"units above", 1.0f, 0.0f, 6},
    {"area", 1.5f, 0.0f, 2},          {"description", 1.0f, 0.75f, 50},
    {"details", 0.6f, 0.3f, 8},
};
constexpr uint16_t kNameFields = (1u << kName) | (1u << kAlias);

constexpr float kK1 = 1.2f;
constexpr float kCompoundPartTf = 0.6f;  // a compound's part counts this much
constexpr float kImpactScale = 1000.0f;
constexpr size_t kMaxTokenBytes = 48;
constexpr size_t kMaxQueryWords = 24;
constexpr int kMaxTypoCandidates = 8;
constexpr int kMaxPrefixCandidates = 10;
constexpr int kMaxPrefixScan = 400;

// Query-side factors: how much a way of matching a word is worth.
constexpr float kCompoundFactor = 0.85f;
constexpr float kSynonymFactor = 0.9f;
constexpr float kPrefixFactor = 0.8f;
constexpr float kOneTypoFactor = 0.7f;
constexpr float kTwoTypoFactor = 0.5f;
constexpr float kWhoPersonBoost = 1.6f;
constexpr float kExactNameBoost = 3.0f;
constexpr float kAllInNameBoost = 1.25f;
// An age typed in the text ("14 årig", "17-årig", "18 år"): records whose
// age range holds it rank higher, those whose range excludes it lower;
// records without an age range are not moved.
constexpr float kTypedAgeInRange = 1.2f;
constexpr float kTypedAgeOutOfRange = 0.5f;
// Units mostly contain what users look for (tilbud, people), so when a unit
// and what it runs match alike, the latter ranks first.
// Praktik offers are for staff visits; they rank lower unless the query names
// them ("praktik"). A kind named in the query ranks higher.
constexpr float kKindPrior[] = {0.8f, 1.0f, 1.0f, 0.75f, 1.0f};
constexpr float kKindAskedBoost = 1.3f;
// A record matches when the query words it contains carry at least this share
// of the query's idf weight.
constexpr float kMinCoverage = 0.5f;
// Fewer records than this with all query words: also take those with most.
constexpr size_t kDropWordsThreshold = 50;

struct Term {
  std::string text;
  PostingList postings;  // impacts * kImpactScale, fields a bit per Field
  uint32_t occurrences = 0;       // in all text analysed so far
};

struct Surface {
  std::string text;
  uint32_t term = 0;
  uint32_t count = 0;
  bool stop = false;  // a stop word: never indexed
  bool split_done = false;
  std::vector<uint32_t> parts;  // term ids of compound parts, all levels
};

struct WeightedTerm {
  uint32_t term;
  uint16_t fields;
  uint16_t impact;  // * kImpactScale
};

struct Occurrence {
  uint32_t surface;
  uint8_t field;
};

struct Analysis {
  std::vector<Occurrence> occurrences;
  std::array<uint16_t, kNumFields> length{};
};

struct Doc {
  bool alive = false;
  Kind kind = Kind::kUnit;
  std::string id, name, description, title, email, phone;
  std::string sort_key;  // folded name, for listing by name
  std::vector<std::string> aliases, labels;
  std::string parent_id;             // unit: parent; others: the unit they belong to
  std::vector<std::string> related;  // partner: all related unit ids
  std::string contact_person_id;
  uint16_t area = 0, district = 0, legal_basis = 0, service_type = 0, unit_type = 0;
  uint16_t eff_area = 0, eff_district = 0;  // own, else the unit's
  bool own_place = false;
  bool has_geo = false, eff_geo = false;
  int16_t age_min = -1, age_max = -1, free_places = -1, capacity = -1;
  float lat = 0, lon = 0, eff_lat = 0, eff_lon = 0;
  int64_t verified = 0;  // Record.verified_time, unix seconds; 0 = never
  std::vector<WeightedTerm> own;
  // Units: what records below them inherit.
  std::vector<uint32_t> name_terms, place_terms, area_terms, type_terms;
  std::vector<uint32_t> ctx_terms;  // inherited terms posted for this doc
};

struct SuggestEntry {
  std::string display;
  uint32_t count = 0;
};

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
  std::vector<uint64_t> candidate_bits;    // the bits of `candidates`
  std::vector<uint32_t> candidate_rank;    // candidates in the words before each word
  std::vector<Acc> cacc;                   // parallel to candidates
  std::vector<float> cpart_best;           // parallel to candidates
  std::vector<uint32_t> part_docs;         // docs holding a clause's parts so far
  std::vector<uint32_t> part_index;        // their accumulators' indexes
  std::vector<float> part_sum, part_max;   // parallel to part_docs
  std::vector<const Posting*> found;       // PostingList::Gather's answer
  // A query's (score, doc) matches and its facet counts per value id; kept
  // here so that their memory is reused, not allocated per query.
  std::vector<std::pair<float, uint32_t>> matches;
  std::vector<size_t> areas, districts, services, legal;

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

// What filters and facets need of a doc, packed for scanning.
struct Meta {
  uint8_t alive = 0;
  uint8_t kind = 0;
  uint16_t area = 0, district = 0, legal_basis = 0, service_type = 0;  // effective
  int16_t age_min = -1, age_max = -1, free_places = -1;
};

Scratch& LocalScratch() {
  thread_local Scratch scratch;
  return scratch;
}

float Saturate(float tf) { return tf * (kK1 + 1) / (tf + kK1); }

// A word found in several fields counts its best field fully and the others
// by kFieldOverlap, so repeating a word across fields does not outweigh one
// strong field (as BM25F saturates fields together).
constexpr float kFieldOverlap = 0.3f;
float Combine(float best, float rest) { return best + kFieldOverlap * rest; }

int MaxTypos(size_t length) {
  if (length < 5) return 0;
  if (length <= 8) return 1;
  return 2;
}

// Optimal string alignment distance, or max+1 when it exceeds `max`.
int BoundedDistance(absl::string_view a, absl::string_view b, int max) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > max) return max + 1;
  int rows[3][kMaxTokenBytes + 2];
  int* prev2 = rows[0];
  int* prev = rows[1];
  int* cur = rows[2];
  for (int j = 0; j <= m; ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        v = std::min(v, prev2[j - 2] + 1);
      }
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > max) return max + 1;
    int* t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

std::optional<Kind> ParseKind(absl::string_view name) {
  const std::string lower = absl::AsciiStrToLower(name);
  for (int k = 0; k < kNumKinds; ++k) {
    if (lower == kKindNames[k]) return static_cast<Kind>(k);
  }
  return std::nullopt;
}

// One way a query word can match: a term and what that is worth.
struct Alt {
  uint32_t term;
  float factor;
  const char* label;              // for explanations: "word", "typo of", "prefix of" ...
  uint32_t surface = UINT32_MAX;  // the corrected or completed word, if any
};
struct Part {
  std::vector<Alt> alts;  // any of these
};
struct Clause {
  std::vector<Part> parts;  // all of these (a phrase or compound parts)
  float factor = 1.0f;
  std::string label;
};
// A query word, or a span of words that a synonym covers.
struct Slot {
  std::string text;   // folded, for explanations
  std::string typed;  // as the user typed it (NFC), to name it back
  std::vector<Clause> clauses;  // the best matching clause counts
  float weight = 0;             // importance (idf) for coverage
  bool optional = false;        // scores where it matches; never required
};
struct Plan {
  std::vector<Slot> slots;
  bool who = false;         // "hvem ..." asks for people
  uint8_t kinds_asked = 0;  // bit per Kind named by a query word
  std::string name_key;
  absl::flat_hash_set<uint32_t> terms;  // every term that may match, for snippets
  int age = -1;  // an age the text names ("14 årig"), else -1
};

// The age that tokens[i] and tokens[i + 1] name, as in "14 år", "14 årig",
// "17-årige", or -1. Tokens are folded: "år" is "ar".
int TypedAge(const std::vector<AnalyzedToken>& tokens, size_t i) {
  if (i + 1 >= tokens.size()) return -1;
  const std::string& number = tokens[i].surface;
  if (number.empty() || number.size() > 3 || !absl::c_all_of(number, absl::ascii_isdigit)) {
    return -1;
  }
  const std::string& unit = tokens[i + 1].surface;
  if (unit != "ar" && unit != "arig" && unit != "arige") return -1;
  const int age = std::stoi(number);
  return age <= 120 ? age : -1;
}

}  // namespace

struct SearchIndex::State {
  const Analyzer* analyzer = nullptr;

  std::vector<Doc> docs;
  std::vector<Meta> meta;  // parallel to docs
  std::vector<int64_t> verified;  // parallel to docs: Doc::verified, apart to keep Meta small
  std::vector<uint64_t> sort_prefix;  // parallel to docs: start of Doc::sort_key, for ties
  std::vector<uint32_t> free_slots;
  size_t live = 0;
  absl::flat_hash_map<std::string, uint32_t> slot_by_id;
  // Unit id -> slots that refer to it (children, tilbud, persons, praktik,
  // partners), whether or not the unit exists yet.
  absl::flat_hash_map<std::string, std::vector<uint32_t>> dependents;

  std::vector<Term> terms;
  absl::flat_hash_map<std::string, uint32_t> term_ids;
  std::vector<Surface> surfaces;
  absl::flat_hash_map<std::string, uint32_t> surface_ids;
  absl::btree_set<std::string> sorted_surfaces;
  // [length][first byte] -> surfaces, for typo candidates.
  std::vector<std::array<std::vector<uint32_t>, 256>> surfaces_by_shape;

  std::vector<std::string> values{""};
  std::vector<std::string> folded_values{""};
  absl::flat_hash_map<std::string, uint16_t> value_ids{{"", 0}};

  absl::flat_hash_map<std::string, std::vector<uint32_t>> name_keys;
  absl::btree_map<std::string, SuggestEntry> suggest;
  // Best completions of very short prefixes; cleared by every write.
  mutable absl::Mutex suggest_cache_mu;
  mutable absl::flat_hash_map<std::string, std::vector<Suggestion>> suggest_cache
      ABSL_GUARDED_BY(suggest_cache_mu);

  void ClearSuggestCache() {
    absl::MutexLock lock(&suggest_cache_mu);
    suggest_cache.clear();
  }

  // ---- vocabulary

  uint32_t InternTerm(const std::string& stem) {
    auto [it, inserted] = term_ids.emplace(stem, static_cast<uint32_t>(terms.size()));
    if (inserted) terms.push_back(Term{stem, {}, 0});
    return it->second;
  }

  uint32_t InternSurface(const std::string& text) {
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

  uint16_t InternValue(const std::string& value) {
    auto it = value_ids.find(value);
    if (it != value_ids.end()) return it->second;
    if (values.size() >= 65535) return 0;
    const auto id = static_cast<uint16_t>(values.size());
    values.push_back(value);
    folded_values.push_back(TextFolder::FoldJoined(value));
    value_ids.emplace(value, id);
    return id;
  }

  // True when `part` is a word of the index, for compound splitting.
  bool IsWord(absl::string_view part) const {
    if (part[0] >= '0' && part[0] <= '9') return false;
    auto it = surface_ids.find(part);
    if (it != surface_ids.end())
      return !surfaces[it->second].stop && surfaces[it->second].count > 0;
    if (analyzer->IsStopWord(part)) return false;
    auto t = term_ids.find(analyzer->Stem(part));
    return t != term_ids.end() && terms[t->second].occurrences > 0;
  }

  std::vector<std::string> SplitCompound(absl::string_view word) const {
    return Decompounder::Split(word, [this](absl::string_view p) { return IsWord(p); });
  }

  const std::vector<uint32_t>& EnsureSplit(uint32_t sid, int depth = 0) {
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

  // ---- record analysis

  void AddText(absl::string_view text, Field field, Analysis* a, bool skip_digits = false) {
    TextFolder::ForEachToken(text, [&](std::string& token, uint32_t, uint32_t) {
      if (token.size() > kMaxTokenBytes) return;
      if (skip_digits && token[0] >= '0' && token[0] <= '9') return;
      const uint32_t sid = InternSurface(token);
      if (surfaces[sid].stop) return;
      ++surfaces[sid].count;
      ++terms[surfaces[sid].term].occurrences;
      a->occurrences.push_back({sid, static_cast<uint8_t>(field)});
      ++a->length[field];
    });
  }

  void AddAddress(const sof::directory::v1::Address& address, Doc* doc, Analysis* a) {
    if (address.district().empty() && address.city().empty()) return;
    doc->own_place = true;
    doc->district = InternValue(address.district());
    AddText(address.district(), kPlace, a);
    AddText(address.city(), kPlace, a);
    AddText(address.postcode(), kPlace, a);
    AddText(address.street(), kDetails, a, /*skip_digits=*/true);
  }

  void SetGeo(const sof::directory::v1::GeoPoint& geo, Doc* doc) {
    if (geo.lat() == 0 && geo.lon() == 0) return;
    doc->has_geo = true;
    doc->lat = static_cast<float>(geo.lat());
    doc->lon = static_cast<float>(geo.lon());
  }

  // Fills `doc` from `record` and analyses its own text. Returns false for a
  // record without kind or id.
  bool Fill(const Record& record, Doc* doc, Analysis* a) {
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

  std::string unit_type_text_;  // set by Fill for units, read by Upsert/BulkLoad

  std::vector<uint32_t> TermsOf(absl::string_view text) {
    std::vector<uint32_t> out;
    analyzer->ForEachTerm(
        text, [&](const std::string&, std::string stem) { out.push_back(InternTerm(stem)); });
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // Keys under which a query equal to the doc's name or an alias finds it.
  std::vector<std::string> NameKeys(const Doc& d) const {
    std::vector<std::string> keys;
    for (absl::string_view text : {absl::string_view(d.name)}) keys.push_back(NameKey(text));
    for (const auto& alias : d.aliases) keys.push_back(NameKey(alias));
    keys.erase(std::remove(keys.begin(), keys.end(), std::string()), keys.end());
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
  }

  std::string NameKey(absl::string_view text) const {
    std::string key;
    analyzer->ForEachTerm(text, [&](const std::string&, std::string stem) {
      if (!key.empty()) key += ' ';
      key += stem;
    });
    return key;
  }

  // Turns the analysed occurrences into the doc's own weighted terms.
  void BuildOwnTerms(const Analysis& a, Doc* doc) {
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
    }
  }

  // ---- postings

  const Doc* LiveDoc(const std::string& id) const {
    if (id.empty()) return nullptr;
    auto it = slot_by_id.find(id);
    if (it == slot_by_id.end()) return nullptr;
    return &docs[it->second];
  }

  void Post(uint32_t slot) {
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
    if (meta.size() < docs.size()) meta.resize(docs.size());
    meta[slot] = Meta{1,
                      static_cast<uint8_t>(d.kind),
                      d.eff_area,
                      d.eff_district,
                      d.legal_basis,
                      d.service_type,
                      d.age_min,
                      d.age_max,
                      d.free_places};
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
    ctx.erase(std::unique(ctx.begin(), ctx.end(),
                          [](const Ctx& x, const Ctx& y) {
                            return x.term == y.term && x.field == y.field;
                          }),
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
    for (const WeightedTerm& wt : d.own) {
      uint16_t fields = wt.fields;
      float impact = wt.impact / kImpactScale;
      while (c < ctx.size() && ctx[c].term < wt.term) {
        const uint32_t term = ctx[c].term;
        uint16_t f = 0;
        float imp = 0;
        float best = 0, rest = 0;
        while (c < ctx.size() && ctx[c].term == term) {
          f |= static_cast<uint16_t>(1u << ctx[c].field);
          rest += std::min(best, ctx_impact(ctx[c].field));
          best = std::max(best, ctx_impact(ctx[c].field));
          ++c;
        }
        imp = Combine(best, rest);
        emit(term, f, imp);
      }
      while (c < ctx.size() && ctx[c].term == wt.term) {
        fields |= static_cast<uint16_t>(1u << ctx[c].field);
        const float v = ctx_impact(ctx[c].field);
        impact = Combine(std::max(impact, v), std::min(impact, v));
        ++c;
      }
      emit(wt.term, fields, impact);
    }
    while (c < ctx.size()) {
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
    }
  }

  // The terms doc `slot` has postings in, ascending.
  std::vector<uint32_t> PostedTerms(uint32_t slot) const {
    const Doc& d = docs[slot];
    std::vector<uint32_t> out;
    out.reserve(d.own.size() + d.ctx_terms.size());
    for (const WeightedTerm& wt : d.own) out.push_back(wt.term);
    out.insert(out.end(), d.ctx_terms.begin(), d.ctx_terms.end());
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // Posts doc `slot` again after a change, given the terms it was posted
  // under before: postings of terms it keeps are replaced in place, and only
  // those of terms it lost are removed, so an update does not shift every
  // long posting list twice.
  void Repost(uint32_t slot, const std::vector<uint32_t>& before) {
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
  }

  void Unpost(uint32_t slot) {
    Doc& d = docs[slot];
    auto drop = [&](uint32_t term) {
      PostingList& postings = terms[term].postings;
      postings.Erase(slot);
      postings.SetDensity(docs.size());
    };
    for (const WeightedTerm& wt : d.own) drop(wt.term);
    for (uint32_t term : d.ctx_terms) drop(term);
    d.ctx_terms.clear();
  }

  void Register(uint32_t slot) {
    const Doc& d = docs[slot];
    if (d.kind == Kind::kPartner) {
      for (const auto& r : d.related) dependents[r].push_back(slot);
    } else if (!d.parent_id.empty()) {
      dependents[d.parent_id].push_back(slot);
    }
    for (const auto& key : NameKeys(d)) name_keys[key].push_back(slot);
    SuggestAll(d, +1);
  }

  void Unregister(uint32_t slot) {
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

  // Re-posts everything that inherits from unit `id`, recursively.
  void RefreshDependents(const std::string& id, absl::flat_hash_set<uint32_t>* seen) {
    auto it = dependents.find(id);
    if (it == dependents.end()) return;
    const std::vector<uint32_t> slots = it->second;
    for (uint32_t s : slots) {
      if (!seen->insert(s).second || !docs[s].alive) continue;
      Repost(s, PostedTerms(s));
      if (docs[s].kind == Kind::kUnit) RefreshDependents(docs[s].id, seen);
    }
  }

  // ---- suggestions

  // While set (bulk load), phrases are only counted here and keyed at the end.
  absl::flat_hash_map<std::string, uint32_t>* suggest_batch = nullptr;

  void SuggestPhrase(const std::string& display, int delta) {
    if (display.empty()) return;
    if (suggest_batch != nullptr && delta > 0) {
      ++(*suggest_batch)[display];
      return;
    }
    SuggestKeys(display, delta);
  }

  void SuggestKeys(const std::string& display, int delta) {
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

  void SuggestAll(const Doc& d, int delta) {
    SuggestPhrase(d.name, delta);
    for (const auto& s : d.aliases) SuggestPhrase(s, delta);
    for (const auto& s : d.labels) SuggestPhrase(s, delta);
    SuggestPhrase(values[d.service_type], delta);
    SuggestPhrase(values[d.district], delta);
  }

  // ---- writes

  absl::Status Upsert(const Record& record) {
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

  absl::Status Remove(absl::string_view id) {
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
    meta[slot] = Meta{};
    free_slots.push_back(slot);
    --live;
    if (was_unit) {
      absl::flat_hash_set<uint32_t> seen;
      RefreshDependents(removed_id, &seen);
    }
    return absl::OkStatus();
  }

  absl::Status BulkLoad(const std::vector<Record>& records) {
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

  // ---- queries

  float Idf(uint32_t term) const {
    const float n = static_cast<float>(std::max<size_t>(live, 1));
    const float df = static_cast<float>(terms[term].postings.size());
    return std::log(1.0f + (n - df + 0.5f) / (df + 0.5f));
  }

  // Corrections of `word` within its typo budget, best first; the best
  // corrected word goes to `*best`.
  std::vector<Alt> TypoAlts(const std::string& word, uint32_t exclude, std::string* best) const {
    std::vector<Alt> out;
    const int max = MaxTypos(word.size());
    if (max == 0 || word.size() > kMaxTokenBytes) return out;
    struct Cand {
      int distance;
      uint32_t count;
      uint32_t sid;
    };
    std::vector<Cand> cands;
    const size_t lo = word.size() > static_cast<size_t>(max) ? word.size() - max : 1;
    const size_t hi = std::min(word.size() + max, surfaces_by_shape.size() - 1);
    const auto first = static_cast<uint8_t>(word[0]);
    for (size_t len = lo; len <= hi && len < surfaces_by_shape.size(); ++len) {
      for (uint32_t sid : surfaces_by_shape[len][first]) {
        const Surface& s = surfaces[sid];
        if (terms[s.term].postings.empty()) continue;
        const int d = BoundedDistance(word, s.text, max);
        if (d <= max && d > 0) cands.push_back({d, s.count, sid});
      }
    }
    std::sort(cands.begin(), cands.end(), [](const Cand& x, const Cand& y) {
      return x.distance != y.distance ? x.distance < y.distance : x.count > y.count;
    });
    absl::flat_hash_set<uint32_t> seen{exclude};
    for (const Cand& c : cands) {
      const uint32_t term = surfaces[c.sid].term;
      if (!seen.insert(term).second) continue;
      if (out.empty()) *best = surfaces[c.sid].text;
      out.push_back({term, c.distance == 1 ? kOneTypoFactor : kTwoTypoFactor, "typo", c.sid});
      if (static_cast<int>(out.size()) >= kMaxTypoCandidates) break;
    }
    return out;
  }

  std::vector<Alt> PrefixAlts(const std::string& word, uint32_t exclude) const {
    std::vector<Alt> out;
    if (word.size() < 3) return out;
    struct Cand {
      size_t df;
      uint32_t term;
      uint32_t sid;
    };
    std::vector<Cand> cands;
    absl::flat_hash_set<uint32_t> seen{exclude};
    int scanned = 0;
    for (auto it = sorted_surfaces.lower_bound(word);
         it != sorted_surfaces.end() && absl::StartsWith(*it, word) && scanned < kMaxPrefixScan;
         ++it, ++scanned) {
      const uint32_t sid = surface_ids.at(*it);
      const uint32_t term = surfaces[sid].term;
      if (!seen.insert(term).second) continue;
      const size_t df = terms[term].postings.size();
      if (df > 0) cands.push_back({df, term, sid});
    }
    std::sort(cands.begin(), cands.end(), [](const Cand& x, const Cand& y) { return x.df > y.df; });
    for (const Cand& c : cands) {
      out.push_back({c.term, kPrefixFactor, "prefix", c.sid});
      if (static_cast<int>(out.size()) >= kMaxPrefixCandidates) break;
    }
    return out;
  }

  // Clause of the compound parts of `word`, if it splits.
  // With `synonyms`, a part also matches its one-word synonyms, so that
  // "misbrugskonsulent" finds "rusmiddelkonsulent" when misbrug = rusmiddel.
  bool CompoundClause(absl::string_view word, float factor, Clause* clause,
                      const SynonymMap* synonyms = nullptr) const {
    if (word.size() < Decompounder::kMinWord) return false;
    std::vector<std::string> parts;
    auto known = surface_ids.find(word);
    if (known != surface_ids.end() && surfaces[known->second].split_done) {
      if (surfaces[known->second].parts.empty()) return false;
    }
    parts = SplitCompound(word);
    if (parts.size() < 2) return false;
    clause->parts.clear();
    for (const std::string& p : parts) {
      const std::string stem = analyzer->Stem(p);
      auto t = term_ids.find(stem);
      if (t == term_ids.end() || terms[t->second].postings.empty()) return false;
      Part part{{Alt{t->second, 1.0f, "part"}}};
      if (synonyms != nullptr) {
        for (const SynonymMap::Phrase* phrase : synonyms->LongestMatch({stem}, 0).alternatives) {
          // One word, and a word: "§ 109" (for krisecenter) is no part.
          if (phrase->size() != 1 || absl::c_any_of((*phrase)[0], absl::ascii_isdigit)) continue;
          auto alt = term_ids.find((*phrase)[0]);
          if (alt == term_ids.end() || alt->second == t->second ||
              terms[alt->second].postings.empty()) {
            continue;
          }
          part.alts.push_back(Alt{alt->second, kSynonymFactor, "part synonym"});
        }
      }
      clause->parts.push_back(std::move(part));
    }
    clause->factor = factor;
    clause->label = absl::StrCat("compound ", absl::StrJoin(parts, "+"));
    return true;
  }

  Part WordPart(const AnalyzedToken& w, bool prefix, std::vector<Clause>* extra) const {
    Part part;
    uint32_t exact = UINT32_MAX;
    size_t df = 0;
    auto t = term_ids.find(w.stem);
    if (t != term_ids.end() && !terms[t->second].postings.empty()) {
      exact = t->second;
      df = terms[exact].postings.size();
      part.alts.push_back({exact, 1.0f, "word"});
    }
    if (df <= 2) {
      std::string corrected;
      std::vector<Alt> typos = TypoAlts(w.surface, exact, &corrected);
      if (extra != nullptr && !typos.empty()) {
        // The best correction may itself be a compound whose parts match.
        Clause c;
        if (CompoundClause(corrected, kCompoundFactor * typos[0].factor, &c)) {
          c.label += " (after typo)";
          extra->push_back(std::move(c));
        }
      }
      for (Alt& a : typos) part.alts.push_back(std::move(a));
    }
    if (prefix) {
      for (Alt& a : PrefixAlts(w.surface, exact)) part.alts.push_back(std::move(a));
    }
    return part;
  }

  Plan MakePlan(absl::string_view typed, bool allow_prefix, const SynonymMap& synonyms) const {
    Plan plan;
    std::string composed;  // token ranges refer to the NFC form
    const absl::string_view text = TextFolder::Composed(typed, &composed);
    std::vector<AnalyzedToken> tokens = analyzer->Analyze(text);
    std::vector<AnalyzedToken> words;
    std::vector<bool> age_word;  // per word: part of the typed age
    size_t age_token = SIZE_MAX;  // where in `tokens` the age is
    for (size_t i = 0; i < tokens.size(); ++i) {
      AnalyzedToken& tok = tokens[i];
      if (tok.surface == "hvem") plan.who = true;
      if (plan.age < 0) {
        if (const int a = TypedAge(tokens, i); a >= 0) {
          plan.age = a;
          age_token = i;
        }
      }
      if (tok.stop || tok.surface.size() > kMaxTokenBytes) continue;
      age_word.push_back(plan.age >= 0 && (i == age_token || i == age_token + 1));
      words.push_back(std::move(tok));
      if (words.size() >= kMaxQueryWords) break;
    }
    if (words.empty()) return plan;
    const bool last_prefix = allow_prefix && !tokens.empty() && tokens.back().end == text.size() &&
                             !tokens.back().stop && words.back().end == tokens.back().end;
    std::vector<std::string> stems;
    for (const auto& w : words) {
      for (int k = 0; k < kNumKinds; ++k) {
        analyzer->ForEachTerm(kKindWords[k], [&](const std::string&, const std::string& kw) {
          if (kw == w.stem) plan.kinds_asked |= static_cast<uint8_t>(1u << k);
        });
      }
      stems.push_back(w.stem);
      if (!plan.name_key.empty()) plan.name_key += ' ';
      plan.name_key += w.stem;
    }
    for (size_t i = 0; i < words.size();) {
      SynonymMap::Match m = synonyms.LongestMatch(stems, i);
      const size_t len = std::max<size_t>(1, m.length);
      Slot slot;
      std::vector<Clause> extra;
      Clause main;
      for (size_t j = i; j < i + len; ++j) {
        if (!slot.text.empty()) slot.text += ' ';
        slot.text += words[j].surface;
        const bool prefix = last_prefix && j + 1 == words.size();
        main.parts.push_back(WordPart(words[j], prefix, len == 1 ? &extra : nullptr));
      }
      slot.typed = std::string(
          text.substr(words[i].begin, words[i + len - 1].end - words[i].begin));
      main.label = len == 1 ? "" : "phrase";
      bool main_ok = true;
      for (const Part& p : main.parts) main_ok = main_ok && !p.alts.empty();
      if (main_ok) slot.clauses.push_back(std::move(main));
      if (len == 1) {
        Clause c;
        if (CompoundClause(words[i].surface, kCompoundFactor, &c, &synonyms)) {
          slot.clauses.push_back(c);
        }
      }
      for (Clause& c : extra) slot.clauses.push_back(std::move(c));
      for (const SynonymMap::Phrase* phrase : m.alternatives) {
        // A phrase that contains one of the span's own words finds nothing
        // that word does not; it would only cost time.
        bool subsumed = false;
        for (const std::string& stem : *phrase) {
          for (size_t j = i; j < i + len; ++j) subsumed = subsumed || stem == stems[j];
        }
        if (subsumed && phrase->size() > len) continue;
        Clause c;
        c.factor = kSynonymFactor;
        c.label = absl::StrCat("synonym \"", absl::StrJoin(*phrase, " "), "\"");
        bool ok = true;
        for (const std::string& stem : *phrase) {
          auto t = term_ids.find(stem);
          if (t == term_ids.end() || terms[t->second].postings.empty()) {
            ok = false;
            break;
          }
          c.parts.push_back(Part{{Alt{t->second, 1.0f, "synonym"}}});
        }
        if (ok) slot.clauses.push_back(std::move(c));
      }
      // A slot weighs what the typed words weigh; synonyms and compound
      // parts widen what matches but do not make the word more important.
      for (size_t c = 0; c < slot.clauses.size(); ++c) {
        float clause_weight = 0;
        for (const Part& p : slot.clauses[c].parts) {
          // The first alternative is the word itself, else its best typo
          // correction; prefixes and typos must not inflate its weight.
          if (!p.alts.empty()) clause_weight += Idf(p.alts[0].term) * p.alts[0].factor;
        }
        if (c == 0 && main_ok) {
          slot.weight = clause_weight;
        } else if (!main_ok) {
          slot.weight = std::max(
              slot.weight, clause_weight * slot.clauses[c].factor / slot.clauses[c].parts.size());
        }
      }
      // The words of a typed age ("14 årig") add to a record's score where
      // it has them, but a record need not: the age is a preference.
      slot.optional = plan.age >= 0 && absl::c_linear_search(age_word, false);
      for (size_t j = i; j < i + len && slot.optional; ++j) slot.optional = age_word[j];
      if (slot.optional) slot.weight = 0;
      plan.slots.push_back(std::move(slot));
      i += len;
    }
    SetTerms(&plan);
    return plan;
  }

  // Postings read to evaluate the slot (a phrase reads its rarest part).
  static size_t Volume(const Slot& slot, const std::vector<Term>& terms) {
    size_t v = 0;
    for (const Clause& c : slot.clauses) {
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

  // Makes s.candidates (ascending) the docs whose bits are set in
  // s.candidate_bits, with zeroed compact accumulators.
  static void StartCandidates(Scratch& s) {
    s.candidates.clear();
    for (size_t w = 0; w < s.candidate_bits.size(); ++w) {
      for (uint64_t word = s.candidate_bits[w]; word != 0; word &= word - 1) {
        s.candidates.push_back(static_cast<uint32_t>(w * 64 + __builtin_ctzll(word)));
      }
    }
    RankCandidates(s);
    s.cacc.assign(s.candidates.size(), Acc{});
    s.cpart_best.assign(s.candidates.size(), 0.0f);
  }

  static void RankCandidates(Scratch& s) {
    s.candidate_rank.resize(s.candidate_bits.size());
    uint32_t rank = 0;
    for (size_t w = 0; w < s.candidate_bits.size(); ++w) {
      s.candidate_rank[w] = rank;
      rank += static_cast<uint32_t>(PopCount(s.candidate_bits[w]));
    }
  }

  // Copies the candidates' compact accumulators to s.acc.
  static void StoreCandidates(Scratch& s) {
    for (size_t i = 0; i < s.candidates.size(); ++i) {
      Acc& a = s.acc[s.candidates[i]];
      if (a.covered == 0 && a.score == 0) s.touched.push_back(s.candidates[i]);
      a = s.cacc[i];
    }
  }

  // Adds the slot's best match of every doc `at` takes to its accumulators.
  // Each list is either read whole, testing each posting's doc, or looked up
  // for each candidate, whichever touches less: reading streams memory, a
  // lookup costs a few loads (a dense list) or a galloping search (a sparse
  // one).
  template <typename At>
  void ScoreSlot(const Slot& slot, Scratch& s, At at) const {
    constexpr size_t kDenseLookup = 4;    // postings read in the time of one lookup
    constexpr size_t kSparseLookup = 16;  // ... of one galloping search
    const std::vector<uint32_t>& candidates = s.candidates;
    auto read_whole = [&](size_t volume, bool dense) {
      return At::kAll || volume <= (dense ? kDenseLookup : kSparseLookup) * candidates.size();
    };
    auto offer_slot = [&](uint32_t i, float v, uint16_t fields) {
      Acc& a = at.At(i);
      if (a.slot_best == 0) s.slot_touched.push_back(i);
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
      ScoreClauseParts(clause, s, at);
      for (size_t k = 0; k < s.part_index.size(); ++k) offer_slot(s.part_index[k], s.part_sum[k], 0);
    }
    for (uint32_t i : s.slot_touched) {
      Acc& a = at.At(i);
      if (a.covered == 0) at.FirstTouch(i);
      a.score += a.slot_best;
      a.covered += slot.weight;
      if (a.slot_fields & kNameFields) ++a.name_slots;
      a.slot_best = 0;
      a.slot_fields = 0;
    }
    s.slot_touched.clear();
  }

  // Sets s.part_docs (ascending), s.part_index (their indexes for `at`) and
  // s.part_sum to the docs `at` takes that hold every part of `clause` (a
  // phrase or compound parts), and their scores. The rarest part's docs are
  // looked up in the others.
  template <typename At>
  void ScoreClauseParts(const Clause& clause, Scratch& s, At at) const {
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

  // What an impact of `alt` is worth as a part of a clause (the clause's
  // factor and norm are applied to the parts' sum).
  float PartAltWeight(const Alt& alt) const { return Idf(alt.term) * alt.factor / kImpactScale; }

  // Sets (*best)[k] to the best match of `part` (any of its alternatives) in
  // doc s.part_docs[k], or 0.
  void PartBestOf(const Part& part, Scratch& s, std::vector<float>* best) const {
    best->assign(s.part_docs.size(), 0.0f);
    for (const Alt& alt : part.alts) {
      const float w = PartAltWeight(alt);
      terms[alt.term].postings.Gather(s.part_docs, &s.found);
      for (size_t k = 0; k < s.part_docs.size(); ++k) {
        if (const Posting* p = s.found[k]) (*best)[k] = std::max((*best)[k], w * p->impact);
      }
    }
  }

  // Drops the docs of s.part_docs whose s.part_sum is 0 (a part is missing).
  static void KeepMatchedParts(Scratch& s) {
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
  static void KeepCandidates(Scratch& s, Keep&& keep) {
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
    s.cpart_best.resize(kept);
    RankCandidates(s);
  }

  // Scores every doc that can reach `min_coverage` of the query's weight
  // into `s`. Words with long postings whose weight together stays below
  // that share cannot qualify a doc alone, so they are only probed for the
  // docs the other words found.
  void Evaluate(const Plan& plan, Scratch& s, float min_coverage) const {
    constexpr size_t kProbeMinVolume = 2048;
    s.Reserve(docs.size());
    s.Clear();
    s.compact = false;
    float total = 0;
    std::vector<size_t> volume(plan.slots.size());
    std::vector<size_t> order;
    for (size_t i = 0; i < plan.slots.size(); ++i) {
      if (!plan.slots[i].clauses.empty()) total += plan.slots[i].weight;  // as in Collect
      volume[i] = Volume(plan.slots[i], terms);
      order.push_back(i);
    }
    const float budget = min_coverage * total * 0.999f;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return volume[a] > volume[b]; });
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
  void ClauseBits(const Clause& clause, Scratch& s) const {
    constexpr size_t kSeekRatio = 64;  // 8 was about 10% slower at 100k records
    const size_t words = s.all_bits.size();
    auto part_volume = [&](const Part& part) {
      size_t v = 0;
      for (const Alt& alt : part.alts) v += terms[alt.term].postings.size();
      return v;
    };
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

  // Sets plan->terms to every term its slots may match.
  static void SetTerms(Plan* plan) {
    plan->terms.clear();
    for (const Slot& slot : plan->slots) {
      for (const Clause& clause : slot.clauses) {
        for (const Part& part : clause.parts) {
          for (const Alt& alt : part.alts) plan->terms.insert(alt.term);
        }
      }
    }
  }

  // Leaves out of `plan` the words that no record matches even though each
  // of their compound parts (or phrase words) exists: no record holds the
  // parts together. Like a word no record has, such a word does not count
  // (and is named in `unmatched`), so that "misbrugskonsulent vesterbro"
  // still finds what is on Vesterbro. Returns whether any was left out.
  bool DropUnmatchedSlots(Plan* plan, Scratch& s, std::vector<std::string>* unmatched) const {
    bool dropped = false;
    for (Slot& slot : plan->slots) {
      if (slot.optional) continue;
      bool any = false;
      for (const Clause& clause : slot.clauses) {
        if (clause.parts.size() == 1) {
          for (const Alt& alt : clause.parts[0].alts) any = any || !terms[alt.term].postings.empty();
        } else {
          s.all_bits.assign(docs.size() / 64 + 1, ~uint64_t{0});
          ClauseBits(clause, s);
          for (uint64_t word : s.clause_bits) any = any || word != 0;
        }
        if (any) break;
      }
      if (any || slot.clauses.empty()) continue;
      slot.clauses.clear();
      unmatched->push_back(slot.typed);
      dropped = true;
    }
    if (dropped) SetTerms(plan);  // snippets mark only what the remaining words match
    return dropped;
  }

  // Work to set a bit for each doc of the slot: a dense list is OR-ed a
  // word at a time, a sparse one read posting by posting.
  size_t BitsCost(const Slot& slot, size_t words) const {
    size_t cost = 0;
    for (const Clause& c : slot.clauses) {
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
  void EvaluateAll(const Plan& plan, Scratch& s) const {
    // A slot whose bitmap costs this many times more than the docs left is
    // not read into a bitmap: it is looked up for those docs instead.
    constexpr size_t kSeekRatio = 256;
    s.Reserve(docs.size());
    s.Clear();
    s.compact = true;
    s.candidates.clear();
    s.cacc.clear();
    const size_t words = docs.size() / 64 + 1;
    std::vector<size_t> order;
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
    StartCandidates(s);
    // Score: every candidate holds the slots read into bitmaps; the others
    // drop the candidates that lack them.
    float needed = 0;
    for (size_t k = 0; k < order.size(); ++k) {
      const Slot& slot = plan.slots[order[k]];
      needed += slot.weight;
      ScoreSlot(slot, s, Candidates{s});
      if (k >= read) {
        KeepCandidates(s, [&](const Acc& a) { return a.covered >= needed * 0.999f; });
      }
    }
    for (const Slot& slot : plan.slots) {
      if (slot.optional && !slot.clauses.empty()) ScoreSlot(slot, s, Candidates{s});
    }
  }

  // Scores the docs that match `plan` and pass `passes`, like Typesense's
  // drop_tokens_threshold: records with all the words first; only when they
  // are few, also records with most of them. Sets `out` to (score, doc) pairs.
  template <typename Passes>
  void Collect(const Plan& plan, Scratch& s, Passes&& passes, float* total_weight,
               std::vector<std::pair<float, uint32_t>>* out) const {
    std::vector<std::pair<float, uint32_t>>& matches = *out;
    matches.clear();
    size_t matchable = 0;
    *total_weight = 0;
    // A word that no record has cannot be covered by any: it does not count,
    // so that one unknown word ("bostøtte qwxyz") does not empty the result.
    for (const Slot& slot : plan.slots) {
      if (slot.clauses.empty() || slot.optional) continue;
      *total_weight += slot.weight;
      ++matchable;
    }
    for (const float min_coverage : {1.0f, kMinCoverage}) {
      if (min_coverage == kMinCoverage &&
          (matches.size() >= kDropWordsThreshold || matchable < 2)) {
        break;
      }
      matches.clear();
      if (min_coverage == 1.0f) {
        EvaluateAll(plan, s);
      } else {
        Evaluate(plan, s, min_coverage);
      }
      if (auto it = name_keys.find(plan.name_key); it != name_keys.end()) {
        for (uint32_t d : it->second) {
          Acc* a = AccOf(s, d);
          if (a != nullptr && a->covered > 0) a->exact = 1;
        }
      }
      const float min_weight = min_coverage * *total_weight * 0.999f;
      auto offer = [&](uint32_t d, const Acc& a) {
        if (a.covered < min_weight || !passes(d)) return;
        matches.push_back({FinalScore(plan, a, d, *total_weight, matchable), d});
      };
      if (s.compact) {
        matches.reserve(s.candidates.size());
        constexpr size_t kAhead = 16;  // the docs are scattered: fetch their metadata ahead
        const size_t n = s.candidates.size();
        for (size_t i = 0; i < n; ++i) {
          if (i + kAhead < n) __builtin_prefetch(&meta[s.candidates[i + kAhead]]);
          offer(s.candidates[i], s.cacc[i]);
        }
      } else {
        matches.reserve(s.touched.size());
        for (uint32_t d : s.touched) offer(d, s.acc[d]);
      }
    }
  }

  // Sorts doc ids ascending through a bitmap: linear, unlike std::sort.
  void SortDocs(std::vector<uint32_t>* ids, Scratch& s) const {
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

  // The accumulator of doc `d` after EvaluateAll or Evaluate, or nullptr
  // when the doc was not scored.
  static Acc* AccOf(Scratch& s, uint32_t d) {
    if (!s.compact) return &s.acc[d];
    if (s.cacc.empty() || (d >> 6) >= s.candidate_bits.size() || !Candidates{s}.In(d)) {
      return nullptr;
    }
    return &s.cacc[Candidates{s}.Index(d)];
  }

  // Final score of doc `d` with accumulator `a`.
  float FinalScore(const Plan& plan, const Acc& a, uint32_t d, float total_weight,
                   size_t matchable_slots) const {
    const float coverage = total_weight > 0 ? a.covered / total_weight : 0;
    const int kind = meta[d].kind;
    float score = a.score * coverage * coverage;
    score *= (plan.kinds_asked & (1u << kind)) ? kKindAskedBoost : kKindPrior[kind];
    if (plan.who && kind == static_cast<int>(Kind::kPerson)) score *= kWhoPersonBoost;
    if (a.exact) score *= kExactNameBoost;
    if (matchable_slots > 0 && a.name_slots >= matchable_slots) score *= kAllInNameBoost;
    return score * TypedAgeFactor(plan, d);
  }

  // What the age typed in the query makes of doc `d`'s score: 1 when the
  // query names no age or the doc has no age range.
  float TypedAgeFactor(const Plan& plan, uint32_t d) const {
    if (plan.age < 0 || meta[d].age_min < 0) return 1.0f;
    const bool in_range = meta[d].age_min <= plan.age && plan.age <= meta[d].age_max;
    return in_range ? kTypedAgeInRange : kTypedAgeOutOfRange;
  }

  FilterValues Values(const Doc& d) const {
    FilterValues v;
    v.id = d.id;
    v.kind = kKindNames[static_cast<int>(d.kind)];
    v.area = folded_values[d.eff_area];
    v.district = folded_values[d.eff_district];
    v.legal_basis = folded_values[d.legal_basis];
    v.service_type = folded_values[d.service_type];
    v.unit_type = folded_values[d.unit_type];
    v.unit_id = d.parent_id;
    v.age_min = d.age_min;
    v.age_max = d.age_max;
    v.free_places = d.free_places;
    v.capacity = d.capacity;
    return v;
  }

  // ---- snippets and explanations

  // True when the folded word `surface` is no stop word and matches one of
  // `want` through its stem or a compound part.
  bool TokenMatches(const std::string& surface, const absl::flat_hash_set<uint32_t>& want) const {
    auto sit = surface_ids.find(surface);
    if (sit != surface_ids.end()) {
      const Surface& s = surfaces[sit->second];
      if (s.stop) return false;
      if (want.contains(s.term)) return true;
      for (uint32_t p : s.parts) {
        if (want.contains(p)) return true;
      }
      return false;
    }
    if (analyzer->IsStopWord(surface)) return false;
    auto t = term_ids.find(analyzer->Stem(surface));
    return t != term_ids.end() && want.contains(t->second);
  }

  // A passage of `text` around its first matched word, or "" if none; in
  // NFC, since that is the text the tokens' byte ranges refer to.
  std::string Highlight(absl::string_view stored, const absl::flat_hash_set<uint32_t>& want) const {
    std::string composed;
    const absl::string_view text = TextFolder::Composed(stored, &composed);
    constexpr uint32_t kBefore = 60, kLength = 220;
    thread_local std::vector<std::pair<uint32_t, uint32_t>> hits, words;  // reused
    hits.clear();
    words.clear();
    uint32_t stop_at = UINT32_MAX;
    TextFolder::ForEachTokenWhile(text, [&](std::string& token, uint32_t b, uint32_t e) {
      if (b > stop_at) return false;
      words.push_back({b, e});
      if (!TokenMatches(token, want)) return true;
      hits.push_back({b, e});
      if (stop_at == UINT32_MAX) stop_at = b + kLength;
      return true;
    });
    if (hits.empty()) return "";
    uint32_t start = 0;
    if (hits[0].first > kBefore) {
      for (const auto& w : words) {
        if (w.first + kBefore >= hits[0].first) {
          start = w.first;
          break;
        }
      }
    }
    uint32_t end = static_cast<uint32_t>(text.size());
    if (end - start > kLength) {
      end = start;
      for (const auto& w : words) {
        if (w.second <= start + kLength) end = std::max(end, w.second);
      }
    }
    std::string out = start > 0 ? "…" : "";
    uint32_t pos = start;
    for (const auto& h : hits) {
      if (h.first < start || h.second > end) continue;
      absl::StrAppend(&out, text.substr(pos, h.first - pos));
      absl::StrAppend(&out, "«", text.substr(h.first, h.second - h.first), "»");
      pos = h.second;
    }
    absl::StrAppend(&out, text.substr(pos, end - pos));
    if (end < text.size()) out += "…";
    for (char& c : out) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    return out;
  }

  // True when a word of `plan` occurs in field `f` of doc `slot`.
  bool FieldMatches(uint32_t slot, const Plan& plan, Field f) const {
    for (uint32_t t : plan.terms) {
      const Posting* p = terms[t].postings.Find(slot);
      if (p != nullptr && (p->fields & (1u << f)) != 0) return true;
    }
    return false;
  }

  std::string Snippet(uint32_t slot, const Plan& plan) const {
    const Doc& d = docs[slot];
    std::string s;
    // A description is long: it is scanned only when it holds a match.
    if (FieldMatches(slot, plan, kDescription)) {
      s = Highlight(d.description, plan.terms);
      if (!s.empty()) return s;
    }
    s = Highlight(absl::StrJoin(d.labels, ", "), plan.terms);
    if (!s.empty()) return s;
    if (!d.title.empty()) {
      s = Highlight(d.title, plan.terms);
      if (!s.empty()) return s;
    }
    return Highlight(d.name, plan.terms);
  }

  static std::string FieldNames(uint16_t fields) {
    std::vector<std::string> names;
    for (int f = 0; f < kNumFields; ++f) {
      if (fields & (1u << f)) names.push_back(kFieldSpecs[f].name);
    }
    return absl::StrJoin(names, ", ");
  }

  const Posting* Find(uint32_t term, uint32_t doc) const { return terms[term].postings.Find(doc); }

  std::vector<std::string> Explain(const Plan& plan, Scratch& s, uint32_t d,
                                   float total_weight) const {
    const Acc* acc = AccOf(s, d);
    const bool exact = acc != nullptr && acc->exact != 0;
    std::vector<std::string> lines;
    for (const Slot& slot : plan.slots) {
      float best = 0;
      std::string why;
      for (const Clause& clause : slot.clauses) {
        float sum = 0;
        bool all = true;
        std::vector<std::string> parts;
        for (const Part& part : clause.parts) {
          float part_best = 0;
          std::string part_why;
          for (const Alt& alt : part.alts) {
            const Posting* p = Find(alt.term, d);
            if (p == nullptr) continue;
            const float v = Idf(alt.term) * alt.factor * p->impact / kImpactScale;
            if (v > part_best) {
              part_best = v;
              part_why = absl::StrCat(
                  alt.label,
                  alt.surface == UINT32_MAX ? ""
                                            : absl::StrCat(" \"", surfaces[alt.surface].text, "\""),
                  " -> \"", terms[alt.term].text, "\" in ", FieldNames(p->fields));
            }
          }
          if (part_best == 0) {
            all = false;
            break;
          }
          sum += part_best;
          parts.push_back(part_why);
        }
        if (!all) continue;
        const float v = clause.parts.size() == 1
                            ? sum * clause.factor
                            : sum * clause.factor / std::sqrt(float(clause.parts.size()));
        if (v > best) {
          best = v;
          why = absl::StrCat(clause.label.empty() ? "" : clause.label + ": ",
                             absl::StrJoin(parts, "; "));
        }
      }
      if (best > 0) {
        lines.push_back(absl::StrFormat("\"%s\": %s (%.2f)", slot.text, why, best));
      } else {
        lines.push_back(absl::StrFormat("\"%s\": not matched", slot.text));
      }
    }
    const float coverage = total_weight > 0 && acc != nullptr ? acc->covered / total_weight : 0;
    lines.push_back(absl::StrFormat("words matched (idf-weighted): %.0f%%", coverage * 100));
    if (plan.who && docs[d].kind == Kind::kPerson) {
      lines.push_back(absl::StrFormat("person asked for (\"hvem\"): x%.2f", kWhoPersonBoost));
    }
    if (exact) lines.push_back(absl::StrFormat("query is its name: x%.1f", kExactNameBoost));
    if (const float age = TypedAgeFactor(plan, d); age != 1.0f) {
      lines.push_back(absl::StrFormat("age %d in the text, ages %d-%d here: x%.1f", plan.age,
                                      meta[d].age_min, meta[d].age_max, age));
    }
    return lines;
  }
};

// ---------------------------------------------------------------------------

struct SearchIndex::Vocabulary {
  std::string synonyms_path;
  SynonymMap synonyms;
  std::string query_rules_path;
};

SearchIndex::SearchIndex(std::unique_ptr<Analyzer> analyzer,
                         std::shared_ptr<const Vocabulary> vocabulary)
    : analyzer_(std::move(analyzer)),
      vocabulary_(std::move(vocabulary)),
      state_(std::make_unique<State>()) {
  state_->analyzer = analyzer_.get();
}

SearchIndex::~SearchIndex() = default;

absl::StatusOr<std::shared_ptr<const SearchIndex::Vocabulary>> SearchIndex::LoadVocabulary(
    const Options& options, const Analyzer& analyzer) {
  auto vocabulary = std::make_shared<Vocabulary>();
  vocabulary->synonyms_path = options.synonyms_path;
  vocabulary->query_rules_path = options.query_rules_path;
  if (!options.synonyms_path.empty()) {
    auto loaded = SynonymMap::Load(options.synonyms_path, analyzer);
    if (!loaded.ok()) return loaded.status();
    vocabulary->synonyms = std::move(*loaded);
  }
  return std::shared_ptr<const Vocabulary>(std::move(vocabulary));
}

std::shared_ptr<const SearchIndex::Vocabulary> SearchIndex::CurrentVocabulary() const {
  absl::MutexLock lock(&vocabulary_mu_);
  return vocabulary_;
}

absl::StatusOr<std::unique_ptr<SearchIndex>> SearchIndex::Create(const Options& options) {
  auto analyzer = Analyzer::Create(options.stopwords_path);
  if (!analyzer.ok()) return analyzer.status();
  auto vocabulary = LoadVocabulary(options, **analyzer);
  if (!vocabulary.ok()) return vocabulary.status();
  return std::unique_ptr<SearchIndex>(new SearchIndex(std::move(*analyzer), std::move(*vocabulary)));
}

SearchIndex::VocabularyInfo SearchIndex::vocabulary() const {
  std::shared_ptr<const Vocabulary> v = CurrentVocabulary();
  VocabularyInfo info;
  info.synonyms_path = v->synonyms_path;
  info.synonym_entries = v->synonyms.size();
  info.query_rules_path = v->query_rules_path;
  return info;
}

absl::Status SearchIndex::ReloadVocabulary(const Options& options) {
  auto vocabulary = LoadVocabulary(options, *analyzer_);
  if (!vocabulary.ok()) return vocabulary.status();
  absl::MutexLock lock(&vocabulary_mu_);
  vocabulary_ = std::move(*vocabulary);
  return absl::OkStatus();
}

absl::Status SearchIndex::BulkLoad(const std::vector<Record>& records) {
  absl::MutexLock lock(&mu_);
  state_ = std::make_unique<State>();
  state_->analyzer = analyzer_.get();
  absl::Status status = state_->BulkLoad(records);
  if (!status.ok()) {
    state_ = std::make_unique<State>();
    state_->analyzer = analyzer_.get();
  }
  return status;
}

absl::Status SearchIndex::Upsert(const Record& record) {
  absl::MutexLock lock(&mu_);
  return state_->Upsert(record);
}

absl::Status SearchIndex::Remove(std::string_view id) {
  absl::MutexLock lock(&mu_);
  return state_->Remove(absl::string_view(id.data(), id.size()));
}

size_t SearchIndex::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return state_->live;
}

namespace {

absl::Status CheckText(absl::string_view text, absl::string_view what, size_t max) {
  if (text.size() > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": ", text.size(), " bytes, at most ", max, " allowed"));
  }
  if (!TextFolder::IsValidUtf8(text)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not valid UTF-8"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SearchResult> SearchIndex::Search(const SearchQuery& query) const {
  if (absl::Status st = CheckText(query.text, "text", kMaxQueryBytes); !st.ok()) return st;
  if (query.limit < 1 || query.limit > kMaxLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit: ", query.limit, " is outside 1..", kMaxLimit));
  }
  if (query.offset < 0) return absl::InvalidArgumentError("offset: must not be negative");
  uint8_t kind_mask = 0;
  for (const std::string& k : query.kinds) {
    std::optional<Kind> kind = ParseKind(k);
    if (!kind) {
      return absl::InvalidArgumentError(
          absl::StrCat("kinds: unknown kind '", common::Echo(k),
                       "'; valid are unit, tilbud, partner, praktik, person"));
    }
    kind_mask |= static_cast<uint8_t>(1u << static_cast<int>(*kind));
  }
  if (kind_mask == 0) kind_mask = 0xFF;
  for (const std::string* field :
       {&query.area, &query.district, &query.legal_basis, &query.service_type, &query.filter}) {
    if (absl::Status st = CheckText(*field, "filter", 4096); !st.ok()) return st;
  }
  auto expression = FilterExpression::Parse(query.filter);
  if (!expression.ok()) return expression.status();
  const std::string area = TextFolder::FoldJoined(query.area);
  const std::string district = TextFolder::FoldJoined(query.district);
  const std::string legal_basis = TextFolder::FoldJoined(query.legal_basis);
  const std::string service_type = TextFolder::FoldJoined(query.service_type);

  absl::ReaderMutexLock lock(&mu_);
  const State& st = *state_;
  // Value ids whose folded text equals each filter's, so the scan compares
  // small integers.
  auto allowed = [&](const std::string& want) {
    std::vector<uint8_t> ok;
    if (want.empty()) return ok;
    ok.resize(st.values.size());
    for (size_t v = 0; v < st.values.size(); ++v) ok[v] = st.folded_values[v] == want;
    return ok;
  };
  const std::vector<uint8_t> area_ok = allowed(area), district_ok = allowed(district),
                             legal_ok = allowed(legal_basis), service_ok = allowed(service_type);
  auto passes = [&](uint32_t d) {
    const Meta& m = st.meta[d];
    if (!m.alive || !(kind_mask & (1u << m.kind))) return false;
    if (!area_ok.empty() && !area_ok[m.area]) return false;
    if (!district_ok.empty() && !district_ok[m.district]) return false;
    if (!legal_ok.empty() && !legal_ok[m.legal_basis]) return false;
    if (!service_ok.empty() && !service_ok[m.service_type]) return false;
    if (query.age && (m.age_min < 0 || m.age_min > *query.age || m.age_max < *query.age)) {
      return false;
    }
    if (query.only_free && m.free_places <= 0) return false;
    if (query.verified_since && st.verified[d] < *query.verified_since) return false;
    return expression->empty() || expression->Matches(st.Values(st.docs[d]));
  };

  SearchResult result;
  const std::shared_ptr<const Vocabulary> vocabulary = CurrentVocabulary();
  Plan plan = st.MakePlan(query.text, /*allow_prefix=*/true, vocabulary->synonyms);
  const bool list_all = plan.slots.empty() && absl::StripAsciiWhitespace(query.text).empty();
  if (plan.slots.empty() && !list_all) return result;  // only stop words / punctuation
  for (const Slot& slot : plan.slots) {
    if (slot.clauses.empty() && !slot.optional) result.unmatched_words.push_back(slot.typed);
  }

  Scratch& s = LocalScratch();
  std::vector<std::pair<float, uint32_t>>& matches = s.matches;
  float total_weight = 0;
  if (list_all) {
    matches.clear();
    for (uint32_t d = 0; d < st.meta.size(); ++d) {
      if (passes(d)) matches.push_back({0.0f, d});
    }
  } else {
    st.Collect(plan, s, passes, &total_weight, &matches);
    if (matches.empty() && st.DropUnmatchedSlots(&plan, s, &result.unmatched_words)) {
      st.Collect(plan, s, passes, &total_weight, &matches);
    }
  }
  if (query.near) {
    for (auto& [score, d] : matches) {
      const Doc& doc = st.docs[d];
      const double km =
          doc.eff_geo ? Geo::DistanceKm(*query.near, {doc.eff_lat, doc.eff_lon}) : 50.0;
      score = list_all ? static_cast<float>(-km) : static_cast<float>(score / (1.0 + km / 2.0));
    }
  }
  result.total = matches.size();
  {
    std::array<size_t, kNumKinds> kinds{};
    std::vector<size_t>&areas = s.areas, &districts = s.districts, &services = s.services,
                       &legal = s.legal;
    for (std::vector<size_t>* counts : {&areas, &districts, &services, &legal}) {
      counts->assign(st.values.size(), 0);
    }
    constexpr size_t kAhead = 16;  // the docs are scattered: fetch their metadata ahead
    for (size_t i = 0; i < matches.size(); ++i) {
      if (i + kAhead < matches.size()) __builtin_prefetch(&st.meta[matches[i + kAhead].second]);
      const Meta& m = st.meta[matches[i].second];
      ++kinds[m.kind];
      ++areas[m.area];
      ++districts[m.district];
      ++services[m.service_type];
      ++legal[m.legal_basis];
    }
    for (int k = 0; k < kNumKinds; ++k) {
      if (kinds[k] > 0) result.facets["kind"][kKindNames[k]] = kinds[k];
    }
    auto fill = [&](const char* name, const std::vector<size_t>& counts) {
      for (size_t v = 1; v < counts.size(); ++v) {
        if (counts[v] > 0) result.facets[name][st.values[v]] = counts[v];
      }
    };
    fill("area", areas);
    fill("district", districts);
    fill("service_type", services);
    fill("legal_basis", legal);
  }
  const size_t want = std::min(
      matches.size(), static_cast<size_t>(query.offset) + static_cast<size_t>(query.limit));
  auto better = [&](const std::pair<float, uint32_t>& a, const std::pair<float, uint32_t>& b) {
    if (a.first != b.first) return a.first > b.first;
    const uint64_t px = st.sort_prefix[a.second], py = st.sort_prefix[b.second];
    if (px != py) return px < py;
    const Doc& x = st.docs[a.second];
    const Doc& y = st.docs[b.second];
    if (x.sort_key != y.sort_key) return x.sort_key < y.sort_key;
    return x.id < y.id;
  };
  std::partial_sort(matches.begin(), matches.begin() + want, matches.end(), better);
  for (size_t i = query.offset; i < want; ++i) {
    const auto [score, d] = matches[i];
    const Doc& doc = st.docs[d];
    SearchHit hit;
    hit.id = doc.id;
    hit.kind = kKindNames[static_cast<int>(doc.kind)];
    hit.name = doc.name;
    if (const Doc* unit = st.LiveDoc(doc.parent_id); unit != nullptr) hit.unit_name = unit->name;
    hit.district = st.values[doc.eff_district];
    if (doc.capacity >= 0 && doc.free_places >= 0) hit.free_places = doc.free_places;
    hit.score = list_all ? 0.0 : score;
    if (!list_all) hit.snippet = st.Snippet(d, plan);
    if (hit.snippet.empty()) {
      hit.snippet = doc.description.size() <= 200 ? doc.description : "";
      if (hit.snippet.empty() && !doc.description.empty()) {
        size_t cut = 200;
        while (cut > 0 && (static_cast<unsigned char>(doc.description[cut]) & 0xC0) == 0x80) --cut;
        hit.snippet = doc.description.substr(0, cut) + "…";
      }
    }
    if (query.near && doc.eff_geo) {
      hit.distance_km = Geo::DistanceKm(*query.near, {doc.eff_lat, doc.eff_lon});
    }
    if (query.explain && !list_all) {
      hit.explanation = st.Explain(plan, s, d, total_weight);
    }
    result.hits.push_back(std::move(hit));
  }
  return result;
}

absl::StatusOr<std::vector<Suggestion>> SearchIndex::Suggest(std::string_view prefix_in,
                                                             int limit) const {
  const absl::string_view prefix(prefix_in.data(), prefix_in.size());
  if (absl::Status st = CheckText(prefix, "prefix", 200); !st.ok()) return st;
  if (limit < 1 || limit > 50) {
    return absl::InvalidArgumentError(absl::StrCat("limit: ", limit, " is outside 1..50"));
  }
  std::string key = TextFolder::FoldJoined(prefix);
  if (key.empty()) return std::vector<Suggestion>();
  if (!prefix.empty() && (prefix.back() == ' ')) key += ' ';
  absl::ReaderMutexLock lock(&mu_);
  const State& st = *state_;
  // Short prefixes match too many entries to rank per call: their best 50
  // are computed once and kept until the next write.
  constexpr size_t kCachedPrefixBytes = 2;
  const bool cacheable = key.size() <= kCachedPrefixBytes;
  std::vector<Suggestion> best;
  if (cacheable) {
    absl::MutexLock cache_lock(&st.suggest_cache_mu);
    auto it = st.suggest_cache.find(key);
    if (it != st.suggest_cache.end()) best = it->second;
  }
  if (best.empty()) {
    constexpr int kMaxScan = 2000;
    std::vector<const SuggestEntry*> cands;
    int scanned = 0;
    for (auto it = st.suggest.lower_bound(key);
         it != st.suggest.end() && absl::StartsWith(it->first, key) &&
         (cacheable || scanned < kMaxScan);
         ++it, ++scanned) {
      cands.push_back(&it->second);
    }
    auto better = [](const SuggestEntry* a, const SuggestEntry* b) {
      if (a->count != b->count) return a->count > b->count;
      if (a->display.size() != b->display.size()) return a->display.size() < b->display.size();
      return a->display < b->display;
    };
    const size_t want = std::min<size_t>(cands.size(), 200);
    std::partial_sort(cands.begin(), cands.begin() + want, cands.end(), better);
    absl::flat_hash_set<absl::string_view> seen;
    for (size_t i = 0; i < want && best.size() < 50; ++i) {
      if (!seen.insert(cands[i]->display).second) continue;
      best.push_back({cands[i]->display, cands[i]->count});
    }
    if (cacheable) {
      absl::MutexLock cache_lock(&st.suggest_cache_mu);
      st.suggest_cache[key] = best;
    }
  }
  if (static_cast<int>(best.size()) > limit) best.resize(limit);
  return best;
}

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
  st.Collect(
      plan, s, [&](uint32_t d) { return st.meta[d].alive != 0; }, &total_weight, &matches);
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
