// The embedded default store: one SQLite file in WAL mode, shared safely by the
// threads of one process and by several processes on one machine.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "store/job_store.h"

namespace a11y {

struct SqliteOptions {
  // How long a write waits for another process's transaction before failing.
  std::chrono::milliseconds busy_timeout{15000};
};

// `path` is a file path; the file is created if missing (its folder must exist).
Result<std::unique_ptr<JobStore>> OpenSqliteJobStore(const std::string& path, Env* env,
                                                     SqliteOptions options = {});

}  // namespace a11y
