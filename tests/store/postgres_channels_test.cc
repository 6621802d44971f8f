// PostgreSQL only: what the store pushes between processes (LISTEN/NOTIFY) and the
// maintenance leadership it holds with an advisory lock, each store standing in for a
// process of its own; and the batched FinishJobs statement's per-item answers.
// Skips without A11Y_TEST_POSTGRES_URL (fails under CI=true), like the rest of the suite.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/job_store.h"
#include "store/postgres/postgres_push.h"
#include "tests/store/job_store_fixture.h"

namespace a11y::testing {
namespace {

using Code = Status::Code;
using Clock = std::chrono::steady_clock;

// Records what a store delivers, and lets the test wait for it.
class Recorder : public StoreListener {
 public:
  void OnCancellationRequested(const std::string& job_id) override {
    if (callback_delay_ > Micros::zero()) {
      in_callback_ = true;
      std::this_thread::sleep_for(callback_delay_);
    }
    std::lock_guard<std::mutex> lock(mu_);
    cancels_.push_back(job_id);
    in_callback_ = false;
    cv_.notify_all();
  }
  void OnJobEvent(const Json& event) override {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(event);
    cv_.notify_all();
  }

  // Waits up to `timeout` for `done` (called under the lock) to hold.
  bool WaitUntil(const std::function<bool()>& done, Micros timeout = 10s) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, done);
  }
  bool WaitForCancel(const std::string& job_id, Micros timeout = 10s) {
    return WaitUntil(
        [&] { return std::count(cancels_.begin(), cancels_.end(), job_id) > 0; }, timeout);
  }
  // The first event about `job_id` in status `status`, waiting for it; null if none came.
  Json WaitForEvent(const std::string& job_id, const std::string& status, Micros timeout = 10s) {
    Json found;
    WaitUntil(
        [&] {
          for (const Json& e : events_) {
            if (e.value("job_id", "") == job_id && e.value("status", "") == status) {
              found = e;
              return true;
            }
          }
          return false;
        },
        timeout);
    return found;
  }
  std::vector<std::string> cancels() {
    std::lock_guard<std::mutex> lock(mu_);
    return cancels_;
  }
  std::vector<Json> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

  Micros callback_delay_{0};
  std::atomic<bool> in_callback_{false};

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> cancels_;
  std::vector<Json> events_;
};

// Blocks until `store`'s listener thread has connected and LISTENs: its first connection
// moves the change stamp off zero.
void WaitUntilListening(JobStore& store) {
  const auto deadline = Clock::now() + 10s;
  while (store.ChangeStamp() == 0 && Clock::now() < deadline) store.WaitForChange(0, 100ms);
  EXPECT_NE(store.ChangeStamp(), 0) << "the listener never connected";
}

// `listener` hears `store`'s channels for the scope, from the moment the store listens.
class Listening {
 public:
  Listening(JobStore& store, StoreListener& listener) : store_(store), listener_(listener) {
    store_.AddListener(&listener_);
    WaitUntilListening(store_);
  }
  ~Listening() { store_.RemoveListener(&listener_); }
  Listening(const Listening&) = delete;
  Listening& operator=(const Listening&) = delete;

 private:
  JobStore& store_;
  StoreListener& listener_;
};

class PostgresChannelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    A11Y_REQUIRE_DATABASE(db, "postgresql");
    db_ = std::move(db);
  }

  std::unique_ptr<JobStore> Open() {
    auto store = db_->OpenStore(&env_);
    EXPECT_NE(store, nullptr) << "cannot open " << db_->url();
    return store;
  }

  Job NewJob(const std::string& id) const {
    Job job;
    job.job_id = id;
    job.job_type = "testing";
    job.user_id = "alice";
    job.queue = id;
    job.created_at = job.updated_at = job.run_after = env_.Now();
    return job;
  }

  // Inserts `id` through `store` and claims it there for `worker`.
  static Job InsertAndClaim(JobStore& store, const Job& job, const std::string& worker) {
    EXPECT_TRUE(store.InsertJobs({job}).ok());
    ClaimRequest request;
    request.worker_id = worker;
    request.queues = {job.queue};
    auto claimed = store.ClaimJobs(request);
    EXPECT_TRUE(claimed.ok()) << claimed.status().ToString();
    if (!claimed.ok() || claimed->size() != 1) {
      ADD_FAILURE() << "claim of " << job.job_id << " failed";
      return Job{};
    }
    return (*claimed)[0];
  }

  static int Leaders(const std::vector<std::unique_ptr<JobStore>>& stores) {
    int leaders = 0;
    for (const auto& s : stores) {
      if (s && s->HoldsMaintenanceLeadership()) ++leaders;
    }
    return leaders;
  }

  ManualEnv env_{TestEpoch()};
  std::unique_ptr<TestDatabase> db_;
};

// ---------------------------------------------------------------------------------------
// Cancellation

TEST_F(PostgresChannelsTest, CancellationReachesAListenerOnAnotherStore) {
  auto worker_store = Open();
  auto api_store = Open();
  Recorder recorder;
  Listening listening(*worker_store, recorder);

  const Job job = InsertAndClaim(*api_store, NewJob("cancel-me"), "worker-1");
  const auto asked = Clock::now();
  auto cancel = api_store->RequestCancellation("cancel-me", "alice", Scope::User("alice"));
  ASSERT_TRUE(cancel.ok()) << cancel.status().ToString();
  EXPECT_EQ(cancel->outcome, CancelOutcome::kCancelling);
  ASSERT_TRUE(recorder.WaitForCancel("cancel-me"));
  EXPECT_LT(Clock::now() - asked, 2s);

  // A move to cancelling by hand is a cancellation request too.
  InsertAndClaim(*api_store, NewJob("by-hand"), "worker-1");
  auto moved = api_store->TransitionStatus(
      {"by-hand", {JobStatus::kRunning}, JobStatus::kCancelling, std::nullopt, std::nullopt});
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_TRUE(recorder.WaitForCancel("by-hand"));

  (void)job;
}

TEST_F(PostgresChannelsTest, CancellingAPendingJobSendsNoCancellation) {
  auto worker_store = Open();
  auto api_store = Open();
  Recorder recorder;
  Listening listening(*worker_store, recorder);

  ASSERT_TRUE(api_store->InsertJobs({NewJob("pending-one")}).ok());
  auto cancel = api_store->RequestCancellation("pending-one", "alice", Scope::Admin());
  ASSERT_TRUE(cancel.ok());
  EXPECT_EQ(cancel->outcome, CancelOutcome::kCancelled);
  // Its event (status cancelled) comes; no worker holds it, so no cancellation is sent.
  EXPECT_FALSE(recorder.WaitForEvent("pending-one", "cancelled").is_null());
  EXPECT_TRUE(recorder.cancels().empty());
}

// ---------------------------------------------------------------------------------------
// Job events

TEST_F(PostgresChannelsTest, EventsArriveForProgressAndFinish) {
  auto watcher = Open();
  auto worker_store = Open();
  Recorder recorder;
  Listening listening(*watcher, recorder);

  const Job job = InsertAndClaim(*worker_store, NewJob("progressing"), "worker-1");
  EXPECT_FALSE(recorder.WaitForEvent("progressing", "pending").is_null()) << "insert event";
  EXPECT_FALSE(recorder.WaitForEvent("progressing", "running").is_null()) << "claim event";

  Progress progress;
  progress.current = 3;
  progress.total = 4;
  progress.message = "three of four";
  progress.ComputePercentage();
  ASSERT_TRUE(worker_store->UpdateProgress("progressing", progress, job.lock_token).ok());
  Json progressed;
  const auto deadline = Clock::now() + 10s;
  while (progressed.is_null() && Clock::now() < deadline) {
    for (const Json& e : recorder.events()) {
      if (e.value("job_id", "") == "progressing" && e["progress"].value("current", 0) == 3) {
        progressed = e;
      }
    }
    if (progressed.is_null()) std::this_thread::sleep_for(5ms);
  }
  ASSERT_FALSE(progressed.is_null()) << "no progress event";
  EXPECT_EQ(progressed["user_id"], "alice");
  EXPECT_EQ(progressed["status"], "running");
  EXPECT_EQ(progressed["progress"]["total"], 4);
  EXPECT_DOUBLE_EQ(progressed["progress"]["percentage"].get<double>(), 75.0);
  EXPECT_EQ(progressed["progress"]["message"], "three of four");

  Finish finish = MakeFinish("progressing", job.lock_token, Finish::Kind::kCompleted);
  Progress last = progress;
  last.current = 4;
  last.message = "done";
  last.ComputePercentage();
  finish.progress = last;
  finish.result = Json{{"ok", true}};
  auto finished = worker_store->FinishJobs({finish});
  ASSERT_TRUE(finished.ok() && (*finished)[0].ok());
  const Json completed = recorder.WaitForEvent("progressing", "completed");
  ASSERT_FALSE(completed.is_null()) << "no completion event";
  EXPECT_EQ(completed["progress"]["current"], 4);
  EXPECT_EQ(completed["progress"]["message"], "done");
}

TEST_F(PostgresChannelsTest, LongMessagesAndLargeBatchesStayUnderThePayloadLimit) {
  auto watcher = Open();
  auto worker_store = Open();
  Recorder recorder;
  Listening listening(*watcher, recorder);

  // 300 jobs finished in one statement, each with a long (multi-byte) message: their events
  // must be split across notifications, and each message cut short.
  const int kJobs = 300;
  std::vector<Job> jobs;
  for (int i = 0; i < kJobs; ++i) {
    Job job = NewJob("batch-" + std::to_string(i));
    job.queue = "batch";
    jobs.push_back(job);
  }
  ASSERT_TRUE(worker_store->InsertJobs(jobs).ok());
  ClaimRequest request;
  request.worker_id = "worker-1";
  request.queues = {"batch"};
  request.limit = kJobs;
  auto claimed = worker_store->ClaimJobs(request);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), static_cast<size_t>(kJobs));
  std::string long_message;
  for (int i = 0; i < 5000; ++i) long_message += "é";  // 10000 bytes.
  std::vector<Finish> finishes;
  for (const Job& job : *claimed) {
    Finish f = MakeFinish(job.job_id, job.lock_token, Finish::Kind::kCompleted);
    Progress p;
    p.current = 1;
    p.total = 1;
    p.message = long_message;
    p.ComputePercentage();
    f.progress = p;
    finishes.push_back(f);
  }
  auto finished = worker_store->FinishJobs(finishes);
  ASSERT_TRUE(finished.ok()) << finished.status().ToString();
  for (const Status& st : *finished) EXPECT_TRUE(st.ok()) << st.ToString();

  auto completed_events = [&] {
    int n = 0;
    for (const Json& e : recorder.events()) {
      if (e.value("status", "") == "completed") ++n;
    }
    return n;
  };
  const auto deadline = Clock::now() + 10s;
  while (completed_events() < kJobs && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(completed_events(), kJobs);
  for (const Json& e : recorder.events()) {
    if (e.value("status", "") != "completed") continue;
    const std::string message = e["progress"]["message"];
    EXPECT_GT(message.size(), 0u);
    EXPECT_LT(message.size(), long_message.size());
    break;
  }
  // The rows themselves keep the whole message.
  auto row = worker_store->GetJob("batch-0", Scope::Admin());
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->progress.message, long_message);
}

// ---------------------------------------------------------------------------------------
// Listener registration

TEST_F(PostgresChannelsTest, RemoveListenerStopsCallbacks) {
  auto worker_store = Open();
  auto api_store = Open();
  Recorder kept, removed;
  worker_store->AddListener(&kept);
  worker_store->AddListener(&removed);
  WaitUntilListening(*worker_store);

  InsertAndClaim(*api_store, NewJob("first"), "worker-1");
  ASSERT_TRUE(api_store->RequestCancellation("first", "alice", Scope::Admin()).ok());
  ASSERT_TRUE(kept.WaitForCancel("first"));
  ASSERT_TRUE(removed.WaitForCancel("first"));

  worker_store->RemoveListener(&removed);
  const size_t events_before = removed.events().size();
  InsertAndClaim(*api_store, NewJob("second"), "worker-1");
  ASSERT_TRUE(api_store->RequestCancellation("second", "alice", Scope::Admin()).ok());
  ASSERT_TRUE(kept.WaitForCancel("second"));
  // `kept` heard it, so the listener thread has passed `removed` by: nothing came to it.
  EXPECT_EQ(removed.cancels(), std::vector<std::string>{"first"});
  EXPECT_EQ(removed.events().size(), events_before);
  worker_store->RemoveListener(&kept);
}

TEST_F(PostgresChannelsTest, RemoveListenerWaitsForARunningCallback) {
  auto worker_store = Open();
  auto api_store = Open();
  auto slow = std::make_unique<Recorder>();
  slow->callback_delay_ = 300ms;
  worker_store->AddListener(slow.get());
  WaitUntilListening(*worker_store);

  InsertAndClaim(*api_store, NewJob("slow"), "worker-1");
  ASSERT_TRUE(api_store->RequestCancellation("slow", "alice", Scope::Admin()).ok());
  const auto deadline = Clock::now() + 10s;
  while (!slow->in_callback_ && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(slow->in_callback_) << "the callback never started";
  worker_store->RemoveListener(slow.get());
  // The callback finished before RemoveListener returned: destroying it now is safe.
  EXPECT_FALSE(slow->in_callback_);
  EXPECT_EQ(slow->cancels(), std::vector<std::string>{"slow"});
  slow.reset();
  // More traffic after the listener is gone must not touch it (ASan would tell).
  InsertAndClaim(*api_store, NewJob("after"), "worker-1");
  ASSERT_TRUE(api_store->RequestCancellation("after", "alice", Scope::Admin()).ok());
  std::this_thread::sleep_for(200ms);
}

// ---------------------------------------------------------------------------------------
// Leadership

TEST_F(PostgresChannelsTest, ExactlyOneStoreLeadsAndAnotherTakesOverWhenItGoes) {
  std::vector<std::unique_ptr<JobStore>> stores;
  for (int i = 0; i < 3; ++i) stores.push_back(Open());
  auto deadline = Clock::now() + 10s;
  while (Leaders(stores) == 0 && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(Leaders(stores), 1);
  // Leadership stays put: the others keep trying and keep failing.
  for (int i = 0; i < 60; ++i) {
    ASSERT_EQ(Leaders(stores), 1);
    std::this_thread::sleep_for(25ms);
  }

  size_t leader = 0;
  while (!stores[leader]->HoldsMaintenanceLeadership()) ++leader;
  stores[leader].reset();  // Its session ends, and with it the advisory lock.
  deadline = Clock::now() + 10s;
  while (Leaders(stores) == 0 && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(Leaders(stores), 1);
  for (int i = 0; i < 60; ++i) {
    ASSERT_EQ(Leaders(stores), 1);
    std::this_thread::sleep_for(25ms);
  }
}

// Keeps asking every store in `askers` (as a worker's monitor does) until `done` holds.
bool AskUntil(const std::vector<JobStore*>& askers, const std::function<bool()>& done,
              std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    for (JobStore* s : askers) s->HoldsMaintenanceLeadership();
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

TEST_F(PostgresChannelsTest, OnlyAStoreThatAsksLeadsAndOneThatStopsAskingStepsDown) {
  auto quiet = Open();
  auto asking = Open();
  WaitUntilListening(*quiet);  // Its listener runs, but nobody here runs maintenance.
  ASSERT_TRUE(AskUntil({asking.get()}, [&] { return asking->HoldsMaintenanceLeadership(); },
                       std::chrono::seconds(10)));

  // Now only `quiet` asks: `asking` gives the lock back once its wish lapses (seconds).
  ASSERT_TRUE(AskUntil({quiet.get()}, [&] { return quiet->HoldsMaintenanceLeadership(); },
                       std::chrono::seconds(20)));
  EXPECT_FALSE(asking->HoldsMaintenanceLeadership()) << "asking again just now: not yet held";
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(quiet->HoldsMaintenanceLeadership());
  EXPECT_FALSE(asking->HoldsMaintenanceLeadership());
}

TEST_F(PostgresChannelsTest, AFrozenLeaderIsEvictedAndReplaced) {
  // A session that took the maintenance lock and then went silent, as a SIGSTOPped
  // process's would: alive to the server, answering nothing.
  PGconn* frozen = PQconnectdb(db_->url().c_str());
  ASSERT_EQ(PQstatus(frozen), CONNECTION_OK) << PQerrorMessage(frozen);
  const std::string lock =
      "SELECT pg_try_advisory_lock(" + std::to_string(pg::kMaintenanceLockKey) + ")";
  PGresult* took = PQexec(frozen, lock.c_str());
  ASSERT_EQ(PQresultStatus(took), PGRES_TUPLES_OK);
  ASSERT_STREQ(PQgetvalue(took, 0, 0), "t");
  PQclear(took);

  auto store = Open();
  const auto start = Clock::now();
  EXPECT_FALSE(AskUntil({store.get()}, [&] { return store->HoldsMaintenanceLeadership(); },
                        std::chrono::seconds(3)))
      << "led while another session held the lock";
  EXPECT_TRUE(AskUntil({store.get()}, [&] { return store->HoldsMaintenanceLeadership(); },
                       std::chrono::seconds(30)))
      << "the silent holder was never evicted";
  EXPECT_GE(Clock::now() - start, std::chrono::seconds(8)) << "evicted a leader too soon";
  // The frozen session was ended.
  PGresult* after = PQexec(frozen, "SELECT 1");
  EXPECT_NE(PQresultStatus(after), PGRES_TUPLES_OK);
  PQclear(after);
  PQfinish(frozen);
}

TEST_F(PostgresChannelsTest, ListenerReconnectsAfterItsConnectionIsKilled) {
  auto worker_store = Open();
  auto api_store = Open();
  Recorder recorder;
  Listening listening(*worker_store, recorder);
  auto deadline = Clock::now() + 10s;
  while (!worker_store->HoldsMaintenanceLeadership() && Clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(worker_store->HoldsMaintenanceLeadership());

  // An administrator (or a failover) ends the listener's session.
  const int64_t stamp = worker_store->ChangeStamp();
  const std::string error = PgExec(
      db_->url(),
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
      "WHERE application_name = 'auto-a11y-listener' AND datname = current_database()");
  ASSERT_EQ(error, "");
  // It reconnects: the stamp moves (notifications may have been missed), leadership comes
  // back, and cancellations flow again.
  worker_store->WaitForChange(stamp, 10s);
  EXPECT_NE(worker_store->ChangeStamp(), stamp);
  deadline = Clock::now() + 10s;
  while (!worker_store->HoldsMaintenanceLeadership() && Clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(worker_store->HoldsMaintenanceLeadership());
  InsertAndClaim(*api_store, NewJob("after-reconnect"), "worker-1");
  ASSERT_TRUE(api_store->RequestCancellation("after-reconnect", "alice", Scope::Admin()).ok());
  EXPECT_TRUE(recorder.WaitForCancel("after-reconnect"));
}

// ---------------------------------------------------------------------------------------
// Batched finishing

TEST_F(PostgresChannelsTest, BatchFinishAnswersEachItem) {
  auto store = Open();
  const Job done = InsertAndClaim(*store, NewJob("done"), "w");
  const Job stale = InsertAndClaim(*store, NewJob("stale"), "w");
  const Job retried = InsertAndClaim(*store, NewJob("retried"), "w");
  const Job released = InsertAndClaim(*store, NewJob("released"), "w");
  const Job cancelling = InsertAndClaim(*store, NewJob("cancelling"), "w");
  ASSERT_TRUE(store->RequestCancellation("cancelling", "alice", Scope::Admin()).ok());

  std::vector<Finish> batch;
  batch.push_back(MakeFinish("done", done.lock_token, Finish::Kind::kCompleted));
  batch.back().result = Json{{"pages", 3}};
  batch.push_back(MakeFinish("stale", stale.lock_token - 1, Finish::Kind::kCompleted));
  batch.push_back(MakeFinish("missing", 1, Finish::Kind::kFailed));
  batch.push_back(MakeFinish("retried", retried.lock_token, Finish::Kind::kRetry));
  batch.back().error = "try later";
  batch.back().run_after = env_.Now() + 60s;
  batch.push_back(MakeFinish("released", released.lock_token, Finish::Kind::kRelease));
  batch.push_back(MakeFinish("cancelling", cancelling.lock_token, Finish::Kind::kRetry));
  batch.push_back(MakeFinish("done", done.lock_token, Finish::Kind::kFailed));  // A repeat.

  auto results = store->FinishJobs(batch);
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  ASSERT_EQ(results->size(), batch.size());
  EXPECT_TRUE((*results)[0].ok()) << (*results)[0].ToString();
  EXPECT_EQ((*results)[1].code(), Code::kLeaseLost) << (*results)[1].ToString();
  EXPECT_EQ((*results)[2].code(), Code::kNotFound) << (*results)[2].ToString();
  EXPECT_TRUE((*results)[3].ok()) << (*results)[3].ToString();
  EXPECT_TRUE((*results)[4].ok()) << (*results)[4].ToString();
  EXPECT_TRUE((*results)[5].ok()) << (*results)[5].ToString();
  EXPECT_EQ((*results)[6].code(), Code::kLeaseLost) << (*results)[6].ToString();

  auto row = [&](const std::string& id) {
    auto job = store->GetJob(id, Scope::Admin());
    EXPECT_TRUE(job.ok()) << id;
    return job.ok() ? *job : Job{};
  };
  const Job done_row = row("done");
  EXPECT_EQ(done_row.status, JobStatus::kCompleted);  // The repeat changed nothing.
  EXPECT_EQ(done_row.result, (Json{{"pages", 3}}));
  EXPECT_TRUE(done_row.completed_at.has_value());
  const Job stale_row = row("stale");
  EXPECT_EQ(stale_row.status, JobStatus::kRunning);
  EXPECT_EQ(stale_row.lock_holder, std::optional<std::string>("w"));
  const Job retried_row = row("retried");
  EXPECT_EQ(retried_row.status, JobStatus::kPending);
  EXPECT_EQ(retried_row.run_after, env_.Now() + 60s);
  EXPECT_EQ(retried_row.error, std::optional<std::string>("try later"));
  EXPECT_EQ(retried_row.attempt, 1);
  EXPECT_FALSE(retried_row.lock_holder.has_value());
  const Job released_row = row("released");
  EXPECT_EQ(released_row.status, JobStatus::kPending);
  EXPECT_EQ(released_row.attempt, 0);  // A release does not count the attempt.
  EXPECT_EQ(released_row.run_after, env_.Now());
  const Job cancelling_row = row("cancelling");
  EXPECT_EQ(cancelling_row.status, JobStatus::kCancelled);
  EXPECT_TRUE(cancelling_row.completed_at.has_value());
}

TEST_F(PostgresChannelsTest, RequeueingFinishWakesAWaiterOnAnotherStore) {
  auto waiter = Open();
  auto worker_store = Open();
  WaitUntilListening(*waiter);
  const Job job = InsertAndClaim(*worker_store, NewJob("again"), "w");
  const int64_t stamp = waiter->ChangeStamp();
  auto results =
      worker_store->FinishJobs({MakeFinish("again", job.lock_token, Finish::Kind::kRelease)});
  ASSERT_TRUE(results.ok() && (*results)[0].ok());
  const auto start = Clock::now();
  waiter->WaitForChange(stamp, 10s);
  EXPECT_NE(waiter->ChangeStamp(), stamp);
  EXPECT_LT(Clock::now() - start, 5s);
}

}  // namespace
}  // namespace a11y::testing
