// Projects, websites, pages and jobs through the API, as a user would drive them.
#include <gtest/gtest.h>

#include "tests/support/api_server.h"

namespace a11y::testing {
namespace {

using nlohmann::json;

class ApiResourcesTest : public ApiTest {};

TEST_P(ApiResourcesTest, ProjectsAndWebsitesAreCreatedReadChangedAndDeleted) {
  ApiCaller alice = NewUser("alice");
  const HttpResult project =
      alice.Post("/api/v1/projects", {{"name", "Shop"}, {"description", "main"}});
  ASSERT_EQ(project.status, 201) << project.body;
  const std::string project_id = project.Json()["project_id"];

  const HttpResult website =
      alice.Post("/api/v1/projects/" + project_id + "/websites",
                 {{"start_url", "HTTPS://Example.COM:443/shop#top"},
                  {"settings", {{"max_pages", 50}, {"excluded_paths", {"/cart"}}}}});
  ASSERT_EQ(website.status, 201) << website.body;
  const json site = website.Json();
  EXPECT_EQ(site["start_url"], "https://example.com/shop") << "scheme, host case, port, fragment";
  EXPECT_EQ(site["settings"]["max_pages"], 50);
  EXPECT_EQ(site["settings"]["max_depth"], 10) << "defaults fill what was not given";
  EXPECT_EQ(site["settings"]["excluded_paths"], json({"/cart"}));

  const std::string website_id = site["website_id"];
  const HttpResult patched =
      alice.Patch("/api/v1/websites/" + website_id, {{"settings", {{"max_depth", 2}}}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json()["settings"]["max_depth"], 2);
  EXPECT_EQ(patched.Json()["settings"]["max_pages"], 50) << "a PATCH keeps what it does not name";

  const HttpResult renamed = alice.Patch("/api/v1/projects/" + project_id, {{"name", "Store"}});
  EXPECT_EQ(renamed.Json()["name"], "Store");
  EXPECT_EQ(renamed.Json()["description"], "main");
  EXPECT_EQ(renamed.Json()["wcag_level"], "AA") << "the default level";
  const HttpResult stricter =
      alice.Patch("/api/v1/projects/" + project_id, {{"wcag_level", "AAA"}});
  EXPECT_EQ(stricter.Json()["wcag_level"], "AAA");
  EXPECT_EQ(alice.Get("/api/v1/projects/" + project_id).Json()["wcag_level"], "AAA");
  const HttpResult bad_level =
      alice.Patch("/api/v1/projects/" + project_id, {{"wcag_level", "B"}});
  EXPECT_EQ(bad_level.status, 400) << bad_level.body;

  const HttpResult listed = alice.Get("/api/v1/projects/" + project_id + "/websites");
  ASSERT_EQ(listed.Json()["items"].size(), 1u);
  EXPECT_EQ(alice.Delete("/api/v1/projects/" + project_id).status, 204);
  EXPECT_EQ(alice.Get("/api/v1/projects/" + project_id).status, 404);
  EXPECT_EQ(alice.Get("/api/v1/websites/" + website_id).status, 404) << "deleted with its project";
}

TEST_P(ApiResourcesTest, PagesAreAddedByHandListedWithFiltersAndPaginated) {
  ApiCaller alice = NewUser("alice");
  const json site = NewWebsite(alice, "https://example.com/");
  const std::string pages = "/api/v1/websites/" + site["website_id"].get<std::string>() + "/pages";
  for (int i = 0; i < 5; ++i) {
    const HttpResult added =
        alice.Post(pages, {{"url", "https://example.com/p" + std::to_string(i)}});
    ASSERT_EQ(added.status, 201) << added.body;
    EXPECT_EQ(added.Json()["source"], "manual");
  }
  EXPECT_EQ(alice.Post(pages, {{"url", "https://example.com/p1"}}).status, 409)
      << "one row per URL";

  std::vector<std::string> seen;
  std::string target = pages + "?limit=2";
  for (int guard = 0; guard < 10; ++guard) {
    const json page = alice.Get(target).Json();
    for (const json& item : page["items"]) seen.push_back(item["url"]);
    if (page["next_cursor"].is_null()) break;
    target = pages + "?limit=2&cursor=" + page["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(alice.Get(pages + "?url_contains=p3").Json()["items"].size(), 1u);
  EXPECT_EQ(alice.Get(pages + "?missing=true").Json()["items"].size(), 0u);
}

TEST_P(ApiResourcesTest, StartRoutesCreateTypedJobsThatRecordWhoStartedThem) {
  ApiCaller alice = NewUser("alice");
  const json site = NewWebsite(alice, "https://example.com/");
  const std::string website_id = site["website_id"];
  const std::string token_id = alice.Get("/api/v1/auth/me").Json()["credential_id"];

  const HttpResult discovery = alice.Post("/api/v1/websites/" + website_id + "/discovery");
  ASSERT_EQ(discovery.status, 202) << discovery.body;
  const json job = discovery.Json();
  EXPECT_EQ(job["job_type"], "discovery");
  EXPECT_EQ(job["status"], "pending");
  EXPECT_EQ(job["website_id"], website_id);
  EXPECT_EQ(job["project_id"], site["project_id"]);
  EXPECT_EQ(job["user_id"], alice.Get("/api/v1/auth/me").Json()["user"]["user_id"]);
  EXPECT_EQ(job["session_id"], token_id);
  EXPECT_EQ(job["metadata"]["start_url"], "https://example.com/");
  EXPECT_EQ(discovery.Header("location"), "/api/v1/jobs/" + job["job_id"].get<std::string>());

  const HttpResult page =
      alice.Post("/api/v1/websites/" + website_id + "/pages", {{"url", "https://example.com/a"}});
  const std::string page_id = page.Json()["page_id"];
  const HttpResult one = alice.Post("/api/v1/pages/" + page_id + "/test");
  EXPECT_EQ(one.Json()["job_type"], "testing");
  EXPECT_EQ(one.Json()["metadata"]["page_ids"], json({page_id}));
  const HttpResult bulk = alice.Post("/api/v1/websites/" + website_id + "/test");
  EXPECT_EQ(bulk.Json()["job_type"], "bulk_test");
  EXPECT_EQ(alice.Post("/api/v1/websites/" + website_id + "/test", {{"chunk_size", 0}}).status, 400);
  const HttpResult whole = alice.Post("/api/v1/projects/" + site["project_id"].get<std::string>() +
                                          "/test",
                                      {{"chunk_size", 10}});
  ASSERT_EQ(whole.status, 202) << whole.body;
  EXPECT_EQ(whole.Json()["job_type"], "bulk_test");
  EXPECT_EQ(whole.Json()["website_id"], "") << "a project's bulk test covers all its websites";
  EXPECT_EQ(whole.Json()["metadata"]["chunk_size"], 10);
  const HttpResult history = alice.Get("/api/v1/pages/" + page_id + "/results");
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_TRUE(history.Json()["items"].empty()) << "no test has run yet";
  EXPECT_EQ(alice.Get("/api/v1/websites/" + website_id + "/test-runs").status, 200);
  EXPECT_EQ(alice.Get("/api/v1/results/nope").status, 404);
  const HttpResult report =
      alice.Post("/api/v1/websites/" + website_id + "/reports", {{"format", "csv"}});
  EXPECT_EQ(report.Json()["job_type"], "report_generation");
  EXPECT_EQ(report.Json()["metadata"]["format"], "csv");
  EXPECT_EQ(report.Json()["metadata"]["level"], "AA");

  EXPECT_EQ(alice.Get("/api/v1/jobs").Json()["items"].size(), 5u);
  EXPECT_EQ(alice.Get("/api/v1/jobs?type=testing").Json()["items"].size(), 1u);
  EXPECT_EQ(alice.Get("/api/v1/jobs?status=running").Json()["items"].size(), 0u);
  const json stats = alice.Get("/api/v1/jobs/stats").Json();
  EXPECT_EQ(stats["total_jobs"], 5);
}

TEST_P(ApiResourcesTest, CancelSaysWhatHappenedAndRetryStartsAFreshJob) {
  ApiCaller alice = NewUser("alice");
  const json site = NewWebsite(alice);
  const std::string job_id =
      alice.Post("/api/v1/websites/" + site["website_id"].get<std::string>() + "/discovery")
          .Json()["job_id"];

  const HttpResult cancelled = alice.Post("/api/v1/jobs/" + job_id + "/cancel");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.Json()["outcome"], "cancelled");
  EXPECT_EQ(cancelled.Json()["job"]["status"], "cancelled");
  const HttpResult again = alice.Post("/api/v1/jobs/" + job_id + "/cancel");
  EXPECT_EQ(again.Json()["outcome"], "already_finished");

  const HttpResult retried = alice.Post("/api/v1/jobs/" + job_id + "/retry");
  ASSERT_EQ(retried.status, 202) << retried.body;
  EXPECT_NE(retried.Json()["job_id"], job_id);
  EXPECT_EQ(retried.Json()["metadata"]["retry_of"], job_id);
  EXPECT_TRUE(retried.Json()["parent_job_id"].is_null()) << "a retry joins the failed job's family";
  EXPECT_EQ(retried.Json()["status"], "pending");
  EXPECT_EQ(retried.Json()["job_type"], "discovery");
}

TEST_P(ApiResourcesTest, HealthAndMetricsAnswerWithoutLogin) {
  ApiCaller alice = NewUser("alice");
  NewWebsite(alice);
  const HttpResult health = client_->Send("GET", "/healthz");
  ASSERT_EQ(health.status, 200);
  EXPECT_EQ(health.Json()["status"], "ok");
  const HttpResult metrics = client_->Send("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.Header("content-type").rfind("text/plain", 0), 0u);
  EXPECT_NE(metrics.body.find("auto_a11y_queue_depth"), std::string::npos);
  EXPECT_NE(metrics.body.find("auto_a11y_database_query_seconds_count"), std::string::npos);
  EXPECT_NE(metrics.body.find("auto_a11y_claim_seconds_count"), std::string::npos);
  EXPECT_NE(metrics.body.find("# TYPE auto_a11y_cancellation_seconds_mean gauge"), std::string::npos);
  EXPECT_NE(metrics.body.find("auto_a11y_http_requests_total"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiResourcesTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace a11y::testing
