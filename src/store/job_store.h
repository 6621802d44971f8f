// JobStore: the one seam between the job system and a database. Each backend
// (store/sqlite, store/postgres) owns its SQL and migrations; the conformance suite in
// tests/store runs the same tests against every backend.
//
// Every state change is a single conditional write ("set X if the row is still in state
// Y / still carries token T"), never a read followed by a write. Where a write matches no
// row, the backend may read afterwards only to explain why (not found, lease lost,
// already finished) — the decision itself was atomic.
//
// Thread safety: every method may be called from any thread at any time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/env.h"
#include "core/metrics.h"
#include "core/status.h"
#include "store/job.h"

namespace a11y {

class DiscoveryStore;
class DomainStore;
class ResultStore;

// Whose data a read or write may touch. An empty user_id is the administrator's view.
// Another user's job is reported as not found, never as forbidden.
struct Scope {
  std::optional<std::string> user_id;
  static Scope Admin() { return {}; }
  static Scope User(std::string id) { return {std::move(id)}; }
};

struct JobFilter {
  std::optional<std::string> job_type;
  std::vector<JobStatus> statuses;  // Empty: any status.
  std::optional<std::string> user_id;
  std::optional<std::string> website_id;
  std::optional<std::string> project_id;
  std::optional<std::string> parent_job_id;  // The children of this job.
  std::optional<TimePoint> created_from;  // Inclusive.
  std::optional<TimePoint> created_to;    // Exclusive.
  int limit = 50;                         // 1..1000.
  // Opaque cursor from a previous JobPage; newest jobs come first.
  std::optional<std::string> cursor;
};

struct JobPage {
  std::vector<Job> jobs;
  std::optional<std::string> next_cursor;  // Absent on the last page.
};

// An unfenced, conditional status change: the JobManager's update_job_status.
struct StatusChange {
  std::string job_id;
  std::vector<JobStatus> from;  // Applied only when the current status is one of these.
  JobStatus to = JobStatus::kPending;
  std::optional<std::string> error;
  std::optional<Json> result;
};

enum class CancelOutcome {
  kCancelled,        // Was pending: now cancelled, no worker will start it.
  kCancelling,       // Was running: its worker is asked to stop.
  kAlreadyFinished,  // Completed, failed or cancelled before the request: left alone.
  kNotFound,         // No such job in the caller's scope.
};
const char* CancelOutcomeName(CancelOutcome outcome);

struct CancelResult {
  CancelOutcome outcome = CancelOutcome::kNotFound;
  JobStatus status = JobStatus::kPending;  // The job's status after the request.
};

struct Lease {
  std::string holder;
  int64_t token = 0;
  TimePoint expiry{};
};

struct ClaimRequest {
  std::string worker_id;
  std::vector<std::string> queues;     // Empty: every queue.
  std::vector<std::string> job_types;  // Empty: every type.
  int limit = 1;
  Micros lease{std::chrono::seconds(30)};
};

// The progress of a job its worker holds with `token`.
struct ProgressWrite {
  std::string job_id;
  int64_t token = 0;
  Progress progress;
};

// A job this worker believes it holds.
struct HeldJob {
  std::string job_id;
  int64_t token = 0;
};

struct LeaseState {
  std::string job_id;
  bool held = false;  // False: the lease was lost (reaped, taken over, or the job is gone).
  bool cancellation_requested = false;
};

// How a worker ends (or gives back) a job it holds. Every kind is fenced by `token`.
struct Finish {
  enum class Kind {
    kCompleted,  // running|cancelling -> completed, with result.
    kFailed,     // running|cancelling -> failed, with error.
    kCancelled,  // running|cancelling -> cancelled.
    kRetry,      // running -> pending at run_after, with error; cancelling -> cancelled.
    kRelease,    // running -> pending at max(now, run_after), attempt not counted;
                 // cancelling -> cancelled.
  };
  std::string job_id;
  int64_t token = 0;
  Kind kind = Kind::kCompleted;
  std::optional<Json> result;
  std::optional<std::string> error;
  std::optional<Progress> progress;  // The last progress, always written with the finish.
  TimePoint run_after{};             // kRetry and kRelease.
};

struct RecoveryReport {
  int64_t requeued = 0;
  int64_t failed = 0;
  int64_t cancelled = 0;
  int64_t total() const { return requeued + failed + cancelled; }
};

struct StatsFilter {
  std::optional<std::string> user_id;
  std::optional<std::string> website_id;
  std::optional<TimePoint> created_since;
};

struct StoreStatistics {
  std::map<std::string, std::map<std::string, int64_t>> counts;  // type -> status -> jobs.
  std::map<std::string, double> average_duration_seconds;      // type -> mean(completed - started).
  // type -> mean(completed - cancellation requested) of jobs that ended cancelled on request.
  std::map<std::string, double> average_cancellation_seconds;
  int64_t cancellation_requests = 0;
  int64_t cancellation_requests_cancelled = 0;  // Of those, the ones that ended cancelled.
};

// Figures the backend keeps about its own work, for statistics and /metrics.
struct StoreMetrics {
  LatencyHistogram query_latency;
  LatencyHistogram claim_latency;  // One ClaimJobs call of this process's workers.
  std::atomic<int64_t> claim_attempts{0};
  // Claim or lock attempts that lost a race or found the row or database held by another.
  std::atomic<int64_t> lock_contention{0};
};

struct LedgerSummary {
  int64_t rows = 0;
  int64_t distinct_jobs = 0;
};

// One live worker process as the registry knows it: its row is written when the worker
// starts and at every lease heartbeat, so last_heartbeat_at says how recently it was alive.
struct WorkerRecord {
  std::string worker_id;
  std::string host;
  int64_t pid = 0;
  TimePoint started_at{};
  TimePoint last_heartbeat_at{};
  int concurrency = 0;   // Jobs it may run at once.
  int running_jobs = 0;  // Jobs it was running at its last heartbeat.
  Json ToJson() const;
};

// Hears what other processes publish through the database (PostgreSQL LISTEN/NOTIFY).
// Called on the store's listener thread: return quickly.
class StoreListener {
 public:
  virtual ~StoreListener() = default;
  virtual void OnCancellationRequested(const std::string& /*job_id*/) {}
  // A job changed: {"job_id", "user_id", "status", "progress": {...}} at least.
  virtual void OnJobEvent(const Json& /*event*/) {}
};

class JobStore {
 public:
  virtual ~JobStore() = default;

  virtual std::string BackendName() const = 0;

  // Brings the schema to the newest version this binary knows. Idempotent and safe
  // when several processes call it at once.
  virtual Status Migrate() = 0;
  virtual Result<int> SchemaVersion() = 0;

  // REQUIRES: every job has a valid job_id and job_type, status pending, and its
  // timestamps set. All or nothing: a taken job_id fails the batch with kAlreadyExists.
  virtual Status InsertJobs(const std::vector<Job>& jobs) = 0;

  virtual Result<Job> GetJob(const std::string& job_id, const Scope& scope) = 0;
  virtual Result<JobPage> ListJobs(const JobFilter& filter, const Scope& scope) = 0;

  // Applies `change` if the job's status is one of change.from; otherwise
  // kFailedPrecondition naming the current status. Sets started_at on the first move to
  // running and completed_at on a move to a final status.
  virtual Result<Job> TransitionStatus(const StatusChange& change) = 0;

  // Writes progress while the job is not final. With `fence`, only while the caller still
  // holds that lock_token (kLeaseLost otherwise).
  virtual Status UpdateProgress(const std::string& job_id, const Progress& progress,
                                std::optional<int64_t> fence) = 0;

  // A worker's periodic flush: the progress of many held jobs, each fenced by its token,
  // in one statement or transaction. Statuses line up with `writes`, each the one
  // UpdateProgress(job_id, progress, token) would return (kLeaseLost for a stale token,
  // kNotFound for a job that is gone). An error means nothing was written.
  virtual Result<std::vector<Status>> UpdateProgressBatch(
      const std::vector<ProgressWrite>& writes) = 0;

  // Fenced write of the handler's resume state.
  virtual Status SaveCheckpoint(const std::string& job_id, int64_t token,
                                const Json& checkpoint) = 0;

  // ONE conditional write: pending -> cancelled, running -> cancelling; records who and
  // when. A finished job is left alone and reported as such.
  virtual Result<CancelResult> RequestCancellation(const std::string& job_id,
                                                   const std::string& requested_by,
                                                   const Scope& scope) = 0;
  virtual Result<bool> IsCancellationRequested(const std::string& job_id) = 0;

  // Takes the job's lease for `holder` if it is free, expired, or already the holder's,
  // and the job is not final; a new token each time. kFailedPrecondition if held by
  // another holder or final, kNotFound if absent.
  virtual Result<Lease> AcquireLock(const std::string& job_id, const std::string& holder,
                                    Micros lease) = 0;
  // Clears the lease if `holder` has it. kNotFound if the job is absent,
  // kFailedPrecondition if another holder (or nobody) has it.
  virtual Status ReleaseLock(const std::string& job_id, const std::string& holder) = 0;

  // Claims up to request.limit runnable pending jobs (run_after <= now) in order of
  // priority (high first), then run_after, then age: status running, a new lease and
  // token, attempt + 1. Served by an index. Each job goes to exactly one claimer.
  virtual Result<std::vector<Job>> ClaimJobs(const ClaimRequest& request) = 0;

  // For each held job: is it still held with that token, and is cancellation requested?
  // With `extend`, also pushes the lease of each still-held job to now + *extend and
  // records the heartbeat.
  virtual Result<std::vector<LeaseState>> CheckLeases(const std::string& worker_id,
                                                      const std::vector<HeldJob>& held,
                                                      std::optional<Micros> extend) = 0;

  // Applies each finish independently (one transaction where the backend allows); the
  // returned statuses line up with `finishes`: kLeaseLost where the token is stale,
  // kNotFound where the job is gone.
  virtual Result<std::vector<Status>> FinishJobs(const std::vector<Finish>& finishes) = 0;

  // Recovers jobs whose worker is gone: running or cancelling with an expired lease, or
  // (with stale_after) no heartbeat for that long. Each becomes cancelled if cancellation
  // was requested, failed if its attempts are spent, else pending. At most `limit` rows.
  virtual Result<RecoveryReport> RecoverAbandonedJobs(std::optional<Micros> stale_after,
                                                      int limit) = 0;

  // Retention: deletes completed/failed jobs finished before `finished_before` and
  // cancelled jobs finished before `cancelled_before`; at most `limit` rows.
  virtual Result<int64_t> DeleteFinishedJobs(TimePoint finished_before,
                                             TimePoint cancelled_before, int limit) = 0;

  virtual Result<StoreStatistics> Statistics(const StatsFilter& filter) = 0;

  // A cheap stamp that changes whenever any process may have committed new work
  // (SQLite: PRAGMA data_version; PostgreSQL: a count of NOTIFYs received). Read it
  // before claiming, then wait on it, so a commit between the two is never missed.
  virtual int64_t ChangeStamp() = 0;
  // Blocks until ChangeStamp() differs from `since`, or `timeout` passes. A hint, not a
  // guarantee: callers still claim to find out.
  virtual void WaitForChange(int64_t since, Micros timeout) = 0;

  // Push delivery of other processes' cancellations and job events. Backends without a
  // channel (SQLite) accept listeners and never call them: workers then rely on their
  // lease checks, which poll. REQUIRES: a listener outlives its registration.
  virtual void AddListener(StoreListener* /*listener*/) {}
  virtual void RemoveListener(StoreListener* /*listener*/) {}

  // True while this store leads cluster-wide maintenance (lease reaping, retention), so
  // exactly one process runs it at a time. PostgreSQL holds a session advisory lock and
  // answers from it; SQLite answers true (one machine, and concurrent reapers are
  // serialised by the write lock). Asking is volunteering: a PostgreSQL store seeks the
  // lock only while it is asked (at least every few seconds) and gives it back when the
  // asking stops, so a process whose worker runs no maintenance never leads.
  virtual bool HoldsMaintenanceLeadership() { return true; }

  // The worker registry: which workers are alive, for administrators. Rows are advisory:
  // nothing in the job state machine reads them, so a lost or late registry write never
  // affects a job.
  //
  // Upserts the row of worker.worker_id with every field of `worker` (a worker calls it
  // when it starts and at every heartbeat). kInvalidArgument for an empty worker_id.
  virtual Status RecordWorker(const WorkerRecord& worker) = 0;
  // Workers whose last heartbeat is at or after `seen_since`, oldest start first (ties by
  // worker_id).
  virtual Result<std::vector<WorkerRecord>> ListWorkers(TimePoint seen_since) = 0;
  // Removes the row of a worker that stops cleanly; kNotFound if there is none.
  virtual Status RemoveWorker(const std::string& worker_id) = 0;
  // Deletes the rows of workers last seen before `before` (crashed ones), at most `limit`
  // (none when limit <= 0); returns how many.
  virtual Result<int64_t> DeleteStaleWorkers(TimePoint before, int limit) = 0;

  // Diagnostic ledger for exactly-once tests: records one effect of the job, fenced by
  // `token`. A second effect for the same job is kAlreadyExists.
  virtual Status RecordLedgerEffect(const std::string& job_id, int64_t token,
                                    const std::string& worker_id) = 0;
  virtual Result<LedgerSummary> GetLedgerSummary() = 0;

  virtual StoreMetrics& metrics() = 0;

  // Users, sessions, tokens, projects, websites and pages in the same database
  // (store/domain_store.h). Lives as long as this store.
  virtual DomainStore& domain() = 0;

  // Discovery runs, the pages they update and the documents they record, in the same
  // database (store/discovery_store.h). Lives as long as this store.
  virtual DiscoveryStore& discovery() = 0;

  // Test results of the testing jobs, in the same database (store/result_store.h). Lives
  // as long as this store.
  virtual ResultStore& results() = 0;
};

// Opens the store a database URL names: "sqlite:PATH" or "postgresql://...".
// Does not migrate.
Result<std::unique_ptr<JobStore>> OpenJobStore(const std::string& url, Env* env);

}  // namespace a11y
