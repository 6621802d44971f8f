// The small text codecs of HTTP requests: percent-decoding, query strings, and the path part
// of a request target. Shared by the router (path parameters) and the server (Request).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace a11y::http {

// Decodes %XX escapes; with `plus_is_space` (query strings) also '+' to ' '. A malformed
// escape ("%zz", a trailing "%") is kept as it is: lenient input is not an error here.
std::string PercentDecode(std::string_view text, bool plus_is_space = false);

// Splits "a=1&b=x%20y&c" into decoded name/value pairs ("c" has the value ""); empty
// pieces ("a=1&&b=2") are skipped.
void ParseQuery(std::string_view query, std::multimap<std::string, std::string>* out);

// The path of a request target, still encoded: "/a/b%2Fc" of "/a/b%2Fc?x=1". An
// absolute-form target ("http://host/a?x") yields "/a"; anything else (e.g. "*") is
// returned as it is, without the query.
std::string_view TargetPath(std::string_view target);

// The query of a request target without the '?', or "" when there is none.
std::string_view TargetQuery(std::string_view target);

}  // namespace a11y::http
