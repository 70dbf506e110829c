#include "server/domain/record_pages.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/page_token.h"
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

}  // namespace
}  // namespace sofdir::domain
