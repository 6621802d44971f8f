// JobManager: the job API the rest of the program uses, named as in the original
// system (create_job, update_job_status, ...), with its bugs fixed: every state change is
// one conditional write in the store, cancellation is atomic, locks expire.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/env.h"
#include "core/status.h"
#include "store/job_store.h"

namespace a11y {

struct CreateJobRequest {
  std::optional<std::string> job_id;  // Generated (sortable, unique) when absent.
  std::string job_type;
  std::string website_id;
  std::string project_id;
  std::string user_id;
  std::string session_id;
  Json metadata = Json::object();  // Must be a JSON object.
  int priority = 0;
  std::string queue = "default";
  std::optional<TimePoint> run_after;  // Default: now.
  int max_attempts = 3;
  std::optional<std::string> parent_job_id;
};

struct JobManagerOptions {
  Micros finished_retention = std::chrono::hours(24 * 7);
  Micros cancelled_retention = std::chrono::hours(1);
  int maintenance_batch = 1000;  // Rows per recovery/retention statement: short locks.
};

struct JobStatistics {
  StoreStatistics store;
  int64_t total_jobs = 0;
  double completion_rate = 0;  // completed / finished (completed + failed + cancelled).
  double cancellation_success_rate = 0;  // Requests that ended cancelled / requests.
  int64_t claim_attempts = 0;
  int64_t lock_contention = 0;
  int64_t queries = 0;
  double query_latency_mean_ms = 0;
  double query_latency_p99_ms = 0;
  Json ToJson() const;
};

// Told about events in this process so local workers react without waiting for a poll.
class JobEventListener {
 public:
  virtual ~JobEventListener() = default;
  virtual void OnCancellationRequested(const std::string& /*job_id*/) {}
};

class JobManager {
 public:
  // REQUIRES: store and env outlive the manager.
  JobManager(JobStore* store, Env* env, JobManagerOptions options = {});

  JobStore& store() { return *store_; }
  Env& env() { return *env_; }
  const JobManagerOptions& options() const { return options_; }

  Result<Job> CreateJob(const CreateJobRequest& request);
  // All or nothing; returns the ids in request order.
  Result<std::vector<std::string>> CreateJobs(const std::vector<CreateJobRequest>& requests);

  // Moves a job to `to` if the state machine allows it from the job's current status
  // (one conditional write); an illegal transition is kFailedPrecondition, never applied.
  Result<Job> UpdateJobStatus(const std::string& job_id, JobStatus to,
                              std::optional<std::string> error = std::nullopt,
                              std::optional<Json> result = std::nullopt);
  // Percentage is computed from current/total. With `fence`, only while the caller holds
  // that lock token. Refused on a finished job.
  Status UpdateJobProgress(const std::string& job_id, int64_t current, int64_t total,
                           const std::string& message, const Json& details = Json::object(),
                           std::optional<int64_t> fence = std::nullopt);

  Result<Job> GetJob(const std::string& job_id, const Scope& scope = Scope::Admin());
  // Pending, running and cancelling jobs, newest first (up to `limit`).
  Result<std::vector<Job>> GetActiveJobs(const Scope& scope = Scope::Admin(),
                                         std::optional<std::string> job_type = std::nullopt,
                                         int limit = 1000);
  Result<JobPage> ListJobs(const JobFilter& filter, const Scope& scope = Scope::Admin());

  // Cancelling a parent job also cancels its children that have not ended.
  Result<CancelResult> RequestCancellation(const std::string& job_id,
                                           const std::string& requested_by,
                                           const Scope& scope = Scope::Admin());
  Result<bool> IsCancellationRequested(const std::string& job_id);

  Result<Lease> AcquireJobLock(const std::string& job_id, const std::string& holder,
                               Micros timeout);
  Status ReleaseJobLock(const std::string& job_id, const std::string& holder);

  // Returns running jobs whose lease expired, or that sent no heartbeat for `stale_after`,
  // to pending (or failed when attempts are spent, cancelled when cancellation was asked).
  Result<RecoveryReport> CleanupStaleJobs(std::optional<Micros> stale_after = std::nullopt);
  // Deletes finished jobs past their retention. Returns how many.
  Result<int64_t> ApplyRetention();

  Result<JobStatistics> GetJobStatistics(const StatsFilter& filter = {});

  // Listeners must outlive the manager or be removed first.
  void AddListener(JobEventListener* listener);
  void RemoveListener(JobEventListener* listener);

 private:
  template <typename F>
  void Notify(F&& f);

  JobStore* store_;
  Env* env_;
  JobManagerOptions options_;
  std::mutex listeners_mu_;
  std::vector<JobEventListener*> listeners_;
};

}  // namespace a11y
