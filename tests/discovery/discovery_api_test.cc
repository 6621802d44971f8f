// Discovery through the product's front door: started, watched and cancelled over the
// HTTP API, run by a worker on the same database, crawling nginx on loopback.
#include <gtest/gtest.h>

#include <filesystem>

#include "discovery/scraping_job.h"
#include "jobs/worker.h"
#include "tests/discovery/crawl_fixture.h"
#include "tests/support/api_server.h"
#include "tests/support/nginx_server.h"
#include "tests/support/process.h"

namespace a11y::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

class DiscoveryApiTest : public ApiTest {
 protected:
  DiscoveryApiTest() : ApiTest(/*real_clock=*/true) {}

  void SetUp() override {
    ApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    root_ = fs::temp_directory_path() / ("a11y-api-site-" + NewSortableId(Env::Default()->Now()));
    fs::create_directories(root_);
    auto started = NginxServer::Start(root_);
    if (!started.ok()) GTEST_SKIP() << "nginx is not available: " << started.status().ToString();
    nginx_ = std::move(*started);
    DiscoveryOptions options;
    options.fetch = LoopbackFetch();
    RegisterDiscoveryHandler(&handlers_, options);
    WorkerOptions worker_options;
    worker_options.worker_id = "api-discovery";
    worker_options.cancel_poll = 10ms;
    worker_options.idle_wait = 20ms;
    worker_options.progress_interval = 20ms;
    worker_ = std::make_unique<Worker>(manager_.get(), &handlers_, worker_options);
    ASSERT_TRUE(worker_->Start().ok());
    alice_ = NewUser("alice");
    website_ = NewWebsite(alice_, nginx_->base_url() + "/")["website_id"];
  }

  void TearDown() override {
    if (worker_) worker_->Shutdown();
    nginx_.reset();
    fs::remove_all(root_);
    ApiTest::TearDown();
  }

  // Starts discovery over HTTP with the given crawl rate; returns the job's id.
  std::string StartDiscovery(double requests_per_second) {
    const json settings = {{"requests_per_second", requests_per_second}, {"concurrency", 4}};
    EXPECT_EQ(alice_.Patch("/api/v1/websites/" + website_, {{"settings", settings}}).status, 200);
    const HttpResult started = alice_.Post("/api/v1/websites/" + website_ + "/discovery");
    EXPECT_EQ(started.status, 202) << started.body;
    return started.Json().value("job_id", "");
  }

  json WaitJob(const std::string& job_id, const std::function<bool(const json&)>& done) {
    json job;
    WaitUntil([&] {
      job = alice_.Get("/api/v1/jobs/" + job_id).Json();
      return done(job);
    }, 60s);
    return job;
  }

  fs::path root_;
  std::unique_ptr<NginxServer> nginx_;
  HandlerRegistry handlers_;
  std::unique_ptr<Worker> worker_;
  ApiCaller alice_;
  std::string website_;
};

TEST_P(DiscoveryApiTest, StartedOverHttpItFillsPagesRunsAndDocumentsForItsOwnerOnly) {
  SiteSpec spec = SiteOf(30);
  spec.documents = 3;
  const GeneratedSite site = GenerateSite(root_, nginx_->base_url(), spec);
  const std::string job_id = StartDiscovery(1000);
  const json job = WaitJob(job_id, [](const json& j) { return j["status"] == "completed"; });
  ASSERT_EQ(job["status"], "completed") << job.dump();
  EXPECT_EQ(job["progress"]["message"], "Found 30 pages, processed 30");
  EXPECT_EQ(job["result"]["pages_found"], 30);

  const json pages = alice_.Get("/api/v1/websites/" + website_ + "/pages?limit=1000").Json();
  EXPECT_EQ(pages["items"].size(), 30u);
  for (const json& page : pages["items"]) {
    EXPECT_EQ(page["source"], "discovery");
    EXPECT_EQ(page["status_code"], 200);
  }
  const json runs = alice_.Get("/api/v1/websites/" + website_ + "/discovery-runs").Json();
  ASSERT_EQ(runs["items"].size(), 1u) << runs.dump();
  const json run = runs["items"][0];
  EXPECT_EQ(run["status"], "completed");
  EXPECT_EQ(run["job_id"], job_id);
  EXPECT_EQ(run["session_id"], job["session_id"]);
  EXPECT_EQ(run["pages_processed"], 30);
  EXPECT_EQ(alice_.Get("/api/v1/discovery-runs/" + run["run_id"].get<std::string>()).status, 200);
  const json documents = alice_.Get("/api/v1/websites/" + website_ + "/documents").Json();
  EXPECT_EQ(documents["items"].size(), 3u);

  const ApiCaller bob = NewUser("bob");
  EXPECT_EQ(bob.Get("/api/v1/discovery-runs/" + run["run_id"].get<std::string>()).status, 404);
  EXPECT_EQ(bob.Get("/api/v1/websites/" + website_ + "/documents").status, 404);
  EXPECT_EQ(bob.Get("/api/v1/websites/" + website_ + "/discovery-runs").status, 404);
}

TEST_P(DiscoveryApiTest, CancelledOverHttpItStopsAndKeepsWhatItFound) {
  GenerateSite(root_, nginx_->base_url(), SiteOf(400));
  const std::string job_id = StartDiscovery(30);
  WaitJob(job_id, [](const json& j) {
    return j["progress"]["details"].value("pages_processed", 0) >= 5;
  });
  const HttpResult cancel = alice_.Post("/api/v1/jobs/" + job_id + "/cancel");
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  const json job = WaitJob(job_id, [](const json& j) { return j["status"] == "cancelled"; });
  EXPECT_EQ(job["status"], "cancelled");
  const json run = alice_.Get("/api/v1/websites/" + website_ + "/discovery-runs").Json()["items"][0];
  EXPECT_EQ(run["status"], "cancelled");
  const json pages = alice_.Get("/api/v1/websites/" + website_ + "/pages?limit=1000").Json();
  EXPECT_EQ(static_cast<int64_t>(pages["items"].size()), run["pages_processed"].get<int64_t>());
  EXPECT_LT(run["pages_processed"].get<int64_t>(), 400);
}

INSTANTIATE_TEST_SUITE_P(Backends, DiscoveryApiTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace a11y::testing
