// A set of puts and deletes across column families that Storage::Write
// applies atomically. Get one from Storage::NewWriteBatch(); it must not
// outlive that Storage. Not thread-safe; build it on one thread.
#ifndef SOFDIR_SERVER_STORAGE_WRITE_BATCH_H_
#define SOFDIR_SERVER_STORAGE_WRITE_BATCH_H_

#include <array>

#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "server/storage/key_codec.h"

namespace sofdir::storage {

using ColumnFamilyHandles =
    std::array<rocksdb::ColumnFamilyHandle*, static_cast<size_t>(ColumnFamily::kCount)>;

class WriteBatch {
 public:
  void Put(ColumnFamily cf, absl::string_view key, absl::string_view value);
  void Delete(ColumnFamily cf, absl::string_view key);

  // Number of puts and deletes so far.
  int Count() const { return batch_.Count(); }

 private:
  friend class Storage;
  explicit WriteBatch(const ColumnFamilyHandles& handles) : handles_(handles) {}

  const ColumnFamilyHandles& handles_;
  rocksdb::WriteBatch batch_;
};

}  // namespace sofdir::storage

#endif  // SOFDIR_SERVER_STORAGE_WRITE_BATCH_H_
