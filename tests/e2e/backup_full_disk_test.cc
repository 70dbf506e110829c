// `sofdir backup` into a backup directory whose disk is full: a small tmpfs
// filled up with a file, the data directory on the ordinary disk. The
// backup is refused RESOURCE_EXHAUSTED naming the backup directory, nothing
// of it is listed or left behind, the earlier backup stays and restores,
// the server serves on, and a backup succeeds once space is freed.
// Needs root (to mount the tmpfs); skipped otherwise.
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/cli_fixture.h"
#include "tests/testing/json.h"

namespace sofdir {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;

class BackupFullDiskTest : public testing::CliTest {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs for the backup dir";
    std::filesystem::create_directories(mount_);
    if (mount("tmpfs", mount_.c_str(), "tmpfs", 0, "size=16m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs at " << mount_ << ": " << std::strerror(errno);
    }
    mounted_ = true;
  }
  void TearDown() override {
    server_.Stop(SIGKILL);
    if (mounted_) umount2(mount_.c_str(), MNT_DETACH);
  }

  // Fills the tmpfs with a file until it is full.
  void Fill() {
    std::ofstream filler(filler_, std::ios::binary | std::ios::app);
    const std::string chunk(64 << 10, 'f');
    while (filler.write(chunk.data(), chunk.size()) && filler.flush()) {
    }
  }

  std::vector<uint64_t> ListedIds() {
    std::vector<uint64_t> ids;
    for (const auto& backup : testing::JsonItems(CliJson({"backup", "list"}), "backups")) {
      ids.push_back(static_cast<uint64_t>(backup.fields().at("backup_id").number_value()));
    }
    return ids;
  }

  // The entries of backup_dir/`sub`, by name.
  std::vector<std::string> Entries(const std::string& sub) {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(backups_ + "/" + sub, error)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string mount_ = dir_.Sub("backup-disk");
  std::string backups_ = mount_ + "/backups";
  std::string filler_ = mount_ + "/filler";
  bool mounted_ = false;
};

TEST_F(BackupFullDiskTest, FullBackupDiskIsRefusedByNameLeavesNothingAndKeepsEarlierBackups) {
  std::vector<std::string> args = DemoArgs();
  args.insert(args.end(), {"--backup-dir", backups_});
  ASSERT_NO_FATAL_FAILURE(StartServer(args));
  CliJson({"backup"});
  ASSERT_EQ(ListedIds(), std::vector<uint64_t>{1});
  // Something new to back up, so the next backup has files of its own.
  CommandResult created = Cli(
      {"create",
       WriteFile(
           "unit.json",
           R"j({"id": "unit-9001", "kind": "unit", "name": "Ny enhed", "area": "Handicap"})j")});
  ASSERT_EQ(created.exit_code, 0) << created.err;

  Fill();
  CommandResult full = Cli({"backup"});
  EXPECT_EQ(full.exit_code, 1) << full.err;  // RESOURCE_EXHAUSTED: an "other" error
  EXPECT_THAT(full.err, HasSubstr(backups_)) << full.err;
  EXPECT_THAT(full.err, ::testing::AnyOf(HasSubstr("full"), HasSubstr("No space"))) << full.err;
  EXPECT_THAT(full.err, HasSubstr("nothing of this backup was kept")) << full.err;
  // Nothing of the failed backup: not listed, no files of its own.
  EXPECT_EQ(ListedIds(), std::vector<uint64_t>{1});
  EXPECT_EQ(Entries("meta"), std::vector<std::string>{"1"});
  EXPECT_EQ(Entries("private"), std::vector<std::string>{"1"});
  // The server serves on: reads and writes to its own disk.
  CommandResult search = Cli({"search", "botilbud"});
  EXPECT_EQ(search.exit_code, 0) << search.err;
  CommandResult created_again = Cli(
      {"create",
       WriteFile(
           "unit2.json",
           R"j({"id": "unit-9002", "kind": "unit", "name": "Endnu en", "area": "Handicap"})j")});
  EXPECT_EQ(created_again.exit_code, 0) << created_again.err;

  // Space freed: the next backup works, and the first still restores.
  std::filesystem::remove(filler_);
  CliJson({"backup"});
  const std::vector<uint64_t> ids = ListedIds();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], 1u);
  CommandResult restored =
      testing::RunCommand({SOFDIR_SERVER_BINARY, "--backup-dir", backups_, "--restore", "1",
                           "--data-dir", dir_.Sub("restored"), "--verify"});
  EXPECT_EQ(restored.exit_code, 0) << restored.out << restored.err;
}

}  // namespace
}  // namespace sofdir
