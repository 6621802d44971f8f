// URLs as the crawler sees them: RFC 3986 reference resolution (section 5.2) and the
// normalisation that makes one page one row.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace a11y {

// The five components of an absolute URI reference (RFC 3986 section 3), as written.
struct UriParts {
  std::string scheme;
  std::optional<std::string> authority;
  std::string path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;
  std::string ToString() const;  // RFC 3986 section 5.3 recomposition.
};

// Splits a URI reference into its components (RFC 3986 appendix B); scheme is empty for
// a relative reference. Never fails: every string is some reference. Unlike the bare
// appendix B regex, a would-be scheme must have scheme syntax (section 3.1): "my page:2"
// is read as a relative path, as browsers read it.
UriParts SplitUriReference(std::string_view reference);

// RFC 3986 section 5.2.4.
std::string RemoveDotSegments(std::string_view path);

// Percent-encoding normalisation (RFC 3986 sections 2.1, 2.3, 6.2.2): escapes of
// unreserved characters are decoded (they are equivalent to the characters), other escapes
// get upper-case hex, a '%' that starts no valid escape is itself escaped, and every byte
// `allowed` refuses (spaces, controls, non-ASCII, '"', '<', '{', ...) is escaped. A valid
// escape is never decoded into a reserved character: that would change what the URL means
// ("%2F" is not a path separator).
std::string NormalizePercentEncoding(std::string_view text, bool (*allowed)(char));

// RFC 3986 section 5.2 (strict: a reference with a scheme is taken as absolute).
// REQUIRES: base is absolute (has a scheme).
std::string ResolveReference(std::string_view base, std::string_view reference);

// An absolute http(s) URL after normalisation.
struct HttpUrl {
  std::string scheme;  // "http" or "https".
  std::string host;    // Lower-case, no trailing dot; IPv6 literals keep their brackets.
  int port = 0;        // Explicit port, or 0 for the scheme's default.
  std::string path;    // Starts with '/'.
  std::optional<std::string> query;
  std::string ToString() const;  // Never has a fragment or userinfo.
  std::string Origin() const;    // scheme://host[:port]
  std::string PathAndQuery() const;
};

struct NormalizeOptions {
  bool strip_tracking_params = true;  // utm_*, gclid, fbclid, msclkid, ... (see url.cc).
  size_t max_length = 2048;           // Longer URLs are refused (link traps, hostile pages).
};

// Parses and normalises an absolute http(s) URL: lower-case scheme and host, default port
// dropped, dot segments removed, empty path made "/", percent-escapes of unreserved
// characters decoded and the others upper-cased, characters that must be escaped
// (spaces, controls, non-ASCII) escaped, fragment dropped, an empty query dropped,
// tracking parameters removed when asked. Like a browser, it first trims surrounding
// whitespace, removes tabs and newlines, and reads '\' as '/' before the query. nullopt
// for anything else: another scheme, no host, userinfo, a bad port, a host with invalid
// characters (including non-ASCII: no IDNA), or too long.
std::optional<HttpUrl> NormalizeHttpUrl(std::string_view absolute_url,
                                        const NormalizeOptions& options = {});

// Resolves `reference` against `base` and normalises the result (nullopt as above).
std::optional<HttpUrl> ResolveHttpUrl(const HttpUrl& base, std::string_view reference,
                                      const NormalizeOptions& options = {});

}  // namespace a11y
