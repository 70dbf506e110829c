// Backups of the data directory with RocksDB's BackupEngine, into a backup
// directory (sofdir-server --backup-dir), and restoring one into a new data
// directory (sofdir-server --restore).
//
// A backup holds everything in the data directory (every column family:
// records, bookings and waitlists, the change log, audit and read log) as
// it was at one point while the server went on reading and writing: writes
// wait only while Storage::Checkpoint flushes and links files into a
// staging directory, the copying into the backup directory runs beside
// them. Each backup records the change sequence it holds (the largest key
// of the changes column family: every change up to it, none after) as its
// BackupEngine app metadata "sequence=N". Table files are shared between
// backups and named by their checksum.
//
// Thread-safe: Create calls are serialised (a second waits for the first);
// List never waits for a Create in progress.
#ifndef SOFDIR_SERVER_STORAGE_BACKUP_STORE_H_
#define SOFDIR_SERVER_STORAGE_BACKUP_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "rocksdb/utilities/backup_engine.h"
#include "server/storage/storage.h"

namespace sofdir::storage {

class BackupStore {
 public:
  struct Options {
    std::string backup_dir;  // required; created when missing
    int keep = 7;            // after each Create, only the newest `keep` stay (>= 1)
    // Where Create takes its checkpoint first; removed afterwards. On the
    // data directory's file system, so that table files are hard-linked,
    // not copied, while writes wait. Empty: backup_dir/.staging.
    std::string staging_dir;
  };

  struct Info {
    uint32_t id = 0;  // increasing; names the backup for Restore
    absl::Time time;
    uint64_t size_bytes = 0;  // this backup's files (shared ones counted in each)
    uint64_t sequence = 0;    // the last change it holds (0: none)
    uint32_t file_count = 0;
  };

  // Opens (creating when missing) the backup directory. INVALID_ARGUMENT for
  // an empty backup_dir or keep < 1; the BackupEngine's errors (e.g.
  // UNAVAILABLE when the directory cannot be written) naming the directory.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<BackupStore>> Open(const Options& options);

  // Backs up `storage` (see above), then deletes all but the newest `keep`
  // backups. Returns the new backup. RESOURCE_EXHAUSTED when a disk is full
  // (nothing of the new backup is kept); other errors name what failed.
  [[nodiscard]] absl::StatusOr<Info> Create(Storage& storage) ABSL_LOCKS_EXCLUDED(create_mu_);

  // The backups in the directory, oldest first (as of the last Create or
  // Open).
  std::vector<Info> List() const ABSL_LOCKS_EXCLUDED(infos_mu_);

  const std::string& backup_dir() const { return options_.backup_dir; }

  // Restores backup `which` (its id, or "latest") from `backup_dir` into
  // `data_dir`, which must be missing or an empty directory. Verifies the
  // backup first (every file's size and checksum), restores it into the
  // sibling `data_dir`.restoring, runs `check` on that directory, and only
  // when all of that succeeded renames it to `data_dir`; on any failure
  // nothing is left at `data_dir` (an empty directory given stays empty).
  // Errors: FAILED_PRECONDITION when data_dir is not empty (naming it and
  // one of its entries); NOT_FOUND for a missing backup_dir or backup id
  // (listing the ids there); INVALID_ARGUMENT for `which` neither an id nor
  // "latest"; DATA_LOSS naming the backup and its damaged file; `check`'s
  // error; RESOURCE_EXHAUSTED on a full disk.
  [[nodiscard]] static absl::StatusOr<Info> Restore(
      const std::string& backup_dir, absl::string_view which, const std::string& data_dir,
      const std::function<absl::Status(const std::string& dir)>& check);

  BackupStore(const BackupStore&) = delete;
  BackupStore& operator=(const BackupStore&) = delete;

 private:
  BackupStore(const Options& options, std::unique_ptr<rocksdb::BackupEngine> engine)
      : options_(options), engine_(std::move(engine)) {}
  // Re-reads the list of backups from the engine into infos_.
  void RefreshInfos() ABSL_EXCLUSIVE_LOCKS_REQUIRED(create_mu_);

  const Options options_;
  absl::Mutex create_mu_;
  const std::unique_ptr<rocksdb::BackupEngine> engine_ ABSL_PT_GUARDED_BY(create_mu_);
  mutable absl::Mutex infos_mu_;
  std::vector<Info> infos_ ABSL_GUARDED_BY(infos_mu_);
};

}  // namespace sofdir::storage

#endif  // SOFDIR_SERVER_STORAGE_BACKUP_STORE_H_
