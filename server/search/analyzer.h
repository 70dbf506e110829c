#ifndef SOFDIR_SERVER_SEARCH_ANALYZER_H_
#define SOFDIR_SERVER_SEARCH_ANALYZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/search/text_folder.h"

namespace sofdir::search {

// One word of analysed text.
struct AnalyzedToken {
  std::string surface;  // folded word (see TextFolder), e.g. "misbrugsbehandling"
  std::string stem;     // Snowball Danish stem of `surface`; what the index stores
  uint32_t begin = 0;   // byte range of the word in the analysed text
  uint32_t end = 0;
  bool stop = false;  // a stop word ("og", "for", "hvem" ...)
};

// The text pipeline shared by indexing and querying: TextFolder's tokens and
// folding, then stop words, then Snowball Danish stemming (libstemmer) so that
// inflections meet ("tilbuddene", "tilbud"; "unge", "ung").
//
// Thread-safe: immutable after Create. Stemming uses one libstemmer instance
// and a bounded stem cache per thread.
class Analyzer {
 public:
  // Built-in Danish stop words (Snowball's list plus question words such as
  // "hvem"), used when no file is given.
  static const std::vector<std::string>& DefaultStopWords();

  // Reads stop words from `stopwords_path` (UTF-8, one per line, '#' starts a
  // comment); an empty path uses DefaultStopWords(). Returns NOT_FOUND when
  // the file cannot be read and INTERNAL when libstemmer lacks Danish.
  static absl::StatusOr<std::unique_ptr<Analyzer>> Create(const std::string& stopwords_path);

  // Every word of `text` with offsets, stop words flagged (not removed).
  std::vector<AnalyzedToken> Analyze(absl::string_view text) const;

  // Calls fn(surface, stem) for each word of `text` that is not a stop word.
  template <typename Fn>
  void ForEachTerm(absl::string_view text, Fn&& fn) const {
    TextFolder::ForEachToken(text, [&](std::string& surface, uint32_t, uint32_t) {
      if (stop_words_.contains(surface)) return;
      fn(surface, Stem(surface));
    });
  }

  // The stem of a folded word; digits and words shorter than 3 letters are
  // returned unchanged.
  std::string Stem(absl::string_view surface) const;

  bool IsStopWord(absl::string_view surface) const { return stop_words_.contains(surface); }

 private:
  explicit Analyzer(absl::flat_hash_set<std::string> stop_words)
      : stop_words_(std::move(stop_words)) {}

  const absl::flat_hash_set<std::string> stop_words_;  // folded
};

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_ANALYZER_H_
