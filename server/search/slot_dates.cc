#include "server/search/slot_dates.h"

#include <cstdint>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sofdir::search {
namespace {

using Day = absl::CivilDay;
using DateWord = QueryRules::DateWord;

constexpr const char* kMonths[] = {"januar",    "februar", "marts",    "april",
                                   "maj",       "juni",    "juli",     "august",
                                   "september", "oktober", "november", "december"};

// Days since the Monday of `day`'s week.
int SinceMonday(Day day) {
  return (static_cast<int>(absl::GetWeekday(day)) - static_cast<int>(absl::Weekday::monday) + 7) %
         7;
}

// Monday of ISO week 1 of `year`.
Day IsoWeekOne(int64_t year) {
  const Day jan4(year, 1, 4);
  return jan4 - SinceMonday(jan4);
}

std::string SpanText(Day a, Day b) {
  if (a.year() != b.year()) return absl::StrCat(SlotDates::DayText(a), "–", SlotDates::DayText(b));
  if (a.month() != b.month()) {
    return absl::StrCat(SlotDates::DayText(a, false), "–", SlotDates::DayText(b));
  }
  return absl::StrCat(a.day(), ".–", SlotDates::DayText(b));
}

// How a label starts for a date word.
std::string Lead(DateWord w, bool single_day) {
  switch (w) {
    case DateWord::kFrom:
      return "fra ";
    case DateWord::kAfter:
      return "efter ";
    case DateWord::kBefore:
      return "inden ";
    case DateWord::kEarly:
      return single_day ? "den " : "i starten af ";
    case DateWord::kMid:
      return single_day ? "den " : "midt i ";
    case DateWord::kLate:
      return single_day ? "den " : "i slutningen af ";
    case DateWord::kIn:
      break;
  }
  return single_day ? "den " : "i ";
}

}  // namespace

Day SlotDates::CopenhagenToday() {
  static const absl::TimeZone zone = [] {
    absl::TimeZone copenhagen;
    return absl::LoadTimeZone("Europe/Copenhagen", &copenhagen) ? copenhagen
                                                                : absl::LocalTimeZone();
  }();
  // Converting an instant to a civil day costs more than the rest of query
  // understanding; a thread asks again only when the second has changed.
  thread_local int64_t cached_second = INT64_MIN;
  thread_local Day cached_day;
  const absl::Time now = absl::Now();
  const int64_t second = absl::ToUnixSeconds(now);
  if (second != cached_second) {
    cached_day = absl::ToCivilDay(now, zone);
    cached_second = second;
  }
  return cached_day;
}

std::string SlotDates::DayText(Day d, bool with_year) {
  std::string s = absl::StrCat(d.day(), ". ", kMonths[d.month() - 1]);
  if (with_year) absl::StrAppend(&s, " ", d.year());
  return s;
}

void SlotDates::Narrow(Day a, Day b, DateWord w, SlotWindow* out) const {
  switch (w) {
    case DateWord::kFrom:
      out->from = a;
      out->to.reset();
      break;
    case DateWord::kAfter:
      out->from = b + 1;
      out->to.reset();
      break;
    case DateWord::kBefore:
      out->from = today_;
      out->to = a - 1;
      break;
    default:
      out->from = a;
      out->to = b;
  }
  if (out->from && *out->from < today_) out->from = today_;
}

std::optional<SlotWindow> SlotDates::Month(int month, std::optional<int64_t> year,
                                           std::optional<int> day, DateWord w) const {
  if (day && Day(2024, month, *day).month() != month) return std::nullopt;  // "31. april"
  SlotWindow out;
  int64_t chosen = 0;
  auto compute = [&](int64_t y) {
    chosen = y;
    Day first(y, month, day.value_or(1)), last = first;
    if (!day) {
      last = Day(y, month + 1, 1) - 1;
      if (w == DateWord::kEarly) last = Day(y, month, 10);
      if (w == DateWord::kMid) first = Day(y, month, 11), last = Day(y, month, 20);
      if (w == DateWord::kLate) first = Day(y, month, 21);
    }
    Narrow(first, last, w, &out);
  };
  int64_t y = year.value_or(today_.year());
  if (!year && month < today_.month()) ++y;
  compute(y);
  if (!year && out.to && *out.to < today_) compute(y + 1);
  out.label =
      absl::StrCat(Lead(w, day.has_value()), day ? DayText(Day(chosen, month, *day))
                                                 : absl::StrCat(kMonths[month - 1], " ", chosen));
  return out;
}

std::optional<SlotWindow> SlotDates::Weeks(int first, int last, DateWord w) const {
  if (first < 1 || last < first || last > 53) return std::nullopt;
  int64_t iso_year = today_.year();
  if (today_ < IsoWeekOne(iso_year)) --iso_year;
  if (today_ >= IsoWeekOne(iso_year + 1)) ++iso_year;
  auto weeks_in = [](int64_t y) {
    return static_cast<int>((IsoWeekOne(y + 1) - IsoWeekOne(y)) / 7);
  };
  SlotWindow out;
  auto compute = [&](int64_t y) {
    const Day monday = IsoWeekOne(y) + 7 * (first - 1);
    const Day sunday = IsoWeekOne(y) + 7 * (last - 1) + 6;
    Narrow(monday, sunday, w, &out);
    return std::make_pair(monday, sunday);
  };
  const int current = static_cast<int>((today_ - IsoWeekOne(iso_year)) / 7) + 1;
  const int64_t y = first < current ? iso_year + 1 : iso_year;
  if (last > weeks_in(y)) return std::nullopt;
  auto [monday, sunday] = compute(y);
  if (out.to && *out.to < today_) {
    if (last > weeks_in(y + 1)) return std::nullopt;
    std::tie(monday, sunday) = compute(y + 1);
  }
  const std::string weeks =
      first == last ? absl::StrCat("uge ", first) : absl::StrCat("uge ", first, "–", last);
  out.label = absl::StrCat(Lead(w, false), weeks, " (", SpanText(monday, sunday), ")");
  return out;
}

SlotWindow SlotDates::Relative(const QueryRules::DateExpr& e, DateWord w) const {
  using Kind = QueryRules::DateExpr::Kind;
  using End = QueryRules::DateEnd;
  SlotWindow out;
  switch (e.kind) {
    case Kind::kMonthOffset: {
      const Day first(today_.year(), today_.month() + e.offset, 1);
      Narrow(first, Day(first.year(), first.month() + 1, 1) - 1, w, &out);
      out.label = absl::StrCat(Lead(w, false), kMonths[first.month() - 1], " ", first.year());
      return out;
    }
    case Kind::kWeekOffset: {
      const Day monday = today_ - SinceMonday(today_) + 7 * e.offset;
      Narrow(monday, monday + 6, w, &out);
      const int week = static_cast<int>((monday - IsoWeekOne((monday + 3).year())) / 7) + 1;
      out.label =
          absl::StrCat(Lead(w, false), "uge ", week, " (", SpanText(monday, monday + 6), ")");
      return out;
    }
    case Kind::kYearOffset: {
      const int64_t y = today_.year() + e.offset;
      Narrow(Day(y, 1, 1), Day(y, 12, 31), w, &out);
      out.label = absl::StrCat(Lead(w, false), y);
      return out;
    }
    case Kind::kPeriod:
      break;
  }
  auto simple = [&](const End& end) -> std::optional<Day> {
    if (end.kind == End::Kind::kToday) return today_;
    if (end.kind == End::Kind::kDaysAhead) return today_ + end.days;
    return std::nullopt;
  };
  auto on = [](int64_t y, const End& end) { return Day(y, end.month, end.day); };
  std::optional<Day> a = simple(e.from), b = simple(e.to);
  const int64_t y = today_.year();
  if (e.from.kind == End::Kind::kMonthDay && e.to.kind == End::Kind::kMonthDay) {
    // The next period that has not ended; it may run over the new year.
    const int wraps = on(y, e.to) < on(y, e.from) ? 1 : 0;
    int64_t start = wraps && on(y, e.to) >= today_ ? y - 1 : y;
    if (on(start + wraps, e.to) < today_) ++start;
    a = on(start, e.from);
    b = on(start + wraps, e.to);
  } else {
    if (e.from.kind == End::Kind::kMonthDay) {
      // An open period from a day: the nearest such day, past or coming
      // ("efter nytår" in March is from now, in December from January).
      const Day past = on(on(y, e.from) <= today_ ? y : y - 1, e.from);
      const Day next = on(on(y, e.from) >= today_ ? y : y + 1, e.from);
      a = today_ - past <= next - today_ ? past : next;
    }
    if (e.to.kind == End::Kind::kMonthDay) b = on(on(y, e.to) >= today_ ? y : y + 1, e.to);
    if (!a && b) a = today_;
  }
  if (a && b) {
    Narrow(*a, *b, w, &out);
  } else if (w == DateWord::kBefore) {
    out.from = today_;
    out.to = *a - 1;
  } else {
    out.from = std::max(*a, today_);
  }
  if (out.from && out.to) {
    if (*out.from == today_) {
      out.label = absl::StrCat("fra i dag til ", DayText(*out.to));
    } else {
      const bool same_year = out.from->year() == out.to->year();
      out.label = absl::StrCat("mellem ", DayText(*out.from, !same_year), " og ", DayText(*out.to));
    }
  } else if (out.from) {
    out.label = *out.from == today_ ? "fra i dag" : absl::StrCat("fra ", DayText(*out.from));
  }
  return out;
}

}  // namespace sofdir::search
