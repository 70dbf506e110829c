// A small tmpfs mounted for one test and filled up on demand: a really full
// disk, as the server meets it. Mounting needs root; Mount says why it
// cannot, so the test can skip. Unmounted when the object goes away, so
// declare it after the TempDir it lives in and stop servers using it first.
// Not thread-safe.
#ifndef SOFDIR_TESTS_TESTING_SMALL_DISK_H_
#define SOFDIR_TESTS_TESTING_SMALL_DISK_H_

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

namespace sofdir::testing {

class SmallDisk {
 public:
  explicit SmallDisk(std::string path) : path_(std::move(path)), filler_(path_ + "/filler") {}
  ~SmallDisk() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  // Mounts a tmpfs of `megabytes` at path(); returns "" on success, else
  // why it cannot (not root, mount refused).
  std::string Mount(int megabytes) {
    if (geteuid() != 0) return "needs root to mount a small tmpfs";
    std::filesystem::create_directories(path_);
    const std::string size = "size=" + std::to_string(megabytes) + "m";
    if (mount("tmpfs", path_.c_str(), "tmpfs", 0, size.c_str()) != 0) {
      return "cannot mount a tmpfs at " + path_ + ": " + std::strerror(errno);
    }
    mounted_ = true;
    return "";
  }

  // Writes one file in chunks of `chunk_bytes` until the disk is full.
  void Fill(size_t chunk_bytes = 1 << 20) const {
    std::ofstream filler(filler_, std::ios::binary | std::ios::app);
    const std::string chunk(chunk_bytes, 'f');
    while (filler.write(chunk.data(), chunk.size()) && filler.flush()) {
    }
  }

  // Frees what Fill took.
  void Free() const { std::filesystem::remove(filler_); }

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
  std::string filler_;
  bool mounted_ = false;
};

}  // namespace sofdir::testing

#endif  // SOFDIR_TESTS_TESTING_SMALL_DISK_H_
