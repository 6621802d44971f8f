// ResultStore: what the testing jobs leave behind — one test result per page tested, kept
// as history (a page's results over time) and summed per run (a website's totals each
// time it was tested). Each backend implements it beside its DiscoveryStore; the
// conformance suite in tests/store runs the same tests against both.
//
// A run is the job that asked for the tests: the bulk_test job that fanned out the
// testing jobs, or a testing job started on its own. Its id is that job's id, so runs
// sort by when they were asked for.
//
// Tenancy: reads on behalf of a user take a Scope (another user's result is kNotFound).
// Writes come from the testing job, which acts for the website's owner.
//
// Thread safety: every method may be called from any thread at any time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/domain.h"
#include "store/domain_store.h"
#include "store/job_store.h"

namespace a11y {

// Findings of a page by type.
struct FindingCounts {
  int64_t errors = 0;
  int64_t warnings = 0;
  int64_t info = 0;
  int64_t discovery = 0;
  Json ToJson() const;
};

struct TestResult {
  std::string result_id;
  std::string page_id;
  std::string website_id;  // These three are the page's; the store sets them.
  std::string project_id;
  std::string user_id;
  std::string job_id;  // The testing job that tested the page.
  std::string run_id;  // The run it belongs to (see above).
  std::string url;     // What was fetched: the page's URL at the time.
  TimePoint tested_at{};
  int64_t duration_ms = 0;                // Fetch and check.
  std::optional<int> status_code;         // Absent when no HTTP answer came.
  std::optional<std::string> error;       // Why the page could not be tested, when it could not.
  std::string level = "AA";               // The WCAG level the page was checked at.
  FindingCounts counts;
  double score = 0;                       // 0..100; 0 when the page could not be tested.
  Json findings = Json::array();          // The checker's findings (report_json.h shape).
  Json act = Json::array();               // The checker's ACT outcomes.
  // The API representation; findings and act only `with_details` (lists leave them out).
  Json ToJson(bool with_details = false) const;
};

// A run's totals over the results stored so far.
struct TestRunSummary {
  std::string run_id;
  std::string website_id;
  std::string project_id;
  std::string user_id;
  int64_t pages_tested = 0;  // Results stored, tested or not.
  int64_t pages_failed = 0;  // Results with an error: pages that could not be tested.
  FindingCounts counts;      // Summed over the run's results.
  double average_score = 0;  // Mean score of the pages that were tested (no error).
  TimePoint started_at{};    // The first result's tested_at.
  TimePoint finished_at{};   // The last result's tested_at.
  Json ToJson() const;
};

std::string ResultNotFound(const std::string& result_id);
std::string PageNotFound(const std::string& page_id);

class ResultStore {
 public:
  virtual ~ResultStore() = default;

  // Stores `result` (with result_id, page_id, job_id, run_id and the rest set by the
  // caller) only while job result.job_id still has lock_token `token` and is running or
  // cancelling: kLeaseLost and nothing written otherwise. The stored website_id,
  // project_id and user_id are the page's: kNotFound when the page is gone.
  // kAlreadyExists when result_id is taken.
  virtual Status SaveResult(const TestResult& result, int64_t token) = 0;

  // One result, findings and ACT outcomes included.
  virtual Result<TestResult> GetResult(const std::string& result_id, const Scope& scope) = 0;

  // The page's results, newest first, without findings and ACT outcomes (empty arrays).
  // kNotFound when the page is not in scope.
  virtual Result<Listing<TestResult>> ListPageResults(const std::string& page_id,
                                                      const PageRequest& page,
                                                      const Scope& scope) = 0;

  // The results of run `run_id`, oldest first, without findings and ACT outcomes. An
  // unknown run (or another user's) is an empty listing.
  virtual Result<Listing<TestResult>> ListRunResults(const std::string& run_id,
                                                     const PageRequest& page,
                                                     const Scope& scope) = 0;

  // The website's runs with their totals, newest first (cursor: the last run_id).
  // kNotFound when the website is not in scope.
  virtual Result<Listing<TestRunSummary>> ListRuns(const std::string& website_id,
                                                   const PageRequest& page,
                                                   const Scope& scope) = 0;

  // The ids of the pages job `job_id` has stored results for: what a testing job taken
  // over after a crash need not test again.
  virtual Result<std::vector<std::string>> TestedPageIds(const std::string& job_id) = 0;
};

}  // namespace a11y
