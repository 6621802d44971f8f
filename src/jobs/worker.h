// The worker runtime: claims jobs in batches up to its free slots, runs their handlers
// on a thread pool, keeps their leases alive, delivers cancellation, coalesces progress,
// and writes every outcome fenced by the job's lock_token.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "jobs/handler.h"
#include "jobs/job_manager.h"

namespace a11y {

// Exponential backoff with jitter: base * 2^(attempt-1), capped, +/- jitter.
struct RetryPolicy {
  Micros base{std::chrono::seconds(1)};
  Micros max{std::chrono::minutes(10)};
  double jitter = 0.25;  // Fraction of the delay, spread evenly either side.
  Micros Backoff(int attempt, std::mt19937_64& rng) const;
};

struct WorkerOptions {
  std::string worker_id;               // Default: host:pid:random.
  int concurrency = 4;                 // Handler threads.
  std::vector<std::string> queues;     // Empty: every queue.
  Micros lease{std::chrono::seconds(30)};
  Micros heartbeat_interval{0};        // Default: lease / 3.
  Micros cancel_poll{std::chrono::milliseconds(25)};  // Cross-process cancellation check.
  Micros progress_interval{std::chrono::milliseconds(250)};
  Micros idle_wait{std::chrono::milliseconds(100)};   // Longest sleep with nothing to claim.
  Micros shutdown_grace{std::chrono::seconds(10)};
  bool run_maintenance = true;         // Lease reaper and retention in this worker.
  Micros reaper_interval{std::chrono::seconds(1)};
  Micros retention_interval{std::chrono::minutes(5)};
  int claim_batch = 64;                // Most jobs claimed in one statement.
  RetryPolicy retry;
};

struct WorkerCounters {
  std::atomic<int64_t> claimed{0};
  std::atomic<int64_t> completed{0};
  std::atomic<int64_t> failed{0};
  std::atomic<int64_t> retried{0};
  std::atomic<int64_t> cancelled{0};
  std::atomic<int64_t> released{0};
  std::atomic<int64_t> leases_lost{0};
  std::atomic<int64_t> handler_exceptions{0};
};

class Worker : public JobEventListener, public StoreListener {
 public:
  // REQUIRES: manager and handlers outlive the worker.
  Worker(JobManager* manager, const HandlerRegistry* handlers, WorkerOptions options);
  ~Worker() override;
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  Status Start();
  // Stops claiming; gives running jobs the grace period to finish; then cancels the rest
  // and releases their leases so another worker restarts them at once. Idempotent.
  void Shutdown();
  // Stops at once without writing anything more, as a crash would (tests use this).
  void Abandon();

  const std::string& id() const { return options_.worker_id; }
  const WorkerCounters& counters() const { return counters_; }
  int RunningJobs() const;

  // JobEventListener and StoreListener: a cancel from this process (JobManager) or from
  // another one (the store's push channel) flips the job's token at once.
  void OnCancellationRequested(const std::string& job_id) override;

 private:
  struct RunningJob;
  class Context;

  void DispatchLoop();
  void ExecuteLoop();
  void MonitorLoop();
  void FinishLoop();

  void WakeExecutorLocked();
  void RunOne(const std::shared_ptr<RunningJob>& running);
  Finish DecideFinish(RunningJob& running, Outcome outcome);
  void Enqueue(Finish finish);
  void FlushProgress(bool all);
  void CheckLeases(bool extend);
  void DrainFinishes();
  // The worker registry (JobStore::RecordWorker): advisory only, so a failed write is
  // logged and never stops the worker or touches a job.
  void RecordInRegistry();
  void DeleteStaleWorkers();

  JobManager* manager_;
  JobStore* store_;
  const HandlerRegistry* handlers_;
  WorkerOptions options_;
  WorkerCounters counters_;

  std::atomic<bool> stopping_{false};  // No more claims.
  std::atomic<bool> stopped_{false};   // Threads exit.
  std::atomic<bool> abandoned_{false};

  mutable std::mutex mu_;  // Guards the fields below.
  std::condition_variable work_cv_;      // Executors: ready_ not empty, or stopped.
  std::condition_variable dispatch_cv_;  // Dispatcher and Shutdown: a slot freed, or stopping.
  std::deque<std::shared_ptr<RunningJob>> ready_;
  std::map<std::string, std::shared_ptr<RunningJob>> running_;
  int busy_slots_ = 0;
  int idle_executors_ = 0;        // Executors waiting on work_cv_.
  bool executor_waking_ = false;  // One was notified and has not yet taken the lock.
  int batch_threshold_ = 1;  // Free slots worth a claim without waiting.

  std::mutex finish_mu_;
  std::condition_variable finish_cv_;
  std::vector<Finish> pending_finishes_;
  int finishes_in_flight_ = 0;
  bool finisher_stop_ = false;

  std::mutex monitor_mu_;
  std::condition_variable monitor_cv_;

  std::mt19937_64 rng_;
  std::mutex rng_mu_;

  // This worker's registry row; set by Start, then read-only.
  std::string host_;
  TimePoint started_at_{};

  std::thread dispatcher_;
  std::thread monitor_;
  std::thread finisher_;
  std::vector<std::thread> executors_;
  bool started_ = false;
};

}  // namespace a11y
