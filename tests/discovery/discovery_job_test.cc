// The discovery job end to end on each backend: a worker runs ScrapingJob against nginx
// serving a generated site, and the pages, the run, the documents and the job's progress
// land in the database.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "discovery/scraping_job.h"
#include "jobs/job_manager.h"
#include "jobs/worker.h"
#include "store/discovery_store.h"
#include "store/domain_store.h"
#include "tests/discovery/crawl_fixture.h"
#include "tests/support/nginx_server.h"
#include "tests/support/process.h"
#include "tests/support/test_database.h"

namespace a11y::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class DiscoveryJobTest : public CrawlJobFixture {
 protected:
  void SetUp() override {
    CrawlJobFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    DiscoveryOptions options;
    options.fetch = LoopbackFetch();
    RegisterDiscoveryHandler(&handlers_, options);
    website_ = NewWebsite(store_->domain(), base_ + "/");
  }

  std::string StartDiscovery(const CrawlSettings& settings) {
    auto job = manager_->CreateJob(DiscoveryRequest(website_, settings));
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? job->job_id : "";
  }

  std::map<std::string, Page> StoredPages() {
    return testing::StoredPages(store_->domain(), website_.website_id);
  }
  std::set<std::string> PresentUrls() {
    return testing::PresentUrls(store_->domain(), website_.website_id);
  }

  Website website_;
};

TEST_P(DiscoveryJobTest, StoresEveryPageTheRunAndTheDocumentsWithProgressDetails) {
  SiteSpec spec;
  spec.pages = 80;
  spec.documents = 4;
  const GeneratedSite site = GenerateSite(site_dir_, base_, spec);
  StartWorker(2);
  const Job job = WaitFinished(StartDiscovery(LoopbackSettings()));
  ASSERT_EQ(job.status, JobStatus::kCompleted) << job.error.value_or("");

  const std::set<std::string> expected = ExpectedUrls(site, base_);
  EXPECT_EQ(PresentUrls(), expected);
  const auto total = static_cast<int64_t>(expected.size());
  ASSERT_TRUE(job.result);
  EXPECT_EQ((*job.result)["pages_found"], total);
  EXPECT_EQ((*job.result)["pages_processed"], total);
  EXPECT_EQ((*job.result)["pages_failed"], 0);
  EXPECT_EQ((*job.result)["documents_found"], 4);
  EXPECT_TRUE((*job.result)["duration_seconds"].is_number());

  // The last progress written: exactly the details the issue names, and the message.
  EXPECT_EQ(job.progress.message, "Found " + std::to_string(total) + " pages, processed " +
                                      std::to_string(total));
  std::set<std::string> keys;
  for (const auto& [key, value] : job.progress.details.items()) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{"pages_found", "pages_processed", "current_depth",
                                         "queue_size", "pages_failed", "last_failed_url",
                                         "last_failed_reason"}));
  EXPECT_EQ(job.progress.details["pages_processed"], total);
  EXPECT_EQ(job.progress.details["queue_size"], 0);

  auto runs = store_->discovery().ListRuns(website_.website_id, {}, Scope::User(website_.user_id));
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  ASSERT_EQ(runs->items.size(), 1u);
  const DiscoveryRun& run = runs->items.front();
  EXPECT_EQ(run.status, "completed");
  EXPECT_EQ(run.job_id, job.job_id);
  EXPECT_EQ(run.session_id, "session-1");
  EXPECT_EQ(run.counts.pages_processed, total);
  EXPECT_TRUE(run.finished_at);

  auto documents = store_->discovery().ListDocuments(website_.website_id, {}, Scope::Admin());
  ASSERT_TRUE(documents.ok());
  EXPECT_EQ(documents->items.size(), 4u);

  // Another user sees none of it.
  EXPECT_EQ(store_->discovery().ListRuns(website_.website_id, {}, Scope::User("someone")).status().code(),
            Status::Code::kNotFound);
}

TEST_P(DiscoveryJobTest, ARerunUpdatesPagesInPlaceAndMarksThoseNoLongerFound) {
  SiteSpec spec;
  spec.pages = 60;
  spec.cross_links_per_page = 0;  // A tree: cutting it cuts whole branches off.
  GenerateSite(site_dir_, base_, spec);
  StartWorker(2);
  ASSERT_EQ(WaitFinished(StartDiscovery(LoopbackSettings())).status, JobStatus::kCompleted);
  const std::map<std::string, Page> before = StoredPages();

  fs::remove_all(site_dir_);
  fs::create_directories(site_dir_);
  spec.pages = 20;
  const GeneratedSite smaller = GenerateSite(site_dir_, base_, spec);
  const Job second = WaitFinished(StartDiscovery(LoopbackSettings()));
  ASSERT_EQ(second.status, JobStatus::kCompleted) << second.error.value_or("");

  const std::map<std::string, Page> after = StoredPages();
  EXPECT_EQ(after.size(), before.size()) << "pages are updated in place, never duplicated";
  EXPECT_EQ(PresentUrls(), ExpectedUrls(smaller, base_));
  int missing = 0;
  for (const auto& [url, page] : after) {
    EXPECT_EQ(page.page_id, before.at(url).page_id) << url;
    EXPECT_EQ(page.first_seen_at, before.at(url).first_seen_at) << url;
    if (page.missing) {
      ++missing;
      EXPECT_EQ(page.last_seen_at, before.at(url).last_seen_at) << url;
    } else {
      EXPECT_GT(page.last_seen_at, before.at(url).last_seen_at) << url;
    }
  }
  EXPECT_EQ(missing, static_cast<int>(before.size()) - 20);
  EXPECT_EQ((*second.result)["pages_missing"], missing);
}

TEST_P(DiscoveryJobTest, CancellingStopsTheCrawlAndKeepsThePagesFound) {
  GenerateSite(site_dir_, base_, SiteOf(300));
  CrawlSettings slow = LoopbackSettings();
  slow.requests_per_second = 20;
  slow.concurrency = 2;
  StartWorker(2);
  const std::string job_id = StartDiscovery(slow);
  ASSERT_TRUE(WaitUntil([&] {
    return manager_->GetJob(job_id)->progress.details.value("pages_processed", 0) >= 10;
  }, 30s));
  ASSERT_TRUE(manager_->RequestCancellation(job_id, "owner").ok());
  const Job job = WaitFinished(job_id);
  EXPECT_EQ(job.status, JobStatus::kCancelled);

  auto runs = store_->discovery().ListRuns(website_.website_id, {}, Scope::Admin());
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->items.size(), 1u);
  const DiscoveryRun& run = runs->items.front();
  EXPECT_EQ(run.status, "cancelled");
  EXPECT_LT(run.counts.pages_processed, 300);
  const std::map<std::string, Page> pages = StoredPages();
  EXPECT_EQ(static_cast<int64_t>(pages.size()), run.counts.pages_processed)
      << "every page fetched before the cancel is kept";
  for (const auto& [url, page] : pages) EXPECT_FALSE(page.missing) << url;
}

TEST_P(DiscoveryJobTest, AStartUrlOnAPrivateAddressFailsTheJobWithTheReason) {
  GenerateSite(site_dir_, base_, SiteOf(5));
  handlers_ = HandlerRegistry();
  RegisterDiscoveryHandler(&handlers_, DiscoveryOptions{});  // The default: public only.
  StartWorker(2);
  const Job job = WaitFinished(StartDiscovery(LoopbackSettings()));
  EXPECT_EQ(job.status, JobStatus::kFailed);
  EXPECT_NE(job.error.value_or("").find("loopback address"), std::string::npos)
      << job.error.value_or("");
  EXPECT_TRUE(nginx_->AccessLog().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, DiscoveryJobTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace a11y::testing
