// Lock-free counters and latency histograms for /metrics, statistics and benchmarks.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "core/env.h"

namespace a11y {

// Latencies in microseconds, in power-of-two buckets: cheap to record from any thread.
class LatencyHistogram {
 public:
  static constexpr int kBuckets = 40;
  void Record(Micros latency);
  int64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double MeanMicros() const;
  // Upper bound of the bucket holding quantile q (0..1): within a factor of two.
  int64_t QuantileMicros(double q) const;
  int64_t MaxMicros() const { return max_us_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<int64_t>, kBuckets> buckets_{};
  std::atomic<int64_t> count_{0};
  std::atomic<int64_t> sum_us_{0};
  std::atomic<int64_t> max_us_{0};
};

// Measures the lifetime of a scope into a histogram.
class ScopedLatency {
 public:
  explicit ScopedLatency(LatencyHistogram* histogram);
  ~ScopedLatency();
  ScopedLatency(const ScopedLatency&) = delete;
  ScopedLatency& operator=(const ScopedLatency&) = delete;

 private:
  LatencyHistogram* histogram_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace a11y
