#include "server/search/slot_dates.h"

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace sofdir::search {
namespace {

using DateWord = QueryRules::DateWord;
using Day = absl::CivilDay;

std::string Text(const std::optional<Day>& d) { return d ? absl::FormatCivilTime(*d) : "open"; }

std::string Span(const SlotWindow& w) { return Text(w.from) + ".." + Text(w.to); }

TEST(SlotDatesTest, MonthIsTheNextSuchMonthAndThisMonthCountsFromToday) {
  const SlotDates dates(Day(2026, 10, 5));
  EXPECT_EQ(Span(*dates.Month(10, std::nullopt, std::nullopt, DateWord::kIn)),
            "2026-10-05..2026-10-31");
  EXPECT_EQ(Span(*dates.Month(9, std::nullopt, std::nullopt, DateWord::kIn)),
            "2027-09-01..2027-09-30");
  EXPECT_EQ(Span(*dates.Month(2, std::nullopt, std::nullopt, DateWord::kIn)),
            "2027-02-01..2027-02-28");
  EXPECT_EQ(Span(*dates.Month(10, 2028, std::nullopt, DateWord::kIn)), "2028-10-01..2028-10-31");
  EXPECT_EQ(dates.Month(10, std::nullopt, std::nullopt, DateWord::kIn)->label, "i oktober 2026");
}

TEST(SlotDatesTest, DateWordsNarrowAMonth) {
  const SlotDates dates(Day(2026, 10, 5));
  struct Case {
    int month;
    std::optional<int> day;
    DateWord word;
    const char* span;
    const char* label;
  } cases[] = {
      {11, std::nullopt, DateWord::kFrom, "2026-11-01..open", "fra november 2026"},
      {11, std::nullopt, DateWord::kAfter, "2026-12-01..open", "efter november 2026"},
      {11, std::nullopt, DateWord::kBefore, "2026-10-05..2026-10-31", "inden november 2026"},
      {12, std::nullopt, DateWord::kEarly, "2026-12-01..2026-12-10", "i starten af december 2026"},
      {12, std::nullopt, DateWord::kMid, "2026-12-11..2026-12-20", "midt i december 2026"},
      {12, std::nullopt, DateWord::kLate, "2026-12-21..2026-12-31",
       "i slutningen af december 2026"},
      {10, std::nullopt, DateWord::kEarly, "2026-10-05..2026-10-10",  // has begun
       "i starten af oktober 2026"},
      {10, std::nullopt, DateWord::kBefore, "2026-10-05..2027-09-30", "inden oktober 2027"},
      {11, 15, DateWord::kIn, "2026-11-15..2026-11-15", "den 15. november 2026"},
      {10, 1, DateWord::kIn, "2027-10-01..2027-10-01", "den 1. oktober 2027"},
      {1, 15, DateWord::kFrom, "2027-01-15..open", "fra 15. januar 2027"},
  };
  for (const Case& c : cases) {
    std::optional<SlotWindow> w = dates.Month(c.month, std::nullopt, c.day, c.word);
    ASSERT_TRUE(w.has_value()) << c.label;
    EXPECT_EQ(Span(*w), c.span) << c.label;
    EXPECT_EQ(w->label, c.label);
  }
  // A part of this month that has passed is next year's.
  EXPECT_EQ(
      Span(*SlotDates(Day(2026, 10, 15)).Month(10, std::nullopt, std::nullopt, DateWord::kEarly)),
      "2027-10-01..2027-10-10");
  EXPECT_FALSE(dates.Month(4, std::nullopt, 31, DateWord::kIn).has_value());
  EXPECT_TRUE(dates.Month(2, std::nullopt, 29, DateWord::kIn).has_value());  // some year has it
}

TEST(SlotDatesTest, WeeksAreIsoWeeksOfTheirNextOccurrence) {
  const SlotDates dates(Day(2026, 10, 5));  // Monday of week 41
  EXPECT_EQ(Span(*dates.Weeks(41, 41, DateWord::kIn)), "2026-10-05..2026-10-11");
  EXPECT_EQ(Span(*dates.Weeks(12, 12, DateWord::kIn)), "2027-03-22..2027-03-28");
  EXPECT_EQ(Span(*dates.Weeks(53, 53, DateWord::kIn)), "2026-12-28..2027-01-03");
  EXPECT_EQ(Span(*dates.Weeks(12, 14, DateWord::kIn)), "2027-03-22..2027-04-11");
  EXPECT_EQ(Span(*dates.Weeks(44, 44, DateWord::kFrom)), "2026-10-26..open");
  EXPECT_EQ(dates.Weeks(12, 12, DateWord::kIn)->label, "i uge 12 (22.–28. marts 2027)");
  EXPECT_EQ(dates.Weeks(53, 53, DateWord::kIn)->label,
            "i uge 53 (28. december 2026–3. januar 2027)");
  EXPECT_FALSE(dates.Weeks(0, 0, DateWord::kIn).has_value());
  EXPECT_FALSE(dates.Weeks(14, 12, DateWord::kIn).has_value());
  // 2027 has 52 weeks; week 53 of 2026 has passed by March 2027.
  EXPECT_FALSE(SlotDates(Day(2027, 3, 1)).Weeks(53, 53, DateWord::kIn).has_value());
  // At the turn of the year today may lie in the last ISO year's week.
  EXPECT_EQ(Span(*SlotDates(Day(2027, 1, 2)).Weeks(53, 53, DateWord::kIn)),
            "2027-01-02..2027-01-03");
}

TEST(SlotDatesTest, RelativeDates) {
  const SlotDates dates(Day(2026, 10, 5));
  auto expr = [](const char* from, const char* to) {
    QueryRules::DateExpr e;
    auto end = [](const char* s) {
      QueryRules::DateEnd d;
      std::string t = s;
      if (t == "today") {
        d.kind = QueryRules::DateEnd::Kind::kToday;
      } else if (t.size() == 5 && t[2] == '-') {
        d.kind = QueryRules::DateEnd::Kind::kMonthDay;
        d.month = std::stoi(t.substr(0, 2));
        d.day = std::stoi(t.substr(3));
      } else if (!t.empty()) {
        d.kind = QueryRules::DateEnd::Kind::kDaysAhead;
        d.days = std::stoi(t);
      }
      return d;
    };
    e.from = end(from);
    e.to = end(to);
    return e;
  };
  auto offset = [](QueryRules::DateExpr::Kind kind, int n) {
    QueryRules::DateExpr e;
    e.kind = kind;
    e.offset = n;
    return e;
  };
  using Kind = QueryRules::DateExpr::Kind;
  EXPECT_EQ(Span(dates.Relative(expr("", "12-23"), DateWord::kIn)), "2026-10-05..2026-12-23");
  EXPECT_EQ(dates.Relative(expr("", "12-23"), DateWord::kIn).label,
            "fra i dag til 23. december 2026");
  EXPECT_EQ(Span(dates.Relative(expr("03-01", "05-31"), DateWord::kIn)), "2027-03-01..2027-05-31");
  EXPECT_EQ(dates.Relative(expr("03-01", "05-31"), DateWord::kIn).label,
            "mellem 1. marts og 31. maj 2027");
  EXPECT_EQ(Span(dates.Relative(expr("09-01", "11-30"), DateWord::kIn)), "2026-10-05..2026-11-30");
  EXPECT_EQ(Span(dates.Relative(expr("12-01", "02-28"), DateWord::kIn)), "2026-12-01..2027-02-28");
  EXPECT_EQ(Span(SlotDates(Day(2027, 1, 15)).Relative(expr("12-01", "02-28"), DateWord::kIn)),
            "2027-01-15..2027-02-28");
  EXPECT_EQ(Span(dates.Relative(expr("01-02", ""), DateWord::kIn)), "2027-01-02..open");
  EXPECT_EQ(Span(SlotDates(Day(2027, 3, 10)).Relative(expr("01-02", ""), DateWord::kIn)),
            "2027-03-10..open");
  EXPECT_EQ(Span(dates.Relative(expr("today", "30"), DateWord::kIn)), "2026-10-05..2026-11-04");
  EXPECT_EQ(Span(dates.Relative(offset(Kind::kMonthOffset, 0), DateWord::kIn)),
            "2026-10-05..2026-10-31");
  EXPECT_EQ(Span(dates.Relative(offset(Kind::kMonthOffset, 3), DateWord::kIn)),
            "2027-01-01..2027-01-31");
  EXPECT_EQ(dates.Relative(offset(Kind::kMonthOffset, 3), DateWord::kIn).label, "i januar 2027");
  EXPECT_EQ(Span(dates.Relative(offset(Kind::kWeekOffset, 1), DateWord::kFrom)),
            "2026-10-12..open");
  EXPECT_EQ(Span(SlotDates(Day(2026, 10, 8)).Relative(offset(Kind::kWeekOffset, 0), DateWord::kIn)),
            "2026-10-08..2026-10-11");
  EXPECT_EQ(Span(dates.Relative(offset(Kind::kYearOffset, 1), DateWord::kIn)),
            "2027-01-01..2027-12-31");
}

TEST(SlotDatesTest, DayText) {
  EXPECT_EQ(SlotDates::DayText(Day(2027, 3, 22)), "22. marts 2027");
  EXPECT_EQ(SlotDates::DayText(Day(2027, 3, 22), false), "22. marts");
}

}  // namespace
}  // namespace sofdir::search
