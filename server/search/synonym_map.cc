#include "server/search/synonym_map.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace sofdir::search {
namespace {

SynonymMap::Phrase AnalyzePhrase(absl::string_view text, const Analyzer& analyzer) {
  SynonymMap::Phrase phrase;
  analyzer.ForEachTerm(
      text, [&](const std::string&, std::string stem) { phrase.push_back(std::move(stem)); });
  return phrase;
}

}  // namespace

absl::StatusOr<SynonymMap> SynonymMap::Parse(absl::string_view contents, const Analyzer& analyzer) {
  SynonymMap map;
  absl::flat_hash_map<std::string, size_t> phrase_ids;
  auto intern = [&](Phrase phrase) -> size_t {
    std::string key = absl::StrJoin(phrase, " ");
    auto [it, inserted] = phrase_ids.emplace(key, map.phrases_.size());
    if (inserted) {
      map.max_length_ = std::max(map.max_length_, phrase.size());
      map.phrases_.push_back(std::move(phrase));
    }
    return it->second;
  };
  auto add = [&](size_t from, size_t to) {
    if (from == to) return;
    auto& list = map.expansions_[absl::StrJoin(map.phrases_[from], " ")];
    if (std::find(list.begin(), list.end(), to) == list.end()) list.push_back(to);
  };

  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    const size_t hash = line.find('#');
    if (hash != absl::string_view::npos) line = line.substr(0, hash);
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    std::vector<size_t> left, right;
    bool one_way = false;
    absl::string_view lhs = line, rhs;
    const size_t arrow = line.find("=>");
    if (arrow != absl::string_view::npos) {
      one_way = true;
      lhs = line.substr(0, arrow);
      rhs = line.substr(arrow + 2);
    }
    for (absl::string_view part : absl::StrSplit(lhs, ',', absl::SkipWhitespace())) {
      Phrase p = AnalyzePhrase(part, analyzer);
      if (!p.empty()) left.push_back(intern(std::move(p)));
    }
    for (absl::string_view part : absl::StrSplit(rhs, ',', absl::SkipWhitespace())) {
      Phrase p = AnalyzePhrase(part, analyzer);
      if (!p.empty()) right.push_back(intern(std::move(p)));
    }
    if (one_way ? (left.empty() || right.empty()) : left.size() < 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("synonyms line ", line_number,
                       ": expected \"a, b, ...\" or \"a => b, ...\" with words on each side"));
    }
    if (one_way) {
      for (size_t from : left) {
        for (size_t to : right) add(from, to);
      }
    } else {
      for (size_t from : left) {
        for (size_t to : left) add(from, to);
      }
    }
  }
  return map;
}

absl::StatusOr<SynonymMap> SynonymMap::Load(const std::string& path, const Analyzer& analyzer) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read synonyms file ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Parse(buffer.str(), analyzer);
}

SynonymMap::Match SynonymMap::LongestMatch(const std::vector<std::string>& stems,
                                           size_t pos) const {
  Match match;
  if (expansions_.empty()) return match;
  const size_t longest = std::min(max_length_, stems.size() - pos);
  std::string key;
  for (size_t len = longest; len >= 1; --len) {
    key.clear();
    for (size_t i = pos; i < pos + len; ++i) {
      if (i > pos) key += ' ';
      key += stems[i];
    }
    auto it = expansions_.find(key);
    if (it == expansions_.end()) continue;
    match.length = len;
    for (size_t id : it->second) match.alternatives.push_back(&phrases_[id]);
    return match;
  }
  return match;
}

}  // namespace sofdir::search
