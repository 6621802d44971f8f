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
  };
  return migrations;
}

}  // namespace a11y::sqlite
