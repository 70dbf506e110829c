#ifndef SOFDIR_TESTS_SEARCH_QUERY_UNDERSTANDING_FIXTURE_H_
#define SOFDIR_TESTS_SEARCH_QUERY_UNDERSTANDING_FIXTURE_H_

// The fixture of the query-understanding tests: the shipped rules
// (data/query-rules.txt, found through SOFDIR_SOURCE_DIR) and analyzer, and
// helpers that read an UnderstoodQuery.

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "server/search/analyzer.h"
#include "server/search/query_rules.h"
#include "server/search/query_understanding.h"
#include "server/search/text_folder.h"

namespace sofdir::search::testing {

constexpr char kToday[] = "2026-10-05";  // a Monday in ISO week 41

// The shipped rules and analyzer, loaded once.
class QueryUnderstandingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* root = std::getenv("SOFDIR_SOURCE_DIR");
    if (root == nullptr) return;
    auto rules = QueryRules::Load(std::string(root) + "/data/query-rules.txt");
    ASSERT_TRUE(rules.ok()) << rules.status();
    rules_ = new QueryRules(std::move(*rules));
    auto analyzer = Analyzer::Create("");
    ASSERT_TRUE(analyzer.ok()) << analyzer.status();
    analyzer_ = analyzer->release();
  }
  static void TearDownTestSuite() {
    delete rules_;
    delete analyzer_;
    rules_ = nullptr;
    analyzer_ = nullptr;
  }
  void SetUp() override {
    if (rules_ == nullptr) GTEST_SKIP() << "SOFDIR_SOURCE_DIR not set";
  }

  static UnderstoodQuery Understand(SearchQuery q) {
    if (q.today.empty()) q.today = kToday;
    auto u = QueryUnderstanding(*rules_, analyzer_).Understand(q);
    EXPECT_TRUE(u.ok()) << u.status();
    if (!u.ok()) return {};
    CheckEveryDroppedWordIsNamed(q.text, *u);
    return *std::move(u);
  }
  static UnderstoodQuery Understand(const std::string& text) {
    SearchQuery q;
    q.text = text;
    return Understand(q);
  }

  // Every word missing from the rewritten text is one of the steps' words.
  static void CheckEveryDroppedWordIsNamed(const std::string& text, const UnderstoodQuery& u) {
    std::vector<std::string> named;
    for (const InterpretationStep& s : u.steps) {
      for (const std::string& w : s.words) {
        TextFolder::ForEachToken(w,
                                 [&](std::string& t, uint32_t, uint32_t) { named.push_back(t); });
      }
    }
    std::vector<std::string> left;
    TextFolder::ForEachToken(u.query.text,
                             [&](std::string& t, uint32_t, uint32_t) { left.push_back(t); });
    TextFolder::ForEachToken(text, [&](std::string& t, uint32_t, uint32_t) {
      auto it = std::find(left.begin(), left.end(), t);
      if (it != left.end()) {
        left.erase(it);
        return;
      }
      EXPECT_NE(std::find(named.begin(), named.end(), t), named.end())
          << "\"" << t << "\" of \"" << text << "\" was dropped without a step naming it";
    });
  }

  static std::vector<std::string> Rules(const UnderstoodQuery& u) {
    std::vector<std::string> rules;
    for (const InterpretationStep& s : u.steps) rules.push_back(s.rule);
    return rules;
  }
  static const InterpretationStep* Find(const UnderstoodQuery& u, const std::string& rule) {
    for (const InterpretationStep& s : u.steps) {
      if (s.rule == rule) return &s;
    }
    return nullptr;
  }

  static inline QueryRules* rules_ = nullptr;
  static inline Analyzer* analyzer_ = nullptr;
};

}  // namespace sofdir::search::testing

#endif  // SOFDIR_TESTS_SEARCH_QUERY_UNDERSTANDING_FIXTURE_H_
