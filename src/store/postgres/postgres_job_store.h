// The PostgreSQL JobStore: for several processes on several machines sharing one
// database. Claims use FOR UPDATE SKIP LOCKED; new work is announced with NOTIFY.
#pragma once

#include <memory>
#include <string>

#include "core/env.h"
#include "core/status.h"
#include "store/job_store.h"

namespace a11y {

// Connects to `url`, a libpq connection URI ("postgresql://user@host:port/db"), and
// returns a store that reads its clock from `env`. Does not migrate. kInvalidArgument
// for a malformed URL, kUnavailable when the server cannot be reached.
// REQUIRES: env outlives the store.
Result<std::unique_ptr<JobStore>> OpenPostgresJobStore(const std::string& url, Env* env);

}  // namespace a11y
