// The fixture the JobStore conformance suite shares: a fresh, migrated database per test
// on each backend, opened with a ManualEnv so tests move time instead of sleeping.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/env.h"
#include "store/job.h"
#include "store/job_store.h"
#include "tests/support/test_database.h"

namespace a11y::testing {

using namespace std::chrono_literals;

inline Finish MakeFinish(const std::string& job_id, int64_t token, Finish::Kind kind) {
  Finish finish;
  finish.job_id = job_id;
  finish.token = token;
  finish.kind = kind;
  return finish;
}

class JobStoreTest : public BackendTest {
 protected:
  // A valid pending job stamped now. Its queue is its own id, so a claim can target it.
  Job NewJob(const std::string& id, const std::string& type = "testing") const {
    Job job;
    job.job_id = id;
    job.job_type = type;
    job.user_id = "alice";
    job.queue = id;
    job.created_at = job.updated_at = job.run_after = Now();
    return job;
  }

  Job Insert(const Job& job) {
    Status inserted = store_->InsertJobs({job});
    EXPECT_TRUE(inserted.ok()) << inserted.ToString();
    return job;
  }
  Job Insert(const std::string& id) { return Insert(NewJob(id)); }

  Job Row(const std::string& id) {
    auto job = store_->GetJob(id, Scope::Admin());
    EXPECT_TRUE(job.ok()) << id << ": " << job.status().ToString();
    return job.ok() ? *job : Job{};
  }

  bool Exists(const std::string& id) { return store_->GetJob(id, Scope::Admin()).ok(); }

  // Claims exactly the job `id` (through its own queue) for `worker`.
  Job Claim(const std::string& id, const std::string& worker, Micros lease = 30s) {
    ClaimRequest request;
    request.worker_id = worker;
    request.queues = {Row(id).queue};
    request.lease = lease;
    auto claimed = store_->ClaimJobs(request);
    EXPECT_TRUE(claimed.ok()) << claimed.status().ToString();
    if (!claimed.ok() || claimed->size() != 1) {
      ADD_FAILURE() << "claim of " << id << " by " << worker << " returned "
                    << (claimed.ok() ? claimed->size() : 0) << " jobs";
      return Job{};
    }
    EXPECT_EQ((*claimed)[0].job_id, id);
    return (*claimed)[0];
  }

  // Claims whatever the store hands out next from every queue.
  std::vector<std::string> ClaimNext(const std::string& worker, int limit) {
    ClaimRequest request;
    request.worker_id = worker;
    request.limit = limit;
    auto claimed = store_->ClaimJobs(request);
    EXPECT_TRUE(claimed.ok()) << claimed.status().ToString();
    std::vector<std::string> ids;
    if (claimed.ok()) {
      for (const Job& job : *claimed) ids.push_back(job.job_id);
    }
    return ids;
  }

  Status FinishOne(const Finish& finish) {
    auto results = store_->FinishJobs({finish});
    if (!results.ok()) return results.status();
    EXPECT_EQ(results->size(), 1u);
    return results->empty() ? Status::Internal("no result") : (*results)[0];
  }

  // Drives a new job to `status` the way the system would get it there.
  Job InsertInStatus(const std::string& id, JobStatus status) {
    Insert(id);
    if (status == JobStatus::kPending) return Row(id);
    if (status == JobStatus::kCancelled) {
      EXPECT_TRUE(store_->RequestCancellation(id, "setup", Scope::Admin()).ok());
      return Row(id);
    }
    const Job claimed = Claim(id, "setup-worker");
    switch (status) {
      case JobStatus::kCancelling:
        EXPECT_TRUE(store_->RequestCancellation(id, "setup", Scope::Admin()).ok());
        break;
      case JobStatus::kCompleted:
        EXPECT_TRUE(FinishOne(MakeFinish(id, claimed.lock_token, Finish::Kind::kCompleted)).ok());
        break;
      case JobStatus::kFailed:
        EXPECT_TRUE(FinishOne(MakeFinish(id, claimed.lock_token, Finish::Kind::kFailed)).ok());
        break;
      default: break;
    }
    const Job row = Row(id);
    EXPECT_EQ(row.status, status) << id;
    return row;
  }
};

}  // namespace a11y::testing
