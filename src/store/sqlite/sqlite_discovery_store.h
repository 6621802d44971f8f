// The SQLite DiscoveryStore: discovery runs, the pages they update and the documents they
// record, in the job store's database file, on its connections.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/metrics.h"
#include "store/discovery_store.h"
#include "store/sqlite/sqlite_db.h"

namespace a11y {

// The job store's fenced checkpoint write (SaveCheckpoint's statement) run on `c`, inside
// the caller's transaction and under its write_mu: OK when job `job_id` still carries
// `token` and is active, else why not (kLeaseLost, kFailedPrecondition, kNotFound).
using SqliteCheckpointFence = std::function<Status(
    sqlite::Connection* c, const std::string& job_id, int64_t token, const Json& checkpoint)>;

// A discovery store on the job store's connection pool, recording each statement's latency
// in the job store's histogram. Writes take `write_mu` first, as the job store's do.
// SaveBatch opens its transaction with `fence`, so the batch lands only while the job is
// still held. Every other time it stores comes from the caller.
// REQUIRES: every argument outlives the returned store.
std::unique_ptr<DiscoveryStore> NewSqliteDiscoveryStore(sqlite::ConnectionPool* pool,
                                                        std::mutex* write_mu,
                                                        LatencyHistogram* latency,
                                                        SqliteCheckpointFence fence);

}  // namespace a11y
