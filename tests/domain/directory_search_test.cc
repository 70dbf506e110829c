#include "server/domain/directory_search.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/page_token.h"
#include "server/search/search_index.h"
#include "tests/domain/directory_fixture.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::HasSubstr;

class DirectorySearchTest : public DirectoryFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDirectory());
    auto index = search::SearchIndex::Create({});
    ASSERT_TRUE(index.ok()) << index.status();
    index_ = *std::move(index);
    auto search = DirectorySearch::Attach(*directory_, *index_);
    ASSERT_TRUE(search.ok()) << search.status();
    search_ = *std::move(search);
  }

  static std::map<std::string, int64_t> Facet(const v1::SearchEntriesResponse& response,
                                              const std::string& field) {
    std::map<std::string, int64_t> counts;
    for (const v1::Facet& facet : response.facets()) {
      if (facet.field() != field) continue;
      for (const v1::FacetCount& c : facet.counts()) counts[c.value()] = c.count();
    }
    return counts;
  }

  std::unique_ptr<search::SearchIndex> index_;
  std::unique_ptr<DirectorySearch> search_;
};

// 1,100 stale tilbud that rank first (the word is their name) and 30 fresh
// ones that rank below them (the word is only in their description): the
// fresh ones are counted, faceted and paged all the same.
TEST_F(DirectorySearchTest, FreshSearchCountsFacetsAndPagesOnlyFreshRecords) {
  std::vector<v1::Record> records = {testing::MakeUnit("unit-1"), testing::MakeUnit("unit-2")};
  records[1].mutable_unit()->mutable_address()->set_district("Valby");
  for (int i = 0; i < 1100; ++i) {
    v1::Record stale = testing::MakeTilbud("tilbud-s" + std::to_string(i), "unit-1");
    stale.mutable_tilbud()->set_name("Botilbud " + std::to_string(i));
    stale.mutable_tilbud()->set_updated_at("2020-01-01");  // confirmed long ago
    records.push_back(stale);
  }
  std::set<std::string> fresh_ids;
  for (int i = 0; i < 30; ++i) {
    v1::Record fresh =
        testing::MakeTilbud("tilbud-f" + std::to_string(i), i < 20 ? "unit-1" : "unit-2");
    fresh.mutable_tilbud()->set_description("Et botilbud for voksne");
    fresh_ids.insert(fresh.tilbud().id());
    records.push_back(fresh);  // no updated_at: confirmed by the import, now
  }
  auto imported = directory_->Import(records);
  ASSERT_TRUE(imported.ok()) << imported.status();

  v1::SearchEntriesRequest request;
  request.set_query("botilbud");
  request.set_page_size(7);
  auto all = search_->Search(request);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->total_size(), 1130);

  request.set_fresh_days(180);
  auto fresh = search_->Search(request);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ(fresh->total_size(), 30);
  EXPECT_THAT(Facet(*fresh, "district"),
              ::testing::UnorderedElementsAre(::testing::Pair("Nørrebro", 20),
                                              ::testing::Pair("Valby", 10)));
  EXPECT_THAT(Facet(*fresh, "kind"), ::testing::ElementsAre(::testing::Pair("tilbud", 30)));

  // Paging through the fresh results returns each fresh record once.
  std::multiset<std::string> seen;
  for (v1::SearchEntriesRequest page = request;;) {
    auto response = search_->Search(page);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->total_size(), 30);
    for (const v1::SearchResult& hit : response->results()) seen.insert(hit.id());
    if (response->next_page_token().empty()) break;
    page.set_page_token(response->next_page_token());
    ASSERT_LE(seen.size(), 30u) << "paging does not end";
  }
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), fresh_ids);
  EXPECT_EQ(seen.size(), 30u);

  // Confirming a stale record makes it fresh at once.
  ASSERT_TRUE(directory_->Verify("tilbud-s7", {"editor", "VerifyRecord"}).ok());
  request.clear_page_token();
  auto after = search_->Search(request);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->total_size(), 31);
  EXPECT_EQ(after->results(0).id(), "tilbud-s7");  // ranked by its name again

  request.set_fresh_days(-1);
  auto negative = search_->Search(request);
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(negative.status().message(), HasSubstr("fresh_days"));
}

// A page token names an offset into the ranking; one far beyond any
// ranking (an int about to overflow) is refused, not computed with.
TEST_F(DirectorySearchTest, OffsetBeyondAnyRankingIsRefusedNamingPageToken) {
  std::vector<v1::Record> records = {testing::MakeUnit("unit-1")};
  for (int i = 0; i < 3; ++i) {
    records.push_back(testing::MakeTilbud("tilbud-" + std::to_string(i), "unit-1"));
  }
  ASSERT_TRUE(directory_->Import(records).ok());
  v1::SearchEntriesRequest request;
  request.set_query("tilbud");
  request.set_page_size(1);
  auto first = search_->Search(request);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->next_page_token().empty());
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(first->next_page_token(), &raw));
  const std::string fingerprint = raw.substr(0, raw.find('\n'));
  for (const std::string& offset : {"2147483600", "99999999999", "-1", "1x"}) {
    request.set_page_token(EncodePageToken(fingerprint, offset));
    auto page = search_->Search(request);
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument) << offset;
    EXPECT_THAT(page.status().message(), HasSubstr("page_token")) << offset;
  }
  request.set_page_token(EncodePageToken(fingerprint, "1"));
  auto second = search_->Search(request);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->results_size(), 1);
}

// A compound is split against the words the index holds: imported before
// the words of its parts, "Aftenværestedet" would not be found by
// "værestedet" until a restart. An import that changes a quarter of the
// records or more rebuilds the index, so the answer is the same before and
// after a restart; a small import is followed record by record.
TEST_F(DirectorySearchTest, AnImportAnswersAsARestartWould) {
  v1::Record early = testing::MakeTilbud("tilbud-early", "unit-1");
  early.mutable_tilbud()->set_name("Aftenværestedet Lyset");
  early.mutable_tilbud()->set_description("Åbent hver dag.");
  ASSERT_TRUE(directory_->Import({testing::MakeUnit("unit-1"), early}).ok());
  std::vector<v1::Record> later;
  for (int i = 0; i < 3; ++i) {
    v1::Record t = testing::MakeTilbud("tilbud-" + std::to_string(i), "unit-1");
    t.mutable_tilbud()->set_name(i == 0 ? "Værestedet Ly" : "Aften i fællesskab");
    t.mutable_tilbud()->set_description("Et værestedet om aftenen; aften og værestedet.");
    later.push_back(t);
  }
  ASSERT_TRUE(directory_->Import(later).ok());

  auto ids = [&] {
    v1::SearchEntriesRequest request;
    request.set_query("værestedet");
    auto r = search_->Search(request);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> out;
    if (r.ok()) {
      for (const auto& e : r->results()) out.push_back(e.id());
    }
    return out;
  };
  const std::vector<std::string> after_import = ids();
  EXPECT_THAT(after_import, ::testing::Contains("tilbud-early"));

  // What a restart builds: the same records loaded at once.
  auto records = directory_->LoadAllRecords();
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_TRUE(index_->BulkLoad(*records).ok());
  EXPECT_EQ(ids(), after_import);
}

}  // namespace
}  // namespace sofdir::domain
