// The testing and bulk_test jobs end to end on each backend: a worker runs them against
// nginx serving pages written here, and the results, their history, the runs' totals and
// the jobs' progress land in the database.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include "jobs/job_family.h"
#include "jobs/job_manager.h"
#include "jobs/worker.h"
#include "store/result_store.h"
#include "testing/testing_jobs.h"
#include "tests/discovery/crawl_fixture.h"
#include "tests/support/process.h"
#include "tests/support/scripted_server.h"

namespace a11y::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A page with two errors everybody checks for: an image without alt text and no language.
constexpr const char* kBrokenPage =
    "<!doctype html><html><head><title>Broken</title></head><body><main><h1>Broken</h1>"
    "<img src=\"a.png\"><p>Text</p></main></body></html>";
constexpr const char* kCleanPage =
    "<!doctype html><html lang=\"en\"><head><title>Clean</title></head><body><main>"
    "<h1>Clean</h1><img src=\"a.png\" alt=\"A chart of sales\"><p>Text</p></main></body></html>";
// Grey on white, 2.3:1: fails 1.4.3 (level AA), which a level-A project does not test.
constexpr const char* kLowContrastPage =
    "<!doctype html><html lang=\"en\"><head><title>Faint</title></head><body><main>"
    "<h1>Faint</h1><p style=\"color:#999;background:#fff\">Hard to read</p></main></body></html>";

bool HasCode(const Json& findings, const std::string& code) {
  for (const Json& finding : findings) {
    if (finding.value("code", "") == code) return true;
  }
  return false;
}

bool HasCriterion(const Json& findings, const std::string& criterion) {
  for (const Json& finding : findings) {
    for (const Json& wcag : finding.value("wcag", Json::array())) {
      if (wcag == criterion) return true;
    }
  }
  return false;
}

class TestingJobsTest : public CrawlJobFixture {
 protected:
  void SetUp() override {
    CrawlJobFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    TestingOptions options;
    options.fetch = LoopbackFetch();
    RegisterTestingHandlers(&handlers_, options);
    website_ = NewWebsite(store_->domain(), base_ + "/");
  }

  // Writes `html` at `path` under nginx's folder (unless empty) and adds the page at
  // `base` + `path` (nginx's by default) to the website.
  std::string AddPage(const std::string& path, const std::string& html, std::string base = "") {
    if (!html.empty()) {
      fs::create_directories((site_dir_ / path.substr(1)).parent_path());
      std::ofstream(site_dir_ / path.substr(1)) << html;
    }
    const TimePoint now = Env::Default()->Now();
    Page page;
    page.page_id = NewSortableId(now);
    page.website_id = website_.website_id;
    page.user_id = website_.user_id;
    page.url = (base.empty() ? base_ : base) + path;
    page.first_seen_at = page.last_seen_at = now;
    EXPECT_TRUE(store_->domain().AddPage(page).ok());
    return page.page_id;
  }

  std::string Start(const std::string& type, Json metadata, std::string website_id = "") {
    CreateJobRequest request;
    request.job_type = type;
    request.website_id = website_id.empty() && type == "testing" ? website_.website_id : website_id;
    request.project_id = website_.project_id;
    request.user_id = website_.user_id;
    request.session_id = "session-1";
    request.metadata = std::move(metadata);
    auto job = manager_->CreateJob(request);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? job->job_id : "";
  }

  // The page's latest stored result, findings included.
  TestResult Latest(const std::string& page_id) {
    auto history = store_->results().ListPageResults(page_id, {}, Scope::Admin());
    EXPECT_TRUE(history.ok() && !history->items.empty());
    if (!history.ok() || history->items.empty()) return {};
    return *store_->results().GetResult(history->items.front().result_id, Scope::Admin());
  }

  void SetProjectLevel(const std::string& level) {
    auto project = store_->domain().GetProject(website_.project_id, Scope::Admin());
    ASSERT_TRUE(project.ok());
    project->wcag_level = level;
    ASSERT_TRUE(store_->domain().UpdateProject(*project, Scope::Admin()).ok());
  }

  Website website_;
};

TEST_P(TestingJobsTest, StoresAResultPerPageWithFindingsScoreAndHistory) {
  const std::string broken = AddPage("/broken.html", kBrokenPage);
  const std::string clean = AddPage("/clean.html", kCleanPage);
  const std::string gone = AddPage("/gone.html", "");  // Never written: nginx answers 404.
  StartWorker(2);
  const Json pages = {broken, clean, gone};
  const std::string first = Start("testing", {{"page_ids", pages}});
  Job job = WaitFinished(first);
  ASSERT_EQ(job.status, JobStatus::kCompleted) << job.error.value_or("");
  EXPECT_EQ((*job.result)["pages_tested"], 3);
  EXPECT_EQ((*job.result)["pages_failed"], 1);
  EXPECT_EQ(job.progress.current, 3);
  EXPECT_EQ(job.progress.total, 3);

  const TestResult bad = Latest(broken);
  EXPECT_EQ(bad.job_id, first);
  EXPECT_EQ(bad.run_id, first) << "a testing job on its own is its own run";
  EXPECT_EQ(bad.status_code, 200);
  EXPECT_TRUE(HasCode(bad.findings, "ErrImageWithNoAlt")) << bad.findings.dump();
  EXPECT_TRUE(HasCode(bad.findings, "ErrNoPageLanguage")) << bad.findings.dump();
  EXPECT_GE(bad.counts.errors, 2);
  EXPECT_FALSE(bad.act.empty());
  const TestResult good = Latest(clean);
  EXPECT_FALSE(HasCode(good.findings, "ErrImageWithNoAlt"));
  EXPECT_FALSE(HasCode(good.findings, "ErrNoPageLanguage"));
  EXPECT_GT(good.score, bad.score);
  const TestResult missing = Latest(gone);
  EXPECT_EQ(missing.status_code, 404);
  EXPECT_EQ(missing.error.value_or(""), "HTTP 404");
  EXPECT_TRUE(missing.findings.empty());

  // A second run adds to the history instead of replacing it.
  const std::string second = Start("testing", {{"page_ids", pages}});
  ASSERT_EQ(WaitFinished(second).status, JobStatus::kCompleted);
  auto history = store_->results().ListPageResults(broken, {}, Scope::Admin());
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->items.size(), 2u);
  EXPECT_EQ(history->items[0].job_id, second) << "newest first";
  EXPECT_EQ(history->items[1].job_id, first);
  auto runs = store_->results().ListRuns(website_.website_id, {}, Scope::Admin());
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->items.size(), 2u);
  EXPECT_EQ(runs->items[0].run_id, second);
  EXPECT_EQ(runs->items[0].pages_tested, 3);
  EXPECT_EQ(runs->items[0].pages_failed, 1);
  EXPECT_EQ(runs->items[0].counts.errors, bad.counts.errors + good.counts.errors);
}

TEST_P(TestingJobsTest, TestsAtTheProjectsWcagLevel) {
  const std::string faint = AddPage("/faint.html", kLowContrastPage);
  StartWorker(1);
  SetProjectLevel("A");
  ASSERT_EQ(WaitFinished(Start("testing", {{"page_ids", {faint}}})).status, JobStatus::kCompleted);
  const TestResult at_a = Latest(faint);
  EXPECT_EQ(at_a.level, "A");
  EXPECT_FALSE(HasCriterion(at_a.findings, "1.4.3")) << at_a.findings.dump();

  SetProjectLevel("AA");
  ASSERT_EQ(WaitFinished(Start("testing", {{"page_ids", {faint}}})).status, JobStatus::kCompleted);
  const TestResult at_aa = Latest(faint);
  EXPECT_EQ(at_aa.level, "AA");
  EXPECT_TRUE(HasCriterion(at_aa.findings, "1.4.3")) << at_aa.findings.dump();
}

TEST_P(TestingJobsTest, BulkTestFansOutChildrenAndSumsThem) {
  std::set<std::string> page_ids;
  for (int i = 0; i < 23; ++i) {
    page_ids.insert(AddPage("/p" + std::to_string(i) + ".html", i % 2 ? kBrokenPage : kCleanPage));
  }
  StartWorker(3);
  const std::string bulk = Start("bulk_test", {{"chunk_size", 5}}, website_.website_id);
  const Job job = WaitFinished(bulk);
  ASSERT_EQ(job.status, JobStatus::kCompleted) << job.error.value_or("");
  EXPECT_EQ((*job.result)["pages_tested"], 23);
  EXPECT_EQ((*job.result)["child_jobs"], 5);
  EXPECT_EQ(job.progress.current, 23) << "the parent's progress sums its children's";
  EXPECT_EQ(job.progress.total, 23);

  auto children = ListChildJobs(*store_, bulk);
  ASSERT_TRUE(children.ok());
  ASSERT_EQ(children->jobs.size(), 5u);
  std::set<std::string> tested;
  for (const Job& child : children->jobs) {
    EXPECT_EQ(child.job_type, "testing");
    EXPECT_EQ(child.status, JobStatus::kCompleted);
    EXPECT_EQ(child.user_id, website_.user_id);
    EXPECT_EQ(child.session_id, "session-1");
    for (const Json& id : child.metadata["page_ids"]) tested.insert(id.get<std::string>());
  }
  EXPECT_EQ(tested, page_ids) << "every page in exactly one child";

  auto runs = store_->results().ListRuns(website_.website_id, {}, Scope::Admin());
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->items.size(), 1u);
  EXPECT_EQ(runs->items[0].run_id, bulk) << "the children's results are the parent's run";
  EXPECT_EQ(runs->items[0].pages_tested, 23);
  EXPECT_EQ(runs->items[0].counts.errors, (*job.result)["counts"]["errors"].get<int64_t>());
}

// A bulk_test that names no website tests every website of its project; a child tests
// one website's pages, so chunks never span two websites.
TEST_P(TestingJobsTest, ABulkTestOfAProjectTestsThePagesOfEveryWebsite) {
  for (int i = 0; i < 3; ++i) AddPage("/one" + std::to_string(i) + ".html", kCleanPage);
  Website second = website_;
  second.website_id = NewSortableId(Env::Default()->Now());
  second.name = "second";
  ASSERT_TRUE(store_->domain().CreateWebsite(second).ok());
  const Website first = std::exchange(website_, second);
  for (int i = 0; i < 2; ++i) AddPage("/two" + std::to_string(i) + ".html", kBrokenPage);
  website_ = first;

  StartWorker(2);
  const std::string bulk = Start("bulk_test", {{"chunk_size", 10}});  // No website.
  const Job job = WaitFinished(bulk);
  ASSERT_EQ(job.status, JobStatus::kCompleted) << job.error.value_or("");
  EXPECT_EQ((*job.result)["pages_tested"], 5);
  auto children = ListChildJobs(*store_, bulk);
  ASSERT_TRUE(children.ok());
  ASSERT_EQ(children->jobs.size(), 2u) << "one chunk per website";
  std::set<std::string> websites;
  for (const Job& child : children->jobs) websites.insert(child.website_id);
  EXPECT_EQ(websites, (std::set<std::string>{first.website_id, second.website_id}));
  for (const Website& website : {first, second}) {
    auto runs = store_->results().ListRuns(website.website_id, {}, Scope::Admin());
    ASSERT_TRUE(runs.ok());
    ASSERT_EQ(runs->items.size(), 1u);
    EXPECT_EQ(runs->items[0].run_id, bulk);
    EXPECT_EQ(runs->items[0].pages_tested, website.website_id == first.website_id ? 3 : 2);
  }
}

// The server answers the first four page requests and stalls every later one until it
// stops. One worker slot serves the parent and its children (the parent gives its slot
// back while it waits), so children run one at a time, two pages each: exactly two
// complete, the third hangs in its fetches, the rest wait. Cancelling the parent must
// abort the hanging fetches and cancel every child left.
TEST_P(TestingJobsTest, CancellingABulkTestCancelsItsChildrenAndKeepsTheirResults) {
  ScriptedServer server;
  std::atomic<int> requests{0};
  server.RoutePrefix("/", [&](const ScriptedRequest&, ScriptedReply& reply) {
    if (++requests <= 4) {
      reply.Write(ScriptedServer::Response(200, "text/html", kBrokenPage));
    } else {
      reply.Pause(std::chrono::minutes(5));  // Until the server stops.
    }
  });
  for (int i = 0; i < 60; ++i) AddPage("/p" + std::to_string(i) + ".html", "", server.base_url());
  StartWorker(1);
  const std::string bulk = Start("bulk_test", {{"chunk_size", 2}}, website_.website_id);
  ASSERT_TRUE(WaitUntil([&] { return requests.load() >= 6; }, 60s)) << "a third child is fetching";
  ASSERT_TRUE(manager_->RequestCancellation(bulk, "owner").ok());
  EXPECT_EQ(WaitFinished(bulk).status, JobStatus::kCancelled);

  ChildJobs children;
  ASSERT_TRUE(WaitUntil([&] {
    auto listed = ListChildJobs(*store_, bulk);
    if (listed.ok()) children = std::move(*listed);
    return listed.ok() && children.AllFinished();
  }, 60s)) << "the hanging child's fetches are aborted";
  EXPECT_EQ(children.jobs.size(), 30u);
  EXPECT_EQ(children.Count(JobStatus::kCompleted), 2);
  EXPECT_EQ(children.Count(JobStatus::kCancelled), 28);
  auto runs = store_->results().ListRuns(website_.website_id, {}, Scope::Admin());
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->items.size(), 1u);
  EXPECT_EQ(runs->items[0].pages_tested, 4) << "results stored before the cancel stay";
}

TEST_P(TestingJobsTest, ABulkTestFailsWhenItsChildrenFail) {
  for (int i = 0; i < 4; ++i) AddPage("/gone" + std::to_string(i) + ".html", "");  // All 404.
  StartWorker(3);
  const Job job = WaitFinished(Start("bulk_test", {{"chunk_size", 2}}, website_.website_id));
  EXPECT_EQ(job.status, JobStatus::kFailed);
  EXPECT_NE(job.error.value_or("").find("2 of 2 testing jobs failed"), std::string::npos)
      << job.error.value_or("");
  EXPECT_NE(job.error.value_or("").find("HTTP 404"), std::string::npos) << job.error.value_or("");
}

TEST_P(TestingJobsTest, ABulkTestOfAWebsiteWithoutPagesFailsWithAClearReason) {
  StartWorker(1);
  const Job job = WaitFinished(Start("bulk_test", Json::object(), website_.website_id));
  EXPECT_EQ(job.status, JobStatus::kFailed);
  EXPECT_NE(job.error.value_or("").find("no pages to test"), std::string::npos)
      << job.error.value_or("");
}

TEST_P(TestingJobsTest, ATestingJobRefusesPrivateAddressesByDefault) {
  const std::string page = AddPage("/clean.html", kCleanPage);
  handlers_ = HandlerRegistry();
  RegisterTestingHandlers(&handlers_, TestingOptions{});  // The default: public only.
  StartWorker(1);
  const Job job = WaitFinished(Start("testing", {{"page_ids", {page}}}));
  EXPECT_EQ(job.status, JobStatus::kFailed);
  EXPECT_NE(job.error.value_or("").find("loopback address"), std::string::npos)
      << job.error.value_or("");
  EXPECT_TRUE(nginx_->AccessLog().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, TestingJobsTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace a11y::testing
