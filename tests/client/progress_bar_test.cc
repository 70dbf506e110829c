#include "client/progress_bar.h"

#include <cstdio>
#include <string>

#include "gtest/gtest.h"

namespace sofdir::client {
namespace {

TEST(WithThousandsSeparatorsTest, GroupsDigitsByThree) {
  EXPECT_EQ(WithThousandsSeparators(0), "0");
  EXPECT_EQ(WithThousandsSeparators(999), "999");
  EXPECT_EQ(WithThousandsSeparators(12345), "12,345");
  EXPECT_EQ(WithThousandsSeparators(1000000), "1,000,000");
  EXPECT_EQ(WithThousandsSeparators(-4500), "-4,500");
}

TEST(ProgressBarFormatTest, ShowsBarPercentCountAndRate) {
  EXPECT_EQ(ProgressBar::Format(45000, 100000, "lines", 12345.4, 10),
            "[####------]  45%  45000/100000 lines  12,345 rec/s");
  EXPECT_EQ(ProgressBar::Format(100000, 100000, "lines", 20000, 10),
            "[##########] 100%  100000/100000 lines  20,000 rec/s");
  EXPECT_EQ(ProgressBar::Format(0, 3000, "lines", 0, 10),
            "[----------]   0%  0/3000 lines  0 rec/s");
}

TEST(ProgressBarFormatTest, OmitsBarWhenTotalIsUnknown) {
  EXPECT_EQ(ProgressBar::Format(2000, 0, "records", 1500, 10), "2000 records  1,500 rec/s");
}

TEST(ProgressBarFormatTest, NeverOverfillsTheBar) {
  EXPECT_EQ(ProgressBar::Format(120, 100, "lines", 1, 4), "[####] 100%  120/100 lines  1 rec/s");
}

// Reads what the bar wrote to a temporary FILE.
std::string Written(std::FILE* file) {
  std::rewind(file);
  std::string text;
  char buffer[256];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) text.append(buffer, n);
  return text;
}

TEST(ProgressBarTest, WritesNothingWhenDisabled) {
  std::FILE* file = std::tmpfile();
  {
    ProgressBar bar({/*total=*/10}, file, /*enabled=*/false);
    bar.Update(5, 5);
  }
  EXPECT_EQ(Written(file), "");
  std::fclose(file);
}

TEST(ProgressBarTest, RedrawsInPlaceAndErasesItselfWhenFinished) {
  std::FILE* file = std::tmpfile();
  ProgressBar::Options options;
  options.total = 10;
  options.unit = "lines";
  options.bar_width = 10;
  ProgressBar bar(options, file, /*enabled=*/true);
  bar.Update(5, 0);
  bar.Finish();
  std::string text = Written(file);
  EXPECT_EQ(text.rfind("\r[#####-----]  50%  5/10 lines  0 rec/s", 0), 0u) << text;
  // The last thing on the line is blanks, so the summary starts clean.
  EXPECT_EQ(text.substr(text.rfind('\r', text.size() - 2)), "\r" + std::string(38, ' ') + "\r");
  std::fclose(file);
}

}  // namespace
}  // namespace sofdir::client
