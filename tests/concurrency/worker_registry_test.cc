// The worker runtime and the worker registry: a worker lists itself while it runs, keeps
// its row fresh at every heartbeat, removes it when it stops cleanly and leaves it when it
// crashes; the maintenance leader deletes the rows of crashed workers; and a registry that
// cannot be written never stops a worker or its jobs.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/concurrency/worker_fixture.h"

namespace a11y::testing {
namespace {

class WorkerRegistryTest : public ConcurrencyFixture {
 protected:
  // The registry row of `worker_id`, however long ago it was seen, if there is one.
  std::optional<WorkerRecord> Listed(const std::string& worker_id) {
    auto workers = store_->ListWorkers(TimePoint{});
    EXPECT_TRUE(workers.ok()) << workers.status().ToString();
    if (!workers.ok()) return std::nullopt;
    for (const WorkerRecord& worker : *workers) {
      if (worker.worker_id == worker_id) return worker;
    }
    return std::nullopt;
  }

  // A row as a worker that crashed `ago` would have left it.
  void RecordCrashed(const std::string& worker_id, Micros ago) {
    WorkerRecord crashed;
    crashed.worker_id = worker_id;
    crashed.host = "gone.example";
    crashed.pid = 1;
    crashed.started_at = crashed.last_heartbeat_at = Env::Default()->Now() - ago;
    crashed.concurrency = 1;
    ASSERT_TRUE(store_->RecordWorker(crashed).ok());
  }

  // Makes every registry write fail from here on, as a database without the table would.
  void DropWorkersTable() {
    if (GetParam() == "postgresql") {
      ASSERT_EQ(PgExec(db_->url(), "DROP TABLE workers"), "");
      return;
    }
    sqlite3* raw = nullptr;
    const std::string path = db_->url().substr(std::string("sqlite:").size());
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 10000);
    const int dropped = sqlite3_exec(raw, "DROP TABLE workers", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    ASSERT_EQ(dropped, SQLITE_OK);
  }
};

TEST_P(WorkerRegistryTest, StartedWorkerIsListedWithItsConcurrencyAndGoneAfterShutdown) {
  WorkerOptions options = FastWorkerOptions("w-registry");
  options.concurrency = 3;
  const TimePoint before_start = Env::Default()->Now();
  Worker worker(manager_.get(), &diagnostics_, options);
  ASSERT_TRUE(worker.Start().ok());

  // Written by Start itself, before any heartbeat.
  const auto row = Listed("w-registry");
  ASSERT_TRUE(row.has_value()) << "a started worker is in the registry";
  EXPECT_EQ(row->concurrency, 3);
  EXPECT_EQ(row->running_jobs, 0);
  EXPECT_EQ(row->pid, getpid());
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  EXPECT_EQ(row->host, host);
  EXPECT_TRUE(row->started_at >= before_start) << Rfc(row->started_at);
  EXPECT_TRUE(row->last_heartbeat_at >= row->started_at) << Rfc(row->last_heartbeat_at);

  worker.Shutdown();
  EXPECT_FALSE(Listed("w-registry").has_value()) << "a worker that stops cleanly is gone";
}

TEST_P(WorkerRegistryTest, HeartbeatsRefreshTheRowAndCountRunningJobs) {
  WorkerOptions options = FastWorkerOptions("w-busy");
  options.heartbeat_interval = 50ms;
  options.shutdown_grace = 100ms;
  Worker worker(manager_.get(), &diagnostics_, options);
  ASSERT_TRUE(worker.Start().ok());
  const auto first = Listed("w-busy");
  ASSERT_TRUE(first.has_value());

  Create("sleep", Json{{"duration_ms", 20000}, {"steps", 200}});
  std::optional<WorkerRecord> busy;
  EXPECT_TRUE(WaitUntil([&] {
    busy = Listed("w-busy");
    return busy && busy->running_jobs == 1;
  })) << "a heartbeat reports the running job";
  ASSERT_TRUE(busy.has_value());
  EXPECT_TRUE(busy->last_heartbeat_at > first->last_heartbeat_at)
      << Rfc(busy->last_heartbeat_at) << " after " << Rfc(first->last_heartbeat_at);
  EXPECT_EQ(Rfc(busy->started_at), Rfc(first->started_at)) << "a heartbeat keeps the start time";
  worker.Shutdown();
  EXPECT_FALSE(Listed("w-busy").has_value());
}

TEST_P(WorkerRegistryTest, AbandonedWorkerLeavesItsRowBehind) {
  Worker worker(manager_.get(), &diagnostics_, FastWorkerOptions("w-crash"));
  ASSERT_TRUE(worker.Start().ok());
  ASSERT_TRUE(Listed("w-crash").has_value());
  worker.Abandon();
  EXPECT_TRUE(Listed("w-crash").has_value()) << "a crash writes nothing more";
}

TEST_P(WorkerRegistryTest, MaintenanceDeletesOnlyWorkersNotSeenForAMinute) {
  RecordCrashed("crashed-long-ago", std::chrono::hours(1));
  RecordCrashed("crashed-2min-ago", std::chrono::minutes(2));
  // Ten heartbeats of a 2 s lease are under a minute: the one-minute floor keeps this one.
  RecordCrashed("quiet-30s", std::chrono::seconds(30));

  WorkerOptions options = FastWorkerOptions("w-leader");
  options.retention_interval = 20ms;
  Worker worker(manager_.get(), &diagnostics_, options);
  ASSERT_TRUE(worker.Start().ok());
  EXPECT_TRUE(WaitUntil([&] {
    return !Listed("crashed-long-ago").has_value() && !Listed("crashed-2min-ago").has_value();
  })) << "the maintenance leader deletes stale rows";
  EXPECT_TRUE(Listed("quiet-30s").has_value());
  EXPECT_TRUE(Listed("w-leader").has_value());
  worker.Shutdown();
}

TEST_P(WorkerRegistryTest, WorkerWithoutMaintenanceLeavesStaleRowsAlone) {
  RecordCrashed("crashed-long-ago", std::chrono::hours(1));
  WorkerOptions options = FastWorkerOptions("w-plain");
  options.run_maintenance = false;
  options.retention_interval = 20ms;
  Worker worker(manager_.get(), &diagnostics_, options);
  ASSERT_TRUE(worker.Start().ok());
  std::this_thread::sleep_for(200ms);  // Many retention intervals: nothing may happen.
  EXPECT_TRUE(Listed("crashed-long-ago").has_value());
  worker.Shutdown();
}

TEST_P(WorkerRegistryTest, FailingRegistryNeverStopsTheWorkerOrItsJobs) {
  DropWorkersTable();
  WorkerOptions options = FastWorkerOptions("w-no-registry");
  options.heartbeat_interval = 20ms;
  options.retention_interval = 20ms;  // Stale-row deletion fails too.
  Worker worker(manager_.get(), &diagnostics_, options);
  ASSERT_TRUE(worker.Start().ok()) << "a registry write failing at start is only logged";
  const auto ids = CreateMany(20);
  ASSERT_EQ(ids.size(), 20u);
  EXPECT_TRUE(WaitUntil([&] {
    for (const auto& id : ids) {
      if (Row(id).status != JobStatus::kCompleted) return false;
    }
    return true;
  }));
  std::this_thread::sleep_for(100ms);  // Several failed heartbeats and deletions.
  worker.Shutdown();
  EXPECT_EQ(worker.counters().completed.load(), 20);
  EXPECT_EQ(worker.counters().failed.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, WorkerRegistryTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace a11y::testing
