#include "store/postgres/postgres_migrations.h"

#include <string>
#include <vector>

namespace a11y::pg {
namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Append only: a released migration never changes; a new schema is a new entry.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> migrations = {
      {1, "create_jobs", R"sql(
CREATE TABLE jobs (
  job_id                    text COLLATE "C" PRIMARY KEY,
  job_type                  text NOT NULL,
  status                    text NOT NULL CHECK (status IN
                              ('pending', 'running', 'completed', 'failed', 'cancelled', 'cancelling')),
  website_id                text NOT NULL DEFAULT '',
  project_id                text NOT NULL DEFAULT '',
  user_id                   text NOT NULL DEFAULT '',
  session_id                text NOT NULL DEFAULT '',
  created_at                timestamptz NOT NULL,
  updated_at                timestamptz NOT NULL,
  started_at                timestamptz,
  completed_at              timestamptz,
  progress_current          bigint NOT NULL DEFAULT 0,
  progress_total            bigint NOT NULL DEFAULT 0,
  progress_message          text NOT NULL DEFAULT '',
  progress_percentage       double precision NOT NULL DEFAULT 0,
  progress_details          jsonb NOT NULL DEFAULT '{}',
  metadata                  jsonb NOT NULL DEFAULT '{}',
  error                     text,
  result                    jsonb,
  cancellation_requested    boolean NOT NULL DEFAULT false,
  cancellation_requested_at timestamptz,
  cancellation_requested_by text,
  lock_holder               text,
  lock_acquired_at          timestamptz,
  lock_expiry               timestamptz,
  lock_token                bigint NOT NULL DEFAULT 0,
  heartbeat_at              timestamptz,
  priority                  integer NOT NULL DEFAULT 0,
  queue                     text NOT NULL DEFAULT 'default',
  run_after                 timestamptz NOT NULL,
  attempt                   integer NOT NULL DEFAULT 0,
  max_attempts              integer NOT NULL DEFAULT 3,
  parent_job_id             text,
  checkpoint                jsonb
);

CREATE INDEX jobs_type_status_created ON jobs (job_type, status, created_at);
CREATE INDEX jobs_user_status_created ON jobs (user_id, status, created_at);
CREATE INDEX jobs_website_status ON jobs (website_id, status);
CREATE INDEX jobs_status_updated ON jobs (status, updated_at);
-- Retention deletes by completion time.
CREATE INDEX jobs_completed_at ON jobs (completed_at) WHERE completed_at IS NOT NULL;
-- Newest-first listing with a keyset cursor.
CREATE INDEX jobs_created_job_id ON jobs (created_at, job_id);
-- Claiming: the next runnable pending job is the first entry of this index.
CREATE INDEX jobs_claim ON jobs (priority DESC, run_after, created_at, job_id) WHERE status = 'pending';
-- Leases of active jobs: by holder (heartbeats) and by expiry (the reaper).
CREATE INDEX jobs_active_lock_holder ON jobs (lock_holder)
  WHERE status IN ('running', 'cancelling');
CREATE INDEX jobs_active_lock_expiry ON jobs (lock_expiry)
  WHERE status IN ('running', 'cancelling');
CREATE INDEX jobs_parent ON jobs (parent_job_id) WHERE parent_job_id IS NOT NULL;
)sql"},
      {2, "create_job_ledger", R"sql(
-- Diagnostic: one row per job effect, for exactly-once tests.
CREATE TABLE job_ledger (
  job_id      text COLLATE "C" PRIMARY KEY,
  lock_token  bigint NOT NULL,
  worker_id   text NOT NULL,
  recorded_at timestamptz NOT NULL
);
)sql"},
      {3, "tune_jobs_autovacuum", R"sql(
-- Every claim walks the claim index from its start, past the entries of jobs claimed since
-- the last vacuum: on a busy queue claims slow down until the table is vacuumed. The
-- default trigger (20% of the table dead) lets a large table go far too long; vacuum
-- after ~2% instead (the heap pages of finished jobs are skipped as all-visible).
ALTER TABLE jobs SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000,
                      autovacuum_analyze_scale_factor = 0.02);
)sql"},
      {4, "create_domain_tables", R"sql(
-- Users, their sessions and API tokens, and what they check: projects, websites, pages.
-- Ids are text made by NewSortableId: they sort by creation time, so every listing is a
-- keyset walk of an index ending in the id. Keys compare bytewise (COLLATE "C"), as jobs do.
CREATE TABLE users (
  user_id       text COLLATE "C" PRIMARY KEY,
  username      text COLLATE "C" NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('user', 'admin')),
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);

-- Sessions and tokens go with their user; only secret hashes are stored.
CREATE TABLE auth_sessions (
  session_id   text COLLATE "C" PRIMARY KEY,
  secret_hash  text COLLATE "C" NOT NULL UNIQUE,
  user_id      text COLLATE "C" NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
CREATE INDEX auth_sessions_expires ON auth_sessions (expires_at);

CREATE TABLE api_tokens (
  token_id     text COLLATE "C" PRIMARY KEY,
  secret_hash  text COLLATE "C" NOT NULL UNIQUE,
  user_id      text COLLATE "C" NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  name         text NOT NULL,
  prefix       text NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz,
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, token_id);

-- No foreign key to users: a project (and its jobs' history) outlives its owner's account.
CREATE TABLE projects (
  project_id  text COLLATE "C" PRIMARY KEY,
  user_id     text COLLATE "C" NOT NULL,
  name        text COLLATE "C" NOT NULL,
  description text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  UNIQUE (user_id, name)
);
CREATE INDEX projects_user ON projects (user_id, project_id);

-- user_id repeats the project's owner so that scoped reads need no join.
CREATE TABLE websites (
  website_id text COLLATE "C" PRIMARY KEY,
  project_id text COLLATE "C" NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
  user_id    text COLLATE "C" NOT NULL,
  name       text COLLATE "C" NOT NULL,
  start_url  text NOT NULL,
  settings   jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (project_id, name)
);
CREATE INDEX websites_project ON websites (project_id, website_id);

CREATE TABLE pages (
  page_id       text COLLATE "C" PRIMARY KEY,
  website_id    text COLLATE "C" NOT NULL REFERENCES websites (website_id) ON DELETE CASCADE,
  project_id    text COLLATE "C" NOT NULL,
  user_id       text COLLATE "C" NOT NULL,
  url           text COLLATE "C" NOT NULL,
  source        text NOT NULL DEFAULT 'manual',
  final_url     text,
  status_code   integer,
  content_type  text,
  title         text,
  depth         integer NOT NULL DEFAULT 0,
  referrer      text,
  content_hash  text,
  size_bytes    bigint,
  missing       boolean NOT NULL DEFAULT false,
  first_seen_at timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  UNIQUE (website_id, url)
);
CREATE INDEX pages_website ON pages (website_id, page_id);
)sql"},
      {5, "create_workers", R"sql(
-- The worker registry: one row per live worker process, upserted at start and at every
-- lease heartbeat and deleted at a clean stop. A crashed worker's row stays until
-- maintenance deletes rows not seen for a while: both that and the administrators'
-- listing go by last_heartbeat_at.
CREATE TABLE workers (
  worker_id         text COLLATE "C" PRIMARY KEY,
  host              text NOT NULL,
  pid               bigint NOT NULL,
  started_at        timestamptz NOT NULL,
  last_heartbeat_at timestamptz NOT NULL,
  concurrency       integer NOT NULL,
  running_jobs      integer NOT NULL DEFAULT 0
);
CREATE INDEX workers_last_heartbeat_at ON workers (last_heartbeat_at);
)sql"},
      {6, "create_discovery_tables", R"sql(
-- Discovery updates pages in place: last_run_id names the run that last saw a page, so a
-- completed run marks missing the discovery pages whose last_run_id is another run's (or
-- NULL), and a resumed run reads back what it already fetched. fetch_error says why the
-- latest fetch failed. Both are NULL for a page no run has seen; nullable columns without
-- a default are added without rewriting the table.
ALTER TABLE pages ADD COLUMN fetch_error text,
                  ADD COLUMN last_run_id text COLLATE "C";

-- One row per discovery run, written by its job: created running, counts replaced at each
-- flush, finished once. The owner and project repeat the website's, so scoped reads need
-- no join; runs go with their website. Listed newest first by run_id.
CREATE TABLE discovery_runs (
  run_id          text COLLATE "C" PRIMARY KEY,
  website_id      text COLLATE "C" NOT NULL REFERENCES websites (website_id) ON DELETE CASCADE,
  project_id      text COLLATE "C" NOT NULL,
  user_id         text COLLATE "C" NOT NULL,
  job_id          text COLLATE "C" NOT NULL,
  session_id      text NOT NULL DEFAULT '',
  status          text NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
  error           text,
  pages_found     bigint NOT NULL DEFAULT 0,
  pages_processed bigint NOT NULL DEFAULT 0,
  pages_failed    bigint NOT NULL DEFAULT 0,
  documents_found bigint NOT NULL DEFAULT 0,
  pages_missing   bigint NOT NULL DEFAULT 0,
  started_at      timestamptz NOT NULL,
  finished_at     timestamptz
);
CREATE INDEX discovery_runs_website ON discovery_runs (website_id, run_id);

-- Documents (pdf, docx, ...) the website's pages link to: recorded, never fetched, and
-- upserted by (website_id, url) like pages. link_text and referrer are the first page's.
CREATE TABLE documents (
  document_id   text COLLATE "C" PRIMARY KEY,
  website_id    text COLLATE "C" NOT NULL REFERENCES websites (website_id) ON DELETE CASCADE,
  project_id    text COLLATE "C" NOT NULL,
  user_id       text COLLATE "C" NOT NULL,
  url           text COLLATE "C" NOT NULL,
  doc_type      text NOT NULL,
  link_text     text NOT NULL DEFAULT '',
  referrer      text NOT NULL DEFAULT '',
  internal      boolean NOT NULL DEFAULT true,
  missing       boolean NOT NULL DEFAULT false,
  last_run_id   text COLLATE "C",
  first_seen_at timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  UNIQUE (website_id, url)
);
CREATE INDEX documents_website ON documents (website_id, document_id);
)sql"},
      {7, "add_wcag_level_and_test_results", R"sql(
-- The level a project's pages are tested at. A constant default is added without
-- rewriting the table; existing projects read AA.
ALTER TABLE projects ADD COLUMN wcag_level text NOT NULL DEFAULT 'AA'
  CHECK (wcag_level IN ('A', 'AA', 'AAA'));

-- One row per page tested, written once by its testing job and never updated: a page's
-- history, and summed per run (run_id, the job that asked for the tests). The owner,
-- project and website repeat the page's, so scoped reads need no join; results go with
-- their page and website. findings and act are JSON stored as text: only ever written
-- whole and read back whole, so jsonb's parse on the way in would buy nothing.
CREATE TABLE test_results (
  result_id   text COLLATE "C" PRIMARY KEY,
  page_id     text COLLATE "C" NOT NULL REFERENCES pages (page_id) ON DELETE CASCADE,
  website_id  text COLLATE "C" NOT NULL REFERENCES websites (website_id) ON DELETE CASCADE,
  project_id  text COLLATE "C" NOT NULL,
  user_id     text COLLATE "C" NOT NULL,
  job_id      text COLLATE "C" NOT NULL,
  run_id      text COLLATE "C" NOT NULL,
  url         text NOT NULL,
  tested_at   timestamptz NOT NULL,
  duration_ms bigint NOT NULL DEFAULT 0,
  status_code integer,
  error       text,
  level       text NOT NULL,
  errors      bigint NOT NULL DEFAULT 0,
  warnings    bigint NOT NULL DEFAULT 0,
  info        bigint NOT NULL DEFAULT 0,
  discovery   bigint NOT NULL DEFAULT 0,
  score       double precision NOT NULL DEFAULT 0,
  findings    text NOT NULL DEFAULT '[]',
  act         text NOT NULL DEFAULT '[]'
);
-- A page's history, newest first (and the page's cascade).
CREATE INDEX test_results_page ON test_results (page_id, result_id);
-- A run's results, oldest first.
CREATE INDEX test_results_run ON test_results (run_id, result_id);
-- A website's runs, newest first, grouped as the walk goes (and the website's cascade).
CREATE INDEX test_results_website_run ON test_results (website_id, run_id);
-- What a testing job taken over after a crash has already tested.
CREATE INDEX test_results_job ON test_results (job_id);
)sql"},
  };
  return migrations;
}

// Any constant shared by every auto-a11y process: "a11y" in ASCII.
constexpr const char* kMigrationLockSql = "SELECT pg_advisory_xact_lock(1630613881)";

}  // namespace

int LatestSchemaVersion() { return Migrations().back().version; }

Status ApplyMigrations(PgConnection* conn, Env* env, LatencyHistogram* latency) {
  return InTransaction(conn, latency, [&]() -> Status {
    // Taken before anything else, so the table creation below cannot race either.
    A11Y_RETURN_IF_ERROR(conn->ExecScript(kMigrationLockSql, latency));
    A11Y_RETURN_IF_ERROR(conn->ExecScript(R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  applied_at timestamptz NOT NULL
))sql",
                                          latency));
    auto current =
        conn->Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}, latency);
    if (!current.ok()) return current.status();
    const int64_t applied = current->GetInt(0, 0);
    // A newer schema (a newer binary ran first, e.g. during a rolling upgrade) is left
    // alone: migrations only ever add.
    for (const Migration& m : Migrations()) {
      if (m.version <= applied) continue;
      A11Y_RETURN_IF_ERROR(conn->ExecScript(m.sql, latency));
      auto recorded = conn->Exec(
          "INSERT INTO schema_migrations (version, name, applied_at) "
          "VALUES ($1::integer, $2, $3::timestamptz)",
          {Int(m.version), Text(m.name), Time(env->Now())}, latency);
      if (!recorded.ok()) return recorded.status();
    }
    return Status::Ok();
  });
}

Result<int> CurrentSchemaVersion(PgConnection* conn, LatencyHistogram* latency) {
  auto exists = conn->Exec("SELECT to_regclass('schema_migrations') IS NOT NULL", {}, latency);
  if (!exists.ok()) return exists.status();
  if (!exists->GetBool(0, 0)) return 0;
  auto version = conn->Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}, latency);
  if (!version.ok()) return version.status();
  return static_cast<int>(version->GetInt(0, 0));
}

}  // namespace a11y::pg
