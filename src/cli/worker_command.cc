// auto-a11y worker: a pool of handler threads sharing the database's jobs with every
// other worker. SIGTERM/SIGINT stop it gracefully (see Worker::Shutdown).
#include <iostream>
#include <sstream>

#include "cli/cli_common.h"
#include "jobs/worker.h"

namespace a11y::cli {
namespace {

struct WorkerArgs {
  int concurrency = 4;
  std::string queues;
  std::string lease = "30s";
  std::string grace = "10s";
  std::string worker_id;
  bool no_maintenance = false;
  std::string retry_base = "1s";
  CrawlerArgs crawler;
};

}  // namespace

void AddWorkerCommand(CLI::App& app, const GlobalOptions& options, int* exit_code) {
  auto args = std::make_shared<WorkerArgs>();
  auto* cmd = app.add_subcommand("worker", "Run a worker pool until SIGTERM or SIGINT");
  cmd->add_option("--concurrency", args->concurrency, "Jobs run at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--queues", args->queues, "Only these queues, comma separated (default: all)");
  cmd->add_option("--lease", args->lease, "Lease length; heartbeats renew it every third")
      ->capture_default_str();
  cmd->add_option("--grace", args->grace, "Time running jobs get to finish at shutdown")
      ->capture_default_str();
  cmd->add_option("--retry-base", args->retry_base, "First retry delay; doubles per attempt")
      ->capture_default_str();
  cmd->add_option("--id", args->worker_id, "Worker id (default: host:pid:random)");
  cmd->add_flag("--no-maintenance", args->no_maintenance,
                "Do not run the lease reaper and retention in this worker");
  AddCrawlerOptions(cmd, &args->crawler);
  cmd->callback([&options, exit_code, args] {
    WorkerOptions worker_options;
    worker_options.worker_id = args->worker_id;
    worker_options.concurrency = args->concurrency;
    worker_options.run_maintenance = !args->no_maintenance;
    std::stringstream queues(args->queues);
    for (std::string q; std::getline(queues, q, ',');) {
      if (!q.empty()) worker_options.queues.push_back(q);
    }
    if (!ParseDuration(args->lease, &worker_options.lease) ||
        !ParseDuration(args->grace, &worker_options.shutdown_grace) ||
        !ParseDuration(args->retry_base, &worker_options.retry.base)) {
      *exit_code = Fail(options, Status::InvalidArgument(
                                     "--lease, --grace and --retry-base take durations such "
                                     "as 500ms, 30s or 5m"));
      return;
    }
    BlockStopSignals();
    auto session = OpenSession(options, exit_code);
    if (!session) return;
    HandlerRegistry handlers;
    if (Status registered = RegisterHandlers(args->crawler, &handlers); !registered.ok()) {
      *exit_code = Fail(options, registered);
      return;
    }
    Worker worker(session->manager.get(), &handlers, worker_options);
    Status started = worker.Start();
    if (!started.ok()) {
      *exit_code = Fail(options, started);
      return;
    }
    if (options.json) {
      PrintJson(Json{{"event", "started"}, {"worker_id", worker.id()}});
    } else {
      std::cout << "worker " << worker.id() << " running " << worker_options.concurrency
                << " slots on " << options.database << "; Ctrl-C stops it" << std::endl;
    }
    WaitForStopSignal();
    worker.Shutdown();
    const WorkerCounters& c = worker.counters();
    if (options.json) {
      PrintJson(Json{{"event", "stopped"},
                     {"worker_id", worker.id()},
                     {"completed", c.completed.load()},
                     {"failed", c.failed.load()},
                     {"retried", c.retried.load()},
                     {"cancelled", c.cancelled.load()},
                     {"released", c.released.load()}});
    }
  });
}

}  // namespace a11y::cli
