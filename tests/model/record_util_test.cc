#include "server/model/record_util.h"

#include "gtest/gtest.h"

namespace sofdir::model {
namespace {

TEST(RecordUtilTest, ValidKindsTextNamesEveryKindOnce) {
  EXPECT_EQ(ValidKindsText(), "unit, tilbud, partner, praktik, person");
  for (RecordKind kind : kAllKinds) {
    EXPECT_NE(ValidKindsText().find(KindName(kind)), absl::string_view::npos) << KindName(kind);
    EXPECT_EQ(KindFromName(KindName(kind)), kind);
  }
}

}  // namespace
}  // namespace sofdir::model
