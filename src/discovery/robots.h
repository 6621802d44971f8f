// robots.txt as RFC 9309 defines it: groups chosen by product token, rules matched by
// longest match with `*` and `$`, allow winning ties, and what to do when the file
// cannot be fetched. Crawl-delay and Sitemap lines are read too (they are not in the RFC,
// but every major crawler honours them).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace a11y {

class RobotsRules {
 public:
  // Parses a robots.txt body for the crawler whose product token is `product_token`
  // (e.g. "auto-a11y"; matched case-insensitively against the leading run of letters,
  // digits, '_' and '-' of each user-agent value, so "auto-a11y/1.0" names it). Uses every
  // group naming the token, merged; otherwise every `*` group, merged; otherwise allows
  // everything. Reads at most the first 500 KiB (RFC 9309 section 2.5), dropping a line
  // the limit cuts in two. Lines it does not understand are skipped.
  static RobotsRules Parse(std::string_view body, std::string_view product_token);
  static RobotsRules AllowAll();     // 4xx: "unavailable" (RFC 9309 section 2.3.1.3).
  static RobotsRules DisallowAll();  // 5xx or network error: "unreachable" (2.3.1.4).

  // RFC 9309 section 2.3.1 end to end: `status_code` is the final HTTP status after
  // redirects, or 0 when no answer came.
  static RobotsRules FromFetch(int status_code, std::string_view body,
                               std::string_view product_token);

  // Whether `path_and_query` (as sent on the wire: starts with '/', percent-encoded) may
  // be fetched. "/robots.txt" is always allowed.
  bool IsAllowed(std::string_view path_and_query) const;

  // Crawl-delay of the chosen group, in seconds, if it set one.
  std::optional<double> crawl_delay_seconds() const { return crawl_delay_seconds_; }
  // Every Sitemap line of the file, whichever group it sits in, in order.
  const std::vector<std::string>& sitemaps() const { return sitemaps_; }

 private:
  struct Rule {
    bool allow = false;
    std::string pattern;  // Percent-encoding normalised.
  };
  std::vector<Rule> rules_;
  bool disallow_all_ = false;
  std::optional<double> crawl_delay_seconds_;
  std::vector<std::string> sitemaps_;
};

}  // namespace a11y
