#include "server/search/geo.h"

#include <string>

#include "gtest/gtest.h"

namespace sofdir::search {
namespace {

struct PlaceCase {
  std::string text;
  double lat, lon;
};
// Names the case in test output (ctest lists it) instead of dumping bytes.
void PrintTo(const PlaceCase& c, std::ostream* os) { *os << c.text; }

class GeoResolveTest : public testing::TestWithParam<PlaceCase> {};

TEST_P(GeoResolveTest, ResolvesDistrictNamesAndCoordinates) {
  auto p = Geo::Resolve(GetParam().text);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_NEAR(p->lat, GetParam().lat, 0.01);
  EXPECT_NEAR(p->lon, GetParam().lon, 0.01);
}

INSTANTIATE_TEST_SUITE_P(Copenhagen, GeoResolveTest,
                         testing::Values(PlaceCase{"Nørrebro", 55.695, 12.5485},
                                         PlaceCase{"noerrebro", 55.695, 12.5485},
                                         PlaceCase{"NORREBRO", 55.695, 12.5485},
                                         PlaceCase{"Amager Øst", 55.6615, 12.6125},
                                         PlaceCase{"2400", 55.71, 12.535},
                                         PlaceCase{"55.68, 12.57", 55.68, 12.57}));

TEST(GeoTest, UnknownPlaceIsInvalidArgumentNamingIt) {
  auto p = Geo::Resolve("Atlantis");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(p.status().message().find("Atlantis"), std::string::npos);
  EXPECT_EQ(Geo::Resolve("91,12").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Geo::Resolve("nan,12").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Geo::Resolve("55.7,nan").status().code(), absl::StatusCode::kInvalidArgument);
  auto long_one = Geo::Resolve(std::string(100000, 'x'));
  EXPECT_LT(long_one.status().message().size(), 200u);
}

TEST(GeoTest, DistanceAcrossCopenhagenIsAFewKilometres) {
  const double km = Geo::DistanceKm({55.695, 12.5485}, {55.6615, 12.6125});  // N to Amager Ø
  EXPECT_GT(km, 4.0);
  EXPECT_LT(km, 6.0);
}

}  // namespace
}  // namespace sofdir::search
