// The crawl itself: a breadth-first frontier over a website, fetched through one Fetcher
// with per-host politeness (a concurrency cap, a request rate, robots.txt Crawl-delay,
// Retry-After), robots.txt rules per origin, sitemaps, and the website's scope rules. It
// knows nothing of jobs or databases: it hands pages to a CrawlSink, which stores them
// in batches together with the crawl's checkpoint, and it stops when told to.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "discovery/crawl_settings.h"
#include "discovery/fetcher.h"
#include "discovery/url.h"
#include "store/discovery_store.h"

namespace a11y {

// One per core, at most 4.
int DefaultParseThreads();

struct CrawlConfig {
  HttpUrl start;
  CrawlSettings settings;
  FetchOptions fetch;
  std::string robots_token = "auto-a11y";  // The product token robots.txt groups name.
  int max_in_flight = 64;                  // Across every host.
  // A batch goes to the sink after this many pages, or this long after the last one.
  size_t batch_pages = 250;
  Micros batch_interval = std::chrono::milliseconds(250);
  int max_retries = 2;  // Of a page answered 429 or 503.
  // Threads parsing fetched pages while the crawl loop goes on (HTML5 parsing is most of a
  // crawl's CPU).
  int parse_threads = DefaultParseThreads();
};

struct FrontierEntry {
  std::string url;  // Normalised.
  int depth = 0;
  std::string referrer;  // Empty for the start URL and sitemap entries.
};

// Everything a crawl needs to go on after its process died: the URLs admitted but not
// yet fetched (queued or in flight) and the counters. The URLs already fetched are not
// here: they are the run's stored pages, written in the same transaction.
struct CrawlCheckpoint {
  std::vector<FrontierEntry> frontier;
  bool sitemaps_done = false;
  int current_depth = 0;
  DiscoveryCounts counts;
  std::string last_failed_url;
  std::string last_failed_reason;
  Json ToJson() const;
  static std::optional<CrawlCheckpoint> FromJson(const Json& json);
};

class CrawlSink {
 public:
  virtual ~CrawlSink() = default;
  virtual void AddPage(DiscoveredPage page) = 0;
  virtual void AddDocument(DocumentRef document) = 0;
  // Stores what was added since the last flush with `checkpoint`, atomically. An error
  // (a lost lease) stops the crawl.
  virtual Status Flush(const CrawlCheckpoint& checkpoint) = 0;
  // Called after every fetched page; cheap (the job runtime coalesces its writes).
  virtual void Progress(const CrawlCheckpoint& state, size_t queue_size) = 0;
};

class Crawler {
 public:
  // REQUIRES: config.start is in scope of config.settings (it is the website's start URL).
  explicit Crawler(CrawlConfig config);
  ~Crawler();

  // Continues a crawl from a checkpoint: `fetched` are the URLs the run already stored.
  // Without it the crawl starts at config.start.
  void Restore(const CrawlCheckpoint& checkpoint, const std::vector<std::string>& fetched);

  enum class End { kFinished, kCancelled, kSinkFailed };
  struct Outcome {
    End end = End::kFinished;
    Status status;  // The sink's error for kSinkFailed.
    CrawlCheckpoint last;  // The state at the end.
  };
  // Crawls until the frontier is empty, `stop_requested` returns true (checked between
  // polls, at least every 50 ms; in-flight transfers are then aborted and go back to the
  // frontier), or the sink fails. Every page fetched is flushed before it returns.
  Outcome Run(CrawlSink& sink, const std::function<bool()>& stop_requested);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace a11y
