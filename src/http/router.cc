// Matching is a scan over the routes: an API has tens of them, and a scan that allocates
// nothing for literal paths is cheaper than a tree at that size.
//
// Rules: a path is split on '/'; one trailing slash is ignored ("/api/v1/jobs/" is
// "/api/v1/jobs"); "{name}" matches one non-empty segment, given percent-decoded as a path
// parameter; literal segments compare after percent-decoding. Among the routes that match
// the path and the method, the most specific wins: at the leftmost position where two
// differ, a literal beats a parameter ("/jobs/stats" beats "/jobs/{id}" whatever the order
// of registration). HEAD is served by a GET route when no HEAD route is registered.
#include <algorithm>
#include <array>
#include <string_view>

#include "http/http.h"
#include "http/url.h"

namespace a11y::http {
namespace {

constexpr std::size_t kMaxSegments = 32;
using Segments = std::array<std::string_view, kMaxSegments>;

bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// Splits "/a/b/" into "a", "b"; "/" into nothing. Returns the number of segments, or
// kMaxSegments + 1 when there are too many to belong to any route.
std::size_t SplitPath(std::string_view path, Segments* out) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return 0;
  std::size_t count = 0;
  while (true) {
    if (count == kMaxSegments) return kMaxSegments + 1;
    const std::size_t slash = path.find('/');
    (*out)[count++] = path.substr(0, slash);
    if (slash == std::string_view::npos) return count;
    path.remove_prefix(slash + 1);
  }
}

// True when `a` is more specific than `b` (both match the same path).
bool MoreSpecific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool a_literal = !IsParam(a[i]);
    const bool b_literal = !IsParam(b[i]);
    if (a_literal != b_literal) return a_literal;
  }
  return false;
}

}  // namespace

void Router::Add(const std::string& method, const std::string& pattern, Handler handler) {
  Segments parts;
  const std::size_t count = SplitPath(pattern, &parts);
  Route route{method, pattern, {}, std::move(handler)};
  for (std::size_t i = 0; i < count && i < kMaxSegments; ++i) {
    route.segments.emplace_back(parts[i]);
  }
  routes_.push_back(std::move(route));
}

std::vector<std::string> Router::Routes() const {
  std::vector<std::string> out;
  out.reserve(routes_.size());
  for (const Route& route : routes_) out.push_back(route.method + " " + route.pattern);
  return out;
}

const Handler& Router::Match(Request& request) const {
  // Split the encoded target so that "%2F" inside a parameter stays inside it; a request
  // built without a target (tests, internal calls) has only the decoded path.
  const bool encoded = !request.target.empty();
  const std::string_view path = encoded ? TargetPath(request.target) : request.path;
  Segments segments;
  const std::size_t count = SplitPath(path, &segments);
  // Decoded copies, made only for segments that hold an escape.
  std::array<std::string, kMaxSegments> decoded_storage;
  if (encoded && count <= kMaxSegments) {
    for (std::size_t i = 0; i < count; ++i) {
      if (segments[i].find('%') == std::string_view::npos) continue;
      decoded_storage[i] = PercentDecode(segments[i]);
      segments[i] = decoded_storage[i];
    }
  }

  const Route* best = nullptr;
  bool path_matched = false;
  std::vector<std::string> allowed;
  for (const Route& route : routes_) {
    if (route.segments.size() != count) continue;
    bool matches = true;
    for (std::size_t i = 0; i < count && matches; ++i) {
      const std::string& part = route.segments[i];
      matches = IsParam(part) ? !segments[i].empty() : part == segments[i];
    }
    if (!matches) continue;
    path_matched = true;
    const bool exact_method = route.method == request.method;
    if (!exact_method && !(request.method == "HEAD" && route.method == "GET")) {
      allowed.push_back(route.method);
      continue;
    }
    if (best == nullptr || MoreSpecific(route.segments, best->segments) ||
        (!MoreSpecific(best->segments, route.segments) && exact_method &&
         best->method != request.method)) {
      best = &route;
    }
  }

  if (best == nullptr) {
    if (!path_matched) {
      throw ApiError::NotFound("no such endpoint: " + request.method + " " + request.path);
    }
    if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) {
      allowed.push_back("HEAD");
    }
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    std::string list;
    for (const std::string& method : allowed) list += (list.empty() ? "" : ", ") + method;
    throw ApiError(405, "method_not_allowed",
                   "method " + request.method + " is not allowed here; allowed: " + list,
                   Json{{"allow", allowed}});
  }

  request.route = best->pattern;
  request.path_params.clear();
  for (std::size_t i = 0; i < count; ++i) {
    const std::string& part = best->segments[i];
    if (IsParam(part)) {
      request.path_params[part.substr(1, part.size() - 2)] = std::string(segments[i]);
    }
  }
  return best->handler;
}

}  // namespace a11y::http
