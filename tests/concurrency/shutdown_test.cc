// Graceful shutdown: jobs that finish within the grace period complete; the rest are
// handed back (pending, attempt not counted) so another worker restarts them at once —
// even when their handler ignores cancellation.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/concurrency/worker_fixture.h"

namespace a11y::testing {
namespace {

class ShutdownTest : public ConcurrencyFixture {
 protected:
  ShutdownTest() : ConcurrencyFixture(/*second_process=*/true) {}

  void ExpectReleased(const std::string& id) {
    const Job row = Row(id);
    EXPECT_EQ(row.status, JobStatus::kPending) << JobStatusName(row.status);
    EXPECT_EQ(row.attempt, 0) << "a released attempt must not count";
    EXPECT_FALSE(row.lock_holder.has_value());
    EXPECT_FALSE(row.cancellation_requested) << "shutdown must release, not cancel";
    EXPECT_FALSE(row.completed_at.has_value());
    EXPECT_FALSE(row.result.has_value());
    EXPECT_LE(row.run_after, Env::Default()->Now()) << "a released job must be runnable at once";
  }
};

TEST_P(ShutdownTest, RunningJobIsReleasedAfterGraceAndAnotherWorkerFinishesIt) {
  const std::string id = Create("sleep", Json{{"duration_ms", 5000}, {"steps", 50}});
  WorkerOptions options = FastWorkerOptions("w-leaving");
  options.shutdown_grace = 100ms;
  Worker a(manager_.get(), &diagnostics_, options);
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return CheckpointStep(Row(id)) >= 1; }));
  a.Shutdown();  // Returns once the job has been handed back.

  ExpectReleased(id);
  EXPECT_EQ(a.counters().released.load(), 1);
  EXPECT_EQ(a.counters().cancelled.load(), 0);
  EXPECT_EQ(a.counters().completed.load(), 0);
  EXPECT_EQ(a.RunningJobs(), 0);

  Worker b(manager_b_.get(), &diagnostics_, FastWorkerOptions("w-arriving"));
  ASSERT_TRUE(b.Start().ok());
  const bool done = WaitUntil([&] { return IsTerminal(Row(id).status); });
  b.Shutdown();
  ASSERT_TRUE(done);
  const Job row = Row(id);
  EXPECT_EQ(row.status, JobStatus::kCompleted) << row.error.value_or("");
  EXPECT_EQ(row.attempt, 1);
  ASSERT_TRUE(row.result.has_value());
  EXPECT_GT((*row.result)["resumed_from_step"].get<int64_t>(), 0) << row.result->dump();
  EXPECT_EQ(b.counters().completed.load(), 1);
}

TEST_P(ShutdownTest, JobThatFinishesWithinGraceCompletes) {
  const std::string id = Create("sleep", Json{{"duration_ms", 400}, {"steps", 4}});
  WorkerOptions options = FastWorkerOptions("w-patient");
  options.shutdown_grace = 15s;
  Worker a(manager_.get(), &diagnostics_, options);
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return Row(id).status == JobStatus::kRunning; }));
  a.Shutdown();
  const Job row = Row(id);
  EXPECT_EQ(row.status, JobStatus::kCompleted) << JobStatusName(row.status);
  EXPECT_EQ(a.counters().completed.load(), 1);
  EXPECT_EQ(a.counters().released.load(), 0);
}

// Ignores cancellation: returns only when the test says so.
class StubbornHandler : public JobHandler {
 public:
  std::atomic<bool> started{false};
  std::atomic<bool> let_go{false};
  std::atomic<bool> returned{false};
  Outcome Run(JobContext&) override {
    started = true;
    WaitUntil([&] { return let_go.load(); }, 30s);
    returned = true;
    return Outcome::Completed(Json{{"late", true}});
  }
};

TEST_P(ShutdownTest, HandlerIgnoringCancellationIsReleasedAnywayAndItsLateResultDropped) {
  auto stubborn = std::make_shared<StubbornHandler>();
  HandlerRegistry registry;
  registry.Register("sleep", stubborn);
  const std::string id = Create("sleep", Json{{"duration_ms", 200}, {"steps", 2}});
  WorkerOptions options = FastWorkerOptions("w-stubborn");
  options.shutdown_grace = 100ms;
  Worker a(manager_.get(), &registry, options);
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(WaitUntil([&] { return stubborn->started.load(); }));

  std::thread shutdown([&] { a.Shutdown(); });
  const bool released = WaitUntil([&] { return Row(id).status == JobStatus::kPending; });
  EXPECT_FALSE(stubborn->returned.load());
  stubborn->let_go = true;  // Its late "completed" must not be written.
  shutdown.join();
  ASSERT_TRUE(released) << "the stuck job was never handed back";
  ExpectReleased(id);
  EXPECT_EQ(a.counters().released.load(), 1);
  EXPECT_EQ(a.counters().completed.load(), 0);

  // Another worker (with the real sleep handler) runs it.
  Worker b(manager_b_.get(), &diagnostics_, FastWorkerOptions("w-next"));
  ASSERT_TRUE(b.Start().ok());
  const bool done = WaitUntil([&] { return IsTerminal(Row(id).status); });
  b.Shutdown();
  ASSERT_TRUE(done);
  const Job row = Row(id);
  EXPECT_EQ(row.status, JobStatus::kCompleted) << JobStatusName(row.status);
  EXPECT_EQ(row.attempt, 1);
  ASSERT_TRUE(row.result.has_value());
  EXPECT_FALSE(row.result->contains("late")) << "the stale handler's result was written";
}

TEST_P(ShutdownTest, IdleShutdownIsPromptAndIdempotent) {
  Worker a(manager_.get(), &diagnostics_, FastWorkerOptions("w-idle"));
  ASSERT_TRUE(a.Start().ok());
  EXPECT_FALSE(a.Start().ok()) << "a second Start must be refused";
  a.Shutdown();
  a.Shutdown();
  EXPECT_EQ(a.RunningJobs(), 0);
  // Nothing was claimed after Shutdown: a job created now stays pending.
  const std::string id = Create("noop", Json::object());
  EXPECT_EQ(Row(id).status, JobStatus::kPending);
  EXPECT_EQ(a.counters().claimed.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ShutdownTest, ::testing::ValuesIn(a11y::testing::AllBackends()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace a11y::testing
