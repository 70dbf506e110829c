// Records and a fixture for the SearchIndex tests that pin down ranking
// preferences, filters and precision: each record is small and hand-made, so
// a test says exactly which words and values a record holds.
#ifndef SOFDIR_TESTS_SEARCH_SEARCH_FIXTURE_H_
#define SOFDIR_TESTS_SEARCH_SEARCH_FIXTURE_H_

#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "server/search/search_index.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::search::testing {

using ::sof::directory::v1::Record;

inline Record Unit(const std::string& id, const std::string& name, const std::string& district,
                   std::vector<std::string> knowledge = {}, const std::string& parent = "") {
  Record r;
  auto* u = r.mutable_unit();
  u->set_id(id);
  u->set_name(name);
  if (!parent.empty()) u->set_parent_id(parent);
  u->set_area("Udsatte voksne");
  if (!district.empty()) u->mutable_address()->set_district(district);
  u->mutable_address()->set_city("København");
  for (auto& k : knowledge) u->add_knowledge(k);
  return r;
}

// A tilbud for ages `age_min`..`age_max` (0, 0: no age range); its district
// is its own when given, else its unit's.
inline Record Tilbud(const std::string& id, const std::string& name, const std::string& unit,
                     const std::string& description = "", const std::string& district = "",
                     int age_min = 18, int age_max = 99) {
  Record r;
  auto* t = r.mutable_tilbud();
  t->set_id(id);
  t->set_name(name);
  t->set_unit_id(unit);
  t->set_description(description);
  t->set_service_type("botilbud");
  t->set_legal_basis("SEL § 107");
  t->set_area("Udsatte voksne");
  t->set_age_min(age_min);
  t->set_age_max(age_max);
  if (!district.empty()) t->mutable_address()->set_district(district);
  return r;
}

inline Record Person(const std::string& id, const std::string& name, const std::string& unit,
                     std::vector<std::string> expertise = {}) {
  Record r;
  auto* p = r.mutable_person();
  p->set_id(id);
  p->set_name(name);
  p->set_unit_id(unit);
  p->set_title("socialrådgiver");
  for (auto& e : expertise) p->add_expertise(e);
  return r;
}

// A praktik offer with a one-day slot starting on each of `starts`.
inline Record Praktik(const std::string& id, const std::string& title, const std::string& host,
                      std::vector<std::string> starts = {}, std::vector<std::string> topics = {}) {
  Record r;
  auto* p = r.mutable_praktik();
  p->set_id(id);
  p->set_title(title);
  p->set_host_unit_id(host);
  p->set_duration_days(1);
  for (const std::string& s : starts) {
    auto* slot = p->add_slots();
    slot->set_start(s);
    slot->set_end(s);
    slot->set_seats(1);
  }
  for (auto& t : topics) p->add_topics(t);
  return r;
}

inline std::vector<std::string> Ids(const SearchResult& r) {
  std::vector<std::string> ids;
  for (const auto& h : r.hits) ids.push_back(h.id);
  return ids;
}

class SearchFixture : public ::testing::Test {
 protected:
  void SetUp() override { Create(""); }

  // A new, empty index with these synonyms (and stop words, when given).
  void Create(const std::string& synonyms, const std::string& stopwords = "") {
    SearchIndex::Options options;
    options.synonyms_path = dir_.Sub("synonyms.txt");  // each test its own directory
    std::ofstream(options.synonyms_path) << synonyms;
    if (!stopwords.empty()) {
      options.stopwords_path = dir_.Sub("stopwords.txt");
      std::ofstream(options.stopwords_path) << stopwords;
    }
    auto index = SearchIndex::Create(options);
    ASSERT_TRUE(index.ok()) << index.status();
    index_ = std::move(*index);
  }

  void Load(const std::vector<Record>& records) { ASSERT_TRUE(index_->BulkLoad(records).ok()); }

  // The search for `q` with up to 100 hits and explanations; fails the
  // test on an error.
  SearchResult Run(SearchQuery q) {
    q.limit = 100;
    q.explain = true;
    auto r = index_->Search(q);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : SearchResult();
  }
  SearchResult Run(const std::string& text) {
    SearchQuery q;
    q.text = text;
    return Run(q);
  }

  // The explanation of hit `id` in `r`, or {} when it is not there.
  static std::vector<std::string> ExplanationOf(const SearchResult& r, const std::string& id) {
    for (const SearchHit& h : r.hits) {
      if (h.id == id) return h.explanation;
    }
    return {};
  }

  sofdir::testing::TempDir dir_;
  std::unique_ptr<SearchIndex> index_;
};

}  // namespace sofdir::search::testing

#endif  // SOFDIR_TESTS_SEARCH_SEARCH_FIXTURE_H_
