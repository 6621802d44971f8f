// Tenancy over HTTP: for every route that takes an id, another user gets 404 for the
// owner's object and changes nothing; an administrator sees everything.
#include <gtest/gtest.h>

#include "tests/support/api_server.h"

namespace a11y::testing {
namespace {

using nlohmann::json;

class ApiIsolationTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    alice_ = NewUser("alice");
    bob_ = NewUser("bob");
    admin_ = NewUser("root", Role::kAdmin);
    const json website = NewWebsite(alice_);
    website_ = website.value("website_id", "");
    project_ = website.value("project_id", "");
    project_updated_at_ = alice_.Get("/api/v1/projects/" + project_).Json()["updated_at"];
    const HttpResult page = alice_.Post("/api/v1/websites/" + website_ + "/pages",
                                        {{"url", "https://example.com/about"}});
    ASSERT_EQ(page.status, 201) << page.body;
    page_ = page.Json().value("page_id", "");
    const HttpResult job = alice_.Post("/api/v1/websites/" + website_ + "/discovery");
    ASSERT_EQ(job.status, 202) << job.body;
    job_ = job.Json().value("job_id", "");
    const HttpResult token = alice_.Post("/api/v1/tokens", {{"name", "second"}});
    ASSERT_EQ(token.status, 201) << token.body;
    token_ = token.Json().value("token_id", "");
  }

  struct Call {
    std::string method;
    std::string target;
    json body;  // null: no body.
  };

  // Every route that names one of alice's objects by id.
  std::vector<Call> CallsOnAlicesObjects() const {
    const json settings = {{"settings", {{"max_pages", 5}}}};
    return {
        {"GET", "/api/v1/projects/" + project_, nullptr},
        {"PATCH", "/api/v1/projects/" + project_, {{"name", "taken over"}}},
        {"DELETE", "/api/v1/projects/" + project_, nullptr},
        {"GET", "/api/v1/projects/" + project_ + "/websites", nullptr},
        {"POST",
         "/api/v1/projects/" + project_ + "/websites",
         {{"name", "x"}, {"start_url", "https://example.org/"}}},
        {"GET", "/api/v1/websites/" + website_, nullptr},
        {"PATCH", "/api/v1/websites/" + website_, settings},
        {"DELETE", "/api/v1/websites/" + website_, nullptr},
        {"GET", "/api/v1/websites/" + website_ + "/pages", nullptr},
        {"POST", "/api/v1/websites/" + website_ + "/pages", {{"url", "https://example.com/x"}}},
        {"GET", "/api/v1/pages/" + page_, nullptr},
        {"GET", "/api/v1/websites/" + website_ + "/discovery-runs", nullptr},
        {"GET", "/api/v1/websites/" + website_ + "/documents", nullptr},
        {"POST", "/api/v1/websites/" + website_ + "/discovery", json::object()},
        {"POST", "/api/v1/websites/" + website_ + "/test", json::object()},
        {"POST", "/api/v1/pages/" + page_ + "/test", json::object()},
        {"POST", "/api/v1/projects/" + project_ + "/test", json::object()},
        {"GET", "/api/v1/pages/" + page_ + "/results", nullptr},
        {"GET", "/api/v1/websites/" + website_ + "/test-runs", nullptr},
        {"POST", "/api/v1/websites/" + website_ + "/reports", json::object()},
        {"GET", "/api/v1/jobs/" + job_, nullptr},
        {"POST", "/api/v1/jobs/" + job_ + "/cancel", json::object()},
        {"POST", "/api/v1/jobs/" + job_ + "/retry", json::object()},
        {"DELETE", "/api/v1/tokens/" + token_, nullptr},
    };
  }

  ApiCaller alice_, bob_, admin_;
  std::string project_, website_, page_, job_, token_;
  std::string project_updated_at_;
};

TEST_P(ApiIsolationTest, AnotherUserGets404ForEveryObjectAndChangesNothing) {
  for (const Call& call : CallsOnAlicesObjects()) {
    const HttpResult result =
        bob_.Send(call.method, call.target, call.body.is_null() ? nullptr : &call.body);
    EXPECT_EQ(result.status, 404) << call.method << ' ' << call.target << ": " << result.body;
    EXPECT_EQ(result.ErrorCode(), "not_found") << call.method << ' ' << call.target;
  }
  // Everything of alice's is still there, unchanged.
  EXPECT_EQ(alice_.Get("/api/v1/projects/" + project_).Json()["updated_at"], project_updated_at_);
  EXPECT_EQ(alice_.Get("/api/v1/websites/" + website_).Json()["settings"]["max_pages"], 500);
  EXPECT_EQ(alice_.Get("/api/v1/pages/" + page_).status, 200);
  const HttpResult job = alice_.Get("/api/v1/jobs/" + job_);
  EXPECT_EQ(job.Json().value("status", ""), "pending");
  EXPECT_EQ(job.Json().value("cancellation_requested", true), false);
  EXPECT_EQ(alice_.Get("/api/v1/tokens").Json()["items"][1]["revoked_at"], nullptr);
  const HttpResult jobs = alice_.Get("/api/v1/jobs");
  EXPECT_EQ(jobs.Json()["items"].size(), 1u) << "bob started nothing on alice's website";
}

TEST_P(ApiIsolationTest, ListsShowOnlyTheCallersObjects) {
  NewWebsite(bob_);
  EXPECT_EQ(bob_.Get("/api/v1/projects").Json()["items"].size(), 1u);
  EXPECT_EQ(bob_.Get("/api/v1/jobs").Json()["items"].size(), 0u);
  EXPECT_EQ(bob_.Get("/api/v1/jobs?website_id=" + website_).Json()["items"].size(), 0u);
  EXPECT_EQ(bob_.Get("/api/v1/jobs/stats").Json()["total_jobs"], 0);
  EXPECT_EQ(alice_.Get("/api/v1/jobs/stats").Json()["total_jobs"], 1);
}

TEST_P(ApiIsolationTest, AnAdministratorSeesAndCancelsEverything) {
  EXPECT_EQ(admin_.Get("/api/v1/projects/" + project_).status, 200);
  EXPECT_EQ(admin_.Get("/api/v1/websites/" + website_).status, 200);
  EXPECT_EQ(admin_.Get("/api/v1/pages/" + page_).status, 200);
  EXPECT_EQ(admin_.Get("/api/v1/jobs/" + job_).status, 200);
  const HttpResult all =
      admin_.Get("/api/v1/admin/jobs?user_id=" +
                 alice_.Get("/api/v1/auth/me").Json()["user"]["user_id"].get<std::string>());
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_EQ(all.Json()["items"].size(), 1u);
  const HttpResult cancel = admin_.Post("/api/v1/admin/jobs/" + job_ + "/cancel");
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(cancel.Json()["outcome"], "cancelled");
  EXPECT_EQ(alice_.Get("/api/v1/jobs/" + job_).Json()["status"], "cancelled");
  EXPECT_EQ(alice_.Get("/api/v1/jobs/" + job_).Json()["cancellation_requested_by"], "root");
}

TEST_P(ApiIsolationTest, AdministratorRoutesDoNotExistForUsers) {
  for (const std::string target :
       {"/api/v1/admin/jobs", "/api/v1/admin/stats", "/api/v1/admin/users"}) {
    EXPECT_EQ(alice_.Get(target).status, 404) << target;
    EXPECT_EQ(admin_.Get(target).status, 200) << target;
  }
  EXPECT_EQ(alice_.Post("/api/v1/admin/jobs/" + job_ + "/cancel").status, 404);
  EXPECT_EQ(alice_.Get("/api/v1/jobs/" + job_).Json()["status"], "pending");
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiIsolationTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace a11y::testing
