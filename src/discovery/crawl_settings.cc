#include "discovery/crawl_settings.h"

#include <cctype>
#include <regex>

#include "discovery/url.h"

namespace a11y {

nlohmann::json CrawlSettings::ToJson() const {
  return {{"max_pages", max_pages},
          {"max_depth", max_depth},
          {"respect_robots", respect_robots},
          {"include_subdomains", include_subdomains},
          {"excluded_paths", excluded_paths},
          {"include_patterns", include_patterns},
          {"requests_per_second", requests_per_second},
          {"concurrency", concurrency},
          {"strip_tracking_params", strip_tracking_params}};
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
  if (auto v = reader.Number("requests_per_second", R::kOptional, 0.1, 10000)) {
    s.requests_per_second = *v;
  }
  if (auto v = reader.Int("concurrency", R::kOptional, 1, 32)) s.concurrency = static_cast<int>(*v);
  if (auto v = reader.Bool("strip_tracking_params", R::kOptional)) s.strip_tracking_params = *v;
  return s;
}

CrawlSettings StoredCrawlSettings(const nlohmann::json& json) {
  JsonReader reader(json);
  CrawlSettings settings = CrawlSettings::Read(reader, {});
  return reader.Finish().ok() ? settings : CrawlSettings{};
}

bool HostInSite(const std::string& host, const std::string& site_host, bool subdomains) {
  if (host == site_host) return true;
  return subdomains && host.size() > site_host.size() &&
         host.compare(host.size() - site_host.size(), site_host.size(), site_host) == 0 &&
         host[host.size() - site_host.size() - 1] == '.';
}

Result<std::string> NormalizeStartUrl(const std::string& url) {
  if (url.size() > 2000) return Status::InvalidArgument("must be at most 2000 characters");
  const UriParts parts = SplitUriReference(url);
  if (parts.scheme.empty() || !parts.authority) {
    return Status::InvalidArgument("is not an absolute URL");
  }
  std::string scheme = parts.scheme;
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https") return Status::InvalidArgument("must use http or https");
  if (parts.authority->find('@') != std::string::npos) {
    return Status::InvalidArgument("must not contain a user name or password");
  }
  // The address as the user wrote it: tracking parameters are theirs to keep here.
  auto normalized = NormalizeHttpUrl(url, {.strip_tracking_params = false});
  if (!normalized) return Status::InvalidArgument("must name a valid host (and port)");
  return normalized->ToString();
}

}  // namespace a11y
