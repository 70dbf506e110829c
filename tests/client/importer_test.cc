#include "client/importer.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/import_report.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/model/record_util.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::ElementsAre;

std::string PersonLine(int n) {
  return absl::StrCat(R"({"kind":"person","id":"person-)", n,
                      R"(","name":"Åse","unit_id":"unit-0001"})");
}

// A server stand-in: records every batch; a record whose name is "reject"
// is rejected, an id seen before is UNCHANGED, others are CREATED.
struct FakeServer {
  std::vector<std::vector<std::string>> batches;
  std::vector<size_t> batch_bytes;  // serialized size of each request
  std::vector<std::string> seen;
  int fail_on_batch = -1;

  absl::StatusOr<v1::ImportRecordsResponse> Import(const v1::ImportRecordsRequest& request) {
    if (static_cast<int>(batches.size()) == fail_on_batch) {
      batches.emplace_back();
      return absl::UnavailableError("connection reset");
    }
    batch_bytes.push_back(request.ByteSizeLong());
    v1::ImportRecordsResponse response;
    std::vector<std::string> ids;
    for (const v1::Record& record : request.records()) {
      const std::string& id = model::RecordId(record);
      ids.push_back(id);
      v1::ImportResult* result = response.add_results();
      result->set_id(id);
      if (model::DisplayName(record) == "reject") {
        result->set_outcome(v1::REJECTED);
        result->set_error("person.name: \"reject\" is not allowed");
      } else if (std::find(seen.begin(), seen.end(), id) != seen.end()) {
        result->set_outcome(v1::UNCHANGED);
      } else {
        seen.push_back(id);
        result->set_outcome(v1::CREATED);
      }
    }
    batches.push_back(ids);
    return response;
  }
};

absl::StatusOr<ImportSummary> RunImport(FakeServer& server, const std::string& input,
                                        int batch_size, size_t batch_bytes = 2 << 20) {
  Importer importer({batch_size, batch_bytes}, [&server](const v1::ImportRecordsRequest& request) {
    return server.Import(request);
  });
  std::istringstream in(input);
  return importer.Import(in, nullptr);
}

TEST(ImporterTest, SendsRecordsInFileOrderInBatchesOfTheGivenSize) {
  std::string input;
  for (int i = 1; i <= 5; ++i) absl::StrAppend(&input, PersonLine(i), "\n");
  FakeServer server;
  absl::StatusOr<ImportSummary> summary = RunImport(server, input, 2);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_THAT(server.batches,
              ElementsAre(ElementsAre("person-1", "person-2"), ElementsAre("person-3", "person-4"),
                          ElementsAre("person-5")));
  EXPECT_EQ(FormatImportSummary(*summary).substr(0, 47),
            "created 5, updated 0, unchanged 0, rejected 0 (");
}

// Issue 11, point 8: 1,000 records of 20 kB made one 20 MB request, which
// the server refuses (it takes 4 MiB).
TEST(ImporterTest, SplitsBatchesByBytesAsWellAsByCount) {
  std::string input;
  const std::string description(20000, 'd');
  for (int i = 1; i <= 400; ++i) {
    absl::StrAppend(&input, R"({"kind":"tilbud","id":"tilbud-)", i,
                    R"(","name":"T","unit_id":"unit-1","description":")", description, "\"}\n");
  }
  std::vector<size_t> request_bytes;
  std::vector<std::string> ids;
  Importer importer({1000}, [&](const v1::ImportRecordsRequest& request) {
    request_bytes.push_back(request.ByteSizeLong());
    v1::ImportRecordsResponse response;
    for (const v1::Record& record : request.records()) {
      ids.push_back(model::RecordId(record));
      response.add_results()->set_outcome(v1::CREATED);
    }
    return absl::StatusOr<v1::ImportRecordsResponse>(response);
  });
  std::istringstream in(input);
  absl::StatusOr<ImportSummary> summary = importer.Import(in, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->created, 400);
  ASSERT_EQ(ids.size(), 400u);
  EXPECT_EQ(ids.front(), "tilbud-1");
  EXPECT_EQ(ids.back(), "tilbud-400");
  EXPECT_GE(request_bytes.size(), 3u);
  for (size_t bytes : request_bytes) EXPECT_LE(bytes, size_t{3} << 20);
}

TEST(ImporterTest, ReportsEachRejectedLineByItsLineNumberInTheFile) {
  std::string input = absl::StrCat(
      PersonLine(1), "\n",  // 1
      "\n",                 // 2 blank
      R"({"kind":"person","id":"person-2","name":"reject","unit_id":"unit-0001"})", "\n",  // 3
      "   \r\n",                                                                      // 4 blank
      R"({"kind":"person","id":"person-3","nmae":"x"})", "\n",                        // 5
      "not json\n",                                                                   // 6
      PersonLine(4), "\r\n",                                                          // 7
      R"({"kind":"person","id":"person-5","name":"reject","unit_id":"unit-0001"})");  // 8
  FakeServer server;
  absl::StatusOr<ImportSummary> summary = RunImport(server, input, 2);
  ASSERT_TRUE(summary.ok()) << summary.status();

  EXPECT_EQ(summary->lines, 8);
  EXPECT_EQ(summary->created, 2);
  EXPECT_EQ(summary->rejected, 4);
  std::string report = FormatImportSummary(*summary);
  std::string details = report.substr(report.find('\n') + 1);
  EXPECT_THAT(details,
              ::testing::StartsWith("line 3: person-2: person.name: \"reject\" is not allowed\n"
                                    "line 5: person-3: "));
  EXPECT_THAT(details, ::testing::HasSubstr("nmae"));
  EXPECT_THAT(details,
              ::testing::EndsWith("line 6: line is not a JSON object\n"
                                  "line 8: person-5: person.name: \"reject\" is not allowed\n"));
  // Lines that do not parse never reach the server.
  EXPECT_THAT(server.batches, ElementsAre(ElementsAre("person-1", "person-2"),
                                          ElementsAre("person-4", "person-5")));
}

TEST(ImporterTest, LinesThatAreNotUtf8AreRejectedByLineNumberAndTheRestImported) {
  const std::string latin1 =  // "Møller" as Latin-1
      absl::StrCat(R"({"kind":"person","id":"person-2","name":"M)", "\xF8",
                   R"(ller","unit_id":"unit-0001"})");
  const std::string cut_short = absl::StrCat(R"({"kind":"person","id":"person-3","name":"Bad)",
                                             "\xC3", R"(","unit_id":"unit-0001"})");
  const std::string ends_early = R"({"kind":"person","id":"person-4","name":"broken)";
  std::string input = absl::StrCat(PersonLine(1), "\n", latin1, "\n", cut_short, "\n", ends_early,
                                   "\n", PersonLine(5), "\n");
  FakeServer server;
  absl::StatusOr<ImportSummary> summary = RunImport(server, input, 1000);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->created, 2);
  EXPECT_EQ(summary->rejected, 3);
  std::string report = FormatImportSummary(*summary);
  EXPECT_THAT(report, ::testing::HasSubstr(
                          "line 2: not valid UTF-8 (byte 43 of the line); save the file as UTF-8\n"
                          "line 3: not valid UTF-8 (byte 45 of the line)"));
  EXPECT_THAT(report, ::testing::HasSubstr("line 4: "));
  // One line of plain text per rejection, whatever the parser quoted back.
  std::string details = report.substr(report.find('\n') + 1);
  EXPECT_EQ(std::count(details.begin(), details.end(), '\n'), 3) << report;
  EXPECT_EQ(report.find('\xC3'), std::string::npos);
  EXPECT_THAT(server.batches, ElementsAre(ElementsAre("person-1", "person-5")));
}

TEST(ImporterTest, SplitsBatchesBySizeAsWellAsCount) {
  // 19 kB descriptions: 400 of them are 7.6 MB, more than a server takes
  // in one message (4 MiB by default).
  std::string input;
  const std::string description(19000, 'd');
  for (int i = 1; i <= 400; ++i) {
    absl::StrAppend(&input, R"({"kind":"tilbud","id":"tilbud-)", i,
                    R"(","name":"Bosted","unit_id":"unit-0001","description":")", description,
                    "\"}\n");
  }
  FakeServer server;
  absl::StatusOr<ImportSummary> summary = RunImport(server, input, 1000);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->created, 400);
  ASSERT_GE(server.batches.size(), 4u);
  size_t records = 0;
  for (size_t i = 0; i < server.batches.size(); ++i) {
    EXPECT_LE(server.batch_bytes[i], size_t{2} << 20) << "batch " << i;
    records += server.batches[i].size();
  }
  EXPECT_EQ(records, 400u);
  EXPECT_EQ(server.batches.front().front(), "tilbud-1");
  EXPECT_EQ(server.batches.back().back(), "tilbud-400");
}

TEST(ImporterTest, ARecordLargerThanABatchIsRejectedByLineNumberNotSent) {
  std::string input = absl::StrCat(
      PersonLine(1), "\n",
      R"({"kind":"tilbud","id":"tilbud-1","name":"x","unit_id":"unit-0001","description":")",
      std::string(5000, 'd'), "\"}\n", PersonLine(2), "\n");
  FakeServer server;
  absl::StatusOr<ImportSummary> summary = RunImport(server, input, 1000, /*batch_bytes=*/4000);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->created, 2);
  ASSERT_EQ(summary->rejections.size(), 1u);
  EXPECT_EQ(summary->rejections[0].line, 2);
  EXPECT_EQ(summary->rejections[0].id, "tilbud-1");
  EXPECT_THAT(summary->rejections[0].error, ::testing::HasSubstr("at most 4000"));
  EXPECT_THAT(server.batches, ElementsAre(ElementsAre("person-1", "person-2")));
}

TEST(ImporterTest, ReimportingTheSameInputChangesNothing) {
  std::string input = absl::StrCat(PersonLine(1), "\n", PersonLine(2), "\n");
  FakeServer server;
  ASSERT_TRUE(RunImport(server, input, 1000).ok());
  absl::StatusOr<ImportSummary> again = RunImport(server, input, 1000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(FormatImportSummary(*again).substr(0, 47),
            "created 0, updated 0, unchanged 2, rejected 0 (");
}

TEST(ImporterTest, StopsAtAFailedBatchAndSaysFromWhichLine) {
  std::string input;
  for (int i = 1; i <= 6; ++i) absl::StrAppend(&input, PersonLine(i), "\n");
  FakeServer server;
  server.fail_on_batch = 1;  // the batch of lines 3-4
  absl::StatusOr<ImportSummary> summary = RunImport(server, input, 2);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(summary.status().message(),
            "import stopped at line 3 (earlier lines were imported): connection reset");
  EXPECT_EQ(server.batches.size(), 2u);  // nothing sent after the failure
}

TEST(ImporterTest, ABatchRefusedForOneRecordNamesThatRecordsLine) {
  std::string input;
  for (int i = 1; i <= 4; ++i) absl::StrAppend(&input, PersonLine(i), "\n");
  Importer importer({/*batch_size=*/10}, [](const v1::ImportRecordsRequest&) {
    return absl::StatusOr<v1::ImportRecordsResponse>(
        absl::InvalidArgumentError("records[2].person.name: not valid UTF-8 (byte 3)"));
  });
  std::istringstream in(input);
  absl::StatusOr<ImportSummary> summary = importer.Import(in, nullptr);
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(summary.status().message(),
            "import stopped at line 1 (earlier lines were imported): line 3: "
            "records[2].person.name: not valid UTF-8 (byte 3)");
}

TEST(ImportReportTest, JsonHasCountsAndRejections) {
  ImportSummary summary;
  summary.created = 2;
  summary.rejected = 1;
  summary.seconds = 0.5;
  summary.rejections.push_back({17, "tilbud-0003", "tilbud.age_min: \"30\" is above age_max"});
  EXPECT_EQ(ImportSummaryToJson(summary),
            R"({"created":2,"updated":0,"unchanged":0,"rejected":1,"seconds":0.500,)"
            R"("rejections":[{"line":17,"id":"tilbud-0003",)"
            R"("error":"tilbud.age_min: \"30\" is above age_max"}]})"
            "\n");
}

TEST(ImportReportTest, SummaryLineShowsTimeAndRate) {
  ImportSummary summary;
  summary.created = 100000;
  summary.seconds = 8;
  EXPECT_EQ(FormatImportSummary(summary),
            "created 100000, updated 0, unchanged 0, rejected 0 (8.0 s, 12,500 records/s)\n");
}

}  // namespace
}  // namespace sofdir::client
