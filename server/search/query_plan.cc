// Query plan and expansion: the typed text becomes slots (a word, or a
// span a synonym covers), each with the clauses that match it (the word,
// typos, completions, compound parts, synonyms) and its idf weight
// (contracts in index_state.h).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/search/decompounder.h"
#include "server/search/index_state.h"
#include "server/search/text_folder.h"

namespace sofdir::search::internal {
namespace {

constexpr size_t kMaxQueryWords = 24;
constexpr int kMaxTypoCandidates = 8;
constexpr int kMaxPrefixCandidates = 10;
constexpr int kMaxPrefixScan = 400;

// Query-side factors: how much a way of matching a word is worth.
constexpr float kCompoundFactor = 0.85f;
constexpr float kSynonymFactor = 0.9f;
// A person noun's base ("ludomaner" -> ludomani): below the word itself.
constexpr float kDerivedFactor = 0.85f;
// Thesaurus alternatives of one span that are expanded, nearest first: a
// very broad concept ("handicap") has a hundred narrower phrases.
constexpr size_t kMaxThesaurusAlternatives = 8;
constexpr float kPrefixFactor = 0.8f;
constexpr float kOneTypoFactor = 0.7f;
constexpr float kTwoTypoFactor = 0.5f;

int MaxTypos(size_t length) {
  if (length < 5) return 0;
  if (length <= 8) return 1;
  return 2;
}

// Optimal string alignment distance, or max+1 when it exceeds `max`.
int BoundedDistance(absl::string_view a, absl::string_view b, int max) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > max) return max + 1;
  int rows[3][kMaxTokenBytes + 2];
  int* prev2 = rows[0];
  int* prev = rows[1];
  int* cur = rows[2];
  for (int j = 0; j <= m; ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        v = std::min(v, prev2[j - 2] + 1);
      }
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > max) return max + 1;
    int* t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

// The age that tokens[i] and tokens[i + 1] name, as in "14 år", "14 årig",
// "17-årige", or -1. Tokens are folded: "år" is "ar".
int TypedAge(const std::vector<AnalyzedToken>& tokens, size_t i) {
  if (i + 1 >= tokens.size()) return -1;
  const std::string& number = tokens[i].surface;
  if (number.empty() || number.size() > 3 || !absl::c_all_of(number, absl::ascii_isdigit)) {
    return -1;
  }
  const std::string& unit = tokens[i + 1].surface;
  if (unit != "ar" && unit != "arig" && unit != "arige") return -1;
  const int age = std::stoi(number);
  return age <= 120 ? age : -1;
}

// True for a word of digits only.
bool IsNumber(const std::string& word) {
  return !word.empty() && absl::c_all_of(word, [](char c) { return absl::ascii_isdigit(c); });
}

// True when `clause` requires every one of `terms` (none: false).
bool Subsumes(const Clause& clause, const std::vector<uint32_t>& terms) {
  if (terms.empty()) return false;
  for (uint32_t t : terms) {
    const bool held = absl::c_any_of(
        clause.parts, [&](const Part& p) { return p.alts.size() == 1 && p.alts[0].term == t; });
    if (!held) return false;
  }
  return true;
}

// Drops the thesaurus phrases (clauses from `first` on) that need a word
// another clause of the slot matches alone, at no lower factor: "personlig
// recovery" finds only records that "recovery" finds. Reading such a phrase
// costs an intersection of long lists for no record more.
void DropNarrowerPhrases(size_t first, std::vector<Clause>* clauses) {
  auto covered = [&](const Clause& phrase) {
    for (const Clause& other : *clauses) {
      if (other.parts.size() != 1 || other.factor < phrase.factor) continue;
      for (const Alt& alt : other.parts[0].alts) {
        if (alt.factor < 1.0f) continue;
        for (const Part& p : phrase.parts) {
          if (p.alts.size() == 1 && p.alts[0].term == alt.term) return true;
        }
      }
    }
    return false;
  };
  size_t kept = first;
  for (size_t c = first; c < clauses->size(); ++c) {
    if ((*clauses)[c].parts.size() > 1 && covered((*clauses)[c])) continue;
    if (kept != c) (*clauses)[kept] = std::move((*clauses)[c]);
    ++kept;
  }
  clauses->resize(kept);
}

// The join of `clause`'s words, when it is a phrase of one word per part
// that the index keeps joined; else PhraseJoins::kNone.
uint32_t JoinOf(const IndexState& st, const Clause& clause) {
  if (clause.parts.size() < 2) return PhraseJoins::kNone;
  thread_local std::vector<uint32_t> words;  // reused: a plan has dozens of phrases
  words.clear();
  for (const Part& p : clause.parts) {
    if (p.alts.size() != 1) return PhraseJoins::kNone;
    words.push_back(p.alts[0].term);
  }
  return st.joins.Find(words);
}

// Clause of synonym `phrase` (stems), or false when a word of it is in no
// record. The caller names it (`Clause::label`) once it keeps it.
bool PhraseClause(const IndexState& st, const SynonymMap::Phrase& phrase, float factor,
                  Clause* c) {
  c->factor = factor;
  c->parts.reserve(phrase.size());
  for (const std::string& stem : phrase) {
    auto t = st.term_ids.find(stem);
    if (t == st.term_ids.end() || st.terms[t->second].postings.empty()) return false;
    c->parts.push_back(Part{{Alt{t->second, 1.0f, "synonym"}}});
  }
  return true;
}

}  // namespace

std::vector<Alt> IndexState::TypoAlts(const std::string& word, bool typed_danish, uint32_t exclude,
                                      std::string* best) const {
  std::vector<Alt> out;
  // The budget counts letters: the folded word, where "ae", "oe" and "aa"
  // are one letter as æ, ø and å are ("boern" is the 4-letter "børn").
  const int max = MaxTypos(word.size());
  if (max == 0 || word.size() > kMaxTokenBytes) return out;
  struct Cand {
    int distance;
    uint32_t count;
    uint32_t sid;
  };
  std::vector<Cand> cands;
  const size_t lo = word.size() > static_cast<size_t>(max) ? word.size() - max : 1;
  const size_t hi = std::min(word.size() + max, surfaces_by_shape.size() - 1);
  const auto first = static_cast<uint8_t>(word[0]);
  for (size_t len = lo; len <= hi && len < surfaces_by_shape.size(); ++len) {
    for (uint32_t sid : surfaces_by_shape[len][first]) {
      const Surface& s = surfaces[sid];
      if (s.stop || terms[s.term].postings.empty()) continue;
      // Folding made "æ" and "a" one letter; a word typed with æ, ø or å
      // that no record spells so ("ældre" -> "andre") has one edit already.
      const int spent = typed_danish && !s.danish() ? 1 : 0;
      if (spent >= max) continue;
      const int d = BoundedDistance(word, s.text, max - spent) + spent;
      if (d <= max && d > spent) cands.push_back({d, s.count, sid});
    }
  }
  std::sort(cands.begin(), cands.end(), [](const Cand& x, const Cand& y) {
    return x.distance != y.distance ? x.distance < y.distance : x.count > y.count;
  });
  absl::flat_hash_set<uint32_t> seen{exclude};
  for (const Cand& c : cands) {
    const uint32_t term = surfaces[c.sid].term;
    if (!seen.insert(term).second) continue;
    if (out.empty()) *best = surfaces[c.sid].text;
    out.push_back({term, c.distance == 1 ? kOneTypoFactor : kTwoTypoFactor, "typo", c.sid});
    if (static_cast<int>(out.size()) >= kMaxTypoCandidates) break;
  }
  return out;
}

std::vector<Alt> IndexState::PrefixAlts(const std::string& word, uint32_t exclude) const {
  std::vector<Alt> out;
  if (word.size() < 3) return out;
  struct Cand {
    size_t df;
    uint32_t term;
    uint32_t sid;
  };
  std::vector<Cand> cands;
  absl::flat_hash_set<uint32_t> seen{exclude};
  int scanned = 0;
  for (auto it = sorted_surfaces.lower_bound(word);
       it != sorted_surfaces.end() && absl::StartsWith(*it, word) && scanned < kMaxPrefixScan;
       ++it, ++scanned) {
    const uint32_t sid = surface_ids.at(*it);
    if (surfaces[sid].stop) continue;
    // A compound the word begins and that the index split into parts
    // ("handicap" -> "handicapområdet") is already found through its part:
    // completing to it would read a long list for nothing new.
    if (exclude != UINT32_MAX && absl::c_linear_search(surfaces[sid].parts, exclude)) continue;
    const uint32_t term = surfaces[sid].term;
    if (!seen.insert(term).second) continue;
    const size_t df = terms[term].postings.size();
    if (df > 0) cands.push_back({df, term, sid});
  }
  std::sort(cands.begin(), cands.end(), [](const Cand& x, const Cand& y) { return x.df > y.df; });
  for (const Cand& c : cands) {
    out.push_back({c.term, kPrefixFactor, "prefix", c.sid});
    if (static_cast<int>(out.size()) >= kMaxPrefixCandidates) break;
  }
  return out;
}

bool IndexState::CompoundClause(absl::string_view word, float factor, Clause* clause,
                                const SynonymMap* synonyms) const {
  if (word.size() < Decompounder::kMinWord) return false;
  std::vector<std::string> parts;
  auto known = surface_ids.find(word);
  if (known != surface_ids.end() && surfaces[known->second].split_done) {
    if (surfaces[known->second].parts.empty()) return false;
  }
  parts = SplitCompound(word);
  if (parts.size() < 2) return false;
  clause->parts.clear();
  for (const std::string& p : parts) {
    const std::string stem = analyzer->Stem(p);
    auto t = term_ids.find(stem);
    if (t == term_ids.end() || terms[t->second].postings.empty()) return false;
    Part part{{Alt{t->second, 1.0f, "part"}}};
    if (synonyms != nullptr) {
      // Equivalents only: a part's narrower or broader terms would make the
      // compound something else.
      synonyms->ForEachEquivalent(stem, [&](const SynonymMap::Phrase& phrase) {
        // One word, and a word: "§ 109" (for krisecenter) is no part.
        if (phrase.size() != 1 || absl::c_any_of(phrase[0], absl::ascii_isdigit)) return;
        auto alt = term_ids.find(phrase[0]);
        if (alt == term_ids.end() || alt->second == t->second ||
            terms[alt->second].postings.empty()) {
          return;
        }
        part.alts.push_back(Alt{alt->second, kSynonymFactor, "part synonym"});
      });
    }
    clause->parts.push_back(std::move(part));
  }
  clause->factor = factor;
  clause->label = absl::StrCat("compound ", absl::StrJoin(parts, "+"));
  return true;
}

Part IndexState::WordPart(const AnalyzedToken& w, absl::string_view typed, bool prefix,
                          const SynonymMap& synonyms, const std::vector<std::string>& bases,
                          std::vector<Clause>* extra) const {
  Part part;
  uint32_t exact = UINT32_MAX;
  size_t df = 0;
  auto t = term_ids.find(w.stem);
  // A word typed in the form the stemmer leaves words in ("hjemløs", the
  // stem of "hjemløse") is that word, though the stemmer cuts it further.
  if (t == term_ids.end() || terms[t->second].postings.empty()) t = term_ids.find(w.surface);
  if (t != term_ids.end() && !terms[t->second].postings.empty()) {
    exact = t->second;
    df = terms[exact].postings.size();
    part.alts.push_back({exact, 1.0f, "word"});
  }
  if (df <= 2) {
    std::string corrected;
    std::vector<Alt> typos = TypoAlts(w.surface, SpelledDanish(typed), exact, &corrected);
    if (extra != nullptr && !typos.empty()) {
      // The best correction may itself be a compound whose parts match.
      Clause c;
      if (CompoundClause(corrected, kCompoundFactor * typos[0].factor, &c, &synonyms)) {
        c.label += " (after typo)";
        extra->push_back(std::move(c));
      }
      // A word no record has is read as its best correction, synonyms too.
      const SynonymMap::Match m = synonyms.LongestMatch({terms[typos[0].term].text}, 0);
      for (size_t a = 0; exact == UINT32_MAX && m.length == 1 && a < m.alternatives.size() &&
                         a < kMaxThesaurusAlternatives;
           ++a) {
        if (m.relations[a] != SynonymMap::Relation::kEquivalent) continue;
        Clause sc;
        if (PhraseClause(*this, *m.alternatives[a], kSynonymFactor * typos[0].factor, &sc)) {
          sc.label = absl::StrCat("synonym \"", absl::StrJoin(*m.alternatives[a], " "),
                                  "\" (after typo)");
          extra->push_back(std::move(sc));
        }
      }
    }
    if (extra != nullptr && typos.empty() && exact == UINT32_MAX) {
      Clause c;
      if (CompoundTypoClause(w.surface, &c)) extra->push_back(std::move(c));
    }
    for (Alt& a : typos) part.alts.push_back(std::move(a));
  }
  for (const std::string& base : bases) {
    auto b = term_ids.find(base);
    if (b == term_ids.end() || b->second == exact || terms[b->second].postings.empty()) continue;
    if (absl::c_any_of(part.alts, [&](const Alt& a) { return a.term == b->second; })) continue;
    part.alts.push_back({b->second, kDerivedFactor, "derived"});
  }
  if (prefix) {
    for (Alt& a : PrefixAlts(w.surface, exact)) part.alts.push_back(std::move(a));
  }
  return part;
}

bool IndexState::CompoundTypoClause(const std::string& word, Clause* clause) const {
  constexpr size_t kMinPart = Decompounder::kMinPart;
  constexpr size_t kMinTypoPart = 5;  // the shortest word with a typo budget
  if (word.size() < kMinPart + kMinTypoPart || word.size() > kMaxTokenBytes) return false;
  if (SplitCompound(word).size() >= 2) return false;  // it splits as typed (CompoundClause)
  // Cuts where one side is a word of the index and the other is not; the
  // longest known side first. A linking -s- or -e- may end the left side.
  struct Cut {
    std::string known, rest;
    bool known_left;
  };
  std::vector<Cut> cuts;
  for (size_t i = kMinPart; i + kMinPart <= word.size(); ++i) {
    const std::string right = word.substr(i);
    for (int link = 0; link <= 1; ++link) {
      if (link == 1 && ((word[i - 1] != 's' && word[i - 1] != 'e') || i - 1 < kMinPart)) continue;
      const std::string left = word.substr(0, i - link);
      const bool left_word = IsWord(left), right_word = IsWord(right);
      if (left_word == right_word) continue;
      const std::string& rest = left_word ? right : left;
      if (rest.size() < kMinTypoPart) continue;
      cuts.push_back({left_word ? left : right, rest, left_word});
    }
  }
  std::stable_sort(cuts.begin(), cuts.end(),
                   [](const Cut& a, const Cut& b) { return a.known.size() > b.known.size(); });
  constexpr size_t kMaxCutsTried = 3;  // each costs a typo scan
  for (size_t k = 0; k < cuts.size() && k < kMaxCutsTried; ++k) {
    const Cut& cut = cuts[k];
    auto known = term_ids.find(analyzer->Stem(cut.known));
    if (known == term_ids.end() || terms[known->second].postings.empty()) continue;
    std::string corrected;
    std::vector<Alt> typos = TypoAlts(cut.rest, false, known->second, &corrected);
    if (typos.empty()) continue;
    Part known_part{{Alt{known->second, 1.0f, "part"}}};
    Part typo_part;
    typo_part.alts.assign(std::make_move_iterator(typos.begin()),
                          std::make_move_iterator(typos.end()));
    clause->parts.clear();
    clause->parts.push_back(cut.known_left ? std::move(known_part) : std::move(typo_part));
    clause->parts.push_back(cut.known_left ? std::move(typo_part) : std::move(known_part));
    clause->factor = kCompoundFactor * clause->parts[cut.known_left ? 1 : 0].alts[0].factor;
    clause->label = absl::StrCat("compound ", cut.known_left ? cut.known : corrected, "+",
                                 cut.known_left ? corrected : cut.known, " (after typo)");
    return true;
  }
  return false;
}

void IndexState::CapAlternatives(float typed_weight, Slot* slot) const {
  if (typed_weight <= 0) return;
  auto cap = [&](float weight, float factor) {
    return weight > typed_weight ? factor * typed_weight / weight : factor;
  };
  for (size_t c = 0; c < slot->clauses.size(); ++c) {
    Clause& clause = slot->clauses[c];
    if (c == 0) {  // the typed word: a person noun's base and completions are capped
      for (Part& part : clause.parts) {
        for (Alt& alt : part.alts) {
          const absl::string_view label(alt.label);
          if (label == "derived" || label == "prefix") alt.factor = cap(Idf(alt.term), alt.factor);
        }
      }
      continue;
    }
    if (absl::StartsWith(clause.label, "compound")) continue;  // the word itself, split
    // A phrase weighs what its words weigh together.
    float weight = 0;
    for (const Part& part : clause.parts) {
      if (!part.alts.empty()) weight += Idf(part.alts[0].term);
    }
    if (weight <= typed_weight) continue;
    for (Part& part : clause.parts) {
      for (Alt& alt : part.alts) alt.factor *= typed_weight / weight;
    }
  }
}

void IndexState::SetAnalyzer(const Analyzer* a) {
  analyzer = a;
  for (int k = 0; k < kNumKinds; ++k) {
    kind_stems[k].clear();
    a->ForEachTerm(kKindWords[k], [&](const std::string&, const std::string& stem) {
      kind_stems[k].push_back(stem);
    });
  }
}

Plan IndexState::MakePlan(absl::string_view typed, bool allow_prefix,
                          const SynonymMap& synonyms) const {
  Plan plan;
  std::string composed;  // token ranges refer to the NFC form
  const absl::string_view text = TextFolder::Composed(typed, &composed);
  std::vector<AnalyzedToken> tokens = analyzer->Analyze(text);
  std::vector<AnalyzedToken> words;
  words.reserve(tokens.size());
  std::vector<bool> age_word;   // per word: part of the typed age
  size_t age_token = SIZE_MAX;  // where in `tokens` the age is
  for (size_t i = 0; i < tokens.size(); ++i) {
    AnalyzedToken& tok = tokens[i];
    if (tok.surface == "hvem") plan.who = true;
    if (plan.age < 0) {
      if (const int a = TypedAge(tokens, i); a >= 0) {
        plan.age = a;
        age_token = i;
      }
    }
    if (tok.stop || tok.surface.size() > kMaxTokenBytes) continue;
    age_word.push_back(plan.age >= 0 && (i == age_token || i == age_token + 1));
    words.push_back(std::move(tok));
    if (words.size() >= kMaxQueryWords) break;
  }
  if (words.empty()) return plan;
  const bool last_prefix = allow_prefix && !tokens.empty() && tokens.back().end == text.size() &&
                           !tokens.back().stop && words.back().end == tokens.back().end;
  std::vector<std::string> stems;
  for (const auto& w : words) {
    for (int k = 0; k < kNumKinds; ++k) {
      if (absl::c_linear_search(kind_stems[k], w.stem)) {
        plan.kinds_asked |= static_cast<uint8_t>(1u << k);
      }
    }
    stems.push_back(w.stem);
    if (!plan.name_key.empty()) plan.name_key += ' ';
    plan.name_key += w.stem;
  }
  // Each word's person-noun bases, derived once for both uses below.
  std::vector<std::vector<std::string>> bases;
  bases.reserve(words.size());
  for (const auto& w : words) bases.push_back(analyzer->DerivedBases(w.surface));
  plan.slots.reserve(words.size());
  for (size_t i = 0; i < words.size();) {
    SynonymMap::Match m = synonyms.LongestMatch(stems, i);
    // A person noun the thesaurus does not hold ("narkomaner") is looked
    // up by its base ("narkomani"), a little below the base itself.
    float via_base = 1.0f;
    if (m.length == 0) {
      for (const std::string& base : bases[i]) {
        SynonymMap::Match b = synonyms.LongestMatch({base}, 0);
        if (b.length != 1) continue;
        m = std::move(b);
        via_base = kDerivedFactor;
        break;
      }
    }
    const size_t len = std::max<size_t>(1, m.length);
    Slot slot;
    std::vector<Clause> extra;
    Clause main;
    for (size_t j = i; j < i + len; ++j) {
      if (!slot.text.empty()) slot.text += ' ';
      slot.text += words[j].surface;
      const bool prefix = last_prefix && j + 1 == words.size();
      const absl::string_view typed_word =
          text.substr(words[j].begin, words[j].end - words[j].begin);
      main.parts.push_back(
          WordPart(words[j], typed_word, prefix, synonyms, bases[j], len == 1 ? &extra : nullptr));
    }
    slot.typed = std::string(text.substr(words[i].begin, words[i + len - 1].end - words[i].begin));
    main.label = len == 1 ? "" : "phrase";
    bool main_ok = true;
    for (const Part& p : main.parts) main_ok = main_ok && !p.alts.empty();
    // The span's words as typed (each part's first alternative when it is
    // the word itself), for Subsumes.
    std::vector<uint32_t> main_terms;
    for (const Part& p : main.parts) {
      if (!p.alts.empty() && p.alts[0].factor == 1.0f) main_terms.push_back(p.alts[0].term);
    }
    if (main_terms.size() != main.parts.size()) main_terms.clear();
    if (main_ok) slot.clauses.push_back(std::move(main));
    if (len == 1) {
      Clause c;
      if (CompoundClause(words[i].surface, kCompoundFactor, &c, &synonyms)) {
        slot.clauses.push_back(c);
      }
    }
    for (Clause& c : extra) slot.clauses.push_back(std::move(c));
    const size_t first_thesaurus = slot.clauses.size();
    for (size_t a = 0; a < m.alternatives.size() && a < kMaxThesaurusAlternatives; ++a) {
      const SynonymMap::Phrase* phrase = m.alternatives[a];
      // A bare number ("110" of "§ 110") would match house numbers and
      // postcodes; the law's notation is read by the query rules instead.
      if (absl::c_all_of(*phrase, IsNumber)) continue;
      Clause c;
      const SynonymMap::Relation relation = m.relations[a];
      float factor = SynonymMap::ScoreFactor(relation) * via_base;
      for (int step = 1; step < m.steps[a]; ++step) factor *= 0.9f;
      // A phrase that holds every word of the span as typed finds nothing
      // the span does not; it would only cost time.
      if (PhraseClause(*this, *phrase, factor, &c) && !Subsumes(c, main_terms)) {
        c.label = absl::StrCat(SynonymMap::RelationName(relation), " \"",
                               absl::StrJoin(*phrase, " "), "\"");
        slot.clauses.push_back(std::move(c));
      }
    }
    DropNarrowerPhrases(first_thesaurus, &slot.clauses);
    // A slot weighs what the typed words weigh; synonyms and compound
    // parts widen what matches but do not make the word more important.
    for (size_t c = 0; c < slot.clauses.size(); ++c) {
      float clause_weight = 0;
      for (const Part& p : slot.clauses[c].parts) {
        // The first alternative is the word itself, else its best typo
        // correction; prefixes and typos must not inflate its weight.
        if (!p.alts.empty()) clause_weight += Idf(p.alts[0].term) * p.alts[0].factor;
      }
      if (c == 0 && main_ok) {
        slot.weight = clause_weight;
      } else if (!main_ok) {
        slot.weight = std::max(
            slot.weight, clause_weight * slot.clauses[c].factor / slot.clauses[c].parts.size());
      }
    }
    // What the word may become never outweighs the word as typed: a
    // synonym, a narrower or broader term or a person noun's base that is
    // rarer than the typed word would otherwise score above an exact match.
    // Each is weighed at most as the typed word is (as Lucene's synonym
    // query blends the terms' document frequencies), and then by its factor.
    if (main_ok && len == 1) CapAlternatives(slot.weight, &slot);
    // The words of a typed age ("14 årig") add to a record's score where
    // it has them, but a record need not: the age is a preference.
    slot.optional = plan.age >= 0 && absl::c_linear_search(age_word, false);
    for (size_t j = i; j < i + len && slot.optional; ++j) slot.optional = age_word[j];
    if (slot.optional) slot.weight = 0;
    for (Clause& c : slot.clauses) c.join = JoinOf(*this, c);
    plan.slots.push_back(std::move(slot));
    i += len;
  }
  SetTerms(&plan);
  return plan;
}

void IndexState::SetTerms(Plan* plan) {
  plan->terms.clear();
  for (const Slot& slot : plan->slots) {
    for (const Clause& clause : slot.clauses) {
      for (const Part& part : clause.parts) {
        for (const Alt& alt : part.alts) plan->terms.insert(alt.term);
      }
    }
  }
}

bool IndexState::DropUnmatchedSlots(Plan* plan, Scratch& s,
                                    std::vector<std::string>* unmatched) const {
  bool dropped = false;
  for (Slot& slot : plan->slots) {
    if (slot.optional) continue;
    bool any = false;
    for (const Clause& clause : slot.clauses) {
      if (clause.parts.size() == 1) {
        for (const Alt& alt : clause.parts[0].alts) any = any || !terms[alt.term].postings.empty();
      } else {
        s.all_bits.assign(docs.size() / 64 + 1, ~uint64_t{0});
        ClauseBits(clause, s);
        for (uint64_t word : s.clause_bits) any = any || word != 0;
      }
      if (any) break;
    }
    if (any || slot.clauses.empty()) continue;
    slot.clauses.clear();
    unmatched->push_back(slot.typed);
    dropped = true;
  }
  if (dropped) SetTerms(plan);  // snippets mark only what the remaining words match
  return dropped;
}

}  // namespace sofdir::search::internal
