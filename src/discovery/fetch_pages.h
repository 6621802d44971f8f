// Fetching a known list of pages (no crawling): the `check` command and the testing job.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "discovery/fetcher.h"

namespace a11y {

// Fetches every URL, at most `concurrency` at a time, through the crawler's Fetcher (and so
// its network policy, timeouts and body cap), and returns the results in the order of
// `urls`. HTML bodies are decoded to UTF-8. `stop` (optional) is asked between polls; once
// it returns true the transfers in flight are aborted and their results say "cancelled".
std::vector<FetchResult> FetchPages(const std::vector<std::string>& urls,
                                    const FetchOptions& options, int concurrency,
                                    const std::function<bool()>& stop = {});

// Why `result` gives no page to check (a failed transfer, an HTTP error, a body that is not
// HTML), or nothing when its body is the page.
std::optional<std::string> UnusablePage(const FetchResult& result);

}  // namespace a11y
