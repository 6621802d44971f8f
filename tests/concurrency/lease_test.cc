// Leases and fencing: a crashed worker's job is taken over after its lease expires and
// resumes from its checkpoint; a holder that lost its lease can no longer write; a worker
// that loses a running job learns it and stops.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/concurrency/worker_fixture.h"

namespace a11y::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

class LeaseTest : public ConcurrencyFixture {
 protected:
  LeaseTest() : ConcurrencyFixture(/*second_process=*/true) {}

  // Requeues every running job through the second store as if its worker stopped
  // heartbeating; returns whether the job left running.
  bool RequeueAsStale() {
    return WaitUntil([&] {
      auto report = manager_b_->CleanupStaleJobs(std::chrono::microseconds(1));
      return report.ok() && report->requeued >= 1;
    });
  }
};

// A worker dies (Abandon: no more writes) holding a sleep job; another worker's reaper
// takes the job back once the 300 ms lease expires, and the job resumes from its last
// checkpoint instead of from zero.
TEST_P(LeaseTest, AbandonedJobIsTakenOverAndResumesFromCheckpoint) {
  const std::string id = Create("sleep", Json{{"duration_ms", 3000}, {"steps", 30}});
  WorkerOptions a_options = FastWorkerOptions("w-crashing");
  a_options.lease = 300ms;
  a_options.run_maintenance = false;
  Worker a(manager_.get(), &diagnostics_, a_options);
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return CheckpointStep(Row(id)) >= 2; }))
      << "the sleep job never checkpointed";
  a.Abandon();

  const Job crashed = Row(id);
  EXPECT_EQ(crashed.status, JobStatus::kRunning) << "a crash must not write the job's outcome";
  EXPECT_EQ(crashed.lock_holder.value_or(""), "w-crashing");
  EXPECT_EQ(crashed.attempt, 1);
  const int64_t saved_step = CheckpointStep(crashed);
  EXPECT_GE(saved_step, 2);

  WorkerOptions b_options = FastWorkerOptions("w-survivor");
  b_options.reaper_interval = 50ms;  // Takes the job back soon after the lease expires.
  Worker b(manager_b_.get(), &diagnostics_, b_options);
  ASSERT_TRUE(b.Start().ok());
  const bool done = WaitUntil([&] { return IsTerminal(Row(id).status); });
  b.Shutdown();
  ASSERT_TRUE(done) << "the abandoned job was never finished; it is "
                    << JobStatusName(Row(id).status);

  const Job row = Row(id);
  EXPECT_EQ(row.status, JobStatus::kCompleted) << JobStatusName(row.status) << " "
                                               << row.error.value_or("");
  EXPECT_EQ(row.attempt, 2);
  ASSERT_TRUE(row.result.has_value());
  EXPECT_GT((*row.result)["resumed_from_step"].get<int64_t>(), 0)
      << "the job restarted from zero: " << row.result->dump();
  EXPECT_GE((*row.result)["resumed_from_step"].get<int64_t>(), saved_step);
  EXPECT_EQ(row.progress.current, 30);
  EXPECT_FALSE(row.lock_holder.has_value());
  EXPECT_EQ(b.counters().completed.load(), 1);
  EXPECT_EQ(a.counters().completed.load() + a.counters().cancelled.load() +
                a.counters().released.load() + a.counters().failed.load(),
            0)
      << "the abandoned worker recorded an outcome";
}

// Fencing at the store: once the lease was taken over, every write carrying the old
// token is refused with kLeaseLost and leaves the new holder's row alone.
TEST_P(LeaseTest, StaleTokenIsRefusedAfterTakeover) {
  const std::string id = Create("noop", Json::object());
  ClaimRequest old_claim;
  old_claim.worker_id = "old";
  old_claim.lease = 150ms;
  auto first = store_->ClaimJobs(old_claim);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 1u);
  const int64_t stale = (*first)[0].lock_token;
  ASSERT_TRUE(store_->SaveCheckpoint(id, stale, Json{{"step", 1}}).ok());

  // The lease expires (no heartbeat) and the reaper in "another process" requeues it.
  ASSERT_TRUE(WaitUntil([&] {
    auto report = manager_b_->CleanupStaleJobs();
    return report.ok() && report->requeued == 1;
  })) << "the expired lease was never reaped";
  ClaimRequest new_claim;
  new_claim.worker_id = "new";
  new_claim.lease = std::chrono::minutes(10);
  auto second = store_b_->ClaimJobs(new_claim);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_EQ(second->size(), 1u);
  const int64_t fresh = (*second)[0].lock_token;
  EXPECT_GT(fresh, stale);
  EXPECT_EQ((*second)[0].attempt, 2);
  ASSERT_TRUE(store_b_->SaveCheckpoint(id, fresh, Json{{"step", 7}}).ok());

  // Every kind of stale write is refused.
  Progress progress;
  progress.current = 99;
  progress.total = 100;
  progress.message = "stale";
  EXPECT_EQ(store_->UpdateProgress(id, progress, stale).code(), Status::Code::kLeaseLost);
  EXPECT_EQ(store_->SaveCheckpoint(id, stale, Json{{"step", 2}}).code(), Status::Code::kLeaseLost);
  std::vector<Finish> stale_finishes;
  for (auto kind : {Finish::Kind::kCompleted, Finish::Kind::kFailed, Finish::Kind::kCancelled,
                    Finish::Kind::kRetry, Finish::Kind::kRelease}) {
    Finish f;
    f.job_id = id;
    f.token = stale;
    f.kind = kind;
    f.result = Json{{"by", "old"}};
    f.error = "stale";
    f.progress = progress;
    stale_finishes.push_back(f);
  }
  auto refused = store_->FinishJobs(stale_finishes);
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  ASSERT_EQ(refused->size(), stale_finishes.size());
  for (size_t i = 0; i < refused->size(); ++i) {
    EXPECT_EQ((*refused)[i].code(), Status::Code::kLeaseLost)
        << "stale finish #" << i << ": " << (*refused)[i].ToString();
  }
  auto heartbeat = store_->CheckLeases("old", {{id, stale}}, std::chrono::minutes(10));
  ASSERT_TRUE(heartbeat.ok()) << heartbeat.status().ToString();
  ASSERT_EQ(heartbeat->size(), 1u);
  EXPECT_FALSE((*heartbeat)[0].held);
  EXPECT_EQ(store_->ReleaseLock(id, "old").code(), Status::Code::kFailedPrecondition);

  Job row = Row(id);
  EXPECT_EQ(row.status, JobStatus::kRunning) << JobStatusName(row.status);
  EXPECT_EQ(row.lock_holder.value_or(""), "new");
  EXPECT_EQ(row.lock_token, fresh);
  EXPECT_EQ(row.attempt, 2);
  EXPECT_FALSE(row.result.has_value());
  EXPECT_NE(row.progress.message, "stale");
  EXPECT_EQ(CheckpointStep(row), 7) << "a stale checkpoint overwrote the new holder's";

  // The new holder's own writes land.
  auto mine = store_b_->CheckLeases("new", {{id, fresh}}, std::nullopt);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE((*mine)[0].held);
  Finish done;
  done.job_id = id;
  done.token = fresh;
  done.kind = Finish::Kind::kCompleted;
  done.result = Json{{"by", "new"}};
  auto finished = store_b_->FinishJobs({done});
  ASSERT_TRUE(finished.ok()) << finished.status().ToString();
  EXPECT_TRUE((*finished)[0].ok()) << (*finished)[0].ToString();

  // And nothing stale (or repeated) changes the finished job.
  auto late = store_->FinishJobs({stale_finishes[1], done});
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  EXPECT_FALSE((*late)[0].ok());
  EXPECT_FALSE((*late)[1].ok()) << "a second finish of a completed job was accepted";
  row = Row(id);
  EXPECT_EQ(row.status, JobStatus::kCompleted) << JobStatusName(row.status);
  ASSERT_TRUE(row.result.has_value());
  EXPECT_EQ(*row.result, (Json{{"by", "new"}}));
  EXPECT_FALSE(row.error.has_value() && *row.error == "stale");
}

// A running job is taken away from a live worker (requeued as stale by another process,
// then claimed by another worker): the first worker learns it lost the lease, stops the
// handler and records nothing; the job completes once, resuming from its checkpoint.
TEST_P(LeaseTest, WorkerThatLosesARunningJobStopsAndWritesNothing) {
  const std::string id = Create("sleep", Json{{"duration_ms", 4000}, {"steps", 40}});
  WorkerOptions a_options = FastWorkerOptions("w-loser");
  a_options.concurrency = 1;  // Busy with this job: it cannot claim the requeued job itself.
  a_options.run_maintenance = false;
  Worker a(manager_.get(), &diagnostics_, a_options);
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return CheckpointStep(Row(id)) >= 1; }));

  WorkerOptions b_options = FastWorkerOptions("w-taker");
  b_options.run_maintenance = false;
  Worker b(manager_b_.get(), &diagnostics_, b_options);
  ASSERT_TRUE(b.Start().ok());
  ASSERT_TRUE(RequeueAsStale()) << "could not take the job away";

  const bool lost = WaitUntil([&] { return a.counters().leases_lost.load() >= 1; });
  const bool done = WaitUntil([&] { return IsTerminal(Row(id).status); });
  a.Shutdown();
  b.Shutdown();
  EXPECT_TRUE(lost) << "the worker never noticed it lost the job";
  ASSERT_TRUE(done) << "the job is still " << JobStatusName(Row(id).status);

  const Job row = Row(id);
  EXPECT_EQ(row.status, JobStatus::kCompleted) << row.error.value_or("");
  EXPECT_EQ(row.attempt, 2);
  ASSERT_TRUE(row.result.has_value());
  EXPECT_GT((*row.result)["resumed_from_step"].get<int64_t>(), 0) << row.result->dump();
  EXPECT_EQ(a.counters().cancelled.load(), 0) << "the loser recorded its stop as a cancel";
  EXPECT_EQ(a.counters().failed.load() + a.counters().retried.load() +
                a.counters().released.load(),
            0);
  EXPECT_EQ(a.counters().completed.load() + b.counters().completed.load(), 1);
}

// First attempt: stuck (ignores its token) until the test lets it return. Later
// attempts: run until cancelled.
class StuckThenCancellableHandler : public JobHandler {
 public:
  std::atomic<int> runs{0};
  std::atomic<bool> release_first{false};
  std::atomic<bool> abort{false};  // Test teardown: return now.
  Outcome Run(JobContext& context) override {
    ++runs;
    if (context.job().attempt == 1) {
      WaitUntil([&] { return release_first.load() || abort.load(); }, 30s);
      return Outcome::Completed(Json{{"run", "stale"}});
    }
    const auto deadline = SteadyClock::now() + 30s;
    while (SteadyClock::now() < deadline && !abort) {
      if (context.cancellation().WaitFor(10ms)) return Outcome::Cancelled();
    }
    return Outcome::Failed("never cancelled");
  }
};

struct AbortOnExit {
  StuckThenCancellableHandler* handler;
  ~AbortOnExit() { handler->abort = true; }
};

// The same worker claims a job again after losing its lease while the stale run is still
// unwinding. When the stale run ends, the worker must keep tracking the new run: a
// cancel asked now must still reach it.
TEST_P(LeaseTest, CancellationReachesAJobItsWorkerClaimedAgain) {
  auto handler = std::make_shared<StuckThenCancellableHandler>();
  HandlerRegistry registry;
  registry.Register("sleep", handler);
  WorkerOptions options = FastWorkerOptions("w-again");
  options.concurrency = 2;
  options.run_maintenance = false;
  options.shutdown_grace = 100ms;
  const std::string id = Create("sleep", Json::object());
  Worker a(manager_.get(), &registry, options);
  AbortOnExit abort_on_exit{handler.get()};  // Runs before ~Worker joins the handler.
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return handler->runs.load() == 1; }));

  ASSERT_TRUE(RequeueAsStale());
  ASSERT_TRUE(WaitUntil([&] {
    const Job row = Row(id);
    return handler->runs.load() == 2 && row.status == JobStatus::kRunning && row.attempt == 2;
  })) << "the worker did not claim the requeued job again";
  const int64_t second_token = Row(id).lock_token;

  handler->release_first = true;  // The stale first run now ends.
  ASSERT_TRUE(WaitUntil([&] { return a.RunningJobs() == 1; }));
  Job row = Row(id);
  EXPECT_EQ(row.status, JobStatus::kRunning) << "the stale run's outcome was written";
  EXPECT_EQ(row.lock_token, second_token);
  EXPECT_FALSE(row.result.has_value());

  auto cancel = manager_->RequestCancellation(id, "tester");
  ASSERT_TRUE(cancel.ok()) << cancel.status().ToString();
  EXPECT_EQ(cancel->outcome, CancelOutcome::kCancelling);
  const bool stopped = WaitUntil([&] { return IsTerminal(Row(id).status); });
  row = Row(id);
  EXPECT_TRUE(stopped) << "the cancel never reached the second run; the job is still "
                       << JobStatusName(row.status);
  EXPECT_EQ(row.status, JobStatus::kCancelled) << JobStatusName(row.status);
  handler->abort = true;
  a.Shutdown();
  EXPECT_EQ(a.counters().cancelled.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, LeaseTest, ::testing::ValuesIn(a11y::testing::AllBackends()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace a11y::testing
