// The command line as a user meets it: exit codes, messages, JSON output, and bad input
// (unknown types, malformed metadata, unusable or locked database files) that must be
// refused clearly without harming the data already there.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "store/job.h"
#include "tests/support/process.h"

namespace a11y {
namespace {

namespace fs = std::filesystem;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("a11y-cli-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    database_ = "sqlite:" + (dir_ / "jobs.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  int Run(std::vector<std::string> args, std::string* output,
          const std::string& database = "") {
    std::vector<std::string> argv = {testing::Binary(), "--database",
                                     database.empty() ? database_ : database};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv, output);
  }

  Json RunJson(std::vector<std::string> args, int expected_exit = 0) {
    args.push_back("--json");
    std::string output;
    EXPECT_EQ(Run(args, &output), expected_exit) << output;
    Json parsed = Json::parse(output, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << output;
    return parsed;
  }

  int64_t JobCount() {
    Json listed = RunJson({"jobs", "list", "--limit", "1000"});
    return static_cast<int64_t>(listed["jobs"].size());
  }

  fs::path dir_;
  std::string database_;
};

TEST_F(CliTest, CreateShowCancelRoundTrip) {
  Json created = RunJson({"jobs", "create", "--type", "sleep", "--user", "alice", "--metadata",
                          R"({"duration_ms": 10})"});
  const std::string id = created["job_id"];
  EXPECT_EQ(created["status"], "pending");
  EXPECT_EQ(created["user_id"], "alice");
  EXPECT_EQ(created["metadata"]["duration_ms"], 10);

  Json shown = RunJson({"jobs", "show", id});
  EXPECT_EQ(shown["job_id"], id);
  Json cancelled = RunJson({"jobs", "cancel", id, "--by", "bob"});
  EXPECT_EQ(cancelled["outcome"], "cancelled");
  Json again = RunJson({"jobs", "cancel", id});
  EXPECT_EQ(again["outcome"], "already_finished");
  EXPECT_EQ(RunJson({"jobs", "show", id})["cancellation_requested_by"], "bob");
}

TEST_F(CliTest, BatchCreateAndPaginatedList) {
  RunJson({"jobs", "create", "--type", "noop", "--count", "25"});
  Json page = RunJson({"jobs", "list", "--limit", "10"});
  ASSERT_EQ(page["jobs"].size(), 10u);
  ASSERT_TRUE(page["next_cursor"].is_string());
  std::set<std::string> seen;
  int pages = 0;
  std::string cursor;
  do {
    std::vector<std::string> args = {"jobs", "list", "--limit", "10"};
    if (!cursor.empty()) args.insert(args.end(), {"--cursor", cursor});
    Json p = RunJson(args);
    for (const auto& job : p["jobs"]) seen.insert(job["job_id"].get<std::string>());
    cursor = p["next_cursor"].is_string() ? p["next_cursor"].get<std::string>() : "";
    ++pages;
  } while (!cursor.empty());
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(pages, 3);
}

TEST_F(CliTest, UnknownJobTypeIsAUsageErrorThatNamesTheKnownTypes) {
  std::string output;
  EXPECT_EQ(Run({"jobs", "create", "--type", "crawl"}, &output), 2);
  EXPECT_NE(output.find("unknown job type 'crawl'"), std::string::npos) << output;
  EXPECT_NE(output.find("discovery"), std::string::npos) << output;
  EXPECT_EQ(JobCount(), 0);
}

TEST_F(CliTest, MalformedMetadataIsRefused) {
  std::string output;
  EXPECT_EQ(Run({"jobs", "create", "--type", "noop", "--metadata", "{\"a\": "}, &output), 2);
  EXPECT_NE(output.find("not valid JSON"), std::string::npos) << output;
  EXPECT_EQ(Run({"jobs", "create", "--type", "noop", "--metadata", "[1, 2]"}, &output), 2);
  EXPECT_NE(output.find("metadata must be a JSON object"), std::string::npos) << output;
  EXPECT_EQ(JobCount(), 0);
}

TEST_F(CliTest, MissingJobAndBadFlagsHaveDistinctExitCodes) {
  std::string output;
  EXPECT_EQ(Run({"jobs", "show", "no-such-job"}, &output), 3);
  EXPECT_EQ(Run({"jobs", "cancel", "no-such-job"}, &output), 3);
  EXPECT_EQ(Run({"jobs", "list", "--status", "sleeping"}, &output), 2);
  EXPECT_EQ(Run({"jobs", "list", "--created-from", "yesterday"}, &output), 2);
  EXPECT_EQ(Run({"jobs", "frobnicate"}, &output), 2);
  EXPECT_EQ(Run({"worker", "--lease", "soon"}, &output), 2);
  RunJson({"jobs", "create", "--type", "noop", "--id", "dup-1"});
  EXPECT_EQ(Run({"jobs", "create", "--type", "noop", "--id", "dup-1"}, &output), 4);
  EXPECT_NE(output.find("already exists"), std::string::npos) << output;
}

TEST_F(CliTest, UnusableDatabaseFilesAreClearErrors) {
  std::string output;
  EXPECT_EQ(Run({"migrate"}, &output, "sqlite:/etc/hostname/jobs.db"), 1);
  EXPECT_NE(output.find("/etc/hostname"), std::string::npos) << output;

  const fs::path not_a_database = dir_ / "notes.db";
  std::ofstream(not_a_database) << "these are not the pages you are looking for\n";
  EXPECT_EQ(Run({"migrate"}, &output, "sqlite:" + not_a_database.string()), 1);
  EXPECT_NE(output.find("not a database"), std::string::npos) << output;
  std::ifstream kept(not_a_database);
  std::string first_line;
  std::getline(kept, first_line);
  EXPECT_EQ(first_line, "these are not the pages you are looking for");  // Left untouched.
}

TEST_F(CliTest, LockedDatabaseFailsCleanlyAndLosesNothing) {
  RunJson({"jobs", "create", "--type", "noop", "--count", "3"});
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "jobs.db").c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);

  std::string output;
  const std::string locked = database_ + "?busy_timeout_ms=200";
  EXPECT_EQ(Run({"jobs", "create", "--type", "noop"}, &output, locked), 1);
  EXPECT_NE(output.find("locked"), std::string::npos) << output;

  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  EXPECT_EQ(JobCount(), 3);
  EXPECT_EQ(Run({"jobs", "create", "--type", "noop"}, &output), 0) << output;
  EXPECT_EQ(JobCount(), 4);
}

TEST_F(CliTest, StatsAndCleanupReport) {
  RunJson({"jobs", "create", "--type", "noop", "--count", "2"});
  Json stats = RunJson({"jobs", "stats", "--window", "1h"});
  EXPECT_EQ(stats["total_jobs"], 2);
  EXPECT_EQ(stats["counts"]["noop"]["pending"], 2);
  Json cleanup = RunJson({"jobs", "cleanup", "--stale-after", "5m"});
  EXPECT_EQ(cleanup["deleted"], 0);
  EXPECT_EQ(cleanup["requeued"], 0);
}

}  // namespace
}  // namespace a11y
