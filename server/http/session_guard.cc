#include "server/http/session_guard.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "server/common/json_quote.h"

namespace sofdir::http {
namespace {

std::string JsonList(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const std::string& item : items) quoted.push_back(common::JsonQuote(item));
  return absl::StrCat("[", absl::StrJoin(quoted, ","), "]");
}

HttpReply Json(std::string body) {
  HttpReply reply;
  reply.body = std::move(body);
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

}  // namespace

SessionGuard::SessionGuard(Options options)
    : options_(std::move(options)), store_(options_.store) {}

std::string SessionGuard::CookieValue(absl::string_view header, absl::string_view name) {
  for (absl::string_view part : absl::StrSplit(header, ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
  }
  return "";
}

std::string SessionGuard::SessionCookie(const std::string& id) const {
  return absl::StrCat(kCookieName, "=", id, "; HttpOnly; SameSite=Strict; Path=/",
                      id.empty() ? "; Max-Age=0" : "", options_.tls ? "; Secure" : "");
}

std::string SessionGuard::StateJson(const SignedInPrincipal* principal,
                                    const std::string& csrf) const {
  const bool anonymous_search =
      options_.open || (options_.anonymous_search && options_.anonymous_search());
  std::string json = absl::StrCat("{\"signedIn\":", principal ? "true" : "false");
  if (principal != nullptr) {
    absl::StrAppend(&json, ",\"principal\":", common::JsonQuote(principal->name),
                    ",\"roles\":", JsonList(principal->roles),
                    ",\"units\":", JsonList(principal->units),
                    ",\"csrfToken\":", common::JsonQuote(csrf));
  }
  absl::StrAppend(&json, ",\"anonymousSearch\":", anonymous_search ? "true" : "false",
                  ",\"open\":", options_.open ? "true" : "false", "}");
  return json;
}

absl::Status SessionGuard::CheckOrigin(const RequestHeaders& request) const {
  if (request.origin.empty()) return absl::OkStatus();
  const std::string own = absl::StrCat(options_.tls ? "https://" : "http://", request.host);
  if (request.origin != own) {
    return absl::PermissionDeniedError(absl::StrCat(
        "cross-site request refused: Origin ", request.origin, " is not this server (", own, ")"));
  }
  return absl::OkStatus();
}

HttpReply SessionGuard::HandleSession(const RequestHeaders& request, absl::string_view body) {
  if (absl::Status origin = CheckOrigin(request); !origin.ok()) return ErrorReply(origin);
  const std::string id = CookieValue(request.cookie, kCookieName);
  if (request.method == "GET" || request.method == "HEAD") {
    std::optional<Session> session = id.empty() ? std::nullopt : store_.Find(id);
    if (session.has_value()) {
      absl::StatusOr<SignedInPrincipal> principal = options_.authenticate(session->bearer_token);
      if (principal.ok()) return Json(StateJson(&*principal, session->csrf_token));
      store_.Remove(id);  // the token is no longer known (config reloaded)
    }
    HttpReply reply = Json(StateJson(nullptr, ""));
    if (!id.empty()) reply.headers.emplace_back("Set-Cookie", SessionCookie(""));
    return reply;
  }
  if (request.method == "DELETE") {
    if (!id.empty()) {
      std::optional<Session> session = store_.Find(id);
      if (session.has_value() && !ConstantTimeEquals(request.csrf_token, session->csrf_token)) {
        return ErrorReply(absl::PermissionDeniedError(
            "cross-site request refused: the X-CSRF-Token header is missing or wrong"));
      }
      store_.Remove(id);
    }
    HttpReply reply = Json(StateJson(nullptr, ""));
    reply.headers.emplace_back("Set-Cookie", SessionCookie(""));
    return reply;
  }
  if (request.method != "POST") {
    HttpReply reply = ErrorReply(absl::FailedPreconditionError(absl::StrCat(
                                     request.method,
                                     " is not allowed on /auth/session; allowed: GET, POST, "
                                     "DELETE")),
                                 405);
    reply.headers.emplace_back("Allow", "GET, HEAD, POST, DELETE");
    return reply;
  }
  google::protobuf::Struct parsed;
  google::protobuf::util::JsonParseOptions parse_options;
  std::string token;
  if (google::protobuf::util::JsonStringToMessage(std::string(body), &parsed, parse_options).ok()) {
    auto it = parsed.fields().find("token");
    if (it != parsed.fields().end() && it->second.has_string_value()) {
      token = it->second.string_value();
    }
  }
  if (token.empty()) {
    return ErrorReply(
        absl::InvalidArgumentError("request body: expected {\"token\": \"<your API token>\"}"));
  }
  if (options_.open) return Json(StateJson(nullptr, ""));
  absl::StatusOr<SignedInPrincipal> principal = options_.authenticate(token);
  if (!principal.ok()) {
    return ErrorReply(absl::UnauthenticatedError("sign-in: unknown token"));
  }
  if (!id.empty()) store_.Remove(id);  // a new session replaces the old one
  absl::StatusOr<Session> session = store_.Create(token);
  if (!session.ok()) return ErrorReply(session.status());
  HttpReply reply = Json(StateJson(&*principal, session->csrf_token));
  reply.headers.emplace_back("Set-Cookie", SessionCookie(session->id));
  return reply;
}

absl::StatusOr<std::string> SessionGuard::Authorize(const RequestHeaders& request) {
  if (absl::Status origin = CheckOrigin(request); !origin.ok()) return origin;
  const std::string id = CookieValue(request.cookie, kCookieName);
  std::optional<Session> session = id.empty() ? std::nullopt : store_.Find(id);
  if (!session.has_value()) return request.authorization;
  if (request.method != "GET" && request.method != "HEAD" &&
      !ConstantTimeEquals(request.csrf_token, session->csrf_token)) {
    return absl::PermissionDeniedError(
        "cross-site request refused: the X-CSRF-Token header is missing or wrong");
  }
  return absl::StrCat("Bearer ", session->bearer_token);
}

}  // namespace sofdir::http
