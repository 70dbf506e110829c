#ifndef SOFDIR_SERVER_SEARCH_DECOMPOUNDER_H_
#define SOFDIR_SERVER_SEARCH_DECOMPOUNDER_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"

namespace sofdir::search {

// Splits Danish compound words into parts that are words of the index, so
// that "misbrugsbehandling" meets "behandling af misbrug": the linking -s- and
// -e- between parts are dropped ("misbrug|s|behandling", "kvinde|krisecenter").
//
// Thread-safe: stateless; `is_word` must be safe to call from the caller's
// thread.
class Decompounder {
 public:
  static constexpr size_t kMinPart = 4;  // shorter parts are too ambiguous
  static constexpr size_t kMinWord = 2 * kMinPart;

  // Returns the split of the folded word `word` into the fewest parts that
  // all satisfy `is_word` (ties: the longest shortest part), or an empty
  // vector when there is none or `word` is shorter than kMinWord.
  static std::vector<std::string> Split(absl::string_view word,
                                        const std::function<bool(absl::string_view)>& is_word);
};

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_DECOMPOUNDER_H_
