#include "server/search/posting_list.h"

#include <algorithm>
#include <utility>

namespace sofdir::search {
namespace {

bool DocLess(const Posting& p, uint32_t doc) { return p.doc < doc; }

}  // namespace

PostingList::PostingList() = default;
PostingList::~PostingList() = default;
PostingList::PostingList(PostingList&&) noexcept = default;
PostingList& PostingList::operator=(PostingList&&) noexcept = default;

void PostingList::Insert(const Posting& p) {
  max_impact_ = std::max(max_impact_, p.impact);
  const uint32_t word = p.doc >> 6;
  const uint64_t bit = uint64_t{1} << (p.doc & 63);
  if (postings_.empty() || postings_.back().doc < p.doc) {
    postings_.push_back(p);
    if (dense_ != nullptr) {
      // Appending: only the words up to the new one need counts.
      while (dense_->bits.size() <= word) {
        dense_->bits.push_back(0);
        dense_->before.push_back(static_cast<uint32_t>(postings_.size() - 1));
      }
      dense_->bits[word] |= bit;
    }
    return;
  }
  auto it = std::lower_bound(postings_.begin(), postings_.end(), p.doc, DocLess);
  if (it != postings_.end() && it->doc == p.doc) {
    *it = p;
    return;
  }
  postings_.insert(it, p);
  if (dense_ != nullptr) {
    // The doc is below the last posting, so its word is already covered.
    dense_->bits[word] |= bit;
    for (size_t w = word + 1; w < dense_->before.size(); ++w) ++dense_->before[w];
  }
}

void PostingList::Erase(uint32_t doc) {
  auto it = std::lower_bound(postings_.begin(), postings_.end(), doc, DocLess);
  if (it == postings_.end() || it->doc != doc) return;
  postings_.erase(it);
  if (dense_ != nullptr) {
    const uint32_t word = doc >> 6;
    dense_->bits[word] &= ~(uint64_t{1} << (doc & 63));
    for (size_t w = word + 1; w < dense_->before.size(); ++w) --dense_->before[w];
  }
}

void PostingList::SetDensity(size_t num_docs) {
  const size_t n = postings_.size();
  if (dense_ == nullptr) {
    if (n >= kMinDense && n * kDenseShare >= num_docs) BuildDense();
  } else if (n < kMinDense / 2 || 2 * n * kDenseShare < num_docs) {
    dense_.reset();
  }
}

void PostingList::BuildDense() {
  auto dense = std::make_unique<Dense>();
  const size_t words = postings_.empty() ? 0 : (postings_.back().doc >> 6) + 1;
  dense->bits.assign(words, 0);
  dense->before.assign(words, 0);
  size_t i = 0;
  for (size_t w = 0; w < words; ++w) {
    dense->before[w] = static_cast<uint32_t>(i);
    for (; i < postings_.size() && (postings_[i].doc >> 6) == w; ++i) {
      dense->bits[w] |= uint64_t{1} << (postings_[i].doc & 63);
    }
  }
  dense_ = std::move(dense);
}

const Posting* PostingList::Find(uint32_t doc, size_t* cursor) const {
  if (dense_ != nullptr) {
    const uint32_t word = doc >> 6;
    if (word >= dense_->bits.size()) return nullptr;
    const uint64_t bits = dense_->bits[word];
    const uint64_t bit = uint64_t{1} << (doc & 63);
    if ((bits & bit) == 0) return nullptr;
    return &postings_[dense_->before[word] + PopCount(bits & (bit - 1))];
  }
  size_t lo = *cursor;
  const size_t n = postings_.size();
  // Probed docs are often close together: a few steps before galloping.
  for (int i = 0; i < 4 && lo < n && postings_[lo].doc < doc; ++i) ++lo;
  if (lo < n && postings_[lo].doc < doc) {
    size_t step = 1, hi = lo;
    while (hi < n && postings_[hi].doc < doc) {
      lo = hi;
      hi = lo + step;
      step *= 2;
    }
    hi = std::min(hi, n);
    lo = static_cast<size_t>(
        std::lower_bound(postings_.begin() + lo, postings_.begin() + hi, doc, DocLess) -
        postings_.begin());
  }
  *cursor = lo;
  return lo < n && postings_[lo].doc == doc ? &postings_[lo] : nullptr;
}

const Posting* PostingList::Find(uint32_t doc) const {
  size_t cursor = 0;
  return Find(doc, &cursor);
}

void PostingList::Gather(const std::vector<uint32_t>& docs,
                         std::vector<const Posting*>* out) const {
  out->resize(docs.size());
  const Posting** result = out->data();
  if (dense_ == nullptr) {
    size_t cursor = 0;
    for (size_t i = 0; i < docs.size(); ++i) result[i] = Find(docs[i], &cursor);
    return;
  }
  const size_t words = dense_->bits.size();
  const uint64_t* bits = dense_->bits.data();
  const uint32_t* before = dense_->before.data();
  for (size_t i = 0; i < docs.size(); ++i) {
    const uint32_t doc = docs[i];
    const uint32_t word = doc >> 6;
    const uint64_t bit = uint64_t{1} << (doc & 63);
    if (word >= words || (bits[word] & bit) == 0) {
      result[i] = nullptr;
      continue;
    }
    const Posting* p = &postings_[before[word] + PopCount(bits[word] & (bit - 1))];
    __builtin_prefetch(p);
    result[i] = p;
  }
}

void PostingList::OrInto(std::vector<uint64_t>* bits) const {
  std::vector<uint64_t>& out = *bits;
  if (dense_ != nullptr) {
    const size_t words = std::min(out.size(), dense_->bits.size());
    const uint64_t* in = dense_->bits.data();
    for (size_t w = 0; w < words; ++w) out[w] |= in[w];
    return;
  }
  const size_t limit = out.size() * 64;
  for (const Posting& p : postings_) {
    if (p.doc >= limit) break;
    out[p.doc >> 6] |= uint64_t{1} << (p.doc & 63);
  }
}

size_t PostingList::MemoryBytes() const {
  size_t bytes = postings_.capacity() * sizeof(Posting);
  if (dense_ != nullptr) {
    bytes += sizeof(Dense) + dense_->bits.capacity() * sizeof(uint64_t) +
             dense_->before.capacity() * sizeof(uint32_t);
  }
  return bytes;
}

}  // namespace sofdir::search
