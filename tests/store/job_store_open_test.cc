// Opening a store on a bad URL or an unusable file fails with a clear Status and leaves
// what it found untouched.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/env.h"
#include "store/job_store.h"

namespace a11y {
namespace {

namespace fs = std::filesystem;

class OpenJobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("a11y-open-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void WriteFile(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  static std::string ReadFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  static Status OpenStatus(const std::string& path) {
    return OpenJobStore("sqlite:" + path, Env::Default()).status();
  }

  static void ExpectOpenFails(const std::string& path) {
    const Status status = OpenStatus(path);
    EXPECT_FALSE(status.ok()) << path << " opened";
    EXPECT_FALSE(status.message().empty());
  }

  fs::path NotADatabase() {
    const fs::path file = dir_ / "notes.db";
    std::string text;
    for (int i = 0; i < 200; ++i) text += "this is a text file, not a database\n";
    WriteFile(file, text);
    return file;
  }

  fs::path dir_;
};

TEST_F(OpenJobStoreTest, PathInAMissingFolderFails) {
  ExpectOpenFails((dir_ / "no-such-folder" / "deeper" / "jobs.db").string());
  EXPECT_FALSE(fs::exists(dir_ / "no-such-folder"));
}

TEST_F(OpenJobStoreTest, PathUnderARegularFileFails) {
  const fs::path file = dir_ / "plain-file";
  WriteFile(file, "not a folder");
  ExpectOpenFails((file / "jobs.db").string());
  EXPECT_EQ(ReadFile(file), "not a folder");
}

TEST_F(OpenJobStoreTest, FileThatIsNotADatabaseFailsAndIsLeftAlone) {
  const fs::path file = NotADatabase();
  const std::string text = ReadFile(file);
  ExpectOpenFails(file.string());
  EXPECT_EQ(ReadFile(file), text);
}

TEST_F(OpenJobStoreTest, FolderInsteadOfAFileFails) { ExpectOpenFails(dir_.string()); }

// An operator with several databases needs to know which one is broken.
TEST_F(OpenJobStoreTest, EveryOpenErrorNamesTheFile) {
  const fs::path plain_file = dir_ / "plain-file";
  WriteFile(plain_file, "not a folder");
  for (const fs::path& path :
       {dir_ / "no-such-folder" / "jobs.db", plain_file / "jobs.db", NotADatabase(), dir_}) {
    const Status status = OpenStatus(path.string());
    ASSERT_FALSE(status.ok()) << path;
    EXPECT_NE(status.message().find(path.string()), std::string::npos)
        << "message should name " << path << ": " << status.ToString();
  }
}

TEST_F(OpenJobStoreTest, NewFileInAnExistingFolderOpensAndMigrates) {
  auto store = OpenJobStore("sqlite:" + (dir_ / "fresh.db").string(), Env::Default());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE((*store)->Migrate().ok());
}

TEST_F(OpenJobStoreTest, UnknownOrEmptyUrlIsInvalidArgument) {
  for (const char* url : {"", "sqlite:", "mysql://localhost/jobs", "jobs.db"}) {
    SCOPED_TRACE(url);
    auto store = OpenJobStore(url, Env::Default());
    EXPECT_EQ(store.status().code(), Status::Code::kInvalidArgument);
  }
}

TEST_F(OpenJobStoreTest, UnreachablePostgresServerFailsCleanly) {
  auto store =
      OpenJobStore("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", Env::Default());
  EXPECT_FALSE(store.ok());
  EXPECT_FALSE(store.status().message().empty());
}

}  // namespace
}  // namespace a11y
