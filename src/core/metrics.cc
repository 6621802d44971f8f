#include "core/metrics.h"

#include <bit>

namespace a11y {

void LatencyHistogram::Record(Micros latency) {
  const int64_t us = latency.count() < 0 ? 0 : latency.count();
  int bucket = us == 0 ? 0 : std::bit_width(static_cast<uint64_t>(us));
  if (bucket >= kBuckets) bucket = kBuckets - 1;
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(us, std::memory_order_relaxed);
  int64_t seen = max_us_.load(std::memory_order_relaxed);
  while (us > seen && !max_us_.compare_exchange_weak(seen, us, std::memory_order_relaxed)) {
  }
}

double LatencyHistogram::MeanMicros() const {
  const int64_t n = Count();
  return n == 0 ? 0.0 : static_cast<double>(sum_us_.load()) / static_cast<double>(n);
}

int64_t LatencyHistogram::QuantileMicros(double q) const {
  const int64_t n = Count();
  if (n == 0) return 0;
  const int64_t rank = static_cast<int64_t>(q * static_cast<double>(n - 1)) + 1;
  int64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += buckets_[b].load(std::memory_order_relaxed);
    if (seen >= rank) return b == 0 ? 0 : (int64_t{1} << b) - 1;
  }
  return MaxMicros();
}

ScopedLatency::ScopedLatency(LatencyHistogram* histogram)
    : histogram_(histogram), start_(std::chrono::steady_clock::now()) {}

ScopedLatency::~ScopedLatency() {
  histogram_->Record(
      std::chrono::duration_cast<Micros>(std::chrono::steady_clock::now() - start_));
}

}  // namespace a11y
