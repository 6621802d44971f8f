// The PostgreSQL ResultStore: the test results of the testing jobs, in the job store's
// database, on its connection pool.
#pragma once

#include <memory>

#include "core/metrics.h"
#include "store/postgres/postgres_connection.h"
#include "store/result_store.h"

namespace a11y {

// A result store on the job store's pool, recording each statement's latency in the job
// store's histogram.
// REQUIRES: pool and latency outlive the returned store.
std::unique_ptr<ResultStore> NewPostgresResultStore(pg::PgPool* pool, LatencyHistogram* latency);

}  // namespace a11y
