#include "store/sqlite/sqlite_job_store.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "store/discovery_store.h"
#include "store/domain_store.h"
#include "store/result_store.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_discovery_store.h"
#include "store/sqlite/sqlite_domain_store.h"
#include "store/sqlite/sqlite_migrations.h"
#include "store/sqlite/sqlite_result_store.h"

namespace a11y {
namespace {

using sqlite::Connection;
using sqlite::ConnectionPool;
using sqlite::Statement;
using sqlite::WriteTransaction;

constexpr const char* kJobColumns =
    "job_id, job_type, status, website_id, project_id, user_id, session_id, created_at, "
    "updated_at, started_at, completed_at, progress_current, progress_total, progress_message, "
    "progress_percentage, progress_details, metadata, error, result, cancellation_requested, "
    "cancellation_requested_at, cancellation_requested_by, lock_holder, lock_acquired_at, "
    "lock_expiry, lock_token, heartbeat_at, priority, queue, run_after, attempt, max_attempts, "
    "parent_job_id, checkpoint";

constexpr const char* kActive = "('running','cancelling')";

std::optional<TimePoint> OptTime(const Statement& s, int c) {
  auto v = s.OptInt(c);
  return v ? std::optional<TimePoint>(FromUnixMicros(*v)) : std::nullopt;
}

Json ParseJsonOr(const std::string& text, Json fallback) {
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? fallback : parsed;
}

Job ReadJob(const Statement& s) {
  Job j;
  j.job_id = s.Text(0);
  j.job_type = s.Text(1);
  j.status = ParseJobStatus(s.Text(2)).value_or(JobStatus::kFailed);
  j.website_id = s.Text(3);
  j.project_id = s.Text(4);
  j.user_id = s.Text(5);
  j.session_id = s.Text(6);
  j.created_at = FromUnixMicros(s.Int(7));
  j.updated_at = FromUnixMicros(s.Int(8));
  j.started_at = OptTime(s, 9);
  j.completed_at = OptTime(s, 10);
  j.progress.current = s.Int(11);
  j.progress.total = s.Int(12);
  j.progress.message = s.Text(13);
  j.progress.percentage = s.Double(14);
  j.progress.details = ParseJsonOr(s.Text(15), Json::object());
  j.metadata = ParseJsonOr(s.Text(16), Json::object());
  j.error = s.OptText(17);
  if (auto r = s.OptText(18)) j.result = ParseJsonOr(*r, nullptr);
  j.cancellation_requested = s.Int(19) != 0;
  j.cancellation_requested_at = OptTime(s, 20);
  j.cancellation_requested_by = s.OptText(21);
  j.lock_holder = s.OptText(22);
  j.lock_acquired_at = OptTime(s, 23);
  j.lock_expiry = OptTime(s, 24);
  j.lock_token = s.Int(25);
  j.heartbeat_at = OptTime(s, 26);
  j.priority = static_cast<int>(s.Int(27));
  j.queue = s.Text(28);
  j.run_after = FromUnixMicros(s.Int(29));
  j.attempt = static_cast<int>(s.Int(30));
  j.max_attempts = static_cast<int>(s.Int(31));
  j.parent_job_id = s.OptText(32);
  if (auto c = s.OptText(33)) j.checkpoint = ParseJsonOr(*c, nullptr);
  return j;
}

std::string JsonArray(const std::vector<std::string>& items) { return Json(items).dump(); }

std::string StatusList(const std::vector<JobStatus>& statuses) {
  std::vector<std::string> names;
  for (JobStatus s : statuses) names.push_back(JobStatusName(s));
  return JsonArray(names);
}

// Cursor: "<created_at micros>:<job_id>" of the last job on the previous page.
std::string EncodeCursor(const Job& job) {
  return std::to_string(ToUnixMicros(job.created_at)) + ":" + job.job_id;
}
bool DecodeCursor(const std::string& cursor, int64_t* created_us, std::string* job_id) {
  const auto colon = cursor.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  try {
    size_t used = 0;
    *created_us = std::stoll(cursor.substr(0, colon), &used);
    if (used != colon) return false;
  } catch (...) {
    return false;
  }
  *job_id = cursor.substr(colon + 1);
  return !job_id->empty();
}

class SqliteJobStore : public JobStore {
 public:
  SqliteJobStore(std::string path, Env* env, SqliteOptions options)
      : env_(env),
        pool_(path, {options.busy_timeout, &metrics_.lock_contention}, /*max_size=*/8),
        path_(std::move(path)),
        options_(options),
        domain_(NewSqliteDomainStore(&pool_, &write_mu_, &metrics_.query_latency)),
        discovery_(NewSqliteDiscoveryStore(
            &pool_, &write_mu_, &metrics_.query_latency,
            [this](Connection* c, const std::string& job_id, int64_t token, const Json& cp) {
              return CheckpointIn(c, job_id, token, cp);
            })),
        results_(NewSqliteResultStore(&pool_, &write_mu_, &metrics_.query_latency)) {}

  std::string BackendName() const override { return "sqlite"; }

  Status Open() {
    auto first = pool_.Acquire();  // Fails early on an unusable path.
    if (!first.ok()) return first.status();
    auto watcher = Connection::Open(path_, {options_.busy_timeout, nullptr});
    if (!watcher.ok()) return watcher.status();
    watcher_ = std::move(watcher).value();
    return Status::Ok();
  }

  Status Migrate() override {
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    WriteTransaction tx(c);
    A11Y_RETURN_IF_ERROR(tx.Begin());  // Serialises concurrent migrators across processes.
    A11Y_RETURN_IF_ERROR(c->Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "description TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
    auto current = ReadVersion(c);
    if (!current.ok()) return current.status();
    for (const auto& m : sqlite::Migrations()) {
      if (m.version <= *current) continue;
      A11Y_RETURN_IF_ERROR(c->Exec(m.sql));
      auto ins = c->Prepare(
          "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)");
      if (!ins.ok()) return ins.status();
      A11Y_RETURN_IF_ERROR(
          ins->Bind(1, m.version).Bind(2, m.description).Bind(3, NowUs()).Run());
    }
    return tx.Commit();
  }

  Result<int> SchemaVersion() override {
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    return ReadVersion(c);
  }

  Status InsertJobs(const std::vector<Job>& jobs) override {
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    WriteTransaction tx(c);
    A11Y_RETURN_IF_ERROR(tx.Begin());
    auto st = c->Prepare(
        "INSERT INTO jobs (job_id, job_type, status, website_id, project_id, user_id, session_id, "
        "created_at, updated_at, metadata, priority, queue, run_after, max_attempts, "
        "parent_job_id, progress_message) VALUES (?,?,'pending',?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!st.ok()) return st.status();
    for (const Job& j : jobs) {
      st->Bind(1, j.job_id).Bind(2, j.job_type).Bind(3, j.website_id).Bind(4, j.project_id);
      st->Bind(5, j.user_id).Bind(6, j.session_id).Bind(7, ToUnixMicros(j.created_at));
      st->Bind(8, ToUnixMicros(j.updated_at)).Bind(9, j.metadata.dump()).Bind(10, j.priority);
      st->Bind(11, j.queue).Bind(12, ToUnixMicros(j.run_after)).Bind(13, j.max_attempts);
      st->Bind(14, j.parent_job_id).Bind(15, j.progress.message);
      Status run = st->Run();
      if (!run.ok()) {
        if (run.code() == Status::Code::kAlreadyExists) {
          return Status::AlreadyExists("a job with id '" + j.job_id + "' already exists");
        }
        return run;
      }
    }
    return tx.Commit();
  }

  Result<Job> GetJob(const std::string& job_id, const Scope& scope) override {
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare(std::string("SELECT ") + kJobColumns +
                         " FROM jobs WHERE job_id = ? AND (? IS NULL OR user_id = ?)");
    if (!st.ok()) return st.status();
    st->Bind(1, job_id).Bind(2, scope.user_id).Bind(3, scope.user_id);
    Status status;
    if (st->Step(&status)) return ReadJob(*st);
    if (!status.ok()) return status;
    return Status::NotFound("job '" + job_id + "' not found");
  }

  Result<JobPage> ListJobs(const JobFilter& filter, const Scope& scope) override {
    ScopedLatency timer(&metrics_.query_latency);
    // Only the conditions in use appear in the SQL, so SQLite can pick the right index.
    std::string sql = std::string("SELECT ") + kJobColumns + " FROM jobs WHERE 1=1";
    struct Arg {
      std::optional<int64_t> number;
      std::string text;
    };
    std::vector<Arg> args;
    auto add = [&](const char* condition, Arg value) {
      sql += condition;
      args.push_back(std::move(value));
    };
    if (scope.user_id) add(" AND user_id = ?", {{}, *scope.user_id});
    if (filter.user_id) add(" AND user_id = ?", {{}, *filter.user_id});
    if (filter.job_type) add(" AND job_type = ?", {{}, *filter.job_type});
    if (filter.website_id) add(" AND website_id = ?", {{}, *filter.website_id});
    if (filter.project_id) add(" AND project_id = ?", {{}, *filter.project_id});
    // jobs_parent finds a job's children; only they are sorted.
    if (filter.parent_job_id) add(" AND parent_job_id = ?", {{}, *filter.parent_job_id});
    if (!filter.statuses.empty()) {
      add(" AND status IN (SELECT value FROM json_each(?))", {{}, StatusList(filter.statuses)});
    }
    if (filter.created_from) add(" AND created_at >= ?", {ToUnixMicros(*filter.created_from), {}});
    if (filter.created_to) add(" AND created_at < ?", {ToUnixMicros(*filter.created_to), {}});
    if (filter.cursor) {
      int64_t created_us;
      std::string last_id;
      if (!DecodeCursor(*filter.cursor, &created_us, &last_id)) {
        return Status::InvalidArgument("cursor '" + *filter.cursor + "' is not one this API issued");
      }
      add(" AND (created_at < ?", {created_us, {}});
      add(" OR (created_at = ?", {created_us, {}});
      add(" AND job_id < ?))", {{}, last_id});
    }
    const int limit = std::clamp(filter.limit, 1, 1000);
    sql += " ORDER BY created_at DESC, job_id DESC LIMIT ?";
    args.push_back({limit + 1, {}});

    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare(sql);
    if (!st.ok()) return st.status();
    for (size_t i = 0; i < args.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      if (args[i].number) st->Bind(index, *args[i].number);
      else st->Bind(index, args[i].text);
    }
    JobPage page;
    Status status;
    while (st->Step(&status)) page.jobs.push_back(ReadJob(*st));
    if (!status.ok()) return status;
    if (static_cast<int>(page.jobs.size()) > limit) {
      page.jobs.pop_back();
      page.next_cursor = EncodeCursor(page.jobs.back());
    }
    return page;
  }

  Result<Job> TransitionStatus(const StatusChange& change) override {
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    const int64_t now = NowUs();
    const bool final_status = IsTerminal(change.to);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare(std::string("UPDATE jobs SET status = ?1, updated_at = ?2, ") +
                         "started_at = CASE WHEN ?1 = 'running' THEN COALESCE(started_at, ?2) "
                         "ELSE started_at END, "
                         "completed_at = CASE WHEN ?3 THEN ?2 ELSE NULL END, "
                         "error = COALESCE(?4, error), result = COALESCE(?5, result), "
                         "lock_holder = CASE WHEN ?3 OR ?1 = 'pending' THEN NULL ELSE lock_holder END, "
                         "lock_expiry = CASE WHEN ?3 OR ?1 = 'pending' THEN NULL ELSE lock_expiry END, "
                         // A move to cancelling or cancelled by hand is a cancellation request:
                         // workers and the reaper must see it as one.
                         "cancellation_requested = cancellation_requested OR "
                         "  ?1 IN ('cancelling','cancelled'), "
                         "cancellation_requested_at = CASE WHEN ?1 IN ('cancelling','cancelled') "
                         "  THEN COALESCE(cancellation_requested_at, ?2) "
                         "  ELSE cancellation_requested_at END "
                         "WHERE job_id = ?6 AND status IN (SELECT value FROM json_each(?7)) "
                         "RETURNING " + kJobColumns);
    if (!st.ok()) return st.status();
    st->Bind(1, JobStatusName(change.to)).Bind(2, now).Bind(3, int64_t{final_status});
    st->Bind(4, change.error);
    st->Bind(5, change.result ? std::optional<std::string>(change.result->dump()) : std::nullopt);
    st->Bind(6, change.job_id).Bind(7, StatusList(change.from));
    Status status;
    if (st->Step(&status)) {
      Job job = ReadJob(*st);
      st->Run();
      return job;
    }
    if (!status.ok()) return status;
    auto current = CurrentState(c, change.job_id);
    if (!current.ok()) return current.status();
    return Status::FailedPrecondition("job '" + change.job_id + "' is " +
                                      JobStatusName(current->status) + "; it cannot become " +
                                      JobStatusName(change.to));
  }

  Status UpdateProgress(const std::string& job_id, const Progress& p,
                        std::optional<int64_t> fence) override {
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    return ProgressIn(lease->get(), job_id, p, fence);
  }

  Result<std::vector<Status>> UpdateProgressBatch(
      const std::vector<ProgressWrite>& writes) override {
    std::vector<Status> results;
    if (writes.empty()) return results;
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    WriteTransaction tx(c);  // One commit for the whole flush.
    A11Y_RETURN_IF_ERROR(tx.Begin());
    for (const ProgressWrite& w : writes) {
      Status st = ProgressIn(c, w.job_id, w.progress, w.token);
      switch (st.code()) {
        case Status::Code::kOk:
        case Status::Code::kLeaseLost:
        case Status::Code::kNotFound:
        case Status::Code::kFailedPrecondition:
          results.push_back(std::move(st));  // This job's answer; the others go on.
          break;
        default:
          return st;  // The database failed: roll the whole flush back.
      }
    }
    A11Y_RETURN_IF_ERROR(tx.Commit());
    return results;
  }

  Status SaveCheckpoint(const std::string& job_id, int64_t token, const Json& checkpoint) override {
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    return CheckpointIn(lease->get(), job_id, token, checkpoint);
  }

  Result<CancelResult> RequestCancellation(const std::string& job_id,
                                           const std::string& requested_by,
                                           const Scope& scope) override {
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    // The whole decision is this one statement: pending -> cancelled, running -> cancelling.
    auto st = c->Prepare(
        "UPDATE jobs SET status = CASE status WHEN 'pending' THEN 'cancelled' ELSE 'cancelling' END, "
        "completed_at = CASE status WHEN 'pending' THEN ?1 ELSE completed_at END, "
        "cancellation_requested = 1, cancellation_requested_at = ?1, "
        "cancellation_requested_by = ?2, updated_at = ?1 "
        "WHERE job_id = ?3 AND status IN ('pending','running') AND (?4 IS NULL OR user_id = ?4) "
        "RETURNING status");
    if (!st.ok()) return st.status();
    st->Bind(1, NowUs()).Bind(2, requested_by).Bind(3, job_id).Bind(4, scope.user_id);
    Status status;
    if (st->Step(&status)) {
      const JobStatus after = ParseJobStatus(st->Text(0)).value_or(JobStatus::kCancelled);
      st->Run();
      return CancelResult{after == JobStatus::kCancelled ? CancelOutcome::kCancelled
                                                         : CancelOutcome::kCancelling,
                          after};
    }
    if (!status.ok()) return status;
    // Nothing changed; read only to tell the caller why.
    auto read = c->Prepare("SELECT status FROM jobs WHERE job_id = ? AND (? IS NULL OR user_id = ?)");
    if (!read.ok()) return read.status();
    read->Bind(1, job_id).Bind(2, scope.user_id).Bind(3, scope.user_id);
    if (!read->Step(&status)) {
      if (!status.ok()) return status;
      return CancelResult{CancelOutcome::kNotFound, JobStatus::kPending};
    }
    const JobStatus now_status = ParseJobStatus(read->Text(0)).value_or(JobStatus::kFailed);
    return CancelResult{now_status == JobStatus::kCancelling ? CancelOutcome::kCancelling
                                                             : CancelOutcome::kAlreadyFinished,
                        now_status};
  }

  Result<bool> IsCancellationRequested(const std::string& job_id) override {
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare("SELECT cancellation_requested FROM jobs WHERE job_id = ?");
    if (!st.ok()) return st.status();
    st->Bind(1, job_id);
    Status status;
    if (st->Step(&status)) return st->Int(0) != 0;
    if (!status.ok()) return status;
    return Status::NotFound("job '" + job_id + "' not found");
  }

  Result<Lease> AcquireLock(const std::string& job_id, const std::string& holder,
                            Micros duration) override {
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    const int64_t now = NowUs();
    const int64_t expiry = now + duration.count();
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare(
        "UPDATE jobs SET lock_holder = ?1, lock_acquired_at = ?2, lock_expiry = ?3, "
        "lock_token = lock_token + 1, heartbeat_at = ?2, updated_at = ?2 "
        "WHERE job_id = ?4 AND status IN ('pending','running','cancelling') "
        "AND (lock_holder IS NULL OR lock_holder = ?1 OR lock_expiry IS NULL OR lock_expiry < ?2) "
        "RETURNING lock_token");
    if (!st.ok()) return st.status();
    st->Bind(1, holder).Bind(2, now).Bind(3, expiry).Bind(4, job_id);
    Status status;
    if (st->Step(&status)) {
      Lease result{holder, st->Int(0), FromUnixMicros(expiry)};
      st->Run();
      return result;
    }
    if (!status.ok()) return status;
    auto current = CurrentState(c, job_id);
    if (!current.ok()) return current.status();
    if (IsTerminal(current->status)) {
      return Status::FailedPrecondition("job '" + job_id + "' is " +
                                        JobStatusName(current->status) + "; it cannot be locked");
    }
    metrics_.lock_contention.fetch_add(1, std::memory_order_relaxed);
    return Status::FailedPrecondition("job '" + job_id + "' is locked by '" +
                                      current->lock_holder.value_or("") + "' until " +
                                      FormatRfc3339(current->lock_expiry.value_or(TimePoint{})));
  }

  Status ReleaseLock(const std::string& job_id, const std::string& holder) override {
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare(
        "UPDATE jobs SET lock_holder = NULL, lock_expiry = NULL, updated_at = ? "
        "WHERE job_id = ? AND lock_holder = ?");
    if (!st.ok()) return st.status();
    A11Y_RETURN_IF_ERROR(st->Bind(1, NowUs()).Bind(2, job_id).Bind(3, holder).Run());
    if (c->Changes() == 1) return Status::Ok();
    auto current = CurrentState(c, job_id);
    if (!current.ok()) return current.status();
    return Status::FailedPrecondition("job '" + job_id + "' is not locked by '" + holder + "'");
  }

  Result<std::vector<Job>> ClaimJobs(const ClaimRequest& request) override {
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    metrics_.claim_attempts.fetch_add(1, std::memory_order_relaxed);
    const int64_t now = NowUs();
    std::string sql = std::string(
        "UPDATE jobs SET status = 'running', lock_holder = ?1, lock_acquired_at = ?2, "
        "lock_expiry = ?3, lock_token = lock_token + 1, attempt = attempt + 1, "
        "started_at = COALESCE(started_at, ?2), heartbeat_at = ?2, updated_at = ?2 "
        "WHERE job_id IN (SELECT job_id FROM jobs INDEXED BY jobs_claim "
        "WHERE status = 'pending' AND run_after <= ?2 "
        // A pending job locked through AcquireLock is not claimable until that lock expires.
        "AND (lock_holder IS NULL OR lock_expiry < ?2)");
    if (!request.queues.empty()) sql += " AND queue IN (SELECT value FROM json_each(?5))";
    if (!request.job_types.empty()) sql += " AND job_type IN (SELECT value FROM json_each(?6))";
    sql += " ORDER BY priority DESC, run_after, created_at LIMIT ?4) RETURNING ";
    sql += kJobColumns;
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    // A write transaction from the start: the engine's writer lock makes each claim exclusive.
    WriteTransaction tx(c);
    A11Y_RETURN_IF_ERROR(tx.Begin());
    auto st = c->Prepare(sql);
    if (!st.ok()) return st.status();
    st->Bind(1, request.worker_id).Bind(2, now).Bind(3, now + request.lease.count());
    st->Bind(4, int64_t{std::max(request.limit, 0)});
    if (!request.queues.empty()) st->Bind(5, JsonArray(request.queues));
    if (!request.job_types.empty()) st->Bind(6, JsonArray(request.job_types));
    std::vector<Job> jobs;
    Status status;
    while (st->Step(&status)) jobs.push_back(ReadJob(*st));
    if (!status.ok()) return status;
    A11Y_RETURN_IF_ERROR(tx.Commit());
    std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) {
      if (a.priority != b.priority) return a.priority > b.priority;
      if (a.run_after != b.run_after) return a.run_after < b.run_after;
      return a.created_at < b.created_at;
    });
    return jobs;
  }

  Result<std::vector<LeaseState>> CheckLeases(const std::string& worker_id,
                                              const std::vector<HeldJob>& held,
                                              std::optional<Micros> extend) override {
    ScopedLatency timer(&metrics_.query_latency);
    std::vector<LeaseState> states;
    if (held.empty()) return states;
    Json pairs = Json::array();
    for (const auto& h : held) pairs.push_back(Json::array({h.job_id, h.token}));
    const int64_t now = NowUs();
    std::optional<WriteGuard> writing;
    if (extend) writing.emplace(this);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    // Only a lease held with the same token is renewed: a stale run of this worker must
    // not keep alive the lease of a newer claim of the same job.
    const char* held_rows =
        "(SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS token "
        "FROM json_each(?2)) AS h";
    std::string sql =
        extend ? std::string("UPDATE jobs SET lock_expiry = ?3, heartbeat_at = ?4 FROM ") +
                     held_rows +
                     " WHERE jobs.job_id = h.id AND jobs.lock_token = h.token "
                     "AND jobs.lock_holder = ?1 AND jobs.status IN ('running','cancelling') "
                     "RETURNING jobs.job_id, jobs.lock_token, jobs.cancellation_requested"
               : std::string("SELECT jobs.job_id, jobs.lock_token, jobs.cancellation_requested "
                             "FROM ") +
                     held_rows +
                     " JOIN jobs ON jobs.job_id = h.id WHERE jobs.lock_holder = ?1 "
                     "AND jobs.status IN ('running','cancelling')";
    auto st = c->Prepare(sql);
    if (!st.ok()) return st.status();
    st->Bind(1, worker_id).Bind(2, pairs.dump());
    if (extend) st->Bind(3, now + extend->count()).Bind(4, now);
    std::map<std::string, std::pair<int64_t, bool>> found;
    Status status;
    while (st->Step(&status)) found[st->Text(0)] = {st->Int(1), st->Int(2) != 0};
    if (!status.ok()) return status;
    for (const auto& h : held) {
      auto it = found.find(h.job_id);
      const bool held_now = it != found.end() && it->second.first == h.token;
      states.push_back({h.job_id, held_now, held_now && it->second.second});
    }
    return states;
  }

  Result<std::vector<Status>> FinishJobs(const std::vector<Finish>& finishes) override {
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    const int64_t now = NowUs();
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    WriteTransaction tx(c);
    A11Y_RETURN_IF_ERROR(tx.Begin());
    // One statement serves every kind: the target status depends on the kind and on
    // whether cancellation arrived meanwhile (a retry or release of a cancelling job
    // ends it cancelled).
    auto st = c->Prepare(
        "UPDATE jobs SET "
        "status = CASE WHEN ?1 IN ('pending') THEN "
        "  (CASE status WHEN 'cancelling' THEN 'cancelled' ELSE 'pending' END) ELSE ?1 END, "
        "completed_at = CASE WHEN ?1 <> 'pending' OR status = 'cancelling' THEN ?2 ELSE NULL END, "
        "run_after = CASE WHEN ?1 = 'pending' THEN ?3 ELSE run_after END, "
        "attempt = CASE WHEN ?4 AND status = 'running' THEN attempt - 1 ELSE attempt END, "
        "result = COALESCE(?5, result), error = COALESCE(?6, error), "
        "progress_current = CASE WHEN ?7 THEN ?8 ELSE progress_current END, "
        "progress_total = CASE WHEN ?7 THEN ?9 ELSE progress_total END, "
        "progress_message = CASE WHEN ?7 THEN ?10 ELSE progress_message END, "
        "progress_percentage = CASE WHEN ?7 THEN ?11 ELSE progress_percentage END, "
        "progress_details = CASE WHEN ?7 THEN ?12 ELSE progress_details END, "
        "lock_holder = NULL, lock_expiry = NULL, updated_at = ?2 "
        "WHERE job_id = ?13 AND lock_token = ?14 AND status IN ('running','cancelling')");
    if (!st.ok()) return st.status();
    std::vector<Status> results;
    results.reserve(finishes.size());
    for (const Finish& f : finishes) {
      const char* target = "completed";
      switch (f.kind) {
        case Finish::Kind::kCompleted: target = "completed"; break;
        case Finish::Kind::kFailed: target = "failed"; break;
        case Finish::Kind::kCancelled: target = "cancelled"; break;
        case Finish::Kind::kRetry:
        case Finish::Kind::kRelease: target = "pending"; break;
      }
      const bool release = f.kind == Finish::Kind::kRelease;
      const int64_t run_after = ToUnixMicros(f.run_after);
      st->Bind(1, target).Bind(2, now).Bind(3, release ? std::max(now, run_after) : run_after);
      st->Bind(4, int64_t{release});
      st->Bind(5, f.result ? std::optional<std::string>(f.result->dump()) : std::nullopt);
      st->Bind(6, f.error).Bind(7, int64_t{f.progress.has_value()});
      const Progress p = f.progress.value_or(Progress{});
      st->Bind(8, p.current).Bind(9, p.total).Bind(10, p.message).Bind(11, p.percentage);
      st->Bind(12, p.details.dump()).Bind(13, f.job_id).Bind(14, f.token);
      Status run = st->Run();
      if (!run.ok()) return run;
      results.push_back(c->Changes() == 1 ? Status::Ok()
                                          : ExplainMiss(c, f.job_id, f.token, "finish"));
    }
    A11Y_RETURN_IF_ERROR(tx.Commit());
    return results;
  }

  Result<RecoveryReport> RecoverAbandonedJobs(std::optional<Micros> stale_after,
                                              int limit) override {
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    const int64_t now = NowUs();
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare(
        "UPDATE jobs SET "
        "status = CASE WHEN cancellation_requested = 1 THEN 'cancelled' "
        "  WHEN attempt >= max_attempts THEN 'failed' ELSE 'pending' END, "
        "error = 'lease expired: worker ' || COALESCE(lock_holder, '?') || "
        "  ' stopped responding during attempt ' || attempt || "
        "  CASE WHEN cancellation_requested = 0 AND attempt >= max_attempts "
        "  THEN ' (attempts spent)' ELSE '' END, "
        "completed_at = CASE WHEN cancellation_requested = 1 OR attempt >= max_attempts "
        "  THEN ?1 ELSE NULL END, "
        "run_after = ?1, lock_holder = NULL, lock_expiry = NULL, updated_at = ?1 "
        "WHERE job_id IN (SELECT job_id FROM jobs WHERE status IN ('running','cancelling') AND "
        "  (lock_expiry < ?1 OR (?2 IS NOT NULL AND COALESCE(heartbeat_at, started_at) < ?2)) "
        "  LIMIT ?3) "
        "RETURNING status");
    if (!st.ok()) return st.status();
    st->Bind(1, now);
    st->Bind(2, stale_after ? std::optional<int64_t>(now - stale_after->count()) : std::nullopt);
    st->Bind(3, int64_t{limit});
    RecoveryReport report;
    Status status;
    while (st->Step(&status)) {
      const std::string s = st->Text(0);
      if (s == "pending") ++report.requeued;
      else if (s == "failed") ++report.failed;
      else ++report.cancelled;
    }
    if (!status.ok()) return status;
    return report;
  }

  Result<int64_t> DeleteFinishedJobs(TimePoint finished_before, TimePoint cancelled_before,
                                     int limit) override {
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare(
        "DELETE FROM jobs WHERE job_id IN (SELECT job_id FROM jobs WHERE completed_at IS NOT NULL "
        "AND ((status IN ('completed','failed') AND completed_at < ?1) OR "
        "     (status = 'cancelled' AND completed_at < ?2)) LIMIT ?3)");
    if (!st.ok()) return st.status();
    st->Bind(1, ToUnixMicros(finished_before)).Bind(2, ToUnixMicros(cancelled_before));
    A11Y_RETURN_IF_ERROR(st->Bind(3, int64_t{limit}).Run());
    return c->Changes();
  }

  Result<StoreStatistics> Statistics(const StatsFilter& filter) override {
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare(
        "SELECT job_type, status, COUNT(*), "
        "AVG(CASE WHEN status = 'completed' AND started_at IS NOT NULL "
        "    THEN completed_at - started_at END), "
        "SUM(cancellation_requested), "
        "SUM(CASE WHEN cancellation_requested = 1 AND status = 'cancelled' THEN 1 ELSE 0 END), "
        "AVG(CASE WHEN status = 'cancelled' AND cancellation_requested_at IS NOT NULL "
        "    THEN completed_at - cancellation_requested_at END) "
        "FROM jobs WHERE (?1 IS NULL OR user_id = ?1) AND (?2 IS NULL OR website_id = ?2) "
        "AND (?3 IS NULL OR created_at >= ?3) GROUP BY job_type, status");
    if (!st.ok()) return st.status();
    st->Bind(1, filter.user_id).Bind(2, filter.website_id);
    st->Bind(3, filter.created_since ? std::optional<int64_t>(ToUnixMicros(*filter.created_since))
                                     : std::nullopt);
    StoreStatistics stats;
    Status status;
    while (st->Step(&status)) {
      const std::string type = st->Text(0), state = st->Text(1);
      stats.counts[type][state] = st->Int(2);
      if (state == "completed" && !st->IsNull(3)) {
        stats.average_duration_seconds[type] = st->Double(3) / 1e6;
      }
      stats.cancellation_requests += st->Int(4);
      stats.cancellation_requests_cancelled += st->Int(5);
      if (state == "cancelled" && !st->IsNull(6)) {
        stats.average_cancellation_seconds[type] = st->Double(6) / 1e6;
      }
    }
    if (!status.ok()) return status;
    return stats;
  }

  int64_t ChangeStamp() override {
    // PRAGMA data_version changes when another connection (in any process) commits; the
    // watcher connection never writes, so every commit anywhere moves it. It reads no
    // table pages: an idle worker polling it costs next to nothing.
    std::lock_guard<std::mutex> lock(watcher_mu_);
    auto st = watcher_->Prepare("PRAGMA data_version");
    Status status;
    if (!st.ok() || !st->Step(&status)) return -1;
    return st->Int(0);
  }

  void WaitForChange(int64_t since, Micros timeout) override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (ChangeStamp() == since && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(250));
    }
  }

  Status RecordWorker(const WorkerRecord& w) override {
    if (w.worker_id.empty()) return Status::InvalidArgument("worker_id: must not be empty");
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare(
        "INSERT INTO workers (worker_id, host, pid, started_at, last_heartbeat_at, concurrency, "
        "running_jobs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT (worker_id) DO UPDATE SET host = excluded.host, pid = excluded.pid, "
        "started_at = excluded.started_at, last_heartbeat_at = excluded.last_heartbeat_at, "
        "concurrency = excluded.concurrency, running_jobs = excluded.running_jobs");
    if (!st.ok()) return st.status();
    st->Bind(1, w.worker_id).Bind(2, w.host).Bind(3, w.pid).Bind(4, ToUnixMicros(w.started_at));
    st->Bind(5, ToUnixMicros(w.last_heartbeat_at)).Bind(6, w.concurrency);
    return st->Bind(7, w.running_jobs).Run();
  }

  Result<std::vector<WorkerRecord>> ListWorkers(TimePoint seen_since) override {
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare(
        "SELECT worker_id, host, pid, started_at, last_heartbeat_at, concurrency, running_jobs "
        "FROM workers WHERE last_heartbeat_at >= ? ORDER BY started_at, worker_id");
    if (!st.ok()) return st.status();
    st->Bind(1, ToUnixMicros(seen_since));
    std::vector<WorkerRecord> workers;
    Status status;
    while (st->Step(&status)) {
      WorkerRecord w;
      w.worker_id = st->Text(0);
      w.host = st->Text(1);
      w.pid = st->Int(2);
      w.started_at = FromUnixMicros(st->Int(3));
      w.last_heartbeat_at = FromUnixMicros(st->Int(4));
      w.concurrency = static_cast<int>(st->Int(5));
      w.running_jobs = static_cast<int>(st->Int(6));
      workers.push_back(std::move(w));
    }
    if (!status.ok()) return status;
    return workers;
  }

  Status RemoveWorker(const std::string& worker_id) override {
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare("DELETE FROM workers WHERE worker_id = ?");
    if (!st.ok()) return st.status();
    A11Y_RETURN_IF_ERROR(st->Bind(1, worker_id).Run());
    if (c->Changes() == 1) return Status::Ok();
    return Status::NotFound("worker '" + worker_id + "' not found");
  }

  Result<int64_t> DeleteStaleWorkers(TimePoint before, int limit) override {
    if (limit <= 0) return int64_t{0};  // SQLite reads a negative LIMIT as no limit at all.
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare(
        "DELETE FROM workers WHERE worker_id IN (SELECT worker_id FROM workers "
        "WHERE last_heartbeat_at < ?1 ORDER BY last_heartbeat_at LIMIT ?2)");
    if (!st.ok()) return st.status();
    A11Y_RETURN_IF_ERROR(st->Bind(1, ToUnixMicros(before)).Bind(2, int64_t{limit}).Run());
    return c->Changes();
  }

  Status RecordLedgerEffect(const std::string& job_id, int64_t token,
                            const std::string& worker_id) override {
    WriteGuard writing(this);
    ScopedLatency timer(&metrics_.query_latency);
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare(
        "INSERT INTO job_ledger (job_id, lock_token, worker_id, recorded_at) "
        "SELECT job_id, lock_token, ?3, ?4 FROM jobs WHERE job_id = ?1 AND lock_token = ?2 "
        "AND status IN ('running','cancelling')");
    if (!st.ok()) return st.status();
    Status run = st->Bind(1, job_id).Bind(2, token).Bind(3, worker_id).Bind(4, NowUs()).Run();
    if (run.code() == Status::Code::kAlreadyExists) {
      return Status::AlreadyExists("job '" + job_id + "' already has a ledger effect");
    }
    A11Y_RETURN_IF_ERROR(run);
    if (c->Changes() == 1) return Status::Ok();
    return ExplainMiss(c, job_id, token, "ledger effect");
  }

  Result<LedgerSummary> GetLedgerSummary() override {
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare("SELECT COUNT(*), COUNT(DISTINCT job_id) FROM job_ledger");
    if (!st.ok()) return st.status();
    Status status;
    if (!st->Step(&status)) return status;
    return LedgerSummary{st->Int(0), st->Int(1)};
  }

  StoreMetrics& metrics() override { return metrics_; }

  DomainStore& domain() override { return *domain_; }

  DiscoveryStore& discovery() override { return *discovery_; }

  ResultStore& results() override { return *results_; }

 private:
  // Writers in this process queue here instead of polling SQLite's lock with sleeps: a
  // mutex hands the lock over at once. Other processes still meet the busy handler.
  struct WriteGuard {
    explicit WriteGuard(SqliteJobStore* store) : lock(store->write_mu_) {}
    std::lock_guard<std::mutex> lock;
  };

  struct State {
    JobStatus status;
    int64_t lock_token;
    std::optional<std::string> lock_holder;
    std::optional<TimePoint> lock_expiry;
  };

  int64_t NowUs() const { return ToUnixMicros(env_->Now()); }

  // The progress statement, on the caller's connection (and transaction, if any).
  Status ProgressIn(Connection* c, const std::string& job_id, const Progress& p,
                    std::optional<int64_t> fence) {
    auto st = c->Prepare(
        "UPDATE jobs SET progress_current = ?1, progress_total = ?2, progress_message = ?3, "
        "progress_percentage = ?4, progress_details = ?5, updated_at = ?6 "
        "WHERE job_id = ?7 AND status NOT IN ('completed','failed','cancelled') "
        "AND (?8 IS NULL OR (lock_token = ?8 AND status IN ('running','cancelling')))");
    if (!st.ok()) return st.status();
    st->Bind(1, p.current).Bind(2, p.total).Bind(3, p.message).Bind(4, p.percentage);
    st->Bind(5, p.details.dump()).Bind(6, NowUs()).Bind(7, job_id).Bind(8, fence);
    A11Y_RETURN_IF_ERROR(st->Run());
    if (c->Changes() == 1) return Status::Ok();
    return ExplainMiss(c, job_id, fence, "progress");
  }

  // The fenced checkpoint statement, on the caller's connection (and transaction, if any):
  // SaveCheckpoint's, and the fence that opens each discovery batch.
  Status CheckpointIn(Connection* c, const std::string& job_id, int64_t token,
                      const Json& checkpoint) {
    auto st = c->Prepare(std::string("UPDATE jobs SET checkpoint = ?, updated_at = ? "
                                     "WHERE job_id = ? AND lock_token = ? AND status IN ") +
                         kActive);
    if (!st.ok()) return st.status();
    A11Y_RETURN_IF_ERROR(
        st->Bind(1, checkpoint.dump()).Bind(2, NowUs()).Bind(3, job_id).Bind(4, token).Run());
    if (c->Changes() == 1) return Status::Ok();
    return ExplainMiss(c, job_id, token, "checkpoint");
  }

  Result<int> ReadVersion(Connection* c) {
    auto exists = c->Prepare(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    if (!exists.ok()) return exists.status();
    Status status;
    if (!exists->Step(&status)) return status;
    if (exists->Int(0) == 0) return 0;
    auto st = c->Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!st.ok()) return st.status();
    if (!st->Step(&status)) return status;
    return static_cast<int>(st->Int(0));
  }

  Result<State> CurrentState(Connection* c, const std::string& job_id) {
    auto st = c->Prepare(
        "SELECT status, lock_token, lock_holder, lock_expiry FROM jobs WHERE job_id = ?");
    if (!st.ok()) return st.status();
    st->Bind(1, job_id);
    Status status;
    if (!st->Step(&status)) {
      if (!status.ok()) return status;
      return Status::NotFound("job '" + job_id + "' not found");
    }
    return State{ParseJobStatus(st->Text(0)).value_or(JobStatus::kFailed), st->Int(1),
                 st->OptText(2), OptTime(*st, 3)};
  }

  // Explains why a fenced (or state-conditional) write matched no row.
  Status ExplainMiss(Connection* c, const std::string& job_id, std::optional<int64_t> token,
                     const std::string& what) {
    auto current = CurrentState(c, job_id);
    if (!current.ok()) return current.status();
    if (token && current->lock_token != *token) {
      return Status::LeaseLost("job '" + job_id + "': lock token " + std::to_string(*token) +
                               " is stale (now " + std::to_string(current->lock_token) +
                               "); " + what + " refused");
    }
    if (IsTerminal(current->status)) {
      return Status::FailedPrecondition("job '" + job_id + "' is already " +
                                        JobStatusName(current->status) + "; " + what + " refused");
    }
    return Status::LeaseLost("job '" + job_id + "' is " + JobStatusName(current->status) +
                             " and no longer held; " + what + " refused");
  }

  Env* env_;
  StoreMetrics metrics_;
  ConnectionPool pool_;
  std::string path_;
  SqliteOptions options_;
  std::mutex write_mu_;
  std::mutex watcher_mu_;
  std::unique_ptr<Connection> watcher_;
  // Use pool_, write_mu_ and metrics_: declared after them, so destroyed before them.
  std::unique_ptr<DomainStore> domain_;
  std::unique_ptr<DiscoveryStore> discovery_;
  std::unique_ptr<ResultStore> results_;
};

}  // namespace

Result<std::unique_ptr<JobStore>> OpenSqliteJobStore(const std::string& path, Env* env,
                                                     SqliteOptions options) {
  auto store = std::make_unique<SqliteJobStore>(path, env, options);
  A11Y_RETURN_IF_ERROR(store->Open());
  return std::unique_ptr<JobStore>(std::move(store));
}

}  // namespace a11y
