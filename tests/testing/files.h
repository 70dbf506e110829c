// Small file helpers for tests that damage a data directory the way a bad
// disk or a careless hand would. Not thread-safe.
#ifndef SOFDIR_TESTS_TESTING_FILES_H_
#define SOFDIR_TESTS_TESTING_FILES_H_

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sofdir::testing {

// The paths of the regular files directly in `dir` whose names end with
// `suffix` (or start with it when `prefix`), sorted.
inline std::vector<std::string> FilesNamed(const std::string& dir, const std::string& part,
                                           bool prefix = false) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const bool match = prefix ? name.rfind(part, 0) == 0
                              : name.size() >= part.size() &&
                                    name.compare(name.size() - part.size(), part.size(), part) == 0;
    if (entry.is_regular_file() && match) found.push_back(entry.path().string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

inline uint64_t FileSize(const std::string& path) { return std::filesystem::file_size(path); }

// Overwrites `length` bytes at `offset` with `byte`.
inline void OverwriteBytes(const std::string& path, uint64_t offset, size_t length,
                           char byte = 'x') {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(static_cast<std::streamoff>(offset));
  std::string bytes(length, byte);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Flips every bit of `length` bytes at `offset`.
inline void FlipBytes(const std::string& path, uint64_t offset, size_t length) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  std::string bytes(length, '\0');
  file.seekg(static_cast<std::streamoff>(offset));
  file.read(bytes.data(), static_cast<std::streamsize>(length));
  for (char& c : bytes) c = static_cast<char>(~c);
  file.seekp(static_cast<std::streamoff>(offset));
  file.write(bytes.data(), static_cast<std::streamsize>(length));
}

inline void TruncateFile(const std::string& path, uint64_t size) {
  std::filesystem::resize_file(path, size);
}

// Copies the directory `from` to `to` (which must not exist): what a crash
// at this moment would leave on disk, given that every write was synced.
inline void CopyDirectory(const std::string& from, const std::string& to) {
  std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
}

}  // namespace sofdir::testing

#endif  // SOFDIR_TESTS_TESTING_FILES_H_
