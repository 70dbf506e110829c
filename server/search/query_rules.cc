#include "server/search/query_rules.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/echo.h"
#include "server/common/status_macros.h"
#include "server/search/query_rules_parser.h"
#include "server/search/text_folder.h"

namespace sofdir::search {
namespace {

using Section = QueryRules::Section;

// Longest first, so that a word is tried with its longest ending first.
// "ns" and "rs" are "ens" and "ers" after a vowel that folding merged ("kollegaens"
// folds to "kollegans").
constexpr absl::string_view kEndings[] = {"ernes", "enes", "erne", "ene", "ens", "ers", "ets",
                                          "rne",   "en",   "et",   "er",  "es",  "ne",  "re",
                                          "ns",    "rs",   "e",    "s",   "r",   "n",   "t"};
constexpr size_t kMinInflectedBase = 3;
constexpr absl::string_view kParagraphSign = "\xC2\xA7";  // §

// Sections whose phrase words also match their inflected forms.
bool Inflects(Section section) {
  switch (section) {
    case Section::kMonth:
    case Section::kWeek:
    case Section::kDateWord:
    case Section::kPlace:
      return false;
    default:
      return true;
  }
}

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

// What a rule means, to tell a harmless repeat from a contradiction in
// messages.
std::string Meaning(const QueryRules::Rule& rule) {
  return absl::StrCat(static_cast<int>(rule.section), "|", absl::StrJoin(rule.kinds, ","), "|",
                      absl::StrJoin(rule.districts, ","), "|", rule.law, "|", rule.month, "|",
                      static_cast<int>(rule.date_word), "|", rule.low.capture, ":",
                      rule.low.constant, "|", rule.high.capture, ":", rule.high.constant, "|",
                      rule.keep);
}

}  // namespace

absl::Status QueryRules::Add(ParsedRule parsed, absl::string_view file,
                             absl::flat_hash_map<std::string, size_t>* seen) {
  Rule& rule = parsed.rule;
  const std::vector<RulePhraseWord>& words = parsed.words;
  auto error = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(file, ":", rule.line, ": ", what));
  };
  std::string key;
  for (const RulePhraseWord& w : words) {
    if (!key.empty()) key += ' ';
    switch (w.kind) {
      case RulePhraseWord::Kind::kWord:
        key += w.folded;
        break;
      case RulePhraseWord::Kind::kAnyNumber:
        key += "{n}";
        break;
      case RulePhraseWord::Kind::kRange:
        absl::StrAppend(&key, "{", w.low, "-", w.high, "}");
        break;
    }
  }
  auto [it, inserted] = seen->emplace(key, rules_.size());
  if (!inserted) {
    const Rule& other = rules_[it->second];
    const bool same = Meaning(other) == Meaning(rule) && other.section == rule.section;
    return error(absl::StrCat("\"", common::Echo(rule.phrase), "\" is also at line ", other.line,
                              same ? " (a duplicate)" : " with another meaning"));
  }
  const bool inflects = Inflects(rule.section);
  uint32_t node = 0;
  for (const RulePhraseWord& w : words) {
    if (w.kind == RulePhraseWord::Kind::kWord) {
      auto found = nodes_[node].words.find(w.folded);
      if (found == nodes_[node].words.end()) {
        const auto child = static_cast<uint32_t>(nodes_.size());
        nodes_.emplace_back();
        found = nodes_[node].words.emplace(w.folded, Edge{child, false}).first;
      }
      if (inflects && w.folded.size() >= kMinInflectedBase && !AllDigits(w.folded)) {
        found->second.inflects = true;
      }
      node = found->second.child;
      continue;
    }
    const bool capture = w.kind == RulePhraseWord::Kind::kAnyNumber;
    uint32_t next = 0;
    for (const NumberEdge& e : nodes_[node].numbers) {
      if (e.low == w.low && e.high == w.high && e.capture == capture) {
        next = e.child;
      } else if (!capture && !e.capture && e.low <= w.high && w.low <= e.high) {
        return error(absl::StrCat("{", w.low, "-", w.high, "} overlaps {", e.low, "-", e.high,
                                  "} of another entry"));
      }
    }
    if (next == 0) {
      next = static_cast<uint32_t>(nodes_.size());
      nodes_.emplace_back();
      nodes_[node].numbers.push_back({w.low, w.high, capture, next});
    }
    node = next;
  }
  const auto index = static_cast<int32_t>(rules_.size());
  nodes_[node].rule = index;
  if (rule.default_law) default_law_ = index;
  rules_.push_back(std::move(rule));
  return absl::OkStatus();
}

absl::StatusOr<QueryRules> QueryRules::Parse(absl::string_view contents,
                                             absl::string_view file_name) {
  SOFDIR_ASSIGN_OR_RETURN(std::vector<ParsedRule> parsed,
                          QueryRulesParser(file_name).Parse(contents));
  QueryRules rules;
  rules.nodes_.emplace_back();
  absl::flat_hash_map<std::string, size_t> seen;  // phrase -> rule index
  for (ParsedRule& p : parsed) SOFDIR_RETURN_IF_ERROR(rules.Add(std::move(p), file_name, &seen));
  return rules;
}

absl::StatusOr<QueryRules> QueryRules::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read query rules file ", path));
  std::stringstream contents;
  contents << in.rdbuf();
  return Parse(contents.str(), path);
}

std::vector<QueryWord> QueryRules::Words(absl::string_view text) {
  std::vector<QueryWord> words;
  words.reserve(8);  // a query's words, mostly: one allocation, not four
  uint32_t previous_end = 0;
  TextFolder::ForEachToken(text, [&](std::string& token, uint32_t begin, uint32_t end) {
    QueryWord w;
    w.begin = begin;
    w.end = end;
    w.after_paragraph =
        absl::StrContains(text.substr(previous_end, begin - previous_end), kParagraphSign);
    if (token.size() <= 9 && AllDigits(token)) {
      (void)absl::SimpleAtoi(token, &w.number);
    }
    w.folded = std::move(token);
    previous_end = end;
    words.push_back(std::move(w));
  });
  return words;
}

void QueryRules::Walk(const std::vector<QueryWord>& words, size_t start, size_t pos,
                      uint32_t node_index, int inexact, std::vector<int64_t>* numbers,
                      std::vector<Match>* out) const {
  const Node& node = nodes_[node_index];
  if (node.rule >= 0) {
    out->push_back({&rules_[static_cast<size_t>(node.rule)], pos - start, inexact, *numbers});
  }
  if (pos >= words.size()) return;
  const QueryWord& word = words[pos];
  const absl::string_view folded = word.folded;
  if (auto it = node.words.find(folded); it != node.words.end()) {
    Walk(words, start, pos + 1, it->second.child, inexact, numbers, out);
  }
  if (word.number < 0) {
    auto inflected = [&](absl::string_view base) {
      auto it = node.words.find(base);
      if (it != node.words.end() && it->second.inflects) {
        Walk(words, start, pos + 1, it->second.child, inexact + 1, numbers, out);
      }
    };
    for (absl::string_view ending : kEndings) {
      if (folded.size() < ending.size() + kMinInflectedBase || !absl::EndsWith(folded, ending)) {
        continue;
      }
      const absl::string_view base = folded.substr(0, folded.size() - ending.size());
      inflected(base);
      const size_t n = base.size();
      if (n > kMinInflectedBase && base[n - 1] == base[n - 2] && !IsVowel(base[n - 1])) {
        inflected(base.substr(0, n - 1));  // "tilbuddet", "praktikken"
      }
    }
  } else {
    for (const NumberEdge& e : node.numbers) {
      if (word.number < e.low || word.number > e.high) continue;
      if (e.capture) numbers->push_back(word.number);
      Walk(words, start, pos + 1, e.child, inexact + 1, numbers, out);
      if (e.capture) numbers->pop_back();
    }
  }
}

void QueryRules::MatchAt(const std::vector<QueryWord>& words, size_t pos,
                         std::vector<Match>* out) const {
  const size_t first = out->size();
  if (nodes_.empty() || pos >= words.size()) return;
  std::vector<int64_t> numbers;
  Walk(words, pos, pos, 0, 0, &numbers, out);
  const auto begin = out->begin() + static_cast<std::ptrdiff_t>(first);
  std::stable_sort(begin, out->end(), [](const Match& a, const Match& b) {
    if (a.length != b.length) return a.length > b.length;
    return a.inexact < b.inexact;
  });
  // A word may reach the same rule both as written and inflected; keep the
  // best reading.
  size_t kept = first;
  for (size_t i = first; i < out->size(); ++i) {
    const Match& m = (*out)[i];
    const bool seen =
        std::any_of(out->begin() + static_cast<std::ptrdiff_t>(first),
                    out->begin() + static_cast<std::ptrdiff_t>(kept), [&](const Match& k) {
                      return k.rule == m.rule && k.length == m.length && k.numbers == m.numbers;
                    });
    if (!seen) (*out)[kept++] = m;
  }
  out->resize(kept);
}

const QueryRules::Rule* QueryRules::WholePlace(absl::string_view text) const {
  std::string storage;
  const std::vector<QueryWord> words = Words(TextFolder::Composed(text, &storage));
  if (words.empty()) return nullptr;
  std::vector<Match> matches;
  MatchAt(words, 0, &matches);
  for (const Match& m : matches) {
    if (m.length == words.size() && m.rule->section == Section::kPlace) return m.rule;
  }
  return nullptr;
}

size_t QueryRules::count(Section section) const {
  return static_cast<size_t>(std::count_if(rules_.begin(), rules_.end(),
                                           [&](const Rule& r) { return r.section == section; }));
}

const std::vector<std::string>& QueryRules::Kinds() {
  static const auto* kinds =
      new std::vector<std::string>{"unit", "tilbud", "partner", "praktik", "person"};
  return *kinds;
}

const std::vector<std::string>& QueryRules::Districts() {
  static const auto* districts = new std::vector<std::string>{
      "Indre By",   "Christianshavn", "Østerbro",       "Nørrebro",   "Vesterbro/Kongens Enghave",
      "Valby",      "Vanløse",        "Brønshøj-Husum", "Bispebjerg", "Amager Øst",
      "Amager Vest"};
  return *districts;
}

std::optional<std::string> QueryRules::CanonicalDistrict(absl::string_view name) {
  static const auto* folded = [] {
    auto* m = new absl::flat_hash_map<std::string, std::string>;
    for (const std::string& d : Districts()) m->emplace(TextFolder::FoldJoined(d), d);
    return m;
  }();
  auto it = folded->find(TextFolder::FoldJoined(name));
  if (it == folded->end()) return std::nullopt;
  return it->second;
}

}  // namespace sofdir::search
