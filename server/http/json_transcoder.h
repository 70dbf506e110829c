// HTTP/JSON <-> protobuf for one route (see http_route_table.h): the request
// message from the path's bindings, the query parameters and the JSON body;
// the response message as JSON. The proto3 JSON mapping throughout:
// lowerCamelCase out, lowerCamelCase or proto names in.
//
// Query parameters fill fields bound neither by the path nor the body:
// `name=value` with the proto or JSON name, dots for nested messages
// (`near.lat=55.6`), repeated fields by repetition (`kinds=A&kinds=B`);
// values by the field's type: bool `true`/`false`, integers in range,
// doubles, enums by name (or number), strings as given (valid UTF-8),
// bytes base64, well-known types (Timestamp, Duration, FieldMask, wrappers)
// in their JSON string form. A route with `body: "*"` takes no query
// parameters.
//
// Every error is INVALID_ARGUMENT naming the parameter or what in the body
// is wrong, except a body above the size limit: RESOURCE_EXHAUSTED.
//
// Stateless functions; thread-safe.
#ifndef SOFDIR_SERVER_HTTP_JSON_TRANSCODER_H_
#define SOFDIR_SERVER_HTTP_JSON_TRANSCODER_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "server/http/http_route_table.h"

namespace sofdir::http {

using QueryParams = std::multimap<std::string, std::string>;

struct TranscodeLimits {
  size_t max_body_bytes = 4 << 20;
};

// Fills `request` (of the route's input type, cleared first).
[[nodiscard]] absl::Status BuildRequest(const RouteMatch& match, const QueryParams& query,
                                        absl::string_view body, const TranscodeLimits& limits,
                                        google::protobuf::Message* request);

// The response as JSON (lowerCamelCase; fields at their default omitted).
[[nodiscard]] absl::StatusOr<std::string> ResponseToJson(const google::protobuf::Message& response);

// The parameters of a raw query string ("a=1&b=x%20y+z"): percent-decoded,
// '+' as space, in order. INVALID_ARGUMENT for a malformed escape.
[[nodiscard]] absl::StatusOr<QueryParams> ParseQueryString(absl::string_view query);

// Sets the field at dotted `path` of `message` (proto or JSON names) from
// the text `value`, appending to a repeated field. `what` names it in
// errors (e.g. "query parameter \"kinds\"").
[[nodiscard]] absl::Status SetFieldFromText(absl::string_view path, absl::string_view value,
                                            absl::string_view what,
                                            google::protobuf::Message* message);

}  // namespace sofdir::http

#endif  // SOFDIR_SERVER_HTTP_JSON_TRANSCODER_H_
