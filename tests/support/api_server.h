// The whole HTTP API in the test process, on a fresh database of each backend, served on
// a loopback port: tests talk to it over real HTTP.
#pragma once

#include <memory>
#include <string>

#include "auth/authenticator.h"
#include "http/api.h"
#include "http/events.h"
#include "http/server.h"
#include "jobs/job_manager.h"
#include "tests/support/http_client.h"
#include "tests/support/test_database.h"
#include "websites/website_manager.h"

namespace a11y::testing {

inline constexpr const char* kTestPassword = "correct horse battery";

class ApiTest : public BackendTest {
 protected:
  // With a real clock the API and its store use Env::Default() instead of env_ (live
  // events need time to move on its own: their ids are update times).
  explicit ApiTest(bool real_clock = false) : real_clock_(real_clock) {}
  void SetUp() override;
  void TearDown() override;
  // Starts the API again on the same database and port, as a restarted process would: a
  // new store, authenticator, event hub and server. Callers made before keep working.
  void RestartServer();

  // Creates a user with kTestPassword and returns a caller holding a new API token.
  ApiCaller NewUser(const std::string& username, Role role = Role::kUser);
  // Logs in through the API; an empty caller (and the response) when login fails.
  ApiCaller Login(const std::string& username, const std::string& password,
                  HttpResult* response = nullptr);
  // Creates a project and a website in it through the API; returns the website's JSON.
  void StartServer(int port = 0);
  nlohmann::json NewWebsite(const ApiCaller& caller,
                            const std::string& start_url = "https://example.com/");

  const bool real_clock_;
  Env* clock_ = nullptr;
  std::unique_ptr<JobManager> manager_;
  std::unique_ptr<auth::Authenticator> auth_;
  std::unique_ptr<WebsiteManager> websites_;
  std::unique_ptr<http::EventHub> events_;
  http::ApiContext context_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<http::HttpServer> server_;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace a11y::testing
