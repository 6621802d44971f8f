#include "store/sqlite/sqlite_result_store.h"

#include <string>
#include <utility>
#include <vector>

#include "store/discovery_store.h"
#include "store/sqlite/sqlite_queries.h"

namespace a11y {
namespace {

using sqlite::Connection;
using sqlite::ConnectionPool;
using sqlite::Statement;

// Everything but findings and act, in the order ReadResult decodes: what listings read.
constexpr const char* kListColumns =
    "result_id, page_id, website_id, project_id, user_id, job_id, run_id, url, duration_ms, "
    "status_code, error, level, errors, warnings, info, discovery, score, tested_at";
// One result read whole: the list columns, then findings and act.
constexpr const char* kDetailColumns =
    "result_id, page_id, website_id, project_id, user_id, job_id, run_id, url, duration_ms, "
    "status_code, error, level, errors, warnings, info, discovery, score, tested_at, findings, "
    "act";

// The fence and the owner in one statement: the row is built from the page (so its owner,
// project and website are the page's) and only while the job still carries the token and
// is active. No row inserted means one of the two failed; ExplainMiss reads which.
constexpr const char* kInsertResult =
    "INSERT INTO test_results (result_id, page_id, website_id, project_id, user_id, job_id, "
    "run_id, url, tested_at, duration_ms, status_code, error, level, errors, warnings, info, "
    "discovery, score, findings, act) "
    "SELECT ?1, p.page_id, p.website_id, p.project_id, p.user_id, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
    "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16 FROM pages p WHERE p.page_id = ?17 "
    "AND EXISTS (SELECT 1 FROM jobs WHERE job_id = ?2 AND lock_token = ?18 "
    "AND status IN ('running','cancelling'))";

// The checker's output is valid JSON; invalid UTF-8 in it is replaced, never thrown.
std::string JsonText(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json ParseArray(const std::string& text) {
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? Json::array() : parsed;
}

TestResult ReadResult(const Statement& s) {
  TestResult r;
  r.result_id = s.Text(0);
  r.page_id = s.Text(1);
  r.website_id = s.Text(2);
  r.project_id = s.Text(3);
  r.user_id = s.Text(4);
  r.job_id = s.Text(5);
  r.run_id = s.Text(6);
  r.url = s.Text(7);
  r.duration_ms = s.Int(8);
  if (auto code = s.OptInt(9)) r.status_code = static_cast<int>(*code);
  r.error = s.OptText(10);
  r.level = s.Text(11);
  r.counts.errors = s.Int(12);
  r.counts.warnings = s.Int(13);
  r.counts.info = s.Int(14);
  r.counts.discovery = s.Int(15);
  r.score = s.Double(16);
  r.tested_at = FromUnixMicros(s.Int(17));
  return r;
}

TestResult ReadDetailedResult(const Statement& s) {
  TestResult r = ReadResult(s);
  r.findings = ParseArray(s.Text(18));
  r.act = ParseArray(s.Text(19));
  return r;
}

TestRunSummary ReadRunSummary(const Statement& s) {
  TestRunSummary run;
  run.run_id = s.Text(0);
  run.website_id = s.Text(1);
  run.project_id = s.Text(2);
  run.user_id = s.Text(3);
  run.pages_tested = s.Int(4);
  run.pages_failed = s.Int(5);
  run.counts.errors = s.Int(6);
  run.counts.warnings = s.Int(7);
  run.counts.info = s.Int(8);
  run.counts.discovery = s.Int(9);
  run.average_score = s.Double(10);
  run.started_at = FromUnixMicros(s.Int(11));
  run.finished_at = FromUnixMicros(s.Int(12));
  return run;
}

class SqliteResultStore final : public ResultStore {
 public:
  SqliteResultStore(ConnectionPool* pool, std::mutex* write_mu, LatencyHistogram* latency)
      : pool_(pool), write_mu_(write_mu), latency_(latency), queries_(pool, write_mu, latency) {}

  Status SaveResult(const TestResult& r, int64_t token) override {
    std::lock_guard<std::mutex> writing(*write_mu_);
    ScopedLatency timer(latency_);
    auto lease = pool_->Acquire();
    if (!lease.ok()) return lease.status();
    Connection* c = lease->get();
    auto st = c->Prepare(kInsertResult);
    if (!st.ok()) return st.status();
    st->Bind(1, r.result_id).Bind(2, r.job_id).Bind(3, r.run_id).Bind(4, r.url);
    st->Bind(5, ToUnixMicros(r.tested_at)).Bind(6, r.duration_ms).Bind(7, r.status_code);
    st->Bind(8, r.error).Bind(9, r.level).Bind(10, r.counts.errors).Bind(11, r.counts.warnings);
    st->Bind(12, r.counts.info).Bind(13, r.counts.discovery).Bind(14, r.score);
    st->Bind(15, JsonText(r.findings)).Bind(16, JsonText(r.act)).Bind(17, r.page_id);
    st->Bind(18, token);
    Status run = st->Run();
    if (run.code() == Status::Code::kAlreadyExists) {
      return Status::AlreadyExists("test result '" + r.result_id + "' already exists");
    }
    A11Y_RETURN_IF_ERROR(run);
    if (c->Changes() == 1) return Status::Ok();
    return ExplainMiss(c, r, token);
  }

  Result<TestResult> GetResult(const std::string& result_id, const Scope& scope) override {
    return queries_.One<TestResult>(
        std::string("SELECT ") + kDetailColumns +
            " FROM test_results WHERE result_id = ?1 AND (?2 IS NULL OR user_id = ?2)",
        [&](Statement& s) { s.Bind(1, result_id).Bind(2, scope.user_id); }, ReadDetailedResult,
        ResultNotFound(result_id));
  }

  Result<Listing<TestResult>> ListPageResults(const std::string& page_id, const PageRequest& page,
                                              const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(page));
    // Newest first: a backward walk of test_results_page. The cursor's condition appears
    // only with a cursor, so the walk starts inside the index, not at its end.
    std::string sql = std::string("SELECT ") + kListColumns +
                      " FROM test_results WHERE page_id = ?1 AND (?3 IS NULL OR user_id = ?3)";
    if (page.cursor) sql += " AND result_id < ?4";
    sql += " ORDER BY result_id DESC LIMIT ?2";
    auto rows = queries_.Rows<TestResult>(
        sql,
        [&](Statement& s) {
          s.Bind(1, page_id).Bind(2, page.limit + 1).Bind(3, scope.user_id);
          if (page.cursor) s.Bind(4, *page.cursor);
        },
        ReadResult);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) {
      // Nothing listed: read only to tell a page never tested from one out of scope.
      A11Y_RETURN_IF_ERROR(
          queries_.CheckInScope("pages", "page_id", page_id, scope, PageNotFound(page_id)));
    }
    return ToListing(std::move(*rows), page.limit, &TestResult::result_id);
  }

  Result<Listing<TestResult>> ListRunResults(const std::string& run_id, const PageRequest& page,
                                             const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(page));
    auto rows = queries_.Rows<TestResult>(
        std::string("SELECT ") + kListColumns +
            " FROM test_results WHERE run_id = ?1 AND result_id > ?2 "
            "AND (?3 IS NULL OR user_id = ?3) ORDER BY result_id LIMIT ?4",
        [&](Statement& s) {
          s.Bind(1, run_id).Bind(2, page.cursor.value_or("")).Bind(3, scope.user_id);
          s.Bind(4, page.limit + 1);
        },
        ReadResult);
    if (!rows.ok()) return rows.status();
    return ToListing(std::move(*rows), page.limit, &TestResult::result_id);
  }

  Result<Listing<TestRunSummary>> ListRuns(const std::string& website_id, const PageRequest& page,
                                           const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(page));
    // A backward walk of test_results_website_run: each run's rows are adjacent, so they
    // are summed as the walk passes them and the LIMIT stops it after the page's runs.
    std::string sql =
        "SELECT run_id, min(website_id), min(project_id), min(user_id), count(*), count(error), "
        "sum(errors), sum(warnings), sum(info), sum(discovery), "
        "COALESCE(avg(CASE WHEN error IS NULL THEN score END), 0.0), min(tested_at), "
        "max(tested_at) FROM test_results WHERE website_id = ?1 AND (?3 IS NULL OR user_id = ?3)";
    if (page.cursor) sql += " AND run_id < ?4";
    sql += " GROUP BY run_id ORDER BY run_id DESC LIMIT ?2";
    auto rows = queries_.Rows<TestRunSummary>(
        sql,
        [&](Statement& s) {
          s.Bind(1, website_id).Bind(2, page.limit + 1).Bind(3, scope.user_id);
          if (page.cursor) s.Bind(4, *page.cursor);
        },
        ReadRunSummary);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) {
      // Nothing listed: read only to tell a website never tested from one out of scope.
      A11Y_RETURN_IF_ERROR(queries_.CheckInScope("websites", "website_id", website_id, scope,
                                                 WebsiteNotFound(website_id)));
    }
    return ToListing(std::move(*rows), page.limit, &TestRunSummary::run_id);
  }

  Result<std::vector<std::string>> TestedPageIds(const std::string& job_id) override {
    return queries_.Rows<std::string>(
        "SELECT DISTINCT page_id FROM test_results WHERE job_id = ?1 ORDER BY page_id",
        [&](Statement& s) { s.Bind(1, job_id); }, [](const Statement& s) { return s.Text(0); });
  }

 private:
  // Why kInsertResult inserted nothing, read on the same connection under the write mutex.
  // The job first: a worker that lost its job must stop, whatever became of the page. A job
  // held with `token` now was held at the insert too (a claim always takes a new token), so
  // then it was the page that was gone.
  Status ExplainMiss(Connection* c, const TestResult& r, int64_t token) {
    auto st = c->Prepare("SELECT status, lock_token FROM jobs WHERE job_id = ?1");
    if (!st.ok()) return st.status();
    st->Bind(1, r.job_id);
    Status status;
    if (!st->Step(&status)) {
      if (!status.ok()) return status;
      return AsLeaseLost(Status::NotFound("job '" + r.job_id + "' not found; test result refused"));
    }
    const std::string job_status = st->Text(0);
    const int64_t current = st->Int(1);
    if (current != token) {
      return Status::LeaseLost("job '" + r.job_id + "': lock token " + std::to_string(token) +
                               " is stale (now " + std::to_string(current) +
                               "); test result refused");
    }
    if (job_status != "running" && job_status != "cancelling") {
      return AsLeaseLost(Status::FailedPrecondition("job '" + r.job_id + "' is " + job_status +
                                                    "; test result refused"));
    }
    return Status::NotFound(PageNotFound(r.page_id));
  }

  ConnectionPool* const pool_;
  std::mutex* const write_mu_;
  LatencyHistogram* const latency_;
  const sqlite::Queries queries_;
};

}  // namespace

std::unique_ptr<ResultStore> NewSqliteResultStore(sqlite::ConnectionPool* pool,
                                                  std::mutex* write_mu, LatencyHistogram* latency) {
  return std::make_unique<SqliteResultStore>(pool, write_mu, latency);
}

}  // namespace a11y
