// Joined phrase lists: a join holds exactly the docs that hold every word
// of its phrase, through every write, and a search through a thesaurus
// phrase finds what it would by intersecting the words.

#include "server/search/phrase_joins.h"

#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/search/search_fixture.h"

namespace sofdir::search::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr size_t kDocs = 3000;

// Checks every join of `joins` for `phrases` against the words' lists.
void ExpectExact(const PhraseJoins& joins, const std::vector<std::vector<uint32_t>>& phrases,
                 const std::vector<PostingList>& words) {
  for (const auto& phrase : phrases) {
    const uint32_t id = joins.Find(phrase);
    ASSERT_NE(id, PhraseJoins::kNone);
    std::vector<uint32_t> want;
    for (uint32_t d = 0; d < kDocs; ++d) {
      bool all = true;
      for (uint32_t w : phrase) all = all && words[w].Find(d) != nullptr;
      if (all) want.push_back(d);
    }
    std::vector<uint32_t> got;
    for (const Posting& p : joins.docs(id)) got.push_back(p.doc);
    ASSERT_EQ(got, want);
    // The docs carry the first word's postings, and each doc's row every
    // word's impact, in the order of the phrase.
    const size_t n = phrase.size();
    for (size_t i = 0; i < want.size(); ++i) {
      const Posting& first = joins.docs(id).begin()[i];
      ASSERT_EQ(first.impact, words[phrase[0]].Find(want[i])->impact);
      ASSERT_EQ(first.fields, words[phrase[0]].Find(want[i])->fields);
      for (size_t k = 0; k < n; ++k) {
        ASSERT_EQ(joins.impacts(id)[i * n + k], words[phrase[k]].Find(want[i])->impact)
            << "doc " << want[i] << " word " << k;
      }
    }
  }
}

TEST(PhraseJoinsTest, AJoinHoldsTheDocsOfEveryWordThroughEveryWrite) {
  std::mt19937 rng(7);
  std::vector<PostingList> words(4);
  // Word 0 is in most docs (a dense list), the others in fewer.
  const int share[] = {80, 30, 10, 40};
  for (uint32_t d = 0; d < kDocs; ++d) {
    for (size_t w = 0; w < words.size(); ++w) {
      if (static_cast<int>(rng() % 100) < share[w]) {
        words[w].Insert(Posting{d, static_cast<uint16_t>(1 + rng() % 500), 1});
      }
    }
  }
  for (auto& w : words) w.SetDensity(kDocs);
  auto lists = [&](uint32_t t) -> const PostingList& { return words[t]; };
  const std::vector<std::vector<uint32_t>> phrases = {{0, 1}, {1, 2, 3}, {3, 0}, {0}, {0, 1}};
  PhraseJoins joins;
  joins.Rebuild(phrases, lists, kDocs);
  EXPECT_EQ(joins.size(), 3u);  // one word is no phrase; a phrase given twice is joined once
  EXPECT_EQ(joins.Find({1, 0}), PhraseJoins::kNone);  // order matters
  ExpectExact(joins, {{0, 1}, {1, 2, 3}, {3, 0}}, words);

  // Docs gain and lose words (and impacts change) as writes do.
  for (int step = 0; step < 2000; ++step) {
    const auto d = static_cast<uint32_t>(rng() % kDocs);
    std::vector<uint32_t> touched;
    for (uint32_t w = 0; w < words.size(); ++w) {
      if (rng() % 3 != 0) continue;
      if (rng() % 2 == 0) {
        words[w].Insert(Posting{d, static_cast<uint16_t>(1 + rng() % 500), 1});
      } else {
        words[w].Erase(d);
      }
      words[w].SetDensity(kDocs);
      touched.push_back(w);
    }
    joins.Update(d, touched, lists, kDocs);
  }
  ExpectExact(joins, {{0, 1}, {1, 2, 3}, {3, 0}}, words);
}

class PhraseJoinSearchTest : public SearchFixture {};

// A thesaurus phrase ("personlig støtte") is read from its join: what a
// search finds through it follows every write and a new thesaurus.
TEST_F(PhraseJoinSearchTest, ASearchThroughAPhraseFollowsWritesAndReloads) {
  Create(
      "concept: kompasset\n"
      "alt: personlig støtte\n");
  Load({Unit("unit-1", "Center", "Valby"),
        Tilbud("tilbud-1", "Samtaler", "unit-1", "Personlig støtte i hverdagen."),
        Tilbud("tilbud-2", "Værksted", "unit-1", "Personlig udvikling og støtte til job."),
        Tilbud("tilbud-3", "Café", "unit-1", "Hjælp og samvær.")});
  EXPECT_THAT(Ids(Run("kompasset")), ::testing::UnorderedElementsAre("tilbud-1", "tilbud-2"));

  // A record that loses a word of the phrase is no longer found by it.
  ASSERT_TRUE(index_->Upsert(Tilbud("tilbud-2", "Værksted", "unit-1", "Udvikling og job.")).ok());
  EXPECT_THAT(Ids(Run("kompasset")), ElementsAre("tilbud-1"));
  // One that gains them is.
  ASSERT_TRUE(
      index_->Upsert(Tilbud("tilbud-3", "Café", "unit-1", "Støtte og personlig hjælp.")).ok());
  EXPECT_THAT(Ids(Run("kompasset")), ::testing::UnorderedElementsAre("tilbud-1", "tilbud-3"));
  ASSERT_TRUE(index_->Remove("tilbud-1").ok());
  EXPECT_THAT(Ids(Run("kompasset")), ElementsAre("tilbud-3"));

  // A thesaurus loaded anew joins its own phrases.
  SearchIndex::Options options;
  options.synonyms_path = dir_.Sub("synonyms-2.txt");
  std::ofstream(options.synonyms_path) << "concept: kompasset\nalt: udvikling og job\n";
  ASSERT_TRUE(index_->ReloadVocabulary(options).ok());
  EXPECT_THAT(Ids(Run("kompasset")), ElementsAre("tilbud-2"));
  std::ofstream(options.synonyms_path) << "concept: kompasset\nalt: noget helt andet\n";
  ASSERT_TRUE(index_->ReloadVocabulary(options).ok());
  EXPECT_THAT(Ids(Run("kompasset")), IsEmpty());
}

}  // namespace
}  // namespace sofdir::search::testing
