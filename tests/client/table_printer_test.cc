#include "client/table_printer.h"

#include <string>

#include "gtest/gtest.h"

namespace sofdir::client {
namespace {

TEST(DisplayWidthTest, CountsColumnsNotBytes) {
  struct Case {
    std::string text;
    int width;
  } cases[] = {
      {"", 0},
      {"abc", 3},
      {"Ærø", 3},                       // 5 bytes
      {"Nørrebro", 8},                  // 9 bytes
      {"Café 🌈 Regnbuen", 16},          // the emoji takes two columns
      {"e\xCC\x81", 1},                 // e + combining acute accent
      {"\xE6\x97\xA5\xE6\x9C\xAC", 4},  // two CJK characters
  };
  for (const Case& c : cases) EXPECT_EQ(DisplayWidth(c.text), c.width) << c.text;
}

TEST(TruncateToWidthTest, KeepsTextThatFits) {
  EXPECT_EQ(TruncateToWidth("Østerbro", 8), "Østerbro");
}

TEST(TruncateToWidthTest, CutsAtCodePointsAndEndsWithEllipsis) {
  EXPECT_EQ(TruncateToWidth("Området for Udsatte Voksne", 10), "Området f…");
  EXPECT_EQ(DisplayWidth(TruncateToWidth("Området for Udsatte Voksne", 10)), 10);
  EXPECT_EQ(TruncateToWidth("æøåæøå", 4), "æøå…");
}

TEST(TruncateToWidthTest, NeverSplitsAWideCharacter) {
  // "ab🌈cd" at 4 columns: "ab" + the 2-column emoji would need 4 + 1.
  EXPECT_EQ(TruncateToWidth("ab🌈cd", 4), "ab…");
}

TEST(TruncateToWidthTest, TurnsNewlinesIntoSpaces) {
  EXPECT_EQ(TruncateToWidth("første afsnit\n\nandet", 100), "første afsnit  andet");
}

TEST(TablePrinterTest, AlignsColumnsByDisplayWidth) {
  TablePrinter table({{"ID"}, {"NAME"}, {"FREE", 0, true}});
  table.AddRow({"unit-0001", "Nørrebro Bostøtte", "3/12"});
  table.AddRow({"unit-0002", "Vesterbro", "0"});
  EXPECT_EQ(table.ToString(),
            "ID         NAME               FREE\n"
            "unit-0001  Nørrebro Bostøtte  3/12\n"
            "unit-0002  Vesterbro             0\n");
}

TEST(TablePrinterTest, TruncatesLongCellsToTheColumnLimit) {
  TablePrinter table({{"ID"}, {"NAME", 12}, {"AREA"}});
  table.AddRow({"tilbud-0002", "Tomsgården – længerevarende botilbud", "Handicap"});
  EXPECT_EQ(table.ToString(),
            "ID           NAME          AREA\n"
            "tilbud-0002  Tomsgården …  Handicap\n");
}

TEST(TablePrinterTest, LeavesNoTrailingSpacesAndFillsMissingCells) {
  TablePrinter table({{"ID"}, {"PARENT"}});
  table.AddRow({"unit-0001"});
  table.AddRow({"unit-0002", "unit-0001"});
  EXPECT_EQ(table.ToString(),
            "ID         PARENT\n"
            "unit-0001\n"
            "unit-0002  unit-0001\n");
}

TEST(FormatFieldListTest, PadsLabelsAndCutsValues) {
  EXPECT_EQ(FormatFieldList({{"id", "unit-0001"}, {"description", "Et langt afsnit om ting"}}, 10),
            "id:           unit-0001\n"
            "description:  Et langt …\n");
}

// Sets the output width for one test and puts it back.
class OutputWidthTest : public ::testing::Test {
 protected:
  void TearDown() override { SetOutputWidth(0); }
};

TEST_F(OutputWidthTest, TableNarrowsItsTextColumnsToFit) {
  SetOutputWidth(40);
  TablePrinter table({{"ID"}, {"NAME", 50}, {"EMAIL"}, {"N", 0, true}});
  table.AddRow({"unit-0001", "Socialforvaltningen i Københavns Kommune", "a@kk.dk", "12"});
  // ID, EMAIL and the number stay whole; NAME gives way with an ellipsis.
  EXPECT_EQ(table.ToString(),
            "ID         NAME              EMAIL     N\n"
            "unit-0001  Socialforvaltni…  a@kk.dk  12\n");
  SetOutputWidth(0);
  EXPECT_EQ(DisplayWidth(table.ToString().substr(0, table.ToString().find('\n'))), 64);
}

TEST_F(OutputWidthTest, WrapKeepsWordsAndIndentsContinuations) {
  EXPECT_EQ(WrapToWidth("  one two three four", 12), "  one two\n    three\n    four");
  EXPECT_EQ(WrapToWidth("short\n", 12), "short\n");
  EXPECT_EQ(WrapToWidth("abcdefghijklmno\n", 10), "abcdefghij\n  klmno\n");
  // ANSI bold takes no columns.
  EXPECT_EQ(WrapToWidth("\x1b[1mab\x1b[0m cd\n", 5), "\x1b[1mab\x1b[0m cd\n");
  EXPECT_EQ(WrapToWidth("anything at all", 0), "anything at all");
}

TEST_F(OutputWidthTest, FieldListShowsWholeValuesWrappedUnderTheValueColumn) {
  SetOutputWidth(30);
  EXPECT_EQ(FormatFieldList({{"id", "x"}, {"description", "aaa bbb ccc ddd eee fff ggg hhh"}}, 0),
            "id:           x\n"
            "description:  aaa bbb ccc ddd\n"
            "              eee fff ggg\n"
            "              hhh\n");
}

}  // namespace
}  // namespace sofdir::client
