#ifndef SOFDIR_SERVER_SEARCH_SLOT_DATES_H_
#define SOFDIR_SERVER_SEARCH_SLOT_DATES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "server/search/query_rules.h"

namespace sofdir::search {

// A period of praktik start dates that a query names; an end may be open.
struct SlotWindow {
  std::optional<absl::CivilDay> from;
  std::optional<absl::CivilDay> to;
  std::string label;  // Danish, for the user: "i oktober 2027", "i uge 12 (22.–28. marts 2027)"
};

// Turns the dates of query rules (a month, ISO weeks, a [date] expression,
// each narrowed by a date word) into a window of start dates counted from
// `today`. A window never starts before today: one that has begun starts
// today. Where a date recurs, the next occurrence that has not ended is
// meant ("i oktober" in October is this October).
//
// Thread-safe: immutable.
class SlotDates {
 public:
  using DateWord = QueryRules::DateWord;

  explicit SlotDates(absl::CivilDay today) : today_(today) {}

  // Today's date in Copenhagen (the local zone when the zone data is missing).
  static absl::CivilDay CopenhagenToday();

  // Month 1..12, on `day` when given, in `year` when given (else the next
  // such month or day). kEarly/kMid/kLate take days 1-10, 11-20, 21-end.
  // Returns nullopt for a day the month does not have.
  std::optional<SlotWindow> Month(int month, std::optional<int64_t> year, std::optional<int> day,
                                  DateWord word) const;

  // ISO weeks first..last (1..53) of their next occurrence; nullopt when
  // that year has no such week.
  std::optional<SlotWindow> Weeks(int first, int last, DateWord word) const;

  // A [date] expression of the rules.
  SlotWindow Relative(const QueryRules::DateExpr& expr, DateWord word) const;

  // "23. december 2026"; without the year when `with_year` is false.
  static std::string DayText(absl::CivilDay day, bool with_year = true);

 private:
  // [a, b] narrowed by `word`, clamped to start today at the earliest.
  void Narrow(absl::CivilDay a, absl::CivilDay b, DateWord word, SlotWindow* out) const;

  const absl::CivilDay today_;
};

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_SLOT_DATES_H_
