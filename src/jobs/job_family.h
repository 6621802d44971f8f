// Parent and child jobs: a job that fans its work out to child jobs (bulk_test does) and
// waits for them. The children carry parent_job_id; the parent sums their progress, ends
// when they have all ended, and cancelling the parent cancels them (JobManager and the
// parent's handler both cascade, so a cancel lands whichever sees it first).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/job_store.h"

namespace a11y {

struct CreateJobRequest;

// The row CreateJob would insert for `request` at `now`, or why the request is invalid.
Result<Job> NewJobRow(const CreateJobRequest& request, TimePoint now);

// A parent's children at one moment.
struct ChildJobs {
  std::vector<Job> jobs;                    // Oldest first.
  std::map<std::string, int64_t> by_status;  // Status name -> children.
  Progress progress;                        // Sums of the children's current and total.
  int64_t finished = 0;                     // Completed, failed or cancelled.
  bool AllFinished() const { return finished == static_cast<int64_t>(jobs.size()); }
  int64_t Count(JobStatus status) const;
  // {"pending": n, ...} for progress details and results.
  Json StatusCounts() const;
};

// Every child of `parent_job_id`, read in pages.
Result<ChildJobs> ListChildJobs(JobStore& store, const std::string& parent_job_id);

// Requests cancellation of every child of `parent_job_id` that has not ended (each one
// conditional write, as a user's cancel is). `on_cancelling` (optional) hears each running
// child asked to stop, so local workers can be told at once. Returns how many were asked.
Result<int64_t> CancelChildJobs(
    JobStore& store, const std::string& parent_job_id, const std::string& requested_by,
    const std::function<void(const std::string& child_job_id)>& on_cancelling = {});

}  // namespace a11y
