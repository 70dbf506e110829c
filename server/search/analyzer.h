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

  static constexpr size_t kMaxDerivedBases = 8;

  // Danish derivational morphology of person nouns: for a word that names
  // people by a condition or need, the index terms (stems, as Stem returns)
  // of candidate base words, so a query for the people also finds records
  // that name the condition:
  //
  //   -ramte/-ramt        kræftramte -> kræft, voldsramte -> vold
  //   -syge/-syg          syge -> sygdom, sindssyge -> sindssygdom
  //   -ikere/-iker...     diabetikere -> diabetes, alkoholikere -> alkohol,
  //                       alkoholisme, epileptikere -> epilepsi,
  //                       psykotikere -> psykose, allergikere -> allergi
  //   -maner/-man...      ludomaner -> ludomani, narkomaner -> narkomani
  //   -ister/-ist...      autister -> autisme
  //   -ente               demente -> demens
  //   -lidende            sindslidende -> sindslidelse
  //   -ede, -mmet, -ppet  gangbesværede -> gangbesvær, handicappede/-et ->
  //                       handicap, udviklingshæmmede/-hæmmet ->
  //                       udviklingshæmning, hjerneskadede -> hjerneskade,
  //                       traumatiserede -> traumatisering, lammede ->
  //                       lammelse
  //   -løse, -ige, -bare, -somme, -blinde, -døve (adjectives as nouns)
  //                       hjemløse -> hjemløshed, afhængige -> afhængighed,
  //                       sårbare -> sårbarhed, ensomme -> ensomhed
  //
  // plus a few irregular forms (anbragte -> anbringelse, indlagte ->
  // indlæggelse; "politikere" gives nothing: politi is not its base). The
  // first rule whose suffix fits applies, also inside compounds
  // ("tvangsanbragte", "stofafhængige"). Forms the stemmer already joins
  // need no rule: "misbrugere", "selvskadere" and "stofbrugere" have the
  // stem of "misbrug", "selvskade" and "stofbrug". Ordinary words ("unge",
  // "ældre", "andre", "flere", "medarbejdere", "borgere") give nothing.
  //
  // The rules over-generate a little (several spellings per suffix): the
  // caller keeps only terms its index holds and should score them below the
  // word itself. Returns at most kMaxDerivedBases stems, most likely first,
  // never the word's own stem; empty when no rule applies. `word` is one
  // word, folded (AnalyzedToken::surface) or as typed.
  std::vector<std::string> DerivedBases(absl::string_view word) const;

 private:
  explicit Analyzer(absl::flat_hash_set<std::string> stop_words)
      : stop_words_(std::move(stop_words)) {}

  const absl::flat_hash_set<std::string> stop_words_;  // folded
};

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_ANALYZER_H_
