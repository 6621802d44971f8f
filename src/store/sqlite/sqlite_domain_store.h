// The SQLite DomainStore: users, sessions, tokens, projects, websites and pages in the
// job store's database file, on its connections.
#pragma once

#include <memory>
#include <mutex>

#include "core/metrics.h"
#include "store/domain_store.h"
#include "store/job_store.h"
#include "store/sqlite/sqlite_db.h"

namespace a11y {

// A domain store on the job store's connection pool, recording each statement's latency
// in the job store's histogram. Writes take `write_mu` first, as the job store's do, so
// writers in this process queue on a mutex rather than in SQLite's busy handler. It needs
// no clock: every time it stores comes from the caller.
// REQUIRES: every argument outlives the returned store.
std::unique_ptr<DomainStore> NewSqliteDomainStore(sqlite::ConnectionPool* pool,
                                                  std::mutex* write_mu, LatencyHistogram* latency);

}  // namespace a11y
