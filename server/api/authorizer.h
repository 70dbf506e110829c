// Who may do what: bearer tokens from the --auth-config file mapped to
// principals and roles, and the one table of which role may call which
// method. Without a config every caller is an anonymous admin (local
// development, `make run`).
//
//   permission   methods                                  roles
//   kSearch      SearchEntries SuggestEntries WhoKnows    anyone with a token;
//                                                         anonymous if allowed
//   kRead        Get List Export ListChanges WatchChanges reader booker editor
//                ListPraktikOffers ListStaleRecords       sync admin
//   kBook        BookPraktik CancelBooking GetBooking     booker editor admin
//                ListBookings GetBookingCalendar          (own bookings unless admin)
//   kWrite       Create Update Delete VerifyRecord        editor (own units), admin
//   kImport      ImportRecords                            admin
//   kAudit       ListAudit                                admin
//
// No or unknown token: UNAUTHENTICATED. A known token without the role:
// PERMISSION_DENIED.
//
// The change feed (ListChanges, WatchChanges) carries booking changes, with
// the booker's personal data, only to admins and sync (SeesBookingChanges):
// sync is the role of systems that keep a copy of the directory and its
// bookings; it may read, and nothing else.
//
// Calls are admitted when they start. Long-lived calls (WatchChanges)
// subscribe to reloads (OnReload) and check their caller again after each.
//
// Thread-safe; Reload swaps the configuration atomically.
#ifndef SOFDIR_SERVER_API_AUTHORIZER_H_
#define SOFDIR_SERVER_API_AUTHORIZER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "sof/directory/v1/auth_config.pb.h"

namespace sofdir::api {

enum class Permission { kSearch, kRead, kBook, kWrite, kImport, kAudit, kAdmin };

struct Principal {
  std::string name;  // "anonymous" without a token
  bool anonymous = true;
  bool reader = false;
  bool booker = false;
  bool editor = false;
  bool sync = false;
  bool admin = false;
  std::vector<std::string> units;  // editor scope
};

// Whether `principal` gets the booking changes of the change feed.
inline bool SeesBookingChanges(const Principal& principal) {
  return principal.admin || principal.sync;
}

class Authorizer {
 public:
  // Reads and checks the config at `path`; INVALID_ARGUMENT naming the
  // problem (unknown role, empty or duplicate token, unknown field).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Authorizer>> Load(const std::string& path);
  // No config: everyone may do everything.
  static std::unique_ptr<Authorizer> Open();

  // Re-reads the file (SIGHUP). On error the old configuration stays.
  // After a successful reload, generation() has grown and every OnReload
  // callback has been called.
  [[nodiscard]] absl::Status Reload();

  // Grows by one with every successful Reload. A caller admitted at
  // generation g needs no new check while generation() is still g.
  uint64_t generation() const;

  // Calls `on_reload` after every later successful Reload, on the thread
  // that reloaded, with no lock of this class held but the one that keeps
  // callbacks and CancelOnReload apart: it must only hand work off (e.g. to
  // a WorkerPool) and must not call back into this class. Returns a handle
  // for CancelOnReload.
  uint64_t OnReload(std::function<void()> on_reload);

  // Forgets a callback. When this returns, the callback is not running and
  // will not run again.
  void CancelOnReload(uint64_t handle);

  // The caller behind an "authorization" header value ("" when absent).
  // UNAUTHENTICATED for a malformed header or an unknown token.
  [[nodiscard]] absl::StatusOr<Principal> Authenticate(absl::string_view authorization) const;

  // Whether there is no config (every caller is an admin).
  bool open() const { return path_.empty(); }
  // Whether the config lets callers without a token search.
  bool anonymous_search() const;

  // OK when `principal` may call methods needing `permission`.
  [[nodiscard]] absl::Status Authorize(const Principal& principal, Permission permission) const;

  // For editors: OK when `unit_id` is one of the principal's units or below
  // one (`parent_of` gives a unit's parent, nullopt at the root or when
  // unknown). Admins pass; everyone else gets PERMISSION_DENIED.
  [[nodiscard]] static absl::Status CheckUnitScope(
      const Principal& principal, absl::string_view unit_id,
      const std::function<std::optional<std::string>(const std::string&)>& parent_of);

 private:
  struct Config {
    absl::flat_hash_map<std::string, Principal> by_token;
    bool anonymous_search = false;
  };
  static absl::StatusOr<std::shared_ptr<const Config>> Read(const std::string& path);

  explicit Authorizer(std::string path) : path_(std::move(path)) {}

  const std::string path_;  // empty = open
  mutable absl::Mutex mu_;
  std::shared_ptr<const Config> config_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  // Held while callbacks run, so that CancelOnReload waits for them.
  absl::Mutex listeners_mu_;
  uint64_t next_listener_ ABSL_GUARDED_BY(listeners_mu_) = 1;
  std::map<uint64_t, std::function<void()>> listeners_ ABSL_GUARDED_BY(listeners_mu_);
};

}  // namespace sofdir::api

#endif  // SOFDIR_SERVER_API_AUTHORIZER_H_
