#include "server/search/query_rules_parser.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/common/echo.h"
#include "server/common/status_macros.h"
#include "server/search/text_folder.h"

namespace sofdir::search {
namespace {

using Section = QueryRules::Section;
using DateWord = QueryRules::DateWord;
using DateEnd = QueryRules::DateEnd;
using DateExpr = QueryRules::DateExpr;

constexpr absl::string_view kParagraphSign = "\xC2\xA7";  // §

struct SectionName {
  absl::string_view name;
  Section section;
};
constexpr SectionName kSectionNames[] = {
    {"question", Section::kQuestion},
    {"expertise", Section::kExpertise},
    {"free places", Section::kFreePlaces},
    {"literal", Section::kLiteral},
    {"law", Section::kLaw},
    {"month", Section::kMonth},
    {"week", Section::kWeek},
    {"date word", Section::kDateWord},
    {"date", Section::kDate},
    {"age", Section::kAge},
    {"place", Section::kPlace},
};

absl::string_view SectionText(Section section) {
  if (section == Section::kKind) return "kind";
  for (const SectionName& s : kSectionNames) {
    if (s.section == section) return s.name;
  }
  return "?";
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

}  // namespace

absl::StatusOr<std::vector<ParsedRule>> QueryRulesParser::Parse(absl::string_view contents) {
  absl::ConsumePrefix(&contents, "\xEF\xBB\xBF");  // a byte order mark some editors write
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_;
    SOFDIR_RETURN_IF_ERROR(Line(line));
  }
  return std::move(parsed_);
}

absl::Status QueryRulesParser::Line(absl::string_view line) {
  const size_t hash = line.find('#');
  if (hash != absl::string_view::npos) line = line.substr(0, hash);
  line = absl::StripAsciiWhitespace(line);
  if (line.empty()) return absl::OkStatus();
  if (line.front() == '[') return Header(line);
  if (!section_) return Error("an entry before any [section]");
  return Entry(line);
}

absl::Status QueryRulesParser::Error(absl::string_view what) const {
  return absl::InvalidArgumentError(absl::StrCat(file_, ":", line_, ": ", what));
}

absl::Status QueryRulesParser::Header(absl::string_view line) {
  if (line.back() != ']') return Error("a section header must end with ']'");
  std::string name =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(1, line.size() - 2)));
  std::vector<std::string> parts = absl::StrSplit(name, ' ', absl::SkipWhitespace());
  section_kinds_.clear();
  if (!parts.empty() && parts[0] == "kind") {
    if (parts.size() == 1) return Error("[kind] needs the kind(s) it means, e.g. [kind unit]");
    for (size_t i = 1; i < parts.size(); ++i) {
      SOFDIR_RETURN_IF_ERROR(CheckKind(parts[i]));
      section_kinds_.push_back(parts[i]);
    }
    section_ = Section::kKind;
    return absl::OkStatus();
  }
  const std::string joined = absl::StrJoin(parts, " ");
  for (const SectionName& s : kSectionNames) {
    if (s.name == joined) {
      section_ = s.section;
      return absl::OkStatus();
    }
  }
  section_.reset();
  return Error(absl::StrCat(
      "unknown section [", common::Echo(joined),
      "]; valid: [kind ...], [question], [expertise], [free places], [literal], [law], "
      "[month], [week], [date word], [date], [age], [place]"));
}

absl::Status QueryRulesParser::CheckKind(absl::string_view kind) const {
  const auto& kinds = QueryRules::Kinds();
  if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) return absl::OkStatus();
  return Error(absl::StrCat("unknown kind \"", common::Echo(kind),
                            "\"; valid: ", absl::StrJoin(kinds, ", ")));
}

absl::Status QueryRulesParser::Entry(absl::string_view line) {
  Rule rule;
  rule.section = *section_;
  rule.line = line_;
  rule.kinds = section_kinds_;
  // Flags: "(word)" groups at the end of the line.
  std::vector<std::string> flags;
  while (!line.empty() && line.back() == ')') {
    const size_t open = line.rfind('(');
    if (open == absl::string_view::npos) return Error("a ')' without '('");
    flags.push_back(absl::AsciiStrToLower(
        absl::StripAsciiWhitespace(line.substr(open + 1, line.size() - open - 2))));
    line = absl::StripTrailingAsciiWhitespace(line.substr(0, open));
  }
  absl::string_view phrase = line, value;
  bool has_value = false;
  const size_t eq = line.find('=');
  if (eq != absl::string_view::npos) {
    has_value = true;
    phrase = absl::StripAsciiWhitespace(line.substr(0, eq));
    value = absl::StripAsciiWhitespace(line.substr(eq + 1));
    if (value.empty()) return Error("nothing after '='");
  }
  if (phrase.empty()) return Error("no phrase");
  if (phrase.find_first_of("()") != absl::string_view::npos) {
    return Error("flags in parentheses go at the end of the line");
  }
  rule.phrase = std::string(phrase);
  std::vector<RulePhraseWord> words;
  SOFDIR_RETURN_IF_ERROR(ParsePhrase(phrase, &words));
  for (const RulePhraseWord& w : words) {
    if (w.kind == RulePhraseWord::Kind::kAnyNumber) ++rule.numbers;
  }
  SOFDIR_RETURN_IF_ERROR(Flags(flags, &rule));
  SOFDIR_RETURN_IF_ERROR(Value(has_value, value, &rule, words));
  parsed_.push_back({std::move(rule), std::move(words)});
  return absl::OkStatus();
}

absl::Status QueryRulesParser::ParsePhrase(absl::string_view phrase,
                                           std::vector<RulePhraseWord>* out) const {
  for (absl::string_view piece : absl::StrSplit(phrase, ' ', absl::SkipWhitespace())) {
    piece = absl::StripAsciiWhitespace(piece);
    if (piece.empty()) continue;
    if (piece.front() == '{') {
      RulePhraseWord w;
      if (piece == "{n}") {
        w.kind = RulePhraseWord::Kind::kAnyNumber;
        w.low = 0;
        w.high = 999999999;
      } else {
        std::vector<absl::string_view> ends =
            absl::StrSplit(piece.substr(1, piece.size() - 1), '-');
        if (piece.back() != '}' || ends.size() != 2) {
          return Error(absl::StrCat("\"", common::Echo(piece), "\" is neither {n} nor {A-B}"));
        }
        ends[1].remove_suffix(1);
        if (!AllDigits(ends[0]) || !AllDigits(ends[1]) || ends[0].size() > 9 ||
            ends[1].size() > 9 || !absl::SimpleAtoi(ends[0], &w.low) ||
            !absl::SimpleAtoi(ends[1], &w.high) || w.low > w.high) {
          return Error(absl::StrCat("\"", common::Echo(piece),
                                    "\" is not a number range {A-B} with A <= B"));
        }
        w.kind = RulePhraseWord::Kind::kRange;
      }
      out->push_back(std::move(w));
      continue;
    }
    if (piece.find_first_of("{}") != absl::string_view::npos) {
      return Error(
          absl::StrCat("\"", common::Echo(piece), "\": write {n} or {A-B} as a word of its own"));
    }
    TextFolder::ForEachToken(piece, [&](std::string& token, uint32_t, uint32_t) {
      RulePhraseWord w;
      w.folded = std::move(token);
      out->push_back(std::move(w));
    });
  }
  if (out->empty()) return Error(absl::StrCat("\"", common::Echo(phrase), "\" has no words"));
  return absl::OkStatus();
}

absl::Status QueryRulesParser::Flags(const std::vector<std::string>& flags, Rule* rule) const {
  for (const std::string& flag : flags) {
    const Section s = rule->section;
    if (flag == "keep" && (s == Section::kKind || s == Section::kAge || s == Section::kPlace)) {
      rule->keep = true;
    } else if (flag == "context" && s == Section::kMonth) {
      rule->needs_context = true;
    } else if (flag == "default" && s == Section::kLaw) {
      rule->default_law = true;
    } else {
      return Error(absl::StrCat("flag (", common::Echo(flag), ") is not valid in [", SectionText(s),
                                "]; (keep) is for kind, age and place, (context) for month, "
                                "(default) for law"));
    }
  }
  return absl::OkStatus();
}

absl::Status QueryRulesParser::NoValue(bool has_value) const {
  if (!has_value) return absl::OkStatus();
  return Error(absl::StrCat("[", SectionText(*section_), "] entries take no '= value'"));
}
absl::Status QueryRulesParser::NeedsValue(bool has_value, absl::string_view example) const {
  if (has_value) return absl::OkStatus();
  return Error(absl::StrCat("[", SectionText(*section_), "] entries need a value, e.g. ", example));
}

absl::Status QueryRulesParser::Value(bool has_value, absl::string_view value, Rule* rule,
                                     const std::vector<RulePhraseWord>& words) {
  const Section s = rule->section;
  bool any_number = false, range = false;
  for (const RulePhraseWord& w : words) {
    any_number |= w.kind == RulePhraseWord::Kind::kAnyNumber;
    range |= w.kind == RulePhraseWord::Kind::kRange;
  }
  if (any_number && s != Section::kWeek && s != Section::kAge) {
    return Error(absl::StrCat("{n} is only for [week] and [age], not [", SectionText(s), "]"));
  }
  if (range && s != Section::kPlace) {
    return Error(absl::StrCat("{A-B} is only for [place], not [", SectionText(s), "]"));
  }
  switch (s) {
    case Section::kKind:
    case Section::kExpertise:
    case Section::kFreePlaces:
    case Section::kLiteral:
      return NoValue(has_value);
    case Section::kQuestion:
      rule->kinds.clear();
      for (absl::string_view kind :
           absl::StrSplit(value, absl::ByAnyChar(", "), absl::SkipWhitespace())) {
        std::string k = absl::AsciiStrToLower(kind);
        SOFDIR_RETURN_IF_ERROR(CheckKind(k));
        rule->kinds.push_back(std::move(k));
      }
      return absl::OkStatus();
    case Section::kWeek:
      SOFDIR_RETURN_IF_ERROR(NoValue(has_value));
      if (rule->numbers != 1 && rule->numbers != 2) {
        return Error("a [week] phrase needs one {n} (a week) or two (first and last week)");
      }
      rule->low = {0, 0};
      rule->high = {rule->numbers - 1, 0};
      return absl::OkStatus();
    case Section::kLaw:
      SOFDIR_RETURN_IF_ERROR(NeedsValue(has_value, "serviceloven = SEL"));
      if (value != kParagraphSign) rule->law = std::string(value);
      if (rule->default_law) {
        if (rule->law.empty()) return Error("(default) names a law, not the paragraph sign");
        if (default_law_line_ != 0) {
          return Error(
              absl::StrCat("a second (default) law; line ", default_law_line_, " is the default"));
        }
        default_law_line_ = line_;
      }
      return absl::OkStatus();
    case Section::kMonth: {
      SOFDIR_RETURN_IF_ERROR(NeedsValue(has_value, "oktober = 10"));
      if (!AllDigits(value) || !absl::SimpleAtoi(value, &rule->month) || rule->month < 1 ||
          rule->month > 12) {
        return Error(absl::StrCat("month \"", common::Echo(value), "\" is not 1..12"));
      }
      return absl::OkStatus();
    }
    case Section::kDateWord: {
      SOFDIR_RETURN_IF_ERROR(NeedsValue(has_value, "fra = from"));
      static constexpr std::pair<absl::string_view, DateWord> kWords[] = {
          {"in", DateWord::kIn},         {"from", DateWord::kFrom},   {"after", DateWord::kAfter},
          {"before", DateWord::kBefore}, {"early", DateWord::kEarly}, {"mid", DateWord::kMid},
          {"late", DateWord::kLate}};
      for (const auto& [name, word] : kWords) {
        if (value == name) {
          rule->date_word = word;
          return absl::OkStatus();
        }
      }
      return Error(absl::StrCat("date word value \"", common::Echo(value),
                                "\" is not one of in, from, after, before, early, mid, late"));
    }
    case Section::kDate:
      SOFDIR_RETURN_IF_ERROR(NeedsValue(has_value, "i foråret = 03-01..05-31"));
      return ParseDate(value, &rule->date);
    case Section::kAge:
      SOFDIR_RETURN_IF_ERROR(NeedsValue(has_value, "småbørn = 0..5"));
      return ParseAges(value, rule);
    case Section::kPlace:
      SOFDIR_RETURN_IF_ERROR(NeedsValue(has_value, "valby langgade = Valby"));
      for (absl::string_view d : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
        std::optional<std::string> district = QueryRules::CanonicalDistrict(d);
        if (!district) {
          return Error(absl::StrCat("unknown district \"",
                                    common::Echo(absl::StripAsciiWhitespace(d)),
                                    "\"; valid: ", absl::StrJoin(QueryRules::Districts(), ", ")));
        }
        if (std::find(rule->districts.begin(), rule->districts.end(), *district) ==
            rule->districts.end()) {
          rule->districts.push_back(std::move(*district));
        }
      }
      if (rule->districts.empty()) return Error("a place needs at least one district");
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status QueryRulesParser::ParseNumberExpr(absl::string_view text, const Rule& rule,
                                               QueryRules::NumberExpr* out) const {
  text = absl::StripAsciiWhitespace(text);
  auto bad = [&] {
    return Error(
        absl::StrCat("\"", common::Echo(text), "\" is not a number, n, n1, n2, n+K or n-K"));
  };
  if (text.empty()) return bad();
  if (AllDigits(text)) {
    if (text.size() > 3 || !absl::SimpleAtoi(text, &out->constant)) return bad();
    return absl::OkStatus();
  }
  if (text.front() != 'n') return bad();
  text.remove_prefix(1);
  out->capture = 0;
  if (!text.empty() && absl::ascii_isdigit(text.front())) {
    out->capture = text.front() - '1';
    text.remove_prefix(1);
    if (out->capture < 0) return bad();
  }
  if (out->capture >= rule.numbers) {
    return Error(
        absl::StrCat("\"n", out->capture + 1, "\" but the phrase has ", rule.numbers, " {n}"));
  }
  if (text.empty()) return absl::OkStatus();
  const bool minus = text.front() == '-';
  if (!minus && text.front() != '+') return bad();
  text.remove_prefix(1);
  if (!AllDigits(text) || text.size() > 3 || !absl::SimpleAtoi(text, &out->constant)) {
    return bad();
  }
  if (minus) out->constant = -out->constant;
  return absl::OkStatus();
}

absl::Status QueryRulesParser::ParseAges(absl::string_view value, Rule* rule) const {
  const size_t dots = value.find("..");
  if (dots == absl::string_view::npos) {
    return Error(absl::StrCat("ages \"", common::Echo(value), "\" are not A..B, e.g. 0..5"));
  }
  SOFDIR_RETURN_IF_ERROR(ParseNumberExpr(value.substr(0, dots), *rule, &rule->low));
  SOFDIR_RETURN_IF_ERROR(ParseNumberExpr(value.substr(dots + 2), *rule, &rule->high));
  if (rule->low.capture < 0 && rule->high.capture < 0 && rule->low.constant > rule->high.constant) {
    return Error(absl::StrCat("ages \"", common::Echo(value), "\" run backwards"));
  }
  return absl::OkStatus();
}

absl::Status QueryRulesParser::ParseDateEnd(absl::string_view text,
                                            QueryRules::DateEnd* out) const {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return absl::OkStatus();
  if (text == "today") {
    out->kind = DateEnd::Kind::kToday;
    return absl::OkStatus();
  }
  if (text.front() == '+' && text.back() == 'd') {
    absl::string_view n = text.substr(1, text.size() - 2);
    if (AllDigits(n) && n.size() <= 4 && absl::SimpleAtoi(n, &out->days)) {
      out->kind = DateEnd::Kind::kDaysAhead;
      return absl::OkStatus();
    }
  }
  if (text.size() == 5 && text[2] == '-' && AllDigits(text.substr(0, 2)) &&
      AllDigits(text.substr(3))) {
    out->kind = DateEnd::Kind::kMonthDay;
    out->month = (text[0] - '0') * 10 + (text[1] - '0');
    out->day = (text[3] - '0') * 10 + (text[4] - '0');
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (out->month >= 1 && out->month <= 12 && out->day >= 1 && out->day <= kDays[out->month - 1]) {
      return absl::OkStatus();
    }
  }
  return Error(
      absl::StrCat("\"", common::Echo(text), "\" is not a date end: empty, today, MM-DD or +Nd"));
}

absl::Status QueryRulesParser::ParseDate(absl::string_view value, QueryRules::DateExpr* out) const {
  static constexpr std::pair<absl::string_view, DateExpr::Kind> kOffsets[] = {
      {"month", DateExpr::Kind::kMonthOffset},
      {"week", DateExpr::Kind::kWeekOffset},
      {"year", DateExpr::Kind::kYearOffset}};
  for (const auto& [name, kind] : kOffsets) {
    if (!absl::StartsWith(value, name)) continue;
    absl::string_view n = absl::StripAsciiWhitespace(value.substr(name.size()));
    if (!absl::ConsumePrefix(&n, "+") || !AllDigits(n) || n.size() > 2 ||
        !absl::SimpleAtoi(n, &out->offset)) {
      return Error(absl::StrCat("\"", common::Echo(value), "\" is not ", name, " +N"));
    }
    out->kind = kind;
    return absl::OkStatus();
  }
  const size_t dots = value.find("..");
  if (dots == absl::string_view::npos) {
    return Error(absl::StrCat("date \"", common::Echo(value),
                              "\" is not month +N, week +N, year +N or A..B"));
  }
  out->kind = DateExpr::Kind::kPeriod;
  SOFDIR_RETURN_IF_ERROR(ParseDateEnd(value.substr(0, dots), &out->from));
  SOFDIR_RETURN_IF_ERROR(ParseDateEnd(value.substr(dots + 2), &out->to));
  if (out->from.kind == DateEnd::Kind::kOpen && out->to.kind == DateEnd::Kind::kOpen) {
    return Error("a date period needs at least one end");
  }
  return absl::OkStatus();
}

}  // namespace sofdir::search
