#include "store/job.h"

#include <algorithm>

#include "store/json_fields.h"

namespace a11y {

const char* JobStatusName(JobStatus status) {
  switch (status) {
    case JobStatus::kPending: return "pending";
    case JobStatus::kRunning: return "running";
    case JobStatus::kCompleted: return "completed";
    case JobStatus::kFailed: return "failed";
    case JobStatus::kCancelled: return "cancelled";
    case JobStatus::kCancelling: return "cancelling";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, JobStatus status) {
  return out << JobStatusName(status);
}

std::optional<JobStatus> ParseJobStatus(const std::string& name) {
  for (JobStatus s : {JobStatus::kPending, JobStatus::kRunning, JobStatus::kCompleted,
                      JobStatus::kFailed, JobStatus::kCancelled, JobStatus::kCancelling}) {
    if (name == JobStatusName(s)) return s;
  }
  return std::nullopt;
}

bool IsTerminal(JobStatus s) {
  return s == JobStatus::kCompleted || s == JobStatus::kFailed || s == JobStatus::kCancelled;
}

bool IsActive(JobStatus s) { return s == JobStatus::kRunning || s == JobStatus::kCancelling; }

bool IsKnownJobType(const std::string& type) {
  const auto& types = KnownJobTypes();
  return std::find(types.begin(), types.end(), type) != types.end();
}

void Progress::ComputePercentage() {
  if (total <= 0) {
    percentage = 0;
    return;
  }
  percentage = std::clamp(100.0 * static_cast<double>(current) / static_cast<double>(total), 0.0,
                          100.0);
}

Json Progress::ToJson() const {
  return Json{{"current", current},
              {"total", total},
              {"message", message},
              {"percentage", percentage},
              {"details", details}};
}

Json Job::ToJson() const {
  return Json{{"job_id", job_id},
              {"job_type", job_type},
              {"status", JobStatusName(status)},
              {"website_id", website_id},
              {"project_id", project_id},
              {"user_id", user_id},
              {"session_id", session_id},
              {"created_at", FormatRfc3339(created_at)},
              {"updated_at", FormatRfc3339(updated_at)},
              {"started_at", OptTime(started_at)},
              {"completed_at", OptTime(completed_at)},
              {"progress", progress.ToJson()},
              {"metadata", metadata},
              {"error", Opt(error)},
              {"result", result ? *result : Json(nullptr)},
              {"cancellation_requested", cancellation_requested},
              {"cancellation_requested_at", OptTime(cancellation_requested_at)},
              {"cancellation_requested_by", Opt(cancellation_requested_by)},
              {"lock_holder", Opt(lock_holder)},
              {"lock_acquired_at", OptTime(lock_acquired_at)},
              {"lock_expiry", OptTime(lock_expiry)},
              {"lock_token", lock_token},
              {"heartbeat_at", OptTime(heartbeat_at)},
              {"priority", priority},
              {"queue", queue},
              {"run_after", FormatRfc3339(run_after)},
              {"attempt", attempt},
              {"max_attempts", max_attempts},
              {"parent_job_id", Opt(parent_job_id)}};
}

}  // namespace a11y
