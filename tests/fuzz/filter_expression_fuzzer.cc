// libFuzzer target: search filter strings (FilterExpression::Parse) and
// matching the parsed filter against a few records' values.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "server/search/filter_expression.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using ::sofdir::search::FilterExpression;
using ::sofdir::search::FilterValues;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view filter(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<FilterExpression> parsed = FilterExpression::Parse(filter);
  if (!parsed.ok()) {
    sofdir::fuzz::CheckRefusal(parsed.status(), absl::StatusCode::kInvalidArgument);
    return 0;
  }
  FilterValues tilbud;
  tilbud.id = "tilbud-0001";
  tilbud.kind = "tilbud";
  tilbud.area = "udsatte voksne";
  tilbud.district = "norrebro";
  tilbud.legal_basis = "sel 107";
  tilbud.service_type = "botilbud";
  tilbud.unit_id = "unit-0001";
  tilbud.age_min = 18;
  tilbud.age_max = 30;
  tilbud.free_places = 2;
  tilbud.capacity = 12;
  FilterValues person;  // no numbers: every numeric comparison fails
  person.id = "person-0001";
  person.kind = "person";
  FilterValues nothing;
  const bool matches_all = parsed->empty();
  for (const FilterValues* values : {&tilbud, &person, &nothing}) {
    const bool matched = parsed->Matches(*values);
    FUZZ_CHECK(!matches_all || matched, "the empty filter must match every record");
  }
  return 0;
}
