#include "jobs/worker.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace a11y {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string HostName() {
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  return host;
}

std::string DefaultWorkerId() {
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%04x", rd() & 0xffff);
  return HostName() + ":" + std::to_string(getpid()) + ":" + suffix;
}

}  // namespace

Micros RetryPolicy::Backoff(int attempt, std::mt19937_64& rng) const {
  const double exponent = std::min(std::max(attempt - 1, 0), 30);
  double delay = std::min(static_cast<double>(base.count()) * std::pow(2.0, exponent),
                          static_cast<double>(max.count()));
  std::uniform_real_distribution<double> spread(1.0 - jitter, 1.0 + jitter);
  return Micros(static_cast<int64_t>(delay * spread(rng)));
}

// One claimed job as this worker sees it.
struct Worker::RunningJob {
  explicit RunningJob(Job j) : job(std::move(j)) {}
  Job job;
  CancellationToken token;
  std::atomic<bool> lease_lost{false};
  std::atomic<bool> releasing{false};  // Shutdown stopped it: give it back, not cancel it.
  std::atomic<bool> finished{false};   // Its finish is queued; nothing more to write.
  std::mutex progress_mu;
  Progress progress;
  bool progress_dirty = false;     // Reported since the last flush.
  bool progress_reported = false;  // Reported at all.
  SteadyClock::time_point progress_written{};

  void LoseLease() {
    lease_lost = true;
    token.Cancel();
  }
};

class Worker::Context : public JobContext {
 public:
  Context(Worker* worker, RunningJob* running) : worker_(worker), running_(running) {}
  const Job& job() const override { return running_->job; }
  const std::string& worker_id() const override { return worker_->options_.worker_id; }

  void ReportProgress(int64_t current, int64_t total, std::string message,
                      Json details) override {
    std::lock_guard<std::mutex> lock(running_->progress_mu);
    Progress& p = running_->progress;
    p.current = current;
    p.total = total;
    p.message = std::move(message);
    p.details = details.is_object() ? std::move(details) : Json::object();
    p.ComputePercentage();
    running_->progress_dirty = true;
    running_->progress_reported = true;
  }

  Status SaveCheckpoint(const Json& checkpoint) override {
    Status st = worker_->store_->SaveCheckpoint(running_->job.job_id, running_->job.lock_token,
                                                checkpoint);
    if (st.code() == Status::Code::kLeaseLost) running_->LoseLease();
    return st;
  }

  CancellationToken& cancellation() override { return running_->token; }
  JobStore& store() override { return *worker_->store_; }
  Env& env() override { return worker_->manager_->env(); }

 private:
  Worker* worker_;
  RunningJob* running_;
};

Worker::Worker(JobManager* manager, const HandlerRegistry* handlers, WorkerOptions options)
    : manager_(manager),
      store_(&manager->store()),
      handlers_(handlers),
      options_(std::move(options)),
      rng_(std::random_device{}()) {
  if (options_.worker_id.empty()) options_.worker_id = DefaultWorkerId();
  if (options_.heartbeat_interval <= Micros::zero()) {
    options_.heartbeat_interval = options_.lease / 3;
  }
  options_.concurrency = std::max(options_.concurrency, 1);
  options_.claim_batch = std::max(options_.claim_batch, 1);
  batch_threshold_ = std::max(1, std::min(options_.concurrency / 4, options_.claim_batch));
}

Worker::~Worker() { Shutdown(); }

Status Worker::Start() {
  if (started_) return Status::FailedPrecondition("worker already started");
  if (handlers_->Types().empty()) return Status::InvalidArgument("no job handlers registered");
  if (options_.lease < std::chrono::milliseconds(100)) {
    return Status::InvalidArgument("lease must be at least 100ms");
  }
  started_ = true;
  host_ = HostName();
  started_at_ = manager_->env().Now();
  // Before any thread starts, so the monitor's heartbeats only ever follow this write.
  RecordInRegistry();
  manager_->AddListener(this);
  store_->AddListener(this);
  // Logged before the threads start: the first log of a process sets up spdlog's registry,
  // and doing that on one thread keeps it clear of the threads' own logging.
  spdlog::info("worker {} started: {} slots, lease {}ms", options_.worker_id,
               options_.concurrency, options_.lease.count() / 1000);
  finisher_ = std::thread([this] { FinishLoop(); });
  monitor_ = std::thread([this] { MonitorLoop(); });
  for (int i = 0; i < options_.concurrency; ++i) executors_.emplace_back([this] { ExecuteLoop(); });
  dispatcher_ = std::thread([this] { DispatchLoop(); });
  return Status::Ok();
}

int Worker::RunningJobs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return busy_slots_;
}

void Worker::OnCancellationRequested(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = running_.find(job_id);
  if (it != running_.end()) it->second->token.Cancel();
}

void Worker::DispatchLoop() {
  const std::vector<std::string> types = handlers_->Types();
  while (!stopping_) {
    int free_slots;
    {
      // Claim in batches: wait briefly for a quarter of the slots to free up rather than
      // paying a transaction for every single slot that frees.
      std::unique_lock<std::mutex> lock(mu_);
      dispatch_cv_.wait(lock, [&] { return stopping_ || busy_slots_ < options_.concurrency; });
      dispatch_cv_.wait_for(lock, std::chrono::milliseconds(1), [&] {
        return stopping_ || busy_slots_ <= options_.concurrency - batch_threshold_;
      });
      if (stopping_) break;
      free_slots = options_.concurrency - busy_slots_;
    }
    // The stamp is read before claiming so that work committed after an empty claim
    // still wakes the wait below.
    const int64_t stamp = store_->ChangeStamp();
    Result<std::vector<Job>> claimed = [&] {
      ScopedLatency timer(&store_->metrics().claim_latency);
      return store_->ClaimJobs({options_.worker_id, options_.queues, types,
                                std::min(free_slots, options_.claim_batch), options_.lease});
    }();
    if (!claimed.ok()) {
      spdlog::warn("worker {}: claim failed: {}", options_.worker_id, claimed.status().ToString());
      std::unique_lock<std::mutex> lock(mu_);
      dispatch_cv_.wait_for(lock, options_.idle_wait, [&] { return stopping_.load(); });
      continue;
    }
    if (claimed->empty()) {
      store_->WaitForChange(stamp, options_.idle_wait);
      continue;
    }
    counters_.claimed += static_cast<int64_t>(claimed->size());
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (Job& job : *claimed) {
        auto running = std::make_shared<RunningJob>(std::move(job));
        // A job lost and claimed again while its old run still unwinds: the old run's
        // token is stale; only the new run is tracked from here on.
        auto& slot = running_[running->job.job_id];
        if (slot) slot->LoseLease();
        slot = running;
        ready_.push_back(std::move(running));
        ++busy_slots_;
      }
      WakeExecutorLocked();
    }
  }
}

void Worker::ExecuteLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (ready_.empty()) {
      if (stopped_) return;
      // No predicate overload: every return from the wait must clear executor_waking_,
      // or a woken executor that finds the queue drained would keep the baton forever.
      ++idle_executors_;
      work_cv_.wait(lock);
      --idle_executors_;
      executor_waking_ = false;
      continue;
    }
    std::shared_ptr<RunningJob> running = std::move(ready_.front());
    ready_.pop_front();
    WakeExecutorLocked();
    lock.unlock();
    RunOne(running);
    lock.lock();
    auto it = running_.find(running->job.job_id);
    if (it != running_.end() && it->second == running) running_.erase(it);
    --busy_slots_;
    if (busy_slots_ <= options_.concurrency - batch_threshold_ || stopping_) {
      dispatch_cv_.notify_all();
    }
  }
}

// Passes the baton: one idle executor is woken at a time, and it wakes the next only if
// work is still waiting when it takes its job. Short jobs are then drained by the threads
// already awake instead of costing a wake-up (a futex call and a context switch) each,
// while a batch of long jobs still fans out across every free executor.
void Worker::WakeExecutorLocked() {
  if (!ready_.empty() && idle_executors_ > 0 && !executor_waking_) {
    executor_waking_ = true;
    work_cv_.notify_one();
  }
}

void Worker::RunOne(const std::shared_ptr<RunningJob>& running) {
  Outcome outcome;
  JobHandler* handler = handlers_->Find(running->job.job_type);
  if (running->releasing) {
    outcome = Outcome::Cancelled();  // Shutdown began before it started: give it back.
  } else if (handler == nullptr) {
    outcome = Outcome::Failed("no handler for job type '" + running->job.job_type + "'");
  } else {
    Context context(this, running.get());
    // The one place a handler's exception is caught: it becomes a failed attempt.
    try {
      outcome = handler->Run(context);
    } catch (const std::exception& e) {
      ++counters_.handler_exceptions;
      outcome = Outcome::Retry(std::string("handler threw: ") + e.what());
    } catch (...) {
      ++counters_.handler_exceptions;
      outcome = Outcome::Retry("handler threw a non-standard exception");
    }
  }
  if (running->lease_lost || abandoned_) {
    ++counters_.leases_lost;  // Another worker owns it now; fencing would refuse our write.
    return;
  }
  if (running->finished.exchange(true)) return;  // Shutdown already gave it back.
  Enqueue(DecideFinish(*running, std::move(outcome)));
}

Finish Worker::DecideFinish(RunningJob& running, Outcome outcome) {
  Finish finish;
  finish.job_id = running.job.job_id;
  finish.token = running.job.lock_token;
  {
    std::lock_guard<std::mutex> lock(running.progress_mu);
    // Always the latest value: a flush still in flight may land after this finish and be
    // refused, so the finish itself must carry it.
    if (running.progress_reported) finish.progress = running.progress;
    running.progress_dirty = false;
  }
  const Job& job = running.job;
  switch (outcome.kind) {
    case Outcome::Kind::kCompleted:
      finish.kind = Finish::Kind::kCompleted;
      finish.result = std::move(outcome.result);
      break;
    case Outcome::Kind::kCancelled:
      finish.kind = running.releasing ? Finish::Kind::kRelease : Finish::Kind::kCancelled;
      break;
    case Outcome::Kind::kWait:
      finish.kind = Finish::Kind::kRelease;
      finish.run_after = manager_->env().Now() + outcome.retry_after.value_or(Micros::zero());
      break;
    case Outcome::Kind::kFailed:
      finish.kind = Finish::Kind::kFailed;
      finish.error = std::move(outcome.error);
      break;
    case Outcome::Kind::kRetry:
      if (job.attempt >= job.max_attempts) {
        finish.kind = Finish::Kind::kFailed;
        finish.error = outcome.error + " (attempt " + std::to_string(job.attempt) + " of " +
                       std::to_string(job.max_attempts) + "; no attempts left)";
      } else {
        finish.kind = Finish::Kind::kRetry;
        finish.error = outcome.error + " (attempt " + std::to_string(job.attempt) + " of " +
                       std::to_string(job.max_attempts) + ")";
        Micros delay;
        if (outcome.retry_after) {
          delay = *outcome.retry_after;
        } else {
          std::lock_guard<std::mutex> lock(rng_mu_);
          delay = options_.retry.Backoff(job.attempt, rng_);
        }
        finish.run_after = manager_->env().Now() + delay;
      }
      break;
  }
  return finish;
}

void Worker::Enqueue(Finish finish) {
  bool was_empty;
  {
    std::lock_guard<std::mutex> lock(finish_mu_);
    was_empty = pending_finishes_.empty();
    pending_finishes_.push_back(std::move(finish));
  }
  // The finisher sleeps only on an empty queue; while it writes, more outcomes simply
  // join the next batch without a wake-up each.
  if (was_empty) finish_cv_.notify_all();
}

void Worker::FinishLoop() {
  while (true) {
    std::vector<Finish> batch;
    {
      std::unique_lock<std::mutex> lock(finish_mu_);
      finish_cv_.wait(lock, [&] { return finisher_stop_ || !pending_finishes_.empty(); });
      if (pending_finishes_.empty()) return;
      batch.swap(pending_finishes_);
      finishes_in_flight_ = static_cast<int>(batch.size());
    }
    auto results = abandoned_ ? Result<std::vector<Status>>(std::vector<Status>())
                              : store_->FinishJobs(batch);
    if (!results.ok()) {
      // The database is unreachable for now: keep the batch and try again. If it stays
      // away past the lease, the reaper hands the jobs to another worker and fencing makes
      // these writes harmless.
      spdlog::warn("worker {}: writing {} outcomes failed: {}", options_.worker_id, batch.size(),
                   results.status().ToString());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::lock_guard<std::mutex> lock(finish_mu_);
      pending_finishes_.insert(pending_finishes_.begin(), batch.begin(), batch.end());
      finishes_in_flight_ = 0;
      continue;
    }
    for (size_t i = 0; i < results->size(); ++i) {
      const Status& st = (*results)[i];
      if (!st.ok()) {
        if (st.code() == Status::Code::kLeaseLost) ++counters_.leases_lost;
        spdlog::info("worker {}: outcome of job {} not recorded: {}", options_.worker_id,
                     batch[i].job_id, st.ToString());
        continue;
      }
      switch (batch[i].kind) {
        case Finish::Kind::kCompleted: ++counters_.completed; break;
        case Finish::Kind::kFailed: ++counters_.failed; break;
        case Finish::Kind::kCancelled: ++counters_.cancelled; break;
        case Finish::Kind::kRetry: ++counters_.retried; break;
        case Finish::Kind::kRelease: ++counters_.released; break;
      }
    }
    {
      std::lock_guard<std::mutex> lock(finish_mu_);
      finishes_in_flight_ = 0;
    }
    finish_cv_.notify_all();
  }
}

void Worker::DrainFinishes() {
  std::unique_lock<std::mutex> lock(finish_mu_);
  finish_cv_.wait(lock, [&] { return pending_finishes_.empty() && finishes_in_flight_ == 0; });
}

void Worker::MonitorLoop() {
  const Micros tick = std::min(options_.cancel_poll, options_.progress_interval);
  auto last_heartbeat = SteadyClock::now();
  auto last_reap = SteadyClock::time_point{};
  auto last_retention = SteadyClock::now();
  while (true) {
    {
      std::unique_lock<std::mutex> lock(monitor_mu_);
      monitor_cv_.wait_for(lock, tick, [&] { return stopped_.load(); });
    }
    if (stopped_ || abandoned_) return;
    FlushProgress(false);
    const auto now = SteadyClock::now();
    const bool extend = now - last_heartbeat >= options_.heartbeat_interval;
    CheckLeases(extend);
    if (extend) {
      last_heartbeat = now;
      RecordInRegistry();
    }
    if (options_.run_maintenance && !stopping_ && store_->HoldsMaintenanceLeadership()) {
      if (now - last_reap >= options_.reaper_interval) {
        last_reap = now;
        auto recovered = manager_->CleanupStaleJobs();
        if (!recovered.ok()) {
          spdlog::warn("lease reaper: {}", recovered.status().ToString());
        } else if (recovered->total() > 0) {
          spdlog::info("lease reaper: {} requeued, {} failed, {} cancelled", recovered->requeued,
                       recovered->failed, recovered->cancelled);
        }
      }
      if (now - last_retention >= options_.retention_interval) {
        last_retention = now;
        auto deleted = manager_->ApplyRetention();
        if (!deleted.ok()) spdlog::warn("retention: {}", deleted.status().ToString());
        DeleteStaleWorkers();
      }
    }
  }
}

void Worker::RecordInRegistry() {
  WorkerRecord record;
  record.worker_id = options_.worker_id;
  record.host = host_;
  record.pid = getpid();
  record.started_at = started_at_;
  record.last_heartbeat_at = manager_->env().Now();
  record.concurrency = options_.concurrency;
  record.running_jobs = RunningJobs();
  Status st = store_->RecordWorker(record);
  if (!st.ok()) {
    spdlog::warn("worker {}: registry heartbeat not written: {}", options_.worker_id,
                 st.ToString());
  }
}

void Worker::DeleteStaleWorkers() {
  // Ten missed heartbeats, and never under a minute: a live worker that is merely slow (a
  // stalled host, a busy database) keeps its row; one that loses it anyway writes it again
  // at its next heartbeat, since every heartbeat is an upsert.
  const Micros stale_after =
      std::max<Micros>(options_.heartbeat_interval * 10, std::chrono::minutes(1));
  const TimePoint before = manager_->env().Now() - stale_after;
  const int batch = std::max(manager_->options().maintenance_batch, 1);
  int64_t deleted = 0;
  while (true) {
    auto removed = store_->DeleteStaleWorkers(before, batch);
    if (!removed.ok()) {
      spdlog::warn("worker registry: deleting stale workers: {}", removed.status().ToString());
      return;
    }
    deleted += *removed;
    if (*removed < batch) break;
  }
  if (deleted > 0) {
    spdlog::info("worker registry: removed {} workers not seen since {}", deleted,
                 FormatRfc3339(before));
  }
}

void Worker::FlushProgress(bool all) {
  std::vector<std::shared_ptr<RunningJob>> jobs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, running] : running_) jobs.push_back(running);
  }
  const auto now = SteadyClock::now();
  std::vector<std::shared_ptr<RunningJob>> flushed;
  std::vector<ProgressWrite> writes;
  for (const auto& running : jobs) {
    std::lock_guard<std::mutex> lock(running->progress_mu);
    if (!running->progress_dirty || running->finished) continue;
    if (!all && now - running->progress_written < options_.progress_interval) continue;
    writes.push_back({running->job.job_id, running->job.lock_token, running->progress});
    flushed.push_back(running);
    running->progress_dirty = false;
    running->progress_written = now;
  }
  if (writes.empty()) return;
  // One statement (PostgreSQL) or one commit (SQLite) for every job due.
  auto results = store_->UpdateProgressBatch(writes);
  if (!results.ok()) {
    // Not written: the next flush sends the latest values, and the finish carries them.
    spdlog::warn("worker {}: progress of {} jobs not written: {}", options_.worker_id,
                 writes.size(), results.status().ToString());
    for (const auto& running : flushed) {
      std::lock_guard<std::mutex> lock(running->progress_mu);
      running->progress_dirty = true;
    }
    return;
  }
  for (size_t i = 0; i < results->size() && i < flushed.size(); ++i) {
    if ((*results)[i].code() == Status::Code::kLeaseLost && !flushed[i]->finished) {
      flushed[i]->LoseLease();
    }
  }
}

void Worker::CheckLeases(bool extend) {
  std::vector<std::shared_ptr<RunningJob>> jobs;
  std::vector<HeldJob> held;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, running] : running_) {
      if (running->finished) continue;
      jobs.push_back(running);
      held.push_back({id, running->job.lock_token});
    }
  }
  if (held.empty()) return;
  auto states = store_->CheckLeases(options_.worker_id, held,
                                    extend ? std::optional<Micros>(options_.lease) : std::nullopt);
  if (!states.ok()) {
    spdlog::warn("worker {}: lease check failed: {}", options_.worker_id,
                 states.status().ToString());
    return;
  }
  for (size_t i = 0; i < states->size() && i < jobs.size(); ++i) {
    const LeaseState& state = (*states)[i];
    if (!state.held) {
      if (!jobs[i]->finished) jobs[i]->LoseLease();
    } else if (state.cancellation_requested) {
      jobs[i]->token.Cancel();
    }
  }
}

void Worker::Shutdown() {
  if (!started_ || stopped_) return;
  stopping_ = true;
  dispatch_cv_.notify_all();
  if (dispatcher_.joinable()) dispatcher_.join();

  auto wait_idle = [&](Micros limit) {
    std::unique_lock<std::mutex> lock(mu_);
    return dispatch_cv_.wait_for(lock, limit, [&] { return busy_slots_ == 0; });
  };
  if (!abandoned_ && !wait_idle(options_.shutdown_grace)) {
    std::vector<std::shared_ptr<RunningJob>> left;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [id, running] : running_) left.push_back(running);
      for (const auto& running : ready_) left.push_back(running);
    }
    spdlog::info("worker {}: releasing {} unfinished jobs", options_.worker_id, left.size());
    for (const auto& running : left) {
      running->releasing = true;
      running->token.Cancel();
    }
    if (!wait_idle(std::chrono::seconds(2))) {
      // Handlers that ignore cancellation: give their jobs back now. Their late writes
      // carry a token that no longer matches a running job, so they are refused.
      for (const auto& running : left) {
        if (running->finished.exchange(true)) continue;
        Finish release;
        release.job_id = running->job.job_id;
        release.token = running->job.lock_token;
        release.kind = Finish::Kind::kRelease;
        release.error = "released at worker shutdown";
        Enqueue(std::move(release));
      }
    }
  }
  DrainFinishes();
  {
    std::lock_guard<std::mutex> lock(mu_);  // Under the lock, so no executor misses it.
    stopped_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : executors_) {
    if (t.joinable()) t.join();
  }
  DrainFinishes();
  {
    std::lock_guard<std::mutex> lock(finish_mu_);
    finisher_stop_ = true;
  }
  finish_cv_.notify_all();
  if (finisher_.joinable()) finisher_.join();
  monitor_cv_.notify_all();
  if (monitor_.joinable()) monitor_.join();
  manager_->RemoveListener(this);
  store_->RemoveListener(this);
  // After the monitor has stopped, so no heartbeat can write the row again. An abandoned
  // worker stands for a crash: its row stays and goes stale.
  if (!abandoned_) {
    Status removed = store_->RemoveWorker(options_.worker_id);
    if (!removed.ok() && removed.code() != Status::Code::kNotFound) {
      spdlog::warn("worker {}: registry row not removed: {}", options_.worker_id,
                   removed.ToString());
    }
  }
  spdlog::info("worker {} stopped: {} completed, {} failed, {} retried, {} cancelled, {} released",
               options_.worker_id, counters_.completed.load(), counters_.failed.load(),
               counters_.retried.load(), counters_.cancelled.load(), counters_.released.load());
}

void Worker::Abandon() {
  abandoned_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, running] : running_) running->token.Cancel();
  }
  Shutdown();
}

}  // namespace a11y
