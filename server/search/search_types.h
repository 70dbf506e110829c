#ifndef SOFDIR_SERVER_SEARCH_SEARCH_TYPES_H_
#define SOFDIR_SERVER_SEARCH_SEARCH_TYPES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "server/search/geo.h"

namespace sofdir::search {

// A search request. All filters are hard constraints ANDed together; they
// never change scores.
struct SearchQuery {
  // What the user typed; may be empty (then matching records are listed by
  // name). At most SearchIndex::kMaxQueryBytes bytes of valid UTF-8.
  std::string text;
  // Record kinds to return: "unit", "tilbud", "partner", "praktik", "person".
  // Empty means all.
  std::vector<std::string> kinds;
  // Exact values (compared case-, accent- and æ/ø/å-insensitively). `area`
  // and `district` of a person, praktik or partner are those of its unit.
  std::string area;
  std::string district;
  std::string legal_basis;   // e.g. "SEL § 107"
  std::string service_type;  // e.g. "botilbud"
  std::optional<int> age;    // tilbud whose age range covers this age
  bool only_free = false;    // tilbud with free_places > 0
  // When set, only records whose Record.verified_time is at or after this
  // time (unix seconds) match; records never verified do not.
  std::optional<int64_t> verified_since;
  // When set, each hit carries its distance and nearer records rank higher.
  std::optional<GeoPoint> near;
  // AIP-160 subset, see FilterExpression; ANDed with the fields above.
  std::string filter;
  int limit = 10;  // 1..100
  int offset = 0;  // >= 0; for paging
  bool explain = false;

  // Query understanding (QueryUnderstanding, rules from QueryRules) reads
  // `text` first and may set the fields below; false searches the words
  // literally. The fields below may also be set by a caller directly.
  bool interpret = true;
  // "YYYY-MM-DD" that relative dates ("inden jul", "i oktober") count from;
  // empty means the server's date in Copenhagen.
  std::string today;
  // Preferences: they change scores, never which records match.
  std::vector<std::string> preferred_kinds;           // rank these kinds higher
  std::vector<std::string> preferred_districts;       // rank records in these districts higher
  std::optional<std::pair<int, int>> preferred_ages;  // tilbud whose range overlaps [first, second]
  bool expertise = false;  // "hvem ved noget om X": rank persons and units by their evidence
  // The text's last word is whole: understanding left out words typed after
  // it ("unge" of "misbrug unge nørrebro"), so it is not completed as a
  // prefix ("ungeområdet") as a last word still being typed is.
  bool last_word_whole = false;
  // Filters (ANDed with the others):
  std::vector<std::string> districts;  // any of these (a place expanded to its districts)
  // Praktik offers with a slot starting in [slot_from, slot_to] ("YYYY-MM-DD",
  // either may be empty = open); records of other kinds are not affected.
  std::string slot_from;
  std::string slot_to;
};

// One thing query understanding read in the text, and what it did.
struct InterpretationStep {
  // The rule that fired, e.g. "kind", "question", "expertise", "free_places",
  // "legal_basis", "slot_date", "age", "place", "district", "conflict",
  // "missing".
  std::string rule;
  std::vector<std::string> words;  // the words it took, as typed
  std::string effect;              // for the user, in Danish: "viser kun tilbud med ledige pladser"
};

struct SearchHit {
  std::string id;
  std::string kind;                // "unit", "tilbud", ...
  std::string name;                // name, or title for praktik
  std::string unit_name;           // the unit that runs / hosts / employs it, if any
  std::string district;            // own or inherited from the unit
  std::optional<int> free_places;  // tilbud with a capacity
  double score = 0;
  // Why it matched: a short passage with matched words between « and ».
  std::string snippet;
  // Only with SearchQuery::explain: one line per query word and factor.
  std::vector<std::string> explanation;
  std::optional<double> distance_km;  // only with SearchQuery::near
};

// A facet's values that occur, in ascending (byte) order, each with how
// many matches hold it.
using FacetCounts = std::vector<std::pair<std::string, size_t>>;

struct SearchResult {
  std::vector<SearchHit> hits;  // best first, after offset
  size_t total = 0;             // all matching records
  // Of `total`, those whose score was computed: the others could not reach
  // the page (a search's cost, for benchmarks and tests).
  size_t scored = 0;
  // Facet -> its values' counts over all matching records, facets by name:
  // area, district, kind, legal_basis, service_type (those with a value).
  // Vectors, not maps: every search builds them, and a broad one lists
  // dozens of values, each of which a map would allocate a node for.
  std::vector<std::pair<std::string, FacetCounts>> facets;
  // Query words no record has, not even with a typo or as a prefix: left
  // out of the search, so the results are for the other words.
  std::vector<std::string> unmatched_words;
  // What query understanding read in the text and did (empty when
  // SearchQuery::interpret is false or nothing fired).
  std::vector<InterpretationStep> interpretation;

  // The counts of facet `name`, or nullptr when it is not listed.
  const FacetCounts* Facet(absl::string_view name) const {
    for (const auto& [facet, counts] : facets) {
      if (facet == name) return &counts;
    }
    return nullptr;
  }
  // The count of `value` in facet `name`, or nullopt when it is not listed.
  std::optional<size_t> FacetCount(absl::string_view name, absl::string_view value) const {
    if (const FacetCounts* counts = Facet(name)) {
      for (const auto& [v, count] : *counts) {
        if (v == value) return count;
      }
    }
    return std::nullopt;
  }
};

struct Suggestion {
  std::string text;  // a name, alias, topic, target group, service or district
  size_t count = 0;  // records that carry it
};

struct WhoKnowsHit {
  std::string id;
  std::string kind;  // "person" or "unit"
  std::string name;
  std::string title;      // persons: job title
  std::string unit_name;  // persons: their unit
  std::string email;
  std::string phone;
  double score = 0;
  // The evidence in Danish, strongest first, e.g. "ekspertise: FIT",
  // "enheden ViA ved noget om FIT", "kontaktperson for tilbuddet
  // Rusmiddelbehandling Nord".
  std::vector<std::string> evidence;
};

struct WhoKnowsResult {
  std::vector<WhoKnowsHit> hits;
};

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_SEARCH_TYPES_H_
