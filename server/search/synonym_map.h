#ifndef SOFDIR_SERVER_SEARCH_SYNONYM_MAP_H_
#define SOFDIR_SERVER_SEARCH_SYNONYM_MAP_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/search/analyzer.h"

namespace sofdir::search {

// Synonyms and abbreviations applied at query time, read from an
// administrator-edited UTF-8 file (data/synonyms.txt):
//
//   # comment
//   serviceloven, sel                   equivalent phrases (any finds all)
//   spc => socialpsykiatrisk center     one-way: "spc" also finds the right side
//
// Phrases are analysed with the index's Analyzer, so case, æ/ø/å spellings
// and inflections do not matter and stop words inside a phrase are ignored.
//
// Thread-safe: immutable after Parse.
class SynonymMap {
 public:
  // A phrase is a sequence of stems.
  using Phrase = std::vector<std::string>;

  struct Match {
    size_t length = 0;                        // query stems covered; 0 = none
    std::vector<const Phrase*> alternatives;  // other phrases the span may be
  };

  SynonymMap() = default;

  // Parses file contents. Returns INVALID_ARGUMENT naming the line when a
  // line has fewer than two phrases or an empty side of "=>".
  static absl::StatusOr<SynonymMap> Parse(absl::string_view contents, const Analyzer& analyzer);
  // Reads and parses a file; NOT_FOUND when it cannot be read.
  static absl::StatusOr<SynonymMap> Load(const std::string& path, const Analyzer& analyzer);

  // The longest phrase of the map that starts at stems[pos].
  Match LongestMatch(const std::vector<std::string>& stems, size_t pos) const;

  size_t size() const { return expansions_.size(); }

 private:
  std::vector<Phrase> phrases_;
  // Phrase key (stems joined by ' ') -> indices of alternative phrases.
  absl::flat_hash_map<std::string, std::vector<size_t>> expansions_;
  size_t max_length_ = 0;
};

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_SYNONYM_MAP_H_
