#include "discovery/scraping_job.h"

#include "core/ids.h"
#include "discovery/crawl_settings.h"
#include "discovery/crawler.h"
#include "discovery/url.h"
#include "store/discovery_store.h"
#include "store/domain_store.h"
#include "store/job_store.h"

namespace a11y {
namespace {

// Gathers pages between flushes and writes them with the checkpoint in one fenced batch.
class RunSink : public CrawlSink {
 public:
  RunSink(JobContext& context, std::string run_id)
      : context_(context), run_id_(std::move(run_id)) {}

  void AddPage(DiscoveredPage page) override { batch_.pages.push_back(std::move(page)); }
  void AddDocument(DocumentRef document) override {
    batch_.documents.push_back(std::move(document));
  }

  Status Flush(const CrawlCheckpoint& checkpoint) override {
    batch_.run_id = run_id_;
    batch_.job_id = context_.job().job_id;
    batch_.lock_token = context_.job().lock_token;
    batch_.seen_at = context_.env().Now();
    batch_.counts = checkpoint.counts;
    batch_.checkpoint = {{"run_id", run_id_}, {"crawl", checkpoint.ToJson()}};
    Status saved = context_.store().discovery().SaveBatch(batch_);
    batch_.pages.clear();
    batch_.documents.clear();
    Progress(checkpoint, checkpoint.frontier.size());
    return saved;
  }

  void Progress(const CrawlCheckpoint& state, size_t queue_size) override {
    const DiscoveryCounts& c = state.counts;
    context_.ReportProgress(
        c.pages_processed, c.pages_found,
        "Found " + std::to_string(c.pages_found) + " pages, processed " +
            std::to_string(c.pages_processed),
        {{"pages_found", c.pages_found},
         {"pages_processed", c.pages_processed},
         {"current_depth", state.current_depth},
         {"queue_size", queue_size},
         {"pages_failed", c.pages_failed},
         {"last_failed_url", state.last_failed_url},
         {"last_failed_reason", state.last_failed_reason}});
  }

 private:
  JobContext& context_;
  std::string run_id_;
  DiscoveryBatch batch_;
};

class ScrapingJob : public JobHandler {
 public:
  explicit ScrapingJob(DiscoveryOptions options) : options_(std::move(options)) {}

  Outcome Run(JobContext& context) override {
    const Job& job = context.job();
    auto website = context.store().domain().GetWebsite(job.website_id, Scope::Admin());
    if (!website.ok()) return Outcome::FailOrRetry(website.status());
    CrawlConfig config = ConfigFor(job, *website);
    auto start = NormalizeHttpUrl(StartUrl(job, *website));
    if (!start) return Outcome::Failed("the start URL is not an absolute http(s) URL");
    config.start = *start;
    Crawler crawler(config);

    auto run = ResumeOrCreateRun(context, *website, crawler);
    if (!run.ok()) return Outcome::FailOrRetry(run.status());
    RunSink sink(context, run->run_id);
    CancellationToken& cancel = context.cancellation();
    const Crawler::Outcome outcome = crawler.Run(sink, [&] { return cancel.IsCancelled(); });
    return Finish(context, *run, outcome);
  }

 private:
  // The job keeps the settings it was started with; older jobs fall back to the website's.
  static std::string StartUrl(const Job& job, const Website& website) {
    return job.metadata.value("start_url", website.start_url);
  }

  CrawlConfig ConfigFor(const Job& job, const Website& website) const {
    CrawlConfig config;
    config.settings = StoredCrawlSettings(
        job.metadata.contains("settings") ? job.metadata["settings"] : website.settings);
    config.fetch = options_.fetch;
    config.max_in_flight = options_.max_in_flight;
    config.parse_threads = options_.parse_threads;
    return config;
  }

  // A job taken over after a crash finds its run in its checkpoint, and the URLs the run
  // already stored in the run's pages.
  static Result<DiscoveryRun> ResumeOrCreateRun(JobContext& context, const Website& website,
                                                Crawler& crawler) {
    const Job& job = context.job();
    DiscoveryStore& runs = context.store().discovery();
    if (job.checkpoint && job.checkpoint->is_object() && job.checkpoint->contains("run_id")) {
      auto run = runs.GetRun((*job.checkpoint)["run_id"].get<std::string>(), Scope::Admin());
      const auto state =
          CrawlCheckpoint::FromJson(job.checkpoint->value("crawl", Json::object()));
      // A run that ended (the job failed or was cancelled, and is now retried) is not
      // continued: the retry is a new run. A run with no crawl state yet died before its
      // first batch: it starts over, as itself.
      if (run.ok() && run->status == "running") {
        if (!state) return run;
        auto fetched = runs.ProcessedUrls(run->run_id);
        if (!fetched.ok()) return fetched.status();
        crawler.Restore(*state, *fetched);
        return run;
      }
    }
    DiscoveryRun run;
    run.run_id = NewSortableId(context.env().Now());
    run.website_id = website.website_id;
    run.project_id = website.project_id;
    run.user_id = job.user_id;
    run.job_id = job.job_id;
    run.session_id = job.session_id;
    run.started_at = context.env().Now();
    A11Y_RETURN_IF_ERROR(runs.CreateRun(run));
    A11Y_RETURN_IF_ERROR(context.SaveCheckpoint({{"run_id", run.run_id}}));
    return run;
  }

  static Outcome Finish(JobContext& context, const DiscoveryRun& run,
                        const Crawler::Outcome& outcome) {
    DiscoveryStore& runs = context.store().discovery();
    const DiscoveryCounts& counts = outcome.last.counts;
    const TimePoint now = context.env().Now();
    switch (outcome.end) {
      case Crawler::End::kCancelled:
        runs.FinishRun(run.run_id, "cancelled", std::nullopt, counts, now);
        return Outcome::Cancelled();
      case Crawler::End::kSinkFailed:
        if (outcome.status.code() == Status::Code::kLeaseLost) return Outcome::Cancelled();
        return Outcome::Retry("storing pages failed: " + outcome.status.ToString());
      case Crawler::End::kFinished:
        break;
    }
    // A site that answered nothing usable keeps its page list: marking every page missing
    // because the server was down would be wrong.
    if (counts.pages_processed > 0 && counts.pages_failed == counts.pages_processed &&
        !outcome.last.last_failed_reason.empty()) {
      const std::string error = "no page could be fetched; the last failure: " +
                                outcome.last.last_failed_url + ": " +
                                outcome.last.last_failed_reason;
      runs.FinishRun(run.run_id, "failed", error, counts, now);
      return Outcome::Failed(error);
    }
    auto finished = runs.FinishRun(run.run_id, "completed", std::nullopt, counts, now);
    if (!finished.ok()) return Outcome::Retry(finished.status().ToString());
    const double seconds =
        std::chrono::duration<double>(now - run.started_at).count();
    return Outcome::Completed({{"run_id", run.run_id},
                               {"pages_found", counts.pages_found},
                               {"pages_processed", counts.pages_processed},
                               {"documents_found", counts.documents_found},
                               {"pages_failed", counts.pages_failed},
                               {"pages_missing", finished->pages_missing},
                               {"duration_seconds", seconds}});
  }

  DiscoveryOptions options_;
};

}  // namespace

void RegisterDiscoveryHandler(HandlerRegistry* registry, DiscoveryOptions options) {
  registry->Register("discovery", std::make_shared<ScrapingJob>(std::move(options)));
}

}  // namespace a11y
