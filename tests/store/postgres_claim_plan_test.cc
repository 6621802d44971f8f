// PostgreSQL only: a claim reads the head of the jobs_claim index, not the whole backlog,
// even when the table's statistics know nothing of the jobs waiting (a fresh table, or a
// burst of jobs since the last ANALYZE). The planner then expects about one pending row,
// and left to itself it read and sorted every pending job of the claimed types for each
// claim. Skips without A11Y_TEST_POSTGRES_URL (fails under CI=true).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "store/job_store.h"
#include "tests/store/job_store_fixture.h"

namespace a11y::testing {
namespace {

// What the server's cumulative statistics say the jobs table has been read through.
struct JobsReads {
  int64_t scans = 0;      // Scans of any index but the primary key, and sequential scans.
  int64_t rows_read = 0;  // Index entries read through them, and rows read sequentially.
};

JobsReads ReadJobsStatistics(const std::string& url) {
  std::vector<std::string> row;
  const std::string error = PgExec(url, R"sql(
SELECT COALESCE(sum(i.idx_scan), 0) + max(t.seq_scan),
       COALESCE(sum(i.idx_tup_read), 0) + max(t.seq_tup_read)
FROM pg_stat_user_tables t
LEFT JOIN pg_stat_user_indexes i ON i.relid = t.relid AND i.indexrelname <> 'jobs_pkey'
WHERE t.relname = 'jobs')sql",
                                   &row);
  JobsReads reads;
  if (!error.empty() || row.size() != 2) {
    ADD_FAILURE() << "reading pg_stat_user_indexes failed: " << error;
    return reads;
  }
  reads.scans = std::strtoll(row[0].c_str(), nullptr, 10);
  reads.rows_read = std::strtoll(row[1].c_str(), nullptr, 10);
  return reads;
}

// True once no session but the asking one is connected to the database at `url`.
bool OnlySessionLeft(const std::string& url) {
  std::vector<std::string> row;
  const std::string error = PgExec(url,
                                   "SELECT count(*) FROM pg_stat_activity "
                                   "WHERE datname = current_database() AND pid <> pg_backend_pid()",
                                   &row);
  return error.empty() && row.size() == 1 && row[0] == "0";
}

class PostgresClaimPlanTest : public JobStoreTest {};

TEST_P(PostgresClaimPlanTest, AClaimReadsTheHeadOfTheQueueWhenStatisticsPredateTheBacklog) {
  constexpr int kBacklog = 20000;
  constexpr int kClaimed = 5;
  std::vector<Job> backlog;
  for (int i = 0; i < kBacklog; ++i) {
    char id[24];
    std::snprintf(id, sizeof id, "job-%05d", i);
    Job job = NewJob(id, i % 2 == 0 ? "noop" : "sleep");
    job.queue = "default";
    backlog.push_back(job);
  }
  ASSERT_TRUE(store_->InsertJobs(backlog).ok());

  const JobsReads before = ReadJobsStatistics(db_->url());

  auto claimed = store_->ClaimJobs({"worker-1", {"default"}, {"noop", "sleep"}, kClaimed, 30s});
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  ASSERT_EQ(claimed->size(), static_cast<size_t>(kClaimed));
  EXPECT_EQ((*claimed)[0].job_id, "job-00000") << "not the head of the queue";

  // A backend publishes its counters when it goes idle (at most once a second) and, at
  // the latest, as it exits, before it leaves pg_stat_activity. Close the store's
  // connections, wait until their backends are gone, then read what the claim cost.
  store_.reset();
  bool others_gone = OnlySessionLeft(db_->url());
  for (int i = 0; i < 300 && !others_gone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    others_gone = OnlySessionLeft(db_->url());
  }
  ASSERT_TRUE(others_gone) << "the store's connections never closed";
  const JobsReads after = ReadJobsStatistics(db_->url());
  ASSERT_GT(after.scans, before.scans) << "the claim's statistics never arrived";
  EXPECT_LT(after.rows_read - before.rows_read, 100)
      << "claiming " << kClaimed << " jobs read " << (after.rows_read - before.rows_read)
      << " rows of a backlog of " << kBacklog;
}

INSTANTIATE_TEST_SUITE_P(Postgres, PostgresClaimPlanTest, ::testing::Values("postgresql"),
                         BackendName);

}  // namespace
}  // namespace a11y::testing
