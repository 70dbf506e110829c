#ifndef SOFDIR_SERVER_SEARCH_QUERY_RULES_H_
#define SOFDIR_SERVER_SEARCH_QUERY_RULES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sofdir::search {

struct ParsedRule;

// One word of a query as QueryRules sees it.
struct QueryWord {
  std::string folded;  // TextFolder form: "valby", "2500", "arig"
  uint32_t begin = 0;  // byte range in the text given to Words()
  uint32_t end = 0;
  int64_t number = -1;           // value of an all-digit word of at most 9 digits, else -1
  bool after_paragraph = false;  // a "§" stands between the previous word and this one
};

// The query rules: an administrator-edited UTF-8 file (data/query-rules.txt)
// of the words caseworkers type that name a kind of record, frame a
// question, ask who knows something, or write a filter as words (free
// places, a legal basis, a month or week, an age, a place).
//
//   # comment                 (anywhere on a line)
//   [section]                 the lines below belong to it
//   phrase                    an entry
//   phrase = value            an entry with a value
//   phrase = value (keep)     flags in parentheses at the end
//
// Sections (the file's header documents each with examples):
//   [kind K ...]   phrase (keep)?          prefers kinds K...; first K is meant
//   [question]     phrase (= K ...)?       dropped; optionally prefers kinds
//   [expertise]    phrase                  "who knows about"
//   [free places]  phrase                  only tilbud with free places
//   [literal]      phrase                  searched as typed, never interpreted
//   [law]          phrase = ABBR (default)?  "<law> [§] N" -> "ABBR § N";
//                                          "= §" marks a paragraph word
//   [month]        phrase = 1..12 (context)?
//   [week]         phrase with one or two {n}
//   [date word]    phrase = in|from|after|before|early|mid|late
//   [date]         phrase = month +N | week +N | year +N | A..B
//                  (A, B: empty, "today", MM-DD or +Nd)
//   [age]          phrase = A..B (keep)?   A, B: a number, n, n1, n2, n+K, n-K
//   [place]        phrase = District[, District] (keep)?
//
// In a phrase, {n} matches any whole number and {A-B} a number from A to B.
// Phrases are folded with TextFolder (case, accents, æ/ø/å = ae/oe/aa), so
// "Brønshøj-Husum" and "broenshoej husum" are one phrase. In the word
// sections (kind, question, expertise, free places, literal, law, date,
// age) a phrase word of three or more letters also matches the word plus a
// Danish inflection ending (-e -s -r -n -t -en -et -er -es -ne -re -ns -rs -ene
// -ens -ers -ets -rne -erne -enes -ernes), also after a doubled final
// consonant ("tilbuddet", "praktikken"); months, weeks, date words and
// places match only as written. Entries never refer to one another, so the
// file cannot hold a cycle; a phrase may appear only once in it.
//
// Thread-safe: immutable after Parse.
class QueryRules {
 public:
  enum class Section : uint8_t {
    kKind,
    kQuestion,
    kExpertise,
    kFreePlaces,
    kLiteral,
    kLaw,
    kMonth,
    kWeek,
    kDateWord,
    kDate,
    kAge,
    kPlace,
  };
  enum class DateWord : uint8_t { kIn, kFrom, kAfter, kBefore, kEarly, kMid, kLate };

  // A number in a value: `constant`, plus the query number taken by the
  // phrase's `capture`-th {n} (0-based) when capture >= 0.
  struct NumberExpr {
    int capture = -1;
    int constant = 0;
  };

  // One end of a [date] period.
  struct DateEnd {
    enum class Kind : uint8_t { kOpen, kToday, kMonthDay, kDaysAhead };
    Kind kind = Kind::kOpen;
    int month = 0;  // kMonthDay
    int day = 0;    // kMonthDay
    int days = 0;   // kDaysAhead
  };

  // A [date] value.
  struct DateExpr {
    enum class Kind : uint8_t { kPeriod, kMonthOffset, kWeekOffset, kYearOffset };
    Kind kind = Kind::kPeriod;
    int offset = 0;  // the *Offset kinds
    DateEnd from;    // kPeriod
    DateEnd to;
  };

  struct Rule {
    Section section = Section::kLiteral;
    int line = 0;
    std::string phrase;                  // as written, without value and flags
    int numbers = 0;                     // {n} in the phrase
    bool keep = false;                   // the words stay in the search text
    std::vector<std::string> kinds;      // kKind (the first is named), kQuestion
    std::vector<std::string> districts;  // kPlace, canonical spelling
    std::string law;                     // kLaw: "SEL"; empty: a paragraph word
    bool default_law = false;            // kLaw (default)
    int month = 0;                       // kMonth, 1..12
    bool needs_context = false;          // kMonth (context)
    DateWord date_word = DateWord::kIn;  // kDateWord
    NumberExpr low, high;                // kAge (years), kWeek (week numbers)
    DateExpr date;                       // kDate
  };

  // A rule whose phrase matches the query words at some position.
  struct Match {
    const Rule* rule = nullptr;    // points into the QueryRules
    size_t length = 0;             // query words covered
    int inexact = 0;               // words matched by inflection or as numbers
    std::vector<int64_t> numbers;  // what each {n} took, in order
  };

  QueryRules() = default;
  QueryRules(QueryRules&&) = default;
  QueryRules& operator=(QueryRules&&) = default;
  QueryRules(const QueryRules&) = delete;
  QueryRules& operator=(const QueryRules&) = delete;

  // Parses file contents. Returns INVALID_ARGUMENT "<file_name>:<line>: what
  // is wrong" for a line outside a section, an unknown section, kind or
  // district, a missing or malformed value, a flag the section does not
  // take, a phrase with no words, a phrase that appears twice in the file
  // (or a number range that overlaps another at the same place in a phrase),
  // or a second (default) law.
  static absl::StatusOr<QueryRules> Parse(absl::string_view contents, absl::string_view file_name);
  // Reads and parses a file; NOT_FOUND when it cannot be read. Messages name
  // the file by `path`.
  static absl::StatusOr<QueryRules> Load(const std::string& path);

  // The words of `text` (TextFolder tokens with their byte ranges in
  // `text`, which must be NFC, see TextFolder::Composed).
  static std::vector<QueryWord> Words(absl::string_view text);

  // Appends to `out` every rule whose phrase matches words[pos...], longest
  // first; of equally long ones, those with fewer inexact words first.
  void MatchAt(const std::vector<QueryWord>& words, size_t pos, std::vector<Match>* out) const;

  // The place rule whose phrase is exactly all of `text` ("Amager", "2500",
  // "Valby Langgade"), or nullptr.
  const Rule* WholePlace(absl::string_view text) const;

  // The law a bare "§ N" means, or nullptr when the file names none.
  const Rule* default_law() const {
    return default_law_ < 0 ? nullptr : &rules_[static_cast<size_t>(default_law_)];
  }

  const std::vector<Rule>& rules() const { return rules_; }
  size_t size() const { return rules_.size(); }
  size_t count(Section section) const;

  // The record kinds and Copenhagen's districts, as written in the data.
  static const std::vector<std::string>& Kinds();
  static const std::vector<std::string>& Districts();
  // The district `name` is a spelling of (compared folded, so "noerrebro"
  // is Nørrebro), or nullopt.
  static std::optional<std::string> CanonicalDistrict(absl::string_view name);

 private:
  struct Edge {
    uint32_t child = 0;
    bool inflects = false;
  };
  struct NumberEdge {
    int64_t low = 0;
    int64_t high = 0;
    bool capture = false;  // {n}
    uint32_t child = 0;
  };
  struct Node {
    absl::flat_hash_map<std::string, Edge> words;
    std::vector<NumberEdge> numbers;
    int32_t rule = -1;
  };
  // Compiles one entry into the matcher; INVALID_ARGUMENT "file:line: ..."
  // when its phrase is already in `seen` or a number range overlaps.
  absl::Status Add(ParsedRule parsed, absl::string_view file,
                   absl::flat_hash_map<std::string, size_t>* seen);
  void Walk(const std::vector<QueryWord>& words, size_t start, size_t pos, uint32_t node,
            int inexact, std::vector<int64_t>* numbers, std::vector<Match>* out) const;

  std::vector<Rule> rules_;
  std::vector<Node> nodes_;  // nodes_[0] is the root
  int default_law_ = -1;
};

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_QUERY_RULES_H_
