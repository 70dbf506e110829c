// The search vocabulary of the real sofdir-server binary: the thesaurus
// (--synonyms) and query rules (--query-rules) it loads at start, the
// shipped files it finds without flags (<executable>/../share/sofdir), and
// SIGHUP, which swaps them while clients keep searching.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/process.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

// The word in the unit's name, and one the thesaurus may make its synonym.
constexpr char kName[] = "Solsikken";
constexpr char kSynonymLine[] = "blomsten, solsikken\n";

class VocabularyTest : public ::testing::Test {
 protected:
  // Starts `binary` with `args`; adds the unit named kName.
  void Start(const std::vector<std::string>& args,
             const std::string& binary = SOFDIR_SERVER_BINARY) {
    ASSERT_TRUE(server_.Start(binary, dir_.Sub("data"), args)) << server_.log();
    stub_ = v1::DirectoryService::NewStub(
        grpc::CreateChannel(server_.address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::CreateRecordRequest request;
    *request.mutable_record() = testing::MakeUnit("unit-1", "", kName);
    v1::Record created;
    grpc::Status status = stub_->CreateRecord(&context, request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Records found for `query`; -1 when the call failed.
  int64_t Found(const std::string& query) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::SearchEntriesRequest request;
    request.set_query(query);
    v1::SearchEntriesResponse response;
    return stub_->SearchEntries(&context, request, &response).ok() ? response.total_size() : -1;
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path) << content;
    return path;
  }

  // Waits up to 10 s for the server's log to hold `text`.
  bool LogSays(const std::string& text) {
    for (int i = 0; i < 200; ++i) {
      if (server_.log().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  testing::TempDir dir_;
  testing::ServerProcess server_;
  std::unique_ptr<v1::DirectoryService::Stub> stub_;
};

TEST_F(VocabularyTest, LogsTheFilesItLoadedAndHowManyEntries) {
  const std::string thesaurus = WriteFile("thesaurus.txt", kSynonymLine);
  Start({"--synonyms", thesaurus});
  EXPECT_THAT(server_.log(), ContainsRegex("search vocabulary: thesaurus " + thesaurus +
                                           " \\([1-9][0-9]* entries\\)"));
  EXPECT_EQ(Found("blomsten"), 1);
}

TEST_F(VocabularyTest, AGivenFileThatIsMissingOrBrokenStopsStartUpNamingIt) {
  testing::ServerProcess server;
  const std::string missing = dir_.Sub("no-such-thesaurus.txt");
  EXPECT_FALSE(server.Start(SOFDIR_SERVER_BINARY, dir_.Sub("a"), {"--synonyms", missing}));
  EXPECT_NE(server.exit_code(), 0);
  EXPECT_THAT(server.log(), HasSubstr("--synonyms"));
  EXPECT_THAT(server.log(), HasSubstr(missing));

  EXPECT_FALSE(server.Start(SOFDIR_SERVER_BINARY, dir_.Sub("b"), {"--query-rules", missing}));
  EXPECT_NE(server.exit_code(), 0);
  EXPECT_THAT(server.log(), HasSubstr("--query-rules"));

  const std::string broken = WriteFile("broken.txt", std::string(kSynonymLine) + "solsikken\n");
  EXPECT_FALSE(server.Start(SOFDIR_SERVER_BINARY, dir_.Sub("c"), {"--synonyms", broken}));
  EXPECT_EQ(server.exit_code(), 1);
  EXPECT_THAT(server.log(), HasSubstr("cannot start"));
  EXPECT_THAT(server.log(), HasSubstr(broken));
  EXPECT_THAT(server.log(), HasSubstr(broken + ":2:"));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("c"))) << "storage opened before the check";
}

// Four clients search without pause while the thesaurus is edited and
// SIGHUP swaps it in: the results change and no call fails.
TEST_F(VocabularyTest, SighupSwapsInAnEditedThesaurusWithoutAFailedCall) {
  const std::string thesaurus = WriteFile("thesaurus.txt", "herberg, forsorgshjem\n");
  Start({"--synonyms", thesaurus, "--worker-threads", "4"});
  ASSERT_EQ(Found("blomsten"), 0);

  std::atomic<bool> stop{false};
  std::atomic<int> calls{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&, i] {
      while (!stop) {
        if (Found(i % 2 == 0 ? "blomsten" : "solsikken herberg") < 0) ++failed;
        ++calls;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  WriteFile("thesaurus.txt", std::string("herberg, forsorgshjem\n") + kSynonymLine);
  const int calls_before = calls;
  ASSERT_EQ(kill(server_.pid(), SIGHUP), 0);
  EXPECT_TRUE(LogSays("search vocabulary reloaded: thesaurus " + thesaurus)) << server_.log();
  int64_t found = 0;
  for (int i = 0; i < 100 && found != 1; ++i) {
    found = Found("blomsten");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  for (std::thread& client : clients) client.join();

  EXPECT_EQ(found, 1) << "the edited thesaurus did not take effect";
  EXPECT_EQ(failed, 0) << "of " << calls << " calls";
  EXPECT_GT(calls - calls_before, 4) << "the clients did not search during the reload";
  EXPECT_THAT(server_.log(),
              ContainsRegex("search vocabulary reloaded: thesaurus " + thesaurus + " \\([1-9]"));
}

// The query rules reload the same way: a broken file keeps the rules in
// use and names its line; a good one takes effect at once.
TEST_F(VocabularyTest, SighupReloadsTheQueryRulesAndKeepsThemWhenTheFileIsBroken) {
  const std::string rules = WriteFile("rules.txt", "[free places]\nhar plads\n");
  Start({"--query-rules", rules});
  // "har plads" asks for tilbud with free places: the unit is not one.
  ASSERT_EQ(Found("solsikken har plads"), 0);

  WriteFile("rules.txt", "[free places]\n[no such section]\n");
  ASSERT_EQ(kill(server_.pid(), SIGHUP), 0);
  ASSERT_TRUE(LogSays("search vocabulary kept as it was")) << server_.log();
  const std::string log = server_.log();
  const std::string kept = log.substr(log.find("search vocabulary kept as it was"));
  EXPECT_THAT(kept.substr(0, kept.find('\n')), HasSubstr(rules + ":2:"));
  EXPECT_EQ(Found("solsikken har plads"), 0) << "the old rules are no longer used";

  WriteFile("rules.txt", "# no rules\n");
  ASSERT_EQ(kill(server_.pid(), SIGHUP), 0);
  ASSERT_TRUE(LogSays("search vocabulary reloaded")) << server_.log();
  EXPECT_EQ(Found("solsikken har plads"), 1) << "the new rules are not used";
}

TEST_F(VocabularyTest, SighupWithABrokenFileKeepsTheOldVocabularyAndSaysWhereItIsBroken) {
  const std::string thesaurus = WriteFile("thesaurus.txt", kSynonymLine);
  Start({"--synonyms", thesaurus});
  ASSERT_EQ(Found("blomsten"), 1);

  WriteFile("thesaurus.txt", "# edited\nsolsikken\n");  // one word on line 2: no synonym
  ASSERT_EQ(kill(server_.pid(), SIGHUP), 0);
  ASSERT_TRUE(LogSays("search vocabulary kept as it was")) << server_.log();
  const std::string log = server_.log();
  const std::string kept = log.substr(log.find("search vocabulary kept as it was"));
  EXPECT_THAT(kept.substr(0, kept.find('\n')), HasSubstr(thesaurus));
  EXPECT_THAT(kept.substr(0, kept.find('\n')), HasSubstr(thesaurus + ":2:"));
  EXPECT_EQ(Found("blomsten"), 1) << "the old thesaurus is no longer used";

  std::filesystem::remove(thesaurus);  // gone: the old one stays too
  ASSERT_EQ(kill(server_.pid(), SIGHUP), 0);
  ASSERT_TRUE(LogSays("cannot read synonyms file " + thesaurus)) << server_.log();
  EXPECT_EQ(Found("blomsten"), 1);

  WriteFile("thesaurus.txt", "# fixed, without the synonym\nherberg, forsorgshjem\n");
  ASSERT_EQ(kill(server_.pid(), SIGHUP), 0);
  ASSERT_TRUE(LogSays("search vocabulary reloaded")) << server_.log();
  EXPECT_EQ(Found("blomsten"), 0);
  EXPECT_EQ(Found("solsikken"), 1);
}

// An installed server: <prefix>/bin/sofdir-server and the shipped files in
// <prefix>/share/sofdir, found without flags.
TEST_F(VocabularyTest, WithoutFlagsTheShippedFilesBesideTheExecutableAreUsed) {
  const std::filesystem::path prefix = dir_.Sub("prefix");
  std::filesystem::create_directories(prefix / "bin");
  const std::string binary = (prefix / "bin" / "sofdir-server").string();
  std::error_code linked;
  std::filesystem::create_hard_link(SOFDIR_SERVER_BINARY, binary, linked);
  if (linked) std::filesystem::copy_file(SOFDIR_SERVER_BINARY, binary);
  const std::filesystem::path shared = prefix / "share" / "sofdir";
  std::filesystem::create_directories(shared);
  std::ofstream((shared / "thesaurus.txt").string()) << kSynonymLine;

  Start({}, binary);
  EXPECT_THAT(server_.log(), ContainsRegex("search vocabulary: thesaurus " +
                                           (shared / "thesaurus.txt").string() + " \\([1-9]"));
  // Missing shipped files are not an error: the server says so and runs.
  EXPECT_THAT(server_.log(), HasSubstr("no query rules: " + (shared / "query-rules.txt").string() +
                                       " is missing"));
  EXPECT_EQ(Found("blomsten"), 1);

  // A flag still wins over the shipped file.
  server_.Stop(SIGKILL);
  const std::string other = WriteFile("other.txt", "herberg, forsorgshjem\n");
  ASSERT_TRUE(server_.Start(binary, dir_.Sub("data"), {"--synonyms", other})) << server_.log();
  EXPECT_THAT(server_.log(), HasSubstr("search vocabulary: thesaurus " + other));
}

TEST_F(VocabularyTest, WithoutShippedFilesTheServerWarnsAndSearchesWithoutThem) {
  const std::filesystem::path prefix = dir_.Sub("bare");
  std::filesystem::create_directories(prefix / "bin");
  const std::string binary = (prefix / "bin" / "sofdir-server").string();
  std::error_code linked;
  std::filesystem::create_hard_link(SOFDIR_SERVER_BINARY, binary, linked);
  if (linked) std::filesystem::copy_file(SOFDIR_SERVER_BINARY, binary);

  Start({}, binary);
  EXPECT_THAT(server_.log(), HasSubstr("no thesaurus: " + (prefix / "share/sofdir").string() +
                                       "/thesaurus.txt is missing"));
  EXPECT_THAT(server_.log(), HasSubstr("search vocabulary: no thesaurus, no query rules"));
  EXPECT_EQ(Found("solsikken"), 1);
  EXPECT_EQ(Found("blomsten"), 0);
}

// The build copies the shipped files to <build>/share/sofdir, so a server
// run from the build tree without flags has the same vocabulary as an
// installed one.
TEST_F(VocabularyTest, TheServerInTheBuildTreeFindsTheFilesTheBuildShips) {
  const std::filesystem::path shared =
      std::filesystem::path(SOFDIR_SERVER_BINARY).parent_path().parent_path() / "share" / "sofdir";
  ASSERT_TRUE(std::filesystem::exists(shared / "thesaurus.txt")) << shared;
  Start({});
  EXPECT_THAT(server_.log(), ContainsRegex("search vocabulary: thesaurus " +
                                           (shared / "thesaurus.txt").lexically_normal().string() +
                                           " \\([1-9][0-9]* entries\\)"));
  if (std::filesystem::exists(shared / "query-rules.txt")) {
    EXPECT_THAT(server_.log(), HasSubstr("query rules " + (shared / "query-rules.txt").string()));
  }
}

TEST(VocabularyHelpTest, HelpNamesTheFilesTheirDefaultsAndSighup) {
  testing::CommandResult help = testing::RunCommand({SOFDIR_SERVER_BINARY, "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  EXPECT_THAT(help.out, HasSubstr("--synonyms"));
  EXPECT_THAT(help.out, HasSubstr("thesaurus of terms, synonyms and abbreviations"));
  EXPECT_THAT(help.out, HasSubstr("--query-rules"));
  EXPECT_THAT(help.out, HasSubstr("share/sofdir/thesaurus.txt"));
  EXPECT_THAT(help.out, HasSubstr("share/sofdir/query-rules.txt"));
  EXPECT_THAT(help.out, HasSubstr("SIGHUP re-reads --auth-config"));
  EXPECT_THAT(help.out, HasSubstr("search vocabulary"));
}

}  // namespace
}  // namespace sofdir
