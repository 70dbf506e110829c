// `sofdir search|who-knows|suggest` (command_registry.h).
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/cli_flags.h"
#include "client/command_registry.h"
#include "client/commands.h"
#include "client/search_view.h"
#include "server/model/record_util.h"

namespace sofdir::client::cli {
namespace {

// --near must be a point or a place name; a bad point is a usage error.
const CLI::Validator& NearValidator() {
  static const CLI::Validator validator(
      [](std::string& value) {
        absl::StatusOr<NearPlace> near = ParseNear(value);
        return near.ok() ? std::string() : std::string(near.status().message());
      },
      "LAT,LON|PLACE");
  return validator;
}

struct SearchArgs {
  SearchOptions options;
  std::vector<std::string> words;
  int age = 0;
};

void RegisterSearchCommands(CLI::App& cli, CommandContext& context) {
  static const std::vector<std::string> kSearchKinds =
      absl::StrSplit(model::ValidKindsText(), ", ");

  // search
  auto& search = context.Keep<SearchArgs>();
  auto search_command = context.AddCommand(
      cli, "search",
      "Find tilbud, units, partners, praktik offers and people by what they are about",
      "seconds the call may take",
      "Danish text as people type it: without æ/ø/å, with typos, inflections,\n"
      "abbreviations (SEL 107, SPC) and synonyms. The server also reads what the\n"
      "text asks for: the kind of record (\"besøg hos ...\" = praktik), questions\n"
      "(\"hvem ved noget om ...\"), filters written as words (\"ledig plads\",\n"
      "\"§ 107\", \"i oktober\", \"8-årig\") and places (\"Valby Langgade\", \"2500\").\n"
      "What it understood comes first, on one line, with the command that\n"
      "searches without it:\n"
      "  Fortolket: viser kun tilbud med ledige pladser · søg i stedet uden\n"
      "  fortolkning: sofdir search --literal 'botilbud ledig plads'\n"
      "Then the ranked results with the words that matched in bold (« » when not\n"
      "on a terminal), free places for tilbud, counts per kind, area, district,\n"
      "service type and legal basis to narrow by (a value named in the text or a\n"
      "flag is always shown), and the command for the next page. Tables fit the\n"
      "terminal's width (or $COLUMNS; a pipe gets whole lines). --json gives\n"
      "the same as one object, with \"interpretation\". A query that finds nothing\n"
      "prints \"no results\" and exits 0; a bad --filter exits 4.");
  CLI::App* app = search_command.app;
  SearchOptions& o = search.options;
  app->add_option("TEXT", search.words,
                  "what to look for, e.g. botilbud unge autisme; may be left out when "
                  "a filter is given");
  app->add_option("--kind", o.kinds,
                  absl::StrCat("only these kinds; repeat or separate with commas: ",
                               model::ValidKindsText()))
      ->check(CLI::IsMember(kSearchKinds))
      ->delimiter(',')
      ->allow_extra_args(false);
  app->add_option("--area", o.area, "only this area, e.g. \"Udsatte voksne\"");
  app->add_option("--district", o.district, "only this district, e.g. Nørrebro");
  app->add_option("--legal-basis", o.legal_basis,
                  "only tilbud given under this, e.g. \"SEL § 107\"");
  app->add_option("--service-type", o.service_type, "only tilbud of this type, e.g. botilbud");
  CLI::Option* age_option =
      app->add_option("--age", search.age, "only tilbud whose age range covers this age")
          ->check(CLI::Range(0, 120));
  app->add_flag("--free", o.only_free, "only tilbud with free places");
  app->add_option("--fresh", o.fresh_days,
                  "only records confirmed within DAYS (default 180 when given without a value)")
      ->expected(0, 1)
      ->default_str("180")
      ->check(CLI::Range(1, 100000));
  app->add_option("--near", o.near,
                  "rank nearer records higher and show distances: LAT,LON or a district, "
                  "e.g. Nørrebro")
      ->check(NearValidator());
  app->add_option(
      "--filter", o.filter,
      "filter expression, e.g. 'kind = \"tilbud\" AND free_places > 0' (fields: kind, area, "
      "district, legal_basis, service_type, age, free_places, unit_id)");
  app->add_option("--limit", o.limit, "results per page (default 10)")->check(CLI::Range(1, 100));
  app->add_option("--page-token", o.page_token, "token printed by the previous page");
  app->add_flag("--explain", o.explain,
                "show how each result's score came about, and each thing the server "
                "understood in the text with the words it took");
  app->add_flag("--literal", o.literal,
                "search the words as typed: no reading of kind words, questions, "
                "filters or places written in the text");
  context.OnRun(app, [flags = search_command.flags, &search, age_option] {
    SearchOptions& o = search.options;
    o.text = absl::StrJoin(search.words, " ");
    if (age_option->count() > 0) o.age = search.age;
    if (o.text.empty() && o.kinds.empty() && o.area.empty() && o.district.empty() &&
        o.legal_basis.empty() && o.service_type.empty() && !o.age && !o.only_free &&
        o.near.empty() && o.filter.empty()) {
      return UsageError("search: give TEXT, a filter (--kind, --area, --free ...) or both");
    }
    return Finish(RunSearch(flags->ToOptions(), o));
  });

  // who-knows
  auto& who_knows_options = context.Keep<WhoKnowsOptions>();
  auto& who_knows_words = context.Keep<std::vector<std::string>>();
  auto who_knows_command = context.AddCommand(
      cli, "who-knows",
      "Find the persons and units that know a topic or method, and how to reach them",
      "seconds the call may take",
      "Ranked by the evidence, which is listed under each one (e.g. expertise,\n"
      "praktik offers they host). Exits 4 when TOPIC is empty.");
  who_knows_command.app->add_option("TOPIC", who_knows_words, "topic or method, e.g. FIT")
      ->required();
  who_knows_command.app
      ->add_option("--limit", who_knows_options.limit, "how many to show (default 10)")
      ->check(CLI::Range(1, 100));
  context.OnRun(who_knows_command.app,
                [flags = who_knows_command.flags, &who_knows_options, &who_knows_words] {
                  who_knows_options.topic = absl::StrJoin(who_knows_words, " ");
                  return Finish(RunWhoKnows(flags->ToOptions(), who_knows_options));
                });

  // suggest
  auto& suggest_options = context.Keep<SuggestOptions>();
  auto& suggest_words = context.Keep<std::vector<std::string>>();
  auto suggest_command = context.AddCommand(
      cli, "suggest", "Complete what has been typed so far (search as you type)",
      "seconds the call may take",
      "Prints one completion per line with the number of records that carry it.");
  suggest_command.app->add_option("PREFIX", suggest_words, "the start of a word or name, e.g. fri")
      ->required();
  suggest_command.app
      ->add_option("--limit", suggest_options.limit, "how many completions (default 8)")
      ->check(CLI::Range(1, 50));
  context.OnRun(suggest_command.app,
                [flags = suggest_command.flags, &suggest_options, &suggest_words] {
                  suggest_options.prefix = absl::StrJoin(suggest_words, " ");
                  return Finish(RunSuggest(flags->ToOptions(), suggest_options));
                });
}

}  // namespace
}  // namespace sofdir::client::cli

SOFDIR_REGISTER_COMMANDS(30, sofdir::client::cli::RegisterSearchCommands)
