// A fresh directory under $TMPDIR (or /tmp), removed with everything in it
// when the object goes away. Not thread-safe.
#ifndef SOFDIR_TESTS_TESTING_TEMP_DIR_H_
#define SOFDIR_TESTS_TESTING_TEMP_DIR_H_

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace sofdir::testing {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/sofdir-test-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The source tree (set by ctest), for shipped data such as the demo.
inline std::string SourceDir() {
  const char* dir = std::getenv("SOFDIR_SOURCE_DIR");
  return dir ? dir : ".";
}

}  // namespace sofdir::testing

#endif  // SOFDIR_TESTS_TESTING_TEMP_DIR_H_
