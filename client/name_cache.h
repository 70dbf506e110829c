// The names of the records other records refer to (a tilbud's unit, a
// praktik offer's host unit and contact person), fetched with GetRecord
// once per id and remembered, so that a table of 50 tilbud of 3 units costs
// 3 calls. Not thread-safe.
#ifndef SOFDIR_CLIENT_NAME_CACHE_H_
#define SOFDIR_CLIENT_NAME_CACHE_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "client/directory_client.h"
#include "client/record_view.h"

namespace sofdir::client {

class NameCache {
 public:
  explicit NameCache(DirectoryClient& client) : client_(client) {}

  // The record's display name; "" when it cannot be read (gone, not
  // allowed, server error): the id alone is shown then.
  std::string Name(const std::string& id);

  // Name() as a NameLookup for record_view.h; valid while this lives.
  NameLookup AsLookup() {
    return [this](const std::string& id) { return Name(id); };
  }

  int calls() const { return calls_; }

 private:
  DirectoryClient& client_;
  absl::flat_hash_map<std::string, std::string> names_;
  int calls_ = 0;
};

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_NAME_CACHE_H_
