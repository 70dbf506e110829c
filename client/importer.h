// Importer: streams a JSON Lines file of directory records (the format of
// shared/data/README.md) to the server in ImportRecords batches and reports,
// per input line, what became of it.
//
// Data flow: the calling thread reads and parses lines (model::ParseRecordJson)
// into a batch; a full batch (batch_size records, or batch_bytes serialized,
// whichever comes first) is handed to a second thread that sends it while
// the next one is parsed. At most one batch is in flight, and batches go in
// file order, so a record may refer to any record on an earlier line.
// Lines that are not valid UTF-8, do not parse, or hold a record larger
// than batch_bytes are rejected here, with their line number, and never
// sent (one such line would otherwise fail its whole batch); blank lines
// are skipped.
//
// Not thread-safe: one Import at a time per Importer.
#ifndef SOFDIR_CLIENT_IMPORTER_H_
#define SOFDIR_CLIENT_IMPORTER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::client {

// One input line that was not imported.
struct ImportRejection {
  int64_t line = 0;  // 1-based line number in the input
  std::string id;    // the record's id, or "" when the line has none
  std::string error;
};

struct ImportSummary {
  int64_t lines = 0;  // lines read, blank ones included
  int64_t created = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t rejected = 0;
  double seconds = 0;
  std::vector<ImportRejection> rejections;  // by line number
};

class Importer {
 public:
  // Sends one batch; in the CLI, DirectoryClient::ImportRecords. Called from
  // a thread other than the one that called Import, never concurrently.
  using SendBatchFn = std::function<absl::StatusOr<sof::directory::v1::ImportRecordsResponse>(
      const sof::directory::v1::ImportRecordsRequest&)>;
  // Called on Import's thread after each batch is parsed and handed on,
  // and once at the end: lines read so far, records whose batch has returned.
  using ProgressFn = std::function<void(int64_t lines_read, int64_t records_done)>;

  struct Options {
    int batch_size = 1000;  // records per ImportRecords call, 1..5000
    // Serialized bytes per call at most: well under the server's message
    // limit (4 MiB unless configured). A valid record is far smaller.
    size_t batch_bytes = 2 << 20;
  };

  Importer(const Options& options, SendBatchFn send_batch);

  // Imports every line of `in`. Rejected lines are part of the summary, not
  // an error. Returns the status of the first batch call that failed as a
  // whole (e.g. UNAVAILABLE), its message saying from which line on the
  // input was not imported, and which line the server refused when it names
  // a record of the batch ("records[i]..."); batches before it stay
  // imported.
  [[nodiscard]] absl::StatusOr<ImportSummary> Import(std::istream& in, const ProgressFn& progress);

 private:
  const Options options_;
  const SendBatchFn send_batch_;
};

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_IMPORTER_H_
