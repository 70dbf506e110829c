#ifndef SOFDIR_SERVER_SEARCH_GEO_H_
#define SOFDIR_SERVER_SEARCH_GEO_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sofdir::search {

// A WGS84 point.
struct GeoPoint {
  double lat = 0;
  double lon = 0;
};

// Distances and Copenhagen place names for `--near`.
//
// Thread-safe: stateless.
class Geo {
 public:
  // Great-circle distance in kilometres.
  static double DistanceKm(const GeoPoint& a, const GeoPoint& b);

  // Resolves "55.69,12.55" or a district name ("Nørrebro", "noerrebro",
  // "Vesterbro", "Nordvest", "Amager", "2300" ...) to a point: the centre of
  // the district. Returns INVALID_ARGUMENT naming the text when it is neither.
  static absl::StatusOr<GeoPoint> Resolve(absl::string_view place);
};

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_GEO_H_
