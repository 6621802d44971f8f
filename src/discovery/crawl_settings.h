// A website's crawl settings: what discovery may fetch and how politely. Stored as JSON on
// the website; every field has a default and a range, checked here and nowhere else.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/json_reader.h"
#include "core/status.h"

namespace a11y {

struct CrawlSettings {
  int max_pages = 500;  // 1..100,000 pages per discovery run.
  int max_depth = 10;   // 0..100 links from the start URL.
  bool respect_robots = true;
  bool include_subdomains = false;
  std::vector<std::string> excluded_paths;    // Path prefixes, each starting with '/'.
  std::vector<std::string> include_patterns;  // ECMAScript regexes; empty: every URL in scope.
  double requests_per_second = 2.0;           // 0.1..10,000 per host.
  int concurrency = 4;                        // 1..32 requests in flight per host.
  bool strip_tracking_params = true;          // utm_*, gclid, fbclid... dropped from URLs.

  nlohmann::json ToJson() const;
  // Reads the fields present in `json` over `base` (so a PATCH changes only what it
  // names). Unknown fields, wrong types and out-of-range values are reported in `reader`
  // style: kInvalidArgument "settings.FIELD: PROBLEM".
  static CrawlSettings Read(JsonReader& reader, const CrawlSettings& base);
};

// Settings stored by an older or newer binary are read leniently: defaults for what is
// missing or invalid.
CrawlSettings StoredCrawlSettings(const nlohmann::json& json);

// Whether `host` belongs to a website on `site_host`: the same host, or with
// `subdomains` any host under it.
bool HostInSite(const std::string& host, const std::string& site_host, bool subdomains);

// Checks a website's start URL: absolute http(s) with a host and without credentials.
// Returns it normalised (lower-case scheme and host, no default port, no fragment), or
// kInvalidArgument.
Result<std::string> NormalizeStartUrl(const std::string& url);

}  // namespace a11y
