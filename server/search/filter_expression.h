#ifndef SOFDIR_SERVER_SEARCH_FILTER_EXPRESSION_H_
#define SOFDIR_SERVER_SEARCH_FILTER_EXPRESSION_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sofdir::search {

// What one record offers to a filter. Strings are folded (TextFolder::
// FoldJoined) except `id` and `unit_id`, which are as stored; numbers are -1
// when the record has no such value.
struct FilterValues {
  absl::string_view id, kind, area, district, legal_basis, service_type, unit_type, unit_id;
  int age_min = -1, age_max = -1, free_places = -1, capacity = -1;
};

// A parsed filter string: a documented subset of AIP-160.
//
//   filter      = expression
//   expression  = sequence { "AND" sequence }
//   sequence    = factor { factor }                (juxtaposition means AND)
//   factor      = term { "OR" term }               (OR binds tighter, as in AIP-160)
//   term        = [ "NOT" | "-" ] simple
//   simple      = "(" expression ")" | field op value
//   op          = "=" | "!=" | "<" | "<=" | ">" | ">=" | ":"
//   value       = "quoted string" | bare word (letters, digits, '-', '_', '.', '§')
//
// Fields: kind, area, district, legal_basis, service_type, unit_type, id,
// unit_id (string; "=" compares case-, accent- and æ/ø/å-insensitively, ":"
// means "contains these words"), age (number; "age = 19" holds when the
// record's age range covers 19, other operators compare the range bounds),
// free_places, capacity (number), has_free_places (true|false).
// A record without the value of a numeric field never matches a comparison on
// it. Examples:
//   kind = tilbud AND district = "Nørrebro" AND free_places > 0
//   (kind = person OR kind = unit) AND area = "Psykiatri"
//   legal_basis = "SEL § 107" -service_type = botilbud
//
// Thread-safe: immutable after Parse.
class FilterExpression {
 public:
  struct Node;

  FilterExpression();
  ~FilterExpression();
  FilterExpression(FilterExpression&&) noexcept;
  FilterExpression& operator=(FilterExpression&&) noexcept;

  // Returns INVALID_ARGUMENT naming the problem (unknown field, bad operator,
  // missing value, unbalanced parenthesis, parentheses nested more than 32
  // deep, non-numeric value for a number field); input it quotes is cut
  // short (common::Echo). An empty or blank string gives the filter that
  // matches all.
  static absl::StatusOr<FilterExpression> Parse(absl::string_view filter);

  bool Matches(const FilterValues& values) const;
  bool empty() const { return root_ == nullptr; }

  // The values the expression asks a controlled text field (area, district,
  // legal_basis, service_type) to equal ("="), as written, with the field's
  // name: the caller refuses one that no record holds, as it refuses such a
  // value in a plain filter (a typo there would match nothing, silently).
  struct Equality {
    std::string field;
    std::string value;
  };
  std::vector<Equality> ControlledEqualities() const;

 private:
  std::unique_ptr<Node> root_;
};

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_FILTER_EXPRESSION_H_
