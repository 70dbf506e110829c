#include "client/progress_bar.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace sofdir::client {

std::string WithThousandsSeparators(int64_t value) {
  std::string digits = absl::StrCat(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return value < 0 ? "-" + out : out;
}

ProgressBar::ProgressBar(const Options& options, std::FILE* out, bool enabled)
    : options_(options), out_(out), enabled_(enabled), start_(absl::Now()) {}

ProgressBar::~ProgressBar() { Finish(); }

std::string ProgressBar::Format(int64_t done, int64_t total, absl::string_view unit,
                                double per_second, int bar_width) {
  std::string rate = absl::StrCat(
      WithThousandsSeparators(static_cast<int64_t>(std::llround(per_second))), " rec/s");
  if (total <= 0) return absl::StrCat(done, " ", unit, "  ", rate);
  double fraction = std::clamp(static_cast<double>(done) / static_cast<double>(total), 0.0, 1.0);
  int filled = static_cast<int>(fraction * bar_width);
  int percent = static_cast<int>(fraction * 100);
  std::string percent_text = absl::StrCat(percent, "%");
  return absl::StrCat("[", std::string(filled, '#'), std::string(bar_width - filled, '-'), "] ",
                      std::string(4 - std::min<size_t>(4, percent_text.size()), ' '), percent_text,
                      "  ", done, "/", total, " ", unit, "  ", rate);
}

void ProgressBar::Update(int64_t done, int64_t rate_count) {
  if (!enabled_) return;
  absl::Time now = absl::Now();
  if (now - last_draw_ < options_.redraw_interval) return;
  last_draw_ = now;
  double seconds = absl::ToDoubleSeconds(now - start_);
  double per_second = seconds > 0 ? static_cast<double>(rate_count) / seconds : 0;
  std::string line = Format(done, options_.total, options_.unit, per_second, options_.bar_width);
  // Pad over the rest of a longer previous line.
  size_t length = line.size();
  if (length < last_length_) line.append(last_length_ - length, ' ');
  last_length_ = length;
  std::fputs(("\r" + line).c_str(), out_);
  std::fflush(out_);
}

void ProgressBar::Finish() {
  if (!enabled_) return;
  enabled_ = false;
  if (last_length_ == 0) return;
  std::fputs(("\r" + std::string(last_length_, ' ') + "\r").c_str(), out_);
  std::fflush(out_);
}

}  // namespace sofdir::client
