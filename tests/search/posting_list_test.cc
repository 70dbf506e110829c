#include "server/search/posting_list.h"

#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace sofdir::search {
namespace {

constexpr size_t kDocs = 4096;

// Checks every way of reading `list` against the plain map it should equal.
void ExpectEquals(const PostingList& list, const std::map<uint32_t, uint16_t>& want) {
  ASSERT_EQ(list.size(), want.size());
  auto it = want.begin();
  for (const Posting& p : list) {
    ASSERT_EQ(p.doc, it->first);
    ASSERT_EQ(p.impact, it->second);
    ++it;
  }
  size_t cursor = 0;
  for (uint32_t doc = 0; doc < kDocs + 70; ++doc) {
    const Posting* p = list.Find(doc, &cursor);
    const auto w = want.find(doc);
    if (w == want.end()) {
      ASSERT_EQ(p, nullptr) << "doc " << doc << (list.dense() ? " (dense)" : " (sparse)");
    } else {
      ASSERT_NE(p, nullptr) << "doc " << doc << (list.dense() ? " (dense)" : " (sparse)");
      ASSERT_EQ(p->impact, w->second) << "doc " << doc;
      ASSERT_EQ(list.Find(doc), p);
    }
  }
  std::vector<uint64_t> bits(kDocs / 64 + 1, 0);
  list.OrInto(&bits);
  size_t set = 0;
  for (uint64_t word : bits) set += PopCount(word);
  ASSERT_EQ(set, want.size());
  for (const auto& [doc, impact] : want) {
    ASSERT_TRUE(bits[doc >> 6] >> (doc & 63) & 1) << "doc " << doc;
  }
}

TEST(PostingListTest, ShortListsStaySparseAndCommonOnesGetABitmap) {
  PostingList list;
  for (uint32_t d = 0; d < 200; ++d) list.Insert({d * 3, 1, 1});
  list.SetDensity(kDocs);
  EXPECT_FALSE(list.dense()) << "200 postings is below the minimum";
  for (uint32_t d = 200; d < 300; ++d) list.Insert({d * 3, 1, 1});
  list.SetDensity(kDocs);
  EXPECT_TRUE(list.dense()) << "300 of 4096 docs is above 1/32";
  list.SetDensity(300 * PostingList::kDenseShare * 2 + 1);
  EXPECT_FALSE(list.dense()) << "below half the share it is sparse again";
}

// Random inserts, replacements and erases, in order and out of order, read
// back through every path while the list switches between the two forms.
TEST(PostingListTest, DenseAndSparseAgreeWithAPlainMapThroughInsertsAndErases) {
  std::mt19937 rng(7);
  PostingList list;
  std::map<uint32_t, uint16_t> want;
  // Appends, as a bulk load does.
  for (uint32_t d = 0; d < kDocs; d += 1 + rng() % 5) {
    const auto impact = static_cast<uint16_t>(1 + rng() % 1000);
    list.Insert({d, impact, 1});
    want[d] = impact;
    list.SetDensity(kDocs);
  }
  ASSERT_TRUE(list.dense());
  ExpectEquals(list, want);
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i < 400; ++i) {
      const uint32_t d = rng() % (kDocs + 64);  // also past the bitmap's end
      if (rng() % 3 == 0) {
        list.Erase(d);
        want.erase(d);
      } else {
        const auto impact = static_cast<uint16_t>(1 + rng() % 1000);
        list.Insert({d, impact, 2});
        want[d] = impact;
      }
    }
    ExpectEquals(list, want);  // kept up to date in its current form
    // Alternate the form: every other round sparse.
    list.SetDensity(round % 2 == 0 ? 1'000'000 : kDocs);
    EXPECT_EQ(list.dense(), round % 2 != 0);
    ExpectEquals(list, want);
  }
}

TEST(PostingListTest, ErasingEverythingLeavesNothingToFind) {
  PostingList list;
  for (uint32_t d = 0; d < 1000; ++d) list.Insert({d, 5, 1});
  list.SetDensity(1000);
  ASSERT_TRUE(list.dense());
  for (uint32_t d = 0; d < 1000; d += 2) list.Erase(d);
  for (uint32_t d = 999; d < 1000; --d) list.Erase(d);
  ExpectEquals(list, {});
}

}  // namespace
}  // namespace sofdir::search
