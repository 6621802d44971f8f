// Discovery benchmark: one discovery job, run by the real worker runtime on a fresh
// SQLite database, crawling a website (scripts/bench-crawl serves a generated 10,000-page
// site and the PostgreSQL manual with nginx). Prints one JSON line per figure: pages/s
// with pages stored, peak memory, and with --cancel-trials the latency from a cancel
// request to the job being cancelled (p50/p99).
//
//   build/release/bench/crawl_bench --url http://127.0.0.1:18080/ --max-pages 20000
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include "core/ids.h"
#include "discovery/scraping_job.h"
#include "jobs/worker.h"
#include "websites/website_manager.h"

namespace a11y {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Args {
  std::string url;
  int max_pages = 100000;
  int concurrency = 16;
  int cancel_trials = 0;
  int parse_threads = DefaultParseThreads();
  std::string database;
};

[[noreturn]] void Die(const Status& status) {
  std::cerr << status.ToString() << "\n";
  std::exit(1);
}

template <typename T>
T Must(Result<T> result) {
  if (!result.ok()) Die(result.status());
  return std::move(result).value();
}

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(q * static_cast<double>(values.size() - 1))];
}

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux.
}

class Bench {
 public:
  explicit Bench(const Args& args) : args_(args) {
    store_ = Must(OpenJobStore(args.database, Env::Default()));
    if (Status st = store_->Migrate(); !st.ok()) Die(st);
    manager_ = std::make_unique<JobManager>(store_.get(), Env::Default());
    websites_ = std::make_unique<WebsiteManager>(&store_->domain(), Env::Default());
    const TimePoint now = Env::Default()->Now();
    user_ = {NewSortableId(now), "bench", "x", Role::kUser, false, now, now};
    if (Status st = store_->domain().CreateUser(user_); !st.ok()) Die(st);
    project_id_ = Must(websites_->CreateProject(
                           user_.user_id, {.name = "bench", .description = "", .wcag_level = {}}))
                      .project_id;
    DiscoveryOptions options;
    options.fetch.network = NetworkPolicy::AllowAll();  // The servers are on loopback.
    options.parse_threads = args.parse_threads;
    RegisterDiscoveryHandler(&handlers_, options);
    WorkerOptions worker_options;
    worker_options.concurrency = 2;
    worker_options.cancel_poll = 10ms;
    worker_options.idle_wait = 5ms;
    worker_ = std::make_unique<Worker>(manager_.get(), &handlers_, worker_options);
    if (Status st = worker_->Start(); !st.ok()) Die(st);
  }
  ~Bench() { worker_->Shutdown(); }

  // A new website (so every run starts with no pages) and its discovery job.
  std::string StartDiscovery(CrawlSettings settings) {
    const std::string name = "site-" + std::to_string(++websites_made_);
    const Website website = Must(websites_->CreateWebsite(
        project_id_, {name, args_.url, settings}, Scope::User(user_.user_id)));
    CreateJobRequest request;
    request.job_type = "discovery";
    request.website_id = website.website_id;
    request.project_id = website.project_id;
    request.user_id = user_.user_id;
    request.metadata = {{"start_url", website.start_url}, {"settings", settings.ToJson()}};
    return Must(manager_->CreateJob(request)).job_id;
  }

  Job WaitFinished(const std::string& job_id, Micros poll = 1ms) {
    while (true) {
      Job job = Must(manager_->GetJob(job_id));
      if (IsTerminal(job.status)) return job;
      std::this_thread::sleep_for(poll);
    }
  }

  CrawlSettings FastSettings() const {
    CrawlSettings settings;
    settings.max_pages = args_.max_pages;
    settings.max_depth = 100;
    settings.requests_per_second = 10000;
    settings.concurrency = args_.concurrency;
    return settings;
  }

  void Throughput() {
    const Clock::time_point start = Clock::now();
    const Job job = WaitFinished(StartDiscovery(FastSettings()), 20ms);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (job.status != JobStatus::kCompleted) Die(Status::Internal(job.error.value_or("failed")));
    const int64_t pages = (*job.result)["pages_processed"].get<int64_t>();
    std::cout << Json{{"bench", "crawl"},
                      {"url", args_.url},
                      {"pages", pages},
                      {"pages_failed", (*job.result)["pages_failed"]},
                      {"documents", (*job.result)["documents_found"]},
                      {"seconds", seconds},
                      {"pages_per_second", static_cast<double>(pages) / seconds},
                      {"peak_rss_mb", PeakRssMb()}}
                     .dump()
              << std::endl;
  }

  // Cancels crawls in full flight (after 300 ms) and times request -> cancelled.
  void CancelLatency() {
    std::vector<double> millis;
    CrawlSettings settings = FastSettings();
    settings.requests_per_second = 200;  // Keeps the crawl busy for the whole trial.
    for (int i = 0; i < args_.cancel_trials; ++i) {
      const std::string job_id = StartDiscovery(settings);
      while (Must(manager_->GetJob(job_id)).status != JobStatus::kRunning) {
        std::this_thread::sleep_for(1ms);
      }
      std::this_thread::sleep_for(300ms);
      const Clock::time_point asked = Clock::now();
      Must(manager_->RequestCancellation(job_id, user_.user_id));
      const Job job = WaitFinished(job_id, 100us);
      if (job.status != JobStatus::kCancelled) {
        Die(Status::Internal("a cancelled crawl ended " + std::string(JobStatusName(job.status))));
      }
      millis.push_back(std::chrono::duration<double, std::milli>(Clock::now() - asked).count());
    }
    std::cout << Json{{"bench", "cancel"},
                      {"trials", millis.size()},
                      {"p50_ms", Quantile(millis, 0.5)},
                      {"p99_ms", Quantile(millis, 0.99)},
                      {"max_ms", Quantile(millis, 1.0)}}
                     .dump()
              << std::endl;
  }

 private:
  const Args& args_;
  std::unique_ptr<JobStore> store_;
  std::unique_ptr<JobManager> manager_;
  std::unique_ptr<WebsiteManager> websites_;
  HandlerRegistry handlers_;
  std::unique_ptr<Worker> worker_;
  User user_;
  std::string project_id_;
  int websites_made_ = 0;
};

}  // namespace
}  // namespace a11y

int main(int argc, char** argv) {
  a11y::Args args;
  CLI::App app("Discovery benchmark: pages/s of one crawl, and cancellation latency");
  app.add_option("--url", args.url, "Start URL")->required();
  app.add_option("--max-pages", args.max_pages)->capture_default_str();
  app.add_option("--concurrency", args.concurrency, "Requests in flight")->capture_default_str();
  app.add_option("--cancel-trials", args.cancel_trials, "Cancelled crawls to time")
      ->capture_default_str();
  app.add_option("--parse-threads", args.parse_threads, "Threads parsing pages")
      ->capture_default_str();
  app.add_option("--database", args.database, "Default: a new SQLite file in /tmp");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  std::filesystem::path dir;
  if (args.database.empty()) {
    dir = std::filesystem::temp_directory_path() /
          ("a11y-crawl-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    args.database = "sqlite:" + (dir / "bench.db").string();
  }
  {
    a11y::Bench bench(args);
    bench.Throughput();
    if (args.cancel_trials > 0) bench.CancelLatency();
  }
  if (!dir.empty()) std::filesystem::remove_all(dir);
  return 0;
}
