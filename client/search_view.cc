#include "client/search_view.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/command_io.h"
#include "client/json_text.h"
#include "client/table_printer.h"
#include "server/model/record_util.h"
#include "unicode/normalizer2.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;

constexpr absl::string_view kOpenMark = "«";
constexpr absl::string_view kCloseMark = "»";
constexpr absl::string_view kBold = "\x1b[1m";
constexpr absl::string_view kNormal = "\x1b[22m";

// Snippets and explanation lines are cut here so that a row stays readable;
// --json has them whole.
constexpr int kSnippetWidth = 110;
constexpr int kDetailWidth = 160;

// The facets people narrow by most come first.
constexpr absl::string_view kFacetOrder[] = {"kind", "area", "district", "service_type",
                                             "legal_basis"};

int FacetRank(absl::string_view field) {
  const auto* it = std::find(std::begin(kFacetOrder), std::end(kFacetOrder), field);
  return static_cast<int>(it - std::begin(kFacetOrder));
}

std::string KindName(v1::RecordKind kind) {
  absl::string_view name = model::KindName(kind);
  return name.empty() ? "?" : std::string(name);
}

// The table's lines (header first) without their newlines.
std::vector<std::string> TableLines(const TablePrinter& table) {
  std::vector<std::string> lines = absl::StrSplit(table.ToString(), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::string JsonStringArray(const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::vector<std::string> quoted;
  quoted.reserve(values.size());
  for (const std::string& value : values) quoted.push_back(JsonQuote(value));
  return absl::StrCat("[", absl::StrJoin(quoted, ","), "]");
}

// "no record has the word(s) …" for the words the server left out, or "".
std::string UnmatchedNote(const v1::SearchEntriesResponse& response) {
  const int n = response.unmatched_words_size();
  if (n == 0) return "";
  std::vector<std::string> words;
  for (const std::string& w : response.unmatched_words())
    words.push_back(absl::StrCat("\"", w, "\""));
  std::string note =
      absl::StrCat("no record has the word", n == 1 ? " " : "s ", absl::StrJoin(words, ", "));
  if (!response.results().empty())
    note += n == 1 ? "; the results leave it out" : "; the results leave them out";
  return note + "\n";
}

// `text` as the words the server would match it by (server/search/
// text_folder.h, in short): NFKC case folding, no diacritics, æ/ae -> a,
// ø/oe -> o, å/aa -> a; a word is a run of letters or of digits.
std::vector<std::string> FoldedWords(absl::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) return {};
  icu::UnicodeString folded =
      casefold->normalize(icu::UnicodeString::fromUTF8(
                              icu::StringPiece(text.data(), static_cast<int32_t>(text.size()))),
                          status);
  for (const auto& [letter, base] :
       {std::make_pair(u"æ", u"a"), std::make_pair(u"ø", u"o"), std::make_pair(u"å", u"a")}) {
    folded.findAndReplace(icu::UnicodeString(letter), icu::UnicodeString(base));
  }
  folded = nfd->normalize(folded, status);
  if (U_FAILURE(status)) return {};
  std::vector<std::string> words;
  std::string word;
  int kind = 0;  // of the word being read: 1 letters, 2 digits
  auto flush = [&] {
    if (word.empty()) return;
    // The two-letter spellings of æ, ø, å.
    std::string out;
    for (size_t i = 0; i < word.size(); ++i) {
      const bool pair =
          i + 1 < word.size() && ((word[i] == 'a' && (word[i + 1] == 'e' || word[i + 1] == 'a')) ||
                                  (word[i] == 'o' && word[i + 1] == 'e'));
      out.push_back(word[i]);
      if (pair) ++i;
    }
    words.push_back(std::move(out));
    word.clear();
  };
  for (int32_t i = 0; i < folded.length();) {
    const UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (u_getCombiningClass(c) != 0 || u_charType(c) == U_NON_SPACING_MARK) continue;
    const int this_kind = u_isalpha(c) ? 1 : u_isdigit(c) ? 2 : 0;
    if (this_kind != kind) flush();
    kind = this_kind;
    if (this_kind != 0) icu::UnicodeString(c).toUTF8String(word);
  }
  flush();
  return words;
}

bool ContainsWords(const std::vector<std::string>& text, const std::vector<std::string>& words) {
  if (words.empty()) return false;
  return std::search(text.begin(), text.end(), words.begin(), words.end()) != text.end();
}

std::string Quoted(const google::protobuf::RepeatedPtrField<std::string>& words) {
  std::vector<std::string> quoted;
  for (const std::string& w : words) quoted.push_back(absl::StrCat("\"", w, "\""));
  return absl::StrJoin(quoted, ", ");
}

}  // namespace

bool FacetValueAskedFor(absl::string_view value, const std::vector<std::string>& asked_for) {
  std::vector<std::vector<std::string>> names = {FoldedWords(value)};
  for (absl::string_view part : absl::StrSplit(value, absl::ByAnyChar("/-"))) {
    names.push_back(FoldedWords(part));
  }
  for (const std::string& asked : asked_for) {
    if (asked.empty()) continue;
    const std::vector<std::string> words = FoldedWords(asked);
    for (const std::vector<std::string>& name : names) {
      if (ContainsWords(words, name)) return true;
    }
  }
  return false;
}

std::string SearchCommandLine(const SearchOptions& options, bool literal,
                              absl::string_view page_token) {
  std::string line = "sofdir search";
  if (literal) line += " --literal";
  // CLI11 would read a text that starts with "-" as a flag.
  const bool text_last = absl::StartsWith(options.text, "-");
  if (!options.text.empty() && !text_last) absl::StrAppend(&line, " ", ShellWord(options.text));
  auto add = [&line](absl::string_view flag, absl::string_view value) {
    if (!value.empty()) absl::StrAppend(&line, " ", flag, " ", ShellWord(value));
  };
  for (const std::string& kind : options.kinds) add("--kind", kind);
  add("--area", options.area);
  add("--district", options.district);
  add("--legal-basis", options.legal_basis);
  add("--service-type", options.service_type);
  if (options.age) absl::StrAppend(&line, " --age ", *options.age);
  if (options.only_free) absl::StrAppend(&line, " --free");
  if (options.fresh_days > 0) absl::StrAppend(&line, " --fresh ", options.fresh_days);
  add("--near", options.near);
  add("--filter", options.filter);
  if (options.limit > 0) absl::StrAppend(&line, " --limit ", options.limit);
  if (options.explain) absl::StrAppend(&line, " --explain");
  if (!page_token.empty()) absl::StrAppend(&line, " --page-token ", ShellWord(page_token));
  if (text_last) absl::StrAppend(&line, " -- ", ShellWord(options.text));
  return line;
}

std::string FormatInterpretation(const v1::SearchEntriesResponse& response,
                                 absl::string_view literal_command, bool explain) {
  if (response.interpretation().empty()) return "";
  std::vector<std::string> effects;
  for (const v1::InterpretationStep& step : response.interpretation()) {
    // A step without an effect still says which rule read which words.
    std::string effect = step.effect().empty()
                             ? absl::StrCat(step.rule(), " (", Quoted(step.words()), ")")
                             : step.effect();
    if (std::find(effects.begin(), effects.end(), effect) == effects.end()) {
      effects.push_back(std::move(effect));
    }
  }
  // Control characters would break the one line.
  std::string out = TruncateToWidth(absl::StrCat("Fortolket: ", absl::StrJoin(effects, "; ")),
                                    std::numeric_limits<int>::max());
  if (!literal_command.empty()) {
    absl::StrAppend(&out, " · søg i stedet uden fortolkning: ", literal_command);
  }
  out += "\n";
  if (explain) {
    for (const v1::InterpretationStep& step : response.interpretation()) {
      absl::StrAppend(&out, "  ",
                      TruncateToWidth(absl::StrCat(step.rule(), " (", Quoted(step.words()),
                                                   "): ", step.effect()),
                                      kDetailWidth),
                      "\n");
    }
  }
  return out;
}

std::string HighlightSnippet(absl::string_view snippet, bool ansi) {
  if (!ansi) return std::string(snippet);
  std::string out;
  bool open = false;
  while (!snippet.empty()) {
    // A mark that does not fit the state (a second « while open, a » while
    // closed) is text the record itself holds, e.g. Danish »quotes«.
    if (!open && absl::StartsWith(snippet, kOpenMark)) {
      out.append(kBold.data(), kBold.size());
      open = true;
      snippet.remove_prefix(kOpenMark.size());
    } else if (open && absl::StartsWith(snippet, kCloseMark)) {
      out.append(kNormal.data(), kNormal.size());
      open = false;
      snippet.remove_prefix(kCloseMark.size());
    } else {
      out.push_back(snippet.front());
      snippet.remove_prefix(1);
    }
  }
  if (open) out.append(kNormal.data(), kNormal.size());
  return out;
}

std::string FormatFacets(const google::protobuf::RepeatedPtrField<v1::Facet>& facets,
                         int max_values, const std::vector<std::string>& asked_for) {
  std::vector<const v1::Facet*> ordered;
  for (const v1::Facet& facet : facets) {
    if (facet.counts_size() > 0) ordered.push_back(&facet);
  }
  std::stable_sort(ordered.begin(), ordered.end(), [](const v1::Facet* a, const v1::Facet* b) {
    return FacetRank(a->field()) < FacetRank(b->field());
  });
  std::string out;
  for (const v1::Facet* facet : ordered) {
    std::vector<std::string> values;
    bool left_out = false;
    for (const v1::FacetCount& count : facet->counts()) {
      // Past the cut, only what the user asked for, e.g. the district named
      // in the text when others hold more of the results.
      if (static_cast<int>(values.size()) >= max_values &&
          !FacetValueAskedFor(count.value(), asked_for)) {
        left_out = true;
        continue;
      }
      values.push_back(absl::StrCat(count.value(), " ", count.count()));
    }
    if (left_out) values.push_back("…");
    absl::StrAppend(&out, facet->field(), ": ", absl::StrJoin(values, " · "), "\n");
  }
  return out;
}

std::string FormatSearchResponse(const v1::SearchEntriesResponse& response,
                                 const SearchView& view) {
  const std::string understood = FormatInterpretation(response, view.literal_command, view.explain);
  if (response.results().empty()) return understood + UnmatchedNote(response) + "no results\n";
  const auto& results = response.results();
  const bool has_distance = std::any_of(results.begin(), results.end(),
                                        [](const auto& r) { return r.has_distance_km(); });
  // Free places mean something for tilbud only.
  const bool has_free = std::any_of(results.begin(), results.end(), [](const auto& r) {
    return r.kind() == v1::TILBUD || r.has_free_places();
  });
  std::vector<TablePrinter::Column> columns = {{"#", 0, true}, {"ID"},       {"KIND"},
                                               {"NAME", 40},   {"UNIT", 32}, {"DISTRICT", 26}};
  if (has_free) columns.push_back({"FREE", 0, true});
  if (has_distance) columns.push_back({"KM", 0, true});
  TablePrinter table(std::move(columns));
  int rank = 0;
  for (const v1::SearchResult& result : response.results()) {
    std::string free;
    if (result.has_free_places()) {
      free = absl::StrCat(result.free_places());
    } else if (result.kind() == v1::TILBUD) {
      free = "-";
    }
    std::vector<std::string> cells = {absl::StrCat(++rank),
                                      result.id(),
                                      KindName(result.kind()),
                                      result.name(),
                                      result.unit_name(),
                                      result.district(),
                                      free};
    if (has_distance) {
      cells.push_back(result.has_distance_km() ? absl::StrFormat("%.1f", result.distance_km())
                                               : "");
    }
    table.AddRow(std::move(cells));
  }

  // Details start under the ID column.
  const std::string indent(std::max(DisplayWidth("#"), DisplayWidth(absl::StrCat(rank))) + 2, ' ');
  std::vector<std::string> lines = TableLines(table);
  std::string out = understood + lines[0] + "\n";
  for (int i = 0; i < response.results_size(); ++i) {
    const v1::SearchResult& result = response.results(i);
    absl::StrAppend(&out, lines[i + 1], "\n");
    if (!result.snippet().empty()) {
      absl::StrAppend(&out, indent,
                      HighlightSnippet(TruncateToWidth(result.snippet(), kSnippetWidth), view.ansi),
                      "\n");
    }
    if (view.explain) {
      for (const std::string& line : result.explanation()) {
        absl::StrAppend(&out, indent, "  ", TruncateToWidth(line, kDetailWidth), "\n");
      }
    }
  }
  std::string facets = FormatFacets(response.facets(), view.max_facet_values, view.asked_for);
  if (!facets.empty()) absl::StrAppend(&out, "\n", facets);
  const int64_t total = std::max<int64_t>(response.total_size(), response.results_size());
  absl::StrAppend(&out, "\n", total, total == 1 ? " result" : " results");
  if (total > response.results_size())
    absl::StrAppend(&out, ", ", response.results_size(), " shown");
  out += "\n";
  return out + UnmatchedNote(response);
}

std::string SearchResponseToJson(const v1::SearchEntriesResponse& response, bool explain) {
  std::string out = "{\"results\":[";
  bool first = true;
  for (const v1::SearchResult& result : response.results()) {
    absl::StrAppend(&out, first ? "\n" : ",\n", "{\"id\":", JsonQuote(result.id()),
                    ",\"kind\":", JsonQuote(model::KindName(result.kind())),
                    ",\"name\":", JsonQuote(result.name()),
                    ",\"score\":", JsonNumber(result.score()),
                    ",\"unit\":", JsonQuote(result.unit_name()),
                    ",\"district\":", JsonQuote(result.district()));
    if (result.has_free_places()) absl::StrAppend(&out, ",\"free_places\":", result.free_places());
    absl::StrAppend(&out, ",\"snippet\":", JsonQuote(result.snippet()));
    if (explain) absl::StrAppend(&out, ",\"explanation\":", JsonStringArray(result.explanation()));
    if (result.has_distance_km()) {
      absl::StrAppend(&out, ",\"distance_km\":", JsonNumber(result.distance_km()));
    }
    out += "}";
    first = false;
  }
  absl::StrAppend(&out, first ? "" : "\n", "],\"facets\":{");
  first = true;
  for (const v1::Facet& facet : response.facets()) {
    absl::StrAppend(&out, first ? "" : ",", JsonQuote(facet.field()), ":{");
    bool first_count = true;
    for (const v1::FacetCount& count : facet.counts()) {
      absl::StrAppend(&out, first_count ? "" : ",", JsonQuote(count.value()), ":", count.count());
      first_count = false;
    }
    out += "}";
    first = false;
  }
  absl::StrAppend(&out, "},\"total\":", response.total_size(),
                  ",\"next_page_token\":", JsonQuote(response.next_page_token()),
                  ",\"unmatched_words\":", JsonStringArray(response.unmatched_words()),
                  ",\"interpretation\":[");
  first = true;
  for (const v1::InterpretationStep& step : response.interpretation()) {
    absl::StrAppend(&out, first ? "" : ",", "{\"rule\":", JsonQuote(step.rule()),
                    ",\"words\":", JsonStringArray(step.words()),
                    ",\"effect\":", JsonQuote(step.effect()), "}");
    first = false;
  }
  out += "]}\n";
  return out;
}

std::string FormatExperts(const v1::WhoKnowsResponse& response) {
  if (response.experts().empty()) return "no one found\n";
  // E-mail addresses and phone numbers are never cut (a cut address is
  // useless). When the table does not fit the terminal even with names and
  // titles narrowed, the phone column, then the e-mail column, moves to an
  // indented line under the expert instead of wrapping every row.
  std::vector<std::string> lines;
  int moved = 0;  // 0: none, 1: phone, 2: e-mail and phone
  for (; moved <= 2; ++moved) {
    std::vector<TablePrinter::Column> columns = {{"NAME", 36}, {"KIND"}, {"TITLE/UNIT", 50}};
    if (moved < 2) columns.push_back({"EMAIL"});
    if (moved < 1) columns.push_back({"PHONE"});
    TablePrinter table(columns);
    for (const v1::Expert& expert : response.experts()) {
      std::vector<std::string> title_unit;
      if (!expert.title().empty()) title_unit.push_back(expert.title());
      if (!expert.unit_name().empty()) title_unit.push_back(expert.unit_name());
      table.AddRow({expert.name(), KindName(expert.kind()), absl::StrJoin(title_unit, ", "),
                    expert.email(), expert.phone()});
    }
    lines = TableLines(table);
    int width = 0;
    for (const std::string& line : lines) width = std::max(width, DisplayWidth(line));
    if (OutputWidth() <= 0 || width <= OutputWidth() || moved == 2) break;
  }
  std::string out = lines[0] + "\n";
  for (int i = 0; i < response.experts_size(); ++i) {
    const v1::Expert& expert = response.experts(i);
    absl::StrAppend(&out, lines[i + 1], "\n");
    std::vector<std::string> contact;
    if (moved >= 2 && !expert.email().empty()) contact.push_back(expert.email());
    if (moved >= 1 && !expert.phone().empty()) contact.push_back("tlf. " + expert.phone());
    const std::string together = absl::StrJoin(contact, "  ");
    if (contact.empty()) {
    } else if (OutputWidth() <= 0 || 4 + DisplayWidth(together) <= OutputWidth()) {
      absl::StrAppend(&out, "    ", together, "\n");
    } else {
      for (const std::string& item : contact) absl::StrAppend(&out, "    ", item, "\n");
    }
    for (const std::string& evidence : expert.evidence()) {
      absl::StrAppend(&out, "    ", TruncateToWidth(evidence, kDetailWidth), "\n");
    }
  }
  return out;
}

std::string WhoKnowsResponseToJson(const v1::WhoKnowsResponse& response) {
  std::string out = "{\"experts\":[";
  bool first = true;
  for (const v1::Expert& expert : response.experts()) {
    absl::StrAppend(
        &out, first ? "\n" : ",\n", "{\"id\":", JsonQuote(expert.id()),
        ",\"kind\":", JsonQuote(model::KindName(expert.kind())),
        ",\"name\":", JsonQuote(expert.name()), ",\"title\":", JsonQuote(expert.title()),
        ",\"unit\":", JsonQuote(expert.unit_name()), ",\"email\":", JsonQuote(expert.email()),
        ",\"phone\":", JsonQuote(expert.phone()), ",\"score\":", JsonNumber(expert.score()),
        ",\"evidence\":", JsonStringArray(expert.evidence()), "}");
    first = false;
  }
  absl::StrAppend(&out, first ? "" : "\n", "]}\n");
  return out;
}

std::string FormatSuggestions(const v1::SuggestEntriesResponse& response) {
  if (response.suggestions().empty()) return "no suggestions\n";
  int width = 0;
  int count_width = 0;
  for (const v1::Suggestion& suggestion : response.suggestions()) {
    width = std::max(width, DisplayWidth(TruncateToWidth(suggestion.text(), kDetailWidth)));
    count_width = std::max(count_width, static_cast<int>(absl::StrCat(suggestion.count()).size()));
  }
  std::string out;
  for (const v1::Suggestion& suggestion : response.suggestions()) {
    std::string text = TruncateToWidth(suggestion.text(), kDetailWidth);
    std::string count = absl::StrCat(suggestion.count());
    absl::StrAppend(&out, text, std::string(width - DisplayWidth(text) + 2, ' '),
                    std::string(count_width - count.size(), ' '), count, "\n");
  }
  return out;
}

std::string SuggestResponseToJson(const v1::SuggestEntriesResponse& response) {
  std::string out = "{\"suggestions\":[";
  bool first = true;
  for (const v1::Suggestion& suggestion : response.suggestions()) {
    absl::StrAppend(&out, first ? "" : ",", "{\"text\":", JsonQuote(suggestion.text()),
                    ",\"count\":", suggestion.count(), "}");
    first = false;
  }
  out += "]}\n";
  return out;
}

absl::StatusOr<NearPlace> ParseNear(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) {
    return absl::InvalidArgumentError(
        "give LAT,LON (e.g. 55.6867,12.5540) or a district (e.g. Nørrebro)");
  }
  NearPlace near;
  std::vector<absl::string_view> parts = absl::StrSplit(text, ',');
  double lat = 0;
  double lon = 0;
  if (parts.size() == 2 && absl::SimpleAtod(absl::StripAsciiWhitespace(parts[0]), &lat) &&
      absl::SimpleAtod(absl::StripAsciiWhitespace(parts[1]), &lon)) {
    if (!(std::abs(lat) <= 90) || !(std::abs(lon) <= 180)) {
      return absl::InvalidArgumentError(absl::StrCat(
          text, " is not a point; latitude must be in -90..90, longitude in -180..180"));
    }
    near.point.emplace();
    near.point->set_lat(lat);
    near.point->set_lon(lon);
  } else {
    near.place = std::string(text);
  }
  return near;
}

}  // namespace sofdir::client
