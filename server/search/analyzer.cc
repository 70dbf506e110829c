#include "server/search/analyzer.h"

#include <libstemmer.h>

#include <algorithm>
#include <fstream>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace sofdir::search {
namespace {

constexpr size_t kMaxCachedStems = 1 << 18;

// libstemmer instances are not thread-safe, so each thread owns one, with a
// cache because the same words recur across records.
class ThreadStemmer {
 public:
  ThreadStemmer() : stemmer_(sb_stemmer_new("danish", "UTF_8")) {}
  ~ThreadStemmer() {
    if (stemmer_ != nullptr) sb_stemmer_delete(stemmer_);
  }
  ThreadStemmer(const ThreadStemmer&) = delete;
  ThreadStemmer& operator=(const ThreadStemmer&) = delete;

  bool ok() const { return stemmer_ != nullptr; }

  std::string Stem(absl::string_view word) {
    auto it = cache_.find(word);
    if (it != cache_.end()) return it->second;
    if (cache_.size() >= kMaxCachedStems) cache_.clear();
    const sb_symbol* out = sb_stemmer_stem(
        stemmer_, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
    std::string stem = out == nullptr
                           ? std::string(word)
                           : std::string(reinterpret_cast<const char*>(out),
                                         static_cast<size_t>(sb_stemmer_length(stemmer_)));
    cache_.emplace(std::string(word), stem);
    return stem;
  }

 private:
  sb_stemmer* stemmer_;
  absl::flat_hash_map<std::string, std::string> cache_;
};

ThreadStemmer& LocalStemmer() {
  thread_local ThreadStemmer stemmer;
  return stemmer;
}

// Person-noun derivation rules, on folded words (æ, å -> a; ø -> o). A rule
// applies when the word ends in one of its suffixes (tried in order) and at
// least `min_rest` letters are left; the candidates are the rest followed by
// each of `endings`, and, when the rest ends in a double consonant, the rest
// with it undone followed by each of `undoubled_endings` (handicapp-ede ->
// handicap, udviklingshæmm-ede -> udviklingshæmning). The first rule that
// applies is the only one used, so irregular forms come first.
struct DerivationRule {
  std::vector<absl::string_view> suffixes;
  std::vector<absl::string_view> endings;
  std::vector<absl::string_view> undoubled_endings;
  size_t min_rest;
  // Also the rest without a final linking 's' (volds-ramte -> vold).
  bool linking_s = false;
  // A rest ending in 't' also gives -se, -si and the rest without 't'
  // (psykot-iker -> psykose, epilept-iker -> epilepsi, astmat-iker -> astma).
  bool t_to_s = false;
};

const std::vector<DerivationRule>& DerivationRules() {
  static const auto* rules = new std::vector<DerivationRule>{
      // Irregular: strong verbs' participles; "politiker" is no person with
      // politi (police).
      {{"anbragte", "anbragt"}, {"anbringelse"}, {}, 0},
      {{"indlagte", "indlagt"}, {"indlaggelse"}, {}, 0},
      {{"politikerne", "politikeren", "politikere", "politiker"}, {}, {}, 0},
      {{"ramtes", "ramte", "ramt"}, {""}, {}, 3, /*linking_s=*/true},
      {{"syges", "syge", "syg"}, {"sygdom"}, {}, 0},
      {{"ikerne", "ikeren", "ikere", "iker"},
       {"es", "i", "isme", ""},
       {},
       4,
       false,
       /*t_to_s=*/true},
      {{"manerne", "maners", "maner", "manen", "mane", "man"}, {"mani"}, {}, 3},
      {{"isterne", "isten", "ister", "ist"}, {"isme"}, {}, 3},
      {{"ente"}, {"ens"}, {}, 3},
      {{"lidende"}, {"lidelse"}, {}, 0},
      {{"ede"}, {"", "e", "ing", "else"}, {"", "ning"}, 4},
      {{"mmet"}, {"m", "mning", "mmelse"}, {}, 3},
      {{"ppet"}, {"p"}, {}, 3},
      {{"lose"}, {"loshed"}, {}, 2},
      {{"ige"}, {"ighed"}, {}, 4},
      {{"bare"}, {"barhed"}, {}, 2},
      {{"somme"}, {"somhed"}, {}, 2},
      {{"blinde"}, {"blindhed"}, {}, 0},
      {{"dove"}, {"dovhed"}, {}, 0},
  };
  return *rules;
}

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

// Candidate base words (folded surfaces) for `word`, by the first rule that
// applies.
std::vector<std::string> DerivedSurfaces(absl::string_view word) {
  std::vector<std::string> out;
  // A bare rest must be a word of its own, not a fragment.
  auto add = [&](absl::string_view base, absl::string_view ending) {
    if (ending.empty() && base.size() < 3) return;
    out.push_back(absl::StrCat(base, ending));
  };
  for (const DerivationRule& rule : DerivationRules()) {
    for (absl::string_view suffix : rule.suffixes) {
      if (!absl::EndsWith(word, suffix)) continue;
      const absl::string_view rest = word.substr(0, word.size() - suffix.size());
      if (rest.size() < rule.min_rest) return out;
      for (absl::string_view ending : rule.endings) add(rest, ending);
      const size_t n = rest.size();
      if (n >= 3 && rest[n - 1] == rest[n - 2] && !IsVowel(rest[n - 1])) {
        for (absl::string_view ending : rule.undoubled_endings) add(rest.substr(0, n - 1), ending);
      }
      if (rule.linking_s && n > rule.min_rest && rest.back() == 's') {
        for (absl::string_view ending : rule.endings) add(rest.substr(0, n - 1), ending);
      }
      if (rule.t_to_s && n > 0 && rest.back() == 't') {
        const absl::string_view root = rest.substr(0, n - 1);
        add(root, "se");
        add(root, "si");
        add(root, "");
      }
      return out;
    }
  }
  return out;
}

}  // namespace

const std::vector<std::string>& Analyzer::DefaultStopWords() {
  static const auto* words = new std::vector<std::string>{
      // Snowball Danish stop list.
      "og", "i", "jeg", "det", "at", "en", "den", "til", "er", "som", "på", "de", "med", "han",
      "af", "for", "ikke", "der", "var", "mig", "sig", "men", "et", "har", "om", "vi", "min",
      "havde", "ham", "hun", "nu", "over", "da", "fra", "du", "ud", "sin", "dem", "os", "op", "man",
      "hans", "hvor", "eller", "hvad", "skal", "selv", "her", "alle", "vil", "blev", "kunne", "ind",
      "når", "være", "dog", "noget", "ville", "jo", "deres", "efter", "ned", "skulle", "denne",
      "end", "dette", "mit", "også", "under", "have", "dig", "anden", "hende", "mine", "alt",
      "meget", "sit", "sine", "vor", "mod", "disse", "hvis", "din", "nogle", "hos", "blive",
      "mange", "ad", "bliver", "hendes", "været", "thi", "jer", "sådan",
      // Question and filler words of typed queries.
      "hvem", "hvilke", "hvilken", "hvilket", "kan", "ved", "kender", "findes", "nogen"};
  return *words;
}

absl::StatusOr<std::unique_ptr<Analyzer>> Analyzer::Create(const std::string& stopwords_path) {
  if (!LocalStemmer().ok()) {
    return absl::InternalError("libstemmer has no Danish stemmer");
  }
  std::vector<std::string> words;
  if (stopwords_path.empty()) {
    words = DefaultStopWords();
  } else {
    std::ifstream in(stopwords_path);
    if (!in)
      return absl::NotFoundError(absl::StrCat("cannot read stop words file ", stopwords_path));
    std::string line;
    while (std::getline(in, line)) {
      const size_t hash = line.find('#');
      if (hash != std::string::npos) line.resize(hash);
      words.push_back(line);
    }
  }
  absl::flat_hash_set<std::string> folded;
  for (const std::string& w : words) {
    TextFolder::ForEachToken(w,
                             [&](std::string& token, uint32_t, uint32_t) { folded.insert(token); });
  }
  return std::unique_ptr<Analyzer>(new Analyzer(std::move(folded)));
}

std::vector<AnalyzedToken> Analyzer::Analyze(absl::string_view text) const {
  std::vector<AnalyzedToken> out;
  out.reserve(8);  // a query's words, mostly: one allocation, not four
  TextFolder::ForEachToken(text, [&](std::string& surface, uint32_t begin, uint32_t end) {
    AnalyzedToken token;
    token.stop = stop_words_.contains(surface);
    token.stem = Stem(surface);
    token.surface = surface;
    token.begin = begin;
    token.end = end;
    out.push_back(std::move(token));
  });
  return out;
}

std::vector<std::string> Analyzer::DerivedBases(absl::string_view word) const {
  std::string folded;
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return absl::ascii_islower(static_cast<unsigned char>(c));
  });
  if (plain) {
    folded = std::string(word);
    TextFolder::CollapseDanishDigraphs(&folded);
  } else {
    TextFolder::ForEachTokenWhile(word, [&](std::string& token, uint32_t, uint32_t) {
      folded = std::move(token);
      return false;
    });
  }
  std::vector<std::string> out;
  if (folded.size() < 3) return out;
  const std::string own = Stem(folded);
  for (const std::string& surface : DerivedSurfaces(folded)) {
    std::string stem = Stem(surface);
    if (stem == own || std::find(out.begin(), out.end(), stem) != out.end()) continue;
    out.push_back(std::move(stem));
    if (out.size() == kMaxDerivedBases) break;
  }
  return out;
}

std::string Analyzer::Stem(absl::string_view surface) const {
  if (surface.size() < 3 || (surface[0] >= '0' && surface[0] <= '9')) {
    return std::string(surface);
  }
  return LocalStemmer().Stem(surface);
}

}  // namespace sofdir::search
