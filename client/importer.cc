#include "client/importer.h"

#include <algorithm>
#include <atomic>
#include <future>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "server/common/utf8.h"
#include "server/model/record_json.h"
#include "server/model/record_util.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;

struct Batch {
  v1::ImportRecordsRequest request;
  std::vector<int64_t> lines;  // input line of each request record
  size_t bytes = 0;            // serialized size of `request`
};

// "line N: " when `message` (a refusal of the whole batch) names one of
// its records, as "records[i]...", else "".
std::string LineOfRecord(const Batch& batch, absl::string_view message) {
  size_t index = 0;
  if (!absl::ConsumePrefix(&message, "records[")) return "";
  const size_t end = message.find(']');
  if (end == absl::string_view::npos || !absl::SimpleAtoi(message.substr(0, end), &index) ||
      index >= batch.lines.size()) {
    return "";
  }
  return absl::StrCat("line ", batch.lines[index], ": ");
}

// `message` as one line of plain text: cut at its first line break, with
// control characters and bytes that are not UTF-8 written as \xNN (the
// JSON parser quotes the broken input back on further lines).
std::string OneLine(absl::string_view message) {
  message = message.substr(0, message.find('\n'));
  std::string out;
  size_t i = 0;
  while (i < message.size()) {
    std::optional<common::Utf8Char> c = common::DecodeUtf8(message, i);
    if (!c || c->code_point < 0x20 || c->code_point == 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02X", static_cast<unsigned char>(message[i]));
      ++i;
      continue;
    }
    out.append(message.data() + i, c->length);
    i += c->length;
  }
  return out;
}

// The "id" of a line that did not parse as a record, when it is JSON at all,
// so the user can find the record by id as well as by line.
std::string IdOfUnparsableLine(absl::string_view line) {
  google::protobuf::Struct object;
  if (!google::protobuf::util::JsonStringToMessage(std::string(line), &object).ok()) return "";
  auto it = object.fields().find("id");
  if (it == object.fields().end() || !it->second.has_string_value()) return "";
  return it->second.string_value();
}

}  // namespace

Importer::Importer(const Options& options, SendBatchFn send_batch)
    : options_(options), send_batch_(std::move(send_batch)) {}

absl::StatusOr<ImportSummary> Importer::Import(std::istream& in, const ProgressFn& progress) {
  const absl::Time start = absl::Now();
  const size_t batch_size = static_cast<size_t>(std::clamp(options_.batch_size, 1, 5000));
  const size_t batch_bytes = std::max<size_t>(options_.batch_bytes, 1);
  ImportSummary summary;
  std::atomic<int64_t> records_done{0};

  // Runs on the sender thread. Only one runs at a time, and the summary is
  // read on this thread only after future.get(), which orders the writes.
  auto send = [this, &summary, &records_done](const Batch& batch) -> absl::Status {
    absl::StatusOr<v1::ImportRecordsResponse> response = send_batch_(batch.request);
    if (!response.ok()) {
      return absl::Status(response.status().code(),
                          absl::StrCat("import stopped at line ", batch.lines.front(),
                                       " (earlier lines were imported): ",
                                       LineOfRecord(batch, response.status().message()),
                                       response.status().message()));
    }
    if (response->results_size() != batch.request.records_size()) {
      return absl::InternalError(absl::StrCat(
          "server answered ", response->results_size(), " results for ",
          batch.request.records_size(), " records (batch from line ", batch.lines.front(), ")"));
    }
    for (int i = 0; i < response->results_size(); ++i) {
      const v1::ImportResult& result = response->results(i);
      switch (result.outcome()) {
        case v1::CREATED:
          ++summary.created;
          break;
        case v1::UPDATED:
          ++summary.updated;
          break;
        case v1::UNCHANGED:
          ++summary.unchanged;
          break;
        default:
          ++summary.rejected;
          summary.rejections.push_back(
              {batch.lines[i],
               result.id().empty() ? model::RecordId(batch.request.records(i)) : result.id(),
               result.error().empty() ? "rejected without a reason" : result.error()});
          break;
      }
    }
    records_done += batch.request.records_size();
    return absl::OkStatus();
  };

  std::future<absl::Status> in_flight;
  auto wait_in_flight = [&in_flight]() -> absl::Status {
    if (!in_flight.valid()) return absl::OkStatus();
    return in_flight.get();
  };
  // Hands `batch` to a sender thread once the previous batch has returned.
  auto dispatch = [&](Batch batch) -> absl::Status {
    absl::Status previous = wait_in_flight();
    if (!previous.ok()) return previous;
    in_flight =
        std::async(std::launch::async, [&send, batch = std::move(batch)]() { return send(batch); });
    return absl::OkStatus();
  };

  Batch batch;
  std::vector<ImportRejection> parse_rejections;
  std::string line;
  int64_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    absl::string_view text = line;
    if (line_number == 1) absl::ConsumePrefix(&text, "\xEF\xBB\xBF");  // UTF-8 byte order mark
    text = absl::StripAsciiWhitespace(text);
    if (text.empty()) continue;
    if (std::optional<size_t> at = common::FirstInvalidUtf8(line)) {
      parse_rejections.push_back({line_number, "",
                                  absl::StrCat("not valid UTF-8 (byte ", *at + 1,
                                               " of the line); save the file as UTF-8")});
      continue;
    }
    absl::StatusOr<v1::Record> record = model::ParseRecordJson(text);
    if (!record.ok()) {
      parse_rejections.push_back(
          {line_number, IdOfUnparsableLine(text), OneLine(record.status().message())});
      continue;
    }
    // The field tag and length prefix the record takes in the request.
    const size_t record_bytes = record->ByteSizeLong() + 6;
    if (record_bytes > batch_bytes) {
      parse_rejections.push_back(
          {line_number, model::RecordId(*record),
           absl::StrCat("the record is ", record_bytes, " bytes; at most ", batch_bytes,
                        " are sent in one call (a valid record is far smaller)")});
      continue;
    }
    if (!batch.lines.empty() && batch.bytes + record_bytes > batch_bytes) {
      absl::Status status = dispatch(std::exchange(batch, Batch()));
      if (!status.ok()) return status;
      if (progress) progress(line_number - 1, records_done.load());
    }
    *batch.request.add_records() = *std::move(record);
    batch.lines.push_back(line_number);
    batch.bytes += record_bytes;
    if (batch.lines.size() >= batch_size) {
      absl::Status status = dispatch(std::exchange(batch, Batch()));
      if (!status.ok()) return status;
      if (progress) progress(line_number, records_done.load());
    }
  }
  if (!batch.lines.empty()) {
    absl::Status status = dispatch(std::move(batch));
    if (!status.ok()) return status;
  }
  absl::Status last = wait_in_flight();
  if (!last.ok()) return last;
  if (in.bad()) return absl::DataLossError(absl::StrCat("read error after line ", line_number));

  summary.lines = line_number;
  summary.rejected += static_cast<int64_t>(parse_rejections.size());
  summary.rejections.insert(summary.rejections.end(), parse_rejections.begin(),
                            parse_rejections.end());
  std::sort(summary.rejections.begin(), summary.rejections.end(),
            [](const ImportRejection& a, const ImportRejection& b) { return a.line < b.line; });
  summary.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (progress) progress(line_number, records_done.load());
  return summary;
}

}  // namespace sofdir::client
