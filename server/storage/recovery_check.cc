#include "server/storage/recovery_check.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "rocksdb/file_system.h"
#include "rocksdb/sst_file_reader.h"
#include "rocksdb/table_properties.h"

namespace sofdir::storage {

RecoveryLogger::RecoveryLogger(const std::string& dir, int keep) {
  SetInfoLogLevel(rocksdb::InfoLogLevel::INFO_LEVEL);
  if (dir.empty()) return;
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  const std::filesystem::path log = std::filesystem::path(dir) / "LOG";
  if (std::filesystem::exists(log, ignored)) {
    std::filesystem::rename(
        log, std::filesystem::path(dir) / absl::StrCat("LOG.old.", absl::ToUnixMicros(absl::Now())),
        ignored);
  }
  std::vector<std::filesystem::path> old;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ignored)) {
    if (absl::StartsWith(entry.path().filename().string(), "LOG.old.")) old.push_back(entry.path());
  }
  std::sort(old.begin(), old.end());
  for (size_t i = 0; i + keep < old.size(); ++i) std::filesystem::remove(old[i], ignored);
  fd_ = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

RecoveryLogger::~RecoveryLogger() {
  if (fd_ >= 0) ::close(fd_);
}

void RecoveryLogger::Write(const char* format, va_list ap) {
  char message[1024];
  vsnprintf(message, sizeof(message), format, ap);
  absl::string_view line(message);
  if (absl::StrContains(line, "Corruption") || absl::StrContains(line, "dropping")) {
    // Drop RocksDB's "[db/db_impl/db_impl_open.cc:982] " source prefix.
    absl::string_view shown = line;
    if (absl::StartsWith(shown, "[") && shown.find("] ") != absl::string_view::npos) {
      shown.remove_prefix(shown.find("] ") + 2);
    }
    absl::MutexLock lock(&mu_);
    if (damage_.size() < 8) damage_.emplace_back(shown);
  }
  if (fd_ < 0) return;
  std::string text =
      absl::StrCat(absl::FormatTime("%Y/%m/%d-%H:%M:%E6S ", absl::Now(), absl::LocalTimeZone()),
                   static_cast<int64_t>(::syscall(SYS_gettid)), " ", line, "\n");
  // A short or failed write (a full disk) loses this line, nothing else.
  ssize_t written = ::write(fd_, text.data(), text.size());
  if (written > 0) size_.fetch_add(static_cast<size_t>(written));
}

void RecoveryLogger::Logv(const char* format, va_list ap) { Write(format, ap); }

void RecoveryLogger::Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) {
  if (level < GetInfoLogLevel()) return;
  Write(format, ap);
}

void RecoveryLogger::LogHeader(const char* format, va_list ap) { Write(format, ap); }

size_t RecoveryLogger::GetLogFileSize() const { return size_.load(); }

void RecoveryLogger::Flush() {}

rocksdb::Status RecoveryLogger::CloseImpl() { return rocksdb::Status::OK(); }

std::vector<std::string> RecoveryLogger::damage() const {
  absl::MutexLock lock(&mu_);
  return damage_;
}

rocksdb::Status FindUnlistedNewerTables(rocksdb::DB& db, const rocksdb::Options& options,
                                        const std::string& dir, const std::string& cf_name,
                                        const std::optional<std::string>& last_key,
                                        std::vector<std::string>* found) {
  std::vector<rocksdb::LiveFileMetaData> live;
  db.GetLiveFilesMetaData(&live);
  std::set<std::string> listed;
  for (const rocksdb::LiveFileMetaData& file : live) {
    listed.insert(std::string(absl::StripPrefix(file.name, "/")));
  }
  std::vector<std::string> children;
  rocksdb::Status status = options.env->GetChildren(dir, &children);
  if (!status.ok()) return status;
  for (const std::string& name : children) {
    if (!absl::EndsWith(name, ".sst") || listed.count(name) > 0) continue;
    rocksdb::SstFileReader reader(options);
    // An unreadable leftover (a table file a crash cut short) holds nothing
    // the write-ahead log does not also hold.
    if (!reader.Open(dir + "/" + name).ok()) continue;
    std::shared_ptr<const rocksdb::TableProperties> properties = reader.GetTableProperties();
    if (!properties || properties->column_family_name != cf_name) continue;
    std::unique_ptr<rocksdb::Iterator> it(reader.NewIterator(rocksdb::ReadOptions()));
    it->SeekToLast();
    if (!it->Valid()) continue;
    if (!last_key.has_value() || it->key().ToString() > *last_key) found->push_back(name);
  }
  return rocksdb::Status::OK();
}

std::string CurrentManifest(rocksdb::FileSystem& fs, const std::string& dir) {
  std::string contents;
  if (!rocksdb::ReadFileToString(&fs, dir + "/CURRENT", &contents).ok()) return "";
  return std::string(absl::StripTrailingAsciiWhitespace(contents));
}

}  // namespace sofdir::storage
