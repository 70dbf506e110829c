// Joined phrase lists (contract in phrase_joins.h).

#include "server/search/phrase_joins.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace sofdir::search {

void PhraseJoins::Rebuild(const std::vector<std::vector<uint32_t>>& phrases, Lists lists,
                          size_t num_docs) {
  joins_.clear();
  by_words_.clear();
  of_word_.clear();
  for (const std::vector<uint32_t>& phrase : phrases) {
    if (phrase.size() < 2 || phrase.size() > kMaxWords || by_words_.contains(phrase)) continue;
    // The rarest word's docs, then those every other word holds too.
    size_t rarest = 0;
    for (size_t i = 1; i < phrase.size(); ++i) {
      if (lists(phrase[i]).size() < lists(phrase[rarest]).size()) rarest = i;
    }
    std::vector<uint32_t> docs;
    for (const Posting& p : lists(phrase[rarest])) docs.push_back(p.doc);
    for (size_t i = 0; i < phrase.size() && !docs.empty(); ++i) {
      if (i == rarest) continue;
      const PostingList& list = lists(phrase[i]);
      size_t cursor = 0, kept = 0;
      for (uint32_t d : docs) {
        if (list.Find(d, &cursor) != nullptr) docs[kept++] = d;
      }
      docs.resize(kept);
    }
    const auto id = static_cast<uint32_t>(joins_.size());
    const size_t n = phrase.size();
    Join join;
    join.words = phrase;
    join.docs.reserve(docs.size());
    join.impacts.resize(docs.size() * n);
    for (size_t k = 0; k < n; ++k) {
      const PostingList& full = lists(phrase[k]);
      size_t cursor = 0;
      for (size_t i = 0; i < docs.size(); ++i) {
        const Posting& p = *full.Find(docs[i], &cursor);
        if (k == 0) join.docs.Insert(p);
        join.impacts[i * n + k] = p.impact;
      }
    }
    join.docs.SetDensity(num_docs);
    joins_.push_back(std::move(join));
    by_words_.emplace(phrase, id);
    for (uint32_t w : phrase) {
      std::vector<uint32_t>& of = of_word_[w];
      if (of.empty() || of.back() != id) of.push_back(id);
    }
  }
}

void PhraseJoins::Update(uint32_t slot, const std::vector<uint32_t>& words, Lists lists,
                         size_t num_docs) {
  for (uint32_t w : words) {
    auto it = of_word_.find(w);
    if (it == of_word_.end()) continue;
    for (uint32_t id : it->second) {
      Join& join = joins_[id];
      const bool holds = std::all_of(join.words.begin(), join.words.end(), [&](uint32_t t) {
        return lists(t).Find(slot) != nullptr;
      });
      const size_t n = join.words.size();
      const Posting* at = std::lower_bound(
          join.docs.begin(), join.docs.end(), slot,
          [](const Posting& p, uint32_t d) { return p.doc < d; });
      const auto pos = static_cast<size_t>(at - join.docs.begin());
      const bool held = at != join.docs.end() && at->doc == slot;
      auto row = join.impacts.begin() + static_cast<std::ptrdiff_t>(pos * n);
      if (holds) {
        if (!held) row = join.impacts.insert(row, n, 0);
        for (size_t k = 0; k < n; ++k) row[k] = lists(join.words[k]).Find(slot)->impact;
        join.docs.Insert(*lists(join.words[0]).Find(slot));
      } else if (held) {
        join.impacts.erase(row, row + static_cast<std::ptrdiff_t>(n));
        join.docs.Erase(slot);
      }
      join.docs.SetDensity(num_docs);
    }
  }
}

uint32_t PhraseJoins::Find(const std::vector<uint32_t>& words) const {
  auto it = by_words_.find(words);
  return it == by_words_.end() ? kNone : it->second;
}

}  // namespace sofdir::search
