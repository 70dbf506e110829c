#include "server/api/authorizer.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "server/common/echo.h"
#include "server/common/status_macros.h"

namespace sofdir::api {
namespace {

constexpr int kMaxUnitDepth = 100;

}  // namespace

absl::StatusOr<std::shared_ptr<const Authorizer::Config>> Authorizer::Read(
    const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return absl::InvalidArgumentError(absl::StrCat("auth config ", path, ": cannot be read"));
  std::stringstream text;
  text << in.rdbuf();
  sof::directory::v1::AuthConfig proto;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto parsed = google::protobuf::util::JsonStringToMessage(text.str(), &proto, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "auth config ", path, ": ", std::string(parsed.message().data(), parsed.message().size())));
  }
  auto config = std::make_shared<Config>();
  config->anonymous_search = proto.anonymous_search();
  for (int i = 0; i < proto.tokens_size(); ++i) {
    const auto& entry = proto.tokens(i);
    const std::string where = absl::StrCat("auth config ", path, ": tokens[", i, "]");
    if (entry.token().size() < 16) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".token: at least 16 characters"));
    }
    if (entry.principal().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".principal: required"));
    }
    Principal principal;
    principal.name = entry.principal();
    principal.anonymous = false;
    principal.units.assign(entry.units().begin(), entry.units().end());
    for (const std::string& role : entry.roles()) {
      if (role == "reader") {
        principal.reader = true;
      } else if (role == "booker") {
        principal.booker = true;
      } else if (role == "editor") {
        principal.editor = true;
      } else if (role == "sync") {
        principal.sync = true;
      } else if (role == "admin") {
        principal.admin = true;
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ".roles: \"", common::Echo(role),
                         "\" is not a role; valid: reader, booker, editor, sync, admin"));
      }
    }
    if (principal.editor && principal.units.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".units: an editor needs units"));
    }
    if (!config->by_token.emplace(entry.token(), principal).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".token: used twice"));
    }
  }
  return std::shared_ptr<const Config>(std::move(config));
}

absl::StatusOr<std::unique_ptr<Authorizer>> Authorizer::Load(const std::string& path) {
  SOFDIR_ASSIGN_OR_RETURN(std::shared_ptr<const Config> config, Read(path));
  std::unique_ptr<Authorizer> authorizer(new Authorizer(path));
  absl::MutexLock lock(&authorizer->mu_);
  authorizer->config_ = std::move(config);
  return authorizer;
}

std::unique_ptr<Authorizer> Authorizer::Open() {
  return std::unique_ptr<Authorizer>(new Authorizer(""));
}

absl::Status Authorizer::Reload() {
  if (path_.empty()) return absl::OkStatus();
  SOFDIR_ASSIGN_OR_RETURN(std::shared_ptr<const Config> config, Read(path_));
  {
    absl::MutexLock lock(&mu_);
    config_ = std::move(config);
    ++generation_;
  }
  absl::MutexLock lock(&listeners_mu_);
  for (const auto& [handle, on_reload] : listeners_) on_reload();
  return absl::OkStatus();
}

uint64_t Authorizer::generation() const {
  absl::MutexLock lock(&mu_);
  return generation_;
}

uint64_t Authorizer::OnReload(std::function<void()> on_reload) {
  absl::MutexLock lock(&listeners_mu_);
  const uint64_t handle = next_listener_++;
  listeners_.emplace(handle, std::move(on_reload));
  return handle;
}

void Authorizer::CancelOnReload(uint64_t handle) {
  absl::MutexLock lock(&listeners_mu_);
  listeners_.erase(handle);
}

absl::StatusOr<Principal> Authorizer::Authenticate(absl::string_view authorization) const {
  if (path_.empty()) {
    Principal open;  // no config: a trusted local caller
    open.name = "local";
    open.anonymous = false;
    open.admin = true;
    return open;
  }
  if (authorization.empty()) {
    Principal anonymous;
    anonymous.name = "anonymous";
    return anonymous;
  }
  if (!absl::StartsWith(authorization, "Bearer ")) {
    return absl::UnauthenticatedError("authorization: expected \"Bearer <token>\"");
  }
  std::shared_ptr<const Config> config;
  {
    absl::MutexLock lock(&mu_);
    config = config_;
  }
  auto it = config->by_token.find(authorization.substr(7));
  if (it == config->by_token.end()) {
    return absl::UnauthenticatedError("authorization: unknown token");
  }
  return it->second;
}

bool Authorizer::anonymous_search() const {
  absl::MutexLock lock(&mu_);
  return config_ != nullptr && config_->anonymous_search;
}

absl::Status Authorizer::Authorize(const Principal& p, Permission permission) const {
  if (p.admin) return absl::OkStatus();
  if (p.anonymous) {
    bool anonymous_search;
    {
      absl::MutexLock lock(&mu_);
      anonymous_search = config_ && config_->anonymous_search;
    }
    if (permission == Permission::kSearch && anonymous_search) return absl::OkStatus();
    return absl::UnauthenticatedError(
        "authorization: this call needs a token (\"authorization: Bearer <token>\")");
  }
  const bool any_role = p.reader || p.booker || p.editor || p.sync;
  bool allowed = false;
  switch (permission) {
    case Permission::kSearch:
    case Permission::kRead:
      allowed = any_role;
      break;
    case Permission::kBook:
      allowed = p.booker || p.editor;
      break;
    case Permission::kWrite:
      allowed = p.editor;
      break;
    case Permission::kImport:
    case Permission::kAudit:
    case Permission::kAdmin:
      allowed = false;
      break;
  }
  if (allowed) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(p.name, " may not do this; it needs the role ",
                                                  permission == Permission::kBook    ? "booker"
                                                  : permission == Permission::kWrite ? "editor"
                                                  : permission == Permission::kImport ||
                                                          permission == Permission::kAudit ||
                                                          permission == Permission::kAdmin
                                                      ? "admin"
                                                      : "reader"));
}

absl::Status Authorizer::CheckUnitScope(
    const Principal& principal, absl::string_view unit_id,
    const std::function<std::optional<std::string>(const std::string&)>& parent_of) {
  if (principal.admin) return absl::OkStatus();
  std::optional<std::string> current = std::string(unit_id);
  for (int depth = 0; current && depth < kMaxUnitDepth; ++depth) {
    for (const std::string& allowed : principal.units) {
      if (*current == allowed) return absl::OkStatus();
    }
    current = parent_of(*current);
  }
  return absl::PermissionDeniedError(absl::StrCat(principal.name, " may not change records of ",
                                                  common::Echo(unit_id),
                                                  "; it edits only its own units"));
}

}  // namespace sofdir::api
