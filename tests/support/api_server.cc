#include "tests/support/api_server.h"

namespace a11y::testing {

void ApiTest::SetUp() {
  BackendTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  clock_ = real_clock_ ? Env::Default() : &env_;
  if (real_clock_) store_ = db_->OpenStore(clock_);
  StartServer();
}

void ApiTest::RestartServer() {
  const int port = server_->port();
  server_->Stop();
  server_.reset();
  router_.reset();
  events_.reset();
  websites_.reset();
  auth_.reset();
  manager_.reset();
  store_ = db_->OpenStore(clock_);
  StartServer(port);
}

void ApiTest::StartServer(int port) {
  manager_ = std::make_unique<JobManager>(store_.get(), clock_);
  auth_ = std::make_unique<auth::Authenticator>(&store_->domain(), clock_);
  websites_ = std::make_unique<WebsiteManager>(&store_->domain(), clock_);
  events_ = std::make_unique<http::EventHub>(store_.get());
  context_ = http::ApiContext();
  context_.jobs = manager_.get();
  context_.websites = websites_.get();
  context_.auth = auth_.get();
  context_.events = events_.get();
  context_.env = clock_;
  router_ = std::make_unique<http::Router>();
  http::RegisterRoutes(*router_, context_);
  http::ServerOptions options;
  options.listen = "127.0.0.1:" + std::to_string(port);
  server_ = std::make_unique<http::HttpServer>(options, router_.get());
  context_.server_metrics = [this] { return server_->PrometheusText(); };
  const Status started = server_->Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  if (!client_) client_ = std::make_unique<HttpClient>("127.0.0.1", server_->port());
}

void ApiTest::TearDown() {
  if (server_) server_->Stop();
}

ApiCaller ApiTest::NewUser(const std::string& username, Role role) {
  auto user = auth_->CreateUser(username, kTestPassword, role);
  EXPECT_TRUE(user.ok()) << user.status().ToString();
  if (!user.ok()) return {};
  auto token = auth_->CreateToken(*user, "test", std::nullopt);
  EXPECT_TRUE(token.ok()) << token.status().ToString();
  if (!token.ok()) return {};
  return ApiCaller::WithToken(client_.get(), token->secret);
}

ApiCaller ApiTest::Login(const std::string& username, const std::string& password,
                         HttpResult* response) {
  HttpResult login =
      client_->Send("POST", "/api/v1/auth/login",
                    nlohmann::json{{"username", username}, {"password", password}}.dump(),
                    {{"Content-Type", "application/json"}});
  if (response) *response = login;
  if (login.status != 200 || login.set_cookies.empty()) return {};
  const std::string& cookie = login.set_cookies.front();
  return ApiCaller::WithSession(client_.get(), cookie.substr(0, cookie.find(';')),
                                login.Json().value("csrf_token", ""));
}

nlohmann::json ApiTest::NewWebsite(const ApiCaller& caller, const std::string& start_url) {
  static int counter = 0;
  const HttpResult project =
      caller.Post("/api/v1/projects", {{"name", "project " + std::to_string(++counter)}});
  EXPECT_EQ(project.status, 201) << project.body;
  const HttpResult website =
      caller.Post("/api/v1/projects/" + project.Json().value("project_id", "") + "/websites",
                  {{"name", "site"}, {"start_url", start_url}});
  EXPECT_EQ(website.status, 201) << website.body;
  return website.Json();
}

}  // namespace a11y::testing
