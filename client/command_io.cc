#include "client/command_io.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "client/table_printer.h"

namespace sofdir::client {

absl::StatusOr<std::unique_ptr<DirectoryClient>> Connect(const CommonOptions& common) {
  DirectoryClient::Options options;
  options.server = common.server;
  options.call_timeout = common.timeout;
  options.connect_timeout = std::min(common.connect_timeout, common.timeout);
  options.ca_path = common.ca_path;
  options.cert_path = common.cert_path;
  options.key_path = common.key_path;
  options.token = common.token;
  return DirectoryClient::Connect(options);
}

void Write(std::FILE* out, absl::string_view text) {
  std::fwrite(text.data(), 1, text.size(), out);
}

absl::Status FlushStdout() {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    return absl::UnknownError(absl::StrCat("cannot write to stdout: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

std::string FileError(absl::string_view path, absl::string_view what) {
  return absl::StrCat(path == "-" ? "stdin" : path, ": ", what, " (", std::strerror(errno), ")");
}

std::string ShellWord(absl::string_view text) {
  bool safe = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || std::strchr("_-=+/.:,", c);
  });
  if (safe) return std::string(text);
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string WrapShellLine(absl::string_view line, int width) {
  line = absl::StripSuffix(line, "\n");
  if (width <= 0 || DisplayWidth(line) <= width) return absl::StrCat(line, "\n");
  // Words: split at spaces outside single quotes.
  std::vector<std::string> words(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '\'') quoted = !quoted;
    if (c == ' ' && !quoted) {
      if (!words.back().empty()) words.emplace_back();
      continue;
    }
    words.back().push_back(c);
  }
  std::string out;
  std::string row;
  for (const std::string& word : words) {
    // Room for " \" after the word when another line follows.
    if (!row.empty() && DisplayWidth(row) + 1 + DisplayWidth(word) + 2 > width) {
      absl::StrAppend(&out, row, " \\\n");
      row = "    ";
    } else if (!row.empty()) {
      row.push_back(' ');
    }
    row.append(word);
  }
  absl::StrAppend(&out, row, "\n");
  return out;
}

std::string NewRequestId() {
  absl::BitGen random;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(random),
                         absl::Uniform<uint64_t>(random));
}

bool UseAnsi() {
  const char* no_color = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) && (no_color == nullptr || *no_color == '\0');
}

}  // namespace sofdir::client
