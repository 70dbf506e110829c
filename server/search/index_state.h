#ifndef SOFDIR_SERVER_SEARCH_INDEX_STATE_H_
#define SOFDIR_SERVER_SEARCH_INDEX_STATE_H_

// Internal to server/search: the data of the in-memory index and the stages
// that build and read it. Only SearchIndex and its stage files include this;
// the public contract is search_index.h. Which stage lives in which file is
// told in README.md; each group of members below names its file.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/search/analyzer.h"
#include "server/search/doc_filter.h"
#include "server/search/filter_expression.h"
#include "server/search/phrase_joins.h"
#include "server/search/posting_list.h"
#include "server/search/scratch.h"
#include "server/search/query_rules.h"
#include "server/search/query_understanding.h"
#include "server/search/search_index.h"
#include "server/search/search_types.h"
#include "server/search/synonym_map.h"
#include "sof/directory/v1/records.pb.h"

namespace sofdir::search::internal {

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
// Target groups (whom a tilbud is for) and the service type (what it is) are
// the directory's controlled facts: they weigh like the name, so that
// "familiebehandling tosprogede" ranks offers FOR bilingual families above
// offers whose staff merely know the topic (topics) or mention it, and a
// service type typed ranks offers of that type above others naming it.
constexpr FieldSpec kFieldSpecs[kNumFields] = {
    {"name", 6.0f, 0.5f, 4},          {"alias", 5.0f, 0.3f, 2},
    {"expertise", 5.0f, 0.2f, 4},     {"topics", 3.0f, 0.2f, 4},
    {"target groups", 6.0f, 0.2f, 6}, {"type", 6.0f, 0.0f, 3},
    {"title", 4.0f, 0.0f, 2},         {"place", 2.0f, 0.0f, 3},
    {"unit", 2.0f, 0.0f, 3},          {"units above", 1.0f, 0.0f, 6},
    {"area", 1.5f, 0.0f, 2},          {"description", 1.0f, 0.75f, 50},
    {"details", 0.6f, 0.3f, 8},
};
constexpr uint16_t kNameFields = (1u << kName) | (1u << kAlias);
// The fields a record's labels (Doc::labels: topics, target groups, a
// person's expertise) are posted under, and only labels are.
constexpr uint16_t kLabelFields = (1u << kTopic) | (1u << kTarget) | (1u << kExpertise);

constexpr float kImpactScale = 1000.0f;
constexpr size_t kMaxTokenBytes = 48;

// A word found in several fields counts its best field fully and the others
// by kFieldOverlap, so repeating a word across fields does not outweigh one
// strong field (as BM25F saturates fields together).
constexpr float kFieldOverlap = 0.3f;
inline float Combine(float best, float rest) { return best + kFieldOverlap * rest; }

struct Term {
  std::string text;
  PostingList postings;      // impacts * kImpactScale, fields a bit per Field
  uint32_t occurrences = 0;  // in all text analysed so far
};

struct Surface {
  std::string text;
  uint32_t term = 0;
  uint32_t count = 0;
  bool stop = false;  // a stop word: never indexed
  // Occurrences spelled with æ, ø or å (or ae, oe, aa). A correction typed
  // with one of those letters lands freely only on a word mostly spelled so
  // (TypoAlts): "ældre" is no typo of "andre", though "ændre" folds alike.
  uint32_t danish_count = 0;
  bool danish() const { return 2 * danish_count >= count && count > 0; }
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
  // Its own terms posted under kLabelFields, ascending: next to the kind, so
  // that Expertise::Gather learns both from one cache line and a short list.
  std::vector<uint32_t> label_terms;
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
  int64_t verified = 0;              // Record.verified_time, unix seconds; 0 = never
  std::vector<int32_t> slot_starts;  // praktik: its slots' starts as YYYYMMDD, ascending
  std::vector<WeightedTerm> own;
  // Units: what records below them inherit.
  std::vector<uint32_t> name_terms, place_terms, area_terms, type_terms;
  std::vector<uint32_t> ctx_terms;  // inherited terms posted for this doc
};

struct SuggestEntry {
  std::string display;
  uint32_t count = 0;
};

// One way a query word can match: a term and what that is worth.
struct Alt {
  uint32_t term;
  float factor;
  const char* label;              // for explanations: "word", "typo of", "prefix of" ...
  uint32_t surface = UINT32_MAX;  // the corrected or completed word, if any
};
// A part has one alternative unless the word has typos or completions, and
// a clause one part unless it is a phrase or compound: both keep their first
// in place, as a query builds dozens of them (a concept's phrases).
struct Part {
  absl::InlinedVector<Alt, 1> alts;  // any of these
};
struct Clause {
  absl::InlinedVector<Part, 1> parts;  // all of these (a phrase or compound parts)
  float factor = 1.0f;
  std::string label;
  uint32_t join = PhraseJoins::kNone;  // docs holding every part, if joined
};
// A query word, or a span of words that a synonym covers.
struct Slot {
  std::string text;             // folded, for explanations
  std::string typed;            // as the user typed it (NFC), to name it back
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
  int age = -1;                         // an age the text names ("14 årig"), else -1
  // Preferences (SetPreferences): they change scores, never what matches.
  uint8_t kinds_preferred = 0;              // bit per Kind: SearchQuery::preferred_kinds
  std::vector<uint8_t> district_preferred;  // per value id; empty: no preferred district
  int age_lo = -1, age_hi = -1;             // preferred ages: SearchQuery's, else the text's
};

struct IndexState;
// What the plan's preferences (kind, district, age) make of doc `d`'s
// score, and one line per preference or kind word that changed it
// (scoring.cc).
float PreferenceFactor(const IndexState& st, const Plan& plan, uint32_t d);
std::vector<std::string> PreferenceLines(const IndexState& st, const Plan& plan, uint32_t d);
// What Collect's final score can multiply a doc's accumulated score by,
// unless the query is the doc's name: at most kind[k] for its kind k (all
// its words in its name), times its AgeDistrictFactor when per_doc, which
// is between least and most (scoring.cc).
struct FactorBounds {
  float kind[kNumKinds];
  bool per_doc;
  float least, most;
};
FactorBounds BoundFactors(const Plan& plan);
float AgeDistrictFactor(const IndexState& st, const Plan& plan, uint32_t d);

// INVALID_ARGUMENT naming `what` when `text` is longer than `max` bytes or
// not valid UTF-8 (search_index.cc).
absl::Status CheckText(absl::string_view text, absl::string_view what, size_t max);
// True when `word` (NFC) has æ, ø or å, or the spellings ae, oe or aa (record_analysis.cc).
bool SpelledDanish(absl::string_view word);
// Sets `*day` to "YYYY-MM-DD" `text` as YYYYMMDD; false when it is not such a date (facets.cc).
bool ParseDay(absl::string_view text, int32_t* day);

// The index: records as docs in slots, the vocabulary, posting lists and the
// suggestion keys. Not thread-safe: SearchIndex holds it under its mutex
// (writes exclusive, reads shared); only the suggest cache has its own lock.
struct IndexState {
  const Analyzer* analyzer = nullptr;
  // The stems of kKindWords[k], computed once by SetAnalyzer: MakePlan asks
  // of every query word whether it names a kind.
  std::array<std::vector<std::string>, kNumKinds> kind_stems;
  void SetAnalyzer(const Analyzer* a);

  std::vector<Doc> docs;
  std::vector<Meta> meta;             // parallel to docs
  std::vector<int64_t> verified;      // parallel to docs: Doc::verified, apart to keep Meta small
  std::vector<uint64_t> sort_prefix;  // parallel to docs: start of Doc::sort_key, for ties
  std::vector<uint32_t> free_slots;
  size_t live = 0;
  absl::flat_hash_map<std::string, uint32_t> slot_by_id;
  // Unit id -> slots that refer to it (children, tilbud, persons, praktik,
  // partners), whether or not the unit exists yet.
  absl::flat_hash_map<std::string, std::vector<uint32_t>> dependents;

  std::vector<Term> terms;
  absl::flat_hash_map<std::string, uint32_t> term_ids;
  PhraseJoins joins;  // the thesaurus's phrases; kept by Repost and Unpost
  std::vector<Surface> surfaces;
  absl::flat_hash_map<std::string, uint32_t> surface_ids;
  absl::btree_set<std::string> sorted_surfaces;
  // [length][first byte] -> surfaces, for typo candidates.
  std::vector<std::array<std::vector<uint32_t>, 256>> surfaces_by_shape;

  std::vector<std::string> values{""};
  std::vector<std::string> folded_values{""};
  absl::flat_hash_map<std::string, uint16_t> value_ids{{"", 0}};
  // Per facet (ValueUse), live docs per value id, kept by SetMeta: the
  // values a filter may name.
  enum ValueUse { kAreaUse, kDistrictUse, kLegalUse, kServiceUse, kNumValueUses };
  std::array<std::vector<uint32_t>, kNumValueUses> value_uses;
  // Docs with the same kind and the same effective area, district, service
  // type and legal basis share a facet class, so CountFacets counts the
  // matches it has not scored (often thousands, their Meta not in the
  // cache) by one class per doc, read from 4 bytes, not 16. Kept by SetMeta;
  // a class stays when its last doc goes (there are as many as distinct
  // combinations ever held).
  // Per class: kind, area, district, service type, legal basis.
  using FacetKey = std::array<uint16_t, 5>;
  std::vector<FacetKey> facet_classes;
  absl::flat_hash_map<FacetKey, uint32_t> facet_class_ids;
  std::vector<uint32_t> facet_class;  // parallel to docs

  absl::flat_hash_map<std::string, std::vector<uint32_t>> name_keys;
  absl::btree_map<std::string, SuggestEntry> suggest;
  // Best completions of very short prefixes; cleared by every write.
  mutable absl::Mutex suggest_cache_mu;
  mutable absl::flat_hash_map<std::string, std::vector<Suggestion>> suggest_cache
      ABSL_GUARDED_BY(suggest_cache_mu);
  // While set (bulk load), phrases are only counted here and keyed at the end.
  absl::flat_hash_map<std::string, uint32_t>* suggest_batch = nullptr;
  std::string unit_type_text_;  // set by Fill for units, read by Upsert/BulkLoad

  // ---- record analysis (record_analysis.cc)

  // Id of a stem / folded word / controlled value, added when new. Values
  // beyond 65535 distinct ones map to 0 ("").
  uint32_t InternTerm(const std::string& stem);
  uint32_t InternSurface(const std::string& text);
  uint16_t InternValue(const std::string& value);
  // True when `part` is a word of the index, for compound splitting.
  bool IsWord(absl::string_view part) const;
  // The parts `word` splits into against the index's words (Decompounder).
  std::vector<std::string> SplitCompound(absl::string_view word) const;
  // The term ids of surface `sid`'s compound parts, all levels, split once
  // and kept in the surface.
  const std::vector<uint32_t>& EnsureSplit(uint32_t sid, int depth = 0);
  // Counts `text`'s words as occurrences in `field` (digits skipped on
  // request), interning their surfaces.
  void AddText(absl::string_view text, Field field, Analysis* a, bool skip_digits = false);
  void AddAddress(const sof::directory::v1::Address& address, Doc* doc, Analysis* a);
  void SetGeo(const sof::directory::v1::GeoPoint& geo, Doc* doc);
  // Fills `doc` from `record` and analyses its own text. Returns false for a
  // record without kind or id.
  bool Fill(const sof::directory::v1::Record& record, Doc* doc, Analysis* a);
  // The distinct term ids of `text`, ascending.
  std::vector<uint32_t> TermsOf(absl::string_view text);
  // Keys under which a query equal to the doc's name or an alias finds it.
  std::vector<std::string> NameKeys(const Doc& d) const;
  std::string NameKey(absl::string_view text) const;
  // Turns the analysed occurrences into the doc's own weighted terms.
  void BuildOwnTerms(const Analysis& a, Doc* doc);

  // ---- the write path: postings, links, suggestions (index_writer.cc)

  // The live doc with this id, or nullptr.
  const Doc* LiveDoc(const std::string& id) const {
    if (id.empty()) return nullptr;
    auto it = slot_by_id.find(id);
    if (it == slot_by_id.end()) return nullptr;
    return &docs[it->second];
  }
  // Posts doc `slot` under its own and inherited terms and sets its Meta,
  // verified time and sort prefix.
  void Post(uint32_t slot);
  // Sets meta[slot], keeping value_uses and facet_class.
  void SetMeta(uint32_t slot, const Meta& m);
  // The terms doc `slot` has postings in, ascending.
  std::vector<uint32_t> PostedTerms(uint32_t slot) const;
  // Posts doc `slot` again after a change, given the terms it was posted
  // under before: postings of terms it keeps are replaced in place, and only
  // those of terms it lost are removed, so an update does not shift every
  // long posting list twice.
  void Repost(uint32_t slot, const std::vector<uint32_t>& before);
  // Removes all postings of doc `slot`.
  void Unpost(uint32_t slot);
  // Joins every multi-word phrase of `synonyms` whose words the index holds.
  void JoinPhrases(const SynonymMap& synonyms);
  // Adds / drops doc `slot`'s links to its units, name keys and suggestions.
  void Register(uint32_t slot);
  void Unregister(uint32_t slot);
  // Re-posts everything that inherits from unit `id`, recursively.
  void RefreshDependents(const std::string& id, absl::flat_hash_set<uint32_t>* seen);
  void ClearSuggestCache();
  // Counts `display` as a completion `delta` times more (or fewer); during
  // a bulk load only in suggest_batch.
  void SuggestPhrase(const std::string& display, int delta);
  void SuggestKeys(const std::string& display, int delta);
  void SuggestAll(const Doc& d, int delta);
  // SearchIndex::Upsert, Remove and BulkLoad on the state (contracts in
  // search_index.h); BulkLoad expects an empty state.
  absl::Status Upsert(const sof::directory::v1::Record& record);
  absl::Status Remove(absl::string_view id);
  absl::Status BulkLoad(const std::vector<sof::directory::v1::Record>& records);

  // ---- query plan and expansion (query_plan.cc)

  // BM25 idf of `term` among the live docs. Inline: read per alternative in
  // the scoring loops.
  float Idf(uint32_t term) const {
    const float n = static_cast<float>(std::max<size_t>(live, 1));
    const float df = static_cast<float>(terms[term].postings.size());
    return std::log(1.0f + (n - df + 0.5f) / (df + 0.5f));
  }
  // Corrections of `word` within its typo budget (by its folded length),
  // best first; the best corrected word goes to `*best`. A word typed with
  // æ, ø or å (`typed_danish`) spends one edit on a word mostly spelled
  // without. Stop words are never a correction.
  std::vector<Alt> TypoAlts(const std::string& word, bool typed_danish, uint32_t exclude,
                            std::string* best) const;
  // Completions of `word` (3+ bytes), most common first; no stop words.
  std::vector<Alt> PrefixAlts(const std::string& word, uint32_t exclude) const;
  // Clause of the compound parts of `word`, if it splits.
  // With `synonyms`, a part also matches its one-word synonyms, so that
  // "misbrugskonsulent" finds "rusmiddelkonsulent" when misbrug = rusmiddel.
  bool CompoundClause(absl::string_view word, float factor, Clause* clause,
                      const SynonymMap* synonyms = nullptr) const;
  // The ways query word `w` (as typed: `typed`) matches: itself, typos
  // when rare, its person-noun `bases` (Analyzer::DerivedBases) that the
  // index holds, completions with `prefix`. To `extra` go the compound clause
  // of its best correction and, when the word is no term of the index, the
  // correction's one-word synonyms, or with no correction its compound
  // parts with a typo in one (CompoundTypoClause).
  Part WordPart(const AnalyzedToken& w, absl::string_view typed, bool prefix,
                const SynonymMap& synonyms, const std::vector<std::string>& bases,
                std::vector<Clause>* extra) const;
  // Clause of `word`, which does not split as typed, split into a word of
  // the index and a rest that is one within its typo budget
  // ("alkoholbehanling": alkohol + behandling).
  bool CompoundTypoClause(const std::string& word, Clause* clause) const;
  // Lowers the factor of each synonym, narrower or broader alternative and
  // derived base in `slot` that is rarer than the typed word (idf above
  // `typed_weight`), so that it weighs at most what the typed word weighs.
  void CapAlternatives(float typed_weight, Slot* slot) const;
  // The plan of query text `typed`: one slot per word or synonym span, with
  // its clauses and weight, the kinds named, the typed age, the name key.
  Plan MakePlan(absl::string_view typed, bool allow_prefix, const SynonymMap& synonyms) const;
  // Sets plan->terms to every term its slots may match.
  static void SetTerms(Plan* plan);
  // Sets the plan's preferences from `query` (preferred kinds, districts
  // and ages). INVALID_ARGUMENT names an unknown kind or district or a bad
  // age range.
  absl::Status SetPreferences(const SearchQuery& query, Plan* plan) const;
  // Leaves out of `plan` the words that no record matches even though each
  // of their compound parts (or phrase words) exists: no record holds the
  // parts together. Like a word no record has, such a word does not count
  // (and is named in `unmatched`), so that "misbrugskonsulent vesterbro"
  // still finds what is on Vesterbro. Returns whether any was left out.
  bool DropUnmatchedSlots(Plan* plan, Scratch& s, std::vector<std::string>* unmatched) const;

  // ---- posting evaluation (posting_eval.cc)

  // Adds the slot's best match of every doc `at` takes to its accumulators
  // (At is AllDocs or Candidates; defined and used in posting_eval.cc only).
  // `all_hold`: every candidate holds the slot (it was read into the
  // candidates' bitmap), so none needs to be listed as touched.
  template <typename At>
  void ScoreSlot(const Slot& slot, Scratch& s, At at, bool all_hold = false) const;
  // Sets s.part_docs (ascending), s.part_index (their indexes for `at`) and
  // s.part_sum to the docs `at` takes that hold every part of `clause` (a
  // phrase or compound parts), and their scores.
  template <typename At>
  void ScoreClauseParts(const Clause& clause, Scratch& s, At at) const;
  // A joined clause's scores, each offered to `offer(index, score, 0)`
  // (posting_eval.cc).
  template <typename At, typename Offer>
  void ScoreJoined(const Clause& clause, Scratch& s, At at, Offer&& offer) const;
  // What an impact of `alt` is worth as a part of a clause (the clause's
  // factor and norm are applied to the parts' sum).
  float PartAltWeight(const Alt& alt) const { return Idf(alt.term) * alt.factor / kImpactScale; }
  // Sets (*best)[k] to the best match of `part` (any of its alternatives) in
  // doc s.part_docs[k], or 0.
  void PartBestOf(const Part& part, Scratch& s, std::vector<float>* best) const;
  // Sorts doc ids ascending through a bitmap: linear, unlike std::sort.
  void SortDocs(std::vector<uint32_t>* ids, Scratch& s) const;
  // Scores every doc that can reach `min_coverage` of the query's weight
  // into s.acc (s.touched); s.compact is false after.
  void Evaluate(const Plan& plan, Scratch& s, float min_coverage) const;
  // Sets s.clause_bits to the docs of s.all_bits that hold every part of
  // `clause` (a phrase or compound parts).
  void ClauseBits(const Clause& clause, Scratch& s) const;
  // Work to set a bit for each doc of the slot.
  size_t BitsCost(const Slot& slot, size_t words) const;
  // Scores the docs that match every slot of `plan` and pass `filter`
  // into s.cacc (s.candidates); s.compact is true after.
  void EvaluateAll(const Plan& plan, Scratch& s, const DocFilter& filter, size_t top = 0) const;
  // EvaluateAll's last step: scores the docs of s.candidate_bits on every
  // slot of s.slot_order (the first s.slots_read hold them all), dropping
  // those that lack one of the others.
  void ScoreCandidates(const Plan& plan, Scratch& s) const;

  // ---- scoring and collection (scoring.cc)

  // Scores the docs that match `plan` and pass `filter`, like Typesense's
  // drop_tokens_threshold: records with all the words first; only when they
  // are few, also records with most of them. Sets `out` to (score, doc)
  // pairs and `*total_weight` to the weight a doc covers at most.
  // With `top` > 0, only the best `top` need their exact scores: matches
  // that cannot reach them may be left out of `out` and listed in
  // s.unscored instead (DeferWeak); they still count in the total and the
  // facets.
  void Collect(const Plan& plan, Scratch& s, const DocFilter& filter, float* total_weight,
               std::vector<std::pair<float, uint32_t>>* out, size_t top = 0) const;

  // ---- deferring weak matches (deferred.cc)

  // The highest score `clause` can give a doc (its weights times its terms'
  // highest impacts).
  float ClauseBound(const Clause& clause) const;
  // Called by EvaluateAll once s.candidate_bits holds every match: when many
  // of them hold some slot only through a weak clause (one bounded by half
  // the slot's best), moves those to s.deferred_bits and sets s.deferred,
  // so that only the rest are scored. `order`: the plan's required slots.
  void DeferWeak(const Plan& plan, const std::vector<size_t>& order, size_t top, Scratch& s) const;
  // After the other matches are scored into `matches`: moves to s.unscored
  // the deferred docs that cannot score as high as the `top`-th best match
  // (by their slots' bounds and their own kind, district and age factors)
  // and leaves the others in s.candidate_bits, to be scored; returns how
  // many those are.
  size_t SettleDeferred(const Plan& plan, size_t top,
                        const std::vector<std::pair<float, uint32_t>>& matches, Scratch& s) const;
  // Collect's step after EvaluateAll: appends the candidates that cover
  // `min_weight` and are live, with their final scores, to `out`.
  void CollectCandidates(const Plan& plan, const Scratch& s, float min_weight, float total_weight,
                         size_t matchable, std::vector<std::pair<float, uint32_t>>* out) const;
  // The accumulator of doc `d` after EvaluateAll or Evaluate, or nullptr
  // when the doc was not scored.
  static Acc* AccOf(Scratch& s, uint32_t d) {
    if (!s.compact) return &s.acc[d];
    if (s.cacc.empty() || (d >> 6) >= s.candidate_bits.size() || !Candidates{s}.In(d)) {
      return nullptr;
    }
    return &s.cacc[Candidates{s}.Index(d)];
  }
  // Why doc `d` scored as it did: a line per query word, then coverage and
  // boosts. `s` as Collect left it.
  std::vector<std::string> Explain(const Plan& plan, Scratch& s, uint32_t d,
                                   float total_weight) const;

  // ---- filters and facets (facets.cc)

  // Sets `*filter` to `query`'s filters resolved against the index's values;
  // `expression` (not owned) must outlive it. INVALID_ARGUMENT when an
  // area, district, legal basis or service type names no value the index
  // holds for that field (listing the ones it holds), or for a slot date
  // that is not YYYY-MM-DD.
  absl::Status MakeFilter(const SearchQuery& query, uint8_t kind_mask,
                          const FilterExpression* expression, DocFilter* filter) const;
  // INVALID_ARGUMENT for `field` naming `value`, listing the values held
  // for `use` (facets.cc).
  absl::Status UnknownValue(absl::string_view field, absl::string_view value, ValueUse use) const;
  // Value ids whose folded text equals `value`'s and that `use` holds.
  std::vector<uint16_t> ValueIds(absl::string_view value, ValueUse use) const;
  // The legal bases records cite with paragraph `number` ("Barnets Lov §
  // 32"), as written in the records.
  std::vector<std::string> HeldLegalBases(int number) const;
  // True when praktik doc `d` has a slot starting in the filter's window.
  bool HasSlotIn(const DocFilter& filter, uint32_t d) const;
  // True when doc `d` is live and passes `filter`. Inline: read per
  // candidate by Collect.
  bool Passes(const DocFilter& filter, uint32_t d) const {
    const Meta& m = meta[d];
    if (!m.alive || !(filter.kind_mask & (1u << m.kind))) return false;
    if (!filter.area_ok.empty() && !filter.area_ok[m.area]) return false;
    if (!filter.district_ok.empty() && !filter.district_ok[m.district]) return false;
    if (!filter.legal_ok.empty() && !filter.legal_ok[m.legal_basis]) return false;
    if (!filter.service_ok.empty() && !filter.service_ok[m.service_type]) return false;
    if (filter.age && (m.age_min < 0 || m.age_min > *filter.age || m.age_max < *filter.age)) {
      return false;
    }
    if (filter.only_free && m.free_places <= 0) return false;
    if (filter.verified_since && verified[d] < *filter.verified_since) return false;
    if (filter.slot_window && m.kind == static_cast<uint8_t>(Kind::kPraktik) &&
        !HasSlotIn(filter, d)) {
      return false;
    }
    return filter.expression == nullptr || filter.expression->empty() ||
           filter.expression->Matches(Values(docs[d]));
  }
  // What the filter expression sees of `d` (views into the state).
  FilterValues Values(const Doc& d) const;
  // Sets `*facets` (SearchResult::facets) to the number of `matches` and of
  // the docs with a bit in `unscored` per kind, area, district, service type
  // and legal basis (values held by none left out). Districts in `shown`
  // (preferred or filtered) are listed even at 0.
  void CountFacets(const std::vector<std::pair<float, uint32_t>>& matches,
                   const std::vector<uint64_t>& unscored, Scratch& s,
                   std::vector<std::pair<std::string, FacetCounts>>* facets,
                   const std::vector<uint16_t>& shown = {}) const;

  // ---- snippets and highlighting (snippets.cc)

  // True when the folded word `surface` is no stop word and matches one of
  // `want` through its stem or a compound part.
  bool TokenMatches(const std::string& surface, const absl::flat_hash_set<uint32_t>& want) const;
  // A passage of `text` around its first matched word, or "" if none; in
  // NFC, since that is the text the tokens' byte ranges refer to.
  // `needles`, when given, are the texts of every term of `want` that the
  // text's words hold (as stem or compound part): a word that contains none
  // of them cannot match and is not looked up. A stem is a prefix of its
  // word and a part's stem a piece of it (the Danish stemmer only strips
  // endings, the decompounder only cuts), so this changes no answer.
  std::string Highlight(absl::string_view stored, const absl::flat_hash_set<uint32_t>& want,
                        const std::vector<absl::string_view>* needles = nullptr) const;
  // The texts of the terms of `plan` that doc `slot`'s description holds
  // (none: no word of the plan occurs there), into `needles`.
  void MatchedDescriptionTerms(uint32_t slot, const Plan& plan,
                               std::vector<absl::string_view>* needles) const;
  // The best passage of doc `slot` for `plan` (description, labels, title,
  // name in that order), or "".
  std::string Snippet(uint32_t slot, const Plan& plan) const;
};

}  // namespace sofdir::search::internal

namespace sofdir::search {

// SearchIndex's private parts: the index is the state above.
struct SearchIndex::State : internal::IndexState {};

struct SearchIndex::Vocabulary {
  std::string synonyms_path;
  SynonymMap synonyms;
  std::string query_rules_path;
  // Present when a query rules file was loaded; `understanding` reads with it.
  std::unique_ptr<QueryRules> rules;
  std::unique_ptr<QueryUnderstanding> understanding;
};

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_INDEX_STATE_H_
