#include "discovery/fetch_pages.h"

#include <algorithm>

#include "discovery/charset.h"

namespace a11y {

std::vector<FetchResult> FetchPages(const std::vector<std::string>& urls,
                                    const FetchOptions& options, int concurrency,
                                    const std::function<bool()>& stop) {
  std::vector<FetchResult> results(urls.size());
  Fetcher fetcher(options);
  size_t next = 0;
  size_t done = 0;
  std::vector<FetchResult> finished;
  const size_t limit = static_cast<size_t>(std::max(1, concurrency));
  while (done < urls.size()) {
    if (stop && stop()) {
      fetcher.AbortAll();
      for (size_t i = 0; i < urls.size(); ++i) {
        if (results[i].url.empty()) {
          results[i].url = urls[i];
          results[i].error = "cancelled";
        }
      }
      break;
    }
    while (next < urls.size() && fetcher.in_flight() < limit) {
      fetcher.Start({next, urls[next], FetchRequest::Accept::kHtml});
      ++next;
    }
    finished.clear();
    fetcher.Poll(std::chrono::milliseconds(50), &finished);
    for (FetchResult& result : finished) {
      if (!result.error && !result.body_skipped) {
        result.body = DecodeToUtf8(result.body, result.content_type);
      }
      size_t index = result.id;
      results[index] = std::move(result);
      ++done;
    }
  }
  return results;
}

std::optional<std::string> UnusablePage(const FetchResult& result) {
  if (result.error) return *result.error;
  if (result.status_code >= 400) return "HTTP " + std::to_string(result.status_code);
  if (result.body_skipped) return "not HTML: " + result.content_type;
  return std::nullopt;
}

}  // namespace a11y
