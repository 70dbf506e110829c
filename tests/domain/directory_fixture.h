// A Directory on a real RocksDB in a fresh temporary folder, for the domain
// tests. Derived fixtures add what they test (search, bookings) as members,
// which are destroyed before the directory they use.
#ifndef SOFDIR_TESTS_DOMAIN_DIRECTORY_FIXTURE_H_
#define SOFDIR_TESTS_DOMAIN_DIRECTORY_FIXTURE_H_

#include <memory>

#include "gtest/gtest.h"
#include "server/domain/directory.h"
#include "server/storage/storage.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::domain {

class DirectoryFixture : public ::testing::Test {
 protected:
  // Opens storage and directory on the test's folder, closing any open ones
  // first (so a second call is a restart). Call with ASSERT_NO_FATAL_FAILURE.
  void OpenDirectory() {
    directory_.reset();
    storage_.reset();
    auto storage = storage::Storage::Open({dir_.path()});
    ASSERT_TRUE(storage.ok()) << storage.status();
    storage_ = *std::move(storage);
    auto directory = Directory::Open(*storage_);
    ASSERT_TRUE(directory.ok()) << directory.status();
    directory_ = *std::move(directory);
  }

  // Creates `record` or fails the test.
  void MustCreate(const sof::directory::v1::Record& record) {
    auto created = directory_->Create(record);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<Directory> directory_;
};

}  // namespace sofdir::domain

#endif  // SOFDIR_TESTS_DOMAIN_DIRECTORY_FIXTURE_H_
