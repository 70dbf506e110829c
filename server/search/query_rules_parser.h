#ifndef SOFDIR_SERVER_SEARCH_QUERY_RULES_PARSER_H_
#define SOFDIR_SERVER_SEARCH_QUERY_RULES_PARSER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/search/query_rules.h"

namespace sofdir::search {

// One word of a phrase in the rules file.
struct RulePhraseWord {
  enum class Kind : uint8_t { kWord, kAnyNumber, kRange };
  Kind kind = Kind::kWord;
  std::string folded;  // kWord: TextFolder form
  int64_t low = 0;     // kAnyNumber, kRange: the numbers it matches
  int64_t high = 0;
};

// One entry of the rules file.
struct ParsedRule {
  QueryRules::Rule rule;
  std::vector<RulePhraseWord> words;
};

// Reads the lines of a query rules file (format in query_rules.h) into its
// entries, in file order; QueryRules compiles them into its matcher and
// finds repeated phrases and overlapping number ranges.
//
// Not thread-safe; one parser per file.
class QueryRulesParser {
 public:
  // `file_name` starts every error message.
  explicit QueryRulesParser(absl::string_view file_name) : file_(file_name) {}

  // Returns INVALID_ARGUMENT "<file_name>:<line>: what is wrong" for a line
  // outside a section, an unknown section, kind or district, a missing or
  // malformed value, a flag the section does not take, a phrase with no
  // words, or a second (default) law.
  absl::StatusOr<std::vector<ParsedRule>> Parse(absl::string_view contents);

 private:
  using Rule = QueryRules::Rule;
  using Section = QueryRules::Section;

  absl::Status Line(absl::string_view line);
  absl::Status Error(absl::string_view what) const;
  absl::Status Header(absl::string_view line);
  absl::Status CheckKind(absl::string_view kind) const;
  absl::Status Entry(absl::string_view line);
  absl::Status ParsePhrase(absl::string_view phrase, std::vector<RulePhraseWord>* out) const;
  absl::Status Flags(const std::vector<std::string>& flags, Rule* rule) const;
  absl::Status NoValue(bool has_value) const;
  absl::Status NeedsValue(bool has_value, absl::string_view example) const;
  absl::Status Value(bool has_value, absl::string_view value, Rule* rule,
                     const std::vector<RulePhraseWord>& words);
  absl::Status ParseNumberExpr(absl::string_view text, const Rule& rule,
                               QueryRules::NumberExpr* out) const;
  absl::Status ParseAges(absl::string_view value, Rule* rule) const;
  absl::Status ParseDateEnd(absl::string_view text, QueryRules::DateEnd* out) const;
  absl::Status ParseDate(absl::string_view value, QueryRules::DateExpr* out) const;

  const std::string file_;
  int line_ = 0;
  std::optional<Section> section_;
  std::vector<std::string> section_kinds_;  // of a [kind ...] section
  int default_law_line_ = 0;
  std::vector<ParsedRule> parsed_;
};

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_QUERY_RULES_PARSER_H_
