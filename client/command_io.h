// What the `sofdir` subcommands (commands.h) share: connecting with the
// common flags, writing to stdout and naming files in errors, shell words
// for the commands they print. Thread-compatible: call from the main thread.
#ifndef SOFDIR_CLIENT_COMMAND_IO_H_
#define SOFDIR_CLIENT_COMMAND_IO_H_

#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/commands.h"
#include "client/directory_client.h"

namespace sofdir::client {

// A client for the server and TLS/token settings of `common`; its errors
// are DirectoryClient::Connect's.
[[nodiscard]] absl::StatusOr<std::unique_ptr<DirectoryClient>> Connect(const CommonOptions& common);

// Writes all of `text` to `out` (errors show in ferror and FlushStdout).
void Write(std::FILE* out, absl::string_view text);

// Flushes stdout; UNKNOWN naming stdout when anything written failed (a
// full disk, a closed pipe).
[[nodiscard]] absl::Status FlushStdout();

// "<path>: <what> (<strerror(errno)>)", with "stdin" for "-".
std::string FileError(absl::string_view path, absl::string_view what);

// `text` as one word of a POSIX shell: as it is when it holds only letters,
// digits and _-=+/.:, (and is not empty), else in single quotes with each
// ' written as '\''.
std::string ShellWord(absl::string_view text);

// `line` ("next page: sofdir search ..."), when wider than `width`
// columns, broken between shell words (never inside '...') with " \"
// line continuations and a four-space indent, so that it still pastes into
// a shell as one command. A single word wider than the line stays whole.
// `width` <= 0: unchanged. Ends in '\n'.
std::string WrapShellLine(absl::string_view line, int width);

// A random 32-hex-digit request id.
std::string NewRequestId();

// Bold only where a person reads it: stdout is a terminal and NO_COLOR
// (no-color.org) is not set.
bool UseAnsi();

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_COMMAND_IO_H_
