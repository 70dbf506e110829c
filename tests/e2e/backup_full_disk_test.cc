// `sofdir backup` into a backup directory whose disk is full: a small tmpfs
// filled up with a file, the data directory on the ordinary disk. The
// backup is refused RESOURCE_EXHAUSTED naming the backup directory, nothing
// of it is listed or left behind, the earlier backup stays and restores,
// the server serves on, and a backup succeeds once space is freed.
// Needs root (to mount the tmpfs); skipped otherwise.
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/cli_fixture.h"
#include "tests/testing/json.h"
#include "tests/testing/small_disk.h"

namespace sofdir {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;

class BackupFullDiskTest : public testing::CliTest {
 protected:
  void SetUp() override {
    if (const std::string why = disk_.Mount(16); !why.empty()) GTEST_SKIP() << why;
  }
  void TearDown() override { server_.Stop(SIGKILL); }

  // Fills the backup disk up.
  void Fill() { disk_.Fill(64 << 10); }

  // `sofdir create` of a new unit `id`.
  CommandResult CreateUnit(const std::string& id) {
    return Cli({"create", WriteFile(id + ".json", R"({"id": ")" + id +
                                                      R"(", "kind": "unit", "name": "Ny enhed )" +
                                                      id + R"(", "area": "Handicap"})")});
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

  testing::SmallDisk disk_{dir_.Sub("backup-disk")};
  std::string backups_ = disk_.Sub("backups");
};

TEST_F(BackupFullDiskTest, FullBackupDiskIsRefusedByNameLeavesNothingAndKeepsEarlierBackups) {
  std::vector<std::string> args = DemoArgs();
  args.insert(args.end(), {"--backup-dir", backups_});
  ASSERT_NO_FATAL_FAILURE(StartServer(args));
  CliJson({"backup"});
  ASSERT_EQ(ListedIds(), std::vector<uint64_t>{1});
  // Something new to back up, so the next backup has files of its own.
  CommandResult created = CreateUnit("unit-9001");
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
  CommandResult created_again = CreateUnit("unit-9002");
  EXPECT_EQ(created_again.exit_code, 0) << created_again.err;

  // Space freed: the next backup works, and the first still restores.
  disk_.Free();
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
