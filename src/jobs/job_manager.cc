#include "jobs/job_manager.h"

#include <algorithm>

#include "core/ids.h"
#include "jobs/job_family.h"

namespace a11y {
namespace {

// The state machine of DESIGN.md section 2: which statuses may lead to `to`.
std::vector<JobStatus> LegalSources(JobStatus to) {
  using S = JobStatus;
  switch (to) {
    case S::kPending: return {S::kRunning};  // Requeue.
    case S::kRunning: return {S::kPending};
    case S::kCompleted: return {S::kRunning, S::kCancelling};
    case S::kFailed: return {S::kPending, S::kRunning, S::kCancelling};
    case S::kCancelling: return {S::kRunning};
    case S::kCancelled: return {S::kPending, S::kRunning, S::kCancelling};
  }
  return {};
}

}  // namespace

JobManager::JobManager(JobStore* store, Env* env, JobManagerOptions options)
    : store_(store), env_(env), options_(options) {}

Result<Job> JobManager::CreateJob(const CreateJobRequest& request) {
  auto job = NewJobRow(request, env_->Now());
  if (!job.ok()) return job.status();
  A11Y_RETURN_IF_ERROR(store_->InsertJobs({*job}));
  return job;
}

Result<std::vector<std::string>> JobManager::CreateJobs(
    const std::vector<CreateJobRequest>& requests) {
  const TimePoint now = env_->Now();
  std::vector<Job> jobs;
  jobs.reserve(requests.size());
  std::vector<std::string> ids;
  ids.reserve(requests.size());
  for (const auto& request : requests) {
    auto job = NewJobRow(request, now);
    if (!job.ok()) return job.status();
    ids.push_back(job->job_id);
    jobs.push_back(std::move(job).value());
  }
  A11Y_RETURN_IF_ERROR(store_->InsertJobs(jobs));
  return ids;
}

Result<Job> JobManager::UpdateJobStatus(const std::string& job_id, JobStatus to,
                                        std::optional<std::string> error,
                                        std::optional<Json> result) {
  auto job = store_->TransitionStatus({job_id, LegalSources(to), to, error, result});
  if (job.ok() && to == JobStatus::kCancelling) {
    Notify([&](JobEventListener* l) { l->OnCancellationRequested(job_id); });
  }
  return job;
}

Status JobManager::UpdateJobProgress(const std::string& job_id, int64_t current, int64_t total,
                                     const std::string& message, const Json& details,
                                     std::optional<int64_t> fence) {
  if (current < 0 || total < 0) {
    return Status::InvalidArgument("progress current and total must not be negative");
  }
  Progress progress{current, total, message, 0, details.is_object() ? details : Json::object()};
  progress.ComputePercentage();
  return store_->UpdateProgress(job_id, progress, fence);
}

Result<Job> JobManager::GetJob(const std::string& job_id, const Scope& scope) {
  return store_->GetJob(job_id, scope);
}

Result<std::vector<Job>> JobManager::GetActiveJobs(const Scope& scope,
                                                   std::optional<std::string> job_type,
                                                   int limit) {
  JobFilter filter;
  filter.statuses = {JobStatus::kPending, JobStatus::kRunning, JobStatus::kCancelling};
  filter.job_type = std::move(job_type);
  filter.limit = limit;
  auto page = store_->ListJobs(filter, scope);
  if (!page.ok()) return page.status();
  return std::move(page->jobs);
}

Result<JobPage> JobManager::ListJobs(const JobFilter& filter, const Scope& scope) {
  if (filter.limit < 1 || filter.limit > 1000) {
    return Status::InvalidArgument("limit must be between 1 and 1000");
  }
  return store_->ListJobs(filter, scope);
}

Result<CancelResult> JobManager::RequestCancellation(const std::string& job_id,
                                                     const std::string& requested_by,
                                                     const Scope& scope) {
  auto result = store_->RequestCancellation(job_id, requested_by, scope);
  if (result.ok() && result->outcome == CancelOutcome::kCancelling) {
    Notify([&](JobEventListener* l) { l->OnCancellationRequested(job_id); });
  }
  // A parent's cancel reaches its children at once, even when no worker runs the parent
  // (its handler cascades too, for children it creates after this).
  if (result.ok() && (result->outcome == CancelOutcome::kCancelled ||
                      result->outcome == CancelOutcome::kCancelling)) {
    auto cascaded = CancelChildJobs(*store_, job_id, requested_by, [&](const std::string& child) {
      Notify([&](JobEventListener* l) { l->OnCancellationRequested(child); });
    });
    if (!cascaded.ok()) return cascaded.status();
  }
  return result;
}

Result<bool> JobManager::IsCancellationRequested(const std::string& job_id) {
  return store_->IsCancellationRequested(job_id);
}

Result<Lease> JobManager::AcquireJobLock(const std::string& job_id, const std::string& holder,
                                         Micros timeout) {
  if (holder.empty()) return Status::InvalidArgument("lock holder must not be empty");
  if (timeout <= Micros::zero()) return Status::InvalidArgument("lock timeout must be positive");
  return store_->AcquireLock(job_id, holder, timeout);
}

Status JobManager::ReleaseJobLock(const std::string& job_id, const std::string& holder) {
  return store_->ReleaseLock(job_id, holder);
}

Result<RecoveryReport> JobManager::CleanupStaleJobs(std::optional<Micros> stale_after) {
  RecoveryReport total;
  while (true) {  // Small batches keep each write transaction short.
    auto batch = store_->RecoverAbandonedJobs(stale_after, options_.maintenance_batch);
    if (!batch.ok()) return batch.status();
    total.requeued += batch->requeued;
    total.failed += batch->failed;
    total.cancelled += batch->cancelled;
    if (batch->total() < options_.maintenance_batch) break;
  }
  return total;
}

Result<int64_t> JobManager::ApplyRetention() {
  const TimePoint now = env_->Now();
  int64_t deleted = 0;
  while (true) {
    auto batch = store_->DeleteFinishedJobs(now - options_.finished_retention,
                                            now - options_.cancelled_retention,
                                            options_.maintenance_batch);
    if (!batch.ok()) return batch.status();
    deleted += *batch;
    if (*batch < options_.maintenance_batch) break;
  }
  return deleted;
}

Result<JobStatistics> JobManager::GetJobStatistics(const StatsFilter& filter) {
  auto store_stats = store_->Statistics(filter);
  if (!store_stats.ok()) return store_stats.status();
  JobStatistics stats;
  stats.store = std::move(store_stats).value();
  int64_t completed = 0, finished = 0;
  for (const auto& [type, by_status] : stats.store.counts) {
    for (const auto& [status, count] : by_status) {
      stats.total_jobs += count;
      if (status == "completed") completed += count;
      if (status == "completed" || status == "failed" || status == "cancelled") finished += count;
    }
  }
  stats.completion_rate = finished ? static_cast<double>(completed) / finished : 0;
  stats.cancellation_success_rate =
      stats.store.cancellation_requests
          ? static_cast<double>(stats.store.cancellation_requests_cancelled) /
                stats.store.cancellation_requests
          : 0;
  StoreMetrics& m = store_->metrics();
  stats.claim_attempts = m.claim_attempts.load();
  stats.lock_contention = m.lock_contention.load();
  stats.queries = m.query_latency.Count();
  stats.query_latency_mean_ms = m.query_latency.MeanMicros() / 1000.0;
  stats.query_latency_p99_ms = static_cast<double>(m.query_latency.QuantileMicros(0.99)) / 1000.0;
  return stats;
}

Json JobStatistics::ToJson() const {
  return Json{{"total_jobs", total_jobs},
              {"counts", store.counts},
              {"average_duration_seconds", store.average_duration_seconds},
              {"average_cancellation_seconds", store.average_cancellation_seconds},
              {"completion_rate", completion_rate},
              {"cancellation_requests", store.cancellation_requests},
              {"cancellation_requests_cancelled", store.cancellation_requests_cancelled},
              {"cancellation_success_rate", cancellation_success_rate},
              {"claim_attempts", claim_attempts},
              {"lock_contention", lock_contention},
              {"database_queries", queries},
              {"database_query_latency_mean_ms", query_latency_mean_ms},
              {"database_query_latency_p99_ms", query_latency_p99_ms}};
}

void JobManager::AddListener(JobEventListener* listener) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  listeners_.push_back(listener);
}

void JobManager::RemoveListener(JobEventListener* listener) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  listeners_.erase(std::remove(listeners_.begin(), listeners_.end(), listener), listeners_.end());
}

template <typename F>
void JobManager::Notify(F&& f) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  for (JobEventListener* l : listeners_) f(l);
}

}  // namespace a11y
