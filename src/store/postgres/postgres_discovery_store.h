// The PostgreSQL DiscoveryStore: discovery runs, the pages they update and the documents
// they record, in the job store's database, on its connection pool.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/metrics.h"
#include "store/discovery_store.h"
#include "store/postgres/postgres_connection.h"

namespace a11y {

// The job store's fenced checkpoint write (SaveCheckpoint's statement) run on `conn`,
// inside the caller's transaction: OK when job `job_id` still carries `token` and is
// active, else why not (kLeaseLost, kNotFound).
using PgCheckpointFence = std::function<Status(
    pg::PgConnection* conn, const std::string& job_id, int64_t token, const Json& checkpoint)>;

// A discovery store on the job store's pool, recording each statement's latency in the
// job store's histogram. SaveBatch opens its transaction with `fence`, so the batch lands
// only while the job is still held. Every other time it stores comes from the caller.
// REQUIRES: pool and latency outlive the returned store.
std::unique_ptr<DiscoveryStore> NewPostgresDiscoveryStore(pg::PgPool* pool,
                                                          LatencyHistogram* latency,
                                                          PgCheckpointFence fence);

}  // namespace a11y
