// The job row: the public contract of DESIGN.md section 2. The API, the CLI and
// every store backend use these names.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/env.h"

namespace a11y {

using Json = nlohmann::json;

enum class JobStatus { kPending, kRunning, kCompleted, kFailed, kCancelled, kCancelling };

const char* JobStatusName(JobStatus status);
// For test output and logs.
std::ostream& operator<<(std::ostream& out, JobStatus status);
std::optional<JobStatus> ParseJobStatus(const std::string& name);
// Completed, failed and cancelled are final: no write may change them again.
bool IsTerminal(JobStatus status);
// Running and cancelling: a worker holds (or held) the job's lease.
bool IsActive(JobStatus status);

// The job types a user can create. Diagnostic types serve tests and benchmarks.
inline const std::vector<std::string>& KnownJobTypes() {
  static const std::vector<std::string> types = {"discovery", "testing", "report_generation",
                                                 "bulk_test", "noop",    "sleep"};
  return types;
}
bool IsKnownJobType(const std::string& type);

struct Progress {
  int64_t current = 0;
  int64_t total = 0;
  std::string message;
  double percentage = 0;  // Derived: 100 * current / total, clamped to [0, 100].
  Json details = Json::object();

  // Fills `percentage` from current and total.
  void ComputePercentage();
  Json ToJson() const;
};

struct Job {
  std::string job_id;
  std::string job_type;
  JobStatus status = JobStatus::kPending;
  std::string website_id;
  std::string project_id;
  std::string user_id;
  std::string session_id;
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> started_at;
  std::optional<TimePoint> completed_at;
  Progress progress;
  Json metadata = Json::object();
  std::optional<std::string> error;
  std::optional<Json> result;
  bool cancellation_requested = false;
  std::optional<TimePoint> cancellation_requested_at;
  std::optional<std::string> cancellation_requested_by;
  std::optional<std::string> lock_holder;
  std::optional<TimePoint> lock_acquired_at;
  std::optional<TimePoint> lock_expiry;
  // Fencing token: grows by one on every claim or lock acquisition of this job.
  int64_t lock_token = 0;
  std::optional<TimePoint> heartbeat_at;
  int priority = 0;  // Higher runs first.
  std::string queue = "default";
  TimePoint run_after{};
  int attempt = 0;  // Attempts started so far.
  int max_attempts = 3;
  std::optional<std::string> parent_job_id;
  std::optional<Json> checkpoint;  // Handler state for resuming after a lost lease.

  // The API representation: field names as in DESIGN.md, times as RFC 3339.
  Json ToJson() const;
};

}  // namespace a11y
