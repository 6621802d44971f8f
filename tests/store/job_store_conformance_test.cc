// The JobStore conformance suite, part one: rows, listing, status changes, progress,
// cancellation and locks. Every test runs on every backend (tests/support/test_database.h).
// Claims, fencing, finishing and recovery are in job_store_claim_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "store/job_store.h"
#include "tests/store/job_store_fixture.h"

namespace a11y::testing {
namespace {

using Code = Status::Code;

std::vector<std::string> Ids(const std::vector<Job>& jobs) {
  std::vector<std::string> ids;
  for (const Job& job : jobs) ids.push_back(job.job_id);
  return ids;
}

// ---------------------------------------------------------------------------------------
// Schema and change notification

TEST_P(JobStoreTest, MigrateIsIdempotent) {
  auto before = store_->SchemaVersion();
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_GE(*before, 1);
  ASSERT_TRUE(store_->Migrate().ok());
  auto after = store_->SchemaVersion();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, *before);
  EXPECT_EQ(store_->BackendName(), GetParam());
}

TEST_P(JobStoreTest, ChangeStampMovesWhenAnotherConnectionCommits) {
  auto other = db_->OpenStore(&env_);
  ASSERT_NE(other, nullptr);
  const int64_t before = store_->ChangeStamp();
  ASSERT_TRUE(other->InsertJobs({NewJob("from-elsewhere")}).ok());
  store_->WaitForChange(before, 5s);
  EXPECT_NE(store_->ChangeStamp(), before);
}

// ---------------------------------------------------------------------------------------
// Insert and get

TEST_P(JobStoreTest, InsertedJobReadsBackFieldByField) {
  env_.Advance(123457us);
  Job job = NewJob("job-1", "discovery");
  job.website_id = "site-1";
  job.project_id = "project-1";
  job.user_id = "alice";
  job.session_id = "session-1";
  job.metadata = Json{{"url", "https://example.org"}, {"depth", 3}, {"tags", {"a", "b"}}};
  job.priority = 7;
  job.queue = "crawl";
  job.run_after = Now() + 5min;
  job.max_attempts = 5;
  job.parent_job_id = "parent-1";
  job.progress.message = "Queued";
  Insert(job);

  const Job row = Row("job-1");
  EXPECT_EQ(row.job_id, "job-1");
  EXPECT_EQ(row.job_type, "discovery");
  EXPECT_EQ(row.status, JobStatus::kPending);
  EXPECT_EQ(row.website_id, "site-1");
  EXPECT_EQ(row.project_id, "project-1");
  EXPECT_EQ(row.user_id, "alice");
  EXPECT_EQ(row.session_id, "session-1");
  EXPECT_EQ(Rfc(row.created_at), Rfc(job.created_at));
  EXPECT_EQ(Rfc(row.updated_at), Rfc(job.updated_at));
  EXPECT_EQ(Rfc(row.run_after), Rfc(job.run_after));
  EXPECT_EQ(row.metadata, job.metadata);
  EXPECT_EQ(row.priority, 7);
  EXPECT_EQ(row.queue, "crawl");
  EXPECT_EQ(row.max_attempts, 5);
  EXPECT_EQ(row.parent_job_id, "parent-1");
  EXPECT_EQ(row.progress.message, "Queued");
  EXPECT_EQ(row.attempt, 0);
  EXPECT_EQ(row.lock_token, 0);
  EXPECT_FALSE(row.cancellation_requested);
  EXPECT_FALSE(row.started_at.has_value());
  EXPECT_FALSE(row.completed_at.has_value());
  EXPECT_FALSE(row.lock_holder.has_value());
  EXPECT_FALSE(row.error.has_value());
  EXPECT_FALSE(row.result.has_value());
}

TEST_P(JobStoreTest, DuplicateIdFailsTheWholeBatch) {
  Job original = NewJob("taken");
  original.metadata = Json{{"version", 1}};
  Insert(original);

  Job clash = NewJob("taken");
  clash.metadata = Json{{"version", 2}};
  Status st = store_->InsertJobs({NewJob("before"), clash, NewJob("after")});
  EXPECT_EQ(st.code(), Code::kAlreadyExists) << st.ToString();
  EXPECT_FALSE(Exists("before"));
  EXPECT_FALSE(Exists("after"));
  EXPECT_EQ(Row("taken").metadata, original.metadata);
}

TEST_P(JobStoreTest, DuplicateIdWithinOneBatchInsertsNothing) {
  Status st = store_->InsertJobs({NewJob("twin"), NewJob("other"), NewJob("twin")});
  EXPECT_EQ(st.code(), Code::kAlreadyExists) << st.ToString();
  EXPECT_FALSE(Exists("twin"));
  EXPECT_FALSE(Exists("other"));
}

TEST_P(JobStoreTest, GetUnknownJobIsNotFound) {
  auto job = store_->GetJob("no-such-job", Scope::Admin());
  EXPECT_EQ(job.status().code(), Code::kNotFound);
}

TEST_P(JobStoreTest, AnotherUsersJobIsNotFound) {
  Insert("alices-job");
  EXPECT_TRUE(store_->GetJob("alices-job", Scope::User("alice")).ok());
  EXPECT_EQ(store_->GetJob("alices-job", Scope::User("bob")).status().code(), Code::kNotFound);
}

// ---------------------------------------------------------------------------------------
// Listing

struct ListCase {
  std::string name;
  std::function<void(JobFilter*)> configure;
  std::vector<std::string> expected;  // Newest first.
  Scope scope = Scope::Admin();
};

class JobStoreListTest : public JobStoreTest {
 protected:
  // Six jobs, one second apart, in every status but failed:
  //   id  type               user  website project status
  //   j1  discovery          alice w1      p1      pending
  //   j2  testing            alice w1      p1      running
  //   j3  testing            bob   w2      p2      cancelled
  //   j4  report_generation  alice w2      p1      pending
  //   j5  bulk_test          bob   w1      p2      completed
  //   j6  discovery          bob   w2      p2      cancelling
  void SeedJobs() {
    struct Seed {
      const char *id, *type, *user, *website, *project;
    };
    // clang-format off
    const Seed seeds[] = {{"j1", "discovery",         "alice", "w1", "p1"},
                          {"j2", "testing",           "alice", "w1", "p1"},
                          {"j3", "testing",           "bob",   "w2", "p2"},
                          {"j4", "report_generation", "alice", "w2", "p1"},
                          {"j5", "bulk_test",         "bob",   "w1", "p2"},
                          {"j6", "discovery",         "bob",   "w2", "p2"}};
    // clang-format on
    for (const Seed& seed : seeds) {
      env_.Advance(1s);
      created_[seed.id] = Now();
      Job job = NewJob(seed.id, seed.type);
      job.user_id = seed.user;
      job.website_id = seed.website;
      job.project_id = seed.project;
      Insert(job);
    }
    env_.Advance(1s);
    Claim("j2", "worker");
    ASSERT_TRUE(store_->RequestCancellation("j3", "bob", Scope::Admin()).ok());
    const Job j5 = Claim("j5", "worker");
    ASSERT_TRUE(FinishOne(MakeFinish("j5", j5.lock_token, Finish::Kind::kCompleted)).ok());
    Claim("j6", "worker");
    ASSERT_TRUE(store_->RequestCancellation("j6", "bob", Scope::Admin()).ok());
  }

  std::vector<std::string> List(const JobFilter& filter, const Scope& scope) {
    auto page = store_->ListJobs(filter, scope);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? Ids(page->jobs) : std::vector<std::string>{};
  }

  std::map<std::string, TimePoint> created_;
};

TEST_P(JobStoreListTest, EveryFilterSelectsExactlyItsJobsNewestFirst) {
  ASSERT_NO_FATAL_FAILURE(SeedJobs());
  const std::vector<ListCase> cases = {
      {"no filter", [](JobFilter*) {}, {"j6", "j5", "j4", "j3", "j2", "j1"}},
      {"type", [](JobFilter* f) { f->job_type = "testing"; }, {"j3", "j2"}},
      {"unknown type", [](JobFilter* f) { f->job_type = "nothing"; }, {}},
      {"one status", [](JobFilter* f) { f->statuses = {JobStatus::kPending}; }, {"j4", "j1"}},
      {"two statuses",
       [](JobFilter* f) {
         f->statuses = {JobStatus::kRunning, JobStatus::kCancelling};
       },
       {"j6", "j2"}},
      {"finished statuses",
       [](JobFilter* f) {
         f->statuses = {JobStatus::kCompleted, JobStatus::kFailed, JobStatus::kCancelled};
       },
       {"j5", "j3"}},
      {"user", [](JobFilter* f) { f->user_id = "bob"; }, {"j6", "j5", "j3"}},
      {"website", [](JobFilter* f) { f->website_id = "w1"; }, {"j5", "j2", "j1"}},
      {"project", [](JobFilter* f) { f->project_id = "p1"; }, {"j4", "j2", "j1"}},
      {"created range",
       [this](JobFilter* f) {
         f->created_from = created_["j2"];
         f->created_to = created_["j5"];
       },
       {"j4", "j3", "j2"}},
      {"created from only",
       [this](JobFilter* f) { f->created_from = created_["j5"]; },
       {"j6", "j5"}},
      {"created to only", [this](JobFilter* f) { f->created_to = created_["j2"]; }, {"j1"}},
      {"type and user",
       [](JobFilter* f) {
         f->job_type = "discovery";
         f->user_id = "bob";
       },
       {"j6"}},
      {"website and status",
       [](JobFilter* f) {
         f->website_id = "w2";
         f->statuses = {JobStatus::kPending, JobStatus::kCancelled};
       },
       {"j4", "j3"}},
      {"user scope", [](JobFilter*) {}, {"j4", "j2", "j1"}, Scope::User("alice")},
      {"user scope with another user's filter",
       [](JobFilter* f) { f->user_id = "bob"; },
       {},
       Scope::User("alice")},
      {"user scope and type",
       [](JobFilter* f) { f->job_type = "discovery"; },
       {"j6"},
       Scope::User("bob")},
  };
  for (const ListCase& c : cases) {
    SCOPED_TRACE(c.name);
    JobFilter filter;
    c.configure(&filter);
    EXPECT_EQ(List(filter, c.scope), c.expected);
  }
}

TEST_P(JobStoreListTest, ParentFilterListsExactlyTheChildrenWithinScope) {
  Insert(NewJob("bulk", "bulk_test"));
  for (const char* id : {"child-1", "child-2", "child-3", "bobs-child", "other-child"}) {
    env_.Advance(1s);
    Job child = NewJob(id);
    child.parent_job_id = std::string(id) == "other-child" ? "other-bulk" : "bulk";
    if (std::string(id) == "bobs-child") child.user_id = "bob";
    Insert(child);
  }
  Insert("orphan");

  JobFilter filter;
  filter.parent_job_id = "bulk";
  EXPECT_EQ(List(filter, Scope::Admin()),
            (std::vector<std::string>{"bobs-child", "child-3", "child-2", "child-1"}));
  EXPECT_EQ(List(filter, Scope::User("alice")),
            (std::vector<std::string>{"child-3", "child-2", "child-1"}));
  filter.parent_job_id = "no-such-parent";
  EXPECT_TRUE(List(filter, Scope::Admin()).empty());

  // Paging keeps the filter.
  filter.parent_job_id = "bulk";
  filter.limit = 3;
  auto head = store_->ListJobs(filter, Scope::Admin());
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  ASSERT_TRUE(head->next_cursor.has_value());
  filter.cursor = head->next_cursor;
  EXPECT_EQ(List(filter, Scope::Admin()), std::vector<std::string>{"child-1"});
}

TEST_P(JobStoreListTest, PagesCoverEveryJobOnceInOrder) {
  // 25 jobs; every three share a creation time, so the cursor must break ties.
  std::set<std::string> inserted;
  for (int i = 0; i < 25; ++i) {
    if (i % 3 == 0) env_.Advance(1s);
    const std::string id = "page-" + std::to_string(i);
    Insert(id);
    inserted.insert(id);
  }
  JobFilter all;
  all.limit = 1000;
  const std::vector<std::string> one_page = List(all, Scope::Admin());
  ASSERT_EQ(one_page.size(), 25u);

  std::vector<std::string> paged;
  std::vector<size_t> page_sizes;
  JobFilter filter;
  filter.limit = 7;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = store_->ListJobs(filter, Scope::Admin());
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    page_sizes.push_back(page->jobs.size());
    for (const Job& job : page->jobs) paged.push_back(job.job_id);
    if (!page->next_cursor) break;
    filter.cursor = page->next_cursor;
  }
  EXPECT_EQ(page_sizes, (std::vector<size_t>{7, 7, 7, 4}));
  EXPECT_EQ(paged, one_page);
  EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()), inserted);

  std::vector<TimePoint> created;
  for (const std::string& id : paged) created.push_back(Row(id).created_at);
  EXPECT_TRUE(std::is_sorted(created.rbegin(), created.rend())) << "not newest first";
}

TEST_P(JobStoreListTest, PagingKeepsTheFilter) {
  for (int i = 0; i < 12; ++i) {
    env_.Advance(1s);
    Insert(NewJob("job-" + std::to_string(i), i % 2 == 0 ? "testing" : "discovery"));
  }
  JobFilter filter;
  filter.job_type = "testing";
  filter.limit = 4;
  std::vector<std::string> paged;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = store_->ListJobs(filter, Scope::Admin());
    ASSERT_TRUE(page.ok());
    for (const Job& job : page->jobs) paged.push_back(job.job_id);
    if (!page->next_cursor) break;
    filter.cursor = page->next_cursor;
  }
  EXPECT_EQ(paged,
            (std::vector<std::string>{"job-10", "job-8", "job-6", "job-4", "job-2", "job-0"}));
}

TEST_P(JobStoreListTest, FullLastPageHasNoCursor) {
  for (int i = 0; i < 5; ++i) {
    env_.Advance(1s);
    Insert("job-" + std::to_string(i));
  }
  JobFilter filter;
  filter.limit = 5;
  auto page = store_->ListJobs(filter, Scope::Admin());
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->jobs.size(), 5u);
  EXPECT_FALSE(page->next_cursor.has_value());
}

TEST_P(JobStoreListTest, ForeignCursorIsInvalidArgument) {
  Insert("job");
  for (const char* cursor : {"garbage", "not a cursor at all", "::::", "12x:abc"}) {
    SCOPED_TRACE(cursor);
    JobFilter filter;
    filter.cursor = cursor;
    EXPECT_EQ(store_->ListJobs(filter, Scope::Admin()).status().code(), Code::kInvalidArgument);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, JobStoreListTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

// ---------------------------------------------------------------------------------------
// TransitionStatus

StatusChange Change(const std::string& id, std::vector<JobStatus> from, JobStatus to) {
  StatusChange change;
  change.job_id = id;
  change.from = std::move(from);
  change.to = to;
  return change;
}

TEST_P(JobStoreTest, TransitionAppliesWhenCurrentStatusIsListed) {
  Insert("job");
  env_.Advance(1s);
  auto job = store_->TransitionStatus(Change("job", {JobStatus::kPending}, JobStatus::kRunning));
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->status, JobStatus::kRunning);
  EXPECT_EQ(Rfc(job->started_at), Rfc(Now()));
  EXPECT_EQ(Rfc(job->updated_at), Rfc(Now()));
  EXPECT_FALSE(job->completed_at.has_value());
  EXPECT_EQ(Snapshot(Row("job")), Snapshot(*job));
}

TEST_P(JobStoreTest, TransitionRefusedFromAnUnlistedStatusChangesNothing) {
  Insert("job");
  const Json before = Snapshot(Row("job"));
  env_.Advance(1s);
  auto job = store_->TransitionStatus(
      Change("job", {JobStatus::kRunning, JobStatus::kCancelling}, JobStatus::kCompleted));
  EXPECT_EQ(job.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(job.status().message().find("pending"), std::string::npos)
      << "the refusal should name the current status: " << job.status().message();
  EXPECT_EQ(Snapshot(Row("job")), before);
}

TEST_P(JobStoreTest, TransitionOfUnknownJobIsNotFound) {
  auto job =
      store_->TransitionStatus(Change("missing", {JobStatus::kPending}, JobStatus::kRunning));
  EXPECT_EQ(job.status().code(), Code::kNotFound);
}

TEST_P(JobStoreTest, StartedAtIsSetOnlyOnTheFirstRun) {
  Insert("job");
  env_.Advance(1s);
  const TimePoint first_start = Now();
  ASSERT_TRUE(
      store_->TransitionStatus(Change("job", {JobStatus::kPending}, JobStatus::kRunning)).ok());
  env_.Advance(1min);
  ASSERT_TRUE(
      store_->TransitionStatus(Change("job", {JobStatus::kRunning}, JobStatus::kPending)).ok());
  EXPECT_FALSE(Row("job").completed_at.has_value());
  env_.Advance(1min);
  ASSERT_TRUE(
      store_->TransitionStatus(Change("job", {JobStatus::kPending}, JobStatus::kRunning)).ok());
  EXPECT_EQ(Rfc(Row("job").started_at), Rfc(first_start));
}

TEST_P(JobStoreTest, FinalStatusSetsCompletedAtAndKeepsResultOrError) {
  InsertInStatus("done", JobStatus::kRunning);
  InsertInStatus("broken", JobStatus::kRunning);
  env_.Advance(90s);

  StatusChange complete = Change("done", {JobStatus::kRunning}, JobStatus::kCompleted);
  complete.result = Json{{"pages", 3}};
  auto done = store_->TransitionStatus(complete);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(Rfc(Row("done").completed_at), Rfc(Now()));
  EXPECT_EQ(Row("done").result, Json({{"pages", 3}}));

  StatusChange fail = Change("broken", {JobStatus::kRunning}, JobStatus::kFailed);
  fail.error = "crawler crashed";
  ASSERT_TRUE(store_->TransitionStatus(fail).ok());
  const Job broken = Row("broken");
  EXPECT_EQ(broken.status, JobStatus::kFailed);
  EXPECT_EQ(broken.error, "crawler crashed");
  EXPECT_EQ(Rfc(broken.completed_at), Rfc(Now()));
}

TEST_P(JobStoreTest, NonFinalStatusLeavesCompletedAtEmpty) {
  InsertInStatus("job", JobStatus::kRunning);
  env_.Advance(1s);
  ASSERT_TRUE(
      store_->TransitionStatus(Change("job", {JobStatus::kRunning}, JobStatus::kCancelling)).ok());
  EXPECT_FALSE(Row("job").completed_at.has_value());
}

// ---------------------------------------------------------------------------------------
// Progress

Progress MakeProgress(int64_t current, int64_t total, const std::string& message) {
  Progress progress;
  progress.current = current;
  progress.total = total;
  progress.message = message;
  progress.details = Json{{"page", "https://example.org/" + std::to_string(current)}};
  progress.ComputePercentage();
  return progress;
}

TEST_P(JobStoreTest, ProgressIsStoredAsGiven) {
  Insert("job");
  env_.Advance(1s);
  ASSERT_TRUE(store_->UpdateProgress("job", MakeProgress(3, 4, "Crawling"), std::nullopt).ok());
  const Job row = Row("job");
  EXPECT_EQ(row.progress.current, 3);
  EXPECT_EQ(row.progress.total, 4);
  EXPECT_EQ(row.progress.message, "Crawling");
  EXPECT_DOUBLE_EQ(row.progress.percentage, 75.0);
  EXPECT_EQ(row.progress.details, Json({{"page", "https://example.org/3"}}));
  EXPECT_EQ(Rfc(row.updated_at), Rfc(Now()));
}

TEST_P(JobStoreTest, FencedProgressNeedsTheCurrentToken) {
  const Job running = InsertInStatus("job", JobStatus::kRunning);
  EXPECT_TRUE(store_->UpdateProgress("job", MakeProgress(1, 4, "ok"), running.lock_token).ok());
  const Json before = Snapshot(Row("job"));
  env_.Advance(1s);
  Status stale = store_->UpdateProgress("job", MakeProgress(2, 4, "stale"), running.lock_token - 1);
  EXPECT_EQ(stale.code(), Code::kLeaseLost) << stale.ToString();
  EXPECT_EQ(Snapshot(Row("job")), before);
}

TEST_P(JobStoreTest, ProgressOnAFinishedJobIsRefused) {
  for (JobStatus status : {JobStatus::kCompleted, JobStatus::kFailed, JobStatus::kCancelled}) {
    const std::string id = std::string("finished-") + JobStatusName(status);
    SCOPED_TRACE(id);
    const Job finished = InsertInStatus(id, status);
    const Json before = Snapshot(finished);
    env_.Advance(1s);
    Status st = store_->UpdateProgress(id, MakeProgress(4, 4, "late"), std::nullopt);
    EXPECT_EQ(st.code(), Code::kFailedPrecondition) << st.ToString();
    EXPECT_EQ(Snapshot(Row(id)), before);
  }
}

// One flush for many held jobs: each write lands or is refused on its own, and the
// refused ones change nothing.
TEST_P(JobStoreTest, ProgressBatchAppliesEachFencedWriteOnItsOwn) {
  const Job a = InsertInStatus("a", JobStatus::kRunning);
  const Job b = InsertInStatus("b", JobStatus::kRunning);
  const Job stale = InsertInStatus("stale", JobStatus::kRunning);
  const Job done = InsertInStatus("done", JobStatus::kCompleted);
  const Json stale_before = Snapshot(Row("stale"));
  const Json done_before = Snapshot(Row("done"));
  env_.Advance(1s);
  auto results =
      store_->UpdateProgressBatch({{"a", a.lock_token, MakeProgress(1, 4, "a")},
                                   {"stale", stale.lock_token - 1, MakeProgress(2, 4, "x")},
                                   {"missing", 1, MakeProgress(1, 2, "x")},
                                   {"b", b.lock_token, MakeProgress(3, 4, "b")},
                                   {"done", done.lock_token, MakeProgress(4, 4, "x")}});
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  ASSERT_EQ(results->size(), 5u);
  EXPECT_TRUE((*results)[0].ok()) << (*results)[0].ToString();
  EXPECT_EQ((*results)[1].code(), Code::kLeaseLost) << (*results)[1].ToString();
  EXPECT_EQ((*results)[2].code(), Code::kNotFound) << (*results)[2].ToString();
  EXPECT_TRUE((*results)[3].ok()) << (*results)[3].ToString();
  EXPECT_FALSE((*results)[4].ok()) << "progress written to a completed job";

  const Job row_a = Row("a"), row_b = Row("b");
  EXPECT_EQ(row_a.progress.current, 1);
  EXPECT_EQ(row_a.progress.message, "a");
  EXPECT_EQ(row_a.progress.details, Json({{"page", "https://example.org/1"}}));
  EXPECT_DOUBLE_EQ(row_b.progress.percentage, 75.0);
  EXPECT_EQ(row_b.progress.message, "b");
  EXPECT_EQ(Rfc(row_b.updated_at), Rfc(Now()));
  EXPECT_EQ(Snapshot(Row("stale")), stale_before);
  EXPECT_EQ(Snapshot(Row("done")), done_before);

  auto none = store_->UpdateProgressBatch({});
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
}

TEST_P(JobStoreTest, ProgressOnAnUnknownJobIsNotFound) {
  EXPECT_EQ(store_->UpdateProgress("missing", MakeProgress(1, 2, "x"), std::nullopt).code(),
            Code::kNotFound);
}

// ---------------------------------------------------------------------------------------
// Cancellation

TEST_P(JobStoreTest, CancellingAPendingJobCancelsItAtOnce) {
  Insert("job");
  env_.Advance(5s);
  auto result = store_->RequestCancellation("job", "alice", Scope::Admin());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->outcome, CancelOutcome::kCancelled);
  EXPECT_EQ(result->status, JobStatus::kCancelled);

  const Job row = Row("job");
  EXPECT_EQ(row.status, JobStatus::kCancelled);
  EXPECT_EQ(Rfc(row.completed_at), Rfc(Now()));
  EXPECT_TRUE(row.cancellation_requested);
  EXPECT_EQ(Rfc(row.cancellation_requested_at), Rfc(Now()));
  EXPECT_EQ(row.cancellation_requested_by, "alice");
  EXPECT_TRUE(ClaimNext("worker", 10).empty()) << "a cancelled job must never start";
}

TEST_P(JobStoreTest, CancellingARunningJobAsksItsWorkerToStop) {
  InsertInStatus("job", JobStatus::kRunning);
  env_.Advance(5s);
  auto result = store_->RequestCancellation("job", "admin", Scope::Admin());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->outcome, CancelOutcome::kCancelling);
  EXPECT_EQ(result->status, JobStatus::kCancelling);

  const Job row = Row("job");
  EXPECT_EQ(row.status, JobStatus::kCancelling);
  EXPECT_FALSE(row.completed_at.has_value());
  EXPECT_TRUE(row.cancellation_requested);
  EXPECT_EQ(Rfc(row.cancellation_requested_at), Rfc(Now()));
  EXPECT_EQ(row.cancellation_requested_by, "admin");
  auto asked = store_->IsCancellationRequested("job");
  ASSERT_TRUE(asked.ok());
  EXPECT_TRUE(*asked);
}

TEST_P(JobStoreTest, SecondCancelOfACancellingJobReportsCancelling) {
  InsertInStatus("job", JobStatus::kCancelling);
  auto again = store_->RequestCancellation("job", "alice", Scope::Admin());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, CancelOutcome::kCancelling);
  EXPECT_EQ(again->status, JobStatus::kCancelling);
  EXPECT_EQ(Row("job").status, JobStatus::kCancelling);
}

TEST_P(JobStoreTest, CancellingAFinishedJobLeavesItAlone) {
  for (JobStatus status : {JobStatus::kCompleted, JobStatus::kFailed, JobStatus::kCancelled}) {
    const std::string id = std::string("finished-") + JobStatusName(status);
    SCOPED_TRACE(id);
    const Json before = Snapshot(InsertInStatus(id, status));
    env_.Advance(1s);
    auto result = store_->RequestCancellation(id, "alice", Scope::Admin());
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->outcome, CancelOutcome::kAlreadyFinished);
    EXPECT_EQ(result->status, status);
    EXPECT_EQ(Snapshot(Row(id)), before);
  }
}

TEST_P(JobStoreTest, CancellingAnUnknownJobReportsNotFound) {
  auto result = store_->RequestCancellation("missing", "alice", Scope::Admin());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->outcome, CancelOutcome::kNotFound);
}

TEST_P(JobStoreTest, CancellingAnotherUsersJobReportsNotFoundAndChangesNothing) {
  for (JobStatus status : {JobStatus::kPending, JobStatus::kRunning}) {
    const std::string id = std::string("alices-") + JobStatusName(status);
    SCOPED_TRACE(id);
    const Json before = Snapshot(InsertInStatus(id, status));
    env_.Advance(1s);
    auto result = store_->RequestCancellation(id, "bob", Scope::User("bob"));
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->outcome, CancelOutcome::kNotFound);
    EXPECT_EQ(Snapshot(Row(id)), before);
  }
  auto own = store_->RequestCancellation("alices-pending", "alice", Scope::User("alice"));
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->outcome, CancelOutcome::kCancelled);
}

TEST_P(JobStoreTest, IsCancellationRequestedFollowsTheRow) {
  Insert("job");
  auto before = store_->IsCancellationRequested("job");
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(*before);
  ASSERT_TRUE(store_->RequestCancellation("job", "alice", Scope::Admin()).ok());
  EXPECT_TRUE(*store_->IsCancellationRequested("job"));
  EXPECT_EQ(store_->IsCancellationRequested("missing").status().code(), Code::kNotFound);
}

// ---------------------------------------------------------------------------------------
// Locks

TEST_P(JobStoreTest, FreeJobLockReturnsATokenAndRecordsTheHolder) {
  Insert("job");
  auto lease = store_->AcquireLock("job", "holder-a", 30s);
  ASSERT_TRUE(lease.ok()) << lease.status().ToString();
  EXPECT_EQ(lease->holder, "holder-a");
  EXPECT_GT(lease->token, 0);
  EXPECT_EQ(Rfc(lease->expiry), Rfc(Now() + 30s));

  const Job row = Row("job");
  EXPECT_EQ(row.lock_holder, "holder-a");
  EXPECT_EQ(row.lock_token, lease->token);
  EXPECT_EQ(Rfc(row.lock_acquired_at), Rfc(Now()));
  EXPECT_EQ(Rfc(row.lock_expiry), Rfc(Now() + 30s));
}

TEST_P(JobStoreTest, HeldLockRefusesOthersUntilItExpires) {
  Insert("job");
  auto first = store_->AcquireLock("job", "holder-a", 30s);
  ASSERT_TRUE(first.ok());

  env_.Advance(29s);
  auto refused = store_->AcquireLock("job", "holder-b", 30s);
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(Row("job").lock_holder, "holder-a");
  EXPECT_EQ(Row("job").lock_token, first->token);

  env_.Advance(2s);
  auto taken = store_->AcquireLock("job", "holder-b", 30s);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_GT(taken->token, first->token);
  EXPECT_EQ(Row("job").lock_holder, "holder-b");
}

TEST_P(JobStoreTest, HolderReacquiresWithANewerToken) {
  Insert("job");
  auto first = store_->AcquireLock("job", "holder-a", 30s);
  ASSERT_TRUE(first.ok());
  env_.Advance(10s);
  auto again = store_->AcquireLock("job", "holder-a", 30s);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_GT(again->token, first->token);
  EXPECT_EQ(Rfc(Row("job").lock_expiry), Rfc(Now() + 30s));
}

TEST_P(JobStoreTest, LockOnAFinishedOrUnknownJobIsRefused) {
  InsertInStatus("done", JobStatus::kCompleted);
  EXPECT_EQ(store_->AcquireLock("done", "holder", 30s).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(store_->AcquireLock("missing", "holder", 30s).status().code(), Code::kNotFound);
}

TEST_P(JobStoreTest, ReleaseLockOnlyByItsHolder) {
  Insert("job");
  ASSERT_TRUE(store_->AcquireLock("job", "holder-a", 30s).ok());

  EXPECT_EQ(store_->ReleaseLock("job", "holder-b").code(), Code::kFailedPrecondition);
  EXPECT_EQ(Row("job").lock_holder, "holder-a");

  EXPECT_TRUE(store_->ReleaseLock("job", "holder-a").ok());
  EXPECT_FALSE(Row("job").lock_holder.has_value());
  EXPECT_TRUE(store_->AcquireLock("job", "holder-b", 30s).ok()) << "released lock is free";

  EXPECT_EQ(store_->ReleaseLock("missing", "holder-a").code(), Code::kNotFound);
}

TEST_P(JobStoreTest, ReleasingAnUnheldLockIsRefused) {
  Insert("job");
  EXPECT_EQ(store_->ReleaseLock("job", "holder-a").code(), Code::kFailedPrecondition);
}

INSTANTIATE_TEST_SUITE_P(Backends, JobStoreTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace a11y::testing
