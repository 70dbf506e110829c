#include "server/storage/recovery_check.h"

#include <cstdarg>
#include <cstdio>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "rocksdb/file_system.h"
#include "rocksdb/sst_file_reader.h"
#include "rocksdb/table_properties.h"

namespace sofdir::storage {
namespace {

// Where RocksDB's LOG file cannot be made (a full disk), log nowhere.
class NullLogger : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
};

}  // namespace

RecoveryLogger::RecoveryLogger(std::shared_ptr<rocksdb::Logger> inner)
    : inner_(inner ? std::move(inner) : std::make_shared<NullLogger>()) {
  SetInfoLogLevel(inner_->GetInfoLogLevel());
}

void RecoveryLogger::Logv(const char* format, va_list ap) { inner_->Logv(format, ap); }

void RecoveryLogger::Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) {
  if (level >= rocksdb::InfoLogLevel::WARN_LEVEL) {
    va_list copy;
    va_copy(copy, ap);
    char buffer[512];
    vsnprintf(buffer, sizeof(buffer), format, copy);
    va_end(copy);
    absl::string_view line(buffer);
    // Drop RocksDB's "[db/db_impl/db_impl_open.cc:982] " source prefix.
    if (absl::StartsWith(line, "[") && line.find("] ") != absl::string_view::npos) {
      line.remove_prefix(line.find("] ") + 2);
    }
    if (absl::StrContains(line, "Corruption") || absl::StrContains(line, "dropping")) {
      absl::MutexLock lock(&mu_);
      if (damage_.size() < 8) damage_.emplace_back(line);
    }
  }
  inner_->Logv(level, format, ap);
}

void RecoveryLogger::LogHeader(const char* format, va_list ap) { inner_->LogHeader(format, ap); }

size_t RecoveryLogger::GetLogFileSize() const { return inner_->GetLogFileSize(); }

void RecoveryLogger::Flush() { inner_->Flush(); }

rocksdb::Status RecoveryLogger::CloseImpl() { return inner_->Close(); }

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
