// JobManager on every store backend: creating jobs, the status state machine, progress,
// queries, locks, stale-job cleanup, retention and statistics. Time is a ManualEnv.
#include "jobs/job_manager.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/ids.h"
#include "store/job_store.h"
#include "tests/support/test_database.h"

namespace a11y::testing {
namespace {

using namespace std::chrono_literals;
using Code = Status::Code;
using S = JobStatus;

const std::vector<JobStatus> kAllStatuses = {S::kPending, S::kRunning,   S::kCompleted,
                                             S::kFailed,  S::kCancelled, S::kCancelling};

CreateJobRequest Request(const std::string& type = "testing", const std::string& user = "alice") {
  CreateJobRequest request;
  request.job_type = type;
  request.user_id = user;
  return request;
}

CreateJobRequest RequestWithId(const std::string& id, const std::string& type = "testing") {
  CreateJobRequest request = Request(type);
  request.job_id = id;
  return request;
}

class JobManagerTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (store_) manager_ = std::make_unique<JobManager>(store_.get(), &env_);
  }

  std::string Create(const CreateJobRequest& request) {
    auto job = manager_->CreateJob(request);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? job->job_id : "";
  }
  std::string Create(const std::string& id, const std::string& type = "testing") {
    return Create(RequestWithId(id, type));
  }

  Job Row(const std::string& id) {
    auto job = manager_->GetJob(id);
    EXPECT_TRUE(job.ok()) << id << ": " << job.status().ToString();
    return job.ok() ? *job : Job{};
  }
  bool Exists(const std::string& id) { return manager_->GetJob(id).ok(); }

  int64_t CountJobs() {
    JobFilter filter;
    filter.limit = 1000;
    auto page = manager_->ListJobs(filter);
    EXPECT_TRUE(page.ok());
    return page.ok() ? static_cast<int64_t>(page->jobs.size()) : -1;
  }

  void Move(const std::string& id, JobStatus to) {
    auto moved = manager_->UpdateJobStatus(id, to);
    ASSERT_TRUE(moved.ok()) << id << " -> " << JobStatusName(to) << ": "
                            << moved.status().ToString();
  }

  void Cancel(const std::string& id) {
    auto result = manager_->RequestCancellation(id, "tester");
    ASSERT_TRUE(result.ok()) << result.status().ToString();
  }

  // Puts an existing pending job into `status` through the manager's API.
  void Drive(const std::string& id, JobStatus status) {
    switch (status) {
      case S::kPending: break;
      case S::kRunning: Move(id, S::kRunning); break;
      case S::kCompleted:
      case S::kFailed:
        Move(id, S::kRunning);
        Move(id, status);
        break;
      case S::kCancelled: Cancel(id); break;
      case S::kCancelling:
        Move(id, S::kRunning);
        Cancel(id);
        break;
    }
    ASSERT_EQ(Row(id).status, status) << id;
  }

  std::string CreateIn(const std::string& id, JobStatus status) {
    Create(id);
    Drive(id, status);
    return id;
  }

  std::unique_ptr<JobManager> manager_;
};

// ---------------------------------------------------------------------------------------
// Creating jobs

TEST_P(JobManagerTest, GeneratedIdsAreValidAndSortByCreation) {
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    ids.push_back(Create(Request()));
    if (i % 2 == 1) env_.Advance(1ms);
  }
  for (const std::string& id : ids) {
    EXPECT_EQ(id.size(), 26u) << id;
    EXPECT_TRUE(IsValidJobId(id)) << id;
    EXPECT_TRUE(Exists(id)) << id;
  }
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "ids must be unique";
}

TEST_P(JobManagerTest, CreatedJobCarriesTheRequest) {
  CreateJobRequest request = RequestWithId("scan-1", "discovery");
  request.website_id = "site";
  request.project_id = "project";
  request.session_id = "session";
  request.metadata = Json{{"start_url", "https://example.org"}};
  request.priority = 3;
  request.queue = "crawl";
  request.max_attempts = 4;
  request.parent_job_id = "parent";
  auto created = manager_->CreateJob(request);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->job_id, "scan-1");

  const Job row = Row("scan-1");
  EXPECT_EQ(Snapshot(row), Snapshot(*created));
  EXPECT_EQ(row.status, S::kPending);
  EXPECT_EQ(row.job_type, "discovery");
  EXPECT_EQ(row.user_id, "alice");
  EXPECT_EQ(row.website_id, "site");
  EXPECT_EQ(row.project_id, "project");
  EXPECT_EQ(row.session_id, "session");
  EXPECT_EQ(row.metadata, request.metadata);
  EXPECT_EQ(row.priority, 3);
  EXPECT_EQ(row.queue, "crawl");
  EXPECT_EQ(row.max_attempts, 4);
  EXPECT_EQ(row.parent_job_id, "parent");
  EXPECT_EQ(Rfc(row.created_at), Rfc(Now()));
  EXPECT_EQ(Rfc(row.run_after), Rfc(Now())) << "run_after defaults to now";
}

TEST_P(JobManagerTest, DuplicateIdIsAlreadyExistsAndKeepsTheOriginal) {
  CreateJobRequest first = RequestWithId("taken");
  first.metadata = Json{{"version", 1}};
  Create(first);
  CreateJobRequest second = RequestWithId("taken");
  second.metadata = Json{{"version", 2}};
  EXPECT_EQ(manager_->CreateJob(second).status().code(), Code::kAlreadyExists);
  EXPECT_EQ(Row("taken").metadata, first.metadata);
}

TEST_P(JobManagerTest, CreateJobsIsAllOrNothing) {
  Create("taken");
  auto batch = manager_->CreateJobs(
      {RequestWithId("new-1"), RequestWithId("taken"), RequestWithId("new-2")});
  EXPECT_EQ(batch.status().code(), Code::kAlreadyExists);
  EXPECT_FALSE(Exists("new-1"));
  EXPECT_FALSE(Exists("new-2"));

  auto invalid = manager_->CreateJobs({RequestWithId("new-3"), Request("no-such-type")});
  EXPECT_EQ(invalid.status().code(), Code::kInvalidArgument);
  EXPECT_FALSE(Exists("new-3"));
  EXPECT_EQ(CountJobs(), 1);

  auto created = manager_->CreateJobs({RequestWithId("a"), Request(), RequestWithId("c")});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  ASSERT_EQ(created->size(), 3u);
  EXPECT_EQ((*created)[0], "a");
  EXPECT_EQ((*created)[2], "c");
  for (const std::string& id : *created) EXPECT_TRUE(Exists(id)) << id;
}

TEST_P(JobManagerTest, InvalidRequestsAreRefusedAndInsertNothing) {
  struct Case {
    std::string name;
    std::function<void(CreateJobRequest*)> spoil;
  };
  const std::vector<Case> cases = {
      {"unknown type", [](CreateJobRequest* r) { r->job_type = "crawl"; }},
      {"empty type", [](CreateJobRequest* r) { r->job_type = ""; }},
      {"array metadata",
       [](CreateJobRequest* r) {
         r->metadata = Json::array({1, 2});
       }},
      {"string metadata", [](CreateJobRequest* r) { r->metadata = "text"; }},
      {"null metadata", [](CreateJobRequest* r) { r->metadata = nullptr; }},
      {"empty id", [](CreateJobRequest* r) { r->job_id = ""; }},
      {"id with a space", [](CreateJobRequest* r) { r->job_id = "two words"; }},
      {"id with a slash", [](CreateJobRequest* r) { r->job_id = "../etc"; }},
      {"id too long", [](CreateJobRequest* r) { r->job_id = std::string(129, 'a'); }},
      {"zero attempts", [](CreateJobRequest* r) { r->max_attempts = 0; }},
      {"negative attempts", [](CreateJobRequest* r) { r->max_attempts = -1; }},
      {"too many attempts", [](CreateJobRequest* r) { r->max_attempts = 101; }},
      {"priority too high", [](CreateJobRequest* r) { r->priority = 1001; }},
      {"empty queue", [](CreateJobRequest* r) { r->queue = ""; }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    CreateJobRequest request = Request();
    c.spoil(&request);
    auto job = manager_->CreateJob(request);
    EXPECT_EQ(job.status().code(), Code::kInvalidArgument) << job.status().ToString();
  }
  EXPECT_EQ(CountJobs(), 0);
}

TEST_P(JobManagerTest, BoundaryValuesAreAccepted) {
  CreateJobRequest request = RequestWithId(std::string(128, 'x'));
  request.max_attempts = 100;
  request.priority = -1000;
  EXPECT_TRUE(manager_->CreateJob(request).ok());
  request = RequestWithId("A-z_0.9:x");
  request.max_attempts = 1;
  request.priority = 1000;
  EXPECT_TRUE(manager_->CreateJob(request).ok());
}

// ---------------------------------------------------------------------------------------
// The status state machine

// DESIGN.md section 2; pending -> failed also lets a job that can never start be failed.
bool IsLegal(JobStatus from, JobStatus to) {
  static const std::map<JobStatus, std::vector<JobStatus>> legal = {
      {S::kPending, {S::kRunning, S::kFailed, S::kCancelled}},
      {S::kRunning, {S::kPending, S::kCompleted, S::kFailed, S::kCancelled, S::kCancelling}},
      {S::kCancelling, {S::kCompleted, S::kFailed, S::kCancelled}},
      {S::kCompleted, {}},
      {S::kFailed, {}},
      {S::kCancelled, {}},
  };
  const auto& targets = legal.at(from);
  return std::find(targets.begin(), targets.end(), to) != targets.end();
}

TEST_P(JobManagerTest, UpdateJobStatusFollowsTheStateMachine) {
  for (JobStatus from : kAllStatuses) {
    for (JobStatus to : kAllStatuses) {
      const std::string id = std::string(JobStatusName(from)) + "-to-" + JobStatusName(to);
      SCOPED_TRACE(id);
      CreateIn(id, from);
      const Json before = Snapshot(Row(id));
      env_.Advance(1s);
      auto moved = manager_->UpdateJobStatus(id, to);
      if (IsLegal(from, to)) {
        ASSERT_TRUE(moved.ok()) << moved.status().ToString();
        EXPECT_EQ(moved->status, to);
        EXPECT_EQ(Row(id).status, to);
        EXPECT_EQ(Rfc(Row(id).updated_at), Rfc(Now()));
        if (IsTerminal(to)) {
          EXPECT_EQ(Rfc(Row(id).completed_at), Rfc(Now()));
        }
      } else {
        EXPECT_EQ(moved.status().code(), Code::kFailedPrecondition) << moved.status().ToString();
        EXPECT_EQ(Snapshot(Row(id)), before);
      }
    }
  }
}

TEST_P(JobManagerTest, UpdateJobStatusOfAnUnknownJobIsNotFound) {
  EXPECT_EQ(manager_->UpdateJobStatus("missing", S::kRunning).status().code(), Code::kNotFound);
}

TEST_P(JobManagerTest, StatusChangesStampStartAndCompletion) {
  Create("done");
  Create("broken");
  env_.Advance(1s);
  const TimePoint started = Now();
  Move("done", S::kRunning);
  Move("broken", S::kRunning);
  EXPECT_EQ(Rfc(Row("done").started_at), Rfc(started));
  EXPECT_FALSE(Row("done").completed_at.has_value());

  env_.Advance(42s);
  auto done = manager_->UpdateJobStatus("done", S::kCompleted, std::nullopt, Json{{"ok", true}});
  ASSERT_TRUE(done.ok());
  auto broken = manager_->UpdateJobStatus("broken", S::kFailed, "no route to host");
  ASSERT_TRUE(broken.ok());

  EXPECT_EQ(Rfc(Row("done").started_at), Rfc(started));
  EXPECT_EQ(Rfc(Row("done").completed_at), Rfc(Now()));
  EXPECT_EQ(Row("done").result, Json({{"ok", true}}));
  EXPECT_EQ(Rfc(Row("broken").completed_at), Rfc(Now()));
  EXPECT_EQ(Row("broken").error, "no route to host");
}

// ---------------------------------------------------------------------------------------
// Progress

TEST_P(JobManagerTest, ProgressPercentageIsComputed) {
  struct Case {
    int64_t current, total;
    double percentage;
  };
  const std::vector<Case> cases = {{3, 4, 75.0},      {0, 10, 0.0}, {10, 10, 100.0},
                                   {1, 3, 100.0 / 3}, {0, 0, 0.0},  {7, 5, 100.0}};
  Create("job");
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(c.current) + "/" + std::to_string(c.total));
    ASSERT_TRUE(
        manager_->UpdateJobProgress("job", c.current, c.total, "Crawling", Json{{"url", "/x"}})
            .ok());
    const Progress progress = Row("job").progress;
    EXPECT_EQ(progress.current, c.current);
    EXPECT_EQ(progress.total, c.total);
    EXPECT_NEAR(progress.percentage, c.percentage, 1e-9);
    EXPECT_EQ(progress.message, "Crawling");
    EXPECT_EQ(progress.details, Json({{"url", "/x"}}));
  }
}

TEST_P(JobManagerTest, ProgressIsRefusedOnAFinishedJob) {
  for (JobStatus status : {S::kCompleted, S::kFailed, S::kCancelled}) {
    const std::string id = CreateIn(JobStatusName(status), status);
    SCOPED_TRACE(id);
    const Json before = Snapshot(Row(id));
    env_.Advance(1s);
    Status st = manager_->UpdateJobProgress(id, 3, 4, "late");
    EXPECT_EQ(st.code(), Code::kFailedPrecondition) << st.ToString();
    EXPECT_EQ(Snapshot(Row(id)), before);
  }
}

TEST_P(JobManagerTest, NegativeProgressIsInvalidArgument) {
  Create("job");
  EXPECT_EQ(manager_->UpdateJobProgress("job", -1, 4, "x").code(), Code::kInvalidArgument);
  EXPECT_EQ(manager_->UpdateJobProgress("job", 1, -4, "x").code(), Code::kInvalidArgument);
}

TEST_P(JobManagerTest, FencedProgressNeedsTheCurrentLockToken) {
  CreateIn("job", S::kRunning);
  auto lease = manager_->AcquireJobLock("job", "worker", 30s);
  ASSERT_TRUE(lease.ok()) << lease.status().ToString();
  EXPECT_TRUE(manager_->UpdateJobProgress("job", 1, 2, "mine", Json::object(), lease->token).ok());
  EXPECT_EQ(
      manager_->UpdateJobProgress("job", 2, 2, "stale", Json::object(), lease->token - 1).code(),
      Code::kLeaseLost);
  EXPECT_EQ(Row("job").progress.message, "mine");
}

// ---------------------------------------------------------------------------------------
// Queries

TEST_P(JobManagerTest, ActiveJobsArePendingRunningAndCancellingNewestFirst) {
  for (JobStatus status : kAllStatuses) {
    env_.Advance(1s);
    CreateIn(JobStatusName(status), status);
  }
  env_.Advance(1s);
  CreateJobRequest bobs = RequestWithId("bobs-discovery", "discovery");
  bobs.user_id = "bob";
  Create(bobs);

  auto active = manager_->GetActiveJobs();
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  std::vector<std::string> ids;
  for (const Job& job : *active) ids.push_back(job.job_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"bobs-discovery", "cancelling", "running", "pending"}));

  auto discovery = manager_->GetActiveJobs(Scope::Admin(), "discovery");
  ASSERT_TRUE(discovery.ok());
  ASSERT_EQ(discovery->size(), 1u);
  EXPECT_EQ((*discovery)[0].job_id, "bobs-discovery");

  auto alices = manager_->GetActiveJobs(Scope::User("alice"));
  ASSERT_TRUE(alices.ok());
  EXPECT_EQ(alices->size(), 3u);

  auto limited = manager_->GetActiveJobs(Scope::Admin(), std::nullopt, 2);
  ASSERT_TRUE(limited.ok());
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ((*limited)[1].job_id, "cancelling");
}

TEST_P(JobManagerTest, GetJobIsScopedToItsUser) {
  Create("job");
  EXPECT_TRUE(manager_->GetJob("job", Scope::User("alice")).ok());
  EXPECT_EQ(manager_->GetJob("job", Scope::User("mallory")).status().code(), Code::kNotFound);
  EXPECT_EQ(manager_->GetJob("missing").status().code(), Code::kNotFound);
}

TEST_P(JobManagerTest, ListJobsValidatesItsLimit) {
  Create("job");
  for (int limit : {0, -1, 1001}) {
    JobFilter filter;
    filter.limit = limit;
    EXPECT_EQ(manager_->ListJobs(filter).status().code(), Code::kInvalidArgument) << limit;
  }
  for (int limit : {1, 1000}) {
    JobFilter filter;
    filter.limit = limit;
    EXPECT_TRUE(manager_->ListJobs(filter).ok()) << limit;
  }
}

// ---------------------------------------------------------------------------------------
// Cancellation

class RecordingListener : public JobEventListener {
 public:
  void OnCancellationRequested(const std::string& job_id) override { ids.push_back(job_id); }
  std::vector<std::string> ids;
};

TEST_P(JobManagerTest, CancellationOutcomesThroughTheManager) {
  CreateIn("pending", S::kPending);
  CreateIn("running", S::kRunning);
  CreateIn("completed", S::kCompleted);
  env_.Advance(1s);

  auto pending = manager_->RequestCancellation("pending", "alice", Scope::User("alice"));
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->outcome, CancelOutcome::kCancelled);
  EXPECT_EQ(Rfc(Row("pending").completed_at), Rfc(Now()));

  auto running = manager_->RequestCancellation("running", "alice");
  ASSERT_TRUE(running.ok());
  EXPECT_EQ(running->outcome, CancelOutcome::kCancelling);
  EXPECT_TRUE(*manager_->IsCancellationRequested("running"));

  auto completed = manager_->RequestCancellation("completed", "alice");
  ASSERT_TRUE(completed.ok());
  EXPECT_EQ(completed->outcome, CancelOutcome::kAlreadyFinished);
  EXPECT_EQ(Row("completed").status, S::kCompleted);

  auto foreign = manager_->RequestCancellation("running", "bob", Scope::User("bob"));
  ASSERT_TRUE(foreign.ok());
  EXPECT_EQ(foreign->outcome, CancelOutcome::kNotFound);
  EXPECT_EQ(Row("running").cancellation_requested_by, "alice");
}

// A parent's cancel reaches its unfinished children at once (jobs/job_family.h), running
// ones included, whether or not a worker runs the parent; finished children stay as they
// are, and other jobs are untouched.
TEST_P(JobManagerTest, CancellingAParentCancelsItsUnfinishedChildren) {
  RecordingListener listener;
  manager_->AddListener(&listener);
  Create("parent", "bulk_test");
  for (const std::string id : {"child-pending", "child-running", "child-done", "stranger"}) {
    CreateJobRequest child = RequestWithId(id);
    if (id != "stranger") child.parent_job_id = "parent";
    Create(child);
  }
  Move("child-running", S::kRunning);
  Move("child-done", S::kRunning);
  Move("child-done", S::kCompleted);

  auto cancelled = manager_->RequestCancellation("parent", "alice", Scope::User("alice"));
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->outcome, CancelOutcome::kCancelled);
  EXPECT_EQ(Row("child-pending").status, S::kCancelled);
  EXPECT_EQ(Row("child-running").status, S::kCancelling);
  EXPECT_EQ(Row("child-running").cancellation_requested_by, "alice");
  EXPECT_EQ(Row("child-done").status, S::kCompleted);
  EXPECT_EQ(Row("stranger").status, S::kPending);
  EXPECT_EQ(listener.ids, (std::vector<std::string>{"child-running"}))
      << "local workers hear about the running child at once";
  manager_->RemoveListener(&listener);
}

TEST_P(JobManagerTest, ListenersHearAboutRunningJobsBeingCancelled) {
  RecordingListener listener;
  manager_->AddListener(&listener);
  CreateIn("requested", S::kRunning);
  CreateIn("moved", S::kRunning);
  CreateIn("unheard", S::kRunning);
  Cancel("requested");
  Move("moved", S::kCancelling);
  EXPECT_EQ(listener.ids, (std::vector<std::string>{"requested", "moved"}));
  manager_->RemoveListener(&listener);
  Cancel("unheard");
  EXPECT_EQ(listener.ids.size(), 2u);
}

// Status cancelling means "its worker is asked to stop" however the job got there, so a
// worker in another process (which learns through CheckLeases) and the reaper must see it.
TEST_P(JobManagerTest, MovingToCancellingAsksTheHoldingWorkerToStop) {
  Create("job");
  ClaimRequest claim;
  claim.worker_id = "worker";
  claim.lease = 10s;
  auto claimed = store_->ClaimJobs(claim);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  Move("job", S::kCancelling);

  auto asked = manager_->IsCancellationRequested("job");
  ASSERT_TRUE(asked.ok());
  EXPECT_TRUE(*asked);
  auto states = store_->CheckLeases("worker", {{"job", (*claimed)[0].lock_token}}, std::nullopt);
  ASSERT_TRUE(states.ok());
  ASSERT_EQ(states->size(), 1u);
  EXPECT_TRUE((*states)[0].held);
  EXPECT_TRUE((*states)[0].cancellation_requested);

  env_.Advance(11s);
  auto report = manager_->CleanupStaleJobs();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->cancelled, 1);
  EXPECT_EQ(Row("job").status, S::kCancelled);
}

// ---------------------------------------------------------------------------------------
// Locks

TEST_P(JobManagerTest, JobLocksExpireAndAreReleasedByTheirHolder) {
  Create("job");
  EXPECT_EQ(manager_->AcquireJobLock("job", "", 10s).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(manager_->AcquireJobLock("job", "a", 0s).status().code(), Code::kInvalidArgument);

  auto first = manager_->AcquireJobLock("job", "a", 10s);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(manager_->AcquireJobLock("job", "b", 10s).status().code(), Code::kFailedPrecondition);
  env_.Advance(11s);
  auto second = manager_->AcquireJobLock("job", "b", 10s);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_GT(second->token, first->token);

  EXPECT_EQ(manager_->ReleaseJobLock("job", "a").code(), Code::kFailedPrecondition);
  EXPECT_TRUE(manager_->ReleaseJobLock("job", "b").ok());
  EXPECT_EQ(manager_->ReleaseJobLock("missing", "b").code(), Code::kNotFound);
}

// ---------------------------------------------------------------------------------------
// Stale jobs and retention

JobManagerOptions SmallBatches() {
  JobManagerOptions options;
  options.maintenance_batch = 2;
  return options;
}

TEST_P(JobManagerTest, CleanupStaleJobsWorksThroughEveryBatch) {
  JobManager manager(store_.get(), &env_, SmallBatches());
  for (int i = 0; i < 5; ++i) Create("job-" + std::to_string(i));
  ClaimRequest claim;
  claim.worker_id = "worker";
  claim.limit = 10;
  claim.lease = 10s;
  auto claimed = store_->ClaimJobs(claim);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 5u);

  env_.Advance(5s);
  auto early = manager.CleanupStaleJobs();
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->total(), 0);

  env_.Advance(6s);
  auto report = manager.CleanupStaleJobs();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->requeued, 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Row("job-" + std::to_string(i)).status, S::kPending);
}

TEST_P(JobManagerTest, FinishedJobsAreDeletedAfterSevenDays) {
  CreateIn("completed", S::kCompleted);
  CreateIn("failed", S::kFailed);
  env_.Advance(24h * 7 - 1s);
  auto none = manager_->ApplyRetention();
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(*none, 0);
  EXPECT_TRUE(Exists("completed"));
  EXPECT_TRUE(Exists("failed"));

  env_.Advance(2s);
  auto deleted = manager_->ApplyRetention();
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2);
  EXPECT_FALSE(Exists("completed"));
  EXPECT_FALSE(Exists("failed"));
}

TEST_P(JobManagerTest, CancelledJobsAreDeletedAfterAnHour) {
  CreateIn("cancelled-while-pending", S::kCancelled);
  CreateIn("cancelled-while-running", S::kCancelling);
  Move("cancelled-while-running", S::kCancelled);
  CreateIn("completed", S::kCompleted);
  env_.Advance(59min);
  EXPECT_EQ(*manager_->ApplyRetention(), 0);

  env_.Advance(2min);
  EXPECT_EQ(*manager_->ApplyRetention(), 2);
  EXPECT_FALSE(Exists("cancelled-while-pending"));
  EXPECT_FALSE(Exists("cancelled-while-running"));
  EXPECT_TRUE(Exists("completed"));
}

TEST_P(JobManagerTest, CustomRetentionIsHonoured) {
  JobManagerOptions options;
  options.finished_retention = 1h;
  options.cancelled_retention = 5min;
  JobManager manager(store_.get(), &env_, options);
  CreateIn("completed", S::kCompleted);
  CreateIn("cancelled", S::kCancelled);

  env_.Advance(4min);
  EXPECT_EQ(*manager.ApplyRetention(), 0);
  env_.Advance(2min);
  EXPECT_EQ(*manager.ApplyRetention(), 1);
  EXPECT_FALSE(Exists("cancelled"));
  env_.Advance(50min);
  EXPECT_EQ(*manager.ApplyRetention(), 0);
  env_.Advance(5min);
  EXPECT_EQ(*manager.ApplyRetention(), 1);
  EXPECT_FALSE(Exists("completed"));
}

TEST_P(JobManagerTest, ActiveJobsAreNeverDeleted) {
  JobManagerOptions options;
  options.finished_retention = 0s;
  options.cancelled_retention = 0s;
  JobManager eager(store_.get(), &env_, options);
  for (JobStatus status : {S::kPending, S::kRunning, S::kCancelling}) {
    CreateIn(JobStatusName(status), status);
  }
  env_.Advance(24h * 365);
  EXPECT_EQ(*manager_->ApplyRetention(), 0);
  EXPECT_EQ(*eager.ApplyRetention(), 0);
  for (const char* id : {"pending", "running", "cancelling"}) EXPECT_TRUE(Exists(id)) << id;
}

TEST_P(JobManagerTest, RetentionWorksThroughEveryBatch) {
  JobManager manager(store_.get(), &env_, SmallBatches());
  for (int i = 0; i < 5; ++i) CreateIn("done-" + std::to_string(i), S::kCompleted);
  env_.Advance(24h * 8);
  auto deleted = manager.ApplyRetention();
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 5);
  EXPECT_EQ(CountJobs(), 0);
}

// ---------------------------------------------------------------------------------------
// Statistics

class JobStatisticsTest : public JobManagerTest {
 protected:
  // Alice's jobs are created at the epoch, Bob's an hour later:
  //   id  type               user  website  ends                         run time
  //   d1  discovery          alice w1       completed                    10 s
  //   d2  discovery          alice w1       completed                    20 s
  //   d3  discovery          alice w1       failed
  //   t1  testing            alice w1       completed                    30 s
  //   t2  testing            alice w1       cancelled while pending      (cancel request)
  //   t3  testing            bob   w2       cancelled while running      (cancel request, 10 s to stop)
  //   r1  report_generation  bob   w2       completed while cancelling   40 s (cancel request)
  //   b1  bulk_test          bob   w1       pending
  //   b2  bulk_test          bob   w2       running
  void SeedJobs() {
    for (const char* id : {"d1", "d2", "d3", "t1", "t2"}) Add(id, "alice", "w1");
    env_.Advance(1h);
    bobs_since_ = Now();
    Add("t3", "bob", "w2");
    Add("r1", "bob", "w2");
    Add("b1", "bob", "w1");
    Add("b2", "bob", "w2");

    for (const char* id : {"d1", "d2", "d3", "t1", "t3", "r1", "b2"}) Move(id, S::kRunning);
    Move("d3", S::kFailed);
    Cancel("t2");
    Cancel("t3");
    env_.Advance(10s);
    Move("d1", S::kCompleted);
    Move("t3", S::kCancelled);  // 10 s after its cancel request.
    env_.Advance(10s);
    Move("d2", S::kCompleted);
    env_.Advance(10s);
    Move("t1", S::kCompleted);
    env_.Advance(10s);
    Cancel("r1");
    Move("r1", S::kCompleted);
  }

  void Add(const std::string& id, const std::string& user, const std::string& website) {
    const std::map<char, std::string> types = {
        {'d', "discovery"}, {'t', "testing"}, {'r', "report_generation"}, {'b', "bulk_test"}};
    CreateJobRequest request = RequestWithId(id, types.at(id[0]));
    request.user_id = user;
    request.website_id = website;
    Create(request);
  }

  JobStatistics Stats(const StatsFilter& filter = {}) {
    auto stats = manager_->GetJobStatistics(filter);
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : JobStatistics{};
  }

  TimePoint bobs_since_{};
};

using Counts = std::map<std::string, std::map<std::string, int64_t>>;
using Durations = std::map<std::string, double>;

TEST_P(JobStatisticsTest, EveryFigureOverAllJobs) {
  ASSERT_NO_FATAL_FAILURE(SeedJobs());
  const JobStatistics stats = Stats();
  EXPECT_EQ(stats.store.counts, (Counts{{"discovery", {{"completed", 2}, {"failed", 1}}},
                                        {"testing", {{"completed", 1}, {"cancelled", 2}}},
                                        {"report_generation", {{"completed", 1}}},
                                        {"bulk_test", {{"pending", 1}, {"running", 1}}}}));
  EXPECT_EQ(stats.total_jobs, 9);
  EXPECT_EQ(stats.store.average_duration_seconds,
            (Durations{{"discovery", 15.0}, {"testing", 30.0}, {"report_generation", 40.0}}));
  EXPECT_DOUBLE_EQ(stats.completion_rate, 4.0 / 7.0);
  EXPECT_EQ(stats.store.cancellation_requests, 3);
  EXPECT_EQ(stats.store.cancellation_requests_cancelled, 2);
  EXPECT_DOUBLE_EQ(stats.cancellation_success_rate, 2.0 / 3.0);
  EXPECT_EQ(stats.store.average_cancellation_seconds, (Durations{{"testing", 5.0}}))
      << "t2 at once, t3 after 10 s";
}

TEST_P(JobStatisticsTest, FilteredByUser) {
  ASSERT_NO_FATAL_FAILURE(SeedJobs());
  StatsFilter filter;
  filter.user_id = "alice";
  const JobStatistics stats = Stats(filter);
  EXPECT_EQ(stats.store.counts, (Counts{{"discovery", {{"completed", 2}, {"failed", 1}}},
                                        {"testing", {{"completed", 1}, {"cancelled", 1}}}}));
  EXPECT_EQ(stats.total_jobs, 5);
  EXPECT_EQ(stats.store.average_duration_seconds,
            (Durations{{"discovery", 15.0}, {"testing", 30.0}}));
  EXPECT_DOUBLE_EQ(stats.completion_rate, 3.0 / 5.0);
  EXPECT_EQ(stats.store.cancellation_requests, 1);
  EXPECT_DOUBLE_EQ(stats.cancellation_success_rate, 1.0);
}

TEST_P(JobStatisticsTest, FilteredByWebsite) {
  ASSERT_NO_FATAL_FAILURE(SeedJobs());
  StatsFilter filter;
  filter.website_id = "w2";
  const JobStatistics stats = Stats(filter);
  EXPECT_EQ(stats.store.counts, (Counts{{"testing", {{"cancelled", 1}}},
                                        {"report_generation", {{"completed", 1}}},
                                        {"bulk_test", {{"running", 1}}}}));
  EXPECT_EQ(stats.store.average_duration_seconds, (Durations{{"report_generation", 40.0}}));
  EXPECT_DOUBLE_EQ(stats.completion_rate, 1.0 / 2.0);
  EXPECT_EQ(stats.store.cancellation_requests, 2);
  EXPECT_EQ(stats.store.cancellation_requests_cancelled, 1);
  EXPECT_DOUBLE_EQ(stats.cancellation_success_rate, 1.0 / 2.0);
}

TEST_P(JobStatisticsTest, FilteredByCreationTime) {
  ASSERT_NO_FATAL_FAILURE(SeedJobs());
  StatsFilter filter;
  filter.created_since = bobs_since_;
  const JobStatistics stats = Stats(filter);
  EXPECT_EQ(stats.store.counts, (Counts{{"testing", {{"cancelled", 1}}},
                                        {"report_generation", {{"completed", 1}}},
                                        {"bulk_test", {{"pending", 1}, {"running", 1}}}}));
  EXPECT_EQ(stats.total_jobs, 4);
}

TEST_P(JobStatisticsTest, NoMatchingJobsGivesZeroes) {
  ASSERT_NO_FATAL_FAILURE(SeedJobs());
  StatsFilter filter;
  filter.user_id = "alice";
  filter.website_id = "w2";
  const JobStatistics stats = Stats(filter);
  EXPECT_TRUE(stats.store.counts.empty());
  EXPECT_EQ(stats.total_jobs, 0);
  EXPECT_EQ(stats.completion_rate, 0);
  EXPECT_EQ(stats.cancellation_success_rate, 0);
}

TEST_P(JobStatisticsTest, ToJsonHasTheDocumentedKeys) {
  ASSERT_NO_FATAL_FAILURE(SeedJobs());
  const JobStatistics stats = Stats();
  const Json json = stats.ToJson();
  for (const char* key :
       {"total_jobs", "counts", "average_duration_seconds", "completion_rate",
        "cancellation_requests", "cancellation_requests_cancelled", "cancellation_success_rate",
        "claim_attempts", "lock_contention", "database_queries", "database_query_latency_mean_ms",
        "database_query_latency_p99_ms"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_EQ(json["total_jobs"], 9);
  EXPECT_EQ(json["counts"]["discovery"]["completed"], 2);
  EXPECT_DOUBLE_EQ(json["average_duration_seconds"]["testing"].get<double>(), 30.0);
  EXPECT_DOUBLE_EQ(json["completion_rate"].get<double>(), 4.0 / 7.0);
  EXPECT_DOUBLE_EQ(json["cancellation_success_rate"].get<double>(), 2.0 / 3.0);
  EXPECT_GT(json["database_queries"].get<int64_t>(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, JobManagerTest, ::testing::ValuesIn(AllBackends()), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, JobStatisticsTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace a11y::testing
