// Malformed requests: each gets the precise 4xx and a JSON error naming the problem,
// changes nothing, and the server keeps serving.
#include <gtest/gtest.h>

#include "tests/support/api_server.h"

namespace a11y::testing {
namespace {

enum class Who { kAnonymous, kUser, kAdmin };

struct BadRequest {
  Who who;
  std::string method;
  std::string target;  // $P, $W, $J are replaced by a project, website and job id.
  std::string body;
  int status;
  std::string code;
  std::string field = "";  // Expected error.details.field, when set.
  std::string content_type = "application/json";
};

std::string Settings(const std::string& inner) {
  return R"({"start_url": "https://example.com/", "settings": {)" + inner + "}}";
}

const std::vector<BadRequest>& Table() {
  static const std::vector<BadRequest> table = {
      // Bodies that are not the JSON object asked for.
      {Who::kAnonymous, "POST", "/api/v1/auth/login", "{", 400, "invalid_json"},
      {Who::kAnonymous, "POST", "/api/v1/auth/login", R"({"username":"a","password":"b"})", 415,
       "unsupported_media_type", "", "text/plain"},
      {Who::kAnonymous, "POST", "/api/v1/auth/login", "[]", 400, "invalid_json"},
      {Who::kAnonymous, "POST", "/api/v1/auth/login", "", 400, "invalid_json"},
      {Who::kUser, "POST", "/api/v1/projects", R"("a string")", 400, "invalid_json"},
      {Who::kUser, "POST", "/api/v1/projects", "{\"name\": \"\xff\xfe\"", 400, "invalid_json"},
      // Fields: missing, wrong type, out of range, unknown.
      {Who::kAnonymous, "POST", "/api/v1/auth/login", R"({"username": 5, "password": "x"})", 400,
       "invalid_field", "username"},
      {Who::kAnonymous, "POST", "/api/v1/auth/login", R"({"password": "x"})", 400, "invalid_field",
       "username"},
      {Who::kAnonymous, "POST", "/api/v1/auth/login",
       R"({"username": "a", "password": "b", "otp": 1})", 400, "invalid_field", "otp"},
      {Who::kUser, "POST", "/api/v1/projects", "{}", 400, "invalid_field", "name"},
      {Who::kUser, "POST", "/api/v1/projects", R"({"name": ""})", 400, "invalid_field", "name"},
      {Who::kUser, "POST", "/api/v1/projects", R"({"name": null})", 400, "invalid_field", "name"},
      {Who::kUser, "POST", "/api/v1/projects", "{\"name\": \"" + std::string(201, 'n') + "\"}", 400,
       "invalid_field", "name"},
      {Who::kUser, "POST", "/api/v1/projects", R"({"name": "x", "user_id": "someone"})", 400,
       "invalid_field", "user_id"},
      {Who::kUser, "PATCH", "/api/v1/projects/$P", R"({"description": 5})", 400, "invalid_field",
       "description"},
      {Who::kUser, "POST", "/api/v1/projects", R"({"name": "taken"})", 409, "conflict"},
      // Websites: start URLs and crawl settings.
      {Who::kUser, "POST", "/api/v1/projects/$P/websites", R"({"start_url": "ftp://example.com/"})",
       400, "invalid_field", "start_url"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites", R"({"start_url": "not a url"})", 400,
       "invalid_field", "start_url"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites",
       R"({"start_url": "https://user:secret@example.com/"})", 400, "invalid_field", "start_url"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites",
       R"json({"start_url": "javascript:alert(1)"})json", 400, "invalid_field", "start_url"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites",
       "{\"start_url\": \"https://example.com/" + std::string(2100, 'a') + "\"}", 400,
       "invalid_field", "start_url"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites", R"({"name": "no url"})", 400,
       "invalid_field", "start_url"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites", Settings(R"("max_pages": 0)"), 400,
       "invalid_field", "settings.max_pages"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites", Settings(R"("max_pages": 1e12)"), 400,
       "invalid_field", "settings.max_pages"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites",
       Settings(R"("max_pages": 18446744073709551615)"), 400, "invalid_field",
       "settings.max_pages"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites", Settings(R"("max_pages": "10")"), 400,
       "invalid_field", "settings.max_pages"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites", Settings(R"("max_depth": -1)"), 400,
       "invalid_field", "settings.max_depth"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites", Settings(R"("respect_robots": "yes")"),
       400, "invalid_field", "settings.respect_robots"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites",
       Settings(R"("excluded_paths": ["admin"])"), 400, "invalid_field", "settings.excluded_paths"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites",
       Settings(R"("excluded_paths": "/admin")"), 400, "invalid_field", "settings.excluded_paths"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites", Settings(R"("include_patterns": ["("])"),
       400, "invalid_field", "settings.include_patterns"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites", Settings(R"("requests_per_second": 0)"),
       400, "invalid_field", "settings.requests_per_second"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites", Settings(R"("speed": 1)"), 400,
       "invalid_field", "settings.speed"},
      {Who::kUser, "POST", "/api/v1/projects/$P/websites",
       R"({"start_url": "https://example.com/", "settings": []})", 400, "invalid_field",
       "settings"},
      {Who::kUser, "PATCH", "/api/v1/websites/$W", R"({"start_url": "mailto:me@example.com"})", 400,
       "invalid_field", "start_url"},
      // Pages.
      {Who::kUser, "POST", "/api/v1/websites/$W/pages", R"({"url": "https://elsewhere.org/"})", 400,
       "invalid_field", "url"},
      {Who::kUser, "POST", "/api/v1/websites/$W/pages", "{}", 400, "invalid_field", "url"},
      {Who::kUser, "GET", "/api/v1/websites/$W/pages?status_code=abc", "", 400, "invalid_query"},
      {Who::kUser, "GET", "/api/v1/websites/$W/pages?status_code=999", "", 400, "invalid_query"},
      {Who::kUser, "GET", "/api/v1/websites/$W/pages?missing=maybe", "", 400, "invalid_query"},
      // Jobs.
      {Who::kUser, "GET", "/api/v1/jobs?limit=0", "", 400, "invalid_query"},
      {Who::kUser, "GET", "/api/v1/jobs?limit=100000", "", 400, "invalid_query"},
      {Who::kUser, "GET", "/api/v1/jobs?limit=5x", "", 400, "invalid_query"},
      {Who::kUser, "GET", "/api/v1/jobs?status=exploded", "", 400, "invalid_query"},
      {Who::kUser, "GET", "/api/v1/jobs?status=running,", "", 400, "invalid_query"},
      {Who::kUser, "GET", "/api/v1/jobs?type=mining", "", 400, "invalid_query"},
      {Who::kUser, "POST", "/api/v1/websites/$W/reports", R"({"format": "pdf"})", 400,
       "invalid_field", "format"},
      {Who::kUser, "POST", "/api/v1/websites/$W/reports", R"({"level": "AAAA"})", 400,
       "invalid_field", "level"},
      {Who::kUser, "POST", "/api/v1/websites/$W/test", R"({"page_ids": "abc"})", 400,
       "invalid_field", "page_ids"},
      {Who::kUser, "POST", "/api/v1/websites/$W/test", R"({"page_ids": ["no-such-page"]})", 400,
       "invalid_field", "page_ids"},
      {Who::kUser, "POST", "/api/v1/websites/$W/test", R"({"page_ids": []})", 400, "invalid_field",
       "page_ids"},
      {Who::kUser, "POST", "/api/v1/websites/$W/discovery", R"({"depth": 3})", 400, "invalid_field",
       "depth"},
      {Who::kUser, "POST", "/api/v1/websites/$W/discovery", "", 409, "discovery_active"},
      {Who::kUser, "POST", "/api/v1/jobs/$J/retry", "", 409, "not_retryable"},
      {Who::kUser, "GET", "/api/v1/jobs/no-such-job", "", 404, "not_found"},
      // Tokens and users.
      {Who::kUser, "POST", "/api/v1/tokens", R"({"name": "x", "expires_in_days": 0})", 400,
       "invalid_field", "expires_in_days"},
      {Who::kUser, "POST", "/api/v1/tokens", R"({"name": 123})", 400, "invalid_field", "name"},
      {Who::kAdmin, "POST", "/api/v1/admin/users", R"({"username": "carol", "password": "short"})",
       400, "invalid_field", "password"},
      {Who::kAdmin, "POST", "/api/v1/admin/users",
       R"({"username": "bad name!", "password": "long enough"})", 400, "invalid_field", "username"},
      {Who::kAdmin, "POST", "/api/v1/admin/users",
       R"({"username": "carol", "password": "long enough", "role": "god"})", 400, "invalid_field",
       "role"},
      {Who::kAdmin, "PATCH", "/api/v1/admin/users/no-such-user", R"({"disabled": true})", 404,
       "not_found"},
      // Routing.
      {Who::kUser, "GET", "/api/v1/nothing-here", "", 404, "not_found"},
      {Who::kUser, "PUT", "/api/v1/projects", "{}", 405, "method_not_allowed"},
      {Who::kAnonymous, "GET", "/api/v1/projects", "", 401, "unauthenticated"},
  };
  return table;
}

class ApiBadInputTest : public ApiTest {};

TEST_P(ApiBadInputTest, EveryMalformedRequestGetsAPrecise4xxAndTheServerKeepsServing) {
  ASSERT_GE(Table().size(), 40u);
  ApiCaller alice = NewUser("alice");
  ApiCaller admin = NewUser("root", Role::kAdmin);
  ApiCaller anonymous = ApiCaller::WithToken(client_.get(), "");
  anonymous.headers.clear();
  const nlohmann::json website = NewWebsite(alice);
  ASSERT_EQ(alice.Post("/api/v1/projects", {{"name", "taken"}}).status, 201);
  const HttpResult job =
      alice.Post("/api/v1/websites/" + website.value("website_id", "") + "/discovery");
  ASSERT_EQ(job.status, 202) << job.body;

  for (const BadRequest& row : Table()) {
    std::string target = row.target;
    for (const auto& [marker, id] :
         {std::pair<std::string, std::string>{"$P", website.value("project_id", "")},
          {"$W", website.value("website_id", "")},
          {"$J", job.Json().value("job_id", "")}}) {
      if (auto at = target.find(marker); at != std::string::npos) target.replace(at, 2, id);
    }
    const ApiCaller& caller = row.who == Who::kUser    ? alice
                              : row.who == Who::kAdmin ? admin
                                                       : anonymous;
    auto headers = caller.headers;
    headers["Content-Type"] = row.content_type;
    const HttpResult result = client_->Send(row.method, target, row.body, headers);
    const std::string what = row.method + " " + target + " " + row.body.substr(0, 80);
    EXPECT_EQ(result.status, row.status) << what << " -> " << result.body;
    EXPECT_EQ(result.ErrorCode(), row.code) << what << " -> " << result.body;
    EXPECT_EQ(result.Header("content-type").rfind("application/json", 0), 0u) << what;
    EXPECT_FALSE(result.Json()["error"].value("message", "").empty()) << what;
    if (!row.field.empty()) {
      EXPECT_EQ(result.Json()["error"]["details"].value("field", ""), row.field) << what;
    }
  }

  // An oversized body is refused before it is read.
  const HttpResult huge =
      alice.Post("/api/v1/projects", {{"name", std::string((1 << 20) + 1024, 'x')}});
  EXPECT_EQ(huge.status, 413) << huge.error;
  EXPECT_EQ(huge.ErrorCode(), "payload_too_large");

  // Nothing was created or changed by the refused requests, and the server is healthy.
  EXPECT_EQ(alice.Get("/api/v1/projects").Json()["items"].size(), 2u);
  EXPECT_EQ(alice.Get("/api/v1/projects/" + website.value("project_id", "") + "/websites")
                .Json()["items"]
                .size(),
            1u);
  EXPECT_EQ(alice.Get("/api/v1/jobs").Json()["items"].size(), 1u);
  EXPECT_EQ(admin.Get("/api/v1/admin/users").Json()["items"].size(), 2u);
  const HttpResult health = client_->Send("GET", "/healthz");
  EXPECT_EQ(health.status, 200) << health.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiBadInputTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace a11y::testing
