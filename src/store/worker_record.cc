#include "store/job_store.h"

namespace a11y {

Json WorkerRecord::ToJson() const {
  return Json{{"worker_id", worker_id},
              {"host", host},
              {"pid", pid},
              {"started_at", FormatRfc3339(started_at)},
              {"last_heartbeat_at", FormatRfc3339(last_heartbeat_at)},
              {"concurrency", concurrency},
              {"running_jobs", running_jobs}};
}

}  // namespace a11y
