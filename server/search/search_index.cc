#include "server/search/search_index.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/echo.h"
#include "server/search/expertise.h"
#include "server/search/filter_expression.h"
#include "server/search/geo.h"
#include "server/search/index_state.h"
#include "server/search/text_folder.h"

// The public API: a search's path through the stages is told in README.md;
// the stages are members of internal::IndexState (index_state.h).

namespace sofdir::search {

namespace internal {

Scratch& LocalScratch() {
  thread_local Scratch scratch;
  return scratch;
}

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

}  // namespace internal

namespace {

using internal::CheckText;
using internal::Doc;
using internal::DocFilter;
using internal::Expertise;
using internal::Kind;
using internal::kKindNames;
using internal::kNumKinds;
using internal::LocalScratch;
using internal::Plan;
using internal::Scratch;
using internal::Slot;
using internal::SuggestEntry;
using ::sof::directory::v1::Record;

std::optional<Kind> ParseKind(absl::string_view name) {
  const std::string lower = absl::AsciiStrToLower(name);
  for (int k = 0; k < kNumKinds; ++k) {
    if (lower == kKindNames[k]) return static_cast<Kind>(k);
  }
  return std::nullopt;
}

}  // namespace

SearchIndex::SearchIndex(std::unique_ptr<Analyzer> analyzer,
                         std::shared_ptr<const Vocabulary> vocabulary)
    : analyzer_(std::move(analyzer)),
      vocabulary_(std::move(vocabulary)),
      state_(std::make_unique<State>()) {
  state_->SetAnalyzer(analyzer_.get());
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
  if (!options.query_rules_path.empty()) {
    auto rules = QueryRules::Load(options.query_rules_path);
    if (!rules.ok()) return rules.status();
    vocabulary->rules = std::make_unique<QueryRules>(std::move(*rules));
    vocabulary->understanding = std::make_unique<QueryUnderstanding>(*vocabulary->rules, &analyzer);
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
  return std::unique_ptr<SearchIndex>(
      new SearchIndex(std::move(*analyzer), std::move(*vocabulary)));
}

SearchIndex::VocabularyInfo SearchIndex::vocabulary() const {
  std::shared_ptr<const Vocabulary> v = CurrentVocabulary();
  VocabularyInfo info;
  info.synonyms_path = v->synonyms_path;
  info.synonym_entries = v->synonyms.size();
  info.query_rules_path = v->query_rules_path;
  info.query_rule_entries = v->rules != nullptr ? v->rules->size() : 0;
  return info;
}

absl::Status SearchIndex::ReloadVocabulary(const Options& options) {
  auto vocabulary = LoadVocabulary(options, *analyzer_);
  if (!vocabulary.ok()) return vocabulary.status();
  std::shared_ptr<const Vocabulary> loaded = std::move(*vocabulary);
  {
    absl::MutexLock lock(&vocabulary_mu_);
    vocabulary_ = loaded;
  }
  // A search meanwhile may find a phrase not yet joined: it then
  // intersects the phrase's words, as it would without joins.
  absl::MutexLock lock(&mu_);
  state_->JoinPhrases(loaded->synonyms);
  return absl::OkStatus();
}

absl::Status SearchIndex::BulkLoad(const std::vector<Record>& records) {
  // Built aside, so searches go on meanwhile; swapped in whole.
  auto state = std::make_unique<State>();
  state->SetAnalyzer(analyzer_.get());
  if (absl::Status status = state->BulkLoad(records); !status.ok()) return status;
  state->JoinPhrases(CurrentVocabulary()->synonyms);
  {
    absl::MutexLock lock(&mu_);
    state_.swap(state);
  }
  return absl::OkStatus();  // the old state is freed here, outside the lock
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

absl::StatusOr<SearchResult> SearchIndex::Search(const SearchQuery& request) const {
  if (absl::Status st = CheckText(request.text, "text", kMaxQueryBytes); !st.ok()) return st;
  const std::shared_ptr<const Vocabulary> vocabulary = CurrentVocabulary();
  if (!request.interpret || vocabulary->understanding == nullptr) {
    return SearchAsUnderstood(request, *vocabulary);
  }
  // A paragraph typed without its law is read as the law the records cite
  // with that number.
  auto held = [this](int paragraph) {
    absl::ReaderMutexLock lock(&mu_);
    return state_->HeldLegalBases(paragraph);
  };
  absl::StatusOr<UnderstoodQuery> understood = vocabulary->understanding->Understand(request, held);
  if (!understood.ok()) return understood.status();
  // A place typed in a district the index holds no record in ("1439",
  // Christianshavn, in a directory without it) prefers nothing there; it
  // is no error of the user's, as the request's own preferred_districts is.
  std::vector<std::string>& preferred = understood->query.preferred_districts;
  {
    absl::ReaderMutexLock lock(&mu_);
    preferred.erase(std::remove_if(preferred.begin(), preferred.end(),
                                   [&](const std::string& d) {
                                     return !absl::c_linear_search(request.preferred_districts,
                                                                   d) &&
                                            state_->ValueIds(d, State::kDistrictUse).empty();
                                   }),
                    preferred.end());
  }
  absl::StatusOr<SearchResult> result = SearchAsUnderstood(understood->query, *vocabulary);
  if (result.ok()) result->interpretation = std::move(understood->steps);
  return result;
}

absl::StatusOr<SearchResult> SearchIndex::SearchAsUnderstood(const SearchQuery& query,
                                                             const Vocabulary& vocabulary) const {
  // The text was checked by Search; understanding may only shorten it or
  // respell a legal basis.
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
       {&query.area, &query.district, &query.legal_basis, &query.service_type, &query.filter,
        &query.slot_from, &query.slot_to}) {
    if (absl::Status st = CheckText(*field, "filter", 4096); !st.ok()) return st;
  }
  for (const std::vector<std::string>* list :
       {&query.districts, &query.preferred_districts, &query.preferred_kinds}) {
    if (list->size() > 64) return absl::InvalidArgumentError("filter: at most 64 values per list");
    for (const std::string& value : *list) {
      if (absl::Status st = CheckText(value, "filter", 4096); !st.ok()) return st;
    }
  }
  auto expression = FilterExpression::Parse(query.filter);
  if (!expression.ok()) return expression.status();

  absl::ReaderMutexLock lock(&mu_);
  const State& st = *state_;
  DocFilter filter;
  if (absl::Status status = st.MakeFilter(query, kind_mask, &*expression, &filter); !status.ok()) {
    return status;
  }

  SearchResult result;
  // An expertise question reads its words whole, as WhoKnows does.
  Plan plan = st.MakePlan(query.text, /*allow_prefix=*/!query.expertise && !query.last_word_whole,
                          vocabulary.synonyms);
  if (absl::Status status = st.SetPreferences(query, &plan); !status.ok()) return status;
  const bool list_all = plan.slots.empty() && absl::StripAsciiWhitespace(query.text).empty();
  if (plan.slots.empty() && !list_all) return result;  // only stop words / punctuation
  for (const Slot& slot : plan.slots) {
    if (slot.clauses.empty() && !slot.optional) result.unmatched_words.push_back(slot.typed);
  }

  Scratch& s = LocalScratch();
  std::vector<std::pair<float, uint32_t>>& matches = s.matches;
  s.ClearUnscored();  // matches that Collect counted but did not score
  // Collect needs exact scores for the page only; distances (--near) and
  // evidence (expertise) rescore every match, and --explain reads the
  // scores of all.
  const size_t top = query.near || query.expertise || query.explain
                         ? 0
                         : static_cast<size_t>(query.offset) + static_cast<size_t>(query.limit);
  float total_weight = 0;
  internal::EvidenceMap evidence;
  if (list_all) {
    // Listed by name; preferred kinds, districts and ages first.
    const bool prefer =
        plan.kinds_preferred != 0 || !plan.district_preferred.empty() || plan.age_lo >= 0;
    matches.clear();
    for (uint32_t d = 0; d < st.meta.size(); ++d) {
      if (st.Passes(filter, d)) {
        matches.push_back({prefer ? internal::PreferenceFactor(st, plan, d) : 0.0f, d});
      }
    }
  } else {
    if (query.expertise && filter.KeepsAll()) {
      evidence = Expertise::Gather(st, plan, s, query.explain, &matches,
                                   &total_weight);  // one search for both
    } else {
      if (query.expertise) evidence = Expertise::Gather(st, plan, s, query.explain);
      st.Collect(plan, s, filter, &total_weight, &matches, top);
    }
    if (matches.empty() && evidence.empty() &&
        st.DropUnmatchedSlots(&plan, s, &result.unmatched_words)) {
      st.Collect(plan, s, filter, &total_weight, &matches, top);
    }
    if (!evidence.empty()) Expertise::RankFirst(st, plan, filter, evidence, s, &matches);
  }
  if (query.near) {
    for (auto& [score, d] : matches) {
      const Doc& doc = st.docs[d];
      const double km =
          doc.eff_geo ? Geo::DistanceKm(*query.near, {doc.eff_lat, doc.eff_lon}) : 50.0;
      score = list_all ? static_cast<float>(-km) : static_cast<float>(score / (1.0 + km / 2.0));
    }
  }
  result.total = matches.size() + s.num_unscored;
  result.scored = matches.size();
  // The districts asked for stay in the facet, even at 0.
  std::vector<uint16_t> shown;
  for (size_t v = 0; v < plan.district_preferred.size(); ++v) {
    if (plan.district_preferred[v]) shown.push_back(static_cast<uint16_t>(v));
  }
  std::vector<std::string> asked = query.districts;
  asked.push_back(query.district);
  for (const std::string& district : asked) {
    for (uint16_t v : st.ValueIds(district, State::kDistrictUse)) shown.push_back(v);
  }
  st.CountFacets(matches, s.unscored, s, &result.facets, shown);
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
  if (want > static_cast<size_t>(query.offset)) result.hits.reserve(want - query.offset);
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
      if (auto e = evidence.find(d); e != evidence.end()) {
        hit.explanation.push_back(
            absl::StrCat("belæg: ", absl::StrJoin(Expertise::Strongest(e->second, 3), "; ")));
      }
    } else if (query.explain) {
      hit.explanation = internal::PreferenceLines(st, plan, d);
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

}  // namespace sofdir::search
