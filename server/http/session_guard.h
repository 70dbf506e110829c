// Signing in from a browser, and which authorization a request is
// forwarded with (common13.md, "Auth"):
//   POST /auth/session {"token":"…"}: checks the token (Options::
//     authenticate), starts a session, answers {"signedIn":true,
//     "principal","roles","units","csrfToken","anonymousSearch","open"} and
//     sets `sofdir_session=<id>; HttpOnly; SameSite=Strict; Path=/`
//     (+ `; Secure` under TLS). Unknown token: 401 error JSON. Without an
//     auth config: {"signedIn":false,"open":true,…}, no session.
//   GET /auth/session: the same JSON for a live session, else
//     {"signedIn":false,"anonymousSearch":…,"open":…}.
//   DELETE /auth/session: ends the session, clears the cookie.
// Other requests (Authorize): a request whose Origin is not the server's
// own is refused (403); one with a live session cookie that is not GET or
// HEAD needs `X-CSRF-Token` equal to the session's (else 403); it is
// forwarded with the session's token. Without a cookie, the Authorization
// header is forwarded as it is.
//
// Never logs tokens. Thread-safe.
#ifndef SOFDIR_SERVER_HTTP_SESSION_GUARD_H_
#define SOFDIR_SERVER_HTTP_SESSION_GUARD_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/http/grpc_gateway.h"
#include "server/http/session_store.h"

namespace sofdir::http {

// Who a token belongs to, as the sign-in answer shows it.
struct SignedInPrincipal {
  std::string name;
  std::vector<std::string> roles;
  std::vector<std::string> units;
};

// The parts of a request the guard looks at.
struct RequestHeaders {
  std::string method;
  std::string cookie;         // Cookie header
  std::string origin;         // Origin header, "" when absent
  std::string host;           // Host header
  std::string csrf_token;     // X-CSRF-Token header
  std::string authorization;  // Authorization header
};

class SessionGuard {
 public:
  struct Options {
    // The principal of a bearer token; UNAUTHENTICATED when unknown.
    std::function<absl::StatusOr<SignedInPrincipal>(const std::string& token)> authenticate;
    // Whether anonymous callers may search (the auth config's setting).
    std::function<bool()> anonymous_search;
    bool open = false;  // no auth config: every caller is an admin
    bool tls = false;
    SessionStore::Options store;
  };

  static constexpr char kCookieName[] = "sofdir_session";

  explicit SessionGuard(Options options);

  // Answers a request to /auth/session.
  HttpReply HandleSession(const RequestHeaders& request, absl::string_view body);

  // The authorization header value to forward `request` with, or
  // PERMISSION_DENIED naming why it is refused (foreign Origin, missing or
  // wrong CSRF token).
  [[nodiscard]] absl::StatusOr<std::string> Authorize(const RequestHeaders& request);

  // The value of cookie `name` in a Cookie header, or "".
  static std::string CookieValue(absl::string_view header, absl::string_view name);

  size_t sessions() const { return store_.size(); }

 private:
  absl::Status CheckOrigin(const RequestHeaders& request) const;
  std::string StateJson(const SignedInPrincipal* principal, const std::string& csrf) const;
  std::string SessionCookie(const std::string& id) const;

  Options options_;
  SessionStore store_;
};

}  // namespace sofdir::http

#endif  // SOFDIR_SERVER_HTTP_SESSION_GUARD_H_
