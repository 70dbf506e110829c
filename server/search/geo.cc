#include "server/search/geo.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/common/echo.h"
#include "server/search/text_folder.h"

namespace sofdir::search {
namespace {

struct Place {
  const char* name;
  double lat, lon;
};

// Approximate centres of Copenhagen's districts (bydele) and common names
// for them, including postcodes.
constexpr Place kPlaces[] = {
    {"Indre By", 55.6830, 12.5780},
    {"København K", 55.6830, 12.5780},
    {"1000", 55.6830, 12.5780},
    {"Christianshavn", 55.6730, 12.5940},
    {"Østerbro", 55.7085, 12.5810},
    {"København Ø", 55.7085, 12.5810},
    {"2100", 55.7085, 12.5810},
    {"Nørrebro", 55.6950, 12.5485},
    {"København N", 55.6950, 12.5485},
    {"2200", 55.6950, 12.5485},
    {"Vesterbro/Kongens Enghave", 55.6610, 12.5450},
    {"Vesterbro", 55.6680, 12.5500},
    {"København V", 55.6680, 12.5500},
    {"Kongens Enghave", 55.6530, 12.5380},
    {"Sydhavnen", 55.6530, 12.5380},
    {"København SV", 55.6530, 12.5380},
    {"2450", 55.6530, 12.5380},
    {"Valby", 55.6625, 12.5050},
    {"2500", 55.6625, 12.5050},
    {"Vanløse", 55.6860, 12.4875},
    {"2720", 55.6860, 12.4875},
    {"Brønshøj-Husum", 55.7060, 12.4825},
    {"Brønshøj", 55.7060, 12.4900},
    {"Husum", 55.7090, 12.4700},
    {"2700", 55.7060, 12.4825},
    {"Bispebjerg", 55.7130, 12.5350},
    {"Nordvest", 55.7100, 12.5350},
    {"København NV", 55.7100, 12.5350},
    {"NV", 55.7100, 12.5350},
    {"2400", 55.7100, 12.5350},
    {"Amager Øst", 55.6615, 12.6125},
    {"Amager Vest", 55.6475, 12.5840},
    {"Amager", 55.6550, 12.6000},
    {"København S", 55.6550, 12.6000},
    {"2300", 55.6550, 12.6000},
};

}  // namespace

double Geo::DistanceKm(const GeoPoint& a, const GeoPoint& b) {
  constexpr double kEarthRadiusKm = 6371.0;
  constexpr double kRad = M_PI / 180.0;
  const double dlat = (b.lat - a.lat) * kRad;
  const double dlon = (b.lon - a.lon) * kRad;
  const double h =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
}

absl::StatusOr<GeoPoint> Geo::Resolve(absl::string_view place) {
  const std::vector<absl::string_view> parts = absl::StrSplit(place, ',');
  if (parts.size() == 2) {
    GeoPoint p;
    if (absl::SimpleAtod(absl::StripAsciiWhitespace(parts[0]), &p.lat) &&
        absl::SimpleAtod(absl::StripAsciiWhitespace(parts[1]), &p.lon)) {
      if (!(p.lat >= -90 && p.lat <= 90 && p.lon >= -180 && p.lon <= 180)) {  // NaN too
        return absl::InvalidArgumentError(
            absl::StrCat("near: '", common::Echo(place), "' is outside -90..90, -180..180"));
      }
      return p;
    }
  }
  const std::string folded = TextFolder::FoldJoined(place);
  if (!folded.empty()) {
    for (const Place& p : kPlaces) {
      if (TextFolder::FoldJoined(p.name) == folded) return GeoPoint{p.lat, p.lon};
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("near: '", common::Echo(place),
                   "' is neither LAT,LON nor a Copenhagen district such as Nørrebro"));
}

}  // namespace sofdir::search
