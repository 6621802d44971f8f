#include "store/postgres/postgres_job_store.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <numeric>
#include <set>
#include <utility>

#include "store/discovery_store.h"
#include "store/domain_store.h"
#include "store/postgres/postgres_connection.h"
#include "store/postgres/postgres_discovery_store.h"
#include "store/postgres/postgres_domain_store.h"
#include "store/postgres/postgres_job_rows.h"
#include "store/postgres/postgres_migrations.h"
#include "store/postgres/postgres_push.h"
#include "store/postgres/postgres_result_store.h"
#include "store/result_store.h"

namespace a11y {
namespace {

using pg::Bool;
using pg::Double;
using pg::Int;
using pg::JsonText;
using pg::OptText;
using pg::Params;
using pg::PgConnection;
using pg::PgResult;
using pg::Text;
using pg::TextArray;
using pg::Time;

constexpr int kPoolSize = 8;
// Rows per INSERT statement (one array parameter per column): a batch up to this size is
// one statement; a larger one is several in one transaction.
constexpr int kInsertChunk = 5000;
constexpr int kMaxListLimit = 1000;

constexpr const char* kFinalStatuses = "('completed', 'failed', 'cancelled')";
constexpr const char* kActiveStatuses = "('running', 'cancelling')";

// What a no-match write reads back to explain itself.
struct RowState {
  JobStatus status;
  int64_t lock_token;
  std::optional<std::string> lock_holder;
};

class PostgresJobStore : public JobStore {
 public:
  PostgresJobStore(std::string url, Env* env)
      : url_(url),
        env_(env),
        pool_(url, kPoolSize),
        domain_(NewPostgresDomainStore(&pool_, &metrics_.query_latency)),
        discovery_(NewPostgresDiscoveryStore(
            &pool_, &metrics_.query_latency,
            [this](PgConnection* conn, const std::string& job_id, int64_t token, const Json& cp) {
              return CheckpointOn(conn, job_id, token, cp);
            })),
        results_(NewPostgresResultStore(&pool_, &metrics_.query_latency)),
        push_(url) {}

  std::string BackendName() const override { return "postgresql"; }

  Status Migrate() override {
    return WithConnection(
        [&](PgConnection* conn) -> Status { return pg::ApplyMigrations(conn, env_, latency()); });
  }

  Result<int> SchemaVersion() override {
    return WithConnection(
        [&](PgConnection* conn) { return pg::CurrentSchemaVersion(conn, latency()); });
  }

  Status InsertJobs(const std::vector<Job>& jobs) override;
  Result<Job> GetJob(const std::string& job_id, const Scope& scope) override;
  Result<JobPage> ListJobs(const JobFilter& filter, const Scope& scope) override;
  Result<Job> TransitionStatus(const StatusChange& change) override;
  Status UpdateProgress(const std::string& job_id, const Progress& progress,
                        std::optional<int64_t> fence) override;
  Result<std::vector<Status>> UpdateProgressBatch(
      const std::vector<ProgressWrite>& writes) override;
  Status SaveCheckpoint(const std::string& job_id, int64_t token, const Json& checkpoint) override;
  Result<CancelResult> RequestCancellation(const std::string& job_id,
                                           const std::string& requested_by,
                                           const Scope& scope) override;
  Result<bool> IsCancellationRequested(const std::string& job_id) override;
  Result<Lease> AcquireLock(const std::string& job_id, const std::string& holder,
                            Micros lease) override;
  Status ReleaseLock(const std::string& job_id, const std::string& holder) override;
  Result<std::vector<Job>> ClaimJobs(const ClaimRequest& request) override;
  Result<std::vector<LeaseState>> CheckLeases(const std::string& worker_id,
                                              const std::vector<HeldJob>& held,
                                              std::optional<Micros> extend) override;
  Result<std::vector<Status>> FinishJobs(const std::vector<Finish>& finishes) override;
  Result<RecoveryReport> RecoverAbandonedJobs(std::optional<Micros> stale_after,
                                              int limit) override;
  Result<int64_t> DeleteFinishedJobs(TimePoint finished_before, TimePoint cancelled_before,
                                     int limit) override;
  Result<StoreStatistics> Statistics(const StatsFilter& filter) override;
  int64_t ChangeStamp() override { return push_.ChangeStamp(); }
  void WaitForChange(int64_t since, Micros timeout) override {
    push_.WaitForChange(since, timeout);
  }
  void AddListener(StoreListener* listener) override { push_.AddListener(listener); }
  void RemoveListener(StoreListener* listener) override { push_.RemoveListener(listener); }
  bool HoldsMaintenanceLeadership() override { return push_.IsLeader(); }
  Status RecordWorker(const WorkerRecord& worker) override;
  Result<std::vector<WorkerRecord>> ListWorkers(TimePoint seen_since) override;
  Status RemoveWorker(const std::string& worker_id) override;
  Result<int64_t> DeleteStaleWorkers(TimePoint before, int limit) override;
  Status RecordLedgerEffect(const std::string& job_id, int64_t token,
                            const std::string& worker_id) override;
  Result<LedgerSummary> GetLedgerSummary() override;

  StoreMetrics& metrics() override { return metrics_; }

  DomainStore& domain() override { return *domain_; }

  DiscoveryStore& discovery() override { return *discovery_; }

  ResultStore& results() override { return *results_; }

 private:
  LatencyHistogram* latency() { return &metrics_.query_latency; }

  // Runs `fn` with a pooled connection; kUnavailable when none can be had.
  template <typename Fn>
  auto WithConnection(Fn&& fn) -> decltype(fn(std::declval<PgConnection*>())) {
    auto handle = pool_.Acquire();
    if (!handle.ok()) return handle.status();
    return fn(handle->get());
  }

  Result<PgResult> Exec(PgConnection* conn, const std::string& sql, const Params& params) {
    return conn->Exec(sql, params, latency());
  }

  // The fenced checkpoint statement on `conn` (and its transaction, if any): SaveCheckpoint's,
  // and the fence that opens each discovery batch.
  Status CheckpointOn(PgConnection* conn, const std::string& job_id, int64_t token,
                      const Json& checkpoint);

  // The job's status, token and holder, or nullopt when it does not exist (in `user_id`'s
  // scope when given). Used only to explain a write that matched no row.
  Result<std::optional<RowState>> ReadState(PgConnection* conn, const std::string& job_id,
                                            const std::optional<std::string>& user_id = {});

  // After a fenced batch write: for each (job_id, token) in `writes` that was not
  // `applied`, kNotFound where the job is gone, else kLeaseLost naming its state. One read.
  Status ExplainMissedWrites(PgConnection* conn,
                             const std::vector<std::pair<std::string, int64_t>>& writes,
                             const std::vector<bool>& applied, std::vector<Status>* results);

  const std::string url_;
  Env* const env_;
  pg::PgPool pool_;
  StoreMetrics metrics_;
  // Use pool_ and metrics_: declared after them, so destroyed before them.
  std::unique_ptr<DomainStore> domain_;
  std::unique_ptr<DiscoveryStore> discovery_;
  std::unique_ptr<ResultStore> results_;
  // Declared last: its thread stops before anything else goes.
  pg::PgPushChannel push_;
};

// The columns a job event is built from (see pg::PublishEventsCte).
constexpr const char* kEventColumns =
    "job_id, user_id, status, progress_current, progress_total, progress_percentage, "
    "progress_message";

std::string ScopeClause(const std::optional<std::string>& user_id, int param) {
  return user_id ? " AND user_id = $" + std::to_string(param) : "";
}

Result<std::optional<RowState>> PostgresJobStore::ReadState(
    PgConnection* conn, const std::string& job_id, const std::optional<std::string>& user_id) {
  Params params = {Text(job_id)};
  if (user_id) params.push_back(Text(*user_id));
  auto r = Exec(conn,
                "SELECT status, lock_token, lock_holder FROM jobs WHERE job_id = $1" +
                    ScopeClause(user_id, 2),
                params);
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<RowState>();
  return std::optional<RowState>(
      RowState{ParseJobStatus(r->GetText(0, 0)).value_or(JobStatus::kPending), r->GetInt(0, 1),
               r->GetOptText(0, 2)});
}

Status NotFound(const std::string& job_id) {
  return Status::NotFound("job " + job_id + " not found");
}

// The five progress columns of a batch write (current, total, message, percentage,
// details), each sent as one array parameter in that order.
struct ProgressColumns {
  Params current, total, message, percentage, details;

  void Add(const Progress& p) {
    current.push_back(Int(p.current));
    total.push_back(Int(p.total));
    message.push_back(Text(p.message));
    percentage.push_back(Double(p.percentage));
    details.push_back(JsonText(p.details));
  }
  void AppendTo(Params* params) const {
    for (const Params* column : {&current, &total, &message, &percentage, &details}) {
      params->push_back(pg::ArrayLiteral(*column));
    }
  }
};

Status LeaseLostFor(const std::string& job_id, int64_t token, const RowState& state) {
  return Status::LeaseLost("job " + job_id + " no longer held with token " + std::to_string(token) +
                           " (status " + JobStatusName(state.status) + ", token " +
                           std::to_string(state.lock_token) + ")");
}

// ---------------------------------------------------------------------------------------
// Rows in and out.

Status PostgresJobStore::InsertJobs(const std::vector<Job>& jobs) {
  for (const Job& job : jobs) {
    if (job.job_id.empty()) return Status::InvalidArgument("job_id is empty");
    if (job.job_type.empty()) return Status::InvalidArgument("job " + job.job_id + ": no job_type");
    if (job.status != JobStatus::kPending) {
      return Status::InvalidArgument("job " + job.job_id + ": a new job must be pending");
    }
  }
  if (jobs.empty()) return Status::Ok();
  // One statement per chunk, whatever its size: the rows travel as one array per column.
  // The notifications (wake-up and events) go out at commit, so no listener ever hears
  // of uncommitted work.
  static const std::string sql = "WITH inserted AS (INSERT INTO jobs " + pg::JobInsertColumns() +
                                 " SELECT * FROM " + pg::JobUnnestSource(1) + " RETURNING " +
                                 kEventColumns + "),\n" + pg::PublishEventsCte("inserted") +
                                 ",\n" + pg::WakeWorkersCte("inserted", "TRUE") +
                                 "\nSELECT (SELECT n FROM published), (SELECT n FROM woken)";
  auto insert = [&](PgConnection* conn, size_t begin, size_t end) -> Status {
    Params params;
    params.reserve(pg::JobColumnCount());
    if (begin == 0 && end == jobs.size()) {
      pg::AppendJobArrayParams(jobs, &params);
    } else {
      pg::AppendJobArrayParams(std::vector<Job>(jobs.begin() + begin, jobs.begin() + end),
                               &params);
    }
    return Exec(conn, sql, params).status();
  };
  return WithConnection([&](PgConnection* conn) -> Status {
    if (jobs.size() <= static_cast<size_t>(kInsertChunk)) return insert(conn, 0, jobs.size());
    return pg::InTransaction(conn, latency(), [&]() -> Status {
      for (size_t begin = 0; begin < jobs.size(); begin += kInsertChunk) {
        A11Y_RETURN_IF_ERROR(insert(conn, begin, std::min(jobs.size(), begin + kInsertChunk)));
      }
      return Status::Ok();
    });
  });
}

Result<Job> PostgresJobStore::GetJob(const std::string& job_id, const Scope& scope) {
  return WithConnection([&](PgConnection* conn) -> Result<Job> {
    Params params = {Text(job_id)};
    if (scope.user_id) params.push_back(Text(*scope.user_id));
    auto r = Exec(conn,
                  "SELECT " + pg::JobSelectList() + " FROM jobs WHERE job_id = $1" +
                      ScopeClause(scope.user_id, 2),
                  params);
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return NotFound(job_id);
    return pg::RowToJob(*r, 0);
  });
}

Result<JobPage> PostgresJobStore::ListJobs(const JobFilter& filter, const Scope& scope) {
  const int limit = std::clamp(filter.limit, 1, kMaxListLimit);
  std::string where = "TRUE";
  Params params;
  auto add = [&](const std::string& condition_prefix, pg::Param value,
                 const std::string& cast = "") {
    params.push_back(std::move(value));
    where += " AND " + condition_prefix + "$" + std::to_string(params.size()) + cast;
  };
  if (filter.job_type) add("job_type = ", Text(*filter.job_type));
  if (!filter.statuses.empty()) {
    std::vector<std::string> names;
    for (JobStatus s : filter.statuses) names.push_back(JobStatusName(s));
    params.push_back(TextArray(names));
    where += " AND status = ANY($" + std::to_string(params.size()) + "::text[])";
  }
  if (filter.user_id) add("user_id = ", Text(*filter.user_id));
  if (scope.user_id) add("user_id = ", Text(*scope.user_id));
  if (filter.website_id) add("website_id = ", Text(*filter.website_id));
  if (filter.project_id) add("project_id = ", Text(*filter.project_id));
  // jobs_parent finds a job's children; only they are sorted.
  if (filter.parent_job_id) add("parent_job_id = ", Text(*filter.parent_job_id));
  if (filter.created_from) add("created_at >= ", Time(*filter.created_from), "::timestamptz");
  if (filter.created_to) add("created_at < ", Time(*filter.created_to), "::timestamptz");
  if (filter.cursor) {
    TimePoint cursor_created;
    std::string cursor_id;
    A11Y_RETURN_IF_ERROR(pg::DecodeCursor(*filter.cursor, &cursor_created, &cursor_id));
    params.push_back(Time(cursor_created));
    params.push_back(Text(cursor_id));
    const std::string n = std::to_string(params.size());
    where += " AND (created_at, job_id) < ($" + std::to_string(params.size() - 1) +
             "::timestamptz, $" + n + "::text)";
  }
  params.push_back(Int(limit + 1));  // One extra row tells whether another page exists.
  const std::string sql = "SELECT " + pg::JobSelectList() + " FROM jobs WHERE " + where +
                          " ORDER BY created_at DESC, job_id DESC LIMIT $" +
                          std::to_string(params.size()) + "::integer";
  return WithConnection([&](PgConnection* conn) -> Result<JobPage> {
    auto r = Exec(conn, sql, params);
    if (!r.ok()) return r.status();
    JobPage page;
    const int rows = std::min(r->rows(), limit);
    page.jobs.reserve(rows);
    for (int i = 0; i < rows; ++i) page.jobs.push_back(pg::RowToJob(*r, i));
    if (r->rows() > limit) {
      const Job& last = page.jobs.back();
      page.next_cursor = pg::EncodeCursor(last.created_at, last.job_id);
    }
    return page;
  });
}

// ---------------------------------------------------------------------------------------
// Unfenced writes: the JobManager's status changes, progress and cancellation.

Result<Job> PostgresJobStore::TransitionStatus(const StatusChange& change) {
  std::vector<std::string> from;
  for (JobStatus s : change.from) from.push_back(JobStatusName(s));
  // Publishes the change; wakes workers when the job became claimable; and tells the
  // job's worker, wherever it runs, when the job is to stop.
  static const std::string sql = std::string(R"sql(
WITH changed AS (
UPDATE jobs SET
  status = $2::text,
  updated_at = $3::timestamptz,
  started_at = CASE WHEN $2::text = 'running' THEN COALESCE(started_at, $3::timestamptz)
                    ELSE started_at END,
  completed_at = CASE WHEN $2::text IN )sql") +
                          kFinalStatuses + R"sql( THEN $3::timestamptz
                      ELSE NULL END,
  error = COALESCE($4::text, error),
  result = COALESCE($5::jsonb, result),
  -- A job made final or pending by hand has no worker: its lease goes too.
  lock_holder = CASE WHEN $2::text IN ('pending', 'completed', 'failed', 'cancelled') THEN NULL
                     ELSE lock_holder END,
  lock_expiry = CASE WHEN $2::text IN ('pending', 'completed', 'failed', 'cancelled') THEN NULL
                     ELSE lock_expiry END,
  -- A move to cancelling or cancelled by hand is a cancellation request: workers and the
  -- reaper must see it as one.
  cancellation_requested = cancellation_requested OR $2::text IN ('cancelling', 'cancelled'),
  cancellation_requested_at = CASE WHEN $2::text IN ('cancelling', 'cancelled')
                                   THEN COALESCE(cancellation_requested_at, $3::timestamptz)
                                   ELSE cancellation_requested_at END
WHERE job_id = $1 AND status = ANY($6::text[])
RETURNING *),
)sql" + pg::PublishEventsCte("changed") + ",\n" +
                                 pg::WakeWorkersCte("changed", "status = 'pending'") + ",\n" +
                                 pg::PublishCancelCte("changed",
                                                      "status IN ('cancelling', 'cancelled')") +
                                 "\nSELECT " + pg::JobSelectList() +
                                 ", (SELECT n FROM published), (SELECT n FROM woken), "
                                 "(SELECT n FROM cancel_sent) FROM changed";
  return WithConnection([&](PgConnection* conn) -> Result<Job> {
    auto r = Exec(conn, sql,
                  {Text(change.job_id), Text(JobStatusName(change.to)), Time(env_->Now()),
                   OptText(change.error), change.result ? JsonText(*change.result) : pg::Param(),
                   from.empty() ? pg::Param("{}") : TextArray(from)});
    if (!r.ok()) return r.status();
    if (r->rows() == 1) return pg::RowToJob(*r, 0);
    auto state = ReadState(conn, change.job_id);
    if (!state.ok()) return state.status();
    if (!*state) return NotFound(change.job_id);
    return Status::FailedPrecondition("job " + change.job_id + " is " +
                                      JobStatusName((*state)->status) + "; cannot move it to " +
                                      JobStatusName(change.to));
  });
}

Status PostgresJobStore::UpdateProgress(const std::string& job_id, const Progress& progress,
                                        std::optional<int64_t> fence) {
  std::string sql = R"sql(
WITH changed AS (
UPDATE jobs SET
  progress_current = $2::bigint,
  progress_total = $3::bigint,
  progress_message = $4::text,
  progress_percentage = $5::float8,
  progress_details = $6::jsonb,
  updated_at = $7::timestamptz
WHERE job_id = $1 AND status IN ('pending', 'running', 'cancelling'))sql";
  Params params = {Text(job_id),           Int(progress.current),       Int(progress.total),
                   Text(progress.message), Double(progress.percentage), JsonText(progress.details),
                   Time(env_->Now())};
  if (fence) {
    sql += std::string(" AND lock_token = $8::bigint AND status IN ") + kActiveStatuses;
    params.push_back(Int(*fence));
  }
  sql += std::string("\nRETURNING ") + kEventColumns + "),\n" + pg::PublishEventsCte("changed") +
         "\nSELECT (SELECT n FROM published) FROM changed";
  return WithConnection([&](PgConnection* conn) -> Status {
    auto r = Exec(conn, sql, params);
    if (!r.ok()) return r.status();
    if (r->rows() == 1) return Status::Ok();
    auto state = ReadState(conn, job_id);
    if (!state.ok()) return state.status();
    if (!*state) return NotFound(job_id);
    if (fence) return LeaseLostFor(job_id, *fence, **state);
    return Status::FailedPrecondition("job " + job_id + " is " + JobStatusName((*state)->status) +
                                      "; its progress is final");
  });
}

Result<std::vector<Status>> PostgresJobStore::UpdateProgressBatch(
    const std::vector<ProgressWrite>& writes) {
  std::vector<Status> results(writes.size());
  if (writes.empty()) return results;
  // ONE statement for the whole flush: each write is a row of `w`, applied where the job
  // still carries its token and is active; every change is published as an event.
  static const std::string sql = std::string(R"sql(
WITH w AS (
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[],
                       $6::float8[], $7::jsonb[])
    AS w(job_id, token, p_current, p_total, p_message, p_percentage, p_details)),
changed AS (
UPDATE jobs j SET
  progress_current = w.p_current,
  progress_total = w.p_total,
  progress_message = w.p_message,
  progress_percentage = w.p_percentage,
  progress_details = w.p_details,
  updated_at = $8::timestamptz
FROM w
WHERE j.job_id = ANY($1::text[]) AND j.job_id = w.job_id AND j.lock_token = w.token
  AND j.status IN )sql") + kActiveStatuses +
                                 R"sql(
RETURNING j.job_id, j.lock_token, j.user_id, j.status, j.progress_current, j.progress_total,
          j.progress_percentage, j.progress_message),
)sql" + pg::PublishEventsCte("changed") +
                                 R"sql(
SELECT job_id, lock_token, (SELECT n FROM published) FROM changed)sql";
  std::vector<std::string> ids;
  std::vector<int64_t> tokens;
  ProgressColumns progress;
  std::vector<std::pair<std::string, int64_t>> keys;
  for (const ProgressWrite& w : writes) {
    ids.push_back(w.job_id);
    tokens.push_back(w.token);
    progress.Add(w.progress);
    keys.emplace_back(w.job_id, w.token);
  }
  Params params = {TextArray(ids), pg::IntArray(tokens)};
  progress.AppendTo(&params);
  params.push_back(Time(env_->Now()));
  return WithConnection([&](PgConnection* conn) -> Result<std::vector<Status>> {
    auto r = Exec(conn, sql, params);
    if (!r.ok()) return r.status();
    std::set<std::pair<std::string, int64_t>> changed;
    for (int row = 0; row < r->rows(); ++row)
      changed.emplace(r->GetText(row, 0), r->GetInt(row, 1));
    std::vector<bool> applied(writes.size());
    for (size_t i = 0; i < writes.size(); ++i) applied[i] = changed.count(keys[i]) > 0;
    A11Y_RETURN_IF_ERROR(ExplainMissedWrites(conn, keys, applied, &results));
    return results;
  });
}

Status PostgresJobStore::ExplainMissedWrites(
    PgConnection* conn, const std::vector<std::pair<std::string, int64_t>>& writes,
    const std::vector<bool>& applied, std::vector<Status>* results) {
  // The decision was the UPDATE; one read names the reason for every miss.
  std::vector<std::string> missed;
  for (size_t i = 0; i < writes.size(); ++i) {
    if (!applied[i]) missed.push_back(writes[i].first);
  }
  if (missed.empty()) return Status::Ok();
  auto read = Exec(conn,
                   "SELECT job_id, status, lock_token, lock_holder FROM jobs "
                   "WHERE job_id = ANY($1::text[])",
                   {TextArray(missed)});
  if (!read.ok()) return read.status();
  std::map<std::string, RowState> states;
  for (int row = 0; row < read->rows(); ++row) {
    states.emplace(read->GetText(row, 0),
                   RowState{ParseJobStatus(read->GetText(row, 1)).value_or(JobStatus::kPending),
                            read->GetInt(row, 2), read->GetOptText(row, 3)});
  }
  for (size_t i = 0; i < writes.size(); ++i) {
    if (applied[i]) continue;
    const auto& [job_id, token] = writes[i];
    auto state = states.find(job_id);
    (*results)[i] =
        state == states.end() ? NotFound(job_id) : LeaseLostFor(job_id, token, state->second);
  }
  return Status::Ok();
}

Status PostgresJobStore::SaveCheckpoint(const std::string& job_id, int64_t token,
                                        const Json& checkpoint) {
  return WithConnection([&](PgConnection* conn) -> Status {
    return CheckpointOn(conn, job_id, token, checkpoint);
  });
}

Status PostgresJobStore::CheckpointOn(PgConnection* conn, const std::string& job_id,
                                      int64_t token, const Json& checkpoint) {
  static const std::string sql = std::string(R"sql(
UPDATE jobs SET checkpoint = $3::jsonb, updated_at = $4::timestamptz
WHERE job_id = $1 AND lock_token = $2::bigint AND status IN )sql") +
                                 kActiveStatuses;
  auto r = Exec(conn, sql, {Text(job_id), Int(token), JsonText(checkpoint), Time(env_->Now())});
  if (!r.ok()) return r.status();
  if (r->AffectedRows() == 1) return Status::Ok();
  auto state = ReadState(conn, job_id);
  if (!state.ok()) return state.status();
  if (!*state) return NotFound(job_id);
  return LeaseLostFor(job_id, token, **state);
}

Result<CancelResult> PostgresJobStore::RequestCancellation(const std::string& job_id,
                                                           const std::string& requested_by,
                                                           const Scope& scope) {
  // The cancel notification reaches the job's worker wherever it runs; it is sent at commit
  // of this very statement.
  const std::string sql = R"sql(
WITH changed AS (
UPDATE jobs SET
  status = CASE WHEN status = 'pending' THEN 'cancelled' ELSE 'cancelling' END,
  completed_at = CASE WHEN status = 'pending' THEN $2::timestamptz ELSE completed_at END,
  cancellation_requested = TRUE,
  cancellation_requested_at = $2::timestamptz,
  cancellation_requested_by = $3::text,
  updated_at = $2::timestamptz
WHERE job_id = $1 AND status IN ('pending', 'running'))sql" +
                          ScopeClause(scope.user_id, 4) + "\nRETURNING " + kEventColumns +
                          "),\n" + pg::PublishEventsCte("changed") + ",\n" +
                          pg::PublishCancelCte("changed", "status = 'cancelling'") +
                          "\nSELECT status, (SELECT n FROM published), (SELECT n FROM "
                          "cancel_sent) FROM changed";
  Params params = {Text(job_id), Time(env_->Now()), Text(requested_by)};
  if (scope.user_id) params.push_back(Text(*scope.user_id));
  return WithConnection([&](PgConnection* conn) -> Result<CancelResult> {
    for (int attempt = 0;; ++attempt) {
      auto r = Exec(conn, sql, params);
      if (!r.ok()) return r.status();
      if (r->rows() == 1) {
        const JobStatus now = ParseJobStatus(r->GetText(0, 0)).value_or(JobStatus::kCancelling);
        return CancelResult{
            now == JobStatus::kCancelled ? CancelOutcome::kCancelled : CancelOutcome::kCancelling,
            now};
      }
      // The decision was the UPDATE above; this read only names the reason it declined.
      auto state = ReadState(conn, job_id, scope.user_id);
      if (!state.ok()) return state.status();
      if (!*state) return CancelResult{CancelOutcome::kNotFound, JobStatus::kPending};
      const JobStatus status = (*state)->status;
      if (status == JobStatus::kCancelling) return CancelResult{CancelOutcome::kCancelling, status};
      if (IsTerminal(status)) return CancelResult{CancelOutcome::kAlreadyFinished, status};
      // Pending or running again: a writer moved it back between our write and our read
      // (an administrator's TransitionStatus). Decide again on the new state.
      if (attempt == 2) {
        return Status::Unavailable("job " + job_id + " kept changing during cancellation");
      }
    }
  });
}

Result<bool> PostgresJobStore::IsCancellationRequested(const std::string& job_id) {
  return WithConnection([&](PgConnection* conn) -> Result<bool> {
    auto r = Exec(conn,
                  "SELECT cancellation_requested FROM jobs "
                  "WHERE job_id = $1",
                  {Text(job_id)});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return NotFound(job_id);
    return r->GetBool(0, 0);
  });
}

// ---------------------------------------------------------------------------------------
// Leases.

Result<Lease> PostgresJobStore::AcquireLock(const std::string& job_id, const std::string& holder,
                                            Micros lease) {
  const TimePoint now = env_->Now();
  const TimePoint expiry = now + lease;
  const std::string sql = std::string(R"sql(
UPDATE jobs SET
  lock_holder = $2::text,
  lock_acquired_at = $3::timestamptz,
  lock_expiry = $4::timestamptz,
  lock_token = lock_token + 1,
  heartbeat_at = $3::timestamptz,
  updated_at = $3::timestamptz
WHERE job_id = $1 AND status NOT IN )sql") +
                          kFinalStatuses + R"sql(
  AND (lock_holder IS NULL OR lock_expiry IS NULL OR lock_expiry < $3::timestamptz
       OR lock_holder = $2::text)
RETURNING lock_token)sql";
  return WithConnection([&](PgConnection* conn) -> Result<Lease> {
    auto r = Exec(conn, sql, {Text(job_id), Text(holder), Time(now), Time(expiry)});
    if (!r.ok()) return r.status();
    if (r->rows() == 1) return Lease{holder, r->GetInt(0, 0), expiry};
    auto state = ReadState(conn, job_id);
    if (!state.ok()) return state.status();
    if (!*state) return NotFound(job_id);
    if (IsTerminal((*state)->status)) {
      return Status::FailedPrecondition("job " + job_id + " is " + JobStatusName((*state)->status));
    }
    metrics_.lock_contention.fetch_add(1, std::memory_order_relaxed);
    return Status::FailedPrecondition("job " + job_id + " is locked by " +
                                      (*state)->lock_holder.value_or("another holder"));
  });
}

Status PostgresJobStore::ReleaseLock(const std::string& job_id, const std::string& holder) {
  return WithConnection([&](PgConnection* conn) -> Status {
    auto r = Exec(conn,
                  "UPDATE jobs SET lock_holder = NULL, lock_expiry = NULL, "
                  "updated_at = $3::timestamptz WHERE job_id = $1 AND lock_holder = $2::text",
                  {Text(job_id), Text(holder), Time(env_->Now())});
    if (!r.ok()) return r.status();
    if (r->AffectedRows() == 1) return Status::Ok();
    auto state = ReadState(conn, job_id);
    if (!state.ok()) return state.status();
    if (!*state) return NotFound(job_id);
    return Status::FailedPrecondition("job " + job_id + " is not locked by " + holder);
  });
}

Result<std::vector<Job>> PostgresJobStore::ClaimJobs(const ClaimRequest& request) {
  if (request.limit <= 0) return std::vector<Job>();
  metrics_.claim_attempts.fetch_add(1, std::memory_order_relaxed);
  const TimePoint now = env_->Now();
  Params params = {Text(request.worker_id), Time(now), Time(now + request.lease),
                   Int(std::min(request.limit, kMaxListLimit))};
  std::string filters;
  if (!request.queues.empty()) {
    params.push_back(TextArray(request.queues));
    filters += " AND queue = ANY($" + std::to_string(params.size()) + "::text[])";
  }
  if (!request.job_types.empty()) {
    params.push_back(TextArray(request.job_types));
    filters += " AND job_type = ANY($" + std::to_string(params.size()) + "::text[])";
  }
  // The CTE walks the jobs_claim partial index; SKIP LOCKED lets concurrent claimers pass
  // each other instead of queueing on the same rows. It is a CTE rather than
  // "job_id IN (subquery)" because the planner may rescan such a subquery once per
  // outer row (a nested-loop semi join), and each rescan skips the rows this statement
  // already took, claiming more than LIMIT. A pending job locked through AcquireLock
  // (the JobManager's own path) is not claimable until that lock expires.
  const std::string sql = R"sql(
WITH picked AS MATERIALIZED (
  SELECT job_id AS picked_id FROM jobs
  WHERE status = 'pending' AND run_after <= $2::timestamptz
    AND (lock_holder IS NULL OR lock_expiry IS NULL OR lock_expiry < $2::timestamptz))sql" +
                          filters + R"sql(
  ORDER BY priority DESC, run_after, created_at, job_id
  LIMIT $4::integer
  FOR UPDATE SKIP LOCKED),
claimed AS (
UPDATE jobs SET
  status = 'running',
  lock_holder = $1::text,
  lock_acquired_at = $2::timestamptz,
  lock_expiry = $3::timestamptz,
  lock_token = lock_token + 1,
  attempt = attempt + 1,
  started_at = COALESCE(started_at, $2::timestamptz),
  heartbeat_at = $2::timestamptz,
  updated_at = $2::timestamptz
FROM picked
WHERE jobs.job_id = picked.picked_id AND jobs.status = 'pending'
RETURNING jobs.*),
)sql" + pg::PublishEventsCte("claimed") +
                          "\nSELECT " + pg::JobSelectList() +
                          ", (SELECT n FROM published) FROM claimed";
  return WithConnection([&](PgConnection* conn) -> Result<std::vector<Job>> {
    // Sorting is switched off for the claim, so that it always walks jobs_claim in order and
    // stops after LIMIT rows. Otherwise, whenever the statistics predate a burst of new jobs,
    // the planner expects about one pending row, finds a sort free, and reads and sorts the
    // whole backlog instead (through jobs_type_status_created or a bitmap): every claim of a
    // fresh 20,000-job queue in job_bench did that. Two more round trips are cheap beside it.
    Result<PgResult> r = Status::Internal("claim not run");
    Status done = pg::InTransaction(
        conn, latency(),
        [&]() -> Status {
          r = Exec(conn, sql, params);
          return r.status();
        },
        "BEGIN; SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off");
    if (!done.ok()) return done;
    std::vector<Job> jobs;
    jobs.reserve(r->rows());
    for (int i = 0; i < r->rows(); ++i) jobs.push_back(pg::RowToJob(*r, i));
    // RETURNING has no order; hand jobs out in claim order.
    std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) {
      if (a.priority != b.priority) return a.priority > b.priority;
      if (a.run_after != b.run_after) return a.run_after < b.run_after;
      if (a.created_at != b.created_at) return a.created_at < b.created_at;
      return a.job_id < b.job_id;
    });
    return jobs;
  });
}

Result<std::vector<LeaseState>> PostgresJobStore::CheckLeases(const std::string& worker_id,
                                                              const std::vector<HeldJob>& held,
                                                              std::optional<Micros> extend) {
  std::vector<LeaseState> states(held.size());
  for (size_t i = 0; i < held.size(); ++i) states[i].job_id = held[i].job_id;
  if (held.empty()) return states;
  // Sorted by job_id, so that concurrent multi-row writes lock rows in one order.
  std::vector<size_t> order(held.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return held[a].job_id < held[b].job_id; });
  std::vector<std::string> ids;
  std::vector<int64_t> tokens;
  for (size_t i : order) {
    ids.push_back(held[i].job_id);
    tokens.push_back(held[i].token);
  }
  const TimePoint now = env_->Now();
  std::string sql;
  Params params;
  if (extend) {
    // Only leases this worker still holds with the same token are extended.
    sql = std::string(R"sql(
UPDATE jobs SET lock_expiry = $4::timestamptz, heartbeat_at = $3::timestamptz
FROM unnest($1::text[], $2::bigint[]) AS held(job_id, token)
WHERE jobs.job_id = held.job_id AND jobs.lock_token = held.token
  AND jobs.lock_holder = $5::text AND jobs.status IN )sql") +
          kActiveStatuses + R"sql(
RETURNING jobs.job_id, jobs.lock_token,
          jobs.cancellation_requested)sql";
    params = {TextArray(ids), pg::IntArray(tokens), Time(now), Time(now + *extend),
              Text(worker_id)};
  } else {
    sql = std::string(R"sql(
SELECT job_id, lock_token, cancellation_requested FROM jobs
WHERE job_id = ANY($1::text[]) AND lock_holder = $2::text AND status IN )sql") +
          kActiveStatuses;
    params = {TextArray(ids), Text(worker_id)};
  }
  return WithConnection([&](PgConnection* conn) -> Result<std::vector<LeaseState>> {
    auto r = Exec(conn, sql, params);
    if (!r.ok()) return r.status();
    for (int row = 0; row < r->rows(); ++row) {
      const std::string id = r->GetText(row, 0);
      const int64_t token = r->GetInt(row, 1);
      const bool cancel = r->GetBool(row, 2);
      for (size_t i = 0; i < held.size(); ++i) {
        if (held[i].job_id == id && held[i].token == token) {
          states[i].held = true;
          states[i].cancellation_requested = cancel;
        }
      }
    }
    return states;
  });
}

Result<std::vector<Status>> PostgresJobStore::FinishJobs(const std::vector<Finish>& finishes) {
  std::vector<Status> results(finishes.size());
  if (finishes.empty()) return results;
  // ONE statement for the whole batch: each finish is a row of `f`, applied where the job
  // still carries its token and is active. A running job ends in f.if_running, a
  // cancelling one in f.if_cancelling. Jobs made pending again wake the workers; every
  // change is published as an event.
  static const std::string sql = std::string(R"sql(
WITH f AS (
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[],
                       $6::jsonb[], $7::timestamptz[], $8::integer[], $9::boolean[],
                       $10::bigint[], $11::bigint[], $12::text[], $13::float8[], $14::jsonb[])
    AS f(job_id, token, if_running, if_cancelling, error, result, run_after, attempt_delta,
         has_progress, p_current, p_total, p_message, p_percentage, p_details)),
finished AS (
UPDATE jobs j SET
  status = CASE WHEN j.status = 'cancelling' THEN f.if_cancelling ELSE f.if_running END,
  completed_at = CASE WHEN (CASE WHEN j.status = 'cancelling' THEN f.if_cancelling
                                 ELSE f.if_running END) IN )sql") +
                                 kFinalStatuses + R"sql( THEN $15::timestamptz
                      ELSE j.completed_at END,
  run_after = CASE WHEN j.status = 'running' AND f.run_after IS NOT NULL
                   THEN f.run_after ELSE j.run_after END,
  attempt = CASE WHEN j.status = 'running' THEN GREATEST(j.attempt + f.attempt_delta, 0)
                 ELSE j.attempt END,
  error = COALESCE(f.error, j.error),
  result = COALESCE(f.result, j.result),
  lock_holder = NULL,
  lock_expiry = NULL,
  updated_at = $15::timestamptz,
  progress_current = CASE WHEN f.has_progress THEN f.p_current ELSE j.progress_current END,
  progress_total = CASE WHEN f.has_progress THEN f.p_total ELSE j.progress_total END,
  progress_message = CASE WHEN f.has_progress THEN f.p_message ELSE j.progress_message END,
  progress_percentage = CASE WHEN f.has_progress THEN f.p_percentage
                             ELSE j.progress_percentage END,
  progress_details = CASE WHEN f.has_progress THEN f.p_details ELSE j.progress_details END
FROM f
WHERE j.job_id = ANY($1::text[]) AND j.job_id = f.job_id AND j.lock_token = f.token
  AND j.status IN )sql" +
                                 kActiveStatuses + R"sql(
RETURNING j.job_id, j.lock_token, j.user_id, j.status, j.progress_current, j.progress_total,
          j.progress_percentage, j.progress_message),
)sql" + pg::PublishEventsCte("finished") + ",\n" +
                                 pg::WakeWorkersCte("finished", "status = 'pending'") +
                                 R"sql(
SELECT job_id, lock_token, (SELECT n FROM published), (SELECT n FROM woken) FROM finished)sql";

  // Rows go in job_id order, so that concurrent multi-row writes lock rows in one order.
  // "job_id = ANY($1)" lets the planner size the batch and read the rows through the
  // primary key in that order (or hash them and keep the batch's order), never a scan of
  // the table in heap order.
  // A repeated (job_id, token) goes in once: after the first applies, the job is no longer
  // active, so the repeat is explained below as a lost lease, as if applied in turn.
  std::vector<size_t> order(finishes.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (finishes[a].job_id != finishes[b].job_id) return finishes[a].job_id < finishes[b].job_id;
    return finishes[a].token < finishes[b].token;
  });
  const TimePoint now = env_->Now();
  const Progress empty;
  std::map<std::pair<std::string, int64_t>, size_t> sent;  // (job_id, token) -> index.
  std::vector<std::string> ids;
  std::vector<int64_t> tokens;
  Params if_running, if_cancelling, errors, result_values, run_afters, attempt_deltas,
      has_progress;
  ProgressColumns progress;
  for (size_t i : order) {
    const Finish& f = finishes[i];
    if (!sent.emplace(std::make_pair(f.job_id, f.token), i).second) continue;
    const char* running_to = "completed";
    const char* cancelling_to = "completed";
    pg::Param run_after;
    int attempt_delta = 0;
    switch (f.kind) {
      case Finish::Kind::kCompleted: break;
      case Finish::Kind::kFailed: running_to = cancelling_to = "failed"; break;
      case Finish::Kind::kCancelled: running_to = cancelling_to = "cancelled"; break;
      case Finish::Kind::kRetry:
        running_to = "pending";
        cancelling_to = "cancelled";
        run_after = Time(f.run_after);
        break;
      case Finish::Kind::kRelease:
        running_to = "pending";
        cancelling_to = "cancelled";
        run_after = Time(std::max(now, f.run_after));
        attempt_delta = -1;
        break;
    }
    const Progress& p = f.progress ? *f.progress : empty;
    ids.push_back(f.job_id);
    tokens.push_back(f.token);
    if_running.push_back(Text(running_to));
    if_cancelling.push_back(Text(cancelling_to));
    errors.push_back(OptText(f.error));
    result_values.push_back(f.result ? JsonText(*f.result) : pg::Param());
    run_afters.push_back(run_after);
    attempt_deltas.push_back(Int(attempt_delta));
    has_progress.push_back(Bool(f.progress.has_value()));
    progress.Add(p);
  }
  Params params = {TextArray(ids),
                   pg::IntArray(tokens),
                   pg::ArrayLiteral(if_running),
                   pg::ArrayLiteral(if_cancelling),
                   pg::ArrayLiteral(errors),
                   pg::ArrayLiteral(result_values),
                   pg::ArrayLiteral(run_afters),
                   pg::ArrayLiteral(attempt_deltas),
                   pg::ArrayLiteral(has_progress)};
  progress.AppendTo(&params);  // $10-$14.
  params.push_back(Time(now));
  return WithConnection([&](PgConnection* conn) -> Result<std::vector<Status>> {
    auto r = Exec(conn, sql, params);
    if (!r.ok()) return r.status();
    std::vector<bool> applied(finishes.size(), false);
    for (int row = 0; row < r->rows(); ++row) {
      auto it = sent.find({r->GetText(row, 0), r->GetInt(row, 1)});
      if (it != sent.end()) applied[it->second] = true;
    }
    std::vector<std::pair<std::string, int64_t>> keys;
    for (const Finish& f : finishes) keys.emplace_back(f.job_id, f.token);
    A11Y_RETURN_IF_ERROR(ExplainMissedWrites(conn, keys, applied, &results));
    return results;
  });
}

Result<RecoveryReport> PostgresJobStore::RecoverAbandonedJobs(std::optional<Micros> stale_after,
                                                              int limit) {
  if (limit <= 0) return RecoveryReport{};
  const TimePoint now = env_->Now();
  Params params = {Time(now), Int(limit)};
  std::string abandoned = "lock_expiry < $1::timestamptz";
  if (stale_after) {
    // A job moved to running without a lease still counts from its last sign of life.
    params.push_back(Time(now - *stale_after));
    abandoned = "(" + abandoned +
                " OR COALESCE(heartbeat_at, lock_acquired_at, started_at, updated_at) < "
                "$3::timestamptz)";
  }
  const std::string sql = std::string(R"sql(
WITH decided AS MATERIALIZED (
  SELECT job_id,
         CASE WHEN cancellation_requested OR status = 'cancelling' THEN 'cancelled'
              WHEN attempt >= max_attempts THEN 'failed'
              ELSE 'pending' END AS next_status
  FROM jobs
  WHERE status IN )sql") + kActiveStatuses +
                          " AND " + abandoned + R"sql(
  ORDER BY lock_expiry NULLS LAST
  LIMIT $2::integer
  FOR UPDATE SKIP LOCKED),
recovered AS (
UPDATE jobs SET
  status = decided.next_status,
  completed_at = CASE WHEN decided.next_status = 'pending' THEN completed_at
                      ELSE $1::timestamptz END,
  error = 'lease expired: worker ' || COALESCE(lock_holder, '?') ||
          ' stopped responding during attempt ' || attempt ||
          CASE WHEN decided.next_status = 'failed' THEN ' (attempts spent)' ELSE '' END,
  run_after = CASE WHEN decided.next_status = 'pending' THEN $1::timestamptz
                   ELSE run_after END,
  lock_holder = NULL,
  lock_expiry = NULL,
  updated_at = $1::timestamptz
FROM decided
WHERE jobs.job_id = decided.job_id AND jobs.status IN ('running', 'cancelling')
RETURNING jobs.job_id, jobs.user_id, jobs.status, jobs.progress_current, jobs.progress_total,
          jobs.progress_percentage, jobs.progress_message),
)sql" + pg::PublishEventsCte("recovered") + ",\n" +
                          pg::WakeWorkersCte("recovered", "status = 'pending'") +
                          "\nSELECT status, (SELECT n FROM published), (SELECT n FROM woken) "
                          "FROM recovered";
  return WithConnection([&](PgConnection* conn) -> Result<RecoveryReport> {
    auto r = Exec(conn, sql, params);
    if (!r.ok()) return r.status();
    RecoveryReport report;
    for (int i = 0; i < r->rows(); ++i) {
      const std::string status = r->GetText(i, 0);
      if (status == "pending")
        ++report.requeued;
      else if (status == "failed")
        ++report.failed;
      else
        ++report.cancelled;
    }
    return report;
  });
}

Result<int64_t> PostgresJobStore::DeleteFinishedJobs(TimePoint finished_before,
                                                     TimePoint cancelled_before, int limit) {
  if (limit <= 0) return int64_t{0};
  const std::string sql = R"sql(
WITH doomed AS MATERIALIZED (
  SELECT job_id FROM jobs
  WHERE (status IN ('completed', 'failed') AND completed_at < $1::timestamptz)
     OR (status = 'cancelled' AND completed_at < $2::timestamptz)
  ORDER BY completed_at
  LIMIT $3::integer
  FOR UPDATE SKIP LOCKED)
DELETE FROM jobs USING doomed WHERE jobs.job_id = doomed.job_id)sql";
  return WithConnection([&](PgConnection* conn) -> Result<int64_t> {
    auto r = Exec(conn, sql, {Time(finished_before), Time(cancelled_before), Int(limit)});
    if (!r.ok()) return r.status();
    return r->AffectedRows();
  });
}

Result<StoreStatistics> PostgresJobStore::Statistics(const StatsFilter& filter) {
  std::string where = "TRUE";
  Params params;
  if (filter.user_id) {
    params.push_back(Text(*filter.user_id));
    where += " AND user_id = $" + std::to_string(params.size());
  }
  if (filter.website_id) {
    params.push_back(Text(*filter.website_id));
    where += " AND website_id = $" + std::to_string(params.size());
  }
  if (filter.created_since) {
    params.push_back(Time(*filter.created_since));
    where += " AND created_at >= $" + std::to_string(params.size()) + "::timestamptz";
  }
  // One pass, one snapshot: every figure comes from the same rows.
  const std::string sql = R"sql(
SELECT job_type, status, count(*),
       count(*) FILTER (WHERE cancellation_requested),
       count(*) FILTER (WHERE status = 'completed' AND started_at IS NOT NULL
                        AND completed_at IS NOT NULL),
       COALESCE(sum(EXTRACT(EPOCH FROM completed_at - started_at))
                FILTER (WHERE status = 'completed' AND started_at IS NOT NULL
                        AND completed_at IS NOT NULL), 0)::float8,
       avg(EXTRACT(EPOCH FROM completed_at - cancellation_requested_at))
           FILTER (WHERE status = 'cancelled' AND cancellation_requested_at IS NOT NULL)::float8
FROM jobs WHERE )sql" + where +
                          " GROUP BY job_type, status";
  return WithConnection([&](PgConnection* conn) -> Result<StoreStatistics> {
    auto r = Exec(conn, sql, params);
    if (!r.ok()) return r.status();
    StoreStatistics stats;
    std::map<std::string, std::pair<int64_t, double>> durations;  // type -> (n, sum).
    for (int i = 0; i < r->rows(); ++i) {
      const std::string type = r->GetText(i, 0);
      const std::string status = r->GetText(i, 1);
      stats.counts[type][status] = r->GetInt(i, 2);
      const int64_t requests = r->GetInt(i, 3);
      stats.cancellation_requests += requests;
      if (status == "cancelled") stats.cancellation_requests_cancelled += requests;
      if (status == "cancelled" && !r->IsNull(i, 6)) {
        stats.average_cancellation_seconds[type] = r->GetDouble(i, 6);
      }
      if (const int64_t n = r->GetInt(i, 4); n > 0) {
        durations[type].first += n;
        durations[type].second += r->GetDouble(i, 5);
      }
    }
    for (const auto& [type, d] : durations) {
      stats.average_duration_seconds[type] = d.second / static_cast<double>(d.first);
    }
    return stats;
  });
}

// ---------------------------------------------------------------------------------------
// The worker registry.

Status PostgresJobStore::RecordWorker(const WorkerRecord& worker) {
  if (worker.worker_id.empty()) return Status::InvalidArgument("worker_id: must not be empty");
  const std::string sql = R"sql(
INSERT INTO workers (worker_id, host, pid, started_at, last_heartbeat_at, concurrency,
                     running_jobs)
VALUES ($1::text, $2::text, $3::bigint, $4::timestamptz, $5::timestamptz, $6::integer,
        $7::integer)
ON CONFLICT (worker_id) DO UPDATE SET
  host = excluded.host,
  pid = excluded.pid,
  started_at = excluded.started_at,
  last_heartbeat_at = excluded.last_heartbeat_at,
  concurrency = excluded.concurrency,
  running_jobs = excluded.running_jobs)sql";
  return WithConnection([&](PgConnection* conn) -> Status {
    auto r =
        Exec(conn, sql,
             {Text(worker.worker_id), Text(worker.host), Int(worker.pid), Time(worker.started_at),
              Time(worker.last_heartbeat_at), Int(worker.concurrency), Int(worker.running_jobs)});
    return r.status();
  });
}

Result<std::vector<WorkerRecord>> PostgresJobStore::ListWorkers(TimePoint seen_since) {
  const std::string sql = "SELECT worker_id, host, pid, " + pg::UnixMicros("started_at") + ", " +
                          pg::UnixMicros("last_heartbeat_at") +
                          ", concurrency, running_jobs FROM workers "
                          "WHERE last_heartbeat_at >= $1::timestamptz "
                          "ORDER BY started_at, worker_id";
  return WithConnection([&](PgConnection* conn) -> Result<std::vector<WorkerRecord>> {
    auto r = Exec(conn, sql, {Time(seen_since)});
    if (!r.ok()) return r.status();
    std::vector<WorkerRecord> workers;
    workers.reserve(r->rows());
    for (int i = 0; i < r->rows(); ++i) {
      WorkerRecord w;
      w.worker_id = r->GetText(i, 0);
      w.host = r->GetText(i, 1);
      w.pid = r->GetInt(i, 2);
      w.started_at = r->GetTime(i, 3);
      w.last_heartbeat_at = r->GetTime(i, 4);
      w.concurrency = static_cast<int>(r->GetInt(i, 5));
      w.running_jobs = static_cast<int>(r->GetInt(i, 6));
      workers.push_back(std::move(w));
    }
    return workers;
  });
}

Status PostgresJobStore::RemoveWorker(const std::string& worker_id) {
  return WithConnection([&](PgConnection* conn) -> Status {
    auto r = Exec(conn, "DELETE FROM workers WHERE worker_id = $1", {Text(worker_id)});
    if (!r.ok()) return r.status();
    if (r->AffectedRows() == 1) return Status::Ok();
    return Status::NotFound("worker " + worker_id + " not found");
  });
}

Result<int64_t> PostgresJobStore::DeleteStaleWorkers(TimePoint before, int limit) {
  if (limit <= 0) return int64_t{0};
  const std::string sql = R"sql(
WITH doomed AS MATERIALIZED (
  SELECT worker_id FROM workers
  WHERE last_heartbeat_at < $1::timestamptz
  ORDER BY last_heartbeat_at
  LIMIT $2::integer
  FOR UPDATE SKIP LOCKED)
DELETE FROM workers USING doomed WHERE workers.worker_id = doomed.worker_id)sql";
  return WithConnection([&](PgConnection* conn) -> Result<int64_t> {
    auto r = Exec(conn, sql, {Time(before), Int(limit)});
    if (!r.ok()) return r.status();
    return r->AffectedRows();
  });
}

// ---------------------------------------------------------------------------------------
// The exactly-once ledger.

Status PostgresJobStore::RecordLedgerEffect(const std::string& job_id, int64_t token,
                                            const std::string& worker_id) {
  // FOR SHARE waits for (and then re-reads) a concurrent change of the job's token.
  const std::string sql = R"sql(
INSERT INTO job_ledger (job_id, lock_token, worker_id, recorded_at)
SELECT $1::text, $2::bigint, $3::text, $4::timestamptz
WHERE EXISTS (SELECT 1 FROM jobs WHERE job_id = $1::text AND lock_token = $2::bigint FOR SHARE))sql";
  return WithConnection([&](PgConnection* conn) -> Status {
    auto r = Exec(conn, sql, {Text(job_id), Int(token), Text(worker_id), Time(env_->Now())});
    if (!r.ok()) {
      if (r.status().code() == Status::Code::kAlreadyExists) {
        return Status::AlreadyExists("job " + job_id + " already has a ledger effect");
      }
      return r.status();
    }
    if (r->AffectedRows() == 1) return Status::Ok();
    return Status::LeaseLost("job " + job_id + " does not carry token " + std::to_string(token));
  });
}

Result<LedgerSummary> PostgresJobStore::GetLedgerSummary() {
  return WithConnection([&](PgConnection* conn) -> Result<LedgerSummary> {
    auto r = Exec(conn, "SELECT count(*), count(DISTINCT job_id) FROM job_ledger", {});
    if (!r.ok()) return r.status();
    return LedgerSummary{r->GetInt(0, 0), r->GetInt(0, 1)};
  });
}

}  // namespace

Result<std::unique_ptr<JobStore>> OpenPostgresJobStore(const std::string& url, Env* env) {
  if (env == nullptr) env = Env::Default();
  // Connect once up front: a bad URL or an unreachable server is reported here, at open.
  auto probe = pg::PgConnection::Connect(url);
  if (!probe.ok()) return probe.status();
  return std::unique_ptr<JobStore>(new PostgresJobStore(url, env));
}

}  // namespace a11y
