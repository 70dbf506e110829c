#include "client/commands.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "client/change_view.h"
#include "client/command_io.h"
#include "client/directory_client.h"
#include "client/import_report.h"
#include "client/importer.h"
#include "client/interrupt_cleanup.h"
#include "client/json_text.h"
#include "client/name_cache.h"
#include "client/progress_bar.h"
#include "client/record_view.h"
#include "client/table_printer.h"
#include "client/time_text.h"
#include "server/common/status_macros.h"
#include "server/model/record_json.h"
#include "server/model/record_util.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;

// get shows whole values (wrapped at the terminal width; table_printer.h).
constexpr int kFieldValueWidth = 0;
constexpr int kExportPageSize = 2000;
constexpr int kListAllPageSize = 1000;

// The whole of `path` ("-" = stdin). INVALID_ARGUMENT when unreadable, so
// that a wrong file name exits with "invalid input".
absl::StatusOr<std::string> ReadInput(const std::string& path) {
  if (path == "-") {
    std::string text(std::istreambuf_iterator<char>(std::cin), {});
    if (std::cin.bad()) return absl::InvalidArgumentError(FileError(path, "cannot read"));
    return text;
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::InvalidArgumentError(FileError(path, "cannot open"));
  std::string text(std::istreambuf_iterator<char>(file), {});
  if (file.bad()) return absl::InvalidArgumentError(FileError(path, "cannot read"));
  return text;
}

// One record in the per-line file format, from a file that holds just it.
absl::StatusOr<v1::Record> ReadRecordFile(const std::string& path) {
  SOFDIR_ASSIGN_OR_RETURN(std::string text, ReadInput(path));
  absl::string_view json = absl::StripAsciiWhitespace(text);
  if (json.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path == "-" ? "stdin" : path, ": empty; expected one JSON record"));
  }
  absl::StatusOr<v1::Record> record = model::ParseRecordJson(json);
  if (!record.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path == "-" ? "stdin" : path, ": ", record.status().message()));
  }
  return record;
}

// Lines in a regular file, for the progress bar; 0 when unknown.
int64_t CountLines(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return 0;
  int64_t lines = 0;
  char buffer[1 << 16];
  size_t n = 0;
  char last = '\n';
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    for (size_t i = 0; i < n; ++i) lines += buffer[i] == '\n';
    last = buffer[n - 1];
  }
  std::fclose(file);
  return lines + (last != '\n');
}

v1::RecordKind KindFilter(const std::string& kind) {
  return model::KindFromName(kind).value_or(v1::RECORD_KIND_UNSPECIFIED);
}

// `names` (name_cache.h) adds the names of the records it refers to.
void PrintRecord(const v1::Record& record, bool json, const NameLookup& names = nullptr) {
  if (json) {
    Write(stdout, absl::StrCat(model::RecordToJsonWithMetadata(record), "\n"));
  } else {
    Write(stdout, FormatFieldList(RecordFieldList(record, names), kFieldValueWidth));
  }
}

}  // namespace

absl::Status RunImport(const CommonOptions& common, const ImportOptions& options) {
  std::ifstream file;
  std::istream* in = &std::cin;
  int64_t total_lines = 0;
  if (options.file != "-") {
    file.open(options.file, std::ios::binary);
    if (!file) return absl::InvalidArgumentError(FileError(options.file, "cannot open"));
    in = &file;
    total_lines = CountLines(options.file);
  }
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));

  ProgressBar::Options bar_options;
  bar_options.total = total_lines;
  bar_options.unit = "lines";
  ProgressBar bar(bar_options, stderr, isatty(STDERR_FILENO));
  Importer::Options importer_options;
  importer_options.batch_size = options.batch_size;
  Importer importer(importer_options, [&client](const v1::ImportRecordsRequest& request) {
    return client->ImportRecords(request);
  });
  absl::StatusOr<ImportSummary> summary =
      importer.Import(*in, [&bar](int64_t lines, int64_t records) { bar.Update(lines, records); });
  bar.Finish();
  if (!summary.ok()) return summary.status();

  Write(stdout, common.json ? ImportSummaryToJson(*summary) : FormatImportSummary(*summary));
  SOFDIR_RETURN_IF_ERROR(FlushStdout());
  if (summary->rejected > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(summary->rejected, summary->rejected == 1 ? " line was" : " lines were",
                     " rejected; the other lines were imported"));
  }
  return absl::OkStatus();
}

absl::Status RunExport(const CommonOptions& common, const ExportOptions& options) {
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  const bool to_file = !options.out.empty() && options.out != "-";
  // Written beside the target and renamed at the end, so a failed export
  // never leaves a partial file under the target's name.
  const std::string temp_path = options.out + ".tmp";
  // Ctrl-C leaves no FILE.tmp behind either.
  RemoveOnInterrupt cleanup(to_file ? temp_path : std::string());
  std::FILE* out = stdout;
  if (to_file) {
    out = std::fopen(temp_path.c_str(), "w");
    if (out == nullptr) return absl::InvalidArgumentError(FileError(temp_path, "cannot create"));
  }
  auto fail = [&](absl::Status status) {
    if (to_file) {
      std::fclose(out);
      std::remove(temp_path.c_str());
    }
    return status;
  };

  ProgressBar::Options bar_options;
  bar_options.unit = "records";
  // Not when the records themselves go to the same terminal.
  ProgressBar bar(bar_options, stderr,
                  isatty(STDERR_FILENO) && (to_file || !isatty(STDOUT_FILENO)));
  const absl::Time start = absl::Now();
  v1::ExportRecordsRequest request;
  request.set_page_size(kExportPageSize);
  request.set_kind(KindFilter(options.kind));
  int64_t count = 0;
  std::string buffer;
  do {
    absl::StatusOr<v1::ExportRecordsResponse> page = client->ExportRecords(request);
    if (!page.ok()) {
      bar.Finish();
      return fail(page.status());
    }
    buffer.clear();
    for (const v1::Record& record : page->records()) {
      absl::StrAppend(&buffer, model::RecordToJson(record), "\n");
    }
    Write(out, buffer);
    if (std::ferror(out)) {
      bar.Finish();
      return fail(absl::UnknownError(FileError(to_file ? temp_path : "stdout", "cannot write")));
    }
    count += page->records_size();
    bar.Update(count, count);
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  bar.Finish();
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);

  if (!to_file) return FlushStdout();
  if (std::fclose(out) != 0) {
    std::remove(temp_path.c_str());
    return absl::UnknownError(FileError(temp_path, "cannot write"));
  }
  if (std::rename(temp_path.c_str(), options.out.c_str()) != 0) {
    std::remove(temp_path.c_str());
    return absl::UnknownError(FileError(options.out, "cannot rename the export into place"));
  }
  if (common.json) {
    Write(stdout, absl::StrFormat("{\"exported\":%d,\"out\":%s,\"seconds\":%.3f}\n", count,
                                  JsonQuote(options.out), seconds));
  } else {
    Write(stdout, absl::StrFormat("exported %s records to %s (%.1f s)\n",
                                  WithThousandsSeparators(count), options.out, seconds));
  }
  return FlushStdout();
}

namespace {

std::string VerifiedDay(const v1::Record& record) {
  if (!record.has_verified_time()) return "never";
  return UtcText(record.verified_time(), "%Y-%m-%d");
}

}  // namespace

absl::Status RunStale(const CommonOptions& common, const StaleOptions& options) {
  absl::string_view days_text = options.older_than;
  if (!days_text.empty() && days_text.back() == 'd') days_text.remove_suffix(1);
  int days = 0;
  if (!absl::SimpleAtoi(days_text, &days) || days < 1) {
    return absl::InvalidArgumentError(absl::StrCat("--older-than: \"", options.older_than,
                                                   "\" is not a number of days; valid: e.g. 180d"));
  }
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  v1::ListStaleRecordsRequest request;
  request.set_older_than_days(days);
  request.set_unit(options.unit);
  request.set_page_size(options.limit);
  SOFDIR_ASSIGN_OR_RETURN(v1::ListStaleRecordsResponse stale, client->ListStaleRecords(request));
  std::string out;
  if (common.json) {
    absl::StrAppend(&out, "{\"records\":[");
    for (int i = 0; i < stale.records_size(); ++i) {
      absl::StrAppend(&out, i ? "," : "", model::RecordToJsonWithMetadata(stale.records(i)));
    }
    absl::StrAppend(&out, "],\"total\":", stale.total_size(), "}\n");
  } else {
    TablePrinter table({{"VERIFIED"}, {"BY", 30}, {"ID"}, {"NAME", 50}});
    for (const v1::Record& r : stale.records()) {
      table.AddRow({VerifiedDay(r), r.verified_by(), model::RecordId(r), model::DisplayName(r)});
    }
    out = stale.records().empty()
              ? absl::StrCat("nothing older than ", days, " days\n")
              : absl::StrCat(table.ToString(), stale.total_size(), " records not confirmed for ",
                             days, " days; confirm with: sofdir verify ID\n");
  }
  Write(stdout, out);
  return FlushStdout();
}

absl::Status RunVerify(const CommonOptions& common, const std::string& id) {
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  SOFDIR_ASSIGN_OR_RETURN(v1::Record record, client->VerifyRecord(id));
  Write(stdout, common.json ? absl::StrCat(model::RecordToJsonWithMetadata(record), "\n")
                            : absl::StrCat(id, " confirmed on ", VerifiedDay(record), " by ",
                                           record.verified_by(), "\n"));
  return FlushStdout();
}

absl::Status RunAudit(const CommonOptions& common, const AuditOptions& options) {
  v1::ListAuditRequest request;
  request.set_resource(options.resource);
  request.set_principal(options.principal);
  request.set_page_size(options.limit);
  if (!options.since.empty()) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(options.since, &day)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--since: \"", options.since, "\" is not a date; valid: YYYY-MM-DD"));
    }
    request.mutable_since()->set_seconds(
        absl::ToUnixSeconds(absl::FromCivil(day, absl::UTCTimeZone())));
  }
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  SOFDIR_ASSIGN_OR_RETURN(v1::ListAuditResponse audit, client->ListAudit(request));
  std::string out;
  if (common.json) {
    absl::StrAppend(&out, "{\"entries\":[");
    for (int i = 0; i < audit.entries_size(); ++i) {
      const v1::AuditEntry& e = audit.entries(i);
      std::vector<std::string> fields;
      for (const std::string& f : e.changed_fields()) fields.push_back(JsonQuote(f));
      absl::StrAppend(
          &out, i ? "," : "", "{\"time\":", JsonQuote(UtcText(e.time(), "%Y-%m-%dT%H:%M:%E3SZ")),
          ",\"principal\":", JsonQuote(e.principal()), ",\"method\":", JsonQuote(e.method()),
          ",\"resource\":", JsonQuote(e.resource()), ",\"changed_fields\":[",
          absl::StrJoin(fields, ","), "],\"sequence\":", e.sequence(), "}");
    }
    absl::StrAppend(&out, "]}\n");
  } else {
    TablePrinter table(
        {{"TIME (UTC)"}, {"PRINCIPAL", 40}, {"METHOD"}, {"RESOURCE"}, {"CHANGED FIELDS", 60}});
    for (const v1::AuditEntry& e : audit.entries()) {
      table.AddRow({UtcText(e.time(), "%Y-%m-%d %H:%M:%S"), e.principal(), e.method(), e.resource(),
                    absl::StrJoin(e.changed_fields(), ", ")});
    }
    out = audit.entries().empty() ? "no audit entries\n" : table.ToString();
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return absl::OkStatus();
}

absl::Status RunChanges(const CommonOptions& common, const ChangesOptions& options) {
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  uint64_t last = options.since;
  auto print = [&common, &last](const v1::Change& change) {
    std::string line = common.json ? ChangeToJson(change) : FormatChangeLine(change);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);  // followers read line by line
    last = change.sequence();
    return true;
  };
  if (!options.follow) {
    // Page through what is there now, then stop.
    while (true) {
      v1::ListChangesRequest request;
      request.set_since_sequence(last);
      request.set_page_size(1000);
      SOFDIR_ASSIGN_OR_RETURN(v1::ListChangesResponse page, client->ListChanges(request));
      for (const v1::Change& change : page.changes()) print(change);
      // Past changes this caller may not see (older servers send 0).
      last = std::max(last, page.next_since_sequence());
      if (page.changes().empty() || last >= page.last_sequence()) return absl::OkStatus();
    }
  }
  // Follow: replay then live; when the server goes away (a restart), come
  // back from the last sequence printed, so nothing is missed or repeated.
  absl::Duration backoff = absl::Milliseconds(250);
  while (true) {
    absl::Status status = client->WatchChanges(last, print);
    // A server that is shutting down answers UNAVAILABLE to the watches it
    // closes, but CANCELLED to one that reached it in the last moment.
    if (status.ok() || !(absl::IsUnavailable(status) || absl::IsCancelled(status))) return status;
    std::cerr << "sofdir: lost the server (" << status.message() << "); reconnecting from sequence "
              << last << std::endl;
    while (true) {
      absl::SleepFor(backoff);
      backoff = std::min(backoff * 2, absl::Seconds(5));
      absl::StatusOr<std::unique_ptr<DirectoryClient>> again = Connect(common);
      if (again.ok()) {
        client = *std::move(again);
        backoff = absl::Milliseconds(250);
        break;
      }
    }
  }
}

absl::Status RunGet(const CommonOptions& common, const std::string& id) {
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  SOFDIR_ASSIGN_OR_RETURN(v1::Record record, client->GetRecord(id));
  NameCache names(*client);
  PrintRecord(record, common.json, common.json ? nullptr : names.AsLookup());
  return FlushStdout();
}

absl::Status RunList(const CommonOptions& common, const ListOptions& options) {
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  v1::ListRecordsRequest request;
  request.set_kind(KindFilter(options.kind));
  request.set_parent(options.parent);
  request.set_page_token(options.page_token);
  request.set_page_size(options.page_size == 0 && options.all ? kListAllPageSize
                                                              : options.page_size);
  std::vector<v1::Record> records;
  std::string next_page_token;
  while (true) {
    SOFDIR_ASSIGN_OR_RETURN(v1::ListRecordsResponse page, client->ListRecords(request));
    for (v1::Record& record : *page.mutable_records()) records.push_back(std::move(record));
    next_page_token = page.next_page_token();
    if (!options.all || next_page_token.empty()) break;
    request.set_page_token(next_page_token);
  }

  if (common.json) {
    std::string out = "{\"records\":[";
    for (size_t i = 0; i < records.size(); ++i) {
      absl::StrAppend(&out, i > 0 ? ",\n" : "\n", model::RecordToJsonWithMetadata(records[i]));
    }
    absl::StrAppend(&out, records.empty() ? "" : "\n",
                    "],\"next_page_token\":", JsonQuote(next_page_token), "}\n");
    Write(stdout, out);
    return FlushStdout();
  }
  if (records.empty()) {
    Write(stdout, "no records\n");
  } else {
    NameCache names(*client);
    RecordTable table(request.kind(), names.AsLookup());
    for (const v1::Record& record : records) table.Add(record);
    Write(stdout, table.ToString());
  }
  if (!next_page_token.empty()) {
    std::string hint = absl::StrCat("next page: sofdir list ", options.kind);
    if (!options.parent.empty()) absl::StrAppend(&hint, " --parent ", ShellWord(options.parent));
    if (options.page_size > 0) absl::StrAppend(&hint, " --page-size ", options.page_size);
    absl::StrAppend(&hint, " --page-token ", ShellWord(next_page_token));
    Write(stdout, WrapShellLine(hint, OutputWidth()));
  }
  return FlushStdout();
}

absl::Status RunCreate(const CommonOptions& common, const CreateOptions& options) {
  SOFDIR_ASSIGN_OR_RETURN(v1::Record record, ReadRecordFile(options.file));
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  v1::CreateRecordRequest request;
  *request.mutable_record() = std::move(record);
  request.set_request_id(options.request_id.empty() ? NewRequestId() : options.request_id);
  absl::StatusOr<v1::Record> created = client->CreateRecord(request);
  if (!created.ok()) {
    if (created.status().code() == absl::StatusCode::kUnavailable ||
        created.status().code() == absl::StatusCode::kDeadlineExceeded) {
      // The record may or may not exist now; the same request id makes a
      // retry safe.
      return absl::Status(created.status().code(),
                          absl::StrCat(created.status().message(), "; retry with --request-id ",
                                       request.request_id()));
    }
    return created.status();
  }
  if (common.json) {
    Write(stdout, absl::StrCat("{\"request_id\":", JsonQuote(request.request_id()),
                               ",\"record\":", model::RecordToJsonWithMetadata(*created), "}\n"));
  } else {
    PrintRecord(*created, false);
  }
  return FlushStdout();
}

absl::Status RunUpdate(const CommonOptions& common, const UpdateOptions& options) {
  SOFDIR_ASSIGN_OR_RETURN(v1::Record record, ReadRecordFile(options.file));
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  v1::UpdateRecordRequest request;
  *request.mutable_record() = std::move(record);
  request.mutable_record()->set_etag(options.etag);
  for (const std::string& path : options.mask) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(path);
    if (!trimmed.empty()) request.mutable_update_mask()->add_paths(std::string(trimmed));
  }
  SOFDIR_ASSIGN_OR_RETURN(v1::Record updated, client->UpdateRecord(request));
  PrintRecord(updated, common.json);
  return FlushStdout();
}

absl::Status RunDelete(const CommonOptions& common, const DeleteOptions& options) {
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  SOFDIR_RETURN_IF_ERROR(client->DeleteRecord(options.id, options.etag));
  Write(stdout, common.json ? absl::StrCat("{\"deleted\":", JsonQuote(options.id), "}\n")
                            : absl::StrCat("deleted ", options.id, "\n"));
  return FlushStdout();
}

}  // namespace sofdir::client
