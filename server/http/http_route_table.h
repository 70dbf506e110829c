// The HTTP routes of a gRPC service, read from its methods'
// `google.api.http` options (and their additional_bindings): which method
// an HTTP verb and path call, and the values the path binds to request
// fields. Streaming methods get no route.
//
// Path templates (google/api/http.proto):
//   Template = "/" Segments [ ":" Verb ]
//   Segment  = "*" | "**" | LITERAL | "{" FieldPath [ "=" Segments ] "}"
// A variable without "=pattern" matches one segment. Bound values are
// percent-decoded; "*" and "**" match without binding.
//
// Immutable after construction; thread-safe.
#ifndef SOFDIR_SERVER_HTTP_HTTP_ROUTE_TABLE_H_
#define SOFDIR_SERVER_HTTP_HTTP_ROUTE_TABLE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace sofdir::http {

// A parsed path template.
class PathTemplate {
 public:
  // INVALID_ARGUMENT naming the template and the problem.
  [[nodiscard]] static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // Whether `path` (raw, still percent-encoded, without a query) matches;
  // on a match `bindings` gets (field path, decoded value) per variable.
  bool Match(absl::string_view path,
             std::vector<std::pair<std::string, std::string>>* bindings) const;

  const std::string& text() const { return text_; }
  const std::string& verb() const { return verb_; }
  // The field paths bound by variables, in order.
  std::vector<std::string> FieldPaths() const;

 private:
  struct Segment {
    enum Kind { kLiteral, kStar, kDoubleStar } kind = kLiteral;
    std::string literal;
  };
  struct Variable {
    std::string field_path;
    size_t first = 0;     // segment index
    size_t end = 0;       // one past the last segment; for "**", counted from the path's end
    bool to_end = false;  // ends with "**": binds the rest of the path
  };
  std::string text_;
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
  std::string verb_;
};

struct HttpRoute {
  std::string http_method;  // "GET", "POST", ... (custom kinds as given)
  PathTemplate path;
  // "" (no body), "*" (the whole request) or the name of a request field.
  std::string body;
  const google::protobuf::MethodDescriptor* method = nullptr;
};

struct RouteMatch {
  const HttpRoute* route = nullptr;
  std::vector<std::pair<std::string, std::string>> bindings;  // field path -> value
};

class HttpRouteTable {
 public:
  // Routes of every unary method of `service` that has a google.api.http
  // option. INVALID_ARGUMENT naming the method for a bad template or a body
  // naming no field.
  [[nodiscard]] static absl::StatusOr<HttpRouteTable> FromService(
      const google::protobuf::ServiceDescriptor& service);

  // The route for (`http_method`, raw `path`). NOT_FOUND when no route has
  // the path; when some route has the path but none with that verb,
  // FAILED_PRECONDITION and `allowed` gets the verbs it has (for 405 +
  // Allow). HEAD matches GET routes.
  [[nodiscard]] absl::StatusOr<RouteMatch> Match(absl::string_view http_method,
                                                 absl::string_view path,
                                                 std::vector<std::string>* allowed) const;

  const std::vector<HttpRoute>& routes() const { return routes_; }

 private:
  std::vector<HttpRoute> routes_;  // routes with a verb suffix first
};

// Percent-decodes `text` ("%2F" -> "/"); "+" stays. INVALID_ARGUMENT for a
// malformed escape.
[[nodiscard]] absl::StatusOr<std::string> PercentDecode(absl::string_view text);

}  // namespace sofdir::http

#endif  // SOFDIR_SERVER_HTTP_HTTP_ROUTE_TABLE_H_
