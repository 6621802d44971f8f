// kill -9 a worker in the middle of a crawl: the next worker takes the job over when the
// lease expires and continues from the checkpoint. It must find exactly the pages an
// uninterrupted crawl finds, and fetch again only pages the dead worker had not stored.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <map>
#include <set>

#include "jobs/job_manager.h"
#include "store/discovery_store.h"
#include "tests/discovery/crawl_fixture.h"
#include "tests/support/nginx_server.h"
#include "tests/support/process.h"
#include "tests/support/test_database.h"

namespace a11y::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class DiscoveryResumeTest : public CrawlJobFixture {
 protected:
  void TearDown() override {
    workers_.clear();
    CrawlJobFixture::TearDown();
  }

  // A worker process (the fixture's StartWorker runs one in this process).
  ChildProcess* StartWorker(const std::string& id) {
    workers_.push_back(std::make_unique<ChildProcess>(
        std::vector<std::string>{Binary(), "--database", db_->url(), "worker", "--id", id,
                                 "--lease", "2s", "--crawler-allow-network", "127.0.0.0/8"},
        (dir_ / (id + ".log")).string()));
    EXPECT_TRUE(workers_.back()->started());
    return workers_.back().get();
  }

  std::vector<std::unique_ptr<ChildProcess>> workers_;
};

TEST_P(DiscoveryResumeTest, AKilledWorkersCrawlResumesWithoutStartingOver) {
  const std::string base = nginx_->base_url();
  const GeneratedSite site = GenerateSite(site_dir_, base, SiteOf(400));
  CrawlSettings settings = LoopbackSettings();
  settings.requests_per_second = 100;  // About four seconds: time to kill it halfway.
  settings.concurrency = 4;

  // The reference: one uninterrupted crawl.
  const Website reference = NewWebsite(store_->domain(), base + "/", "reference");
  StartWorker("reference");
  const std::string reference_job =
      manager_->CreateJob(DiscoveryRequest(reference, settings))->job_id;
  ASSERT_EQ(WaitFinished(reference_job).status, JobStatus::kCompleted);
  workers_.clear();
  const std::set<std::string> expected = PresentUrls(store_->domain(), reference.website_id);
  ASSERT_EQ(expected, ExpectedUrls(site, base));

  // The same crawl, its worker killed halfway.
  const size_t log_before = nginx_->AccessLog().size();
  const Website website = NewWebsite(store_->domain(), base + "/", "interrupted");
  ChildProcess* victim = StartWorker("victim");
  const std::string job_id = manager_->CreateJob(DiscoveryRequest(website, settings))->job_id;
  ASSERT_TRUE(WaitUntil([&] {
    return manager_->GetJob(job_id)->progress.details.value("pages_processed", 0) >= 150;
  }, 60s));
  victim->Signal(SIGKILL);
  victim->Wait(10s);

  // What the dead worker had fetched, and what it had stored.
  std::vector<std::string> log = nginx_->AccessLog();
  std::set<std::string> fetched_before_kill(log.begin() + log_before, log.end());
  const Job killed = *manager_->GetJob(job_id);
  ASSERT_TRUE(killed.checkpoint && killed.checkpoint->contains("run_id"));
  auto stored =
      store_->discovery().ProcessedUrls((*killed.checkpoint)["run_id"].get<std::string>());
  ASSERT_TRUE(stored.ok());
  std::set<std::string> stored_paths;
  for (const std::string& url : *stored) stored_paths.insert(url.substr(base.size()));
  ASSERT_LT(stored->size(), expected.size()) << "the crawl ended before the kill";

  StartWorker("successor");
  const Job job = WaitFinished(job_id);
  ASSERT_EQ(job.status, JobStatus::kCompleted) << job.error.value_or("");
  EXPECT_EQ(job.attempt, 2) << "the job was not taken over";

  EXPECT_EQ(PresentUrls(store_->domain(), website.website_id), expected);
  EXPECT_EQ((*job.result)["pages_processed"], static_cast<int64_t>(expected.size()));
  EXPECT_EQ((*job.result)["pages_found"], static_cast<int64_t>(expected.size()));

  // Pages fetched twice were fetched by the dead worker and not stored: in flight when
  // it died (fetched, or being fetched, since its last batch). None was stored already.
  log = nginx_->AccessLog();
  std::map<std::string, int> fetches;
  for (size_t i = log_before; i < log.size(); ++i) ++fetches[log[i]];
  int refetched = 0;
  for (const auto& [uri, count] : fetches) {
    if (count < 2 || uri == "/robots.txt" || uri.rfind("/sitemap", 0) == 0) continue;
    ++refetched;
    EXPECT_FALSE(stored_paths.count(uri)) << uri << " was stored, yet fetched again";
  }
  const size_t unstored = fetched_before_kill.size() - stored_paths.size();
  RecordProperty("stored_at_kill", static_cast<int>(stored_paths.size()));
  RecordProperty("fetched_not_stored_at_kill", static_cast<int>(unstored));
  RecordProperty("fetched_again", refetched);
  EXPECT_LE(refetched, static_cast<int>(unstored) + settings.concurrency)
      << "fetched again more pages than the dead worker had in flight";
}

INSTANTIATE_TEST_SUITE_P(Backends, DiscoveryResumeTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace a11y::testing
