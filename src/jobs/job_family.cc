#include "jobs/job_family.h"

#include <algorithm>

#include "core/ids.h"
#include "jobs/job_manager.h"

namespace a11y {

Result<Job> NewJobRow(const CreateJobRequest& r, TimePoint now) {
  if (!IsKnownJobType(r.job_type)) {
    std::string known;
    for (const auto& t : KnownJobTypes()) known += (known.empty() ? "" : ", ") + t;
    return Status::InvalidArgument("unknown job type '" + r.job_type + "' (known: " + known + ")");
  }
  if (!r.metadata.is_object()) {
    return Status::InvalidArgument("metadata must be a JSON object, not " +
                                   std::string(r.metadata.type_name()));
  }
  if (r.job_id && !IsValidJobId(*r.job_id)) {
    return Status::InvalidArgument("job_id '" + *r.job_id +
                                   "' must be 1-128 characters of letters, digits, '.', '_', ':' "
                                   "or '-'");
  }
  if (r.max_attempts < 1 || r.max_attempts > 100) {
    return Status::InvalidArgument("max_attempts must be between 1 and 100");
  }
  if (r.priority < -1000 || r.priority > 1000) {
    return Status::InvalidArgument("priority must be between -1000 and 1000");
  }
  if (r.queue.empty() || r.queue.size() > 64) {
    return Status::InvalidArgument("queue must be 1-64 characters");
  }
  Job job;
  job.job_id = r.job_id ? *r.job_id : NewSortableId(now);
  job.job_type = r.job_type;
  job.website_id = r.website_id;
  job.project_id = r.project_id;
  job.user_id = r.user_id;
  job.session_id = r.session_id;
  job.created_at = job.updated_at = now;
  job.metadata = r.metadata;
  job.priority = r.priority;
  job.queue = r.queue;
  job.run_after = r.run_after.value_or(now);
  job.max_attempts = r.max_attempts;
  job.parent_job_id = r.parent_job_id;
  job.progress.message = "Queued";
  return job;
}

int64_t ChildJobs::Count(JobStatus status) const {
  auto it = by_status.find(JobStatusName(status));
  return it == by_status.end() ? 0 : it->second;
}

Json ChildJobs::StatusCounts() const {
  Json counts = Json::object();
  for (const auto& [status, count] : by_status) counts[status] = count;
  return counts;
}

Result<ChildJobs> ListChildJobs(JobStore& store, const std::string& parent_job_id) {
  ChildJobs children;
  JobFilter filter;
  filter.parent_job_id = parent_job_id;
  filter.limit = 1000;
  while (true) {
    auto page = store.ListJobs(filter, Scope::Admin());
    if (!page.ok()) return page.status();
    for (Job& job : page->jobs) children.jobs.push_back(std::move(job));
    if (!page->next_cursor) break;
    filter.cursor = page->next_cursor;
  }
  std::reverse(children.jobs.begin(), children.jobs.end());  // Listings are newest first.
  for (const Job& job : children.jobs) {
    ++children.by_status[JobStatusName(job.status)];
    if (IsTerminal(job.status)) ++children.finished;
    children.progress.current += job.progress.current;
    children.progress.total += job.progress.total;
  }
  children.progress.ComputePercentage();
  return children;
}

Result<int64_t> CancelChildJobs(
    JobStore& store, const std::string& parent_job_id, const std::string& requested_by,
    const std::function<void(const std::string& child_job_id)>& on_cancelling) {
  auto children = ListChildJobs(store, parent_job_id);
  if (!children.ok()) return children.status();
  int64_t asked = 0;
  for (const Job& child : children->jobs) {
    if (IsTerminal(child.status)) continue;
    auto cancel = store.RequestCancellation(child.job_id, requested_by, Scope::Admin());
    if (!cancel.ok()) return cancel.status();
    if (cancel->outcome == CancelOutcome::kCancelling && on_cancelling) on_cancelling(child.job_id);
    if (cancel->outcome == CancelOutcome::kCancelled ||
        cancel->outcome == CancelOutcome::kCancelling) {
      ++asked;
    }
  }
  return asked;
}

}  // namespace a11y
