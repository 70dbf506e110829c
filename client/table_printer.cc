#include "client/table_printer.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "unicode/uchar.h"
#include "unicode/utf8.h"

namespace sofdir::client {
namespace {

constexpr absl::string_view kEllipsis = "…";
constexpr int kMinColumnWidth = 6;

int output_width = 0;

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

void SetOutputWidth(int columns) { output_width = std::max(0, columns); }
int OutputWidth() { return output_width; }

namespace {

// One line wrapped to `width`; appends to `out` with '\n' after each piece.
void WrapLine(absl::string_view line, int width, std::string& out) {
  // A word (with the escapes it holds), its columns, and the spaces
  // before it in the line (kept, so that table padding survives).
  struct Piece {
    std::string text;
    int width = 0;
    int gap = 0;
  };
  size_t lead = 0;
  while (lead < line.size() && line[lead] == ' ') ++lead;
  const int indent = std::min<int>(static_cast<int>(lead) + 2, width / 2);
  // Words (with the escapes they hold) and their widths.
  std::vector<Piece> words;
  Piece current;
  int gap = 0;
  auto flush_word = [&] {
    if (!current.text.empty()) {
      current.gap = gap;
      gap = 0;
      words.push_back(std::move(current));
    }
    current = Piece();
  };
  size_t i = lead;
  while (i < line.size()) {
    if (line[i] == '\x1b' && i + 1 < line.size() && line[i + 1] == '[') {
      size_t end = line.find('m', i);
      if (end == absl::string_view::npos) end = line.size() - 1;
      absl::StrAppend(&current.text, line.substr(i, end + 1 - i));
      i = end + 1;
      continue;
    }
    if (line[i] == ' ') {
      flush_word();
      ++gap;
      ++i;
      continue;
    }
    size_t next = i + 1;
    while (next < line.size() && (static_cast<unsigned char>(line[next]) & 0xC0) == 0x80) ++next;
    absl::string_view code_point = line.substr(i, next - i);
    absl::StrAppend(&current.text, code_point);
    current.width += DisplayWidth(code_point);
    i = next;
  }
  flush_word();
  std::string row(lead, ' ');
  int row_width = static_cast<int>(lead);
  bool row_has_word = false;
  auto end_row = [&] {
    out.append(row);
    out.push_back('\n');
    row.assign(indent, ' ');
    row_width = indent;
    row_has_word = false;
  };
  for (Piece& word : words) {
    const int needed = word.width + (row_has_word ? word.gap : 0);
    if (row_width + needed > width && row_has_word) end_row();
    if (row_has_word) {
      row.append(word.gap, ' ');
      row_width += word.gap;
    }
    // A word wider than what is left: split it by code points.
    while (row_width + word.width > width && word.width > 0) {
      std::string head;
      int head_width = 0;
      size_t cut = 0;
      const int budget = width - row_width;
      while (cut < word.text.size()) {
        size_t next = cut + 1;
        while (next < word.text.size() &&
               (static_cast<unsigned char>(word.text[next]) & 0xC0) == 0x80) {
          ++next;
        }
        const int w = DisplayWidth(absl::string_view(word.text).substr(cut, next - cut));
        if (head_width + w > budget && head_width > 0) break;
        head_width += w;
        cut = next;
      }
      row.append(word.text, 0, cut);
      row_width += head_width;
      word.text.erase(0, cut);
      word.width -= head_width;
      end_row();
    }
    if (!word.text.empty()) {
      row.append(word.text);
      row_width += word.width;
      row_has_word = true;
    }
  }
  if (row_has_word || out.empty() || row_width > indent) end_row();
}

// Columns of `line`, not counting ANSI escapes.
int VisibleWidth(absl::string_view line) {
  if (line.find('\x1b') == absl::string_view::npos) return DisplayWidth(line);
  std::string plain;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\x1b' && i + 1 < line.size() && line[i + 1] == '[') {
      size_t end = line.find('m', i);
      if (end == absl::string_view::npos) break;
      i = end;
      continue;
    }
    plain.push_back(line[i]);
  }
  return DisplayWidth(plain);
}

}  // namespace

std::string WrapToWidth(absl::string_view text, int width) {
  if (width <= 0) return std::string(text);
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    const bool has_newline = end != absl::string_view::npos;
    if (!has_newline) end = text.size();
    absl::string_view line = text.substr(start, end - start);
    if (VisibleWidth(line) <= width) {
      out.append(line.data(), line.size());
      if (has_newline) out.push_back('\n');
    } else {
      std::string wrapped;
      WrapLine(line, width, wrapped);
      if (!has_newline && !wrapped.empty()) wrapped.pop_back();
      out.append(wrapped);
    }
    start = end + 1;
  }
  return out;
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
  // Narrow the widest text column, one column at a time, until it fits.
  std::vector<int> natural = widths;
  if (OutputWidth() > 0 && !columns_.empty()) {
    int total = 2 * static_cast<int>(columns_.size() - 1);
    for (int w : widths) total += w;
    while (total > OutputWidth()) {
      int widest = -1;
      for (size_t i = 0; i < columns_.size(); ++i) {
        const int floor = std::max(kMinColumnWidth, DisplayWidth(columns_[i].header));
        // Only text columns (those with a max_width) give way: ids, e-mail
        // addresses, dates and numbers stay whole.
        if (columns_[i].max_width == 0 || columns_[i].align_right || widths[i] <= floor) continue;
        if (widest < 0 || widths[i] > widths[widest]) widest = static_cast<int>(i);
      }
      if (widest < 0) break;
      --widths[widest];
      --total;
    }
  }
  auto format_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line.append("  ");
      if (widths[i] < natural[i]) {
        AppendPadded(line, TruncateToWidth(cells[i], widths[i]), widths[i],
                     columns_[i].align_right);
      } else {
        AppendPadded(line, cells[i], widths[i], columns_[i].align_right);
      }
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
    if (max_value_width > 0) {
      out.append(TruncateToWidth(value, max_value_width));
    } else if (OutputWidth() > label_width + 2 + 10 &&
               DisplayWidth(value) > OutputWidth() - label_width - 2) {
      // Whole, wrapped under the value column.
      const std::string indent(label_width + 2, ' ');
      const std::string wrapped =
          WrapToWidth(WithoutControlCharacters(value), OutputWidth() - label_width - 2);
      bool first = true;
      for (absl::string_view part : absl::StrSplit(wrapped, '\n')) {
        // Continuation lines carry WrapToWidth's own two-space indent.
        if (!first) absl::StrAppend(&out, "\n", indent);
        absl::StrAppend(&out, first ? part : absl::StripPrefix(part, "  "));
        first = false;
      }
    } else {
      out.append(WithoutControlCharacters(value));
    }
    out.erase(out.find_last_not_of(' ') + 1);
    out.push_back('\n');
  }
  return out;
}

}  // namespace sofdir::client
