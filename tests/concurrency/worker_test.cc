// The worker runtime end to end, in process, on real threads and a real database: jobs
// run to completion exactly once, failures are retried with backoff, exceptions become
// failed attempts, and progress is coalesced without losing its last value.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/concurrency/worker_fixture.h"

namespace a11y::testing {
namespace {

bool Contains(const std::optional<std::string>& text, const std::string& part) {
  return text && text->find(part) != std::string::npos;
}

class WorkerTest : public ConcurrencyFixture {
 protected:
  int64_t CountWithStatus(const std::string& type, const std::string& status) {
    auto stats = store_->Statistics({});
    if (!stats.ok()) return -1;
    auto t = stats->counts.find(type);
    if (t == stats->counts.end()) return 0;
    auto s = t->second.find(status);
    return s == t->second.end() ? 0 : s->second;
  }

  bool WaitAllTerminal(const std::vector<std::string>& ids) {
    return WaitUntil([&] {
      for (const auto& id : ids) {
        if (!IsTerminal(Row(id).status)) return false;
      }
      return true;
    });
  }
};

TEST_P(WorkerTest, CompletesFiveHundredNoopJobsExactlyOnce) {
  constexpr int kJobs = 500;
  const auto ids = CreateMany(kJobs, "noop", Json{{"ledger", true}});
  ASSERT_EQ(ids.size(), static_cast<size_t>(kJobs));

  Worker worker(manager_.get(), &diagnostics_, FastWorkerOptions("w-e2e"));
  ASSERT_TRUE(worker.Start().ok());
  const bool done = WaitUntil([&] { return CountWithStatus("noop", "completed") == kJobs; });
  worker.Shutdown();
  ASSERT_TRUE(done) << CountWithStatus("noop", "completed") << " of " << kJobs << " completed";

  const WorkerCounters& c = worker.counters();
  EXPECT_EQ(c.claimed.load(), kJobs);
  EXPECT_EQ(c.completed.load(), kJobs);
  EXPECT_EQ(c.failed.load(), 0);
  EXPECT_EQ(c.retried.load(), 0);
  EXPECT_EQ(c.cancelled.load(), 0);
  EXPECT_EQ(c.released.load(), 0);
  EXPECT_EQ(c.leases_lost.load(), 0);
  EXPECT_EQ(c.handler_exceptions.load(), 0);
  EXPECT_EQ(worker.RunningJobs(), 0);

  for (const auto& id : ids) {
    const Job row = Row(id);
    EXPECT_EQ(row.status, JobStatus::kCompleted) << id;
    EXPECT_EQ(row.attempt, 1) << id;
    ASSERT_TRUE(row.result.has_value()) << id;
    EXPECT_EQ((*row.result)["attempt"], 1) << id;
    EXPECT_TRUE(row.completed_at.has_value()) << id;
    EXPECT_FALSE(row.lock_holder.has_value()) << id;
    EXPECT_FALSE(row.error.has_value()) << id << ": " << row.error.value_or("");
  }
  auto ledger = store_->GetLedgerSummary();
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  EXPECT_EQ(ledger->rows, kJobs);
  EXPECT_EQ(ledger->distinct_jobs, kJobs);
}

// Two workers, each on its own store as separate processes would be: every job is
// completed once, by one of them, and its effect is recorded once.
TEST_P(WorkerTest, TwoWorkersOnTwoStoresCompleteEachJobOnce) {
  constexpr int kJobs = 400;
  const auto ids = CreateMany(kJobs, "noop", Json{{"ledger", true}});
  ASSERT_EQ(ids.size(), static_cast<size_t>(kJobs));

  auto store_b = db_->OpenStore(Env::Default());
  ASSERT_NE(store_b, nullptr);
  JobManager manager_b(store_b.get(), Env::Default());
  Worker a(manager_.get(), &diagnostics_, FastWorkerOptions("w-a"));
  Worker b(&manager_b, &diagnostics_, FastWorkerOptions("w-b"));
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(b.Start().ok());
  const bool done = WaitUntil([&] { return CountWithStatus("noop", "completed") == kJobs; });
  a.Shutdown();
  b.Shutdown();
  ASSERT_TRUE(done) << CountWithStatus("noop", "completed") << " of " << kJobs << " completed";

  EXPECT_EQ(a.counters().claimed.load() + b.counters().claimed.load(), kJobs);
  EXPECT_EQ(a.counters().completed.load() + b.counters().completed.load(), kJobs);
  EXPECT_EQ(a.counters().leases_lost.load() + b.counters().leases_lost.load(), 0);
  for (const auto& id : ids) EXPECT_EQ(Row(id).attempt, 1) << id;
  auto ledger = store_->GetLedgerSummary();
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  EXPECT_EQ(ledger->rows, kJobs);
  EXPECT_EQ(ledger->distinct_jobs, kJobs);
  std::cout << "[          ] w-a completed " << a.counters().completed.load() << ", w-b "
            << b.counters().completed.load() << "\n";
}

TEST_P(WorkerTest, RetriesUntilSuccessOrAttemptsSpent) {
  const std::string flaky = Create("noop", Json{{"fail_attempts", 2}}, /*max_attempts=*/3);
  const std::string spent = Create("noop", Json{{"fail_attempts", 2}}, /*max_attempts=*/2);
  const std::string fatal = Create("noop", Json{{"fail", "x"}}, /*max_attempts=*/3);
  const std::vector<std::string> ids = {flaky, spent, fatal};

  Worker worker(manager_.get(), &diagnostics_, FastWorkerOptions("w-retry"));
  ASSERT_TRUE(worker.Start().ok());
  const bool done = WaitAllTerminal(ids);
  worker.Shutdown();
  ASSERT_TRUE(done) << "not every job finished";

  const Job f = Row(flaky);
  EXPECT_EQ(f.status, JobStatus::kCompleted) << JobStatusName(f.status);
  EXPECT_EQ(f.attempt, 3);
  ASSERT_TRUE(f.result.has_value());
  EXPECT_EQ((*f.result)["attempt"], 3);

  const Job s = Row(spent);
  EXPECT_EQ(s.status, JobStatus::kFailed) << JobStatusName(s.status);
  EXPECT_EQ(s.attempt, 2);
  EXPECT_TRUE(Contains(s.error, "attempt")) << s.error.value_or("<no error>");
  EXPECT_TRUE(Contains(s.error, "requested failure on attempt 2")) << s.error.value_or("");
  EXPECT_FALSE(s.result.has_value());

  const Job x = Row(fatal);
  EXPECT_EQ(x.status, JobStatus::kFailed) << JobStatusName(x.status);
  EXPECT_EQ(x.attempt, 1) << "a permanent failure must not be retried";
  EXPECT_TRUE(Contains(x.error, "x")) << x.error.value_or("<no error>");

  // flaky: 2 retries; spent: 1 retry then failed; fatal: failed at once.
  EXPECT_EQ(worker.counters().retried.load(), 3);
  EXPECT_EQ(worker.counters().completed.load(), 1);
  EXPECT_EQ(worker.counters().failed.load(), 2);
  EXPECT_EQ(worker.counters().claimed.load(), 3 + 2 + 1);
}

TEST_P(WorkerTest, ThrownExceptionIsAFailedAttemptAndTheWorkerCarriesOn) {
  const std::string thrower = Create("noop", Json{{"throw", "boom"}}, /*max_attempts=*/3);
  const auto others = CreateMany(30, "noop", Json::object());
  ASSERT_EQ(others.size(), 30u);

  Worker worker(manager_.get(), &diagnostics_, FastWorkerOptions("w-throw"));
  ASSERT_TRUE(worker.Start().ok());
  std::vector<std::string> all = others;
  all.push_back(thrower);
  const bool done = WaitAllTerminal(all);

  // The worker is still alive after the throws: a job created now is also run.
  const std::string after = Create("noop", Json::object());
  const bool after_done = WaitAllTerminal({after});
  worker.Shutdown();
  ASSERT_TRUE(done) << "not every job finished";
  EXPECT_TRUE(after_done) << "the worker stopped running jobs after a handler threw";
  EXPECT_EQ(Row(after).status, JobStatus::kCompleted) << JobStatusName(Row(after).status);

  const Job t = Row(thrower);
  EXPECT_EQ(t.status, JobStatus::kFailed) << JobStatusName(t.status);
  EXPECT_EQ(t.attempt, 3) << "each throw should count as one attempt and be retried";
  EXPECT_TRUE(Contains(t.error, "boom")) << t.error.value_or("<no error>");
  for (const auto& id : others) EXPECT_EQ(Row(id).status, JobStatus::kCompleted) << id;
  EXPECT_EQ(worker.counters().handler_exceptions.load(), 3);
  EXPECT_EQ(worker.counters().retried.load(), 2);
  EXPECT_EQ(worker.counters().failed.load(), 1);
  EXPECT_EQ(worker.counters().completed.load(), 31);
}

// Completes only once `parties` runs are inside Run at the same time; gives up (a failed
// attempt) if they never all arrive, or when cancelled.
class RendezvousHandler : public JobHandler {
 public:
  explicit RendezvousHandler(int parties) : parties_(parties) {}
  Outcome Run(JobContext& context) override {
    std::unique_lock<std::mutex> lock(mu_);
    ++arrived_;
    cv_.notify_all();
    const bool met = cv_.wait_for(
        lock, 20s, [&] { return arrived_ >= parties_ || context.cancellation().IsCancelled(); });
    if (!met || arrived_ < parties_)
      return Outcome::Failed("only " + std::to_string(arrived_) + " ran at once");
    return Outcome::Completed(Json::object());
  }

 private:
  const int parties_;
  std::mutex mu_;
  std::condition_variable cv_;
  int arrived_ = 0;
};

// One claim of long jobs fills every free slot at once: executors wake one another, so
// no job waits for another to finish while a slot is free.
TEST_P(WorkerTest, ABatchOfLongJobsRunsOnEveryFreeSlotAtOnce) {
  constexpr int kSlots = 12;
  HandlerRegistry registry;
  registry.Register("sleep", std::make_shared<RendezvousHandler>(kSlots));
  const auto ids = CreateMany(kSlots, "sleep", Json::object());
  ASSERT_EQ(ids.size(), static_cast<size_t>(kSlots));
  WorkerOptions options = FastWorkerOptions("w-fan-out");
  options.concurrency = kSlots;
  options.lease = 30s;
  Worker worker(manager_.get(), &registry, options);
  ASSERT_TRUE(worker.Start().ok());
  const bool done = WaitAllTerminal(ids);
  worker.Shutdown();
  ASSERT_TRUE(done) << "not every job finished";
  for (const auto& id : ids) {
    const Job row = Row(id);
    EXPECT_EQ(row.status, JobStatus::kCompleted) << id << ": " << row.error.value_or("");
  }
}

// Asks for a retry at a fixed time from now.
class RetryAfterHandler : public JobHandler {
 public:
  Outcome Run(JobContext&) override { return Outcome::Retry("busy upstream", 2h); }
};

TEST_P(WorkerTest, RetryWaitsForItsBackoff) {
  HandlerRegistry registry;
  RegisterDiagnosticHandlers(&registry);
  registry.Register("sleep", std::make_shared<RetryAfterHandler>());
  WorkerOptions options = FastWorkerOptions("w-backoff");
  options.retry.base = 1h;  // Backoff(1) = 1h +/- 25%.
  options.retry.max = 10h;
  const std::string jittered = Create("noop", Json{{"fail_attempts", 1}});
  const std::string explicit_after = Create("sleep", Json::object());

  Worker worker(manager_.get(), &registry, options);
  ASSERT_TRUE(worker.Start().ok());
  const bool both_retried = WaitUntil([&] {
    const Job a = Row(jittered), b = Row(explicit_after);
    return a.status == JobStatus::kPending && a.attempt == 1 && b.status == JobStatus::kPending &&
           b.attempt == 1;
  });
  worker.Shutdown();
  ASSERT_TRUE(both_retried) << "jobs did not go back to pending after their first attempt";

  const Job a = Row(jittered);
  EXPECT_TRUE(Contains(a.error, "requested failure on attempt 1")) << a.error.value_or("");
  EXPECT_TRUE(Contains(a.error, "attempt 1 of 3")) << a.error.value_or("");
  EXPECT_FALSE(a.lock_holder.has_value());
  EXPECT_FALSE(a.completed_at.has_value());
  const auto delay_a = a.run_after - a.updated_at;
  EXPECT_GE(delay_a, 45min - 1min) << "backoff below base - jitter";
  EXPECT_LE(delay_a, 75min) << "backoff above base + jitter";

  const Job b = Row(explicit_after);
  EXPECT_TRUE(Contains(b.error, "busy upstream")) << b.error.value_or("");
  const auto delay_b = b.run_after - b.updated_at;
  EXPECT_GE(delay_b, 2h - 1min) << "the handler's retry_after was not honoured";
  EXPECT_LE(delay_b, 2h);

  EXPECT_EQ(worker.counters().retried.load(), 2);
  EXPECT_EQ(worker.counters().claimed.load(), 2) << "a job was claimed before its backoff";
}

// Reports progress 10,000 times, in bursts, then completes.
class ChattyHandler : public JobHandler {
 public:
  static constexpr int kReports = 10000;
  Outcome Run(JobContext& context) override {
    for (int i = 1; i <= kReports; ++i) {
      context.ReportProgress(i, kReports, "report " + std::to_string(i), Json{{"i", i}});
      // Spans a few flush intervals. (No pause after the last report: a flush of the last
      // value racing the finish is LastProgressLandsWhenAFlushIsInFlightAtFinish's subject.)
      if (i % 1000 == 0 && i < kReports) std::this_thread::sleep_for(10ms);
    }
    return Outcome::Completed(Json{{"reports", kReports}});
  }
};

TEST_P(WorkerTest, ProgressIsCoalescedAndTheLastValueLands) {
  HandlerRegistry registry;
  registry.Register("noop", std::make_shared<ChattyHandler>());
  WorkerOptions options = FastWorkerOptions("w-progress");
  options.progress_interval = 20ms;
  const std::string id = Create("noop", Json::object());

  const int64_t queries_before = store_->metrics().query_latency.Count();
  Worker worker(manager_.get(), &registry, options);
  ASSERT_TRUE(worker.Start().ok());
  auto read_store = db_->OpenStore(Env::Default());  // Polling must not count.
  ASSERT_NE(read_store, nullptr);
  const bool done = WaitUntil([&] {
    auto row = read_store->GetJob(id, Scope::Admin());
    return row.ok() && IsTerminal(row->status);
  });
  worker.Shutdown();
  const int64_t queries = store_->metrics().query_latency.Count() - queries_before;
  ASSERT_TRUE(done);

  const Job row = Row(id);
  EXPECT_EQ(row.status, JobStatus::kCompleted) << JobStatusName(row.status);
  EXPECT_EQ(row.progress.current, ChattyHandler::kReports) << "the last progress was lost";
  EXPECT_EQ(row.progress.total, ChattyHandler::kReports);
  EXPECT_EQ(row.progress.message, "report 10000");
  EXPECT_EQ(row.progress.details, (Json{{"i", ChattyHandler::kReports}}));
  EXPECT_DOUBLE_EQ(row.progress.percentage, 100.0);
  EXPECT_LT(queries, 1000) << "progress reports were not coalesced";
  std::cout << "[          ] 10000 progress reports cost " << queries << " store queries\n";
}

// Reports progress up to 9,999; then, when allowed, its final value 10,000; then holds
// until told to return.
class FinalProgressHandler : public JobHandler {
 public:
  static constexpr int kLast = 10000;
  std::atomic<bool> reported_most{false};
  std::atomic<bool> may_report_last{false};
  std::atomic<bool> reported_last{false};
  std::atomic<bool> go{false};
  Outcome Run(JobContext& context) override {
    for (int i = 1; i < kLast; ++i) context.ReportProgress(i, kLast, "report " + std::to_string(i));
    reported_most = true;
    WaitUntil([&] { return may_report_last.load(); }, 30s);
    context.ReportProgress(kLast, kLast, "report " + std::to_string(kLast));
    reported_last = true;
    WaitUntil([&] { return go.load(); }, 30s);
    return Outcome::Completed();
  }
};

struct ReleaseOnExit {
  FinalProgressHandler* handler;
  sqlite3** raw;
  ~ReleaseOnExit() {
    if (*raw) {
      sqlite3_exec(*raw, "ROLLBACK", nullptr, nullptr, nullptr);
      sqlite3_close(*raw);
      *raw = nullptr;
    }
    handler->may_report_last = true;
    handler->go = true;
  }
};

// "The last one always lands" (handler.h), even when the monitor thread's coalesced write
// of that last value is still in flight when the handler returns and its outcome is
// written. The database's write lock is held from outside to line the two writes up; the
// pass condition is only the state reached.
TEST_P(WorkerTest, LastProgressLandsWhenAFlushIsInFlightAtFinish) {
  if (db_->backend() != "sqlite") {
    GTEST_SKIP() << "holds the write lock with a raw SQLite connection";
  }
  auto handler = std::make_shared<FinalProgressHandler>();
  HandlerRegistry registry;
  registry.Register("noop", handler);
  WorkerOptions options = FastWorkerOptions("w-last-progress");
  options.concurrency = 1;
  options.lease = 20s;
  options.heartbeat_interval = 10s;  // No heartbeat write in the window.
  options.progress_interval = 20ms;
  options.run_maintenance = false;
  const std::string id = Create("noop", Json::object());
  auto read_store = db_->OpenStore(Env::Default());  // Reads outside the worker's store.
  ASSERT_NE(read_store, nullptr);
  auto progress_now = [&] {
    auto row = read_store->GetJob(id, Scope::Admin());
    return row.ok() ? row->progress.current : -1;
  };

  sqlite3* raw = nullptr;
  Worker worker(manager_.get(), &registry, options);
  ReleaseOnExit release{handler.get(), &raw};  // Before ~Worker joins the handler.
  ASSERT_TRUE(worker.Start().ok());
  // Every value before the last has been written: nothing else is left to flush.
  ASSERT_TRUE(WaitUntil([&] {
    return handler->reported_most.load() && progress_now() == FinalProgressHandler::kLast - 1;
  })) << "progress "
      << progress_now();

  const std::string path = db_->url().substr(std::string("sqlite:").size());
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  sqlite3_busy_timeout(raw, 10000);
  std::atomic<int64_t>& contention = store_->metrics().lock_contention;
  const int64_t before = contention.load();
  ASSERT_EQ(sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  handler->may_report_last = true;
  ASSERT_TRUE(WaitUntil([&] { return handler->reported_last.load(); }));
  // The monitor's flush of the last value now waits for the lock.
  WaitUntil([&] { return contention.load() > before; }, 2s);
  std::this_thread::sleep_for(60ms);  // Let its busy handler reach its long sleeps.
  handler->go = true;
  // The outcome's write (and the dispatcher's next claim) now wait too.
  WaitUntil([&] { return contention.load() > before + 2; }, 1s);
  sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  raw = nullptr;

  const bool done = WaitUntil([&] { return IsTerminal(Row(id).status); });
  worker.Shutdown();
  ASSERT_TRUE(done);
  const Job row = Row(id);
  EXPECT_EQ(row.status, JobStatus::kCompleted) << JobStatusName(row.status);
  EXPECT_EQ(row.progress.current, FinalProgressHandler::kLast)
      << "the last progress report was lost; the row shows \"" << row.progress.message << "\"";
  EXPECT_EQ(row.progress.message, "report 10000");
}

INSTANTIATE_TEST_SUITE_P(Backends, WorkerTest, ::testing::ValuesIn(a11y::testing::AllBackends()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace a11y::testing
