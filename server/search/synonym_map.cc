#include "server/search/synonym_map.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace sofdir::search {
namespace {

constexpr size_t kMaxEcho = 64;

// Caller text in a message, cut short.
std::string Echo(absl::string_view text) {
  if (text.size() <= kMaxEcho) return absl::StrCat("\"", text, "\"");
  size_t cut = kMaxEcho;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat("\"", text.substr(0, cut), "...\"");
}

enum class Field { kConcept, kAlt, kAbbr, kNarrower, kBroader };

constexpr absl::string_view kValidFields = "concept, alt, abbr, narrower, broader";

}  // namespace

// Builds a SynonymMap from file contents in one pass over the lines, then
// resolves narrower/broader names (which may point forward), checks for
// cycles and precomputes every term's alternatives, so LongestMatch is a
// hash lookup.
class ThesaurusParser {
 public:
  ThesaurusParser(const Analyzer& analyzer, absl::string_view source)
      : analyzer_(analyzer), source_(source) {}

  absl::StatusOr<SynonymMap> Run(absl::string_view contents) {
    int line_number = 0;
    for (absl::string_view line : absl::StrSplit(contents, '\n')) {
      ++line_number;
      const size_t hash = line.find('#');
      if (hash != absl::string_view::npos) line = line.substr(0, hash);
      line = absl::StripAsciiWhitespace(line);
      if (line.empty()) continue;
      absl::Status status = ParseLine(line, line_number);
      if (!status.ok()) return status;
    }
    if (absl::Status s = ResolveReferences(); !s.ok()) return s;
    if (absl::Status s = CheckCycles(); !s.ok()) return s;
    Expand();
    // A term with nothing to expand to (a lone leaf) must not match: the
    // engine would treat its words as one phrase for nothing.
    for (auto it = map_.expansions_.begin(); it != map_.expansions_.end();) {
      if (it->second.empty()) {
        map_.expansions_.erase(it++);
      } else {
        ++it;
      }
    }
    for (auto& [key, list] : map_.expansions_) {
      std::stable_sort(list.begin(), list.end(), Closer);
    }
    map_.stats_.concepts = concepts_.size();
    map_.stats_.relations = edges_.size();
    return std::move(map_);
  }

 private:
  using Relation = SynonymMap::Relation;

  struct Term {
    uint32_t phrase;
    int line;
  };
  struct Reference {
    std::string text;  // as written
    std::string key;
    int line;
    bool narrower;  // else broader
  };
  struct Concept {
    std::string label;  // preferred term as written
    int line;
    std::vector<Term> terms;  // preferred first, then alternatives
    std::vector<Term> abbreviations;
    std::vector<Reference> references;
  };
  struct Edge {
    uint32_t parent;
    uint32_t child;
    int line;
  };

  std::string Where(int line) const {
    return source_.empty() ? absl::StrCat("line ", line) : absl::StrCat(source_, ":", line);
  }
  absl::Status Error(int line, absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(Where(line), ": ", what));
  }

  // The stems of `text`, interned; INVALID_ARGUMENT for an empty term.
  absl::StatusOr<uint32_t> AnalyzeTerm(absl::string_view text, int line, std::string* key) {
    text = absl::StripAsciiWhitespace(text);
    if (text.empty()) return Error(line, "empty term (two commas in a row or a trailing comma?)");
    SynonymMap::Phrase phrase;
    analyzer_.ForEachTerm(
        text, [&](const std::string&, std::string stem) { phrase.push_back(std::move(stem)); });
    if (phrase.empty()) {
      return Error(line, absl::StrCat("term ", Echo(text),
                                      " has no searchable words (only stop words or signs)"));
    }
    *key = absl::StrJoin(phrase, " ");
    auto [it, inserted] = phrase_ids_.emplace(*key, map_.phrases_.size());
    if (inserted) {
      map_.max_length_ = std::max(map_.max_length_, phrase.size());
      map_.phrases_.push_back(std::move(phrase));
    }
    return it->second;
  }

  absl::Status ParseLine(absl::string_view line, int line_number) {
    const size_t colon = line.find(':');
    if (colon != absl::string_view::npos) {
      absl::string_view name = absl::StripTrailingAsciiWhitespace(line.substr(0, colon));
      if (!name.empty() && std::all_of(name.begin(), name.end(), absl::ascii_isalpha)) {
        return ParseField(absl::AsciiStrToLower(name), line.substr(colon + 1), line_number);
      }
    }
    return ParsePlainLine(line, line_number);
  }

  absl::Status ParseField(const std::string& name, absl::string_view value, int line) {
    Field field;
    if (name == "concept") {
      field = Field::kConcept;
    } else if (name == "alt") {
      field = Field::kAlt;
    } else if (name == "abbr") {
      field = Field::kAbbr;
    } else if (name == "narrower") {
      field = Field::kNarrower;
    } else if (name == "broader") {
      field = Field::kBroader;
    } else {
      return Error(line,
                   absl::StrCat("unknown field ", Echo(name), "; valid fields: ", kValidFields));
    }
    if (value.find("=>") != absl::string_view::npos) {
      return Error(line, absl::StrCat("\"=>\" is not allowed in a \"", name,
                                      ":\" line (it belongs to plain synonym lines)"));
    }
    std::vector<absl::string_view> parts = absl::StrSplit(value, ',');
    if (field == Field::kConcept) {
      if (parts.size() != 1 || absl::StripAsciiWhitespace(parts[0]).empty()) {
        return Error(line,
                     "\"concept:\" takes exactly one preferred term; put the others in \"alt:\"");
      }
      return StartConcept(absl::StripAsciiWhitespace(parts[0]), line);
    }
    if (current_ == kNone) {
      return Error(line, absl::StrCat("\"", name, ":\" outside a concept; write \"concept: ",
                                      "<preferred term>\" above it"));
    }
    for (absl::string_view part : parts) {
      std::string key;
      absl::StatusOr<uint32_t> phrase = AnalyzeTerm(part, line, &key);
      if (!phrase.ok()) return phrase.status();
      if (field == Field::kNarrower || field == Field::kBroader) {
        concepts_[current_].references.push_back(
            {std::string(absl::StripAsciiWhitespace(part)), key, line, field == Field::kNarrower});
        continue;
      }
      const bool abbreviation = field == Field::kAbbr;
      if (absl::Status s = CheckNewTerm(current_, part, key, line, abbreviation); !s.ok()) {
        return s;
      }
      if (!abbreviation) {
        AddEquivalent(current_, *phrase, key, line);
      } else {
        concepts_[current_].abbreviations.push_back({*phrase, line});
        abbreviation_owners_[key].emplace_back(current_, line);
        ++map_.stats_.abbreviations;
      }
    }
    return absl::OkStatus();
  }

  absl::Status StartConcept(absl::string_view label, int line) {
    std::string key;
    absl::StatusOr<uint32_t> phrase = AnalyzeTerm(label, line, &key);
    if (!phrase.ok()) return phrase.status();
    if (auto it = term_owners_.find(key); it != term_owners_.end()) {
      const Concept& other = concepts_[it->second.first];
      if (other.terms.front().phrase == *phrase) {
        return Error(line, absl::StrCat("concept ", Echo(label), " is defined twice (first at ",
                                        Where(other.line), ")"));
      }
    }
    current_ = static_cast<uint32_t>(concepts_.size());
    concepts_.push_back({std::string(label), line, {}, {}, {}});
    map_.labels_.push_back(std::string(label));
    if (absl::Status s = CheckNewTerm(current_, label, key, line, false); !s.ok()) return s;
    AddEquivalent(current_, *phrase, key, line);
    return absl::OkStatus();
  }

  // A term may appear once in a concept. A preferred or alternative term
  // belongs to one concept only; an abbreviation may be shared by several
  // concepts but is then no concept's preferred or alternative term.
  absl::Status CheckNewTerm(uint32_t concept, absl::string_view text, const std::string& key,
                            int line, bool abbreviation) const {
    text = absl::StripAsciiWhitespace(text);
    auto twice = [&](int other_line) {
      return Error(line, absl::StrCat("term ", Echo(text), " appears twice in concept ",
                                      Echo(concepts_[concept].label), " (also at ",
                                      Where(other_line), "; terms are compared after analysis)"));
    };
    if (auto owner = term_owners_.find(key); owner != term_owners_.end()) {
      const auto [other, other_line] = owner->second;
      if (other == concept) return twice(other_line);
      return Error(line, absl::StrCat("term ", Echo(text), " already belongs to concept ",
                                      Echo(concepts_[other].label), " (", Where(other_line),
                                      "); a preferred or alternative term belongs to one concept ",
                                      "only (a shared short form belongs in \"abbr:\" of each)"));
    }
    if (auto abbr = abbreviation_owners_.find(key); abbr != abbreviation_owners_.end()) {
      for (const auto& [other, other_line] : abbr->second) {
        if (other == concept) return twice(other_line);
      }
      if (!abbreviation) {
        const auto [other, other_line] = abbr->second.front();
        return Error(line, absl::StrCat("term ", Echo(text), " is already an abbreviation of ",
                                        "concept ", Echo(concepts_[other].label), " (",
                                        Where(other_line), "); a term is either a concept's ",
                                        "preferred/alternative term or an abbreviation"));
      }
    }
    return absl::OkStatus();
  }

  void AddEquivalent(uint32_t concept, uint32_t phrase, const std::string& key, int line) {
    concepts_[concept].terms.push_back({phrase, line});
    term_owners_.emplace(key, std::make_pair(concept, line));
    ++map_.stats_.terms;
  }

  absl::Status ParsePlainLine(absl::string_view line, int line_number) {
    current_ = kNone;
    absl::string_view lhs = line, rhs;
    const size_t arrow = line.find("=>");
    const bool one_way = arrow != absl::string_view::npos;
    if (one_way) {
      lhs = line.substr(0, arrow);
      rhs = line.substr(arrow + 2);
      if (rhs.find("=>") != absl::string_view::npos) {
        return Error(line_number, "more than one \"=>\" in a line");
      }
    }
    auto terms = [&](absl::string_view side, std::vector<uint32_t>* out) -> absl::Status {
      if (absl::StripAsciiWhitespace(side).empty()) return absl::OkStatus();
      for (absl::string_view part : absl::StrSplit(side, ',')) {
        std::string key;
        absl::StatusOr<uint32_t> phrase = AnalyzeTerm(part, line_number, &key);
        if (!phrase.ok()) return phrase.status();
        out->push_back(*phrase);
      }
      return absl::OkStatus();
    };
    std::vector<uint32_t> left, right;
    if (absl::Status s = terms(lhs, &left); !s.ok()) return s;
    if (absl::Status s = terms(rhs, &right); !s.ok()) return s;
    if (one_way ? (left.empty() || right.empty()) : left.size() < 2) {
      return Error(line_number,
                   "expected \"concept: term\", a field line (alt:, abbr:, narrower:, broader:), "
                   "\"a, b, ...\" or \"a => b, ...\" with words on each side");
    }
    const std::vector<uint32_t>& targets = one_way ? right : left;
    for (uint32_t from : left) {
      auto& list = ListFor(from);
      for (uint32_t to : targets) {
        Add(list, from, to, Relation::kEquivalent, 0, SynonymMap::kNoConcept);
      }
    }
    ++map_.stats_.synonym_lines;
    return absl::OkStatus();
  }

  std::vector<SynonymMap::Expansion>& ListFor(uint32_t phrase) {
    return map_.expansions_[absl::StrJoin(map_.phrases_[phrase], " ")];
  }

  static bool Closer(const SynonymMap::Expansion& a, const SynonymMap::Expansion& b) {
    return std::make_pair(a.relation, a.steps) < std::make_pair(b.relation, b.steps);
  }

  static void Add(std::vector<SynonymMap::Expansion>& list, uint32_t from, uint32_t to,
                  Relation relation, size_t steps, uint32_t concept) {
    if (from == to) return;
    const SynonymMap::Expansion added{to, relation,
                                      static_cast<uint8_t>(std::min<size_t>(steps, 255)), concept};
    for (SynonymMap::Expansion& e : list) {
      if (e.phrase != to) continue;
      if (Closer(added, e)) e = added;
      return;
    }
    list.push_back(added);
  }

  absl::Status ResolveReferences() {
    absl::flat_hash_set<std::pair<uint32_t, uint32_t>> seen;
    // Implicit concepts are appended while resolving; they have no
    // references of their own.
    const size_t defined = concepts_.size();
    for (uint32_t c = 0; c < defined; ++c) {
      for (size_t r = 0; r < concepts_[c].references.size(); ++r) {
        const Reference ref = concepts_[c].references[r];
        uint32_t target;
        if (auto it = term_owners_.find(ref.key); it != term_owners_.end()) {
          target = it->second.first;
        } else if (auto ab = abbreviation_owners_.find(ref.key); ab != abbreviation_owners_.end()) {
          if (ab->second.size() > 1) {
            return Error(ref.line,
                         absl::StrCat(Echo(ref.text), " is an abbreviation of ", ab->second.size(),
                                      " concepts; name one of them by ", "its preferred term"));
          }
          target = ab->second.front().first;
        } else {
          target = static_cast<uint32_t>(concepts_.size());
          concepts_.push_back({ref.text, ref.line, {}, {}, {}});
          map_.labels_.push_back(ref.text);
          AddEquivalent(target, phrase_ids_.at(ref.key), ref.key, ref.line);
        }
        const std::string& label = concepts_[c].label;
        if (target == c) {
          return Error(ref.line,
                       absl::StrCat("broader/narrower cycle: ", label, " > ", label,
                                    " (a concept cannot be ", ref.narrower ? "narrower" : "broader",
                                    " than itself)"));
        }
        const uint32_t parent = ref.narrower ? c : target;
        const uint32_t child = ref.narrower ? target : c;
        if (seen.insert({parent, child}).second) edges_.push_back({parent, child, ref.line});
      }
    }
    children_.assign(concepts_.size(), {});
    parents_.assign(concepts_.size(), {});
    for (size_t e = 0; e < edges_.size(); ++e) {
      children_[edges_[e].parent].push_back(e);
      parents_[edges_[e].child].push_back(edges_[e].parent);
    }
    return absl::OkStatus();
  }

  // Depth-first search over narrower edges; an edge to a concept still on
  // the path closes a cycle.
  absl::Status CheckCycles() const {
    enum : uint8_t { kWhite, kGrey, kBlack };
    std::vector<uint8_t> color(concepts_.size(), kWhite);
    struct Frame {
      uint32_t concept;
      size_t next;  // index into children_[concept]
    };
    for (uint32_t root = 0; root < concepts_.size(); ++root) {
      if (color[root] != kWhite) continue;
      std::vector<Frame> path{{root, 0}};
      color[root] = kGrey;
      while (!path.empty()) {
        Frame& top = path.back();
        if (top.next == children_[top.concept].size()) {
          color[top.concept] = kBlack;
          path.pop_back();
          continue;
        }
        const Edge& edge = edges_[children_[top.concept][top.next++]];
        if (color[edge.child] == kGrey) {
          std::vector<std::string> chain;
          bool on = false;
          for (const Frame& f : path) {
            on = on || f.concept == edge.child;
            if (on) chain.push_back(concepts_[f.concept].label);
          }
          chain.push_back(concepts_[edge.child].label);
          return Error(edge.line,
                       absl::StrCat("broader/narrower cycle: ", absl::StrJoin(chain, " > "),
                                    " ('>' = is broader than)"));
        }
        if (color[edge.child] == kWhite) {
          color[edge.child] = kGrey;
          path.push_back({edge.child, 0});
        }
      }
    }
    return absl::OkStatus();
  }

  void Expand() {
    std::vector<std::pair<uint32_t, size_t>> below;  // (concept, steps down)
    std::vector<uint8_t> visited(concepts_.size(), 0);
    for (uint32_t c = 0; c < concepts_.size(); ++c) {
      // Every concept below c, nearest first (breadth-first).
      below.clear();
      below.emplace_back(c, 0);
      visited[c] = 1;
      for (size_t i = 0; i < below.size(); ++i) {
        for (size_t e : children_[below[i].first]) {
          const uint32_t child = edges_[e].child;
          if (!visited[child]) {
            visited[child] = 1;
            below.emplace_back(child, below[i].second + 1);
          }
        }
      }
      for (const auto& [d, steps] : below) visited[d] = 0;
      auto expand_key = [&](uint32_t key) {
        auto& list = ListFor(key);
        for (const Term& t : concepts_[c].terms) {
          Add(list, key, t.phrase, Relation::kEquivalent, 0, c);
        }
        for (size_t i = 1; i < below.size(); ++i) {
          for (const Term& t : concepts_[below[i].first].terms) {
            Add(list, key, t.phrase, Relation::kNarrower, below[i].second, below[i].first);
          }
        }
        for (uint32_t p : parents_[c]) {
          for (const Term& t : concepts_[p].terms) {
            Add(list, key, t.phrase, Relation::kBroader, 1, p);
          }
        }
      };
      for (const Term& t : concepts_[c].terms) expand_key(t.phrase);
      for (const Term& t : concepts_[c].abbreviations) expand_key(t.phrase);
    }
  }

  static constexpr uint32_t kNone = UINT32_MAX;

  const Analyzer& analyzer_;
  const std::string source_;
  SynonymMap map_;
  absl::flat_hash_map<std::string, uint32_t> phrase_ids_;
  std::vector<Concept> concepts_;
  uint32_t current_ = kNone;  // concept that field lines belong to
  // Preferred/alternative term key -> (concept, line).
  absl::flat_hash_map<std::string, std::pair<uint32_t, int>> term_owners_;
  // Abbreviation key -> (concept, line) of each concept that has it.
  absl::flat_hash_map<std::string, std::vector<std::pair<uint32_t, int>>> abbreviation_owners_;
  std::vector<Edge> edges_;
  std::vector<std::vector<size_t>> children_;  // concept -> indices into edges_
  std::vector<std::vector<uint32_t>> parents_;
};

float SynonymMap::ScoreFactor(Relation relation) {
  switch (relation) {
    case Relation::kEquivalent:
      return 0.9f;
    case Relation::kNarrower:
      return 0.75f;
    case Relation::kBroader:
      return 0.3f;
  }
  return 0.6f;
}

absl::string_view SynonymMap::RelationName(Relation relation) {
  switch (relation) {
    case Relation::kEquivalent:
      return "synonym";
    case Relation::kNarrower:
      return "narrower";
    case Relation::kBroader:
      return "broader";
  }
  return "synonym";
}

absl::StatusOr<SynonymMap> SynonymMap::Parse(absl::string_view contents, const Analyzer& analyzer,
                                             absl::string_view source) {
  return ThesaurusParser(analyzer, source).Run(contents);
}

absl::StatusOr<SynonymMap> SynonymMap::Load(const std::string& path, const Analyzer& analyzer) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read synonyms file ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Parse(buffer.str(), analyzer, path);
}

SynonymMap::Match SynonymMap::LongestMatch(const std::vector<std::string>& stems,
                                           size_t pos) const {
  Match match;
  if (expansions_.empty() || pos >= stems.size()) return match;
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
    match.alternatives.reserve(it->second.size());
    match.relations.reserve(it->second.size());
    match.steps.reserve(it->second.size());
    match.concepts.reserve(it->second.size());
    for (const Expansion& e : it->second) {
      match.alternatives.push_back(&phrases_[e.phrase]);
      match.relations.push_back(e.relation);
      match.steps.push_back(e.steps);
      match.concepts.push_back(e.concept == kNoConcept ? nullptr : &labels_[e.concept]);
    }
    return match;
  }
  return match;
}

}  // namespace sofdir::search
