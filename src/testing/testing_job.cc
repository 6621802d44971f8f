// The `testing` job (see testing_jobs.h).
#include <chrono>
#include <set>

#include "checks/checker.h"
#include "checks/report_json.h"
#include "core/ids.h"
#include "discovery/fetch_pages.h"
#include "store/domain_store.h"
#include "store/job_store.h"
#include "store/result_store.h"
#include "testing/page_score.h"
#include "testing/testing_jobs.h"
#include "testing/testing_support.h"

namespace a11y {
namespace {

using Clock = std::chrono::steady_clock;

// What one attempt of the job did, for its progress and its result.
struct Tally {
  int64_t pages_total = 0;
  int64_t pages_done = 0;     // Stored now or by an earlier attempt, or skipped.
  int64_t pages_tested = 0;   // Stored by this attempt.
  int64_t pages_failed = 0;   // Of those, pages that could not be tested.
  int64_t pages_skipped = 0;  // Deleted before they were tested.
  int64_t pages_resumed = 0;  // Stored by an earlier attempt.
  FindingCounts counts;
  double score_sum = 0;  // Over the pages tested without error.
  std::string last_url;
  std::string last_error;

  Json ToJson() const {
    const int64_t scored = pages_tested - pages_failed;
    return Json{{"pages_total", pages_total},
                {"pages_tested", pages_tested},
                {"pages_failed", pages_failed},
                {"pages_skipped", pages_skipped},
                {"pages_resumed", pages_resumed},
                {"counts", counts.ToJson()},
                {"pages_scored", scored},
                {"average_score", scored > 0 ? score_sum / scored : 0.0}};
  }
};

int64_t MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

class TestingJob : public JobHandler {
 public:
  explicit TestingJob(TestingOptions options) : options_(std::move(options)) {}

  Outcome Run(JobContext& context) override {
    const Job& job = context.job();
    std::vector<std::string> page_ids;
    if (Status read = ReadPageIds(job.metadata, &page_ids); !read.ok()) {
      return Outcome::Failed(read.message());
    }
    auto level = ResolveTestLevel(context.store().domain(), job);
    if (!level.ok()) return Outcome::FailOrRetry(level.status());
    auto stored = context.store().results().TestedPageIds(job.job_id);
    if (!stored.ok()) return Outcome::Retry(stored.status().ToString());
    const std::set<std::string> already(stored->begin(), stored->end());

    Tally tally;
    tally.pages_total = static_cast<int64_t>(page_ids.size());
    std::vector<Page> pages;
    for (const std::string& page_id : page_ids) {
      if (already.count(page_id)) {
        ++tally.pages_resumed;
        ++tally.pages_done;
        continue;
      }
      auto page = context.store().domain().GetPage(page_id, Scope::Admin());
      if (page.ok() && page->website_id == job.website_id) {
        pages.push_back(std::move(*page));
      } else if (page.ok() || page.status().code() == Status::Code::kNotFound) {
        ++tally.pages_skipped;  // Deleted since the job was created (or never this site's).
        ++tally.pages_done;
      } else {
        return Outcome::Retry(page.status().ToString());
      }
    }
    Report(context, tally);

    CancellationToken& cancel = context.cancellation();
    const size_t batch_size = static_cast<size_t>(std::max(1, options_.fetch_concurrency)) * 2;
    for (size_t first = 0; first < pages.size(); first += batch_size) {
      if (cancel.IsCancelled()) return Outcome::Cancelled();
      const size_t end = std::min(pages.size(), first + batch_size);
      std::vector<std::string> urls;
      for (size_t i = first; i < end; ++i) urls.push_back(pages[i].url);
      std::vector<FetchResult> fetched = FetchPages(urls, options_.fetch, options_.fetch_concurrency,
                                                    [&] { return cancel.IsCancelled(); });
      if (cancel.IsCancelled()) return Outcome::Cancelled();
      for (size_t i = first; i < end; ++i) {
        if (cancel.IsCancelled()) return Outcome::Cancelled();
        const TestResult result = TestPage(context, pages[i], fetched[i - first], *level);
        const Status saved = context.store().results().SaveResult(result, job.lock_token);
        if (saved.code() == Status::Code::kLeaseLost) return Outcome::Cancelled();
        ++tally.pages_done;
        if (saved.code() == Status::Code::kNotFound) {
          ++tally.pages_skipped;
          continue;
        }
        if (!saved.ok()) return Outcome::Retry("storing a test result failed: " + saved.ToString());
        Count(result, &tally);
        Report(context, tally);
      }
    }
    // A site that answered nothing usable fails the job, as discovery does: a server
    // that is down is worth an alarm, not a run of empty results.
    if (tally.pages_tested > 0 && tally.pages_failed == tally.pages_tested) {
      return Outcome::Failed("no page could be tested; the last failure: " + tally.last_url +
                             ": " + tally.last_error);
    }
    Json result = tally.ToJson();
    result["run_id"] = RunIdOf(job);
    result["level"] = level->text;
    return Outcome::Completed(std::move(result));
  }

 private:
  TestResult TestPage(JobContext& context, const Page& page, FetchResult& fetched,
                      const TestLevel& level) {
    const Job& job = context.job();
    const Clock::time_point start = Clock::now();
    TestResult result;
    result.result_id = NewSortableId(context.env().Now());
    result.page_id = page.page_id;
    result.job_id = job.job_id;
    result.run_id = RunIdOf(job);
    result.url = page.url;
    result.level = level.text;
    if (fetched.status_code > 0) result.status_code = fetched.status_code;
    if (auto unusable = UnusablePage(fetched)) {
      result.error = *unusable;
    } else {
      checks::CheckOptions check;
      check.level = level.level;
      checks::PageReport report = checks::CheckHtml(std::move(fetched.body), check);
      result.counts = {report.errors, report.warnings, report.infos, report.discoveries};
      result.score = PageScore(report);
      Json json = checks::ReportToJson<Json>(page.url, std::move(report));
      result.findings = std::move(json["findings"]);
      result.act = std::move(json["act"]);
    }
    const auto fetch_ms = std::chrono::duration_cast<std::chrono::milliseconds>(fetched.elapsed);
    result.duration_ms = fetch_ms.count() + MillisSince(start);
    result.tested_at = context.env().Now();
    return result;
  }

  static void Count(const TestResult& result, Tally* tally) {
    ++tally->pages_tested;
    tally->last_url = result.url;
    if (result.error) {
      ++tally->pages_failed;
      tally->last_error = *result.error;
      return;
    }
    tally->counts.errors += result.counts.errors;
    tally->counts.warnings += result.counts.warnings;
    tally->counts.info += result.counts.info;
    tally->counts.discovery += result.counts.discovery;
    tally->score_sum += result.score;
  }

  static void Report(JobContext& context, const Tally& tally) {
    Json details = tally.ToJson();
    details["last_url"] = tally.last_url;
    context.ReportProgress(tally.pages_done, tally.pages_total,
                           "Tested " + std::to_string(tally.pages_done) + " of " +
                               std::to_string(tally.pages_total) + " pages",
                           std::move(details));
  }

  TestingOptions options_;
};

}  // namespace

void RegisterTestingHandlers(HandlerRegistry* registry, TestingOptions options) {
  registry->Register("testing", std::make_shared<TestingJob>(options));
  registry->Register("bulk_test", NewBulkTestJob());
}

}  // namespace a11y
