// The handler seam: one class per job type, one method that runs a job. A handler
// returns an Outcome instead of throwing; the worker runtime catches anything thrown in
// one place and records it as a failed attempt.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/env.h"
#include "core/status.h"
#include "store/job.h"

namespace a11y {

class JobStore;

// A one-way flag that a running handler checks at safe points and can wait on.
class CancellationToken {
 public:
  bool IsCancelled() const { return cancelled_.load(std::memory_order_acquire); }
  // Flips the flag and wakes every waiter. Idempotent.
  void Cancel();
  // Sleeps up to `timeout`; returns true at once if cancelled (then or meanwhile).
  bool WaitFor(Micros timeout);

 private:
  std::atomic<bool> cancelled_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

struct Outcome {
  enum class Kind { kCompleted, kRetry, kFailed, kCancelled, kWait };
  Kind kind = Kind::kCompleted;
  Json result;                      // kCompleted.
  std::string error;                // kRetry, kFailed.
  // kRetry: otherwise the worker's backoff decides. kWait: always set.
  std::optional<Micros> retry_after;

  static Outcome Completed(Json result = Json::object()) {
    return {Kind::kCompleted, std::move(result), {}, {}};
  }
  static Outcome Retry(std::string error, std::optional<Micros> after = std::nullopt) {
    return {Kind::kRetry, nullptr, std::move(error), after};
  }
  static Outcome Failed(std::string error) { return {Kind::kFailed, nullptr, std::move(error), {}}; }
  static Outcome Cancelled() { return {Kind::kCancelled, nullptr, {}, {}}; }
  // Not done, nothing wrong: gives the worker slot back and runs the job again after
  // `after`, without counting an attempt (its checkpoint keeps its state). For a job that
  // waits on others — a parent on its children — so waiting never holds a slot they need.
  static Outcome Wait(Micros after) { return {Kind::kWait, nullptr, {}, after}; }
  // For a step that could not be done: a missing object or invalid input will not come
  // right by itself, so the job fails; anything else (the database, say) may pass: retry.
  static Outcome FailOrRetry(const Status& status) {
    if (status.code() == Status::Code::kNotFound ||
        status.code() == Status::Code::kInvalidArgument) {
      return Failed(status.ToString());
    }
    return Retry(status.ToString());
  }
};

// What a handler is given to run one job.
class JobContext {
 public:
  virtual ~JobContext() = default;
  virtual const Job& job() const = 0;
  virtual const std::string& worker_id() const = 0;
  // Records progress; writes are coalesced (a few per second), the last one always lands.
  virtual void ReportProgress(int64_t current, int64_t total, std::string message,
                              Json details = Json::object()) = 0;
  // Fenced write of resume state; kLeaseLost means stop at once.
  virtual Status SaveCheckpoint(const Json& checkpoint) = 0;
  // Flipped when cancellation is requested or the lease is lost.
  virtual CancellationToken& cancellation() = 0;
  virtual JobStore& store() = 0;
  virtual Env& env() = 0;
};

class JobHandler {
 public:
  virtual ~JobHandler() = default;
  virtual Outcome Run(JobContext& context) = 0;
};

// Handlers by job type. Register everything before workers start.
class HandlerRegistry {
 public:
  void Register(const std::string& job_type, std::shared_ptr<JobHandler> handler);
  JobHandler* Find(const std::string& job_type) const;
  std::vector<std::string> Types() const;

 private:
  std::map<std::string, std::shared_ptr<JobHandler>> handlers_;
};

}  // namespace a11y
