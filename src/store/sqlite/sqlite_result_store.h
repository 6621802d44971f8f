// The SQLite ResultStore: the test results of the testing jobs, in the job store's database
// file, on its connections.
#pragma once

#include <memory>
#include <mutex>

#include "core/metrics.h"
#include "store/result_store.h"
#include "store/sqlite/sqlite_db.h"

namespace a11y {

// A result store on the job store's connection pool, recording each statement's latency in
// the job store's histogram. Writes take `write_mu` first, as the job store's do.
// REQUIRES: every argument outlives the returned store.
std::unique_ptr<ResultStore> NewSqliteResultStore(sqlite::ConnectionPool* pool,
                                                  std::mutex* write_mu, LatencyHistogram* latency);

}  // namespace a11y
