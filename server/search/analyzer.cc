#include "server/search/analyzer.h"

#include <libstemmer.h>

#include <fstream>

#include "absl/container/flat_hash_map.h"
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

std::string Analyzer::Stem(absl::string_view surface) const {
  if (surface.size() < 3 || (surface[0] >= '0' && surface[0] <= '9')) {
    return std::string(surface);
  }
  return LocalStemmer().Stem(surface);
}

}  // namespace sofdir::search
