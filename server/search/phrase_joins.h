#ifndef SOFDIR_SERVER_SEARCH_PHRASE_JOINS_H_
#define SOFDIR_SERVER_SEARCH_PHRASE_JOINS_H_

// The records that hold every word of a multi-word thesaurus term, kept with
// the index. A phrase clause ("personlig recovery", "barnets lov 32") then
// reads its own short list instead of intersecting its words' long ones at
// query time, as index-time shingles spare a phrase query in Lucene. Which
// phrases are joined follows the thesaurus (Rebuild); which records each
// holds follows every write (Update). A phrase without a join is still
// searched, by intersecting its words.
//
// Not thread-safe for writes; const methods may run concurrently.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "server/search/posting_list.h"

namespace sofdir::search {

class PhraseJoins {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  // Longer phrases are not joined (the shipped thesaurus's longest has 6).
  static constexpr size_t kMaxWords = 8;
  // The postings of a term id.
  using Lists = absl::FunctionRef<const PostingList&(uint32_t)>;

  // Replaces the joins by one per phrase of `phrases` (term ids; a phrase
  // of fewer than two or more than kMaxWords words, or given twice, is
  // skipped), computed from `lists` for an index of `num_docs` doc slots.
  void Rebuild(const std::vector<std::vector<uint32_t>>& phrases, Lists lists, size_t num_docs);

  // Brings doc `slot` up to date in every join that holds one of `words`
  // (the terms it was or is posted under), after its postings changed.
  void Update(uint32_t slot, const std::vector<uint32_t>& words, Lists lists, size_t num_docs);

  // The join of exactly these words in this order, or kNone.
  uint32_t Find(const std::vector<uint32_t>& words) const;
  // The docs of join `id`, with its first word's postings.
  const PostingList& docs(uint32_t id) const { return joins_[id].docs; }
  // The impacts of every word of join `id`, a row per doc of docs(id) in
  // its order: word k's impact in the doc at position i is
  // impacts(id)[i * words + k]. A doc's words are read from one place,
  // not from one list per word.
  const uint16_t* impacts(uint32_t id) const { return joins_[id].impacts.data(); }

  size_t size() const { return joins_.size(); }

 private:
  struct Join {
    std::vector<uint32_t> words;
    PostingList docs;               // the first word's postings in the joined docs
    std::vector<uint16_t> impacts;  // words.size() per doc, in the order of docs
  };
  std::vector<Join> joins_;
  absl::flat_hash_map<std::vector<uint32_t>, uint32_t> by_words_;
  absl::flat_hash_map<uint32_t, std::vector<uint32_t>> of_word_;  // term -> joins holding it
};

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_PHRASE_JOINS_H_
