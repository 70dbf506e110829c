#include "server/storage/write_batch.h"

namespace sofdir::storage {

void WriteBatch::Put(ColumnFamily cf, absl::string_view key, absl::string_view value) {
  // rocksdb::WriteBatch::Put only fails on oversized entries (> 4 GiB),
  // which API limits rule out long before.
  (void)batch_.Put(handles_[static_cast<size_t>(cf)], rocksdb::Slice(key.data(), key.size()),
                   rocksdb::Slice(value.data(), value.size()));
}

void WriteBatch::Delete(ColumnFamily cf, absl::string_view key) {
  (void)batch_.Delete(handles_[static_cast<size_t>(cf)], rocksdb::Slice(key.data(), key.size()));
}

}  // namespace sofdir::storage
