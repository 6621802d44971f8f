// What the concurrency suite shares: a fresh, migrated database per test on each backend,
// a store and JobManager on it (and, for suites that ask, a second pair as another process
// would open them), the diagnostic handlers, job helpers, and worker options with short
// intervals. Waiting is tests/support/process.h's WaitUntil (polls every 5 ms).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/env.h"
#include "jobs/diagnostic_handlers.h"
#include "jobs/handler.h"
#include "jobs/job_manager.h"
#include "jobs/worker.h"
#include "store/job_store.h"
#include "tests/support/process.h"
#include "tests/support/test_database.h"

namespace a11y::testing {

using namespace std::chrono_literals;

// Worker options that make a test run in milliseconds: 4 handler threads, a 2 s lease,
// cancels polled every 10 ms, progress flushed every 50 ms, 20 ms idle sleeps, and retry
// backoff from 10 ms up to 100 ms. The lease reaper keeps its default interval. A test
// that needs another value sets it on the returned options.
inline WorkerOptions FastWorkerOptions(const std::string& worker_id) {
  WorkerOptions options;
  options.worker_id = worker_id;
  options.concurrency = 4;
  options.lease = 2s;
  options.cancel_poll = 10ms;
  options.idle_wait = 20ms;
  options.progress_interval = 50ms;
  options.retry.base = 10ms;
  options.retry.max = 100ms;
  return options;
}

// The step the sleep handler saved in the job's checkpoint, or 0 without one.
inline int64_t CheckpointStep(const Job& job) {
  if (!job.checkpoint || !job.checkpoint->is_object()) return 0;
  return job.checkpoint->value("step", int64_t{0});
}

// Parameterised by backend ("sqlite", "postgresql"): opens store_ and manager_ on a new
// database and registers the diagnostic handlers ("noop", "sleep") in diagnostics_.
// With `second_process`, also opens store_b_ and manager_b_: a second process's view of
// the same database.
class ConcurrencyFixture : public ::testing::TestWithParam<std::string> {
 protected:
  explicit ConcurrencyFixture(bool second_process = false) : second_process_(second_process) {}

  void SetUp() override {
    A11Y_REQUIRE_DATABASE(db, GetParam());
    db_ = std::move(db);
    store_ = db_->OpenStore(Env::Default());
    ASSERT_NE(store_, nullptr);
    manager_ = std::make_unique<JobManager>(store_.get(), Env::Default());
    if (second_process_) {
      store_b_ = db_->OpenStore(Env::Default());
      ASSERT_NE(store_b_, nullptr);
      manager_b_ = std::make_unique<JobManager>(store_b_.get(), Env::Default());
    }
    RegisterDiagnosticHandlers(&diagnostics_);
  }

  std::string Create(const std::string& type, Json metadata, int max_attempts = 3) {
    CreateJobRequest r;
    r.job_type = type;
    r.metadata = std::move(metadata);
    r.max_attempts = max_attempts;
    auto job = manager_->CreateJob(r);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? job->job_id : "";
  }

  // Creates `count` pending jobs for `user`, in batches of at most 500; returns their ids
  // (those created before a failed batch, if one fails).
  std::vector<std::string> CreateMany(int count, const std::string& type = "noop",
                                      const Json& metadata = Json::object(),
                                      const std::string& user = "") {
    std::vector<std::string> ids;
    while (static_cast<int>(ids.size()) < count) {
      std::vector<CreateJobRequest> batch;
      for (int i = 0; i < 500 && static_cast<int>(ids.size() + batch.size()) < count; ++i) {
        CreateJobRequest r;
        r.job_type = type;
        r.user_id = user;
        r.metadata = metadata;
        batch.push_back(r);
      }
      auto created = manager_->CreateJobs(batch);
      EXPECT_TRUE(created.ok()) << created.status().ToString();
      if (!created.ok()) return ids;
      ids.insert(ids.end(), created->begin(), created->end());
    }
    return ids;
  }

  Job Row(const std::string& id) {
    auto job = store_->GetJob(id, Scope::Admin());
    EXPECT_TRUE(job.ok()) << id << ": " << job.status().ToString();
    return job.ok() ? *job : Job{};
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<JobStore> store_;
  std::unique_ptr<JobManager> manager_;
  std::unique_ptr<JobStore> store_b_;  // Null unless constructed with `second_process`.
  std::unique_ptr<JobManager> manager_b_;
  HandlerRegistry diagnostics_;

 private:
  const bool second_process_;
};

}  // namespace a11y::testing
