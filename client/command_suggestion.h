// "Did you mean": the closest subcommand to a mistyped one, by edit
// distance, for the usage error of `sofdir serach`.
#ifndef SOFDIR_CLIENT_COMMAND_SUGGESTION_H_
#define SOFDIR_CLIENT_COMMAND_SUGGESTION_H_

#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/string_view.h"

namespace sofdir::client::cli {

// Levenshtein distance in bytes (insert, delete, substitute; plus swapping
// two neighbours, the commonest typo), case-insensitive.
int EditDistance(absl::string_view a, absl::string_view b);

// The candidate closest to `word`, or "" when none is within
// max(2, size/3) edits (or `word` is a prefix of exactly one).
std::string ClosestWord(absl::string_view word, const std::vector<std::string>& candidates);

// When argv names a subcommand that `cli` (or the group it is under, e.g.
// `praktik`) does not have: `unknown command "serach" (mente du: search?)`,
// or with no close one the list of commands. "" when every word before the
// first option is a known command.
std::string SuggestCommand(const CLI::App& cli, int argc, char** argv);

}  // namespace sofdir::client::cli

#endif  // SOFDIR_CLIENT_COMMAND_SUGGESTION_H_
