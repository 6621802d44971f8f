#include <cstdlib>

#include "store/job_store.h"
#include "store/sqlite/sqlite_job_store.h"
#include "store/postgres/postgres_job_store.h"

namespace a11y {

const char* CancelOutcomeName(CancelOutcome outcome) {
  switch (outcome) {
    case CancelOutcome::kCancelled: return "cancelled";
    case CancelOutcome::kCancelling: return "cancelling";
    case CancelOutcome::kAlreadyFinished: return "already_finished";
    case CancelOutcome::kNotFound: return "not_found";
  }
  return "unknown";
}

Result<std::unique_ptr<JobStore>> OpenJobStore(const std::string& url, Env* env) {
  if (url.rfind("sqlite:", 0) == 0) {
    // sqlite:PATH[?busy_timeout_ms=N]
    std::string path = url.substr(7);
    SqliteOptions options;
    const auto query = path.find('?');
    if (query != std::string::npos) {
      const std::string parameter = path.substr(query + 1);
      path.resize(query);
      const std::string key = "busy_timeout_ms=";
      char* end = nullptr;
      const long value = parameter.rfind(key, 0) == 0
                             ? std::strtol(parameter.c_str() + key.size(), &end, 10)
                             : -1;
      if (value < 0 || end == nullptr || *end != '\0') {
        return Status::InvalidArgument("database URL parameter '" + parameter +
                                       "' is not busy_timeout_ms=<milliseconds>");
      }
      options.busy_timeout = std::chrono::milliseconds(value);
    }
    if (path.empty()) return Status::InvalidArgument("database URL 'sqlite:' names no file");
    return OpenSqliteJobStore(path, env, options);
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return OpenPostgresJobStore(url, env);
  }
  return Status::InvalidArgument("database URL '" + url +
                                 "' is neither sqlite:PATH nor postgresql://...");
}

}  // namespace a11y
