#include "store/postgres/postgres_result_store.h"

#include <string>
#include <utility>
#include <vector>

#include "store/discovery_store.h"
#include "store/postgres/postgres_queries.h"

namespace a11y {
namespace {

using pg::Double;
using pg::Int;
using pg::OptText;
using pg::Param;
using pg::Params;
using pg::PgConnection;
using pg::PgResult;
using pg::Placeholder;
using pg::ScopeClause;
using pg::SelectList;
using pg::Text;
using pg::Time;

// Everything but findings and act, in the order ReadResult decodes: what listings read.
const std::string& ListColumns() {
  static const std::string columns = SelectList(
      "result_id, page_id, website_id, project_id, user_id, job_id, run_id, url, duration_ms, "
      "status_code, error, level, errors, warnings, info, discovery, score",
      {"tested_at"});
  return columns;
}
// One result read whole: the list columns, then findings and act.
const std::string& DetailColumns() {
  static const std::string columns = ListColumns() + ", findings, act";
  return columns;
}

// The fence and the owner in one statement: the row is built from the page (so its owner,
// project and website are the page's) and only while the job still carries the token and
// is active. FOR SHARE waits for (and then re-reads) a concurrent change of the job's row
// and holds it until the insert commits, so the lease cannot move on while the row lands.
// No row inserted means one of the two failed; ExplainMiss reads which.
constexpr const char* kInsertResult = R"sql(
INSERT INTO test_results (result_id, page_id, website_id, project_id, user_id, job_id, run_id,
                          url, tested_at, duration_ms, status_code, error, level, errors,
                          warnings, info, discovery, score, findings, act)
SELECT $1::text, p.page_id, p.website_id, p.project_id, p.user_id, $2::text, $3::text, $4::text,
       $5::timestamptz, $6::bigint, $7::integer, $8::text, $9::text, $10::bigint, $11::bigint,
       $12::bigint, $13::bigint, $14::float8, $15::text, $16::text
FROM pages p
WHERE p.page_id = $17::text
  AND EXISTS (SELECT 1 FROM jobs WHERE job_id = $2::text AND lock_token = $18::bigint
              AND status IN ('running', 'cancelling') FOR SHARE))sql";

// A website's runs: a backward walk of test_results_website_run, whose rows for one run are
// adjacent, so each run is summed as the walk passes it and the LIMIT ends the walk.
const std::string& RunSummarySelect() {
  static const std::string select =
      "SELECT run_id, min(website_id), min(project_id), min(user_id), count(*), count(error), "
      "sum(errors)::bigint, sum(warnings)::bigint, sum(info)::bigint, sum(discovery)::bigint, "
      "COALESCE(avg(score) FILTER (WHERE error IS NULL), 0), " +
      pg::UnixMicros("min(tested_at)") + ", " + pg::UnixMicros("max(tested_at)") +
      " FROM test_results WHERE website_id = $1";
  return select;
}

// The checker's output is valid JSON; invalid UTF-8 in it is replaced, never thrown.
Param JsonString(const Json& value) {
  return Text(value.dump(-1, ' ', false, Json::error_handler_t::replace));
}

Json ParseArray(const std::string& text) {
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? Json::array() : parsed;
}

TestResult ReadResult(const PgResult& r, int i) {
  TestResult t;
  t.result_id = r.GetText(i, 0);
  t.page_id = r.GetText(i, 1);
  t.website_id = r.GetText(i, 2);
  t.project_id = r.GetText(i, 3);
  t.user_id = r.GetText(i, 4);
  t.job_id = r.GetText(i, 5);
  t.run_id = r.GetText(i, 6);
  t.url = r.GetText(i, 7);
  t.duration_ms = r.GetInt(i, 8);
  if (!r.IsNull(i, 9)) t.status_code = static_cast<int>(r.GetInt(i, 9));
  t.error = r.GetOptText(i, 10);
  t.level = r.GetText(i, 11);
  t.counts.errors = r.GetInt(i, 12);
  t.counts.warnings = r.GetInt(i, 13);
  t.counts.info = r.GetInt(i, 14);
  t.counts.discovery = r.GetInt(i, 15);
  t.score = r.GetDouble(i, 16);
  t.tested_at = r.GetTime(i, 17);
  return t;
}

TestResult ReadDetailedResult(const PgResult& r, int i) {
  TestResult t = ReadResult(r, i);
  t.findings = ParseArray(r.GetText(i, 18));
  t.act = ParseArray(r.GetText(i, 19));
  return t;
}

TestRunSummary ReadRunSummary(const PgResult& r, int i) {
  TestRunSummary run;
  run.run_id = r.GetText(i, 0);
  run.website_id = r.GetText(i, 1);
  run.project_id = r.GetText(i, 2);
  run.user_id = r.GetText(i, 3);
  run.pages_tested = r.GetInt(i, 4);
  run.pages_failed = r.GetInt(i, 5);
  run.counts.errors = r.GetInt(i, 6);
  run.counts.warnings = r.GetInt(i, 7);
  run.counts.info = r.GetInt(i, 8);
  run.counts.discovery = r.GetInt(i, 9);
  run.average_score = r.GetDouble(i, 10);
  run.started_at = r.GetTime(i, 11);
  run.finished_at = r.GetTime(i, 12);
  return run;
}

class PostgresResultStore final : public ResultStore {
 public:
  PostgresResultStore(pg::PgPool* pool, LatencyHistogram* latency)
      : pool_(pool), latency_(latency), queries_(pool, latency) {}

  Status SaveResult(const TestResult& t, int64_t token) override {
    auto handle = pool_->Acquire();
    if (!handle.ok()) return handle.status();
    PgConnection* conn = handle->get();
    auto r = conn->Exec(
        kInsertResult,
        {Text(t.result_id), Text(t.job_id), Text(t.run_id), Text(t.url), Time(t.tested_at),
         Int(t.duration_ms), t.status_code ? Int(*t.status_code) : Param(), OptText(t.error),
         Text(t.level), Int(t.counts.errors), Int(t.counts.warnings), Int(t.counts.info),
         Int(t.counts.discovery), Double(t.score), JsonString(t.findings), JsonString(t.act),
         Text(t.page_id), Int(token)},
        latency_);
    if (!r.ok()) {
      const Status& st = r.status();
      if (st.code() == Status::Code::kAlreadyExists) {
        return Status::AlreadyExists("test result '" + t.result_id + "' already exists");
      }
      // 23503: the page the SELECT found was deleted before the insert committed.
      if (st.code() == Status::Code::kInternal && st.message().rfind("postgres [23503]", 0) == 0) {
        return Status::NotFound(PageNotFound(t.page_id));
      }
      return st;
    }
    if (r->AffectedRows() == 1) return Status::Ok();
    return ExplainMiss(conn, t, token);
  }

  Result<TestResult> GetResult(const std::string& result_id, const Scope& scope) override {
    Params params = {Text(result_id)};
    const std::string sql = "SELECT " + DetailColumns() +
                            " FROM test_results WHERE result_id = $1" + ScopeClause(scope, &params);
    return queries_.One<TestResult>(sql, params, ReadDetailedResult, ResultNotFound(result_id));
  }

  Result<Listing<TestResult>> ListPageResults(const std::string& page_id, const PageRequest& page,
                                              const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(page));
    // Newest first: a backward walk of test_results_page from the cursor.
    Params params = {Text(page_id)};
    std::string sql = "SELECT " + ListColumns() + " FROM test_results WHERE page_id = $1" +
                      ScopeClause(scope, &params);
    if (page.cursor) sql += " AND result_id < " + Placeholder(&params, Text(*page.cursor));
    sql +=
        " ORDER BY result_id DESC LIMIT " + Placeholder(&params, Int(page.limit + 1)) + "::integer";
    auto rows = queries_.Rows<TestResult>(sql, params, ReadResult);
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
    Params params = {Text(run_id), Text(page.cursor.value_or(""))};
    std::string sql = "SELECT " + ListColumns() +
                      " FROM test_results WHERE run_id = $1 AND result_id > $2" +
                      ScopeClause(scope, &params);
    sql += " ORDER BY result_id LIMIT " + Placeholder(&params, Int(page.limit + 1)) + "::integer";
    auto rows = queries_.Rows<TestResult>(sql, params, ReadResult);
    if (!rows.ok()) return rows.status();
    return ToListing(std::move(*rows), page.limit, &TestResult::result_id);
  }

  Result<Listing<TestRunSummary>> ListRuns(const std::string& website_id, const PageRequest& page,
                                           const Scope& scope) override {
    A11Y_RETURN_IF_ERROR(CheckPageRequest(page));
    Params params = {Text(website_id)};
    std::string sql = RunSummarySelect() + ScopeClause(scope, &params);
    if (page.cursor) sql += " AND run_id < " + Placeholder(&params, Text(*page.cursor));
    sql += " GROUP BY run_id ORDER BY run_id DESC LIMIT " +
           Placeholder(&params, Int(page.limit + 1)) + "::integer";
    auto rows = queries_.Rows<TestRunSummary>(sql, params, ReadRunSummary);
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
        "SELECT DISTINCT page_id FROM test_results WHERE job_id = $1 ORDER BY page_id",
        {Text(job_id)}, [](const PgResult& r, int i) { return r.GetText(i, 0); });
  }

 private:
  // Why kInsertResult inserted nothing, read on the same connection. The job first: a
  // worker that lost its job must stop, whatever became of the page. A job held with
  // `token` now was held at the insert too (a claim always takes a new token), so then it
  // was the page that was gone.
  Status ExplainMiss(PgConnection* conn, const TestResult& t, int64_t token) {
    auto r = conn->Exec("SELECT status, lock_token FROM jobs WHERE job_id = $1", {Text(t.job_id)},
                        latency_);
    if (!r.ok()) return r.status();
    if (r->rows() == 0) {
      return AsLeaseLost(Status::NotFound("job " + t.job_id + " not found; test result refused"));
    }
    const std::string job_status = r->GetText(0, 0);
    const int64_t current = r->GetInt(0, 1);
    if (current != token || (job_status != "running" && job_status != "cancelling")) {
      return Status::LeaseLost("job " + t.job_id + " no longer held with token " +
                               std::to_string(token) + " (status " + job_status + ", token " +
                               std::to_string(current) + "); test result refused");
    }
    return Status::NotFound(PageNotFound(t.page_id));
  }

  pg::PgPool* const pool_;
  LatencyHistogram* const latency_;
  const pg::Queries queries_;
};

}  // namespace

std::unique_ptr<ResultStore> NewPostgresResultStore(pg::PgPool* pool, LatencyHistogram* latency) {
  return std::make_unique<PostgresResultStore>(pool, latency);
}

}  // namespace a11y
