// Exactly one holder: however many claimers race over the same pending jobs, each job is
// claimed once, by one claimer, on its first attempt.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/concurrency/worker_fixture.h"

namespace a11y::testing {
namespace {

class ClaimRaceTest : public ConcurrencyFixture {};

struct ClaimedJob {
  std::string job_id;
  std::string claimer;
  int64_t token = 0;
  int attempt = 0;
  JobStatus status = JobStatus::kPending;
  std::optional<std::string> lock_holder;
};

TEST_P(ClaimRaceTest, EightStoresClaimEveryJobExactlyOnce) {
  constexpr int kJobs = 2000;
  constexpr int kThreads = 8;
  const std::vector<std::string> created = CreateMany(kJobs, "noop", Json::object(), "claim-race");
  ASSERT_EQ(created.size(), static_cast<size_t>(kJobs));

  // Each claimer has its own store on the same database, as separate processes would.
  std::vector<std::unique_ptr<JobStore>> stores;
  for (int t = 0; t < kThreads; ++t) {
    stores.push_back(db_->OpenStore(Env::Default()));
    ASSERT_NE(stores.back(), nullptr);
  }

  std::vector<std::vector<ClaimedJob>> claimed(kThreads);
  std::vector<std::vector<std::string>> errors(kThreads);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string claimer = "claimer-" + std::to_string(t);
      std::mt19937 rng(static_cast<unsigned>(t) * 7919u + 1u);
      std::uniform_int_distribution<int> limit(1, 16);
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();  // Start together.
      int failures = 0;
      while (true) {
        ClaimRequest request;
        request.worker_id = claimer;
        request.limit = limit(rng);
        request.lease = std::chrono::minutes(10);
        auto jobs = stores[t]->ClaimJobs(request);
        if (!jobs.ok()) {
          errors[t].push_back(jobs.status().ToString());
          if (++failures > 50) return;  // Reported below; do not spin forever.
          continue;
        }
        // No job is ever released here, so an empty claim means nothing is left.
        if (jobs->empty()) return;
        if (static_cast<int>(jobs->size()) > request.limit) {
          errors[t].push_back("claim returned " + std::to_string(jobs->size()) +
                              " jobs for limit " + std::to_string(request.limit));
        }
        for (const Job& job : *jobs) {
          claimed[t].push_back(
              {job.job_id, claimer, job.lock_token, job.attempt, job.status, job.lock_holder});
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  for (int t = 0; t < kThreads; ++t) {
    EXPECT_TRUE(errors[t].empty()) << "claimer-" << t << ": " << errors[t].size()
                                   << " errors, first: " << errors[t].front();
  }

  std::map<std::string, ClaimedJob> by_id;
  size_t total = 0;
  int threads_that_claimed = 0;
  for (int t = 0; t < kThreads; ++t) {
    total += claimed[t].size();
    if (!claimed[t].empty()) ++threads_that_claimed;
    for (const ClaimedJob& c : claimed[t]) {
      auto [it, inserted] = by_id.emplace(c.job_id, c);
      EXPECT_TRUE(inserted) << "job " << c.job_id << " claimed by both " << it->second.claimer
                            << " and " << c.claimer;
    }
  }
  EXPECT_EQ(total, static_cast<size_t>(kJobs));
  EXPECT_EQ(by_id.size(), static_cast<size_t>(kJobs));
  for (const std::string& id : created) EXPECT_TRUE(by_id.count(id)) << "never claimed: " << id;
  std::cout << "[          ] " << threads_that_claimed << " of " << kThreads
            << " claimers took jobs\n";

  // What each claimer was told matches the row, and the row names that claimer.
  for (const auto& [id, c] : by_id) {
    EXPECT_EQ(c.status, JobStatus::kRunning) << id;
    EXPECT_EQ(c.attempt, 1) << id;
    EXPECT_EQ(c.lock_holder.value_or(""), c.claimer) << id;
    auto row = store_->GetJob(id, Scope::Admin());
    ASSERT_TRUE(row.ok()) << row.status().ToString();
    EXPECT_EQ(row->status, JobStatus::kRunning) << id << " is " << JobStatusName(row->status);
    EXPECT_EQ(row->lock_holder.value_or("<none>"), c.claimer) << id;
    EXPECT_EQ(row->attempt, 1) << id;
    EXPECT_EQ(row->lock_token, c.token) << id;
    EXPECT_TRUE(row->lock_expiry.has_value()) << id;
    EXPECT_TRUE(row->started_at.has_value()) << id;
  }

  // Nothing is left to claim.
  ClaimRequest last;
  last.worker_id = "late";
  last.limit = 16;
  auto none = store_->ClaimJobs(last);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
}

// Claims racing by limit-1 statements on one shared store (one connection pool) as well:
// the pool must not let two threads see the same pending row.
TEST_P(ClaimRaceTest, ThreadsSharingOneStoreClaimEveryJobExactlyOnce) {
  constexpr int kJobs = 600;
  constexpr int kThreads = 6;
  const std::vector<std::string> created = CreateMany(kJobs, "noop", Json::object(), "claim-race");
  ASSERT_EQ(created.size(), static_cast<size_t>(kJobs));

  std::vector<std::vector<std::string>> claimed(kThreads);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      int failures = 0;
      while (failures <= 50) {
        ClaimRequest request;
        request.worker_id = "shared-" + std::to_string(t);
        request.limit = 1 + t % 3;
        auto jobs = store_->ClaimJobs(request);
        if (!jobs.ok()) {
          ++errors;
          ++failures;
          continue;
        }
        if (jobs->empty()) return;
        for (const Job& job : *jobs) claimed[t].push_back(job.job_id);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);

  std::set<std::string> unique;
  size_t total = 0;
  for (const auto& ids : claimed) {
    total += ids.size();
    unique.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(total, static_cast<size_t>(kJobs));
  EXPECT_EQ(unique.size(), static_cast<size_t>(kJobs));
}

INSTANTIATE_TEST_SUITE_P(Backends, ClaimRaceTest,
                         ::testing::ValuesIn(a11y::testing::AllBackends()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace a11y::testing
