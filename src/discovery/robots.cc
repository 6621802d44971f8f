#include "discovery/robots.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "core/ascii.h"
#include "discovery/url.h"

namespace a11y {
namespace {

// RFC 9309 section 2.5: the parsing limit MUST be at least 500 KiB. Exactly that much is
// read; the rest of a bigger file is ignored.
constexpr size_t kMaxRobotsBytes = 500 * 1024;


// The characters a path and query may hold literally (RFC 3986: pchar, "/" and "?"), apart
// from '%', '*' and '$', which the normaliser below treats specially.
bool IsLiteralUriChar(char c) {
  if (IsUnreserved(c)) return true;
  switch (c) {
    case '!':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '+':
    case ',':
    case ';':
    case '=':
    case ':':
    case '@':
    case '/':
    case '?': return true;
    default: return false;
  }
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsPatternChar(char c) { return c == '*' || IsLiteralUriChar(c); }

// Puts a rule's pattern or a request's path in one canonical percent-encoded form, so the
// two compare octet for octet (RFC 9309 section 2.2.2): escapes of unreserved characters
// decoded ("%62" is "b"), other escapes upper-cased ("%2f" is "%2F", and stays encoded: a
// "%2F" is not a path separator), non-ASCII octets and anything else that may not appear
// literally escaped, and a stray '%' escaped as "%25".
//
// '*' and '$' differ: in a pattern, '*' is the wildcard and a final '$' the end anchor; in
// a path they are plain characters, encoded as "%2A" and "%24" so that a pattern can name
// them with those escapes (section 2.2.3). A '$' that does not end a pattern is a literal.
std::string NormalizeForMatching(std::string_view text, bool is_pattern) {
  if (!is_pattern) return NormalizePercentEncoding(text, &IsLiteralUriChar);
  const bool anchored = !text.empty() && text.back() == '$';
  if (anchored) text.remove_suffix(1);
  std::string out = NormalizePercentEncoding(text, &IsPatternChar);
  if (anchored) out.push_back('$');
  return out;
}

// Whether `pattern` matches the start of `path`: '*' matches any run of octets and a final
// '$' requires the match to end with the path. The classic greedy wildcard algorithm: on a
// mismatch it backtracks only to the last '*' seen, one octet further along the path. A
// later '*' supersedes an earlier one (whatever the earlier one could absorb, the later
// one can too), so no other backtracking is needed and the worst case is
// O(pattern * path) with no recursion, whatever a hostile robots.txt holds.
bool PatternMatches(std::string_view pattern, std::string_view path) {
  const bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  size_t p = 0;                          // Position in the pattern.
  size_t s = 0;                          // Position in the path.
  size_t star = std::string_view::npos;  // Position of the last '*' in the pattern.
  size_t star_s = 0;                     // Where in the path that '*' began matching.
  while (s < path.size()) {
    // Without '$' a rule is a prefix: once the pattern is used up, the rest is free.
    if (!anchored && p == pattern.size()) return true;
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_s = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (star != std::string_view::npos) {
      p = star + 1;  // Let the last '*' absorb one more octet and try again from there.
      s = ++star_s;
    } else {
      return false;
    }
  }
  // The path is used up: only wildcards, which match nothing, may be left.
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// The product token of a user-agent line's value, or of our own name: the leading run of
// letters, digits, '_' and '-' ("ExampleBot/1.0" gives "ExampleBot"). RFC 9309's token
// grammar has no digits, but our own token, "auto-a11y", does: stopping at the first
// digit would read "auto-a" and the crawler would never find its own group.
std::string_view ProductToken(std::string_view value) {
  size_t end = 0;
  while (end < value.size() &&
         (IsAsciiAlpha(value[end]) || IsAsciiDigit(value[end]) || value[end] == '_' || value[end] == '-')) {
    ++end;
  }
  return value.substr(0, end);
}

bool IsStarAgent(std::string_view value) {
  return !value.empty() && value[0] == '*' && ProductToken(value.substr(1)).empty();
}

enum class Key { kUserAgent, kAllow, kDisallow, kCrawlDelay, kSitemap, kUnknown };

// Keys are case-insensitive, and RFC 9309 section 2.2.4 lets crawlers accept common
// misspellings; these are the ones seen in the wild often enough to matter.
Key ParseKey(std::string_view key) {
  for (std::string_view name : {"user-agent", "useragent", "user agent"}) {
    if (EqualsIgnoreCase(key, name)) return Key::kUserAgent;
  }
  if (EqualsIgnoreCase(key, "allow")) return Key::kAllow;
  for (std::string_view name : {"disallow", "dissallow", "dissalow", "disalow"}) {
    if (EqualsIgnoreCase(key, name)) return Key::kDisallow;
  }
  for (std::string_view name : {"crawl-delay", "crawldelay", "crawl delay"}) {
    if (EqualsIgnoreCase(key, name)) return Key::kCrawlDelay;
  }
  for (std::string_view name : {"sitemap", "site-map"}) {
    if (EqualsIgnoreCase(key, name)) return Key::kSitemap;
  }
  return Key::kUnknown;
}

// Crawl-delay seconds: a finite, non-negative decimal. from_chars, unlike strtod, ignores
// the locale.
std::optional<double> ParseDelay(std::string_view value) {
  double seconds = 0;
  const auto [end, error] =
      std::from_chars(value.data(), value.data() + value.size(), seconds, std::chars_format::fixed);
  if (error != std::errc() || end != value.data() + value.size()) return std::nullopt;
  if (!std::isfinite(seconds) || seconds < 0) return std::nullopt;
  return seconds;
}

// The part of `body` that is parsed: without a UTF-8 byte order mark, and at most the
// first kMaxRobotsBytes. When the cut falls inside a line, that line is dropped rather
// than read half: "Allow: /public/page" cut to "Allow: /" would open the whole site.
std::string_view ParsedPart(std::string_view body) {
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  if (body.size() <= kMaxRobotsBytes) return body;
  const bool cut_at_line_end = body[kMaxRobotsBytes] == '\n' || body[kMaxRobotsBytes] == '\r';
  body = body.substr(0, kMaxRobotsBytes);
  if (cut_at_line_end) return body;
  const size_t last_newline = body.find_last_of("\r\n");
  return last_newline == std::string_view::npos ? std::string_view()
                                                : body.substr(0, last_newline + 1);
}

}  // namespace

RobotsRules RobotsRules::Parse(std::string_view body, std::string_view product_token) {
  const std::string_view token = ProductToken(Trim(product_token));

  // What the groups naming us, and the "*" groups, hold; each merged as they are read
  // (RFC 9309 section 2.2.1).
  struct Merged {
    bool found = false;  // Even a group without rules counts: it allows everything.
    std::vector<Rule> rules;
    std::optional<double> crawl_delay;
  };
  Merged ours;
  Merged star;
  RobotsRules result;

  // The group being read: which of the two it feeds (possibly both), and whether the last
  // record was a user-agent line, in which case the next one joins the same group.
  bool in_group = false;
  bool group_is_ours = false;
  bool group_is_star = false;
  bool reading_agents = false;

  auto add_to_group = [&](auto&& apply) {
    if (group_is_ours) apply(ours);
    if (group_is_star) apply(star);
  };

  std::string_view text = ParsedPart(body);
  while (!text.empty()) {
    const size_t line_end = text.find_first_of("\r\n");
    std::string_view line = text.substr(0, line_end);
    text = line_end == std::string_view::npos ? std::string_view() : text.substr(line_end + 1);

    line = line.substr(0, line.find('#'));  // Comments run to the end of the line.
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // Blank or not a record.
    const Key key = ParseKey(Trim(line.substr(0, colon)));
    const std::string_view value = Trim(line.substr(colon + 1));

    switch (key) {
      case Key::kUserAgent: {
        if (!reading_agents) {  // A user-agent line after rules starts a new group.
          in_group = true;
          group_is_ours = false;
          group_is_star = false;
          reading_agents = true;
        }
        if (IsStarAgent(value)) {
          group_is_star = true;
          star.found = true;
        } else if (!token.empty() && EqualsIgnoreCase(ProductToken(value), token)) {
          group_is_ours = true;
          ours.found = true;
        }
        break;
      }
      case Key::kAllow:
      case Key::kDisallow: {
        reading_agents = false;
        // Rules before the first user-agent line belong to no group (section 2.2.2), and
        // an empty pattern matches nothing ("Disallow:" allows everything).
        if (!in_group || value.empty()) break;
        std::string pattern = NormalizeForMatching(value, /*is_pattern=*/true);
        // The grammar requires a leading '/' (or the wildcard); "Disallow: private" means
        // "/private" to whoever wrote it, and reading it so errs on the polite side.
        if (pattern[0] != '/' && pattern[0] != '*') pattern.insert(0, 1, '/');
        const Rule rule{key == Key::kAllow, std::move(pattern)};
        add_to_group([&rule](Merged& merged) { merged.rules.push_back(rule); });
        break;
      }
      case Key::kCrawlDelay: {
        reading_agents = false;
        const std::optional<double> delay = ParseDelay(value);
        if (!in_group || !delay) break;
        // Merged groups keep the longest delay: the politest reading.
        add_to_group([&delay](Merged& merged) {
          merged.crawl_delay = std::max(merged.crawl_delay.value_or(0), *delay);
        });
        break;
      }
      case Key::kSitemap:
        // Sitemaps belong to the file, not a group, and do not end one (section 2.2.4).
        if (!value.empty()) result.sitemaps_.emplace_back(value);
        break;
      case Key::kUnknown: break;  // Section 2.3.1.5: use what parses, skip the rest.
    }
  }

  // Our own groups if any named us, otherwise the "*" groups, otherwise no rules at all.
  Merged& chosen = ours.found ? ours : star;
  result.rules_ = std::move(chosen.rules);
  result.crawl_delay_seconds_ = chosen.crawl_delay;
  return result;
}

RobotsRules RobotsRules::AllowAll() { return RobotsRules(); }

RobotsRules RobotsRules::DisallowAll() {
  RobotsRules rules;
  rules.disallow_all_ = true;
  return rules;
}

RobotsRules RobotsRules::FromFetch(int status_code, std::string_view body,
                                   std::string_view product_token) {
  if (status_code >= 200 && status_code <= 299) return Parse(body, product_token);
  // "Unavailable" (section 2.3.1.3): the site has no robots.txt for us; anything goes.
  if (status_code >= 400 && status_code <= 499) return AllowAll();
  // "Unreachable" (section 2.3.1.4): a server error or no answer at all (0; a negative
  // code can only mean the same). The file is undefined, so assume complete disallow.
  if (status_code <= 0 || (status_code >= 500 && status_code <= 599)) return DisallowAll();
  // Anything else: a 3xx still standing after the fetcher followed redirects (section
  // 2.3.1.2 lets a crawler treat too many redirects as "unavailable"), or a status no
  // server should send (1xx, 6xx and up). Neither is a server error, so the file is
  // treated as unavailable.
  return AllowAll();
}

bool RobotsRules::IsAllowed(std::string_view path_and_query) const {
  const std::string path =
      NormalizeForMatching(path_and_query.empty() ? "/" : path_and_query, /*is_pattern=*/false);
  if (path == "/robots.txt") return true;  // Section 2.2.2: always allowed.
  if (disallow_all_) return false;

  // Section 2.2.2: the match with the most octets wins; on a tie, allow wins.
  size_t longest_allow = 0;
  size_t longest_disallow = 0;
  bool any_disallow = false;
  for (const Rule& rule : rules_) {
    size_t& longest = rule.allow ? longest_allow : longest_disallow;
    if (rule.pattern.size() < longest) continue;  // Could not change the answer.
    if (!PatternMatches(rule.pattern, path)) continue;
    longest = rule.pattern.size();
    if (!rule.allow) any_disallow = true;
  }
  return !any_disallow || longest_allow >= longest_disallow;
}

}  // namespace a11y
