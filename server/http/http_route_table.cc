#include "server/http/http_route_table.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/api/annotations.pb.h"
#include "server/common/status_macros.h"

namespace sofdir::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsFieldPath(absl::string_view path) {
  if (path.empty()) return false;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (part.empty()) return false;
    for (char c : part) {
      if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9'))) {
        return false;
      }
    }
  }
  return true;
}

// Splits at `sep` outside braces.
std::vector<std::string> SplitOutsideBraces(absl::string_view text, char sep) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  for (char c : text) {
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (c == sep && depth == 0) {
      parts.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  parts.push_back(current);
  return parts;
}

}  // namespace

absl::StatusOr<std::string> PercentDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return absl::InvalidArgumentError(absl::StrCat("malformed percent-escape in \"", text, "\""));
    }
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  auto bad = [text](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("path template \"", text, "\": ", why));
  };
  PathTemplate result;
  result.text_ = std::string(text);
  if (!absl::StartsWith(text, "/")) return bad("does not start with '/'");
  absl::string_view rest = text.substr(1);
  // The verb: the part after a ':' outside braces in the last segment.
  int depth = 0;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '{') ++depth;
    if (rest[i] == '}') {
      if (--depth < 0) return bad("unbalanced '}'");
    }
    if (rest[i] == ':' && depth == 0) {
      result.verb_ = std::string(rest.substr(i + 1));
      rest = rest.substr(0, i);
      if (result.verb_.empty() || absl::StrContains(result.verb_, '/')) return bad("bad verb");
      break;
    }
  }
  if (depth != 0) return bad("unbalanced '{'");
  for (const std::string& part : SplitOutsideBraces(rest, '/')) {
    if (part.empty()) return bad("empty segment");
    if (part.front() == '{') {
      if (part.back() != '}') return bad(absl::StrCat("bad variable \"", part, "\""));
      absl::string_view inner(part);
      inner = inner.substr(1, inner.size() - 2);
      std::vector<std::string> sides = absl::StrSplit(inner, absl::MaxSplits('=', 1));
      Variable variable;
      variable.field_path = sides[0];
      if (!IsFieldPath(variable.field_path)) {
        return bad(absl::StrCat("bad field path \"", variable.field_path, "\""));
      }
      variable.first = result.segments_.size();
      std::vector<std::string> pattern =
          sides.size() == 2 ? absl::StrSplit(sides[1], '/') : std::vector<std::string>{"*"};
      for (const std::string& p : pattern) {
        if (p.empty() || absl::StrContains(p, '{')) return bad("bad variable pattern");
        Segment segment;
        if (p == "**") {
          segment.kind = Segment::kDoubleStar;
          variable.to_end = true;
        } else if (p == "*") {
          segment.kind = Segment::kStar;
        } else {
          segment.literal = p;
        }
        result.segments_.push_back(segment);
      }
      variable.end = result.segments_.size();
      result.variables_.push_back(variable);
      continue;
    }
    if (absl::StrContains(part, '}')) return bad("unbalanced '}'");
    Segment segment;
    if (part == "**") {
      segment.kind = Segment::kDoubleStar;
    } else if (part == "*") {
      segment.kind = Segment::kStar;
    } else {
      segment.literal = part;
    }
    result.segments_.push_back(segment);
  }
  for (size_t i = 0; i + 1 < result.segments_.size(); ++i) {
    if (result.segments_[i].kind == Segment::kDoubleStar) return bad("'**' must be last");
  }
  return result;
}

std::vector<std::string> PathTemplate::FieldPaths() const {
  std::vector<std::string> paths;
  for (const Variable& v : variables_) paths.push_back(v.field_path);
  return paths;
}

bool PathTemplate::Match(absl::string_view path,
                         std::vector<std::pair<std::string, std::string>>* bindings) const {
  if (!absl::StartsWith(path, "/")) return false;
  path.remove_prefix(1);
  if (!verb_.empty()) {
    const std::string suffix = absl::StrCat(":", verb_);
    if (!absl::EndsWith(path, suffix)) return false;
    path.remove_suffix(suffix.size());
  }
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  const bool open_end = !segments_.empty() && segments_.back().kind == Segment::kDoubleStar;
  if (open_end ? parts.size() < segments_.size() : parts.size() != segments_.size()) return false;
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& segment = segments_[i];
    if (segment.kind == Segment::kLiteral) {
      if (parts[i] != segment.literal) return false;
    } else if (segment.kind == Segment::kStar) {
      if (parts[i].empty()) return false;
      // Without a verb in the template, a final ':' would be a verb of another route.
      if (verb_.empty() && i + 1 == parts.size() && absl::StrContains(parts[i], ':')) return false;
    }
  }
  std::vector<std::pair<std::string, std::string>> bound;
  for (const Variable& variable : variables_) {
    size_t end = variable.to_end ? parts.size() : variable.end;
    std::vector<std::string> decoded;
    for (size_t i = variable.first; i < end; ++i) {
      absl::StatusOr<std::string> value = PercentDecode(parts[i]);
      if (!value.ok()) return false;
      decoded.push_back(*std::move(value));
    }
    bound.emplace_back(variable.field_path, absl::StrJoin(decoded, "/"));
  }
  if (bindings != nullptr) *bindings = std::move(bound);
  return true;
}

absl::StatusOr<HttpRouteTable> HttpRouteTable::FromService(
    const google::protobuf::ServiceDescriptor& service) {
  HttpRouteTable table;
  for (int m = 0; m < service.method_count(); ++m) {
    const google::protobuf::MethodDescriptor* method = service.method(m);
    if (method->client_streaming() || method->server_streaming()) continue;
    if (!method->options().HasExtension(google::api::http)) continue;
    const google::api::HttpRule& top = method->options().GetExtension(google::api::http);
    std::vector<const google::api::HttpRule*> rules = {&top};
    for (const google::api::HttpRule& extra : top.additional_bindings()) rules.push_back(&extra);
    for (const google::api::HttpRule* rule : rules) {
      HttpRoute route;
      route.method = method;
      route.body = rule->body();
      std::string pattern;
      switch (rule->pattern_case()) {
        case google::api::HttpRule::kGet:
          route.http_method = "GET", pattern = rule->get();
          break;
        case google::api::HttpRule::kPut:
          route.http_method = "PUT", pattern = rule->put();
          break;
        case google::api::HttpRule::kPost:
          route.http_method = "POST", pattern = rule->post();
          break;
        case google::api::HttpRule::kDelete:
          route.http_method = "DELETE", pattern = rule->delete_();
          break;
        case google::api::HttpRule::kPatch:
          route.http_method = "PATCH", pattern = rule->patch();
          break;
        case google::api::HttpRule::kCustom:
          route.http_method = rule->custom().kind(), pattern = rule->custom().path();
          break;
        default:
          return absl::InvalidArgumentError(
              absl::StrCat(method->full_name(), ": google.api.http has no pattern"));
      }
      absl::StatusOr<PathTemplate> path = PathTemplate::Parse(pattern);
      if (!path.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(method->full_name(), ": ", path.status().message()));
      }
      route.path = *std::move(path);
      if (!route.body.empty() && route.body != "*" &&
          method->input_type()->FindFieldByName(route.body) == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat(method->full_name(), ": body \"", route.body, "\" is no request field"));
      }
      table.routes_.push_back(std::move(route));
    }
  }
  std::stable_sort(table.routes_.begin(), table.routes_.end(),
                   [](const HttpRoute& a, const HttpRoute& b) {
                     return !a.path.verb().empty() && b.path.verb().empty();
                   });
  return table;
}

absl::StatusOr<RouteMatch> HttpRouteTable::Match(absl::string_view http_method,
                                                 absl::string_view path,
                                                 std::vector<std::string>* allowed) const {
  const absl::string_view verb = http_method == "HEAD" ? "GET" : http_method;
  std::vector<std::string> verbs;
  for (const HttpRoute& route : routes_) {
    RouteMatch match;
    if (!route.path.Match(path, &match.bindings)) continue;
    if (route.http_method == verb) {
      match.route = &route;
      return match;
    }
    if (std::find(verbs.begin(), verbs.end(), route.http_method) == verbs.end()) {
      verbs.push_back(route.http_method);
    }
  }
  if (verbs.empty()) return absl::NotFoundError(absl::StrCat("no route for ", path));
  if (allowed != nullptr) *allowed = verbs;
  return absl::FailedPreconditionError(absl::StrCat(http_method, " is not allowed on ", path,
                                                    "; allowed: ", absl::StrJoin(verbs, ", ")));
}

}  // namespace sofdir::http
