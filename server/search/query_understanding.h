#ifndef SOFDIR_SERVER_SEARCH_QUERY_UNDERSTANDING_H_
#define SOFDIR_SERVER_SEARCH_QUERY_UNDERSTANDING_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/search/analyzer.h"
#include "server/search/query_rules.h"
#include "server/search/search_types.h"

namespace sofdir::search {

// A request as query understanding rewrote it, and what it did.
struct UnderstoodQuery {
  SearchQuery query;
  // In the order of the words they took; a "district" step (the request's
  // district filter) comes first and a "missing" step last.
  std::vector<InterpretationStep> steps;
};

// The step before retrieval that reads what caseworkers type (QueryRules,
// data/query-rules.txt) and turns it into preferences, filters and
// canonical spellings. A pure function of the request, the rules and the
// date.
//
// What it sets in the returned SearchQuery (all else is copied unchanged):
//   text                 the words it took removed (words of rules flagged
//                        (keep) stay); a legal basis is rewritten in place to
//                        the data's spelling ("serviceloven 107" ->
//                        "SEL § 107") and stays searched as text. When
//                        nothing was taken the text is returned byte for
//                        byte; otherwise the remaining pieces are joined
//                        by single spaces.
//   preferred_kinds      kind words ("praktik", "kollega": person and unit,
//                        "afdeling": unit, ...), question frames that name a
//                        kind, expertise frames (person, unit) and dates
//                        (praktik). Added to what the caller set, no repeats.
//                        Kinds outside a request `kinds` filter are left out
//                        with a "conflict" step.
//   expertise            true for "hvem ...", "hvem ved om X", "erfaring med
//                        X"...: the remaining text is the topic.
//   only_free            true for "ledig plads", "kan starte nu", ...
//   slot_from, slot_to   "YYYY-MM-DD" from months ("i oktober" = the next
//                        October, this month counting, from today on), weeks
//                        ("uge 12" = ISO week 12 of its next occurrence),
//                        day + month, relative dates ("inden jul", "i næste
//                        måned"); several are joined into the span of all.
//                        Counted from SearchQuery::today, or Copenhagen's
//                        date when it is empty.
//   preferred_ages       [low, high] from age words ("8-årig", "småbørn",
//                        "over 65"); several: the span of all.
//   preferred_districts  districts of the places named ("Valby Langgade",
//                        "2500", "Amager" -> Amager Øst, Amager Vest).
//   district, districts  a request `district` that is no district but a
//                        place the rules know ("Amager", "Sydhavnen",
//                        "2500") is moved to `districts`, expanded (kept to
//                        those already in `districts` when the caller set
//                        both), with a "district" step; `district` is then
//                        empty.
// Request filters win over the text: a text kind outside `kinds`, a text
// place when `district`/`districts` is set, a text age when `age` is set, a
// text date when `slot_from`/`slot_to` is set, a text legal basis that
// differs from `legal_basis`, and free places or dates when `kinds` leaves
// out tilbud or praktik are not applied; each gives a "conflict" step and
// its words are dropped (words flagged (keep) stay). When the request has
// `only_free` already, free-place words are dropped with one step saying so.
//
// Steps: rule is one of "kind", "question", "expertise", "free_places",
// "legal_basis", "slot_date", "age", "place", "district", "conflict",
// "missing"; words are the words it took, as typed; effect is Danish for the
// user. Every word left out of the text is named in some step's words. Steps
// with the same rule and effect are merged. When something fired but
// nothing is left to search on (no word, or only stop words when an
// Analyzer is given) and no filter applies, a last "missing" step says what
// to add.
//
// With SearchQuery::interpret false the query is returned unchanged with no
// steps (only the checks below still apply).
//
// Thread-safe: const after construction; `rules` and `analyzer` are not
// owned and must outlive this object.
class QueryUnderstanding {
 public:
  // `analyzer` may be null; it is only asked which words are stop words.
  explicit QueryUnderstanding(const QueryRules& rules, const Analyzer* analyzer = nullptr)
      : rules_(rules), analyzer_(analyzer) {}

  // Returns INVALID_ARGUMENT when `today` is set but not a date
  // "YYYY-MM-DD"; when an entry of `districts` is not one of the districts;
  // when `district` is neither a district nor (with interpret) a place the
  // rules know (the message lists the valid districts, see CheckDistrict);
  // or when `district` is a place none of whose districts is in a
  // non-empty `districts`.
  //
  // A paragraph without a law ("§ 32", "paragraf 32") is read as the rules'
  // default law, unless `held` names the legal bases with that number that
  // the directory's records cite ("Barnets Lov § 32") and the default law is
  // not among them while exactly one other law is: then as that one.
  using HeldLegalBases = std::function<std::vector<std::string>(int paragraph)>;
  absl::StatusOr<UnderstoodQuery> Understand(const SearchQuery& query,
                                             const HeldLegalBases& held = nullptr) const;

  // OK when `value` is empty or spells one of QueryRules::Districts()
  // (case-, accent- and æ/ø/å-insensitively); else INVALID_ARGUMENT
  // "<field>: \"<value>\" is not a district of Copenhagen; valid: Indre By,
  // ...". `value` is echoed cut short.
  static absl::Status CheckDistrict(absl::string_view field, absl::string_view value);

 private:
  const QueryRules& rules_;
  const Analyzer* analyzer_;
};

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_QUERY_UNDERSTANDING_H_
