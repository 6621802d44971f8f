// Env: the clock and sleeping behind one small interface, so tests can move time
// (lease expiry, retention, backoff) without waiting for it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace a11y {

using Micros = std::chrono::microseconds;
// Wall-clock time in UTC, microsecond precision: what the database stores.
using TimePoint = std::chrono::sys_time<Micros>;

class Env {
 public:
  virtual ~Env() = default;
  virtual TimePoint Now() const = 0;
  // The process-wide real clock. Never null, never destroyed.
  static Env* Default();
};

// A clock that only moves when told to. Thread-safe.
class ManualEnv : public Env {
 public:
  explicit ManualEnv(TimePoint start) : now_us_(start.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint(Micros(now_us_.load())); }
  void Advance(Micros by) { now_us_ += by.count(); }
  void Set(TimePoint t) { now_us_ = t.time_since_epoch().count(); }

 private:
  std::atomic<int64_t> now_us_;
};

int64_t ToUnixMicros(TimePoint t);
TimePoint FromUnixMicros(int64_t us);
// RFC 3339 in UTC with microseconds, e.g. "2026-11-28T20:40:35.123456Z".
std::string FormatRfc3339(TimePoint t);
// Accepts RFC 3339 with 'Z' or a numeric offset, fractional seconds optional.
bool ParseRfc3339(const std::string& text, TimePoint* out);
// "30s", "250ms", "5m", "2h", "7d", or a bare number of seconds.
bool ParseDuration(const std::string& text, Micros* out);

}  // namespace a11y
