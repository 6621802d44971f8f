// The worker registry part of the JobStore conformance suite: the rows workers write about
// themselves, on every backend (tests/support/test_database.h).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "store/job_store.h"
#include "tests/support/test_database.h"

namespace a11y::testing {
namespace {

using namespace std::chrono_literals;
using Code = Status::Code;

class WorkerRegistryTest : public BackendTest {
 protected:
  // A worker that started and last heartbeat now.
  WorkerRecord NewWorker(const std::string& id) const {
    WorkerRecord worker;
    worker.worker_id = id;
    worker.host = "host-" + id;
    worker.pid = 4242;
    worker.started_at = worker.last_heartbeat_at = Now();
    worker.concurrency = 8;
    worker.running_jobs = 0;
    return worker;
  }

  void Record(const WorkerRecord& worker) {
    Status recorded = store_->RecordWorker(worker);
    EXPECT_TRUE(recorded.ok()) << worker.worker_id << ": " << recorded.ToString();
  }

  std::vector<WorkerRecord> Listed(TimePoint seen_since) {
    auto workers = store_->ListWorkers(seen_since);
    EXPECT_TRUE(workers.ok()) << workers.status().ToString();
    return workers.ok() ? *workers : std::vector<WorkerRecord>{};
  }

  std::vector<std::string> ListedIds(TimePoint seen_since) {
    std::vector<std::string> ids;
    for (const WorkerRecord& worker : Listed(seen_since)) ids.push_back(worker.worker_id);
    return ids;
  }
};

TEST_P(WorkerRegistryTest, RecordedWorkerReadsBackFieldByField) {
  env_.Advance(123457us);  // Microseconds that are not a round number survive the trip.
  WorkerRecord worker = NewWorker("w-1");
  worker.host = "builder-7.example.internal";
  worker.pid = int64_t{1} << 40;  // Wider than 32 bits.
  worker.started_at = Now() - 90s - 1us;
  worker.concurrency = 256;
  worker.running_jobs = 17;
  Record(worker);

  const auto listed = Listed(Now() - 1h);
  ASSERT_EQ(listed.size(), 1u);
  const WorkerRecord& row = listed[0];
  EXPECT_EQ(row.worker_id, "w-1");
  EXPECT_EQ(row.host, "builder-7.example.internal");
  EXPECT_EQ(row.pid, int64_t{1} << 40);
  EXPECT_EQ(Rfc(row.started_at), Rfc(worker.started_at));
  EXPECT_EQ(Rfc(row.last_heartbeat_at), Rfc(worker.last_heartbeat_at));
  EXPECT_EQ(row.concurrency, 256);
  EXPECT_EQ(row.running_jobs, 17);
  EXPECT_EQ(row.ToJson(), worker.ToJson());
}

TEST_P(WorkerRegistryTest, ToJsonHasTheDocumentedFields) {
  const Json json = NewWorker("w-json").ToJson();
  EXPECT_EQ(json["worker_id"], "w-json");
  EXPECT_EQ(json["host"], "host-w-json");
  EXPECT_EQ(json["pid"], 4242);
  EXPECT_EQ(json["started_at"], FormatRfc3339(Now()));
  EXPECT_EQ(json["last_heartbeat_at"], FormatRfc3339(Now()));
  EXPECT_EQ(json["concurrency"], 8);
  EXPECT_EQ(json["running_jobs"], 0);
  EXPECT_EQ(json.size(), 7u);
}

TEST_P(WorkerRegistryTest, RecordingAgainUpdatesHeartbeatAndRunningJobs) {
  WorkerRecord worker = NewWorker("w-1");
  Record(worker);
  env_.Advance(10s);
  worker.last_heartbeat_at = Now();
  worker.running_jobs = 5;
  Record(worker);

  const auto listed = Listed(Now() - 1h);
  ASSERT_EQ(listed.size(), 1u) << "an upsert, not a second row";
  EXPECT_EQ(Rfc(listed[0].last_heartbeat_at), Rfc(Now()));
  EXPECT_EQ(Rfc(listed[0].started_at), Rfc(Now() - 10s));
  EXPECT_EQ(listed[0].running_jobs, 5);
  EXPECT_EQ(listed[0].concurrency, 8);
}

TEST_P(WorkerRegistryTest, EmptyWorkerIdIsRefused) {
  EXPECT_EQ(store_->RecordWorker(NewWorker("")).code(), Code::kInvalidArgument);
  EXPECT_TRUE(Listed(Now() - 1h).empty());
}

TEST_P(WorkerRegistryTest, ListsOnlyWorkersSeenSinceOldestStartFirst) {
  const TimePoint t0 = Now();
  WorkerRecord stale = NewWorker("stale");  // Started first, then went quiet.
  Record(stale);
  env_.Advance(1min);
  WorkerRecord late = NewWorker("late");  // Started last: listed last.
  late.started_at = t0 + 2min;
  WorkerRecord early = NewWorker("early");
  early.started_at = t0 + 30s;
  WorkerRecord edge = NewWorker("edge");  // Seen exactly at the boundary: still listed.
  edge.started_at = t0 + 1min;
  edge.last_heartbeat_at = t0 + 30s;
  Record(late);
  Record(early);
  Record(edge);

  EXPECT_EQ(ListedIds(t0 + 30s), (std::vector<std::string>{"early", "edge", "late"}));
  EXPECT_EQ(ListedIds(t0 + 30s + 1us), (std::vector<std::string>{"early", "late"}));
  EXPECT_EQ(ListedIds(t0), (std::vector<std::string>{"stale", "early", "edge", "late"}));
  EXPECT_TRUE(ListedIds(Now() + 1us).empty());
}

TEST_P(WorkerRegistryTest, SameStartTimeIsOrderedByWorkerId) {
  for (const char* id : {"w-b", "w-c", "w-a"}) Record(NewWorker(id));
  EXPECT_EQ(ListedIds(Now()), (std::vector<std::string>{"w-a", "w-b", "w-c"}));
}

TEST_P(WorkerRegistryTest, RemoveWorkerDeletesTheRowOnce) {
  Record(NewWorker("w-1"));
  Record(NewWorker("w-2"));
  EXPECT_TRUE(store_->RemoveWorker("w-1").ok());
  EXPECT_EQ(ListedIds(Now() - 1h), (std::vector<std::string>{"w-2"}));
  EXPECT_EQ(store_->RemoveWorker("w-1").code(), Code::kNotFound);
  EXPECT_EQ(store_->RemoveWorker("never-was").code(), Code::kNotFound);
  // A worker that heartbeats after its row is gone simply writes it again.
  Record(NewWorker("w-1"));
  EXPECT_EQ(ListedIds(Now() - 1h), (std::vector<std::string>{"w-1", "w-2"}));
}

TEST_P(WorkerRegistryTest, DeleteStaleWorkersRemovesOnlyRowsNotSeenSince) {
  Record(NewWorker("crashed-1"));
  env_.Advance(1s);
  Record(NewWorker("crashed-2"));
  env_.Advance(1s);
  const TimePoint cutoff = Now();
  Record(NewWorker("at-cutoff"));  // Seen exactly at the cutoff: not stale.
  env_.Advance(5min);
  Record(NewWorker("alive"));

  auto deleted = store_->DeleteStaleWorkers(cutoff, 100);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(*deleted, 2);
  EXPECT_EQ(ListedIds(cutoff - 1h), (std::vector<std::string>{"at-cutoff", "alive"}));

  deleted = store_->DeleteStaleWorkers(cutoff, 100);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(*deleted, 0);
}

TEST_P(WorkerRegistryTest, DeleteStaleWorkersRespectsTheLimit) {
  for (int i = 0; i < 5; ++i) {
    Record(NewWorker("crashed-" + std::to_string(i)));
    env_.Advance(1s);
  }
  Record(NewWorker("alive"));
  const TimePoint cutoff = Now();

  for (int expected : {2, 2, 1, 0}) {
    auto deleted = store_->DeleteStaleWorkers(cutoff, 2);
    ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
    EXPECT_EQ(*deleted, expected);
  }
  auto none = store_->DeleteStaleWorkers(Now() + 1h, 0);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(*none, 0) << "a limit of zero deletes nothing";
  EXPECT_EQ(ListedIds(cutoff - 1h), (std::vector<std::string>{"alive"}));
}

TEST_P(WorkerRegistryTest, AnotherProcessSeesTheRegistry) {
  auto other = db_->OpenStore(&env_);
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->RecordWorker(NewWorker("elsewhere")).ok());
  EXPECT_EQ(ListedIds(Now()), (std::vector<std::string>{"elsewhere"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, WorkerRegistryTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace a11y::testing
