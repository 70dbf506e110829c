#include "client/import_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/json_text.h"
#include "client/progress_bar.h"

namespace sofdir::client {

std::string FormatImportSummary(const ImportSummary& summary) {
  int64_t records = summary.created + summary.updated + summary.unchanged + summary.rejected;
  double rate = summary.seconds > 0 ? static_cast<double>(records) / summary.seconds : 0;
  std::string out =
      absl::StrFormat("created %d, updated %d, unchanged %d, rejected %d (%.1f s, %s records/s)\n",
                      summary.created, summary.updated, summary.unchanged, summary.rejected,
                      summary.seconds, WithThousandsSeparators(static_cast<int64_t>(rate + 0.5)));
  for (const ImportRejection& rejection : summary.rejections) {
    absl::StrAppend(&out, "line ", rejection.line, ": ", rejection.id,
                    rejection.id.empty() ? "" : ": ", rejection.error, "\n");
  }
  return out;
}

std::string ImportSummaryToJson(const ImportSummary& summary) {
  std::string out = absl::StrFormat(
      R"({"created":%d,"updated":%d,"unchanged":%d,"rejected":%d,"seconds":%.3f,"rejections":[)",
      summary.created, summary.updated, summary.unchanged, summary.rejected, summary.seconds);
  for (size_t i = 0; i < summary.rejections.size(); ++i) {
    const ImportRejection& rejection = summary.rejections[i];
    absl::StrAppend(&out, i > 0 ? "," : "", R"({"line":)", rejection.line, R"(,"id":)",
                    JsonQuote(rejection.id), R"(,"error":)", JsonQuote(rejection.error), "}");
  }
  out += "]}\n";
  return out;
}

}  // namespace sofdir::client
