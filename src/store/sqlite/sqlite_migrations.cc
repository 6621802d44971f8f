// Versioned schema of the SQLite store. Append new versions; never edit an applied one.
// Times are INTEGER microseconds since the Unix epoch, UTC: unambiguous and index-friendly.
#include "store/sqlite/sqlite_migrations.h"

namespace a11y::sqlite {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> migrations = {
      {1, "jobs, indexes and the diagnostic ledger", R"SQL(
CREATE TABLE jobs (
  job_id                    TEXT    NOT NULL PRIMARY KEY,
  job_type                  TEXT    NOT NULL,
  status                    TEXT    NOT NULL CHECK (status IN
                              ('pending','running','completed','failed','cancelled','cancelling')),
  website_id                TEXT    NOT NULL DEFAULT '',
  project_id                TEXT    NOT NULL DEFAULT '',
  user_id                   TEXT    NOT NULL DEFAULT '',
  session_id                TEXT    NOT NULL DEFAULT '',
  created_at                INTEGER NOT NULL,
  updated_at                INTEGER NOT NULL,
  started_at                INTEGER,
  completed_at              INTEGER,
  progress_current          INTEGER NOT NULL DEFAULT 0,
  progress_total            INTEGER NOT NULL DEFAULT 0,
  progress_message          TEXT    NOT NULL DEFAULT '',
  progress_percentage       REAL    NOT NULL DEFAULT 0,
  progress_details          TEXT    NOT NULL DEFAULT '{}',
  metadata                  TEXT    NOT NULL DEFAULT '{}',
  error                     TEXT,
  result                    TEXT,
  cancellation_requested    INTEGER NOT NULL DEFAULT 0,
  cancellation_requested_at INTEGER,
  cancellation_requested_by TEXT,
  lock_holder               TEXT,
  lock_acquired_at          INTEGER,
  lock_expiry               INTEGER,
  lock_token                INTEGER NOT NULL DEFAULT 0,
  heartbeat_at              INTEGER,
  priority                  INTEGER NOT NULL DEFAULT 0,
  queue                     TEXT    NOT NULL DEFAULT 'default',
  run_after                 INTEGER NOT NULL,
  attempt                   INTEGER NOT NULL DEFAULT 0,
  max_attempts              INTEGER NOT NULL DEFAULT 3,
  parent_job_id             TEXT,
  checkpoint                TEXT
);
CREATE INDEX jobs_type_status_created ON jobs (job_type, status, created_at);
CREATE INDEX jobs_user_status_created ON jobs (user_id, status, created_at);
CREATE INDEX jobs_website_status      ON jobs (website_id, status);
CREATE INDEX jobs_status_updated      ON jobs (status, updated_at);
CREATE INDEX jobs_completed_at        ON jobs (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX jobs_created             ON jobs (created_at, job_id);
-- Claiming the next job walks this index in order: a lookup, not a scan.
CREATE INDEX jobs_claim ON jobs (priority DESC, run_after, created_at) WHERE status = 'pending';
-- The lease reaper touches only active rows. (Worker lease checks go by job_id.)
CREATE INDEX jobs_active_lease ON jobs (lock_expiry) WHERE status IN ('running','cancelling');
CREATE INDEX jobs_parent ON jobs (parent_job_id) WHERE parent_job_id IS NOT NULL;

CREATE TABLE job_ledger (
  job_id      TEXT    NOT NULL PRIMARY KEY,
  lock_token  INTEGER NOT NULL,
  worker_id   TEXT    NOT NULL,
  recorded_at INTEGER NOT NULL
);
)SQL"},
      {2, "users, sessions, API tokens, projects, websites and pages", R"SQL(
-- Ids are text made by NewSortableId: they sort by creation time, so every listing is a
-- keyset walk of an index ending in the id. Times as in the jobs table.
CREATE TABLE users (
  user_id       TEXT    NOT NULL PRIMARY KEY,
  username      TEXT    NOT NULL UNIQUE,
  password_hash TEXT    NOT NULL,
  role          TEXT    NOT NULL CHECK (role IN ('user','admin')),
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

-- Sessions and tokens go with their user; only secret hashes are stored.
CREATE TABLE auth_sessions (
  session_id   TEXT    NOT NULL PRIMARY KEY,
  secret_hash  TEXT    NOT NULL UNIQUE,
  user_id      TEXT    NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  csrf_token   TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX auth_sessions_user    ON auth_sessions (user_id);
CREATE INDEX auth_sessions_expires ON auth_sessions (expires_at);

CREATE TABLE api_tokens (
  token_id     TEXT    NOT NULL PRIMARY KEY,
  secret_hash  TEXT    NOT NULL UNIQUE,
  user_id      TEXT    NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  name         TEXT    NOT NULL,
  prefix       TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER,
  last_used_at INTEGER,
  revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, token_id);

-- No foreign key to users: a project (and its jobs' history) outlives its owner's account.
CREATE TABLE projects (
  project_id  TEXT    NOT NULL PRIMARY KEY,
  user_id     TEXT    NOT NULL,
  name        TEXT    NOT NULL,
  description TEXT    NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (user_id, name)
);
CREATE INDEX projects_user ON projects (user_id, project_id);

-- user_id repeats the project's owner so that scoped reads need no join.
CREATE TABLE websites (
  website_id TEXT    NOT NULL PRIMARY KEY,
  project_id TEXT    NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
  user_id    TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  start_url  TEXT    NOT NULL,
  settings   TEXT    NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (project_id, name)
);
CREATE INDEX websites_project ON websites (project_id, website_id);

CREATE TABLE pages (
  page_id       TEXT    NOT NULL PRIMARY KEY,
  website_id    TEXT    NOT NULL REFERENCES websites (website_id) ON DELETE CASCADE,
  project_id    TEXT    NOT NULL,
  user_id       TEXT    NOT NULL,
  url           TEXT    NOT NULL,
  source        TEXT    NOT NULL DEFAULT 'manual',
  final_url     TEXT,
  status_code   INTEGER,
  content_type  TEXT,
  title         TEXT,
  depth         INTEGER NOT NULL DEFAULT 0,
  referrer      TEXT,
  content_hash  TEXT,
  size_bytes    INTEGER,
  missing       INTEGER NOT NULL DEFAULT 0,
  first_seen_at INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  UNIQUE (website_id, url)
);
CREATE INDEX pages_website ON pages (website_id, page_id);
)SQL"},
      {3, "the worker registry", R"SQL(
-- One row per live worker process, upserted at start and at every lease heartbeat and
-- deleted at a clean stop. A crashed worker's row stays until maintenance deletes rows not
-- seen for a while: both that and the administrators' listing go by last_heartbeat_at.
CREATE TABLE workers (
  worker_id         TEXT    NOT NULL PRIMARY KEY,
  host              TEXT    NOT NULL,
  pid               INTEGER NOT NULL,
  started_at        INTEGER NOT NULL,
  last_heartbeat_at INTEGER NOT NULL,
  concurrency       INTEGER NOT NULL,
  running_jobs      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX workers_last_heartbeat ON workers (last_heartbeat_at);
)SQL"},
      {4, "discovery runs, documents, and pages' fetch error and last run", R"SQL(
-- Discovery updates pages in place: last_run_id names the run that last saw a page, so a
-- completed run marks missing the discovery pages whose last_run_id is another run's (or
-- NULL), and a resumed run reads back what it already fetched. fetch_error says why the
-- latest fetch failed. Both are NULL for a page no run has seen.
ALTER TABLE pages ADD COLUMN fetch_error TEXT;
ALTER TABLE pages ADD COLUMN last_run_id TEXT;

-- One row per discovery run, written by its job: created running, counts replaced at each
-- flush, finished once. The owner and project repeat the website's, so scoped reads need
-- no join; runs go with their website. Listed newest first by run_id.
CREATE TABLE discovery_runs (
  run_id          TEXT    NOT NULL PRIMARY KEY,
  website_id      TEXT    NOT NULL REFERENCES websites (website_id) ON DELETE CASCADE,
  project_id      TEXT    NOT NULL,
  user_id         TEXT    NOT NULL,
  job_id          TEXT    NOT NULL,
  session_id      TEXT    NOT NULL DEFAULT '',
  status          TEXT    NOT NULL CHECK (status IN ('running','completed','failed','cancelled')),
  error           TEXT,
  pages_found     INTEGER NOT NULL DEFAULT 0,
  pages_processed INTEGER NOT NULL DEFAULT 0,
  pages_failed    INTEGER NOT NULL DEFAULT 0,
  documents_found INTEGER NOT NULL DEFAULT 0,
  pages_missing   INTEGER NOT NULL DEFAULT 0,
  started_at      INTEGER NOT NULL,
  finished_at     INTEGER
);
CREATE INDEX discovery_runs_website ON discovery_runs (website_id, run_id);

-- Documents (pdf, docx, ...) the website's pages link to: recorded, never fetched, and
-- upserted by (website_id, url) like pages. link_text and referrer are the first page's.
CREATE TABLE documents (
  document_id   TEXT    NOT NULL PRIMARY KEY,
  website_id    TEXT    NOT NULL REFERENCES websites (website_id) ON DELETE CASCADE,
  project_id    TEXT    NOT NULL,
  user_id       TEXT    NOT NULL,
  url           TEXT    NOT NULL,
  doc_type      TEXT    NOT NULL,
  link_text     TEXT    NOT NULL DEFAULT '',
  referrer      TEXT    NOT NULL DEFAULT '',
  internal      INTEGER NOT NULL DEFAULT 1,
  missing       INTEGER NOT NULL DEFAULT 0,
  last_run_id   TEXT,
  first_seen_at INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  UNIQUE (website_id, url)
);
CREATE INDEX documents_website ON documents (website_id, document_id);
)SQL"},
      {5, "projects' WCAG level and test results", R"SQL(
-- The level a project's pages are tested at. Existing projects keep the default, AA.
ALTER TABLE projects ADD COLUMN wcag_level TEXT NOT NULL DEFAULT 'AA'
  CHECK (wcag_level IN ('A','AA','AAA'));

-- One row per page tested, written once by its testing job and never updated: a page's
-- history, and summed per run (run_id, the job that asked for the tests). The owner,
-- project and website repeat the page's, so scoped reads need no join; results go with
-- their page and website. findings and act are JSON text, read only for one result.
CREATE TABLE test_results (
  result_id   TEXT    NOT NULL PRIMARY KEY,
  page_id     TEXT    NOT NULL REFERENCES pages (page_id) ON DELETE CASCADE,
  website_id  TEXT    NOT NULL REFERENCES websites (website_id) ON DELETE CASCADE,
  project_id  TEXT    NOT NULL,
  user_id     TEXT    NOT NULL,
  job_id      TEXT    NOT NULL,
  run_id      TEXT    NOT NULL,
  url         TEXT    NOT NULL,
  tested_at   INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL DEFAULT 0,
  status_code INTEGER,
  error       TEXT,
  level       TEXT    NOT NULL,
  errors      INTEGER NOT NULL DEFAULT 0,
  warnings    INTEGER NOT NULL DEFAULT 0,
  info        INTEGER NOT NULL DEFAULT 0,
  discovery   INTEGER NOT NULL DEFAULT 0,
  score       REAL    NOT NULL DEFAULT 0,
  findings    TEXT    NOT NULL DEFAULT '[]',
  act         TEXT    NOT NULL DEFAULT '[]'
);
-- A page's history, newest first (and the page's cascade).
CREATE INDEX test_results_page ON test_results (page_id, result_id);
-- A run's results, oldest first.
CREATE INDEX test_results_run ON test_results (run_id, result_id);
-- A website's runs, newest first, grouped as the walk goes (and the website's cascade).
CREATE INDEX test_results_website_run ON test_results (website_id, run_id);
-- What a testing job taken over after a crash has already tested.
CREATE INDEX test_results_job ON test_results (job_id);
)SQL"},
  };
  return migrations;
}

}  // namespace a11y::sqlite
