// Atomic cancellation under races: a cancel racing a completion, a retry, a release or a
// claim is recorded consistently (never lost, never both outcomes), and a cancel reaches
// a running handler whether it was asked in this process or through another store.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/concurrency/worker_fixture.h"

namespace a11y::testing {
namespace {

class CancellationRaceTest : public ConcurrencyFixture {
 protected:
  // Claims every pending job for `worker`; returns them by id.
  std::map<std::string, Job> ClaimAll(const std::string& worker, size_t expected) {
    std::map<std::string, Job> held;
    while (held.size() < expected) {
      ClaimRequest request;
      request.worker_id = worker;
      request.limit = 100;
      request.lease = std::chrono::minutes(10);
      auto jobs = store_->ClaimJobs(request);
      EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
      if (!jobs.ok() || jobs->empty()) break;
      for (Job& job : *jobs) held.emplace(job.job_id, std::move(job));
    }
    EXPECT_EQ(held.size(), expected);
    return held;
  }
};

// Races, job by job, a worker's fenced finish (thread A, its own store) against a
// cancellation request (thread B, another store and manager, as another process would).
struct RaceRecord {
  std::optional<Status> finish;
  std::optional<Result<CancelResult>> cancel;
};

std::vector<RaceRecord> RaceFinishAgainstCancel(
    const testing::TestDatabase& db, const std::vector<std::string>& ids,
    const std::map<std::string, Job>& held, const std::function<Finish(size_t, const Job&)>& make) {
  auto finish_store = db.OpenStore(Env::Default());
  auto cancel_store = db.OpenStore(Env::Default());
  EXPECT_NE(finish_store, nullptr);
  EXPECT_NE(cancel_store, nullptr);
  if (!finish_store || !cancel_store) return {};
  JobManager cancel_manager(cancel_store.get(), Env::Default());
  std::vector<RaceRecord> records(ids.size());
  std::barrier sync(2);
  std::thread finisher([&] {
    for (size_t i = 0; i < ids.size(); ++i) {
      Finish finish = make(i, held.at(ids[i]));
      sync.arrive_and_wait();
      auto results = finish_store->FinishJobs({finish});
      if (!results.ok()) {
        records[i].finish = results.status();
      } else {
        records[i].finish = results->size() == 1 ? (*results)[0]
                                                 : Status::Internal("FinishJobs: wrong count");
      }
    }
  });
  std::thread canceller([&] {
    for (size_t i = 0; i < ids.size(); ++i) {
      sync.arrive_and_wait();
      records[i].cancel = cancel_manager.RequestCancellation(ids[i], "canceller");
    }
  });
  finisher.join();
  canceller.join();
  return records;
}

TEST_P(CancellationRaceTest, CancelRacingCompletionIsRecordedConsistently) {
  constexpr int kJobs = 300;
  const auto ids = CreateMany(kJobs, "noop", Json::object(), "racer");
  ASSERT_EQ(ids.size(), static_cast<size_t>(kJobs));
  const auto held = ClaimAll("worker-a", ids.size());
  ASSERT_EQ(held.size(), ids.size());

  const auto records = RaceFinishAgainstCancel(*db_, ids, held, [](size_t i, const Job& job) {
    Finish f;
    f.job_id = job.job_id;
    f.token = job.lock_token;
    f.kind = Finish::Kind::kCompleted;
    f.result = Json{{"n", static_cast<int64_t>(i)}};
    return f;
  });
  ASSERT_EQ(records.size(), ids.size());

  int cancel_first = 0, finish_first = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    SCOPED_TRACE("job " + ids[i] + " #" + std::to_string(i));
    const RaceRecord& r = records[i];
    ASSERT_TRUE(r.finish.has_value() && r.cancel.has_value());
    // The worker held the job with this token throughout: its completion must land.
    EXPECT_TRUE(r.finish->ok()) << r.finish->ToString();
    ASSERT_TRUE(r.cancel->ok()) << r.cancel->status().ToString();
    const CancelOutcome outcome = (*r.cancel)->outcome;
    const Job row = Row(ids[i]);

    EXPECT_TRUE(row.status == JobStatus::kCompleted || row.status == JobStatus::kCancelled)
        << "final status " << JobStatusName(row.status);
    EXPECT_TRUE(outcome == CancelOutcome::kCancelling ||
                outcome == CancelOutcome::kAlreadyFinished)
        << "a running job's cancel answered " << CancelOutcomeName(outcome);
    if (outcome == CancelOutcome::kAlreadyFinished) {
      ++finish_first;
      EXPECT_EQ(row.status, JobStatus::kCompleted) << JobStatusName(row.status);
      EXPECT_FALSE(row.cancellation_requested)
          << "told the caller the job was already finished, yet recorded the request";
      EXPECT_EQ((*r.cancel)->status, JobStatus::kCompleted);
    }
    if (outcome == CancelOutcome::kCancelling) {
      ++cancel_first;
      EXPECT_TRUE(row.cancellation_requested) << "answered cancelling but did not record it";
      EXPECT_EQ(row.cancellation_requested_by.value_or(""), "canceller");
      EXPECT_TRUE(row.cancellation_requested_at.has_value());
    }
    if (row.status == JobStatus::kCompleted) {
      // The work was done: its result is kept even when a cancel arrived meanwhile.
      ASSERT_TRUE(row.result.has_value());
      EXPECT_EQ(*row.result, (Json{{"n", static_cast<int64_t>(i)}}));
      EXPECT_TRUE(row.completed_at.has_value());
    }
    EXPECT_FALSE(row.lock_holder.has_value()) << "a finished job still names a lock holder";
  }
  std::cout << "[          ] cancel first: " << cancel_first << ", finish first: " << finish_first
            << "\n";
}

// A retry or release racing a cancel must never lose the cancel: a job that was asked to
// stop must not go back to pending and run again.
TEST_P(CancellationRaceTest, CancelRacingRetryOrReleaseIsNeverLost) {
  constexpr int kJobs = 300;
  const auto ids = CreateMany(kJobs, "noop", Json::object(), "racer");
  ASSERT_EQ(ids.size(), static_cast<size_t>(kJobs));
  const auto held = ClaimAll("worker-a", ids.size());
  ASSERT_EQ(held.size(), ids.size());

  const TimePoint retry_at = Env::Default()->Now() + std::chrono::seconds(1);
  const auto records =
      RaceFinishAgainstCancel(*db_, ids, held, [&](size_t i, const Job& job) {
        Finish f;
        f.job_id = job.job_id;
        f.token = job.lock_token;
        f.kind = i % 2 == 0 ? Finish::Kind::kRetry : Finish::Kind::kRelease;
        f.error = "transient";
        f.run_after = retry_at;
        return f;
      });
  ASSERT_EQ(records.size(), ids.size());

  for (size_t i = 0; i < ids.size(); ++i) {
    SCOPED_TRACE("job " + ids[i] + (i % 2 == 0 ? " (retry)" : " (release)"));
    const RaceRecord& r = records[i];
    ASSERT_TRUE(r.finish.has_value() && r.cancel.has_value());
    EXPECT_TRUE(r.finish->ok()) << r.finish->ToString();
    ASSERT_TRUE(r.cancel->ok()) << r.cancel->status().ToString();
    const CancelOutcome outcome = (*r.cancel)->outcome;
    // Cancel first: running -> cancelling, then the retry/release ends it cancelled.
    // Retry/release first: pending, then the cancel makes it cancelled at once.
    EXPECT_TRUE(outcome == CancelOutcome::kCancelling || outcome == CancelOutcome::kCancelled)
        << CancelOutcomeName(outcome);
    const Job row = Row(ids[i]);
    EXPECT_EQ(row.status, JobStatus::kCancelled)
        << "cancel answered " << CancelOutcomeName(outcome) << " but the job is "
        << JobStatusName(row.status);
    EXPECT_TRUE(row.cancellation_requested);
    EXPECT_TRUE(row.completed_at.has_value());
    EXPECT_FALSE(row.lock_holder.has_value());
  }

  // Nothing that was cancelled can be claimed again, even after its retry time.
  WaitUntil([&] { return Env::Default()->Now() > retry_at; });
  ClaimRequest request;
  request.worker_id = "late";
  request.limit = kJobs;
  auto again = store_->ClaimJobs(request);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->empty()) << again->size() << " cancelled jobs were claimed again";
}

// Claimers racing a canceller over pending jobs: each job is either cancelled before any
// claim (and no claimer ever got it) or claimed first and then cancelling — never both.
TEST_P(CancellationRaceTest, CancelRacingClaimGivesEachJobOneFate) {
  constexpr int kJobs = 300;
  constexpr int kClaimers = 2;
  const auto ids = CreateMany(kJobs, "noop", Json::object(), "racer");
  ASSERT_EQ(ids.size(), static_cast<size_t>(kJobs));

  std::vector<std::unique_ptr<JobStore>> claim_stores;
  for (int t = 0; t < kClaimers; ++t) {
    claim_stores.push_back(db_->OpenStore(Env::Default()));
    ASSERT_NE(claim_stores.back(), nullptr);
  }
  auto cancel_store = db_->OpenStore(Env::Default());
  ASSERT_NE(cancel_store, nullptr);
  JobManager cancel_manager(cancel_store.get(), Env::Default());

  std::vector<std::vector<Job>> claimed(kClaimers);
  std::vector<std::optional<Result<CancelResult>>> cancels(ids.size());
  std::atomic<bool> cancels_done{false};
  std::atomic<int> claim_errors{0};
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClaimers; ++t) {
    threads.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < kClaimers + 1) std::this_thread::yield();
      std::mt19937 rng(static_cast<unsigned>(t) + 17u);
      std::uniform_int_distribution<int> limit(1, 4);
      while (claim_errors.load() < 100) {
        const bool last_round = cancels_done.load();
        ClaimRequest request;
        request.worker_id = "claimer-" + std::to_string(t);
        request.limit = limit(rng);
        request.lease = std::chrono::minutes(10);
        auto jobs = claim_stores[t]->ClaimJobs(request);
        if (!jobs.ok()) {
          ++claim_errors;
          continue;
        }
        for (Job& job : *jobs) claimed[t].push_back(std::move(job));
        // Once every cancel has been answered nothing can become claimable again.
        if (jobs->empty() && last_round) return;
        if (jobs->empty()) std::this_thread::yield();
      }
    });
  }
  threads.emplace_back([&] {
    ready.fetch_add(1);
    while (ready.load() < kClaimers + 1) std::this_thread::yield();
    for (size_t i = 0; i < ids.size(); ++i) {
      cancels[i] = cancel_manager.RequestCancellation(ids[i], "canceller");
    }
    cancels_done = true;
  });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(claim_errors.load(), 0);

  std::map<std::string, std::string> claimer_of;
  for (int t = 0; t < kClaimers; ++t) {
    for (const Job& job : claimed[t]) {
      auto [it, inserted] = claimer_of.emplace(job.job_id, "claimer-" + std::to_string(t));
      EXPECT_TRUE(inserted) << job.job_id << " claimed twice";
    }
  }

  int cancelled_pending = 0, cancelled_running = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    SCOPED_TRACE("job " + ids[i]);
    ASSERT_TRUE(cancels[i].has_value());
    ASSERT_TRUE(cancels[i]->ok()) << cancels[i]->status().ToString();
    const CancelOutcome outcome = (*cancels[i])->outcome;
    const auto claim = claimer_of.find(ids[i]);
    const Job row = Row(ids[i]);
    EXPECT_TRUE(row.cancellation_requested);
    if (claim == claimer_of.end()) {
      ++cancelled_pending;
      EXPECT_EQ(outcome, CancelOutcome::kCancelled)
          << "never claimed, yet the cancel answered " << CancelOutcomeName(outcome);
      EXPECT_EQ(row.status, JobStatus::kCancelled) << JobStatusName(row.status);
      EXPECT_EQ(row.attempt, 0);
      EXPECT_FALSE(row.lock_holder.has_value());
      EXPECT_FALSE(row.started_at.has_value());
    } else {
      ++cancelled_running;
      EXPECT_EQ(outcome, CancelOutcome::kCancelling)
          << "claimed by " << claim->second << ", yet the cancel answered "
          << CancelOutcomeName(outcome);
      EXPECT_EQ(row.status, JobStatus::kCancelling) << JobStatusName(row.status);
      EXPECT_EQ(row.lock_holder.value_or(""), claim->second);
      EXPECT_EQ(row.attempt, 1);
    }
  }
  EXPECT_EQ(cancelled_pending + cancelled_running, kJobs);
  std::cout << "[          ] cancelled while pending: " << cancelled_pending
            << ", claimed first: " << cancelled_running << "\n";
}

// A running sleep job is stopped by a cancel, whether it is asked through the worker's
// own JobManager (in-process listener) or through a second manager on a second store
// (as another process would; only the worker's poll can deliver it).
class CancelRunningJobTest : public CancellationRaceTest {
 protected:
  void RunScenario(bool through_second_manager) {
    Worker worker(manager_.get(), &diagnostics_, FastWorkerOptions("w-cancel"));
    ASSERT_TRUE(worker.Start().ok());

    CreateJobRequest r;
    r.job_type = "sleep";
    r.metadata = Json{{"duration_ms", 60000}, {"steps", 600}};
    auto job = manager_->CreateJob(r);
    ASSERT_TRUE(job.ok()) << job.status().ToString();
    const std::string id = job->job_id;

    ASSERT_TRUE(WaitUntil([&] {
      const Job row = Row(id);
      return row.status == JobStatus::kRunning && row.progress.current > 0;
    })) << "the sleep job never ran and reported progress";

    std::unique_ptr<JobStore> other_store;
    std::unique_ptr<JobManager> other_manager;
    JobManager* canceller = manager_.get();
    if (through_second_manager) {
      other_store = db_->OpenStore(Env::Default());
      ASSERT_NE(other_store, nullptr);
      other_manager = std::make_unique<JobManager>(other_store.get(), Env::Default());
      canceller = other_manager.get();
    }
    auto cancel = canceller->RequestCancellation(id, "tester");
    ASSERT_TRUE(cancel.ok()) << cancel.status().ToString();
    EXPECT_EQ(cancel->outcome, CancelOutcome::kCancelling) << CancelOutcomeName(cancel->outcome);

    const bool stopped = WaitUntil([&] { return IsTerminal(Row(id).status); }, 20s);
    const Job row = Row(id);
    EXPECT_TRUE(stopped) << "the job is still " << JobStatusName(row.status)
                         << " 20 s after the cancel";
    EXPECT_EQ(row.status, JobStatus::kCancelled) << JobStatusName(row.status);
    EXPECT_GT(row.progress.current, 0) << "the cancelled job's progress was lost";
    EXPECT_EQ(row.progress.total, 600);
    EXPECT_TRUE(row.cancellation_requested);
    EXPECT_TRUE(row.completed_at.has_value());
    EXPECT_FALSE(row.lock_holder.has_value());
    EXPECT_EQ(row.attempt, 1);

    worker.Shutdown();
    EXPECT_EQ(worker.counters().cancelled.load(), 1);
    EXPECT_EQ(worker.counters().completed.load(), 0);
    EXPECT_EQ(worker.counters().leases_lost.load(), 0);
  }
};

TEST_P(CancelRunningJobTest, ThroughTheWorkersOwnManager) { RunScenario(false); }

TEST_P(CancelRunningJobTest, ThroughASecondManagerOnAnotherStore) { RunScenario(true); }

INSTANTIATE_TEST_SUITE_P(Backends, CancellationRaceTest,
                         ::testing::ValuesIn(a11y::testing::AllBackends()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });
INSTANTIATE_TEST_SUITE_P(Backends, CancelRunningJobTest,
                         ::testing::ValuesIn(a11y::testing::AllBackends()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace a11y::testing
