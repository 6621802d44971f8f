// GET /healthz and GET /metrics: for load balancers and Prometheus. Neither needs a login
// (they reveal counts, never contents); deploy /metrics behind the network's own guard.
#include <sstream>

#include "http/api_support.h"

namespace a11y::http {
namespace {

// Prometheus label values escape backslash, quote and newline.
std::string Label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? 'n' : c;
  }
  return out;
}

void Family(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

void Histogram(std::ostringstream& out, const char* name, const char* help,
               const LatencyHistogram& histogram) {
  Family(out, name, "summary", help);
  for (double q : {0.5, 0.9, 0.99}) {
    out << name << "{quantile=\"" << q << "\"} " << histogram.QuantileMicros(q) / 1e6 << '\n';
  }
  out << name << "_sum " << histogram.MeanMicros() * histogram.Count() / 1e6 << '\n'
      << name << "_count " << histogram.Count() << '\n';
}

Response Metrics(ApiContext& context) {
  const JobStatistics stats = Value(context.jobs->GetJobStatistics());
  std::ostringstream out;
  Family(out, "auto_a11y_jobs", "gauge", "Jobs in the database by type and status.");
  int64_t queued = 0;
  for (const auto& [type, by_status] : stats.store.counts) {
    for (const auto& [status, count] : by_status) {
      out << "auto_a11y_jobs{type=\"" << Label(type) << "\",status=\"" << Label(status) << "\"} "
          << count << '\n';
      if (status == "pending") queued += count;
    }
  }
  Family(out, "auto_a11y_queue_depth", "gauge", "Pending jobs waiting for a worker.");
  out << "auto_a11y_queue_depth " << queued << '\n';
  Family(out, "auto_a11y_job_duration_seconds_mean", "gauge",
         "Mean time from start to completion of completed jobs, by type.");
  for (const auto& [type, seconds] : stats.store.average_duration_seconds) {
    out << "auto_a11y_job_duration_seconds_mean{type=\"" << Label(type) << "\"} " << seconds
        << '\n';
  }
  Family(out, "auto_a11y_cancellation_requests_total", "counter",
         "Cancellation requests recorded.");
  out << "auto_a11y_cancellation_requests_total " << stats.store.cancellation_requests << '\n';
  Family(out, "auto_a11y_cancellation_seconds_mean", "gauge",
         "Mean time from a cancellation request to the job ending cancelled, by type.");
  for (const auto& [type, seconds] : stats.store.average_cancellation_seconds) {
    out << "auto_a11y_cancellation_seconds_mean{type=\"" << Label(type) << "\"} " << seconds
        << '\n';
  }
  StoreMetrics& store = context.jobs->store().metrics();
  Family(out, "auto_a11y_claim_attempts_total", "counter", "Claim statements run by this process.");
  out << "auto_a11y_claim_attempts_total " << store.claim_attempts.load() << '\n';
  Family(out, "auto_a11y_lock_contention_total", "counter",
         "Claims or lock attempts that found the row or database held by another.");
  out << "auto_a11y_lock_contention_total " << store.lock_contention.load() << '\n';
  Histogram(out, "auto_a11y_database_query_seconds", "Database statement latency in this process.",
            store.query_latency);
  Histogram(out, "auto_a11y_claim_seconds", "Claim latency of this process's workers.",
            store.claim_latency);
  if (context.server_metrics) out << context.server_metrics();
  Response response;
  response.content_type = "text/plain; version=0.0.4";
  response.body = out.str();
  return response;
}

}  // namespace

void RegisterSystemRoutes(Router& router, ApiContext& context) {
  router.Add("GET", "/healthz", [&context](Request&) {
    auto version = context.jobs->store().SchemaVersion();
    if (!version.ok()) {
      throw ApiError(503, "database_unavailable",
                     "the database cannot be reached: " + version.status().message());
    }
    return Response::Json(200, {{"status", "ok"},
                                {"database", context.jobs->store().BackendName()},
                                {"schema_version", *version}});
  });
  router.Add("GET", "/metrics", [&context](Request&) { return Metrics(context); });
}

void RegisterRoutes(Router& router, ApiContext& context) {
  RegisterSystemRoutes(router, context);
  RegisterAuthRoutes(router, context);
  RegisterProjectRoutes(router, context);
  RegisterJobRoutes(router, context);
  RegisterAdminRoutes(router, context);
  RegisterEventRoutes(router, context);
}

}  // namespace a11y::http
