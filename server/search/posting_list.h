#ifndef SOFDIR_SERVER_SEARCH_POSTING_LIST_H_
#define SOFDIR_SERVER_SEARCH_POSTING_LIST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace sofdir::search {

// One record (doc slot) that holds a term, with what the term is worth there.
struct Posting {
  uint32_t doc;
  uint16_t impact;  // per-field BM25 sum, scaled to an integer by the index
  uint16_t fields;  // bit per field the term occurs in
};

// The postings of one term, sorted by doc. A list that holds a large share
// of all docs also keeps a bitmap of its docs with a running count per
// 64-bit word, so that whether a doc holds the term, and its posting, are
// found in constant time, and the list's docs are OR-ed into a bitmap a word
// at a time. Common Danish words ("københavn", "område", "unge") and their
// synonyms are in tens of thousands of records, and a query's matches are
// found among them by exactly these two operations.
//
// Not thread-safe for writes; const methods may run concurrently.
class PostingList {
 public:
  // A list is made dense when it holds at least 1/kDenseShare of the doc
  // slots (and kMinDense postings): its bitmap and counts (3/16 byte per
  // slot) then take less memory than its postings (8 bytes each, so at
  // least 1/4 byte per slot). It is made sparse again below half that share.
  static constexpr size_t kDenseShare = 32;
  static constexpr size_t kMinDense = 256;

  PostingList();
  ~PostingList();
  PostingList(PostingList&&) noexcept;
  PostingList& operator=(PostingList&&) noexcept;

  size_t size() const { return postings_.size(); }
  bool empty() const { return postings_.empty(); }
  const Posting* begin() const { return postings_.data(); }
  const Posting* end() const { return postings_.data() + postings_.size(); }
  void reserve(size_t n) { postings_.reserve(n); }

  // Adds `p`, or replaces the posting of the same doc.
  void Insert(const Posting& p);
  // Removes the posting of `doc`, if any.
  void Erase(uint32_t doc);

  // At least the highest impact of any posting the list holds (it does not
  // go down when a posting is erased): what the term can add to a score.
  uint16_t max_impact() const { return max_impact_; }

  // Builds or drops the bitmap for an index of `num_docs` doc slots.
  void SetDensity(size_t num_docs);
  bool dense() const { return dense_ != nullptr; }

  // The posting of `doc`, or nullptr. `cursor` must start at 0 for a series
  // of calls with ascending docs; sparse lists gallop forward from it.
  const Posting* Find(uint32_t doc, size_t* cursor) const;
  const Posting* Find(uint32_t doc) const;

  // Sets (*out)[i] to the posting of docs[i] (ascending), or nullptr. A dense
  // list first computes where every posting is and asks the memory for them
  // all, so that the misses overlap instead of being paid one after the
  // other: the caller reads them after this returns.
  void Gather(const std::vector<uint32_t>& docs, std::vector<const Posting*>* out) const;

  // Sets the bit of every doc of the list in `bits` (one bit per doc slot;
  // docs beyond its size are ignored).
  void OrInto(std::vector<uint64_t>* bits) const;

  // Bytes held beyond the object itself.
  size_t MemoryBytes() const;

 private:
  struct Dense {
    std::vector<uint64_t> bits;   // bit per doc slot, up to the last posting's word
    std::vector<uint32_t> before;  // postings in the words before each word
  };
  void BuildDense();

  std::vector<Posting> postings_;
  std::unique_ptr<Dense> dense_;
  uint16_t max_impact_ = 0;
};

// Bits set in `x`: one instruction where the build targets a CPU with
// POPCNT (CMake's SOFDIR_NATIVE, the default), else a few arithmetic steps
// (the library call __builtin_popcountll would make is slower).
inline size_t PopCount(uint64_t x) {
#ifdef __POPCNT__
  return static_cast<size_t>(__builtin_popcountll(x));
#else
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<size_t>((x * 0x0101010101010101ULL) >> 56);
#endif
}

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_POSTING_LIST_H_
