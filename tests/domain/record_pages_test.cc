#include "server/domain/record_pages.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/page_token.h"
#include "server/domain/record_validator.h"
#include "server/model/record_util.h"
#include "server/storage/key_codec.h"
#include "tests/domain/directory_fixture.h"
#include "tests/testing/records.h"

namespace sofdir::domain {
namespace {

using ::sof::directory::v1::Record;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RecordPagesTest : public DirectoryFixture {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenDirectory()); }

  std::vector<std::string> ListIds(sof::directory::v1::ListRecordsRequest request) {
    std::vector<std::string> ids;
    while (true) {
      auto page = directory_->List(request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return ids;
      for (const Record& r : page->records()) ids.push_back(model::RecordId(r));
      if (page->next_page_token().empty()) return ids;
      request.set_page_token(page->next_page_token());
    }
  }
};

TEST_F(RecordPagesTest, ListPagesThroughAKindWithoutGapsOrDuplicates) {
  MustCreate(testing::MakeUnit("unit-1"));
  std::vector<std::string> expected;
  for (int i = 0; i < 23; ++i) {
    std::string id = "person-" + std::to_string(100 + i);
    MustCreate(testing::MakePerson(id, "unit-1"));
    expected.push_back(id);
  }
  sof::directory::v1::ListRecordsRequest request;
  request.set_kind(sof::directory::v1::PERSON);
  request.set_page_size(5);
  EXPECT_EQ(ListIds(request), expected);
}

TEST_F(RecordPagesTest, ListByParentReturnsChildrenOfThatUnitOnly) {
  MustCreate(testing::MakeUnit("unit-1"));
  MustCreate(testing::MakeUnit("unit-2", "unit-1"));
  MustCreate(testing::MakeUnit("unit-3", "unit-2"));
  MustCreate(testing::MakePerson("person-1", "unit-1"));
  MustCreate(testing::MakeTilbud("tilbud-1", "unit-1", "person-1"));
  MustCreate(testing::MakePartner("partner-1", "unit-1"));
  sof::directory::v1::ListRecordsRequest request;
  request.set_parent("unit-1");
  request.set_page_size(2);
  EXPECT_THAT(ListIds(request), ElementsAre("partner-1", "person-1", "tilbud-1", "unit-2"));
  request.set_kind(sof::directory::v1::UNIT);
  EXPECT_THAT(ListIds(request), ElementsAre("unit-2"));
}

TEST_F(RecordPagesTest, PageTokenOfAnotherQueryIsRejected) {
  MustCreate(testing::MakeUnit("unit-1"));
  MustCreate(testing::MakeUnit("unit-2", "unit-1"));
  sof::directory::v1::ListRecordsRequest request;
  request.set_kind(sof::directory::v1::UNIT);
  request.set_page_size(1);
  auto page = directory_->List(request);
  ASSERT_TRUE(page.ok());
  request.set_kind(sof::directory::v1::PERSON);
  request.set_page_token(page->next_page_token());
  EXPECT_EQ(directory_->List(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RecordPagesTest, ExportReturnsCreationOrderSoReferencesPointBackwards) {
  MustCreate(testing::MakeUnit("unit-9"));
  MustCreate(testing::MakeUnit("unit-10", "unit-9"));
  MustCreate(testing::MakePerson("person-1", "unit-10"));
  sof::directory::v1::ExportRecordsRequest request;
  request.set_page_size(2);
  std::vector<std::string> ids;
  while (true) {
    auto page = directory_->Export(request);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const Record& r : page->records()) ids.push_back(model::RecordId(r));
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  EXPECT_THAT(ids, ElementsAre("unit-9", "unit-10", "person-1"));
}

TEST_F(RecordPagesTest, ExportTokenAtTheLastSequenceEndsInsteadOfStartingOver) {
  MustCreate(testing::MakeUnit("unit-1"));
  sof::directory::v1::ExportRecordsRequest request;
  request.set_page_token(
      EncodePageToken("export/0", storage::EncodeSequence(std::numeric_limits<uint64_t>::max())));
  auto page = directory_->Export(request);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->records_size(), 0);
  EXPECT_EQ(page->next_page_token(), "");
  request.set_page_token(EncodePageToken("export/0", "unit-1"));
  EXPECT_THAT(directory_->Export(request).status().message(), HasSubstr("page_token"));
}

TEST_F(RecordPagesTest, ChangesSinceTheLargestSequencesAreEmptyNotWrappedAround) {
  MustCreate(testing::MakeUnit("unit-1"));
  for (uint64_t since : {std::numeric_limits<uint64_t>::max(),
                         std::numeric_limits<uint64_t>::max() - 1, uint64_t{1}}) {
    sof::directory::v1::ListChangesRequest request;
    request.set_since_sequence(since);
    auto changes = directory_->ListChanges(request);
    ASSERT_TRUE(changes.ok()) << changes.status();
    EXPECT_EQ(changes->changes_size(), 0) << since;
    EXPECT_EQ(changes->last_sequence(), 1u);
  }
}

TEST_F(RecordPagesTest, UnknownKindIsRefusedNamingKind) {
  sof::directory::v1::ExportRecordsRequest export_request;
  export_request.set_kind(static_cast<sof::directory::v1::RecordKind>(99));
  auto exported = directory_->Export(export_request);
  EXPECT_EQ(exported.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(exported.status().message(),
              HasSubstr("kind: unknown; valid: unit, tilbud, partner, praktik, person"));
  sof::directory::v1::ListRecordsRequest list_request;
  list_request.set_kind(static_cast<sof::directory::v1::RecordKind>(-1));
  EXPECT_EQ(directory_->List(list_request).status().code(), absl::StatusCode::kInvalidArgument);
}

// Issue 11, point 8: 400 tilbud with the longest description allowed made
// every page of ListRecords, ExportRecords and ListChanges bigger than the
// 4 MiB the server may send, so `sofdir export`, `changes` and `list --all`
// failed.
class BigRecordsTest : public RecordPagesTest {
 protected:
  static constexpr int kRecords = 400;
  static constexpr size_t kMessageLimit = 4 << 20;

  void SetUp() override {
    RecordPagesTest::SetUp();
    std::vector<Record> batch = {testing::MakeUnit("unit-1")};
    for (int i = 0; i < kRecords; ++i) {
      Record tilbud = testing::MakeTilbud("tilbud-" + std::to_string(i), "unit-1");
      tilbud.mutable_tilbud()->set_description(std::string(kMaxTextBytes, 'a' + i % 26));
      batch.push_back(std::move(tilbud));
    }
    auto imported = directory_->Import(batch);
    ASSERT_TRUE(imported.ok()) << imported.status();
    for (const auto& result : imported->results()) {
      ASSERT_NE(result.outcome(), sof::directory::v1::REJECTED) << result.error();
    }
  }

  // Every page within the budget, ids in order, each once.
  template <typename Response>
  void CheckPage(const Response& page, std::vector<std::string>& ids, int& pages) {
    ++pages;
    EXPECT_LE(page.ByteSizeLong(), kMessageLimit);
    size_t record_bytes = 0;
    for (const Record& r : page.records()) {
      record_bytes += r.ByteSizeLong();
      ids.push_back(model::RecordId(r));
    }
    EXPECT_LE(record_bytes, kMaxPageBytes);
    EXPECT_GT(page.records_size(), 0);
  }

  static void ExpectAllTilbudOnce(std::vector<std::string> ids) {
    EXPECT_EQ(ids.size(), static_cast<size_t>(kRecords));
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end()) << "no record twice";
    EXPECT_EQ(ids.front(), "tilbud-0");
  }
};

TEST_F(BigRecordsTest, ListPagesStayUnderTheMessageLimitAndReturnEveryRecordOnce) {
  for (const std::string& parent : {std::string(""), std::string("unit-1")}) {
    sof::directory::v1::ListRecordsRequest request;
    request.set_kind(sof::directory::v1::TILBUD);
    request.set_parent(parent);
    request.set_page_size(kMaxListPageSize);
    std::vector<std::string> ids;
    int pages = 0;
    while (true) {
      auto page = directory_->List(request);
      ASSERT_TRUE(page.ok()) << page.status();
      CheckPage(*page, ids, pages);
      if (page->next_page_token().empty()) break;
      request.set_page_token(page->next_page_token());
    }
    EXPECT_GE(pages, 3) << "parent " << parent;
    ExpectAllTilbudOnce(ids);
  }
}

TEST_F(BigRecordsTest, ExportPagesStayUnderTheMessageLimitAndReturnEveryRecordOnce) {
  sof::directory::v1::ExportRecordsRequest request;
  request.set_page_size(kMaxExportPageSize);
  std::vector<std::string> ids;
  int pages = 0;
  while (true) {
    auto page = directory_->Export(request);
    ASSERT_TRUE(page.ok()) << page.status();
    CheckPage(*page, ids, pages);
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  EXPECT_GE(pages, 3);
  ASSERT_EQ(ids.front(), "unit-1") << "creation order";
  ids.erase(ids.begin());
  ExpectAllTilbudOnce(ids);
}

TEST_F(BigRecordsTest, ChangePagesStayUnderTheMessageLimitAndContinueFromTheLastSequence) {
  sof::directory::v1::ListChangesRequest request;
  request.set_page_size(kMaxChangesPageSize);
  std::vector<uint64_t> sequences;
  int pages = 0;
  while (true) {
    auto page = directory_->ListChanges(request);
    ASSERT_TRUE(page.ok()) << page.status();
    if (page->changes().empty()) break;
    ++pages;
    EXPECT_LE(page->ByteSizeLong(), kMessageLimit);
    for (const auto& change : page->changes()) sequences.push_back(change.sequence());
    request.set_since_sequence(sequences.back());
  }
  EXPECT_GE(pages, 3);
  ASSERT_EQ(sequences.size(), kRecords + 1u);
  for (size_t i = 0; i < sequences.size(); ++i) EXPECT_EQ(sequences[i], i + 1);
}

TEST_F(BigRecordsTest, StaleRecordsStayUnderTheMessageLimit) {
  auto stale = directory_->ListStale(absl::Now() + absl::Hours(1), "", 1000);
  ASSERT_TRUE(stale.ok()) << stale.status();
  EXPECT_LE(stale->ByteSizeLong(), kMessageLimit);
  EXPECT_GT(stale->records_size(), 0);
  EXPECT_LT(stale->records_size(), kRecords) << "the rest would not fit";
  EXPECT_EQ(stale->total_size(), kRecords + 1);
}

}  // namespace
}  // namespace sofdir::domain
