// The ResultStore conformance suite: the fence on every saved result, the owner it takes
// from its page, a page's history, a run's results and the runs' totals, tenancy, and what
// goes with a deleted website. Every test runs on every backend (tests/support/test_database.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "store/domain.h"
#include "store/domain_store.h"
#include "store/job_store.h"
#include "store/result_store.h"
#include "tests/store/domain_fixture.h"
#include "tests/store/job_store_fixture.h"

namespace a11y::testing {
namespace {

using namespace std::chrono_literals;
using Code = Status::Code;

std::vector<std::string> ResultIds(const std::vector<TestResult>& results) {
  std::vector<std::string> ids;
  for (const TestResult& r : results) ids.push_back(r.result_id);
  return ids;
}

std::vector<std::string> Sorted(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  return items;
}

class ResultStoreTest : public DomainStoreFixture {
 protected:
  using DomainStoreFixture::AddWebsite;

  ResultStore& results() { return store_->results(); }

  // A website of `owner` in a project of its own.
  Website AddWebsite(const User& owner, const std::string& name) {
    return AddWebsite(AddProject(owner, "project " + name), name);
  }

  // A testing job held by a worker: its id and lock token fence the results it saves.
  Job StartTesting() {
    const std::string job_id = NewId();
    Insert(job_id);
    return Claim(job_id, "worker-1");
  }

  // A result of `page` tested now by `job`, in the run `run_id` (the job's own by default).
  TestResult MakeResult(const Page& page, const Job& job, std::optional<std::string> run_id = {}) {
    env_.Advance(1s);
    TestResult r;
    r.result_id = NewId();
    r.page_id = page.page_id;
    r.job_id = job.job_id;
    r.run_id = run_id.value_or(job.job_id);
    r.url = page.url;
    r.tested_at = Now();
    r.duration_ms = 1250;
    r.status_code = 200;
    r.level = "AA";
    r.counts = {3, 2, 1, 4};
    r.score = 80;
    r.findings = Json::array({Json{{"rule", "image-alt"}, {"impact", "serious"}, {"count", 3}}});
    r.act = Json::array({Json{{"rule", "23a2a8"}, {"outcome", "failed"}}});
    return r;
  }

  // A result that could not be tested: no answer, an error, score 0.
  TestResult MakeFailedResult(const Page& page, const Job& job,
                              std::optional<std::string> run_id = {}) {
    TestResult r = MakeResult(page, job, std::move(run_id));
    r.status_code = std::nullopt;
    r.error = "connection refused";
    r.counts = {};
    r.score = 0;
    r.findings = Json::array();
    r.act = Json::array();
    return r;
  }

  TestResult Save(const TestResult& r, const Job& job) {
    EXPECT_OK(results().SaveResult(r, job.lock_token));
    return r;
  }

  std::vector<std::string> PageHistory(const Page& page, const Scope& scope = Scope::Admin()) {
    PageRequest all;
    all.limit = kMaxPageLimit;
    return ResultIds(Must(results().ListPageResults(page.page_id, all, scope)).items);
  }

  std::vector<std::string> RunResults(const std::string& run_id,
                                      const Scope& scope = Scope::Admin()) {
    PageRequest all;
    all.limit = kMaxPageLimit;
    return ResultIds(Must(results().ListRunResults(run_id, all, scope)).items);
  }
};

// ---------------------------------------------------------------------------------------
// Saving

TEST_P(ResultStoreTest, SavedResultTakesItsPagesOwnerAndReadsBackWhole) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  const Website site = AddWebsite(alice, "site");
  const Page page = AddPage(site, "https://site.example/");
  const Job job = StartTesting();

  TestResult tested = MakeResult(page, job);
  tested.website_id = "ignored: the page's is stored";
  tested.project_id = "ignored too";
  tested.user_id = bob.user_id;  // Not even another user's id is taken.
  tested.tested_at = Now() + 123457us;
  tested.level = "AAA";
  tested.score = 87.25;
  ASSERT_TRUE(results().SaveResult(tested, job.lock_token).ok());
  const TestResult failed = Save(MakeFailedResult(page, job), job);

  for (const Scope& scope : {Scope::User(alice.user_id), Scope::Admin()}) {
    const TestResult row = Must(results().GetResult(tested.result_id, scope));
    EXPECT_EQ(row.result_id, tested.result_id);
    EXPECT_EQ(row.page_id, page.page_id);
    EXPECT_EQ(row.website_id, site.website_id);
    EXPECT_EQ(row.project_id, site.project_id);
    EXPECT_EQ(row.user_id, alice.user_id);
    EXPECT_EQ(row.job_id, job.job_id);
    EXPECT_EQ(row.run_id, job.job_id);
    EXPECT_EQ(row.url, page.url);
    EXPECT_EQ(Rfc(row.tested_at), Rfc(tested.tested_at));
    EXPECT_EQ(row.duration_ms, 1250);
    EXPECT_EQ(row.status_code, 200);
    EXPECT_FALSE(row.error.has_value());
    EXPECT_EQ(row.level, "AAA");
    EXPECT_EQ(row.counts.errors, 3);
    EXPECT_EQ(row.counts.warnings, 2);
    EXPECT_EQ(row.counts.info, 1);
    EXPECT_EQ(row.counts.discovery, 4);
    EXPECT_DOUBLE_EQ(row.score, 87.25);
    EXPECT_EQ(row.findings, tested.findings);
    EXPECT_EQ(row.act, tested.act);
  }
  const TestResult failed_row = Must(results().GetResult(failed.result_id, Scope::Admin()));
  EXPECT_FALSE(failed_row.status_code.has_value());
  EXPECT_EQ(failed_row.error, "connection refused");
  EXPECT_DOUBLE_EQ(failed_row.score, 0);
  EXPECT_EQ(failed_row.findings, Json::array());

  EXPECT_EQ(results().SaveResult(tested, job.lock_token).code(), Code::kAlreadyExists);
  EXPECT_EQ(results().GetResult("no-such-result", Scope::Admin()).status().code(), Code::kNotFound);
}

TEST_P(ResultStoreTest, SaveResultIsFencedOnTheJobsLockToken) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(alice, "site");
  const Page page = AddPage(site, "https://site.example/");
  const Job by_a = StartTesting();
  env_.Advance(31s);
  ASSERT_EQ(Must(store_->RecoverAbandonedJobs(std::nullopt, 100)).requeued, 1);
  const Job by_b = Claim(by_a.job_id, "worker-2");
  ASSERT_GT(by_b.lock_token, by_a.lock_token);

  const TestResult stale = MakeResult(page, by_a);
  EXPECT_EQ(results().SaveResult(stale, by_a.lock_token).code(), Code::kLeaseLost);
  EXPECT_EQ(results().GetResult(stale.result_id, Scope::Admin()).status().code(), Code::kNotFound);
  EXPECT_TRUE(PageHistory(page).empty());
  EXPECT_TRUE(Must(results().TestedPageIds(by_a.job_id)).empty());

  // The new holder saves, also once cancellation was asked for (the job is cancelling);
  // once the job is finished, nobody does.
  const TestResult held = Save(MakeResult(page, by_b), by_b);
  ASSERT_TRUE(store_->RequestCancellation(by_b.job_id, "alice", Scope::Admin()).ok());
  const TestResult cancelling = Save(MakeResult(page, by_b), by_b);
  ASSERT_TRUE(FinishOne(MakeFinish(by_b.job_id, by_b.lock_token, Finish::Kind::kCancelled)).ok());
  EXPECT_EQ(results().SaveResult(MakeResult(page, by_b), by_b.lock_token).code(), Code::kLeaseLost);
  EXPECT_EQ(PageHistory(page), (std::vector<std::string>{cancelling.result_id, held.result_id}));

  // A job never claimed (token 0, pending) or one that does not exist holds nothing.
  const std::string pending_id = NewId();
  Insert(pending_id);
  TestResult by_pending = MakeResult(page, Row(pending_id));
  EXPECT_EQ(results().SaveResult(by_pending, 0).code(), Code::kLeaseLost);
  TestResult no_job = MakeResult(page, by_b);
  no_job.job_id = "no-such-job";
  EXPECT_EQ(results().SaveResult(no_job, by_b.lock_token).code(), Code::kLeaseLost);
  EXPECT_EQ(PageHistory(page).size(), 2u);
}

TEST_P(ResultStoreTest, SaveResultForAGonePageIsNotFoundUnlessTheLeaseIsLostFirst) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(alice, "site");
  const Website doomed = AddWebsite(alice, "doomed");
  const Page page = AddPage(doomed, "https://doomed.example/");
  const Job job = StartTesting();

  TestResult unknown = MakeResult(page, job);
  unknown.page_id = "no-such-page";
  EXPECT_EQ(results().SaveResult(unknown, job.lock_token).code(), Code::kNotFound);

  ASSERT_TRUE(domain().DeleteWebsite(doomed.website_id, Scope::Admin()).ok());
  const TestResult gone = MakeResult(page, job);
  EXPECT_EQ(results().SaveResult(gone, job.lock_token).code(), Code::kNotFound);
  EXPECT_EQ(results().SaveResult(gone, job.lock_token + 1).code(), Code::kLeaseLost)
      << "a worker that lost its job must hear that first";
  EXPECT_TRUE(Must(results().TestedPageIds(job.job_id)).empty());

  // The job itself is unharmed: its next page saves.
  const Page live = AddPage(site, "https://site.example/");
  Save(MakeResult(live, job), job);
  EXPECT_EQ(Must(results().TestedPageIds(job.job_id)), std::vector<std::string>{live.page_id});
}

// ---------------------------------------------------------------------------------------
// Listings

TEST_P(ResultStoreTest, PageHistoryGoesNewestFirstWithACursorAndNoDetails) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  const Website site = AddWebsite(alice, "site");
  const Page page = AddPage(site, "https://site.example/");
  const Page other = AddPage(site, "https://site.example/other");
  const Page untested = AddPage(site, "https://site.example/untested");
  std::vector<std::string> saved;
  for (int i = 0; i < 5; ++i) {
    const Job job = StartTesting();  // A run per test: the page's history over time.
    saved.push_back(Save(MakeResult(page, job), job).result_id);
    Save(MakeResult(other, job), job);
  }
  std::reverse(saved.begin(), saved.end());

  PageRequest request;
  request.limit = 2;
  std::vector<std::string> ids;
  std::vector<size_t> sizes;
  for (int guard = 0; guard < 10; ++guard) {
    const auto listing =
        Must(results().ListPageResults(page.page_id, request, Scope::User(alice.user_id)));
    sizes.push_back(listing.items.size());
    for (const TestResult& r : listing.items) {
      ids.push_back(r.result_id);
      EXPECT_EQ(r.page_id, page.page_id);
      EXPECT_EQ(r.counts.errors, 3) << "counts are listed";
      EXPECT_EQ(r.findings, Json::array()) << "findings are not";
      EXPECT_EQ(r.act, Json::array());
    }
    if (!listing.next_cursor) break;
    EXPECT_EQ(*listing.next_cursor, listing.items.back().result_id);
    request.cursor = listing.next_cursor;
  }
  EXPECT_EQ(ids, saved) << "newest first, no gaps, only this page's";
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 1}));

  EXPECT_TRUE(PageHistory(untested).empty());
  EXPECT_EQ(results().ListPageResults(page.page_id, {}, Scope::User(bob.user_id)).status().code(),
            Code::kNotFound);
  EXPECT_EQ(results().ListPageResults("no-such-page", {}, Scope::Admin()).status().code(),
            Code::kNotFound);
  request = {};
  request.limit = 0;
  EXPECT_EQ(results().ListPageResults(page.page_id, request, Scope::Admin()).status().code(),
            Code::kInvalidArgument);
}

TEST_P(ResultStoreTest, RunResultsGoOldestFirstAcrossTheRunsJobs) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(alice, "site");
  // A bulk run: two testing jobs, children of the run's job, save into the same run.
  const std::string run_id = NewId();
  const Job first = StartTesting();
  const Job second = StartTesting();
  std::vector<std::string> saved;
  for (int i = 0; i < 5; ++i) {
    const Page page = AddPage(site, "https://site.example/" + std::to_string(i));
    const Job& job = i % 2 == 0 ? first : second;
    saved.push_back(Save(MakeResult(page, job, run_id), job).result_id);
    Save(MakeResult(page, job, "another-run"), job);
  }

  PageRequest request;
  request.limit = 3;
  const auto head = Must(results().ListRunResults(run_id, request, Scope::User(alice.user_id)));
  ASSERT_TRUE(head.next_cursor.has_value());
  EXPECT_EQ(ResultIds(head.items), std::vector<std::string>(saved.begin(), saved.begin() + 3));
  for (const TestResult& r : head.items) EXPECT_EQ(r.findings, Json::array());
  request.cursor = head.next_cursor;
  const auto tail = Must(results().ListRunResults(run_id, request, Scope::Admin()));
  EXPECT_EQ(ResultIds(tail.items), std::vector<std::string>(saved.begin() + 3, saved.end()));
  EXPECT_FALSE(tail.next_cursor.has_value());

  EXPECT_TRUE(RunResults("no-such-run").empty());
  request = {};
  request.limit = kMaxPageLimit + 1;
  EXPECT_EQ(results().ListRunResults(run_id, request, Scope::Admin()).status().code(),
            Code::kInvalidArgument);
}

TEST_P(ResultStoreTest, ListRunsSumsEachRunNewestFirst) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(alice, "site");
  const Website other = AddWebsite(alice, "other");
  const Page home = AddPage(site, "https://site.example/");
  const Page about = AddPage(site, "https://site.example/about");
  const Page contact = AddPage(site, "https://site.example/contact");
  const Page elsewhere = AddPage(other, "https://other.example/");

  const Job older = StartTesting();
  const TestResult older_first = Save(MakeResult(home, older), older);
  TestResult older_last = MakeResult(about, older);
  older_last.counts = {1, 0, 0, 0};
  older_last.score = 90;
  Save(older_last, older);

  const Job newer = StartTesting();
  TestResult newer_first = MakeResult(home, newer);
  newer_first.score = 70.5;
  Save(newer_first, newer);
  Save(MakeFailedResult(about, newer), newer);  // Counted, but not in the average.
  TestResult newer_last = MakeResult(contact, newer);
  newer_last.counts = {10, 20, 30, 40};
  newer_last.score = 100;
  Save(newer_last, newer);
  Save(MakeResult(elsewhere, newer), newer);  // The same run on another website.

  const Job all_failed = StartTesting();
  const TestResult only_failure = Save(MakeFailedResult(home, all_failed), all_failed);

  const auto listing = Must(results().ListRuns(site.website_id, {}, Scope::User(alice.user_id)));
  ASSERT_EQ(listing.items.size(), 3u);
  EXPECT_FALSE(listing.next_cursor.has_value());
  const TestRunSummary& failed_run = listing.items[0];
  const TestRunSummary& newer_run = listing.items[1];
  const TestRunSummary& older_run = listing.items[2];
  EXPECT_EQ(failed_run.run_id, all_failed.job_id);
  EXPECT_EQ(newer_run.run_id, newer.job_id);
  EXPECT_EQ(older_run.run_id, older.job_id);

  EXPECT_EQ(newer_run.website_id, site.website_id);
  EXPECT_EQ(newer_run.project_id, site.project_id);
  EXPECT_EQ(newer_run.user_id, alice.user_id);
  EXPECT_EQ(newer_run.pages_tested, 3) << "only this website's results";
  EXPECT_EQ(newer_run.pages_failed, 1);
  EXPECT_EQ(newer_run.counts.errors, 13);
  EXPECT_EQ(newer_run.counts.warnings, 22);
  EXPECT_EQ(newer_run.counts.info, 31);
  EXPECT_EQ(newer_run.counts.discovery, 44);
  EXPECT_DOUBLE_EQ(newer_run.average_score, (70.5 + 100) / 2) << "the failed page is left out";
  EXPECT_EQ(Rfc(newer_run.started_at), Rfc(newer_first.tested_at));
  EXPECT_EQ(Rfc(newer_run.finished_at), Rfc(newer_last.tested_at));

  EXPECT_EQ(older_run.pages_tested, 2);
  EXPECT_EQ(older_run.pages_failed, 0);
  EXPECT_EQ(older_run.counts.errors, 4);
  EXPECT_EQ(older_run.counts.warnings, 2);
  EXPECT_DOUBLE_EQ(older_run.average_score, 85);
  EXPECT_EQ(Rfc(older_run.started_at), Rfc(older_first.tested_at));
  EXPECT_EQ(Rfc(older_run.finished_at), Rfc(older_last.tested_at));

  EXPECT_EQ(failed_run.pages_tested, 1);
  EXPECT_EQ(failed_run.pages_failed, 1);
  EXPECT_DOUBLE_EQ(failed_run.average_score, 0) << "no page was tested";
  EXPECT_EQ(Rfc(failed_run.started_at), Rfc(only_failure.tested_at));

  // One run a page, by the last run_id.
  PageRequest request;
  request.limit = 2;
  const auto head = Must(results().ListRuns(site.website_id, request, Scope::Admin()));
  ASSERT_EQ(head.items.size(), 2u);
  ASSERT_TRUE(head.next_cursor.has_value());
  EXPECT_EQ(*head.next_cursor, newer.job_id);
  request.cursor = head.next_cursor;
  const auto tail = Must(results().ListRuns(site.website_id, request, Scope::Admin()));
  ASSERT_EQ(tail.items.size(), 1u);
  EXPECT_EQ(tail.items[0].run_id, older.job_id);
  EXPECT_EQ(tail.items[0].pages_tested, 2) << "a run is summed whole on its page";
  EXPECT_FALSE(tail.next_cursor.has_value());

  const auto elsewhere_runs = Must(results().ListRuns(other.website_id, {}, Scope::Admin()));
  ASSERT_EQ(elsewhere_runs.items.size(), 1u);
  EXPECT_EQ(elsewhere_runs.items[0].pages_tested, 1);
  const Website untested = AddWebsite(alice, "untested");
  EXPECT_TRUE(Must(results().ListRuns(untested.website_id, {}, Scope::Admin())).items.empty());
  EXPECT_EQ(results().ListRuns("no-such-website", {}, Scope::Admin()).status().code(),
            Code::kNotFound);
}

TEST_P(ResultStoreTest, AnotherUsersResultsAreNotFound) {
  const User alice = AddUser("alice");
  const User bob = AddUser("bob");
  const Website site = AddWebsite(alice, "site");
  const Page page = AddPage(site, "https://site.example/");
  const Job job = StartTesting();
  const TestResult saved = Save(MakeResult(page, job), job);
  const Scope as_bob = Scope::User(bob.user_id);

  EXPECT_EQ(results().GetResult(saved.result_id, as_bob).status().code(), Code::kNotFound);
  EXPECT_EQ(results().ListPageResults(page.page_id, {}, as_bob).status().code(), Code::kNotFound);
  EXPECT_EQ(results().ListRuns(site.website_id, {}, as_bob).status().code(), Code::kNotFound);
  EXPECT_TRUE(RunResults(job.job_id, as_bob).empty()) << "another user's run lists nothing";

  const Scope as_alice = Scope::User(alice.user_id);
  EXPECT_TRUE(results().GetResult(saved.result_id, as_alice).ok());
  EXPECT_EQ(PageHistory(page, as_alice), std::vector<std::string>{saved.result_id});
  EXPECT_EQ(RunResults(job.job_id, as_alice), std::vector<std::string>{saved.result_id});
  EXPECT_EQ(Must(results().ListRuns(site.website_id, {}, as_alice)).items.size(), 1u);
}

TEST_P(ResultStoreTest, TestedPageIdsAreThePagesTheJobStoredResultsFor) {
  const User alice = AddUser("alice");
  const Website site = AddWebsite(alice, "site");
  const Page a = AddPage(site, "https://site.example/a");
  const Page b = AddPage(site, "https://site.example/b");
  const Page c = AddPage(site, "https://site.example/c");
  const Job job = StartTesting();
  const Job other = StartTesting();
  EXPECT_TRUE(Must(results().TestedPageIds(job.job_id)).empty());

  Save(MakeResult(b, job), job);
  Save(MakeFailedResult(a, job), job);  // Tried counts: a retry would fail the same way.
  Save(MakeResult(b, job), job);        // Twice (a bulk run's page listed twice): once here.
  Save(MakeResult(c, other), other);

  EXPECT_EQ(Sorted(Must(results().TestedPageIds(job.job_id))), Sorted({a.page_id, b.page_id}));
  EXPECT_EQ(Must(results().TestedPageIds(other.job_id)), std::vector<std::string>{c.page_id});
  EXPECT_TRUE(Must(results().TestedPageIds("no-such-job")).empty());
}

TEST_P(ResultStoreTest, DeletingTheWebsiteRemovesItsResults) {
  const User alice = AddUser("alice");
  const Website kept = AddWebsite(alice, "kept");
  const Website doomed = AddWebsite(alice, "doomed");
  const Page kept_page = AddPage(kept, "https://kept.example/");
  const Page doomed_page = AddPage(doomed, "https://doomed.example/");
  const Job job = StartTesting();
  const TestResult kept_result = Save(MakeResult(kept_page, job), job);
  const TestResult doomed_result = Save(MakeResult(doomed_page, job), job);

  ASSERT_TRUE(domain().DeleteWebsite(doomed.website_id, Scope::Admin()).ok());

  EXPECT_EQ(results().GetResult(doomed_result.result_id, Scope::Admin()).status().code(),
            Code::kNotFound);
  EXPECT_EQ(results().ListRuns(doomed.website_id, {}, Scope::Admin()).status().code(),
            Code::kNotFound);
  EXPECT_EQ(RunResults(job.job_id), std::vector<std::string>{kept_result.result_id});
  EXPECT_EQ(Must(results().TestedPageIds(job.job_id)), std::vector<std::string>{kept_page.page_id});
  EXPECT_EQ(Must(results().ListRuns(kept.website_id, {}, Scope::Admin())).items.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ResultStoreTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace a11y::testing
