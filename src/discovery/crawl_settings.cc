#include "websites/crawl_settings.h"

#include <curl/curl.h>

#include <cctype>
#include <memory>
#include <regex>

namespace a11y {

nlohmann::json CrawlSettings::ToJson() const {
  return {{"max_pages", max_pages},
          {"max_depth", max_depth},
          {"respect_robots", respect_robots},
          {"include_subdomains", include_subdomains},
          {"excluded_paths", excluded_paths},
          {"include_patterns", include_patterns},
          {"requests_per_second", requests_per_second}};
}

CrawlSettings CrawlSettings::Read(JsonReader& reader, const CrawlSettings& base) {
  CrawlSettings s = base;
  using R = JsonReader;
  if (auto v = reader.Int("max_pages", R::kOptional, 1, 100000)) s.max_pages = static_cast<int>(*v);
  if (auto v = reader.Int("max_depth", R::kOptional, 0, 100)) s.max_depth = static_cast<int>(*v);
  if (auto v = reader.Bool("respect_robots", R::kOptional)) s.respect_robots = *v;
  if (auto v = reader.Bool("include_subdomains", R::kOptional)) s.include_subdomains = *v;
  if (auto v = reader.Strings("excluded_paths", R::kOptional, 100, 500)) {
    for (const std::string& path : *v) {
      if (path.front() != '/') reader.Fail("excluded_paths", "each path must start with '/'");
    }
    s.excluded_paths = *v;
  }
  if (auto v = reader.Strings("include_patterns", R::kOptional, 100, 500)) {
    for (const std::string& pattern : *v) {
      try {
        std::regex compiled(pattern, std::regex::ECMAScript);
      } catch (const std::regex_error&) {
        reader.Fail("include_patterns", "'" + pattern + "' is not a valid regular expression");
      }
    }
    s.include_patterns = *v;
  }
  if (auto v = reader.Number("requests_per_second", R::kOptional, 0.1, 100)) {
    s.requests_per_second = *v;
  }
  return s;
}

CrawlSettings StoredCrawlSettings(const nlohmann::json& json) {
  JsonReader reader(json);
  CrawlSettings settings = CrawlSettings::Read(reader, {});
  return reader.Finish().ok() ? settings : CrawlSettings{};
}

Result<std::string> NormalizeStartUrl(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), &curl_url_cleanup);
  if (!handle) return Status::Internal("out of memory parsing a URL");
  if (url.size() > 2000) return Status::InvalidArgument("must be at most 2000 characters");
  if (curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return Status::InvalidArgument("is not an absolute URL");
  }
  auto part = [&](CURLUPart which, unsigned flags = 0) -> std::optional<std::string> {
    char* text = nullptr;
    if (curl_url_get(handle.get(), which, &text, flags) != CURLUE_OK) return std::nullopt;
    std::string value(text);
    curl_free(text);
    return value;
  };
  const auto scheme = part(CURLUPART_SCHEME);
  if (!scheme || (*scheme != "http" && *scheme != "https")) {
    return Status::InvalidArgument("must use http or https");
  }
  if (part(CURLUPART_USER) || part(CURLUPART_PASSWORD)) {
    return Status::InvalidArgument("must not contain a user name or password");
  }
  auto host = part(CURLUPART_HOST);
  if (!host || host->empty()) return Status::InvalidArgument("must name a host");
  for (char& c : *host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  curl_url_set(handle.get(), CURLUPART_HOST, host->c_str(), 0);
  curl_url_set(handle.get(), CURLUPART_FRAGMENT, nullptr, 0);
  auto normalized = part(CURLUPART_URL, CURLU_NO_DEFAULT_PORT);
  if (!normalized) return Status::InvalidArgument("is not an absolute URL");
  return *normalized;
}

}  // namespace a11y
