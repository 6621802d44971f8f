// Job-system benchmarks on one database: throughput of no-op jobs (pre-inserted, and
// enqueued while a worker runs), enqueue-to-start latency in a warm worker, and
// cancellation latency (same process and through the database only, as from another
// process). Prints one JSON line per figure. scripts/bench-peers runs the same workloads
// on graphile-worker and pg-boss (bench/peers/) for comparison.
//
//   build/release/bench/job_bench --database sqlite:/tmp/bench.db --jobs 100000
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include "jobs/diagnostic_handlers.h"
#include "jobs/worker.h"

namespace a11y {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(q * static_cast<double>(values.size() - 1))];
}

void Emit(const std::string& name, Json figures) {
  figures["benchmark"] = name;
  std::cout << figures.dump() << std::endl;
}

std::unique_ptr<JobStore> MustOpen(const std::string& url) {
  auto store = OpenJobStore(url, Env::Default());
  if (!store.ok()) {
    std::cerr << store.status().ToString() << "\n";
    std::exit(1);
  }
  if (Status st = (*store)->Migrate(); !st.ok()) {
    std::cerr << st.ToString() << "\n";
    std::exit(1);
  }
  return std::move(store).value();
}

int64_t Count(JobStore& store, const char* status) {
  auto stats = store.Statistics({});
  int64_t n = 0;
  if (stats.ok()) {
    for (const auto& [type, by] : stats->counts) {
      auto it = by.find(status);
      if (it != by.end()) n += it->second;
    }
  }
  return n;
}

// Records when each job's handler started, for the latency figures.
class StampingHandler : public JobHandler {
 public:
  Outcome Run(JobContext& context) override {
    const auto now = Clock::now();
    {
      std::lock_guard<std::mutex> lock(mu_);
      started_[context.job().job_id] = now;
    }
    if (context.job().job_type == "sleep") {
      context.cancellation().WaitFor(60s);
      std::lock_guard<std::mutex> lock(mu_);
      observed_cancel_[context.job().job_id] = Clock::now();
      return Outcome::Cancelled();
    }
    return Outcome::Completed();
  }
  std::optional<Clock::time_point> Started(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = started_.find(id);
    return it == started_.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<Clock::time_point> ObservedCancel(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = observed_cancel_.find(id);
    return it == observed_cancel_.end() ? std::nullopt : std::optional(it->second);
  }

 private:
  std::mutex mu_;
  std::map<std::string, Clock::time_point> started_;
  std::map<std::string, Clock::time_point> observed_cancel_;
};

void WaitFor(const std::function<bool()>& done) {
  while (!done()) std::this_thread::sleep_for(100us);
}

// Enqueues `jobs` no-op jobs through `manager`'s bulk API, kEnqueueBatch at a time.
constexpr int kEnqueueBatch = 1000;
void EnqueueNoops(JobManager& manager, int jobs) {
  CreateJobRequest request;
  request.job_type = "noop";
  for (int done = 0; done < jobs; done += kEnqueueBatch) {
    const int n = std::min(kEnqueueBatch, jobs - done);
    auto ids = manager.CreateJobs(std::vector<CreateJobRequest>(static_cast<size_t>(n), request));
    if (!ids.ok()) {
      std::cerr << ids.status().ToString() << "\n";
      std::exit(1);
    }
  }
}

void Throughput(const std::string& url, int jobs, int workers, int concurrency) {
  auto store = MustOpen(url);
  JobManager manager(store.get(), Env::Default());
  const auto enqueue_start = Clock::now();
  EnqueueNoops(manager, jobs);
  const double enqueue_s = Seconds(Clock::now() - enqueue_start);

  HandlerRegistry handlers;
  RegisterDiagnosticHandlers(&handlers);
  // Each worker has its own store, as separate processes would.
  std::vector<std::unique_ptr<JobStore>> stores;
  std::vector<std::unique_ptr<JobManager>> managers;
  std::vector<std::unique_ptr<Worker>> pool;
  const int64_t completed_before = Count(*store, "completed");
  const auto work_start = Clock::now();
  for (int i = 0; i < workers; ++i) {
    stores.push_back(MustOpen(url));
    managers.push_back(std::make_unique<JobManager>(stores.back().get(), Env::Default()));
    WorkerOptions options;
    options.concurrency = concurrency;
    options.claim_batch = 256;
    options.run_maintenance = i == 0;
    pool.push_back(std::make_unique<Worker>(managers.back().get(), &handlers, options));
    pool.back()->Start();
  }
  auto completed = [&] {
    int64_t n = 0;
    for (const auto& w : pool) n += w->counters().completed.load();
    return n;
  };
  WaitFor([&] { return completed() >= jobs; });
  const double work_s = Seconds(Clock::now() - work_start);
  for (auto& w : pool) w->Shutdown();
  const int64_t in_db = Count(*store, "completed") - completed_before;
  int64_t claims = 0, queries = 0;
  for (const auto& s : stores) {
    claims += s->metrics().claim_attempts.load();
    queries += s->metrics().query_latency.Count();
  }
  Emit("noop_throughput",
       {{"backend", store->BackendName()}, {"jobs", jobs}, {"workers", workers},
        {"concurrency_per_worker", concurrency}, {"enqueue_jobs_per_s", jobs / enqueue_s},
        {"worked_jobs_per_s", jobs / work_s}, {"end_to_end_jobs_per_s", jobs / (enqueue_s + work_s)},
        {"completed_in_database", in_db}, {"claim_statements", claims},
        {"worker_queries", queries}});
}

// The store alone, no worker threads: claim and finish in batches on one thread. The
// ceiling the worker runtime's own overhead is measured against.
void StoreCeiling(const std::string& url, int jobs, int batch) {
  auto store = MustOpen(url);
  JobManager manager(store.get(), Env::Default());
  EnqueueNoops(manager, jobs);
  const auto start = Clock::now();
  int64_t worked = 0;
  while (true) {
    auto claimed = store->ClaimJobs({"ceiling", {}, {"noop"}, batch, std::chrono::seconds(30)});
    if (!claimed.ok() || claimed->empty()) break;
    std::vector<Finish> finishes;
    for (const Job& job : *claimed) {
      Finish f;
      f.job_id = job.job_id;
      f.token = job.lock_token;
      f.result = Json::object();
      finishes.push_back(std::move(f));
    }
    if (!store->FinishJobs(finishes).ok()) std::exit(1);
    worked += static_cast<int64_t>(claimed->size());
  }
  Emit("store_claim_finish_ceiling", {{"backend", store->BackendName()}, {"jobs", worked},
                                      {"batch", batch},
                                      {"jobs_per_s", worked / Seconds(Clock::now() - start)}});
}

// A worker already running, warm and idle, while a producer on a store of its own (as
// another process would be) enqueues `jobs` no-op jobs in batches: from the first enqueue
// to the last completion recorded in the database.
void EnqueueWhileWorking(const std::string& url, int jobs, int concurrency) {
  auto store = MustOpen(url);
  JobManager manager(store.get(), Env::Default());
  HandlerRegistry handlers;
  RegisterDiagnosticHandlers(&handlers);
  WorkerOptions options;
  options.concurrency = concurrency;
  options.claim_batch = 256;
  Worker worker(&manager, &handlers, options);
  worker.Start();
  auto producer_store = MustOpen(url);
  JobManager producer(producer_store.get(), Env::Default());
  const int64_t completed_before = Count(*store, "completed");
  std::this_thread::sleep_for(200ms);  // Warm: the worker is idle, waiting for work.
  const auto start = Clock::now();
  EnqueueNoops(producer, jobs);
  const double enqueue_s = Seconds(Clock::now() - start);
  WaitFor([&] { return worker.counters().completed.load() >= jobs; });
  const double total_s = Seconds(Clock::now() - start);
  worker.Shutdown();
  Emit("enqueue_while_working",
       {{"backend", store->BackendName()}, {"jobs", jobs}, {"workers", 1},
        {"concurrency_per_worker", concurrency}, {"batch", kEnqueueBatch},
        {"enqueue_jobs_per_s", jobs / enqueue_s}, {"jobs_per_s", jobs / total_s},
        {"completed_in_database", Count(*store, "completed") - completed_before}});
}

// A warm worker with `slots` slots on one store, whose only handler (for `job_type`)
// stamps when jobs start and see cancellation; and a second store on the same database,
// as another process would hold it.
struct LatencyRig {
  LatencyRig(const std::string& url, const std::string& job_type, int slots)
      : store(MustOpen(url)),
        manager(store.get(), Env::Default()),
        other_store(MustOpen(url)),
        other(other_store.get(), Env::Default()),
        handler(std::make_shared<StampingHandler>()) {
    handlers.Register(job_type, handler);
    WorkerOptions options;
    options.concurrency = slots;
    worker = std::make_unique<Worker>(&manager, &handlers, options);
    worker->Start();
  }

  std::unique_ptr<JobStore> store;
  JobManager manager;
  std::unique_ptr<JobStore> other_store;
  JobManager other;
  std::shared_ptr<StampingHandler> handler;
  HandlerRegistry handlers;
  std::unique_ptr<Worker> worker;
};

// `through_database`: the job comes from a second store, so the worker can only learn of
// it through the database (NOTIFY on PostgreSQL, polling on SQLite), as from another
// process; otherwise from the worker's own manager, which wakes it in process.
void StartLatency(const std::string& url, int samples, bool through_database) {
  LatencyRig rig(url, "noop", 2);
  JobManager& producer = through_database ? rig.other : rig.manager;
  const auto& handler = rig.handler;
  std::this_thread::sleep_for(200ms);  // Warm: the worker is idle, waiting for work.
  std::vector<double> latencies;
  CreateJobRequest request;
  request.job_type = "noop";
  for (int i = 0; i < samples; ++i) {
    const auto before = Clock::now();
    auto job = producer.CreateJob(request);
    if (!job.ok()) std::exit(1);
    WaitFor([&] { return handler->Started(job->job_id).has_value(); });
    latencies.push_back(Millis(*handler->Started(job->job_id) - before));
    std::this_thread::sleep_for(2ms);
  }
  rig.worker->Shutdown();
  Emit(through_database ? "enqueue_to_start_latency_cross_process" : "enqueue_to_start_latency",
       {{"backend", rig.store->BackendName()}, {"samples", samples},
        {"p50_ms", Quantile(latencies, 0.5)}, {"p99_ms", Quantile(latencies, 0.99)},
        {"max_ms", Quantile(latencies, 1.0)}});
}

// `through_database`: the cancel comes from a second store with no path to the worker
// but the database, exactly as from another process.
void CancelLatency(const std::string& url, int samples, bool through_database) {
  LatencyRig rig(url, "sleep", 4);
  JobManager& canceller = through_database ? rig.other : rig.manager;
  const auto& handler = rig.handler;
  std::vector<double> observed, cancelled;
  CreateJobRequest request;
  request.job_type = "sleep";
  for (int i = 0; i < samples; ++i) {
    auto job = rig.manager.CreateJob(request);
    if (!job.ok()) std::exit(1);
    WaitFor([&] { return handler->Started(job->job_id).has_value(); });
    // Land at a random point of the worker's poll cycle, as a real request would.
    std::this_thread::sleep_for(std::chrono::microseconds(1000 + (i * 7919) % 25000));
    const auto before = Clock::now();
    if (!canceller.RequestCancellation(job->job_id, "bench").ok()) std::exit(1);
    WaitFor([&] { return handler->ObservedCancel(job->job_id).has_value(); });
    observed.push_back(Millis(*handler->ObservedCancel(job->job_id) - before));
    WaitFor([&] {
      auto row = rig.other_store->GetJob(job->job_id, Scope::Admin());
      return row.ok() && row->status == JobStatus::kCancelled;
    });
    cancelled.push_back(Millis(Clock::now() - before));
  }
  rig.worker->Shutdown();
  Emit(through_database ? "cancel_latency_cross_process" : "cancel_latency_in_process",
       {{"backend", rig.store->BackendName()}, {"samples", samples},
        {"observed_p50_ms", Quantile(observed, 0.5)}, {"observed_p99_ms", Quantile(observed, 0.99)},
        {"cancelled_p50_ms", Quantile(cancelled, 0.5)},
        {"cancelled_p99_ms", Quantile(cancelled, 0.99)}});
}

}  // namespace
}  // namespace a11y

int main(int argc, char** argv) {
  CLI::App app{"auto-a11y job-system benchmarks"};
  std::string database;
  int jobs = 100000, workers = 2, concurrency = 4, samples = 200;
  std::vector<std::string> only;
  app.add_option("--database", database,
                 "Database URL (default: a fresh SQLite file in /tmp)");
  app.add_option("--jobs", jobs, "No-op jobs for the throughput runs")->capture_default_str();
  app.add_option("--workers", workers, "Workers for the N-worker run")->capture_default_str();
  app.add_option("--concurrency", concurrency, "Slots per worker")->capture_default_str();
  app.add_option("--samples", samples, "Samples per latency figure")->capture_default_str();
  app.add_option("--only", only, "store, throughput, enqueue, start, cancel");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  // By default every run gets a fresh SQLite file, so that no figure is measured on the
  // rows an earlier run left behind. A given --database is shared by all runs.
  std::string scratch;
  if (database.empty()) {
    scratch = "/tmp/a11y-bench-" + std::to_string(getpid());
    std::filesystem::create_directories(scratch);
  }
  auto fresh = [&](const std::string& run) {
    return scratch.empty() ? database : "sqlite:" + scratch + "/" + run + ".db";
  };
  auto wanted = [&](const std::string& name) {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
  };
  if (wanted("throughput")) {
    a11y::Throughput(fresh("throughput-1"), jobs, 1, concurrency);
    a11y::Throughput(fresh("throughput-n"), jobs, workers, concurrency);
  }
  if (wanted("store")) {
    for (int batch : {4, 32, 128, 256}) {
      a11y::StoreCeiling(fresh("store-" + std::to_string(batch)), jobs, batch);
    }
  }
  if (wanted("enqueue")) a11y::EnqueueWhileWorking(fresh("enqueue"), jobs, concurrency);
  if (wanted("start")) {
    a11y::StartLatency(fresh("start"), samples, false);
    a11y::StartLatency(fresh("start-cross"), samples, true);
  }
  if (wanted("cancel")) {
    a11y::CancelLatency(fresh("cancel"), samples, false);
    a11y::CancelLatency(fresh("cancel-cross"), samples, true);
  }
  if (!scratch.empty()) std::filesystem::remove_all(scratch);
  return 0;
}
