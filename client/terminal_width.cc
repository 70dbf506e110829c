#include "client/terminal_width.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/numbers.h"

namespace sofdir::client {

int TerminalWidth() {
  constexpr int kMinimum = 20;
  winsize size{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return std::max<int>(kMinimum, size.ws_col);
  }
  const char* columns = std::getenv("COLUMNS");
  int value = 0;
  if (columns != nullptr && absl::SimpleAtoi(columns, &value) && value > 0) {
    return std::max(kMinimum, value);
  }
  // No terminal and no $COLUMNS: a pipe or a file, read by a program
  // (grep, awk) that needs whole values; no limit.
  return 0;
}

}  // namespace sofdir::client
