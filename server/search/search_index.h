#ifndef SOFDIR_SERVER_SEARCH_SEARCH_INDEX_H_
#define SOFDIR_SERVER_SEARCH_SEARCH_INDEX_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/search/analyzer.h"
#include "server/search/search_types.h"
#include "server/search/synonym_map.h"
#include "sof/directory/v1/records.pb.h"

namespace sofdir::search {

// The in-memory search engine over all directory records: ranked Danish
// full-text search with filters and facets, who-knows-what, and name
// completion. It holds no durable state: the owner keeps it equal to the
// store by calling Upsert/Remove right after each durable write and
// BulkLoad at start-up.
//
// Matching (index and query alike): TextFolder folding (case, accents,
// æ/ø/å = ae/oe/aa), Snowball Danish stems, compound parts
// ("misbrugsbehandling" ~ "behandling af misbrug"). Query side only: synonyms
// from the synonyms file, typo tolerance by word length (none below 5
// letters, 1 up to 8, 2 beyond; first letter must match), prefix matching of
// the last word.
//
// Records are also found through their context: a person, tilbud or praktik
// carries its unit's name and aliases, the names of the units above it, and
// (when it has no address of its own) the unit's district; a partner
// carries its related units. Renaming or moving a unit refreshes everything
// below it.
//
// Matching: a record matches when it contains every query word (a word
// matches through its stem, compound parts, synonyms, typo corrections or,
// for the last word, completions). When fewer than 50 records match that
// way, records holding at least half of the query's idf-weighted words match
// too (as Typesense's drop_tokens_threshold). `total` and facets count the
// matching records.
//
// Ranking: per field BM25 (name and aliases > stated expertise > topics,
// target groups, service type, legal basis > context > description; a word
// in several fields counts its best field fully, the others by 0.3) times the
// idf-weighted share of the query words matched, squared; exact words score
// above compound parts, synonyms, prefixes and typos; a query equal to a
// record's name or alias ranks that record first; "hvem ..." favours
// persons; units and praktik offers rank a little below what they contain
// unless the query names their kind. Preferences (SearchQuery's preferred
// kinds, districts and ages) multiply scores, never change what matches;
// an expertise question ranks persons and units by their evidence (as
// WhoKnows) above the rest. Filters never change scores.
//
// Thread-safe: any number of concurrent Search/Suggest/WhoKnows calls; writes
// (Upsert, Remove, BulkLoad) are exclusive.
class SearchIndex {
 public:
  static constexpr size_t kMaxQueryBytes = 1024;
  static constexpr int kMaxLimit = 100;

  struct Options {
    // Synonyms file (see SynonymMap); empty means no synonyms.
    std::string synonyms_path;
    // Stop words file (see Analyzer::Create); empty means the built-in list.
    std::string stopwords_path;
    // Query rules file (see QueryRules); empty means no query understanding.
    std::string query_rules_path;
  };

  // Returns NOT_FOUND when a configured file cannot be read and
  // INVALID_ARGUMENT when the synonyms file is malformed.
  static absl::StatusOr<std::unique_ptr<SearchIndex>> Create(const Options& options);

  // What the query-time vocabulary holds, for the server's log.
  struct VocabularyInfo {
    std::string synonyms_path;
    size_t synonym_entries = 0;
    std::string query_rules_path;
    size_t query_rule_entries = 0;
  };
  VocabularyInfo vocabulary() const;

  // Re-reads the synonyms (thesaurus) and query rules files named in
  // `options` (stopwords_path is ignored) and swaps them in atomically:
  // searches running keep the vocabulary they started with. On any error
  // (NOT_FOUND, INVALID_ARGUMENT naming file and line) the old vocabulary
  // stays in use.
  absl::Status ReloadVocabulary(const Options& options);

  ~SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  // Replaces the whole index with `records` (e.g. all records at start-up).
  // Records may come in any order; references to records that are missing
  // are ignored until they arrive. Returns INVALID_ARGUMENT (and leaves the
  // index as it was) when a record has no kind or no id. The new index is
  // built aside while searches go on, then swapped in: the caller must not
  // run Upsert or Remove meanwhile (they would be lost).
  absl::Status BulkLoad(const std::vector<sof::directory::v1::Record>& records);

  // Adds or replaces the record with the same id. Records that inherit from
  // it (everything below a unit) are refreshed. Returns INVALID_ARGUMENT when
  // the record has no kind or no id.
  absl::Status Upsert(const sof::directory::v1::Record& record);

  // Removes the record with this id; returns NOT_FOUND if there is none.
  absl::Status Remove(std::string_view id);

  // Ranked search. Returns INVALID_ARGUMENT naming the problem for text
  // longer than kMaxQueryBytes or not valid UTF-8, an unknown kind (also in
  // preferred_kinds), limit outside 1..kMaxLimit, negative offset, a
  // malformed filter, an area, district (also in districts and
  // preferred_districts), legal basis or service type that the index holds
  // for no record (the message lists those it holds), a slot date that is
  // not YYYY-MM-DD or a window that ends before it starts, or preferred ages
  // outside 0..120 or reversed. A text of only stop words or punctuation
  // returns an empty result (total 0); an empty text lists the matching
  // records by name, preferred ones first.
  absl::StatusOr<SearchResult> Search(const SearchQuery& query) const;

  // Up to `limit` (1..50) completions of `prefix` (names, aliases, topics,
  // target groups, service types, districts), most common first; a prefix
  // may match any word of a completion. INVALID_ARGUMENT for bad UTF-8, a
  // prefix longer than 200 bytes, or a bad limit; an empty prefix gives none.
  absl::StatusOr<std::vector<Suggestion>> Suggest(std::string_view prefix, int limit) const;

  // Persons and units that know `topic`, best first, with evidence (stated
  // expertise, the unit's knowledge, tilbud and praktik they run or are the
  // contact for) and how to reach them. Errors as for Search; limit 1..100.
  absl::StatusOr<WhoKnowsResult> WhoKnows(std::string_view topic, int limit) const;

  // Number of records in the index.
  size_t size() const;

 private:
  struct State;

  // Everything a query is read with, besides the analyzer; immutable, so a
  // search holds a shared_ptr to the one it started with.
  struct Vocabulary;
  static absl::StatusOr<std::shared_ptr<const Vocabulary>> LoadVocabulary(const Options& options,
                                                                          const Analyzer& analyzer);
  std::shared_ptr<const Vocabulary> CurrentVocabulary() const;
  // Search after query understanding (or without it): `query` as it is.
  absl::StatusOr<SearchResult> SearchAsUnderstood(const SearchQuery& query,
                                                  const Vocabulary& vocabulary) const;

  SearchIndex(std::unique_ptr<Analyzer> analyzer, std::shared_ptr<const Vocabulary> vocabulary);

  const std::unique_ptr<Analyzer> analyzer_;
  mutable absl::Mutex vocabulary_mu_;
  std::shared_ptr<const Vocabulary> vocabulary_ ABSL_GUARDED_BY(vocabulary_mu_);
  mutable absl::Mutex mu_;
  std::unique_ptr<State> state_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_SEARCH_INDEX_H_
