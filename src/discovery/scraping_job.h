// ScrapingJob: the `discovery` job. Crawls a website (see crawler.h) into a discovery run:
// its pages updated in place in the website's pages, the documents they link to, and
// progress while it goes. Every batch of pages is stored with the crawl's checkpoint in
// one fenced transaction, so a job taken over after a crash continues where the dead
// worker stopped, fetching again only what was in flight.
#pragma once

#include "discovery/crawler.h"
#include "discovery/fetcher.h"
#include "jobs/handler.h"

namespace a11y {

// What a deployment decides for every crawl (websites decide the rest).
struct DiscoveryOptions {
  FetchOptions fetch;  // Timeouts, body cap, user agent and the network policy.
  int max_in_flight = 64;
  int parse_threads = DefaultParseThreads();
};

void RegisterDiscoveryHandler(HandlerRegistry* registry, DiscoveryOptions options);

}  // namespace a11y
