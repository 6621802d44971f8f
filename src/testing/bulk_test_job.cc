// The `bulk_test` job (see testing_jobs.h): fans out child testing jobs and waits for them.
#include <algorithm>
#include <cstdio>

#include "jobs/job_family.h"
#include "jobs/job_manager.h"
#include "store/domain_store.h"
#include "store/job_store.h"
#include "testing/testing_support.h"

namespace a11y {
namespace {

constexpr int kDefaultChunkSize = 25;
constexpr Micros kPollInterval = std::chrono::milliseconds(250);

struct PageRef {
  std::string website_id;
  std::string page_id;
};

// Every page of the job's website, or of every website of its project, that the latest
// discovery still found (a missing page is likely gone from the site), website by website.
Result<std::vector<PageRef>> PagesToTest(DomainStore& domain, const Job& job) {
  std::vector<std::string> website_ids;
  if (!job.website_id.empty()) {
    website_ids.push_back(job.website_id);
  } else {
    PageRequest request{kMaxPageLimit, std::nullopt};
    while (true) {
      auto websites = domain.ListWebsites(job.project_id, request, Scope::Admin());
      if (!websites.ok()) return websites.status();
      for (const Website& website : websites->items) website_ids.push_back(website.website_id);
      if (!websites->next_cursor) break;
      request.cursor = websites->next_cursor;
    }
  }
  std::vector<PageRef> pages;
  for (const std::string& website_id : website_ids) {
    PageFilter filter;
    filter.website_id = website_id;
    filter.missing = false;
    filter.page.limit = kMaxPageLimit;
    while (true) {
      auto listing = domain.ListPages(filter, Scope::Admin());
      if (!listing.ok()) return listing.status();
      for (const Page& page : listing->items) pages.push_back({website_id, page.page_id});
      if (!listing->next_cursor) break;
      filter.page.cursor = listing->next_cursor;
    }
  }
  return pages;
}

// The children's rows: chunks of consecutive pages of one website each (a testing job
// tests one website's pages). Their ids derive from the parent's, so a parent taken over
// after a crash that re-creates them finds them there (kAlreadyExists) instead of
// doubling them.
Result<std::vector<Job>> ChildRows(const Job& parent, const std::vector<PageRef>& pages,
                                   const TestLevel& level, TimePoint now) {
  const int chunk_size =
      std::clamp(parent.metadata.value("chunk_size", kDefaultChunkSize), 1, kMaxPageLimit);
  std::vector<Job> rows;
  CreateJobRequest request;
  request.job_type = "testing";
  request.project_id = parent.project_id;
  request.user_id = parent.user_id;
  request.session_id = parent.session_id;
  request.priority = parent.priority;
  request.queue = parent.queue;
  request.parent_job_id = parent.job_id;
  Json chunk = Json::array();
  auto flush = [&]() -> Status {
    if (chunk.empty()) return Status::Ok();
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "-%05zu", rows.size() + 1);
    request.job_id = parent.job_id + suffix;
    request.metadata = {{"page_ids", chunk}, {"run_id", parent.job_id}, {"level", level.text}};
    auto row = NewJobRow(request, now);
    if (!row.ok()) return row.status();
    rows.push_back(std::move(*row));
    chunk = Json::array();
    return Status::Ok();
  };
  for (const PageRef& page : pages) {
    if (page.website_id != request.website_id || static_cast<int>(chunk.size()) == chunk_size) {
      A11Y_RETURN_IF_ERROR(flush());
      request.website_id = page.website_id;
    }
    chunk.push_back(page.page_id);
  }
  A11Y_RETURN_IF_ERROR(flush());
  return rows;
}

// Adds up the children's results (each a testing job's tally).
Json SumResults(const ChildJobs& children, const std::string& run_id) {
  int64_t tested = 0, failed = 0, skipped = 0, scored = 0;
  int64_t errors = 0, warnings = 0, info = 0, discovery = 0;
  double score_sum = 0;
  for (const Job& child : children.jobs) {
    if (!child.result || !child.result->is_object()) continue;
    const Json& r = *child.result;
    tested += r.value("pages_tested", int64_t{0}) + r.value("pages_resumed", int64_t{0});
    failed += r.value("pages_failed", int64_t{0});
    skipped += r.value("pages_skipped", int64_t{0});
    const int64_t child_scored = r.value("pages_scored", int64_t{0});
    scored += child_scored;
    score_sum += r.value("average_score", 0.0) * static_cast<double>(child_scored);
    const Json counts = r.value("counts", Json::object());
    errors += counts.value("errors", int64_t{0});
    warnings += counts.value("warnings", int64_t{0});
    info += counts.value("info", int64_t{0});
    discovery += counts.value("discovery", int64_t{0});
  }
  return Json{{"run_id", run_id},
              {"child_jobs", children.jobs.size()},
              {"child_statuses", children.StatusCounts()},
              {"pages_tested", tested},
              {"pages_failed", failed},
              {"pages_skipped", skipped},
              {"counts", {{"errors", errors}, {"warnings", warnings}, {"info", info},
                          {"discovery", discovery}}},
              {"average_score", scored > 0 ? score_sum / static_cast<double>(scored) : 0.0}};
}

class BulkTestJob : public JobHandler {
 public:
  Outcome Run(JobContext& context) override {
    const Job& job = context.job();
    JobStore& store = context.store();
    int64_t pages_total = 0;
    if (job.checkpoint && job.checkpoint->contains("pages")) {
      pages_total = (*job.checkpoint)["pages"].get<int64_t>();
    } else {
      auto created = CreateChildren(context);
      if (!created.ok()) {
        if (created.status().code() == Status::Code::kLeaseLost) return Outcome::Cancelled();
        return Outcome::FailOrRetry(created.status());
      }
      pages_total = *created;
    }

    // Checks on the children and, unless they have all ended, gives the slot back until
    // the next look: a parent waiting never holds a slot its children need.
    auto children = ListChildJobs(store, job.job_id);
    if (!children.ok()) return Outcome::Retry(children.status().ToString());
    if (context.cancellation().IsCancelled()) {
      auto cancelled = CancelChildJobs(store, job.job_id, "bulk_test " + job.job_id);
      if (!cancelled.ok()) return Outcome::Retry(cancelled.status().ToString());
      return Outcome::Cancelled();
    }
    context.ReportProgress(
        children->progress.current, std::max(pages_total, children->progress.total),
        "Tested " + std::to_string(children->progress.current) + " of " +
            std::to_string(pages_total) + " pages; " + std::to_string(children->finished) +
            " of " + std::to_string(children->jobs.size()) + " testing jobs finished",
        {{"child_jobs", children->jobs.size()}, {"child_statuses", children->StatusCounts()}});
    if (children->AllFinished()) return Finish(job, *children);
    return Outcome::Wait(kPollInterval);
  }

 private:
  // Creates the children and records that in the checkpoint; returns the pages to test.
  static Result<int64_t> CreateChildren(JobContext& context) {
    const Job& job = context.job();
    DomainStore& domain = context.store().domain();
    auto level = ResolveTestLevel(domain, job);
    if (!level.ok()) return level.status();
    auto pages = PagesToTest(domain, job);
    if (!pages.ok()) return pages.status();
    if (pages->empty()) {
      return Status::InvalidArgument(
          "there are no pages to test: run discovery or add pages first");
    }
    auto rows = ChildRows(job, *pages, *level, context.env().Now());
    if (!rows.ok()) return rows.status();
    const Status inserted = context.store().InsertJobs(*rows);
    // Already there: an earlier attempt created them and died before its checkpoint.
    if (!inserted.ok() && inserted.code() != Status::Code::kAlreadyExists) return inserted;
    const auto total = static_cast<int64_t>(pages->size());
    A11Y_RETURN_IF_ERROR(context.SaveCheckpoint(
        {{"pages", total}, {"child_jobs", rows->size()}, {"level", level->text}}));
    return total;
  }

  static Outcome Finish(const Job& job, const ChildJobs& children) {
    const int64_t failed = children.Count(JobStatus::kFailed);
    if (failed > 0) {
      std::string first_error;
      for (const Job& child : children.jobs) {
        if (child.status == JobStatus::kFailed && child.error) {
          first_error = child.job_id + ": " + *child.error;
          break;
        }
      }
      return Outcome::Failed(std::to_string(failed) + " of " +
                             std::to_string(children.jobs.size()) +
                             " testing jobs failed; the first: " + first_error);
    }
    return Outcome::Completed(SumResults(children, job.job_id));
  }
};

}  // namespace

std::shared_ptr<JobHandler> NewBulkTestJob() { return std::make_shared<BulkTestJob>(); }

}  // namespace a11y
