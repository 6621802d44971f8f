// Live progress over real HTTP: Server-Sent Events from a worker running real jobs,
// cancellation seen on the stream, tenancy of streams, and resuming after a restart.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "jobs/diagnostic_handlers.h"
#include "jobs/worker.h"
#include "tests/support/api_server.h"

namespace a11y::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class ApiEventsTest : public ApiTest {
 protected:
  ApiEventsTest() : ApiTest(/*real_clock=*/true) {}

  void SetUp() override {
    ApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    RegisterDiagnosticHandlers(&handlers_);
    alice_ = NewUser("alice");
    alice_id_ = alice_.Get("/api/v1/auth/me").Json()["user"]["user_id"];
  }
  void TearDown() override {
    if (worker_) worker_->Shutdown();
    ApiTest::TearDown();
  }

  void StartWorker() {
    WorkerOptions options;
    options.concurrency = 2;
    options.progress_interval = 20ms;
    options.cancel_poll = 10ms;
    options.idle_wait = 20ms;
    worker_ = std::make_unique<Worker>(manager_.get(), &handlers_, options);
    ASSERT_TRUE(worker_->Start().ok());
  }

  std::string SleepJob(const std::string& user_id, int duration_ms, int steps) {
    CreateJobRequest request;
    request.job_type = "sleep";
    request.user_id = user_id;
    request.metadata = {{"duration_ms", duration_ms}, {"steps", steps}};
    auto job = manager_->CreateJob(request);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? job->job_id : "";
  }

  static json Data(const SseEvent& event) { return json::parse(event.data, nullptr, false); }
  static bool EndsWith(const std::vector<SseEvent>& events, const std::string& status) {
    return !events.empty() && Data(events.back()).value("status", "") == status;
  }

  HandlerRegistry handlers_;
  std::unique_ptr<Worker> worker_;
  ApiCaller alice_;
  std::string alice_id_;
};

TEST_P(ApiEventsTest, AStreamCarriesASleepJobsProgressInOrderThenItsEnd) {
  StartWorker();
  const std::string job_id = SleepJob(alice_id_, 600, 12);
  SseClient sse;
  HttpResult head;
  ASSERT_TRUE(sse.Connect(*client_, "/api/v1/jobs/" + job_id + "/events", alice_.headers, &head))
      << head.status << ' ' << head.body << head.error;
  EXPECT_EQ(head.Header("content-type"), "text/event-stream");
  const auto& events = sse.ReadUntil([](const auto&) { return false; });
  EXPECT_TRUE(sse.ended()) << "the stream ends after the final state";
  ASSERT_GE(events.size(), 3u) << "pending or running, some progress, completed";
  int64_t last_id = 0, last_current = -1;
  for (const SseEvent& event : events) {
    EXPECT_EQ(event.event, "job");
    const json job = Data(event);
    EXPECT_EQ(job["job_id"], job_id);
    EXPECT_GT(std::stoll(event.id), last_id) << "ids increase";
    EXPECT_GE(job["progress"]["current"].get<int64_t>(), last_current)
        << "progress never goes back";
    last_id = std::stoll(event.id);
    last_current = job["progress"]["current"];
  }
  EXPECT_EQ(Data(events.back())["status"], "completed");
  EXPECT_EQ(Data(events.back())["progress"]["current"], 12);
}

TEST_P(ApiEventsTest, ACancelThroughTheApiEndsTheStreamWithCancelled) {
  StartWorker();
  const std::string job_id = SleepJob(alice_id_, 60000, 600);
  SseClient sse;
  HttpResult head;
  ASSERT_TRUE(sse.Connect(*client_, "/api/v1/jobs/" + job_id + "/events", alice_.headers, &head));
  sse.ReadUntil([](const auto& events) {
    return !events.empty() && Data(events.back())["status"] == "running";
  });
  const HttpResult cancel = alice_.Post("/api/v1/jobs/" + job_id + "/cancel");
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(cancel.Json()["outcome"], "cancelling");
  const auto& events = sse.ReadUntil([](const auto& e) { return EndsWith(e, "cancelled"); });
  EXPECT_TRUE(EndsWith(events, "cancelled")) << (events.empty() ? "" : events.back().data);
  sse.ReadUntil([](const auto&) { return false; }, 5s);
  EXPECT_TRUE(sse.ended());
}

TEST_P(ApiEventsTest, StreamsCarryOnlyTheCallersJobs) {
  ApiCaller bob = NewUser("bob");
  const std::string bob_id = bob.Get("/api/v1/auth/me").Json()["user"]["user_id"];
  SseClient sse;
  HttpResult head;
  ASSERT_TRUE(sse.Connect(*client_, "/api/v1/events", alice_.headers, &head)) << head.body;
  const std::string bobs = SleepJob(bob_id, 10, 1);
  const std::string alices = SleepJob(alice_id_, 10, 1);
  const auto& events = sse.ReadUntil([&](const auto& e) {
    for (const SseEvent& event : e)
      if (Data(event)["job_id"] == alices) return true;
    return false;
  });
  ASSERT_FALSE(events.empty());
  for (const SseEvent& event : events) {
    EXPECT_EQ(Data(event)["user_id"], alice_id_) << event.data;
    EXPECT_NE(Data(event)["job_id"], bobs);
  }
  SseClient denied;
  HttpResult refused;
  EXPECT_FALSE(
      denied.Connect(*client_, "/api/v1/jobs/" + alices + "/events", bob.headers, &refused));
  EXPECT_EQ(refused.status, 404) << refused.error;
}

TEST_P(ApiEventsTest, UsersSessionsTokensAndJobsSurviveARestartAndStreamsResume) {
  NewUser("carol");
  ApiCaller carol_session = Login("carol", kTestPassword);
  const json website = NewWebsite(alice_);
  const std::string discovery =
      alice_.Post("/api/v1/websites/" + website["website_id"].get<std::string>() + "/discovery")
          .Json()["job_id"];
  StartWorker();
  const std::string job_id = SleepJob(alice_id_, 1500, 30);
  SseClient before;
  HttpResult head;
  ASSERT_TRUE(
      before.Connect(*client_, "/api/v1/jobs/" + job_id + "/events", alice_.headers, &head));
  const auto& seen = before.ReadUntil([](const auto& e) {
    return !e.empty() && Data(e.back())["progress"]["current"].template get<int>() > 0;
  });
  ASSERT_FALSE(seen.empty());
  const std::string last_id = seen.back().id;

  worker_->Shutdown();  // The job goes back to the queue and resumes from its checkpoint.
  worker_.reset();
  RestartServer();
  StartWorker();

  EXPECT_EQ(alice_.Get("/api/v1/auth/me").status, 200) << "tokens survive";
  EXPECT_EQ(carol_session.Get("/api/v1/auth/me").status, 200) << "sessions survive";
  EXPECT_EQ(alice_.Get("/api/v1/jobs/" + discovery).Json()["status"], "pending");
  auto headers = alice_.headers;
  headers["Last-Event-ID"] = last_id;
  SseClient after;
  ASSERT_TRUE(after.Connect(*client_, "/api/v1/jobs/" + job_id + "/events", headers, &head))
      << head.body;
  const auto& resumed = after.ReadUntil([](const auto&) { return false; });
  ASSERT_FALSE(resumed.empty());
  for (const SseEvent& event : resumed) {
    EXPECT_GT(std::stoll(event.id), std::stoll(last_id)) << "nothing the client already had";
  }
  EXPECT_EQ(Data(resumed.back())["status"], "completed");
}

TEST_P(ApiEventsTest, AFinishedJobsStreamEndsAtOnceForAClientThatSawTheEnd) {
  const std::string job_id = SleepJob(alice_id_, 0, 1);
  ASSERT_TRUE(manager_->UpdateJobStatus(job_id, JobStatus::kCancelled).ok());
  SseClient first;
  HttpResult head;
  ASSERT_TRUE(first.Connect(*client_, "/api/v1/jobs/" + job_id + "/events", alice_.headers, &head));
  const auto& events = first.ReadUntil([](const auto&) { return false; }, 10s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(first.ended());
  auto headers = alice_.headers;
  headers["Last-Event-ID"] = events.back().id;
  SseClient again;
  ASSERT_TRUE(again.Connect(*client_, "/api/v1/jobs/" + job_id + "/events", headers, &head));
  EXPECT_TRUE(again.ReadUntil([](const auto&) { return false; }, 10s).empty());
  EXPECT_TRUE(again.ended());
}

TEST_P(ApiEventsTest, AWebSocketCarriesTheSameEventsAndRefusesAnotherUsersJob) {
  namespace beast = boost::beast;
  namespace websocket = beast::websocket;
  using tcp = boost::asio::ip::tcp;
  ApiCaller bob = NewUser("bob");
  StartWorker();
  const std::string job_id = SleepJob(alice_id_, 300, 6);
  const tcp::endpoint server(boost::asio::ip::make_address("127.0.0.1"),
                             static_cast<uint16_t>(client_->port()));
  auto as = [](const ApiCaller& caller) {
    return websocket::stream_base::decorator(
        [auth = caller.headers.at("Authorization")](websocket::request_type& request) {
          request.set(beast::http::field::authorization, auth);
        });
  };
  auto upgrade = bob.headers;
  upgrade.insert({{"Connection", "Upgrade"},
                  {"Upgrade", "websocket"},
                  {"Sec-WebSocket-Version", "13"},
                  {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
  const HttpResult refused = client_->Send("GET", "/api/v1/ws?job_id=" + job_id, "", upgrade);
  EXPECT_EQ(refused.status, 404) << "bob may not follow alice's job: " << refused.body;

  boost::asio::io_context io;
  beast::error_code ec;
  websocket::stream<tcp::socket> ws(io);
  ws.next_layer().connect(server);
  ws.set_option(as(alice_));
  ws.handshake("127.0.0.1", "/api/v1/ws?job_id=" + job_id);
  std::vector<json> events;
  while (events.empty() || events.back()["job"]["status"] != "completed") {
    beast::flat_buffer message;
    ws.read(message, ec);
    if (ec) break;
    const json event = json::parse(beast::buffers_to_string(message.data()), nullptr, false);
    if (event.contains("job")) events.push_back(event);
  }
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back()["job"]["status"], "completed");
  for (size_t i = 1; i < events.size(); ++i) {
    EXPECT_GT(std::stoll(events[i]["id"].get<std::string>()),
              std::stoll(events[i - 1]["id"].get<std::string>()));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiEventsTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace a11y::testing
