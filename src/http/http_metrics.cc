#include "http/http_metrics.h"

#include <algorithm>
#include <cstdio>

namespace a11y::http {
namespace {

// Methods outside this set are labelled "other": the method is the client's choice.
std::string_view MethodLabel(std::string_view method) {
  static constexpr std::string_view kKnown[] = {"GET",    "HEAD",    "POST", "PUT",
                                                "DELETE", "OPTIONS", "PATCH"};
  for (std::string_view known : kKnown) {
    if (method == known) return known;
  }
  return "other";
}

void AppendLabelValue(std::string* out, std::string_view value) {
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out->push_back('\\');
      out->push_back(c);
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
}

std::string FormatDouble(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

}  // namespace

void HttpMetrics::RecordRequest(std::string_view method, std::string_view route, int status,
                                std::chrono::microseconds duration) {
  if (route.empty()) route = "unmatched";
  method = MethodLabel(method);
  const int64_t micros = std::max<int64_t>(0, duration.count());
  const double seconds = static_cast<double>(micros) / 1e6;
  const std::size_t bucket =
      std::lower_bound(kBucketBounds.begin(), kBucketBounds.end(), seconds) - kBucketBounds.begin();

  std::lock_guard<std::mutex> lock(mu_);
  auto counter = requests_.find(CounterKeyView{method, route, status});
  if (counter == requests_.end()) {
    counter =
        requests_.emplace(CounterKey{std::string(method), std::string(route), status}, 0).first;
  }
  ++counter->second;
  auto histogram = durations_.find(route);
  if (histogram == durations_.end()) {
    histogram = durations_.emplace(std::string(route), Histogram{}).first;
  }
  ++histogram->second.buckets[bucket];
  ++histogram->second.count;
  histogram->second.sum_micros += micros;
}

std::string HttpMetrics::PrometheusText() const {
  std::string out;
  out.reserve(4096);
  out +=
      "# HELP auto_a11y_http_requests_total HTTP requests answered, by method, route pattern "
      "and status.\n"
      "# TYPE auto_a11y_http_requests_total counter\n";
  std::unique_lock<std::mutex> lock(mu_);
  for (const auto& [key, count] : requests_) {
    out += "auto_a11y_http_requests_total{method=\"";
    AppendLabelValue(&out, key.method);
    out += "\",route=\"";
    AppendLabelValue(&out, key.route);
    out += "\",status=\"" + std::to_string(key.status) + "\"} " + std::to_string(count) + "\n";
  }
  out +=
      "# HELP auto_a11y_http_request_duration_seconds Time from a request's first byte to "
      "its response's last, by route pattern.\n"
      "# TYPE auto_a11y_http_request_duration_seconds histogram\n";
  for (const auto& [route, histogram] : durations_) {
    std::string labels = "route=\"";
    AppendLabelValue(&labels, route);
    labels += "\"";
    int64_t cumulative = 0;
    for (std::size_t i = 0; i <= kBucketBounds.size(); ++i) {
      cumulative += histogram.buckets[i];
      const std::string bound =
          i < kBucketBounds.size() ? FormatDouble("%g", kBucketBounds[i]) : "+Inf";
      out += "auto_a11y_http_request_duration_seconds_bucket{" + labels + ",le=\"" + bound +
             "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "auto_a11y_http_request_duration_seconds_sum{" + labels + "} " +
           FormatDouble("%.6f", static_cast<double>(histogram.sum_micros) / 1e6) + "\n";
    out += "auto_a11y_http_request_duration_seconds_count{" + labels + "} " +
           std::to_string(histogram.count) + "\n";
  }
  lock.unlock();
  out +=
      "# HELP auto_a11y_http_open_connections Client connections open now.\n"
      "# TYPE auto_a11y_http_open_connections gauge\n"
      "auto_a11y_http_open_connections " +
      std::to_string(open_connections()) +
      "\n"
      "# HELP auto_a11y_http_open_streams Server-Sent Event and WebSocket streams open now.\n"
      "# TYPE auto_a11y_http_open_streams gauge\n"
      "auto_a11y_http_open_streams " +
      std::to_string(open_streams()) + "\n";
  return out;
}

}  // namespace a11y::http
