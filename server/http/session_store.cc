#include "server/http/session_store.h"

#include <openssl/rand.h>

#include <vector>

#include "absl/strings/escaping.h"

namespace sofdir::http {

absl::StatusOr<std::string> RandomHex(size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1) {
    return absl::InternalError("no random bytes from OpenSSL");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(buffer.data()), buffer.size()));
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

SessionStore::SessionStore(Options options) : options_(std::move(options)) {}

absl::StatusOr<Session> SessionStore::Create(const std::string& bearer_token) {
  absl::StatusOr<std::string> id = RandomHex(32);
  if (!id.ok()) return id.status();
  absl::StatusOr<std::string> csrf = RandomHex(32);
  if (!csrf.ok()) return csrf.status();
  Session session{*std::move(id), *std::move(csrf), bearer_token, Now()};
  absl::MutexLock lock(&mu_);
  // Expired ones go first, then the least recently used while full.
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (session.last_used - it->second.last_used > options_.idle_timeout) {
      sessions_.erase(it++);
    } else {
      ++it;
    }
  }
  while (!sessions_.empty() && sessions_.size() >= options_.max_sessions) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    }
    sessions_.erase(oldest);
  }
  sessions_[session.id] = session;
  return session;
}

std::optional<Session> SessionStore::Find(absl::string_view id) {
  const absl::Time now = Now();
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (now - it->second.last_used > options_.idle_timeout) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second;
}

void SessionStore::Remove(absl::string_view id) {
  absl::MutexLock lock(&mu_);
  sessions_.erase(id);
}

size_t SessionStore::size() const {
  absl::MutexLock lock(&mu_);
  return sessions_.size();
}

}  // namespace sofdir::http
