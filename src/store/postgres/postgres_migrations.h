// The PostgreSQL schema as numbered migrations, recorded in schema_migrations.
#pragma once

#include "core/env.h"
#include "core/metrics.h"
#include "core/status.h"
#include "store/postgres/postgres_connection.h"

namespace a11y::pg {

// The channel InsertJobs (and anything else that makes work runnable) notifies.
inline constexpr const char* kJobsChannel = "auto_a11y_jobs";

// The newest schema version this binary knows.
int LatestSchemaVersion();

// Applies every migration newer than the database's version, each in its own
// transaction, holding a transaction-scoped advisory lock so that concurrent callers
// (several processes starting at once) apply each migration exactly once.
Status ApplyMigrations(PgConnection* conn, Env* env, LatencyHistogram* latency);

// The highest applied version; 0 for an empty database.
Result<int> CurrentSchemaVersion(PgConnection* conn, LatencyHistogram* latency);

}  // namespace a11y::pg
