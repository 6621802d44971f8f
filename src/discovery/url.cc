#include "discovery/url.h"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/ascii.h"

namespace a11y {
namespace {

// ---------------------------------------------------------------------------------------
// Character classes (RFC 3986 section 2 and appendix A); the ASCII ones are in ascii.h.

// sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="
bool IsSubDelim(char c) {
  switch (c) {
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case ';':
    case '=': return true;
    default: return false;
  }
}
// pchar without pct-encoded, which is handled on its own.
bool IsPathChar(char c) { return IsUnreserved(c) || IsSubDelim(c) || c == ':' || c == '@'; }
// path = *( pchar / "/" ) and query = *( pchar / "/" / "?" ).
bool IsAllowedInPath(char c) { return IsPathChar(c) || c == '/'; }
bool IsAllowedInQuery(char c) { return IsPathChar(c) || c == '/' || c == '?'; }

bool StartsValidEscape(std::string_view s, size_t i) {
  return i + 2 < s.size() && s[i] == '%' && IsHexDigit(s[i + 1]) && IsHexDigit(s[i + 2]);
}

void AppendEscaped(unsigned char byte, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('%');
  out->push_back(kHex[byte >> 4]);
  out->push_back(kHex[byte & 0xF]);
}

// ---------------------------------------------------------------------------------------
// Splitting (appendix B), with the scheme checked against section 3.1.

// Where the scheme's ':' is, if `reference` starts with a syntactically valid scheme
// (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )) followed by ':'. Appendix B's regex takes
// anything before the first ':' that precedes '/', '?' and '#'; a string like "my page:2"
// cannot be a URI either way, and browsers read it as a relative path, so we do too.
std::optional<size_t> SchemeColon(std::string_view reference) {
  if (reference.empty() || !IsAsciiAlpha(reference[0])) return std::nullopt;
  for (size_t i = 1; i < reference.size(); ++i) {
    const char c = reference[i];
    if (c == ':') return i;
    if (!IsAsciiAlpha(c) && !IsAsciiDigit(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// Reference resolution helpers (section 5.2.3).

std::string MergePaths(const UriParts& base, std::string_view reference_path) {
  if (base.authority.has_value() && base.path.empty()) {
    return "/" + std::string(reference_path);
  }
  const size_t last_slash = base.path.rfind('/');
  if (last_slash == std::string::npos) return std::string(reference_path);
  return base.path.substr(0, last_slash + 1) + std::string(reference_path);
}

// ---------------------------------------------------------------------------------------
// HTTP URL normalisation helpers.

bool IsSpecialScheme(std::string_view lower_scheme) {
  return lower_scheme == "http" || lower_scheme == "https";
}

// The WHATWG URL parser's first steps: strip leading and trailing C0 controls and spaces,
// then remove every tab and newline anywhere (HTML attribute values often wrap long URLs).
std::string StripWhitespace(std::string_view input) {
  size_t begin = 0;
  size_t end = input.size();
  while (begin < end && static_cast<unsigned char>(input[begin]) <= 0x20) ++begin;
  while (end > begin && static_cast<unsigned char>(input[end - 1]) <= 0x20) --end;
  std::string out;
  out.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) {
    const char c = input[i];
    if (c != '\t' && c != '\n' && c != '\r') out.push_back(c);
  }
  return out;
}

// Browsers read '\' as '/' before the query of an http(s) URL ("http:\\host\path"), so
// links written that way reach the page a user would reach. References without a scheme
// are relative to an http(s) base here, so they get the same treatment.
void BackslashesToSlashes(std::string* reference) {
  const std::optional<size_t> colon = SchemeColon(*reference);
  if (colon && !IsSpecialScheme(ToLowerAscii(std::string_view(*reference).substr(0, *colon)))) {
    return;
  }
  for (char& c : *reference) {
    if (c == '?' || c == '#') break;
    if (c == '\\') c = '/';
  }
}


// Port digits as written after ':'. Empty means the default (RFC 3986 section 3.2.3 allows
// "host:" and says to normalise it away); 0 means the port is invalid.
std::optional<int> ParsePort(std::string_view digits) {
  if (digits.empty()) return 0;
  int port = 0;
  for (char c : digits) {
    if (!IsAsciiDigit(c)) return std::nullopt;
    port = port * 10 + (c - '0');
    if (port > 65535) return std::nullopt;  // Also stops overflow on long digit runs.
  }
  if (port == 0) return std::nullopt;
  return port;
}

// One to four hex digits.
bool IsHexGroup(std::string_view group) {
  if (group.empty() || group.size() > 4) return false;
  for (char c : group) {
    if (!IsHexDigit(c)) return false;
  }
  return true;
}

// dec-octet "." dec-octet "." dec-octet "." dec-octet, without leading zeros.
bool IsIpv4Address(std::string_view text) {
  int octets = 0;
  size_t i = 0;
  while (true) {
    const size_t start = i;
    int value = 0;
    while (i < text.size() && IsAsciiDigit(text[i]) && i - start < 3) {
      value = value * 10 + (text[i++] - '0');
    }
    const size_t length = i - start;
    if (length == 0 || value > 255 || (length > 1 && text[start] == '0')) return false;
    ++octets;
    if (i == text.size()) return octets == 4;
    if (text[i] != '.' || octets == 4) return false;
    ++i;
  }
}

// The IPv6address rule of RFC 3986 section 3.2.2: eight 16-bit groups, or fewer with one
// "::", the last two groups optionally written as an IPv4 address.
bool IsIpv6Address(std::string_view text) {
  const size_t double_colon = text.find("::");
  if (double_colon != std::string_view::npos &&
      text.find("::", double_colon + 1) != std::string_view::npos) {
    return false;
  }
  // Counts the groups of one side of the "::" (or of the whole address).
  auto count_groups = [](std::string_view side, bool may_end_with_ipv4) -> std::optional<int> {
    if (side.empty()) return 0;
    int groups = 0;
    size_t start = 0;
    while (true) {
      const size_t colon = side.find(':', start);
      const std::string_view group = side.substr(
          start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
      if (colon == std::string_view::npos) {
        if (may_end_with_ipv4 && group.find('.') != std::string_view::npos) {
          return IsIpv4Address(group) ? std::optional<int>(groups + 2) : std::nullopt;
        }
        return IsHexGroup(group) ? std::optional<int>(groups + 1) : std::nullopt;
      }
      if (!IsHexGroup(group)) return std::nullopt;
      ++groups;
      start = colon + 1;
    }
  };
  if (double_colon == std::string_view::npos) {
    const std::optional<int> groups = count_groups(text, true);
    return groups == 8;
  }
  const std::optional<int> left = count_groups(text.substr(0, double_colon), false);
  const std::optional<int> right = count_groups(text.substr(double_colon + 2), true);
  return left && right && *left + *right <= 7;
}

// A reg-name (RFC 3986 section 3.2.2: unreserved, sub-delims and valid escapes), which
// also covers IPv4 addresses, normalised: letters lower-cased, escapes of unreserved
// characters decoded, other escapes upper-cased, trailing dots (the DNS root) removed.
// Non-ASCII (internationalised) names are refused: we do not do IDNA, and a crawler that
// guessed at it would store rows for hosts it never fetched.
std::optional<std::string> NormalizeRegName(std::string_view host) {
  std::string out;
  out.reserve(host.size());
  for (size_t i = 0; i < host.size(); ++i) {
    const char c = host[i];
    if (c == '%') {
      if (!StartsValidEscape(host, i)) return std::nullopt;
      const auto byte =
          static_cast<unsigned char>(HexValue(host[i + 1]) * 16 + HexValue(host[i + 2]));
      if (byte >= 0x80) return std::nullopt;  // An escaped non-ASCII name: IDNA again.
      if (IsUnreserved(static_cast<char>(byte))) {
        out.push_back(ToLowerAscii(static_cast<char>(byte)));
      } else {
        AppendEscaped(byte, &out);
      }
      i += 2;
    } else if (IsUnreserved(c) || IsSubDelim(c)) {
      out.push_back(ToLowerAscii(c));
    } else {
      return std::nullopt;
    }
  }
  while (!out.empty() && out.back() == '.') out.pop_back();
  if (out.empty()) return std::nullopt;
  return out;
}

struct HostAndPort {
  std::string host;
  int port = 0;  // 0: none written.
};

// Splits and checks an authority: no userinfo, a valid host, an optional valid port.
std::optional<HostAndPort> ParseAuthority(std::string_view authority) {
  // Userinfo ("user:pass@host") has no business in a crawled link and is a classic
  // phishing disguise ("http://trusted.example@evil.example/"): refuse it.
  if (authority.find('@') != std::string_view::npos) return std::nullopt;
  HostAndPort result;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    // IPvFuture ("[v1.x]") and zone identifiers ("[fe80::1%25eth0]") are refused: neither
    // names a host a public web crawler can reach.
    const std::string_view literal = authority.substr(1, close - 1);
    if (!IsIpv6Address(literal)) return std::nullopt;
    result.host = "[" + ToLowerAscii(literal) + "]";
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return std::nullopt;
      has_port = true;
      port_text = rest.substr(1);
    }
  } else {
    const size_t colon = authority.rfind(':');
    std::string_view host_text = authority;
    if (colon != std::string_view::npos) {
      has_port = true;
      host_text = authority.substr(0, colon);
      port_text = authority.substr(colon + 1);
    }
    std::optional<std::string> host = NormalizeRegName(host_text);
    if (!host) return std::nullopt;
    result.host = std::move(*host);
  }
  if (has_port) {
    const std::optional<int> port = ParsePort(port_text);
    if (!port) return std::nullopt;
    result.port = *port;
  }
  return result;
}

// Query parameters that only say where a click came from. They make one page look like
// thousands ("?utm_source=a", "?utm_source=b", ...) without changing what is served.
bool IsTrackingParam(std::string_view name) {
  static constexpr std::array<std::string_view, 10> kNames = {
      "gclid", "dclid", "fbclid", "msclkid", "yclid", "mc_cid", "mc_eid", "_ga", "_gl", "igshid"};
  if (name.substr(0, 4) == "utm_") return true;
  for (std::string_view tracked : kNames) {
    if (name == tracked) return true;
  }
  return false;
}

// Drops tracking parameters, keeping the others (and their order) byte for byte. Names
// are compared as written after percent-encoding normalisation, case-sensitively: a
// site's own "GCLID" parameter is not ours to drop.
std::string StripTrackingParams(std::string_view query) {
  std::string out;
  bool first = true;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view param = query.substr(start, end - start);
    const std::string_view name = param.substr(0, param.find('='));
    if (!IsTrackingParam(name)) {
      if (!first) out.push_back('&');
      out.append(param);
      first = false;
    }
    start = end + 1;
  }
  return out;
}

int DefaultPort(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

}  // namespace

std::string NormalizePercentEncoding(std::string_view text, bool (*allowed)(char)) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (StartsValidEscape(text, i)) {
        const auto byte =
            static_cast<unsigned char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
        if (IsUnreserved(static_cast<char>(byte))) {
          out.push_back(static_cast<char>(byte));
        } else {
          AppendEscaped(byte, &out);
        }
        i += 2;
      } else {
        out += "%25";
      }
    } else if (allowed(c)) {
      out.push_back(c);
    } else {
      AppendEscaped(static_cast<unsigned char>(c), &out);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// RFC 3986.

std::string UriParts::ToString() const {
  std::string result;
  if (!scheme.empty()) {
    result += scheme;
    result += ':';
  }
  if (authority) {
    result += "//";
    result += *authority;
  }
  result += path;
  if (query) {
    result += '?';
    result += *query;
  }
  if (fragment) {
    result += '#';
    result += *fragment;
  }
  return result;
}

// ^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?
UriParts SplitUriReference(std::string_view reference) {
  UriParts parts;
  std::string_view rest = reference;
  if (const std::optional<size_t> colon = SchemeColon(rest)) {
    parts.scheme = std::string(rest.substr(0, *colon));
    rest.remove_prefix(*colon + 1);
  }
  if (rest.substr(0, 2) == "//") {
    rest.remove_prefix(2);
    const size_t end = rest.find_first_of("/?#");
    parts.authority = std::string(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  }
  const size_t path_end = rest.find_first_of("?#");
  parts.path = std::string(rest.substr(0, path_end));
  rest = path_end == std::string_view::npos ? std::string_view() : rest.substr(path_end);
  if (!rest.empty() && rest[0] == '?') {
    const size_t query_end = rest.find('#');
    parts.query = std::string(rest.substr(
        1, query_end == std::string_view::npos ? std::string_view::npos : query_end - 1));
    rest = query_end == std::string_view::npos ? std::string_view() : rest.substr(query_end);
  }
  if (!rest.empty() && rest[0] == '#') parts.fragment = std::string(rest.substr(1));
  return parts;
}

// Section 5.2.4, step for step, with string_view for the input buffer. Each segment is
// appended to or removed from the output once, so this is linear in the path's length.
std::string RemoveDotSegments(std::string_view path) {
  std::string output;
  output.reserve(path.size());
  std::string_view input = path;
  // Step C's "remove the last segment and its preceding '/' (if any)".
  auto remove_last_segment = [&output] {
    const size_t last_slash = output.rfind('/');
    output.erase(last_slash == std::string::npos ? 0 : last_slash);
  };
  while (!input.empty()) {
    if (input.substr(0, 3) == "../") {  // A.
      input.remove_prefix(3);
    } else if (input.substr(0, 2) == "./") {
      input.remove_prefix(2);
    } else if (input.substr(0, 3) == "/./") {  // B.
      input.remove_prefix(2);
    } else if (input == "/.") {
      input = "/";
    } else if (input.substr(0, 4) == "/../") {  // C.
      input.remove_prefix(3);
      remove_last_segment();
    } else if (input == "/..") {
      input = "/";
      remove_last_segment();
    } else if (input == "." || input == "..") {  // D.
      input = {};
    } else {  // E.
      const size_t next_slash = input.find('/', 1);
      const size_t length = next_slash == std::string_view::npos ? input.size() : next_slash;
      output.append(input.substr(0, length));
      input.remove_prefix(length);
    }
  }
  return output;
}

// Section 5.2.2, strict: a reference with a scheme is absolute even when the scheme is the
// base's ("http:g" stays "http:g").
std::string ResolveReference(std::string_view base, std::string_view reference) {
  const UriParts b = SplitUriReference(base);
  const UriParts r = SplitUriReference(reference);
  UriParts t;
  if (!r.scheme.empty()) {
    t.scheme = r.scheme;
    t.authority = r.authority;
    t.path = RemoveDotSegments(r.path);
    t.query = r.query;
  } else {
    if (r.authority) {
      t.authority = r.authority;
      t.path = RemoveDotSegments(r.path);
      t.query = r.query;
    } else {
      if (r.path.empty()) {
        t.path = b.path;
        t.query = r.query ? r.query : b.query;
      } else {
        t.path =
            r.path[0] == '/' ? RemoveDotSegments(r.path) : RemoveDotSegments(MergePaths(b, r.path));
        t.query = r.query;
      }
      t.authority = b.authority;
    }
    t.scheme = b.scheme;
  }
  t.fragment = r.fragment;
  return t.ToString();
}

// ---------------------------------------------------------------------------------------
// HTTP URLs.

std::string HttpUrl::Origin() const {
  std::string result = scheme + "://" + host;
  if (port != 0) result += ":" + std::to_string(port);
  return result;
}

std::string HttpUrl::PathAndQuery() const {
  std::string result = path;
  if (query) {
    result += '?';
    result += *query;
  }
  return result;
}

std::string HttpUrl::ToString() const { return Origin() + PathAndQuery(); }

std::optional<HttpUrl> NormalizeHttpUrl(std::string_view absolute_url,
                                        const NormalizeOptions& options) {
  std::string text = StripWhitespace(absolute_url);
  BackslashesToSlashes(&text);
  const UriParts parts = SplitUriReference(text);

  HttpUrl url;
  url.scheme = ToLowerAscii(parts.scheme);
  if (!IsSpecialScheme(url.scheme)) return std::nullopt;
  if (!parts.authority) return std::nullopt;
  std::optional<HostAndPort> host_and_port = ParseAuthority(*parts.authority);
  if (!host_and_port) return std::nullopt;
  url.host = std::move(host_and_port->host);
  url.port = host_and_port->port == DefaultPort(url.scheme) ? 0 : host_and_port->port;

  // Escapes first, so "%2E%2E" is seen as the ".." it is, then the dot segments.
  url.path = RemoveDotSegments(NormalizePercentEncoding(parts.path, IsAllowedInPath));
  if (url.path.empty()) url.path = "/";

  if (parts.query) {
    std::string query = NormalizePercentEncoding(*parts.query, IsAllowedInQuery);
    if (options.strip_tracking_params) query = StripTrackingParams(query);
    if (!query.empty()) url.query = std::move(query);
  }
  // The fragment never reaches the server: one page, one row.

  if (url.ToString().size() > options.max_length) return std::nullopt;
  return url;
}

std::optional<HttpUrl> ResolveHttpUrl(const HttpUrl& base, std::string_view reference,
                                      const NormalizeOptions& options) {
  // The reference gets the browser's clean-up before resolution, not after: " page.html"
  // would otherwise become a path segment with a space in it.
  std::string cleaned = StripWhitespace(reference);
  BackslashesToSlashes(&cleaned);
  return NormalizeHttpUrl(ResolveReference(base.ToString(), cleaned), options);
}

}  // namespace a11y
