#ifndef SOFDIR_SERVER_SEARCH_SYNONYM_MAP_H_
#define SOFDIR_SERVER_SEARCH_SYNONYM_MAP_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/search/analyzer.h"

namespace sofdir::search {

// The query-time vocabulary: a thesaurus of concepts plus plain synonym
// lines, read from an administrator-edited UTF-8 file (data/thesaurus.txt;
// an older synonyms file of only such lines still loads, e.g.
// tests/search/testdata/legacy-synonyms.txt).
//
// File format, one statement per line; '#' starts a comment:
//
//   concept: misbrug                 starts a concept: its preferred term
//   alt: rusmiddelproblemer, afhængighed
//                                    alternative terms: equivalent to the
//                                    preferred term, both ways
//   abbr: ...                        abbreviations: a query for one finds the
//                                    concept; one way, so a short, ambiguous
//                                    letter string in a record does not make
//                                    the record match the concept
//   narrower: hashmisbrug, alkoholmisbrug
//                                    concepts narrower than this one
//   broader: ...                     concepts broader than this one
//
//   serviceloven, sel                plain synonym line: all equivalent
//   spc => socialpsykiatrisk center  plain one-way line: the left side also
//                                    finds the right side
//
// A field line ("alt:", "abbr:", "narrower:", "broader:") belongs to the
// nearest "concept:" line above it (a plain synonym line in between ends the
// concept) and may be repeated; a line is a field line when it starts with a
// word and a colon. A concept has one preferred term; lists are
// comma-separated, so a term cannot contain a comma.
//
// Terms are analysed with the index's Analyzer, so case, æ/ø/å spellings
// (ae/oe/aa), inflection, '§' and stop words inside a term do not matter:
// "Serviceloven § 107", "serviceloven 107" and "servicelovens §107" are one
// term. A narrower/broader entry names another concept by any of its
// preferred or alternative terms (or an abbreviation that belongs to one
// concept only); a name that is no concept's term makes a concept of its own
// with that preferred term, so leaves need no "concept:" block. "A narrower:
// B" and "B broader: A" say the same; either or both may be written.
//
// Meaning at query time (LongestMatch), for a span that is a term of
// concept C (preferred, alternative or abbreviation):
//   - kEquivalent: C's other preferred/alternative terms;
//   - kNarrower: the preferred/alternative terms of every concept below C,
//     through any number of narrower steps (a query for "misbrug" finds
//     records about hashmisbrug);
//   - kBroader: the preferred/alternative terms of C's direct broader
//     concepts only (a query for "hashmisbrug" may find general misbrug
//     records, but not everything further up).
// Abbreviations are never alternatives. A plain synonym line gives
// kEquivalent alternatives as before.
//
// Validation (Parse returns INVALID_ARGUMENT with "<file>:<line>: <what>",
// or "line <n>: <what>" when no file name is given, and nothing is loaded):
//   - syntax: an unknown field; a field line outside a concept (before any
//     "concept:" or after a plain line); a "concept:" line with more or
//     fewer than one term; "=>" in a field line; more than one "=>"; a plain
//     line with fewer than two terms or an empty side of "=>";
//   - an empty term (",," or a trailing comma) or a term made only of stop
//     words ("og");
//   - duplicates: a preferred term defined twice; the same term twice in
//     one concept (compared after analysis: "botilbud" = "Botilbuddet"); a
//     preferred or alternative term that belongs to two concepts (the
//     message names both lines). Such a term would make two different
//     concepts synonyms of each other; a genuinely ambiguous short form
//     belongs in "abbr:", which several concepts may share (e.g. "CRV" for
//     two centres): a query for it finds both;
//   - a narrower/broader entry that names an abbreviation shared by several
//     concepts (ambiguous reference);
//   - a cycle: a concept broader than itself through any chain of
//     narrower/broader entries; the message names the line of the entry that
//     closes the cycle and the chain ("misbrug > hashmisbrug > misbrug",
//     '>' read as "is broader than").
// Plain synonym lines are not checked for duplicates (old files repeat
// words across lines); their expansions are merged with the concepts'.
//
// Scoring (for the engine): an alternative's match should count
// ScoreFactor(relation) of the typed word's own match: kEquivalent (and an
// abbreviation's expansion, which is kEquivalent too) like today's synonyms,
// kNarrower below that, kBroader below kNarrower; `Match::steps` allows a
// further discount per step down a hierarchy.
//
// Thread-safe: immutable after Parse. The shipped thesaurus (about 1,900
// lines) parses in 10-25 ms, fine for a reload on SIGHUP.
class SynonymMap {
 public:
  // A phrase is a sequence of stems.
  using Phrase = std::vector<std::string>;

  // How an alternative relates to what the user typed.
  enum class Relation : uint8_t {
    kEquivalent,  // same concept (or a plain synonym line)
    kNarrower,    // the alternative is narrower than what the user typed
    kBroader,     // the alternative is broader than what the user typed
  };

  struct Match {
    size_t length = 0;                        // query stems covered; 0 = none
    std::vector<const Phrase*> alternatives;  // other phrases the span may be
    // Parallel to `alternatives` (same length): the relation of each; the
    // number of narrower/broader steps between the matched concept and the
    // alternative's concept (0 for kEquivalent, 1 for a direct narrower or
    // broader concept, 2 and more further down); and the preferred term, as
    // written in the file, of the concept the alternative belongs to
    // (nullptr for a plain synonym line), for explanations. Order: all
    // kEquivalent, then kNarrower by steps, then kBroader; a phrase appears
    // once, with its closest relation. A very broad concept can have a long
    // list (the shipped thesaurus: about a hundred phrases for "handicap" or
    // "behandling"); an engine that must bound its work can keep a prefix,
    // which holds the nearest concepts.
    std::vector<Relation> relations;
    std::vector<uint8_t> steps;
    std::vector<const std::string*> concepts;
  };

  // Suggested score factor of a match through an alternative, relative to
  // the typed word itself (1.0): kEquivalent 0.9 (what synonyms score
  // today), kNarrower 0.75 (a record about hashmisbrug answers a query for
  // misbrug, but less exactly), kBroader 0.3 (a general misbrug record for a
  // query about hashmisbrug is a weaker answer still).
  static float ScoreFactor(Relation relation);
  // "synonym", "narrower" or "broader", for explanations.
  static absl::string_view RelationName(Relation relation);

  // Counts for the server's log.
  struct Stats {
    size_t concepts = 0;       // incl. those made by a narrower/broader entry
    size_t terms = 0;          // preferred + alternative terms of concepts
    size_t abbreviations = 0;  // abbreviation entries of concepts
    size_t relations = 0;      // distinct narrower/broader pairs
    size_t synonym_lines = 0;  // plain synonym lines
  };

  SynonymMap() = default;

  // Parses file contents (format above). `source` names the file in error
  // messages; empty gives "line <n>: ...". Returns INVALID_ARGUMENT as
  // listed above.
  static absl::StatusOr<SynonymMap> Parse(absl::string_view contents, const Analyzer& analyzer,
                                          absl::string_view source = "");
  // Reads and parses a file; NOT_FOUND when it cannot be read, else as
  // Parse with the path as `source`.
  static absl::StatusOr<SynonymMap> Load(const std::string& path, const Analyzer& analyzer);

  // The longest term of the map that starts at stems[pos] and what it may
  // also be (see above); no match when pos is at or past the end.
  Match LongestMatch(const std::vector<std::string>& stems, size_t pos) const;

  // Calls fn(phrase) for each alternative that LongestMatch({stem}, 0) gives
  // as kEquivalent, in its order, without building the Match (a compound's
  // parts ask this of every part).
  template <typename Fn>
  void ForEachEquivalent(const std::string& stem, Fn&& fn) const {
    auto it = expansions_.find(stem);
    if (it == expansions_.end()) return;
    for (const Expansion& e : it->second) {
      if (e.relation == Relation::kEquivalent) fn(phrases_[e.phrase]);
    }
  }

  // Every phrase the map holds (each once, in no particular order).
  const std::vector<Phrase>& phrases() const { return phrases_; }

  // Number of distinct terms that expand to something.
  size_t size() const { return expansions_.size(); }
  const Stats& stats() const { return stats_; }

 private:
  struct Expansion {
    uint32_t phrase;
    Relation relation;
    uint8_t steps;
    uint32_t concept;  // index into labels_, or kNoConcept
  };
  static constexpr uint32_t kNoConcept = UINT32_MAX;
  friend class ThesaurusParser;

  std::vector<Phrase> phrases_;
  std::vector<std::string> labels_;  // preferred term of each concept, as written
  // Term key (stems joined by ' ') -> its alternatives, in Match order.
  absl::flat_hash_map<std::string, std::vector<Expansion>> expansions_;
  size_t max_length_ = 0;
  Stats stats_;
};

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_SYNONYM_MAP_H_
