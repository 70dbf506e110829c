#include "client/table_printer.h"

#include <algorithm>
#include <cstdint>

#include "unicode/uchar.h"
#include "unicode/utf8.h"

namespace sofdir::client {
namespace {

constexpr absl::string_view kEllipsis = "…";

// Columns one code point takes, after the rules of wcwidth(3).
int CodePointWidth(UChar32 c) {
  if (c < 0) return 1;  // an invalid byte is shown as one replacement glyph
  int8_t category = u_charType(c);
  if (category == U_NON_SPACING_MARK || category == U_ENCLOSING_MARK || category == U_FORMAT_CHAR) {
    return 0;
  }
  int east_asian = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
  if (east_asian == U_EA_WIDE || east_asian == U_EA_FULLWIDTH) return 2;
  return 1;
}

// Walks `text` code point by code point: calls fn(begin, end, width).
template <typename Fn>
void ForEachCodePoint(absl::string_view text, Fn fn) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  int32_t length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    int32_t begin = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (!fn(begin, i, CodePointWidth(c))) return;
  }
}

std::string WithoutControlCharacters(absl::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

void AppendPadded(std::string& line, absl::string_view cell, int width, bool align_right) {
  std::string padding(std::max(0, width - DisplayWidth(cell)), ' ');
  if (align_right) line.append(padding);
  line.append(cell.data(), cell.size());
  if (!align_right) line.append(padding);
}

}  // namespace

int DisplayWidth(absl::string_view text) {
  int width = 0;
  ForEachCodePoint(text, [&](int32_t, int32_t, int w) {
    width += w;
    return true;
  });
  return width;
}

std::string TruncateToWidth(absl::string_view text, int max_width) {
  std::string clean = WithoutControlCharacters(text);
  if (DisplayWidth(clean) <= max_width) return clean;
  if (max_width <= 0) return "";
  int budget = max_width - 1;  // one column for the ellipsis
  int width = 0;
  size_t cut = 0;
  ForEachCodePoint(clean, [&](int32_t, int32_t end, int w) {
    if (width + w > budget) return false;
    width += w;
    cut = end;
    return true;
  });
  clean.resize(cut);
  clean.append(kEllipsis.data(), kEllipsis.size());
  return clean;
}

TablePrinter::TablePrinter(std::vector<Column> columns) : columns_(std::move(columns)) {}

void TablePrinter::AddRow(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    int limit = columns_[i].max_width;
    cells[i] = limit > 0 ? TruncateToWidth(cells[i], limit) : WithoutControlCharacters(cells[i]);
  }
  rows_.push_back(std::move(cells));
}

std::string TablePrinter::ToString() const {
  std::vector<int> widths(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) widths[i] = DisplayWidth(columns_[i].header);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  auto format_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line.append("  ");
      AppendPadded(line, cells[i], widths[i], columns_[i].align_right);
    }
    line.erase(line.find_last_not_of(' ') + 1);
    line.push_back('\n');
    return line;
  };
  std::vector<std::string> header;
  for (const Column& column : columns_) header.push_back(column.header);
  std::string out = format_line(header);
  for (const auto& row : rows_) out.append(format_line(row));
  return out;
}

std::string FormatFieldList(const std::vector<std::pair<std::string, std::string>>& fields,
                            int max_value_width) {
  int label_width = 0;
  for (const auto& [label, value] : fields) {
    label_width = std::max(label_width, DisplayWidth(label) + 1);  // + ':'
  }
  std::string out;
  for (const auto& [label, value] : fields) {
    std::string line = label + ":";
    AppendPadded(out, line, label_width, false);
    out.append("  ");
    out.append(max_value_width > 0 ? TruncateToWidth(value, max_value_width)
                                   : WithoutControlCharacters(value));
    out.erase(out.find_last_not_of(' ') + 1);
    out.push_back('\n');
  }
  return out;
}

}  // namespace sofdir::client
