// The one conversion from rocksdb::Status to absl::Status (storage.cc), for
// the other files of this folder. Not for use above server/storage.
#ifndef SOFDIR_SERVER_STORAGE_ROCKS_STATUS_H_
#define SOFDIR_SERVER_STORAGE_ROCKS_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace sofdir::storage {

// OK for OK; otherwise `context: <RocksDB's message>` with the canonical
// code: RESOURCE_EXHAUSTED for a full disk, DATA_LOSS for corruption,
// NOT_FOUND, INVALID_ARGUMENT, UNAVAILABLE (I/O, busy), INTERNAL.
absl::Status ConvertRocksStatus(const rocksdb::Status& status, absl::string_view context);

}  // namespace sofdir::storage

#endif  // SOFDIR_SERVER_STORAGE_ROCKS_STATUS_H_
