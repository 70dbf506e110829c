// Loads the demo directory the project ships (data/demo-directory.jsonl)
// into a new Directory, so a first start has something to search.
#ifndef SOFDIR_SERVER_DOMAIN_DEMO_LOADER_H_
#define SOFDIR_SERVER_DOMAIN_DEMO_LOADER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "server/domain/directory.h"
#include "server/storage/storage.h"

namespace sofdir::domain {

struct DemoLoadResult {
  bool loaded = false;  // false when the directory is not new
  int records = 0;
  std::string not_loaded_because;  // when !loaded, for the log
};

// Only into a directory that has never held data: one that Storage created
// empty (storage::kCreatedKey) and whose change log is still empty. Never
// because a directory reads as empty: one whose records were all deleted,
// or one that was not created empty, gets no demo. Then imports every line
// of the JSON Lines file at `path`. Praktik slots are moved by whole weeks
// so that the earliest slot starts in the week after `today` (bookable demo
// data). INVALID_ARGUMENT naming the line when a line does not parse or is
// rejected; NOT_FOUND when the file is missing. All-or-nothing per batch.
// `storage` is the one `directory` is on.
[[nodiscard]] absl::StatusOr<DemoLoadResult> LoadDemoIfNew(Directory& directory,
                                                           const storage::Storage& storage,
                                                           const std::string& path,
                                                           absl::CivilDay today);

// Moves every slot of every praktik record in `records` by whole weeks so
// the earliest starts 7-13 days after `today`. Other records are untouched.
void ShiftPraktikSlots(std::vector<sof::directory::v1::Record>& records, absl::CivilDay today);

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_DEMO_LOADER_H_
