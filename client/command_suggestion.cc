#include "client/command_suggestion.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace sofdir::client::cli {

int EditDistance(absl::string_view a_in, absl::string_view b_in) {
  const std::string a = absl::AsciiStrToLower(a_in);
  const std::string b = absl::AsciiStrToLower(b_in);
  const size_t n = a.size();
  const size_t m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::string ClosestWord(absl::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  int best_distance = std::max<int>(2, static_cast<int>(word.size()) / 3) + 1;
  for (const std::string& candidate : candidates) {
    const int distance = EditDistance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  if (!best.empty() || word.empty()) return best;
  std::vector<std::string> prefixed;
  for (const std::string& candidate : candidates) {
    if (absl::StartsWithIgnoreCase(candidate, word)) prefixed.push_back(candidate);
  }
  return prefixed.size() == 1 ? prefixed[0] : "";
}

std::string SuggestCommand(const CLI::App& cli, int argc, char** argv) {
  const CLI::App* app = &cli;
  bool skip_value = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (skip_value) {
      skip_value = false;
      continue;
    }
    if (arg == "--") return "";
    if (absl::StartsWith(arg, "-")) {
      // An option that takes a value and does not carry it (--server H:P).
      const CLI::Option* option = app->get_option_no_throw(arg.substr(0, arg.find('=')));
      skip_value =
          option != nullptr && arg.find('=') == std::string::npos && option->get_expected_min() > 0;
      continue;
    }
    std::vector<std::string> names;
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; })) {
      names.push_back(sub->get_name());
      if (sub->get_name() == arg) next = sub;
    }
    if (names.empty()) return "";  // a positional argument of a command
    if (next != nullptr) {
      app = next;
      continue;
    }
    const std::string where = app == &cli ? "" : absl::StrCat(app->get_name(), " ");
    const std::string closest = ClosestWord(arg, names);
    if (!closest.empty()) {
      return absl::StrCat("unknown command \"", where, arg, "\" (mente du: ", where, closest, "?)");
    }
    return absl::StrCat("unknown command \"", where, arg,
                        "\"; the commands are: ", absl::StrJoin(names, ", "));
  }
  return "";
}

}  // namespace sofdir::client::cli
