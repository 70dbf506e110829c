// What RocksDB's own recovery does not say, found out around Storage::Open:
// which file a damaged write-ahead log record is in (RocksDB's status says
// only "checksum mismatch"; its info log names the file), and table files a
// truncated MANIFEST no longer lists although they hold data found nowhere
// else (RocksDB would open the shorter history and delete them).
//
// Internal to server/storage; rocksdb::Status only (storage.cc converts).
#ifndef SOFDIR_SERVER_STORAGE_RECOVERY_CHECK_H_
#define SOFDIR_SERVER_STORAGE_RECOVERY_CHECK_H_

#include <atomic>
#include <cstdarg>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/options.h"

namespace sofdir::storage {

// RocksDB's info log: writes the LOG file in `dir` and keeps the warnings
// and errors that name a damaged file. RocksDB's own logger asserts (and
// so aborts the server) on the line after a failed write, as on a full
// disk; this one writes with plain write(2) and drops lines it cannot
// write. The previous LOG becomes LOG.old.<micros>; the newest `keep` old
// logs are kept. Thread-safe.
class RecoveryLogger : public rocksdb::Logger {
 public:
  // With an empty `dir`, writes no file (read-only opens change nothing).
  RecoveryLogger(const std::string& dir, int keep);
  ~RecoveryLogger() override;

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override;
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override;
  void LogHeader(const char* format, va_list ap) override;
  size_t GetLogFileSize() const override;
  void Flush() override;

  // The warnings and errors so far that report damage (e.g.
  // "/data/000004.log: dropping 32768 bytes; Corruption: checksum mismatch").
  std::vector<std::string> damage() const;

 private:
  rocksdb::Status CloseImpl() override;
  void Write(const char* format, va_list ap);

  int fd_ = -1;
  std::atomic<size_t> size_{0};
  mutable absl::Mutex mu_;
  std::vector<std::string> damage_ ABSL_GUARDED_BY(mu_);
};

// The names of the table files in `dir` that `db` does not list, that
// belong to the column family `cf_name` and whose largest key is after
// `last_key` (any key when there is none): data the database lost track of.
// Needs a column family whose keys only grow (sofdir's change log), and
// atomic flushes, so that a flush the MANIFEST lost shows there.
rocksdb::Status FindUnlistedNewerTables(rocksdb::DB& db, const rocksdb::Options& options,
                                        const std::string& dir, const std::string& cf_name,
                                        const std::optional<std::string>& last_key,
                                        std::vector<std::string>* found);

// The MANIFEST file CURRENT names, e.g. "MANIFEST-000005"; "" when unreadable.
std::string CurrentManifest(rocksdb::FileSystem& fs, const std::string& dir);

}  // namespace sofdir::storage

#endif  // SOFDIR_SERVER_STORAGE_RECOVERY_CHECK_H_
