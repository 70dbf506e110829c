// Reading iCalendar text back the way a calendar client does (RFC 5545 3.1),
// for tests and the iCalendar fuzz target.
#ifndef SOFDIR_TESTS_TESTING_ICS_H_
#define SOFDIR_TESTS_TESTING_ICS_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace sofdir::testing {

// What is wrong with `ics` as folded iCalendar text, or "" when nothing:
// every line ends in CRLF, no CR or LF stands alone, no line is longer than
// 75 octets, and no control character other than HTAB appears.
inline std::string IcsLineProblems(absl::string_view ics) {
  size_t line_number = 1;
  size_t width = 0;
  for (size_t i = 0; i < ics.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(ics[i]);
    if (c == '\r') {
      if (i + 1 >= ics.size() || ics[i + 1] != '\n') {
        return absl::StrCat("line ", line_number, ": CR without LF");
      }
      ++i;
      ++line_number;
      width = 0;
      continue;
    }
    if (c == '\n') return absl::StrCat("line ", line_number, ": LF without CR");
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      return absl::StrCat("line ", line_number, ": control character ", static_cast<int>(c));
    }
    if (++width > 75) return absl::StrCat("line ", line_number, ": longer than 75 octets");
  }
  if (!ics.empty() && width != 0) return absl::StrCat("line ", line_number, ": no CRLF at the end");
  return "";
}

// Whether a fold cut a UTF-8 character of `physical_line` (one line of
// folded text without its CRLF): it starts, after the space that marks a
// continuation, with a continuation byte, or ends inside a sequence.
inline bool FoldSplitsACharacter(absl::string_view physical_line) {
  absl::string_view line = physical_line;
  if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) line.remove_prefix(1);
  const auto byte = [&line](size_t i) { return static_cast<unsigned char>(line[i]); };
  if (line.empty()) return false;
  if ((byte(0) & 0xc0) == 0x80) return true;
  size_t lead = line.size() - 1;  // the last byte that is not a continuation
  while (lead > 0 && (byte(lead) & 0xc0) == 0x80) --lead;
  const size_t have = line.size() - lead;
  const size_t need = byte(lead) >= 0xf0 ? 4 : byte(lead) >= 0xe0 ? 3 : byte(lead) >= 0xc0 ? 2 : 1;
  return have < need;
}

// Unfolds `ics` (removes every CRLF followed by a space or HTAB).
inline std::string UnfoldIcs(absl::string_view ics) {
  std::string out;
  for (size_t i = 0; i < ics.size(); ++i) {
    if (ics.substr(i, 2) == "\r\n" && i + 2 < ics.size() &&
        (ics[i + 2] == ' ' || ics[i + 2] == '\t')) {
      i += 2;
      continue;
    }
    out += ics[i];
  }
  return out;
}

// The content lines of `ics`, unfolded, without their CRLF.
inline std::vector<std::string> IcsContentLines(absl::string_view ics) {
  std::vector<std::string> lines;
  const std::string unfolded = UnfoldIcs(ics);
  size_t start = 0;
  while (start < unfolded.size()) {
    size_t end = unfolded.find("\r\n", start);
    if (end == std::string::npos) end = unfolded.size();
    lines.push_back(unfolded.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

// The property name of a content line: what comes before the first ';' or
// ':' (a name holds neither).
inline std::string IcsPropertyName(absl::string_view line) {
  return std::string(line.substr(0, line.find_first_of(";:")));
}

// The value of a content line: after the first ':' outside double quotes.
inline std::string IcsValue(absl::string_view line) {
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (line[i] == ':' && !quoted) return std::string(line.substr(i + 1));
  }
  return "";
}

// The TEXT value `escaped` with RFC 5545's backslash escapes undone.
inline std::string UnescapeIcsText(absl::string_view escaped) {
  std::string out;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '\\' && i + 1 < escaped.size()) {
      const char next = escaped[++i];
      out += (next == 'n' || next == 'N') ? '\n' : next;
    } else {
      out += escaped[i];
    }
  }
  return out;
}

}  // namespace sofdir::testing

#endif  // SOFDIR_TESTS_TESTING_ICS_H_
