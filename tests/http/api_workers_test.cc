// GET /api/v1/admin/workers: the live workers, for administrators only, in the shape
// docs/openapi.json promises (WorkerList of Worker).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/support/api_server.h"

namespace a11y::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class ApiWorkersTest : public ApiTest {
 protected:
  // A worker that started `age` ago and last heartbeat `quiet` ago, by the API's clock.
  WorkerRecord Record(const std::string& id, Micros age, Micros quiet, int running_jobs = 0) {
    WorkerRecord worker;
    worker.worker_id = id;
    worker.host = "host-" + id;
    worker.pid = 31337;
    worker.started_at = env_.Now() - age;
    worker.last_heartbeat_at = env_.Now() - quiet;
    worker.concurrency = 16;
    worker.running_jobs = running_jobs;
    const Status recorded = store_->RecordWorker(worker);
    EXPECT_TRUE(recorded.ok()) << recorded.ToString();
    return worker;
  }
};

TEST_P(ApiWorkersTest, AdministratorSeesTheLiveWorkers) {
  const ApiCaller admin = NewUser("root", Role::kAdmin);
  env_.Advance(123457us);
  const WorkerRecord busy = Record("w-busy", 1h, 5s, /*running_jobs=*/3);
  Record("w-gone", 2h, 3min);  // Crashed: its row is still there, but it is not live.
  const WorkerRecord fresh = Record("w-fresh", 10s, 0s);

  const HttpResult result = admin.Get("/api/v1/admin/workers");
  ASSERT_EQ(result.status, 200) << result.body;
  const json body = result.Json();
  ASSERT_TRUE(body.is_object()) << result.body;
  EXPECT_EQ(body.size(), 1u) << "only items: " << result.body;
  ASSERT_TRUE(body["items"].is_array()) << result.body;
  ASSERT_EQ(body["items"].size(), 2u) << result.body;

  // Oldest start first.
  const json& first = body["items"][0];
  EXPECT_EQ(first, busy.ToJson());
  EXPECT_EQ(first["worker_id"], "w-busy");
  EXPECT_EQ(first["host"], "host-w-busy");
  EXPECT_EQ(first["pid"], 31337);
  EXPECT_EQ(first["started_at"], FormatRfc3339(busy.started_at));
  EXPECT_EQ(first["last_heartbeat_at"], FormatRfc3339(busy.last_heartbeat_at));
  EXPECT_EQ(first["running_jobs"], 3);
  EXPECT_EQ(first["concurrency"], 16);
  EXPECT_EQ(body["items"][1], fresh.ToJson());
}

TEST_P(ApiWorkersTest, EmptyRegistryIsAnEmptyList) {
  const ApiCaller admin = NewUser("root", Role::kAdmin);
  const HttpResult result = admin.Get("/api/v1/admin/workers");
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.Json(), (json{{"items", json::array()}}));
}

TEST_P(ApiWorkersTest, WorkerDropsOutTwoMinutesAfterItsLastHeartbeat) {
  const ApiCaller admin = NewUser("root", Role::kAdmin);
  Record("w-1", 1min, 0s);
  env_.Advance(2min);
  ASSERT_EQ(admin.Get("/api/v1/admin/workers").Json()["items"].size(), 1u) << "seen 2 min ago";
  env_.Advance(1us);
  EXPECT_EQ(admin.Get("/api/v1/admin/workers").Json()["items"].size(), 0u);
}

TEST_P(ApiWorkersTest, OtherCallersGetNotFoundOrUnauthenticated) {
  const ApiCaller alice = NewUser("alice");
  Record("w-1", 1min, 0s);
  const HttpResult as_user = alice.Get("/api/v1/admin/workers");
  EXPECT_EQ(as_user.status, 404) << as_user.body;
  EXPECT_EQ(as_user.ErrorCode(), "not_found");
  EXPECT_EQ(as_user.body.find("w-1"), std::string::npos) << as_user.body;

  const HttpResult anonymous = client_->Send("GET", "/api/v1/admin/workers");
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiWorkersTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace a11y::testing
