// Turning a response body into UTF-8: which charset it is in (Content-Type header, byte-order
// mark, <meta> prescan, or a guess) and the conversion, as browsers do both.
#pragma once

#include <string>
#include <string_view>

namespace a11y {

// Converts a response body to UTF-8. The charset comes from the Content-Type header's
// charset parameter, else a byte-order mark, else a <meta charset> / http-equiv prescan
// of the first 1024 bytes, else UTF-8 when the bytes are valid UTF-8, else windows-1252.
// Unknown charsets are read as UTF-8. Invalid sequences become U+FFFD.
std::string DecodeToUtf8(std::string_view body, std::string_view content_type_header);

}  // namespace a11y
