// Browser sessions: a random session id (the HttpOnly cookie's value) and a
// random CSRF token per signed-in browser, mapped to the bearer token it
// signed in with. Ids and CSRF tokens are 256 bits from OpenSSL's
// RAND_bytes. A session unused for `idle_timeout` is gone; at most
// `max_sessions` live at once (the least recently used goes first).
//
// Never logs tokens. Thread-safe.
#ifndef SOFDIR_SERVER_HTTP_SESSION_STORE_H_
#define SOFDIR_SERVER_HTTP_SESSION_STORE_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace sofdir::http {

struct Session {
  std::string id;
  std::string csrf_token;
  std::string bearer_token;  // what the session's calls are forwarded with
  absl::Time last_used;
};

class SessionStore {
 public:
  struct Options {
    absl::Duration idle_timeout = absl::Hours(8);
    size_t max_sessions = 10000;
    std::function<absl::Time()> now;  // empty: absl::Now
  };

  explicit SessionStore(Options options);

  // A new session for `bearer_token`. INTERNAL when no random bytes.
  [[nodiscard]] absl::StatusOr<Session> Create(const std::string& bearer_token);

  // The live session with `id`, now marked used; nullopt when unknown or
  // idle too long (then removed).
  std::optional<Session> Find(absl::string_view id);

  void Remove(absl::string_view id);

  size_t size() const;

 private:
  absl::Time Now() const { return options_.now ? options_.now() : absl::Now(); }

  const Options options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Session> sessions_ ABSL_GUARDED_BY(mu_);
};

// `bytes` random bytes from a cryptographic source, as lowercase hex.
[[nodiscard]] absl::StatusOr<std::string> RandomHex(size_t bytes);

// Compares in time independent of where `a` and `b` differ.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace sofdir::http

#endif  // SOFDIR_SERVER_HTTP_SESSION_STORE_H_
