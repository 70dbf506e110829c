// Snippets and highlighting: the passage of a hit that shows why it
// matched, with the matched words marked «thus» (contracts in
// index_state.h).

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/search/index_state.h"
#include "server/search/text_folder.h"

namespace sofdir::search::internal {
namespace {

// True when `needle` occurs in `word`. A word is a few bytes long: a loop
// over its letters costs less than a call to memchr.
bool Contains(const std::string& word, absl::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > word.size()) return false;
  const char first = needle[0];
  const size_t last = word.size() - needle.size();
  for (size_t i = 0; i <= last; ++i) {
    if (word[i] == first && word.compare(i, needle.size(), needle.data(), needle.size()) == 0) {
      return true;
    }
  }
  return false;
}

// The letter pairs that begin the needles, as bits: a word holds a needle
// only if it holds the needle's first pair, so a word none of whose pairs
// begins a needle is ruled out by one look at each of its pairs instead of
// a search for each needle.
class PairFilter {
 public:
  explicit PairFilter(const std::vector<absl::string_view>& needles) {
    for (absl::string_view n : needles) {
      if (n.size() < 2) {
        all_ = true;  // a one-letter needle may be in any word
        return;
      }
      const size_t k = Key(n[0], n[1]);
      bits_[k >> 6] |= uint64_t{1} << (k & 63);
    }
  }

  // False only when `word` contains no needle.
  bool MayContain(const std::string& word) const {
    if (all_) return true;
    for (size_t i = 0; i + 1 < word.size(); ++i) {
      const size_t k = Key(word[i], word[i + 1]);
      if ((bits_[k >> 6] >> (k & 63) & 1) != 0) return true;
    }
    return false;
  }

 private:
  // Any two bytes have a key, so no word that holds a needle is ruled out;
  // folded words are mostly lower-case letters, which the low five bits of
  // each byte keep apart.
  static size_t Key(char a, char b) {
    return (static_cast<size_t>(static_cast<unsigned char>(a) & 31) << 5) |
           (static_cast<unsigned char>(b) & 31);
  }

  std::array<uint64_t, 16> bits_{};  // 1024 pairs
  bool all_ = false;
};

}  // namespace

bool IndexState::TokenMatches(const std::string& surface,
                              const absl::flat_hash_set<uint32_t>& want) const {
  auto sit = surface_ids.find(surface);
  if (sit != surface_ids.end()) {
    const Surface& s = surfaces[sit->second];
    if (s.stop) return false;
    if (want.contains(s.term)) return true;
    for (uint32_t p : s.parts) {
      if (want.contains(p)) return true;
    }
    return false;
  }
  if (analyzer->IsStopWord(surface)) return false;
  auto t = term_ids.find(analyzer->Stem(surface));
  return t != term_ids.end() && want.contains(t->second);
}

std::string IndexState::Highlight(absl::string_view stored,
                                  const absl::flat_hash_set<uint32_t>& want,
                                  const std::vector<absl::string_view>* needles) const {
  std::string composed;
  const absl::string_view text = TextFolder::Composed(stored, &composed);
  constexpr uint32_t kBefore = 60, kLength = 220;
  thread_local std::vector<std::pair<uint32_t, uint32_t>> hits, words;  // reused
  hits.clear();
  words.clear();
  uint32_t stop_at = UINT32_MAX;
  std::optional<PairFilter> filter;
  if (needles != nullptr) filter.emplace(*needles);
  TextFolder::ForEachTokenWhile(text, [&](std::string& token, uint32_t b, uint32_t e) {
    if (b > stop_at) return false;
    words.push_back({b, e});
    // A word too long to be indexed is not among the doc's own terms: it
    // is always looked up.
    if (needles != nullptr && token.size() <= kMaxTokenBytes &&
        (!filter->MayContain(token) ||
         std::none_of(needles->begin(), needles->end(),
                      [&](absl::string_view n) { return Contains(token, n); }))) {
      return true;
    }
    if (!TokenMatches(token, want)) return true;
    hits.push_back({b, e});
    if (stop_at == UINT32_MAX) stop_at = b + kLength;
    return true;
  });
  if (hits.empty()) return "";
  uint32_t start = 0;
  if (hits[0].first > kBefore) {
    for (const auto& w : words) {
      if (w.first + kBefore >= hits[0].first) {
        start = w.first;
        break;
      }
    }
  }
  uint32_t end = static_cast<uint32_t>(text.size());
  if (end - start > kLength) {
    end = start;
    for (const auto& w : words) {
      if (w.second <= start + kLength) end = std::max(end, w.second);
    }
  }
  std::string out;
  out.reserve(end - start + 8 * hits.size() + 8);  // the passage, its marks and ellipses
  if (start > 0) out = "…";
  uint32_t pos = start;
  for (const auto& h : hits) {
    if (h.first < start || h.second > end) continue;
    absl::StrAppend(&out, text.substr(pos, h.first - pos));
    absl::StrAppend(&out, "«", text.substr(h.first, h.second - h.first), "»");
    pos = h.second;
  }
  absl::StrAppend(&out, text.substr(pos, end - pos));
  if (end < text.size()) out += "…";
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

void IndexState::MatchedDescriptionTerms(uint32_t slot, const Plan& plan,
                                         std::vector<absl::string_view>* needles) const {
  // The description is the doc's own text, never inherited: its own terms
  // tell, in one pass over a short sorted list, where a lookup per plan term
  // (dozens with a concept's terms) would search as many posting lists.
  constexpr uint16_t kBit = 1u << kDescription;
  needles->clear();
  for (const WeightedTerm& w : docs[slot].own) {
    if ((w.fields & kBit) != 0 && plan.terms.contains(w.term)) {
      needles->push_back(terms[w.term].text);
    }
  }
}

std::string IndexState::Snippet(uint32_t slot, const Plan& plan) const {
  const Doc& d = docs[slot];
  std::string s;
  // A description is long: it is scanned only when it holds a match, and
  // only its words that contain a matched term are looked up.
  thread_local std::vector<absl::string_view> needles;  // reused
  MatchedDescriptionTerms(slot, plan, &needles);
  if (!needles.empty()) {
    s = Highlight(d.description, plan.terms, &needles);
    if (!s.empty()) return s;
  }
  s = Highlight(absl::StrJoin(d.labels, ", "), plan.terms);
  if (!s.empty()) return s;
  if (!d.title.empty()) {
    s = Highlight(d.title, plan.terms);
    if (!s.empty()) return s;
  }
  return Highlight(d.name, plan.terms);
}

}  // namespace sofdir::search::internal
