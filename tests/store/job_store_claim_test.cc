// The JobStore conformance suite, part two: what workers do — claim, heartbeat, write
// fenced by their token, finish — and what the reaper and retention do to what they leave.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "store/job_store.h"
#include "tests/store/job_store_fixture.h"

namespace a11y::testing {
namespace {

using Code = Status::Code;
using Kind = Finish::Kind;

class JobStoreClaimTest : public JobStoreTest {
 protected:
  // A pending job in the shared queue with the given priority, created now.
  Job InsertShared(const std::string& id, int priority, TimePoint run_after) {
    Job job = NewJob(id);
    job.queue = "shared";
    job.priority = priority;
    job.run_after = run_after;
    return Insert(job);
  }

  std::vector<LeaseState> Check(const std::string& worker, const std::vector<HeldJob>& held,
                                std::optional<Micros> extend = std::nullopt) {
    auto states = store_->CheckLeases(worker, held, extend);
    EXPECT_TRUE(states.ok()) << states.status().ToString();
    return states.ok() ? *states : std::vector<LeaseState>{};
  }

  RecoveryReport Recover(std::optional<Micros> stale_after = std::nullopt, int limit = 100) {
    auto report = store_->RecoverAbandonedJobs(stale_after, limit);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : RecoveryReport{};
  }
};

// ---------------------------------------------------------------------------------------
// Claims

TEST_P(JobStoreClaimTest, ClaimsByPriorityThenRunAfterThenAge) {
  const TimePoint t0 = Now();
  env_.Advance(1s);
  InsertShared("low-old", 0, t0 + 1s);
  env_.Advance(1s);
  InsertShared("high-late", 10, t0 + 2s);
  env_.Advance(1s);
  InsertShared("high-early", 10, t0 + 1s);
  env_.Advance(1s);
  InsertShared("low-young", 0, t0 + 1s);
  env_.Advance(1s);
  InsertShared("negative", -5, t0);
  env_.Advance(10s);

  std::vector<std::string> order;
  for (int i = 0; i < 6; ++i) {
    for (const std::string& id : ClaimNext("worker", 1)) order.push_back(id);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"high-early", "high-late", "low-old", "low-young",
                                             "negative"}));
}

TEST_P(JobStoreClaimTest, ClaimingSeveralTakesTheFirstInOrder) {
  InsertShared("low", 0, Now());
  InsertShared("high", 5, Now());
  InsertShared("middle", 2, Now());
  const std::vector<std::string> claimed = ClaimNext("worker", 2);
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()),
            (std::set<std::string>{"high", "middle"}));
  EXPECT_EQ(Row("low").status, JobStatus::kPending);
}

TEST_P(JobStoreClaimTest, ClaimHonoursItsLimit) {
  for (int i = 0; i < 5; ++i) InsertShared("job-" + std::to_string(i), 0, Now());
  EXPECT_EQ(ClaimNext("worker", 3).size(), 3u);
  EXPECT_EQ(ClaimNext("worker", 3).size(), 2u);
  EXPECT_TRUE(ClaimNext("worker", 3).empty());
}

TEST_P(JobStoreClaimTest, FutureJobWaitsUntilItsRunAfter) {
  InsertShared("later", 0, Now() + 1min);
  EXPECT_TRUE(ClaimNext("worker", 1).empty());
  env_.Advance(59s);
  EXPECT_TRUE(ClaimNext("worker", 1).empty());
  env_.Advance(1s);
  EXPECT_EQ(ClaimNext("worker", 1), std::vector<std::string>{"later"});
}

TEST_P(JobStoreClaimTest, QueueAndTypeFiltersLimitWhatIsClaimed) {
  auto insert = [&](const std::string& id, const std::string& queue, const std::string& type) {
    Job job = NewJob(id, type);
    job.queue = queue;
    Insert(job);
  };
  insert("a-testing", "queue-a", "testing");
  insert("b-testing", "queue-b", "testing");
  insert("b-discovery", "queue-b", "discovery");
  insert("c-report", "queue-c", "report_generation");

  auto claim = [&](std::vector<std::string> queues, std::vector<std::string> types) {
    ClaimRequest request;
    request.worker_id = "worker";
    request.queues = std::move(queues);
    request.job_types = std::move(types);
    request.limit = 10;
    auto claimed = store_->ClaimJobs(request);
    EXPECT_TRUE(claimed.ok());
    std::set<std::string> ids;
    if (claimed.ok()) {
      for (const Job& job : *claimed) ids.insert(job.job_id);
    }
    return ids;
  };
  EXPECT_EQ(claim({"queue-b"}, {"discovery"}), std::set<std::string>{"b-discovery"});
  EXPECT_EQ(claim({}, {"testing"}), (std::set<std::string>{"a-testing", "b-testing"}));
  EXPECT_TRUE(claim({"queue-a", "queue-b"}, {}).empty());
  EXPECT_EQ(claim({"queue-c"}, {}), std::set<std::string>{"c-report"});
}

TEST_P(JobStoreClaimTest, ClaimStartsTheJobUnderANewLease) {
  Insert("job");
  env_.Advance(1s);
  const Job claimed = Claim("job", "worker-a", 45s);
  EXPECT_EQ(claimed.status, JobStatus::kRunning);
  EXPECT_EQ(claimed.lock_holder, "worker-a");
  EXPECT_GT(claimed.lock_token, 0);
  EXPECT_EQ(claimed.attempt, 1);
  EXPECT_EQ(Rfc(claimed.lock_acquired_at), Rfc(Now()));
  EXPECT_EQ(Rfc(claimed.lock_expiry), Rfc(Now() + 45s));
  EXPECT_EQ(Rfc(claimed.started_at), Rfc(Now()));
  EXPECT_EQ(Rfc(claimed.heartbeat_at), Rfc(Now()));
  EXPECT_EQ(Snapshot(Row("job")), Snapshot(claimed));
}

TEST_P(JobStoreClaimTest, TokenGrowsOnEveryClaim) {
  Insert("job");
  const Job first = Claim("job", "worker-a");
  ASSERT_TRUE(FinishOne(MakeFinish("job", first.lock_token, Kind::kRelease)).ok());
  const Job second = Claim("job", "worker-b");
  Finish retry = MakeFinish("job", second.lock_token, Kind::kRetry);
  retry.run_after = Now();
  ASSERT_TRUE(FinishOne(retry).ok());
  const Job third = Claim("job", "worker-a");

  EXPECT_LT(first.lock_token, second.lock_token);
  EXPECT_LT(second.lock_token, third.lock_token);
  EXPECT_EQ(first.attempt, 1);
  EXPECT_EQ(second.attempt, 1) << "a released attempt is not counted";
  EXPECT_EQ(third.attempt, 2);
}

// ---------------------------------------------------------------------------------------
// Fencing

TEST_P(JobStoreClaimTest, WorkerThatLostItsLeaseCannotWriteAnything) {
  Insert("job");
  const Job by_a = Claim("job", "worker-a", 30s);
  env_.Advance(31s);
  ASSERT_EQ(Recover().requeued, 1);
  const Job by_b = Claim("job", "worker-b", 30s);
  ASSERT_GT(by_b.lock_token, by_a.lock_token);
  const Json before = Snapshot(Row("job"));
  env_.Advance(1s);

  Progress progress;
  progress.current = 9;
  progress.total = 10;
  EXPECT_EQ(store_->UpdateProgress("job", progress, by_a.lock_token).code(), Code::kLeaseLost);
  EXPECT_EQ(store_->SaveCheckpoint("job", by_a.lock_token, Json{{"step", 9}}).code(),
            Code::kLeaseLost);
  EXPECT_EQ(store_->RecordLedgerEffect("job", by_a.lock_token, "worker-a").code(),
            Code::kLeaseLost);
  for (Kind kind :
       {Kind::kCompleted, Kind::kFailed, Kind::kCancelled, Kind::kRetry, Kind::kRelease}) {
    Finish finish = MakeFinish("job", by_a.lock_token, kind);
    finish.result = Json{{"from", "worker-a"}};
    finish.error = "worker-a gave up";
    EXPECT_EQ(FinishOne(finish).code(), Code::kLeaseLost) << static_cast<int>(kind);
  }
  EXPECT_EQ(Snapshot(Row("job")), before);
  auto ledger = store_->GetLedgerSummary();
  ASSERT_TRUE(ledger.ok());
  EXPECT_EQ(ledger->rows, 0);

  EXPECT_FALSE(Check("worker-a", {{"job", by_a.lock_token}})[0].held);
  EXPECT_TRUE(Check("worker-b", {{"job", by_b.lock_token}})[0].held);

  EXPECT_TRUE(store_->UpdateProgress("job", progress, by_b.lock_token).ok());
  EXPECT_TRUE(store_->SaveCheckpoint("job", by_b.lock_token, Json{{"step", 9}}).ok());
  EXPECT_TRUE(store_->RecordLedgerEffect("job", by_b.lock_token, "worker-b").ok());
  Finish done = MakeFinish("job", by_b.lock_token, Kind::kCompleted);
  done.result = Json{{"from", "worker-b"}};
  EXPECT_TRUE(FinishOne(done).ok());

  const Job row = Row("job");
  EXPECT_EQ(row.status, JobStatus::kCompleted);
  EXPECT_EQ(row.result, Json({{"from", "worker-b"}}));
  EXPECT_EQ(row.checkpoint, Json({{"step", 9}}));
  EXPECT_EQ(row.progress.current, 9);
}

TEST_P(JobStoreClaimTest, LedgerTakesOneEffectPerJob) {
  const Job first = InsertInStatus("job-1", JobStatus::kRunning);
  const Job second = InsertInStatus("job-2", JobStatus::kRunning);
  EXPECT_TRUE(store_->RecordLedgerEffect("job-1", first.lock_token, "worker").ok());
  EXPECT_EQ(store_->RecordLedgerEffect("job-1", first.lock_token, "worker").code(),
            Code::kAlreadyExists);
  EXPECT_TRUE(store_->RecordLedgerEffect("job-2", second.lock_token, "worker").ok());
  auto ledger = store_->GetLedgerSummary();
  ASSERT_TRUE(ledger.ok());
  EXPECT_EQ(ledger->rows, 2);
  EXPECT_EQ(ledger->distinct_jobs, 2);
}

TEST_P(JobStoreClaimTest, CheckpointIsStoredForTheHolder) {
  const Job job = InsertInStatus("job", JobStatus::kRunning);
  ASSERT_TRUE(store_->SaveCheckpoint("job", job.lock_token, Json{{"next", "/about"}}).ok());
  EXPECT_EQ(Row("job").checkpoint, Json({{"next", "/about"}}));
}

// ---------------------------------------------------------------------------------------
// CheckLeases

TEST_P(JobStoreClaimTest, CheckLeasesReportsHeldLostAndCancellation) {
  const Job plain = InsertInStatus("plain", JobStatus::kRunning);
  const Job asked = InsertInStatus("asked", JobStatus::kRunning);
  Insert("others");
  const Job others = Claim("others", "worker-b");
  const Job stale = InsertInStatus("stale", JobStatus::kRunning);
  ASSERT_TRUE(store_->RequestCancellation("asked", "alice", Scope::Admin()).ok());
  const TimePoint expiry_before = *Row("plain").lock_expiry;

  const std::vector<LeaseState> states = Check("setup-worker", {{"plain", plain.lock_token},
                                                                {"asked", asked.lock_token},
                                                                {"others", others.lock_token},
                                                                {"stale", stale.lock_token - 1},
                                                                {"missing", 1}});
  ASSERT_EQ(states.size(), 5u);
  const std::vector<std::string> ids = {"plain", "asked", "others", "stale", "missing"};
  const std::vector<bool> held = {true, true, false, false, false};
  const std::vector<bool> cancel = {false, true, false, false, false};
  for (size_t i = 0; i < states.size(); ++i) {
    SCOPED_TRACE(ids[i]);
    EXPECT_EQ(states[i].job_id, ids[i]);
    EXPECT_EQ(states[i].held, held[i]);
    EXPECT_EQ(states[i].cancellation_requested, cancel[i]);
  }
  EXPECT_EQ(Rfc(Row("plain").lock_expiry), Rfc(expiry_before)) << "no extend, no change";
}

TEST_P(JobStoreClaimTest, ExtendPushesTheLeaseAndRecordsTheHeartbeat) {
  Insert("job");
  const Job job = Claim("job", "worker", 30s);
  env_.Advance(20s);
  const auto states = Check("worker", {{"job", job.lock_token}}, 30s);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_TRUE(states[0].held);
  const Job row = Row("job");
  EXPECT_EQ(Rfc(row.lock_expiry), Rfc(Now() + 30s));
  EXPECT_EQ(Rfc(row.heartbeat_at), Rfc(Now()));

  env_.Advance(20s);  // Past the original expiry, inside the extended one.
  EXPECT_EQ(Recover().total(), 0);
  EXPECT_EQ(Row("job").status, JobStatus::kRunning);
}

TEST_P(JobStoreClaimTest, ExtendDoesNotReviveALostLease) {
  Insert("job");
  const Job by_a = Claim("job", "worker-a", 30s);
  env_.Advance(31s);
  ASSERT_EQ(Recover().requeued, 1);
  const Job by_b = Claim("job", "worker-b", 30s);
  env_.Advance(5s);
  const auto states = Check("worker-a", {{"job", by_a.lock_token}}, 10min);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_FALSE(states[0].held);
  const Job row = Row("job");
  EXPECT_EQ(row.lock_holder, "worker-b");
  EXPECT_EQ(Rfc(row.lock_expiry), Rfc(by_b.lock_expiry));
}

// ---------------------------------------------------------------------------------------
// FinishJobs

TEST_P(JobStoreClaimTest, CompletedStoresResultAndLastProgress) {
  const Job job = InsertInStatus("job", JobStatus::kRunning);
  env_.Advance(1min);
  Finish finish = MakeFinish("job", job.lock_token, Kind::kCompleted);
  finish.result = Json{{"pages", 12}, {"issues", 3}};
  Progress progress;
  progress.current = 12;
  progress.total = 12;
  progress.message = "Done";
  progress.ComputePercentage();
  finish.progress = progress;
  ASSERT_TRUE(FinishOne(finish).ok());

  const Job row = Row("job");
  EXPECT_EQ(row.status, JobStatus::kCompleted);
  EXPECT_EQ(row.result, Json({{"pages", 12}, {"issues", 3}}));
  EXPECT_EQ(Rfc(row.completed_at), Rfc(Now()));
  EXPECT_FALSE(row.lock_holder.has_value());
  EXPECT_EQ(row.progress.current, 12);
  EXPECT_EQ(row.progress.message, "Done");
  EXPECT_DOUBLE_EQ(row.progress.percentage, 100.0);
}

TEST_P(JobStoreClaimTest, FailedStoresTheError) {
  const Job job = InsertInStatus("job", JobStatus::kRunning);
  env_.Advance(1min);
  Finish finish = MakeFinish("job", job.lock_token, Kind::kFailed);
  finish.error = "site unreachable";
  ASSERT_TRUE(FinishOne(finish).ok());
  const Job row = Row("job");
  EXPECT_EQ(row.status, JobStatus::kFailed);
  EXPECT_EQ(row.error, "site unreachable");
  EXPECT_EQ(Rfc(row.completed_at), Rfc(Now()));
}

TEST_P(JobStoreClaimTest, CancelledEndsTheJob) {
  const Job job = InsertInStatus("job", JobStatus::kRunning);
  env_.Advance(1min);
  ASSERT_TRUE(FinishOne(MakeFinish("job", job.lock_token, Kind::kCancelled)).ok());
  const Job row = Row("job");
  EXPECT_EQ(row.status, JobStatus::kCancelled);
  EXPECT_EQ(Rfc(row.completed_at), Rfc(Now()));
  EXPECT_FALSE(row.lock_holder.has_value());
}

TEST_P(JobStoreClaimTest, RetryRequeuesAtRunAfterAndKeepsTheError) {
  const Job job = InsertInStatus("job", JobStatus::kRunning);
  Finish retry = MakeFinish("job", job.lock_token, Kind::kRetry);
  retry.error = "timeout";
  retry.run_after = Now() + 10min;
  ASSERT_TRUE(FinishOne(retry).ok());

  const Job row = Row("job");
  EXPECT_EQ(row.status, JobStatus::kPending);
  EXPECT_EQ(row.error, "timeout");
  EXPECT_EQ(Rfc(row.run_after), Rfc(Now() + 10min));
  EXPECT_EQ(row.attempt, 1);
  EXPECT_FALSE(row.completed_at.has_value());
  EXPECT_FALSE(row.lock_holder.has_value());

  EXPECT_TRUE(ClaimNext("worker", 1).empty());
  env_.Advance(10min);
  EXPECT_EQ(Claim("job", "worker").attempt, 2);
}

TEST_P(JobStoreClaimTest, ReleaseRequeuesNowWithoutCountingTheAttempt) {
  const Job job = InsertInStatus("job", JobStatus::kRunning);
  env_.Advance(5s);
  ASSERT_TRUE(FinishOne(MakeFinish("job", job.lock_token, Kind::kRelease)).ok());
  const Job row = Row("job");
  EXPECT_EQ(row.status, JobStatus::kPending);
  EXPECT_EQ(row.attempt, 0);
  EXPECT_FALSE(row.lock_holder.has_value());
  EXPECT_FALSE(row.completed_at.has_value());
  EXPECT_EQ(Claim("job", "worker").attempt, 1);
}

// A job waiting on others (Outcome::Wait) is released until a later time: not claimable
// before it, claimable after, and its attempts stay as they were.
TEST_P(JobStoreClaimTest, ReleaseUntilALaterTimeIsNotClaimableBeforeIt) {
  const Job job = InsertInStatus("job", JobStatus::kRunning);
  Finish release = MakeFinish("job", job.lock_token, Kind::kRelease);
  release.run_after = Now() + 2s;
  ASSERT_TRUE(FinishOne(release).ok());
  EXPECT_EQ(Row("job").status, JobStatus::kPending);
  EXPECT_EQ(Rfc(Row("job").run_after), Rfc(Now() + 2s));
  EXPECT_TRUE(ClaimNext("worker", 1).empty());
  env_.Advance(2s);
  EXPECT_EQ(Claim("job", "worker").attempt, 1);
}

TEST_P(JobStoreClaimTest, RetryOrReleaseOfACancellingJobEndsItCancelled) {
  for (Kind kind : {Kind::kRetry, Kind::kRelease}) {
    const std::string id = kind == Kind::kRetry ? "retried" : "released";
    SCOPED_TRACE(id);
    const Job job = InsertInStatus(id, JobStatus::kCancelling);
    env_.Advance(1s);
    Finish finish = MakeFinish(id, job.lock_token, kind);
    finish.run_after = Now() + 1min;
    ASSERT_TRUE(FinishOne(finish).ok());
    const Job row = Row(id);
    EXPECT_EQ(row.status, JobStatus::kCancelled);
    EXPECT_EQ(Rfc(row.completed_at), Rfc(Now()));
  }
  EXPECT_TRUE(ClaimNext("worker", 10).empty());
}

TEST_P(JobStoreClaimTest, CancellingJobMayStillEndEitherWay) {
  const std::vector<std::pair<Kind, JobStatus>> cases = {{Kind::kCompleted, JobStatus::kCompleted},
                                                         {Kind::kFailed, JobStatus::kFailed},
                                                         {Kind::kCancelled, JobStatus::kCancelled}};
  for (const auto& [kind, expected] : cases) {
    const std::string id = std::string("to-") + JobStatusName(expected);
    SCOPED_TRACE(id);
    const Job job = InsertInStatus(id, JobStatus::kCancelling);
    ASSERT_TRUE(FinishOne(MakeFinish(id, job.lock_token, kind)).ok());
    EXPECT_EQ(Row(id).status, expected);
  }
}

TEST_P(JobStoreClaimTest, FinishingTwiceIsRefusedTheSecondTime) {
  for (Kind kind :
       {Kind::kCompleted, Kind::kFailed, Kind::kCancelled, Kind::kRetry, Kind::kRelease}) {
    const std::string id = "job-" + std::to_string(static_cast<int>(kind));
    SCOPED_TRACE(id);
    const Job job = InsertInStatus(id, JobStatus::kRunning);
    Finish finish = MakeFinish(id, job.lock_token, kind);
    finish.run_after = Now() + 1h;
    ASSERT_TRUE(FinishOne(finish).ok());
    const Json after_first = Snapshot(Row(id));
    env_.Advance(1s);
    Finish again = MakeFinish(id, job.lock_token, Kind::kCompleted);
    again.result = Json{{"second", true}};
    EXPECT_FALSE(FinishOne(again).ok());
    EXPECT_EQ(Snapshot(Row(id)), after_first);
  }
}

TEST_P(JobStoreClaimTest, BatchResultsLineUpWithTheFinishes) {
  const Job good = InsertInStatus("good", JobStatus::kRunning);
  const Job stale = InsertInStatus("stale", JobStatus::kRunning);
  auto results = store_->FinishJobs({MakeFinish("good", good.lock_token, Kind::kCompleted),
                                     MakeFinish("stale", stale.lock_token + 1, Kind::kCompleted),
                                     MakeFinish("missing", 1, Kind::kCompleted)});
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  ASSERT_EQ(results->size(), 3u);
  EXPECT_TRUE((*results)[0].ok());
  EXPECT_EQ((*results)[1].code(), Code::kLeaseLost);
  EXPECT_EQ((*results)[2].code(), Code::kNotFound);
  EXPECT_EQ(Row("good").status, JobStatus::kCompleted);
  EXPECT_EQ(Row("stale").status, JobStatus::kRunning);
}

// ---------------------------------------------------------------------------------------
// Recovery of abandoned jobs

TEST_P(JobStoreClaimTest, ExpiredLeaseGoesBackToPending) {
  Insert("job");
  Claim("job", "worker-a", 10s);
  env_.Advance(9s);
  EXPECT_EQ(Recover().total(), 0) << "the lease has not expired yet";
  env_.Advance(2s);
  const RecoveryReport report = Recover();
  EXPECT_EQ(report.requeued, 1);
  EXPECT_EQ(report.total(), 1);

  const Job row = Row("job");
  EXPECT_EQ(row.status, JobStatus::kPending);
  EXPECT_FALSE(row.lock_holder.has_value());
  EXPECT_FALSE(row.completed_at.has_value());
  EXPECT_EQ(Claim("job", "worker-b").attempt, 2);
}

TEST_P(JobStoreClaimTest, ExpiredLeaseWithAttemptsSpentFails) {
  Job job = NewJob("job");
  job.max_attempts = 1;
  Insert(job);
  Claim("job", "worker-a", 10s);
  env_.Advance(11s);
  EXPECT_EQ(Recover().failed, 1);
  const Job row = Row("job");
  EXPECT_EQ(row.status, JobStatus::kFailed);
  ASSERT_TRUE(row.error.has_value());
  EXPECT_NE(row.error->find("lease"), std::string::npos) << *row.error;
  EXPECT_EQ(Rfc(row.completed_at), Rfc(Now()));
}

TEST_P(JobStoreClaimTest, ExpiredLeaseOfACancelledRequestEndsCancelled) {
  Insert("job");
  Claim("job", "worker-a", 10s);
  ASSERT_TRUE(store_->RequestCancellation("job", "alice", Scope::Admin()).ok());
  env_.Advance(11s);
  EXPECT_EQ(Recover().cancelled, 1);
  const Job row = Row("job");
  EXPECT_EQ(row.status, JobStatus::kCancelled);
  EXPECT_EQ(Rfc(row.completed_at), Rfc(Now()));
  EXPECT_FALSE(row.lock_holder.has_value());
}

TEST_P(JobStoreClaimTest, StaleAfterRecoversJobsWithoutARecentHeartbeat) {
  Insert("quiet");
  Insert("beating");
  Claim("quiet", "worker", 10min);
  const Job beating = Claim("beating", "worker", 10min);
  env_.Advance(90s);
  ASSERT_TRUE(Check("worker", {{"beating", beating.lock_token}}, 10min)[0].held);
  env_.Advance(30s);

  EXPECT_EQ(Recover().total(), 0) << "no lease has expired";
  EXPECT_EQ(Recover(60s).requeued, 1);
  EXPECT_EQ(Row("quiet").status, JobStatus::kPending);
  EXPECT_EQ(Row("beating").status, JobStatus::kRunning);
}

TEST_P(JobStoreClaimTest, RecoveryHonoursItsLimit) {
  for (int i = 0; i < 5; ++i) {
    const std::string id = "job-" + std::to_string(i);
    Insert(id);
    Claim(id, "worker", 10s);
  }
  env_.Advance(11s);
  EXPECT_EQ(Recover(std::nullopt, 2).total(), 2);
  EXPECT_EQ(Recover(std::nullopt, 2).total(), 2);
  EXPECT_EQ(Recover(std::nullopt, 2).total(), 1);
  EXPECT_EQ(Recover(std::nullopt, 2).total(), 0);
}

TEST_P(JobStoreClaimTest, RecoveryLeavesPendingAndFinishedJobsAlone) {
  Insert("pending");
  ASSERT_TRUE(store_->AcquireLock("pending", "holder", 10s).ok());
  InsertInStatus("completed", JobStatus::kCompleted);
  const Json pending_before = Snapshot(Row("pending"));
  const Json completed_before = Snapshot(Row("completed"));
  env_.Advance(24h);
  EXPECT_EQ(Recover(1min).total(), 0);
  EXPECT_EQ(Snapshot(Row("pending")), pending_before);
  EXPECT_EQ(Snapshot(Row("completed")), completed_before);
}

// ---------------------------------------------------------------------------------------
// Retention at the store

TEST_P(JobStoreClaimTest, DeleteFinishedJobsUsesEachStatusCutoff) {
  for (JobStatus status : {JobStatus::kCompleted, JobStatus::kFailed, JobStatus::kCancelled,
                           JobStatus::kPending, JobStatus::kRunning, JobStatus::kCancelling}) {
    InsertInStatus(JobStatusName(status), status);
  }
  env_.Advance(2h);
  auto deleted = store_->DeleteFinishedJobs(Now() - 24h * 7, Now() - 1h, 100);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(*deleted, 1);
  EXPECT_FALSE(Exists("cancelled"));

  deleted = store_->DeleteFinishedJobs(Now(), Now(), 100);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2);
  for (const char* id : {"completed", "failed"}) EXPECT_FALSE(Exists(id)) << id;
  for (const char* id : {"pending", "running", "cancelling"}) EXPECT_TRUE(Exists(id)) << id;
}

TEST_P(JobStoreClaimTest, DeleteFinishedJobsHonoursItsLimit) {
  for (int i = 0; i < 3; ++i) InsertInStatus("done-" + std::to_string(i), JobStatus::kCompleted);
  env_.Advance(1s);
  auto deleted = store_->DeleteFinishedJobs(Now(), Now(), 2);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2);
  deleted = store_->DeleteFinishedJobs(Now(), Now(), 2);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, JobStoreClaimTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace a11y::testing
