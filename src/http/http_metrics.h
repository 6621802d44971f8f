// The HTTP server's Prometheus metrics: requests by method, route and status, latency by
// route, open connections and streams. Labels come from route patterns and a fixed set of
// methods, never from raw paths, so a scan of random URLs cannot grow the series.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace a11y::http {

class HttpMetrics {
 public:
  // Route "" is recorded as "unmatched".
  void RecordRequest(std::string_view method, std::string_view route, int status,
                     std::chrono::microseconds duration);
  void ConnectionOpened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  void StreamOpened() { open_streams_.fetch_add(1, std::memory_order_relaxed); }
  void StreamClosed() { open_streams_.fetch_sub(1, std::memory_order_relaxed); }
  int64_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }
  int64_t open_streams() const { return open_streams_.load(std::memory_order_relaxed); }

  // Prometheus text exposition format 0.0.4.
  std::string PrometheusText() const;

 private:
  // Upper bounds in seconds; a last, implicit bucket is +Inf.
  static constexpr std::array<double, 13> kBucketBounds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

  struct CounterKey {
    std::string method;
    std::string route;
    int status;
  };
  struct CounterKeyView {
    std::string_view method;
    std::string_view route;
    int status;
  };
  // Orders owned keys and views alike, so a lookup allocates nothing.
  struct CounterKeyLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      if (a.status != b.status) return a.status < b.status;
      if (a.route != b.route) return std::string_view(a.route) < std::string_view(b.route);
      return std::string_view(a.method) < std::string_view(b.method);
    }
  };
  struct Histogram {
    std::array<int64_t, kBucketBounds.size() + 1> buckets{};  // Not cumulative.
    int64_t count = 0;
    int64_t sum_micros = 0;
  };

  mutable std::mutex mu_;  // Guards the two maps; held for a lookup and an increment.
  std::map<CounterKey, int64_t, CounterKeyLess> requests_;
  std::map<std::string, Histogram, std::less<>> durations_;
  std::atomic<int64_t> open_connections_{0};
  std::atomic<int64_t> open_streams_{0};
};

}  // namespace a11y::http
