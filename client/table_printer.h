// Plain-text tables for the CLI's human-readable output. Widths are counted
// in terminal columns of UTF-8 text (æ, ø, å are one column each, CJK and
// most emoji two, combining marks none), never in bytes.
// TablePrinter is not thread-safe; the free functions are.
#ifndef SOFDIR_CLIENT_TABLE_PRINTER_H_
#define SOFDIR_CLIENT_TABLE_PRINTER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace sofdir::client {

// Terminal columns `text` (UTF-8) takes. Bytes that are not valid UTF-8
// count one column each.
int DisplayWidth(absl::string_view text);

// `text` when it fits in `max_width` columns; otherwise its longest prefix
// of whole code points that fits in max_width - 1 columns followed by "…".
// Control characters (newlines, tabs) become spaces first.
std::string TruncateToWidth(absl::string_view text, int max_width);

// The width, in columns, that tables (TablePrinter::ToString) and
// WrapToWidth fit into; 0 = no limit, the default. The sofdir binary sets it
// to TerminalWidth() (terminal_width.h). Not thread-safe: set it once at
// start-up.
void SetOutputWidth(int columns);
int OutputWidth();

// `text` with every line wider than `width` columns word-wrapped at spaces
// (a word wider than the line is split); continuation lines are indented
// like the line itself plus two spaces (at most half the width). ANSI SGR
// escapes (ESC [ ... m) take no columns. `width` <= 0: `text` unchanged.
std::string WrapToWidth(absl::string_view text, int width);

// A table with a header row and left-aligned (or right-aligned) columns
// separated by two spaces. Lines carry no trailing spaces. When
// OutputWidth() is set and the table is wider, the widest text columns
// (those with a max_width; never right-aligned ones, never below their
// header or 6 columns) are narrowed, their cells cut with "…", until it
// fits or none can shrink. Columns without max_width (ids, e-mail
// addresses, dates) always stay whole.
class TablePrinter {
 public:
  struct Column {
    std::string header;
    int max_width = 0;         // cells wider than this are cut with "…"; 0 = no limit
    bool align_right = false;  // for numbers
  };

  explicit TablePrinter(std::vector<Column> columns);

  // Adds one row. Missing cells are empty, extra cells are ignored.
  void AddRow(std::vector<std::string> cells);

  int row_count() const { return static_cast<int>(rows_.size()); }

  // The header and all rows, each line ending in '\n'.
  std::string ToString() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// A vertical "field: value" view of one record: labels padded to a common
// width, values cut to `max_value_width` columns (0 = no limit: whole values,
// wrapped under the value column when OutputWidth() is set).
std::string FormatFieldList(const std::vector<std::pair<std::string, std::string>>& fields,
                            int max_value_width);

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_TABLE_PRINTER_H_
