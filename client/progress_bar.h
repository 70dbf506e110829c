// A one-line progress display for long commands (import, export), redrawn
// in place with '\r' on a terminal:
//   [#####-----]  45%  45000/100000 lines  12,345 rec/s
// When the total is unknown (0) the bar and percentage are left out:
//   45000 records  12,345 rec/s
// Not thread-safe: one thread updates it.
#ifndef SOFDIR_CLIENT_PROGRESS_BAR_H_
#define SOFDIR_CLIENT_PROGRESS_BAR_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sofdir::client {

// `value` with a comma every three digits: 12345 -> "12,345".
std::string WithThousandsSeparators(int64_t value);

class ProgressBar {
 public:
  struct Options {
    int64_t total = 0;             // 0 = unknown
    std::string unit = "records";  // what is counted, e.g. "lines"
    int bar_width = 20;            // cells between the brackets
    absl::Duration redraw_interval = absl::Milliseconds(100);
  };

  // Draws to `out` (not owned; typically stderr) only when `enabled`; pass
  // isatty(fileno(out)) so pipes and log files get no control characters.
  ProgressBar(const Options& options, std::FILE* out, bool enabled);
  ~ProgressBar();  // calls Finish()

  // Records progress; redraws at most once per redraw_interval. The rate
  // counts `rate_count` (e.g. records sent) per second since construction.
  void Update(int64_t done, int64_t rate_count);

  // Erases the line so the next output starts on a clean line. Idempotent.
  void Finish();

  // The text of one line, without '\r' or padding. Pure; for tests.
  static std::string Format(int64_t done, int64_t total, absl::string_view unit, double per_second,
                            int bar_width);

 private:
  const Options options_;
  std::FILE* const out_;
  bool enabled_;
  const absl::Time start_;
  absl::Time last_draw_ = absl::InfinitePast();
  size_t last_length_ = 0;
};

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_PROGRESS_BAR_H_
