// The PostgreSQL DomainStore: users, sessions, tokens, projects, websites and pages in the
// job store's database, on its connection pool.
#pragma once

#include <memory>

#include "core/metrics.h"
#include "store/domain_store.h"
#include "store/postgres/postgres_connection.h"

namespace a11y {

// A domain store on the job store's pool, recording each statement's latency in the job
// store's histogram. It needs no clock: every time it stores comes from the caller.
// REQUIRES: pool and latency outlive the returned store.
std::unique_ptr<DomainStore> NewPostgresDomainStore(pg::PgPool* pool, LatencyHistogram* latency);

}  // namespace a11y
