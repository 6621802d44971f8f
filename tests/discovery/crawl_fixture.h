// What the discovery suite shares: a sink that keeps what a crawl hands it, crawl
// settings and fetch options fit for loopback servers, and URL-set helpers.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/ids.h"
#include "discovery/crawler.h"
#include "jobs/job_manager.h"
#include "jobs/worker.h"
#include "store/domain_store.h"
#include "tests/support/nginx_server.h"
#include "tests/support/process.h"
#include "tests/support/site_generator.h"
#include "tests/support/test_database.h"

namespace a11y::testing {

class CollectingSink : public CrawlSink {
 public:
  void AddPage(DiscoveredPage page) override {
    ++page_count;
    pages[page.url] = std::move(page);
  }
  void AddDocument(DocumentRef document) override { documents.push_back(std::move(document)); }
  Status Flush(const CrawlCheckpoint& checkpoint) override {
    ++flushes;
    last = checkpoint;
    return Status::Ok();
  }
  void Progress(const CrawlCheckpoint& state, size_t queue_size) override {
    last_progress = state;
    last_queue_size = queue_size;
  }

  std::set<std::string> Urls() const {
    std::set<std::string> urls;
    for (const auto& [url, page] : pages) urls.insert(url);
    return urls;
  }

  std::map<std::string, DiscoveredPage> pages;
  int page_count = 0;  // AddPage calls: more than pages.size() if a page came twice.
  std::vector<DocumentRef> documents;
  int flushes = 0;
  CrawlCheckpoint last;
  CrawlCheckpoint last_progress;
  size_t last_queue_size = 0;
};

inline SiteSpec SiteOf(int pages) {
  SiteSpec spec;
  spec.pages = pages;
  return spec;
}

// Fast and unthrottled, on loopback only.
inline CrawlSettings LoopbackSettings() {
  CrawlSettings settings;
  settings.max_pages = 10000;
  settings.max_depth = 100;
  settings.requests_per_second = 10000;
  settings.concurrency = 8;
  return settings;
}

inline FetchOptions LoopbackFetch() {
  FetchOptions fetch;
  fetch.network = NetworkPolicy({*IpNetwork::Parse("127.0.0.0/8")});
  fetch.request_timeout = std::chrono::seconds(5);
  fetch.low_speed_seconds = 1;
  fetch.low_speed_bytes_per_second = 100;
  fetch.max_body_bytes = 1 << 20;
  return fetch;
}

inline CrawlConfig ConfigFor(const std::string& start, CrawlSettings settings = LoopbackSettings(),
                             FetchOptions fetch = LoopbackFetch()) {
  CrawlConfig config;
  config.start = *NormalizeHttpUrl(start);
  config.settings = std::move(settings);
  config.fetch = std::move(fetch);
  config.batch_pages = 20;
  return config;
}

// The page URLs a crawler must find on a generated site: every page up to max_depth.
inline std::set<std::string> ExpectedUrls(const GeneratedSite& site, const std::string& base,
                                          int max_depth = 1000, bool with_orphans = false) {
  std::set<std::string> urls;
  for (const GeneratedPage& page : site.pages) {
    if (page.depth < 0 ? with_orphans : page.depth <= max_depth) urls.insert(base + page.path);
  }
  return urls;
}

// A user named `username`, a project and a website on `start_url`, straight in the store.
inline Website NewWebsite(DomainStore& domain, const std::string& start_url,
                          const std::string& username = "owner") {
  const TimePoint now = Env::Default()->Now();
  User user{NewSortableId(now), username, "x", Role::kUser, false, now, now};
  EXPECT_TRUE(domain.CreateUser(user).ok());
  Project project{NewSortableId(now), user.user_id, "p", "", "AA", now, now};
  EXPECT_TRUE(domain.CreateProject(project).ok());
  Website website;
  website.website_id = NewSortableId(now);
  website.project_id = project.project_id;
  website.user_id = user.user_id;
  website.name = "site";
  website.start_url = start_url;
  website.settings = LoopbackSettings().ToJson();
  website.created_at = website.updated_at = now;
  EXPECT_TRUE(domain.CreateWebsite(website).ok());
  return website;
}

// A discovery job of `website` as the API would create it.
inline CreateJobRequest DiscoveryRequest(const Website& website, const CrawlSettings& settings) {
  CreateJobRequest request;
  request.job_type = "discovery";
  request.website_id = website.website_id;
  request.project_id = website.project_id;
  request.user_id = website.user_id;
  request.session_id = "session-1";
  request.metadata = {{"start_url", website.start_url}, {"settings", settings.ToJson()}};
  return request;
}

// Every stored page of the website, by URL.
inline std::map<std::string, Page> StoredPages(DomainStore& domain, const std::string& website_id) {
  std::map<std::string, Page> pages;
  PageFilter filter;
  filter.website_id = website_id;
  filter.page.limit = kMaxPageLimit;
  while (true) {
    auto listing = domain.ListPages(filter, Scope::Admin());
    EXPECT_TRUE(listing.ok()) << listing.status().ToString();
    if (!listing.ok()) break;
    for (Page& page : listing->items) pages[page.url] = page;
    if (!listing->next_cursor) break;
    filter.page.cursor = listing->next_cursor;
  }
  return pages;
}

// The URLs of the website's pages the latest discovery found.
inline std::set<std::string> PresentUrls(DomainStore& domain, const std::string& website_id) {
  std::set<std::string> urls;
  for (const auto& [url, page] : StoredPages(domain, website_id)) {
    if (!page.missing) urls.insert(url);
  }
  return urls;
}

// Parameterised by backend: a fresh database with a store and JobManager on it, nginx
// serving an empty folder (site_dir_) for the test to generate a site into, and a worker
// running the handlers the test registers.
class CrawlJobFixture : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    A11Y_REQUIRE_DATABASE(db, GetParam());
    db_ = std::move(db);
    store_ = db_->OpenStore(Env::Default());
    ASSERT_NE(store_, nullptr);
    manager_ = std::make_unique<JobManager>(store_.get(), Env::Default());
    dir_ = std::filesystem::temp_directory_path() /
           ("a11y-crawl-" + NewSortableId(Env::Default()->Now()));
    site_dir_ = dir_ / "site";
    std::filesystem::create_directories(site_dir_);
    auto started = NginxServer::Start(site_dir_);
    if (!started.ok()) GTEST_SKIP() << "nginx is not available: " << started.status().ToString();
    nginx_ = std::move(*started);
    base_ = nginx_->base_url();
  }

  void TearDown() override {
    if (worker_) worker_->Shutdown();
    nginx_.reset();
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  // Starts a worker with `concurrency` slots on handlers_, polling fast.
  void StartWorker(int concurrency) {
    WorkerOptions options;
    options.worker_id = "job-test";
    options.concurrency = concurrency;
    options.cancel_poll = std::chrono::milliseconds(10);
    options.idle_wait = std::chrono::milliseconds(20);
    options.progress_interval = std::chrono::milliseconds(20);
    worker_ = std::make_unique<Worker>(manager_.get(), &handlers_, options);
    ASSERT_TRUE(worker_->Start().ok());
  }

  // The job once it has ended (a failure, and the job as it is, after two minutes).
  Job WaitFinished(const std::string& job_id) {
    Job job;
    EXPECT_TRUE(WaitUntil([&] {
      job = *manager_->GetJob(job_id);
      return IsTerminal(job.status);
    }, std::chrono::minutes(2))) << "job " << job_id << " is still " << JobStatusName(job.status);
    return job;
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<JobStore> store_;
  std::unique_ptr<JobManager> manager_;
  std::filesystem::path dir_;       // Kept when a test fails: logs and the site.
  std::filesystem::path site_dir_;  // What nginx serves.
  std::unique_ptr<NginxServer> nginx_;
  std::string base_;  // nginx's "http://127.0.0.1:PORT".
  HandlerRegistry handlers_;
  std::unique_ptr<Worker> worker_;
};

}  // namespace a11y::testing
