#include "client/name_cache.h"

#include "server/model/record_util.h"

namespace sofdir::client {

std::string NameCache::Name(const std::string& id) {
  if (id.empty()) return "";
  auto it = names_.find(id);
  if (it != names_.end()) return it->second;
  ++calls_;
  absl::StatusOr<sof::directory::v1::Record> record = client_.GetRecord(id);
  std::string name = record.ok() ? model::DisplayName(*record) : "";
  names_.emplace(id, name);
  return name;
}

}  // namespace sofdir::client
