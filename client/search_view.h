// What `search`, `who-knows` and `suggest` print: tables for people and
// JSON for scripts, made from the server's responses. Pure functions of
// their arguments; thread-safe.
#ifndef SOFDIR_CLIENT_SEARCH_VIEW_H_
#define SOFDIR_CLIENT_SEARCH_VIEW_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/commands.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::client {

// The server marks matched words in a snippet as «word». With `ansi` every
// marked stretch becomes bold (ESC[1m ... ESC[22m) and the marks go; a mark
// left open (the snippet was cut) is closed at the end. Without `ansi` the
// snippet is returned unchanged.
std::string HighlightSnippet(absl::string_view snippet, bool ansi);

// The facet block, one line per facet with counts:
//   kind: tilbud 12 · unit 3 · person 2
// Facets in the order kind, area, district, service_type, legal_basis, then
// any other in the server's order; values in the server's order (most
// frequent first), at most `max_values` of them, then the values the user
// asked for (see FacetValueAskedFor) that did not make the cut, then "· …"
// when more are left out. "" when no facet has counts.
std::string FormatFacets(
    const google::protobuf::RepeatedPtrField<sof::directory::v1::Facet>& facets, int max_values,
    const std::vector<std::string>& asked_for = {});

// True when one of `asked_for` (the query text, a flag's value) names the
// facet `value`: the value, or one of its parts between "/" or "-" (the
// districts "Vesterbro/Kongens Enghave", "Brønshøj-Husum"), occurs in it
// as whole words, compared as the server compares words (case, accents and
// æ/ø/å = ae/oe/aa do not matter), so "noerrebro" names "Nørrebro".
bool FacetValueAskedFor(absl::string_view value, const std::vector<std::string>& asked_for);

// The command line that runs the search `options` describe:
// `sofdir search`, `--literal` when `literal`, the text and every search
// flag that was given (but its page token), then `--page-token` with
// `page_token` when that is not empty; each value one POSIX shell word. A
// text that starts with "-" goes last, after "--".
std::string SearchCommandLine(const SearchOptions& options, bool literal,
                              absl::string_view page_token = "");

// What the server understood in the query, on one line, and the command
// that searches without it:
//   Fortolket: viser kun tilbud med ledige pladser; foretrækker praktikophold
//   · søg i stedet uden fortolkning: sofdir search --literal 'ledig praktik'
// (one line; effects in the server's order, each once; " · søg i stedet
// ..." only when `literal_command` is not empty). With `explain`, then one
// indented line per step: its rule, the words it took and its effect. ""
// when the response has no interpretation.
std::string FormatInterpretation(const sof::directory::v1::SearchEntriesResponse& response,
                                 absl::string_view literal_command, bool explain);

struct SearchView {
  bool ansi = false;     // bold matched words (stdout is a terminal)
  bool explain = false;  // print each result's explanation lines
  int max_facet_values = 6;
  // The command for the literal search (SearchCommandLine), offered beside
  // the interpretation.
  std::string literal_command;
  // What the user typed and named (text, filter values): see FormatFacets.
  std::vector<std::string> asked_for;
};

// The interpretation (FormatInterpretation), then the ranked results as a
// table (#, ID, KIND, NAME, UNIT, DISTRICT, then FREE when any result is a
// tilbud and KM when any has a distance), each
// row followed by its snippet (and with `explain` its explanation lines)
// indented below it; then the facet block and "N results" (", M shown" when
// there are more). FREE is only filled for tilbud ("-" when the tilbud
// counts no places).
// "no results\n" when the response has none (after the interpretation).
std::string FormatSearchResponse(const sof::directory::v1::SearchEntriesResponse& response,
                                 const SearchView& view);

// One JSON object (and a newline):
//   {"results":[{"id","kind","name","score","unit","district",
//                "free_places" (when set),"snippet",
//                "explanation" (when `explain`),"distance_km" (when set)}],
//    "facets":{"kind":{"tilbud":12,...},...},"total":N,"next_page_token":"...",
//    "unmatched_words":[...],
//    "interpretation":[{"rule":"free_places","words":["ledig plads"],
//                       "effect":"viser kun tilbud med ledige pladser"}]}
// "kind" is the lowercase kind name of the data files (unit, tilbud, ...).
std::string SearchResponseToJson(const sof::directory::v1::SearchEntriesResponse& response,
                                 bool explain);

// Experts as a table (NAME, KIND, TITLE/UNIT, EMAIL, PHONE), each row
// followed by its evidence lines indented; "no one found\n" when empty.
std::string FormatExperts(const sof::directory::v1::WhoKnowsResponse& response);

// {"experts":[{"id","kind","name","title","unit","email","phone","score",
//   "evidence":[...]}]} and a newline.
std::string WhoKnowsResponseToJson(const sof::directory::v1::WhoKnowsResponse& response);

// One completion per line, its count right-aligned after it;
// "no suggestions\n" when empty.
std::string FormatSuggestions(const sof::directory::v1::SuggestEntriesResponse& response);

// {"suggestions":[{"text","count"}]} and a newline.
std::string SuggestResponseToJson(const sof::directory::v1::SuggestEntriesResponse& response);

// `--near`: "LAT,LON" (decimal degrees, spaces allowed after the comma) is
// a point; anything else is a place name for the server to resolve
// (near_district). INVALID_ARGUMENT for an empty text or a point outside
// -90..90 / -180..180; the message does not name the flag.
struct NearPlace {
  std::optional<sof::directory::v1::GeoPoint> point;
  std::string place;  // set when point is not
};
[[nodiscard]] absl::StatusOr<NearPlace> ParseNear(absl::string_view text);

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_SEARCH_VIEW_H_
