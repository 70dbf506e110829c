#include "server/search/decompounder.h"

#include <algorithm>

namespace sofdir::search {
namespace {

size_t ShortestPart(const std::vector<std::string>& parts) {
  size_t shortest = SIZE_MAX;
  for (const auto& p : parts) shortest = std::min(shortest, p.size());
  return shortest;
}

bool Better(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (b.empty()) return true;
  if (a.size() != b.size()) return a.size() < b.size();
  return ShortestPart(a) > ShortestPart(b);
}

std::vector<std::string> SplitRec(absl::string_view word,
                                  const std::function<bool(absl::string_view)>& is_word,
                                  int depth) {
  std::vector<std::string> best;
  if (word.size() < Decompounder::kMinWord || depth > 3) return best;
  for (size_t i = Decompounder::kMinPart; i + Decompounder::kMinPart <= word.size(); ++i) {
    const absl::string_view right = word.substr(i);
    for (int link = 0; link <= 1; ++link) {
      if (link == 1) {
        const char c = word[i - 1];
        if ((c != 's' && c != 'e') || i - 1 < Decompounder::kMinPart) continue;
      }
      const absl::string_view left = word.substr(0, i - link);
      if (!is_word(left)) continue;
      if (is_word(right)) {
        std::vector<std::string> candidate{std::string(left), std::string(right)};
        if (Better(candidate, best)) best = std::move(candidate);
      }
      if (best.size() == 2) continue;  // a longer split cannot beat two parts
      std::vector<std::string> rest = SplitRec(right, is_word, depth + 1);
      if (!rest.empty()) {
        std::vector<std::string> candidate{std::string(left)};
        candidate.insert(candidate.end(), rest.begin(), rest.end());
        if (Better(candidate, best)) best = std::move(candidate);
      }
    }
  }
  return best;
}

}  // namespace

std::vector<std::string> Decompounder::Split(
    absl::string_view word, const std::function<bool(absl::string_view)>& is_word) {
  return SplitRec(word, is_word, 0);
}

}  // namespace sofdir::search
