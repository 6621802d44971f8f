#include "discovery/charset.h"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "core/ascii.h"

namespace a11y {
namespace {

constexpr size_t kPrescanBytes = 1024;
constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD in UTF-8.

enum class Encoding { kUtf8, kUtf16Le, kUtf16Be, kWindows1252, kOther };

struct Charset {
  Encoding encoding;
  std::string iconv_name;  // For kOther.
};

// Label -> decoder, following the WHATWG Encoding Standard where browsers and iconv part
// ways (latin1 is really windows-1252; Shift_JIS is really Microsoft's CP932, whose 0x5C
// is a backslash, not a yen sign).
Charset CharsetForLabel(std::string_view raw_label) {
  std::string label = ToLowerAscii(TrimAscii(raw_label));
  static constexpr auto kUtf8 = std::to_array<std::string_view>(
      {"utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"});
  static constexpr auto kWindows1252 = std::to_array<std::string_view>(
      {"windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso88591", "iso_8859-1",
       "iso_8859-1:1987", "latin1", "l1", "cp819", "ibm819", "csisolatin1", "iso-ir-100",
       "us-ascii", "ansi_x3.4-1968", "ascii"});
  static constexpr auto kUtf16Le = std::to_array<std::string_view>(
      {"utf-16", "utf-16le", "unicode", "ucs-2", "csunicode", "iso-10646-ucs-2", "unicodefeff"});
  static constexpr auto kUtf16Be = std::to_array<std::string_view>({"utf-16be", "unicodefffe"});
  static const std::map<std::string_view, std::string_view> kIconvNames = {
      {"shift_jis", "CP932"},   {"shift-jis", "CP932"},   {"sjis", "CP932"},
      {"ms_kanji", "CP932"},    {"csshiftjis", "CP932"},  {"windows-31j", "CP932"},
      {"x-sjis", "CP932"},      {"euc-kr", "CP949"},      {"ks_c_5601-1987", "CP949"},
      {"gb2312", "GB18030"},    {"gbk", "GB18030"},       {"x-gbk", "GB18030"},
      {"iso-8859-9", "CP1254"}, {"latin5", "CP1254"},     {"tis-620", "CP874"},
      {"iso-8859-11", "CP874"}, {"windows-874", "CP874"},
  };
  if (IsOneOf(label, kUtf8)) return {Encoding::kUtf8, ""};
  if (IsOneOf(label, kWindows1252)) return {Encoding::kWindows1252, ""};
  if (IsOneOf(label, kUtf16Le)) return {Encoding::kUtf16Le, ""};
  if (IsOneOf(label, kUtf16Be)) return {Encoding::kUtf16Be, ""};
  if (auto it = kIconvNames.find(label); it != kIconvNames.end()) {
    return {Encoding::kOther, std::string(it->second)};
  }
  // Only plain names reach iconv: "//TRANSLIT"-style suffixes change its behaviour.
  bool plain =
      !label.empty() && label.size() <= 40 && std::all_of(label.begin(), label.end(), [](char c) {
        return IsAsciiAlpha(c) || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
               c == ':';
      });
  if (!plain) return {Encoding::kUtf8, ""};
  return {Encoding::kOther, label};
}

// The charset parameter of a Content-Type value: `text/html; charset="Shift_JIS"`.
std::optional<std::string> CharsetParameter(std::string_view content_type) {
  size_t pos = content_type.find(';');
  while (pos != std::string_view::npos) {
    size_t end = content_type.find(';', pos + 1);
    std::string_view param = content_type.substr(
        pos + 1, end == std::string_view::npos ? std::string_view::npos : end - pos - 1);
    pos = end;
    size_t equals = param.find('=');
    if (equals == std::string_view::npos) continue;
    if (!EqualsIgnoreCase(TrimAscii(param.substr(0, equals)), "charset")) continue;
    std::string_view value = TrimAscii(param.substr(equals + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    value = TrimAscii(value);
    if (!value.empty()) return std::string(value);
  }
  return std::nullopt;
}

// The charset named in a <meta http-equiv=content-type> content value, per the HTML spec's
// "extract a character encoding from a meta element".
std::optional<std::string> CharsetFromMetaContent(std::string_view content) {
  size_t pos = 0;
  for (;;) {
    size_t found = std::string_view::npos;
    for (size_t i = pos; i + 7 <= content.size(); ++i) {
      if (EqualsIgnoreCase(content.substr(i, 7), "charset")) {
        found = i;
        break;
      }
    }
    if (found == std::string_view::npos) return std::nullopt;
    pos = found + 7;
    while (pos < content.size() && IsAsciiSpace(content[pos])) ++pos;
    if (pos < content.size() && content[pos] == '=') break;
  }
  ++pos;
  while (pos < content.size() && IsAsciiSpace(content[pos])) ++pos;
  if (pos >= content.size()) return std::nullopt;
  char c = content[pos];
  if (c == '"' || c == '\'') {
    size_t close = content.find(c, pos + 1);
    if (close == std::string_view::npos) return std::nullopt;
    return std::string(content.substr(pos + 1, close - pos - 1));
  }
  size_t end = pos;
  while (end < content.size() && !IsAsciiSpace(content[end]) && content[end] != ';') ++end;
  return std::string(content.substr(pos, end - pos));
}

// The HTML spec's "prescan a byte stream to determine its encoding", over the first 1024
// bytes: finds <meta charset> or <meta http-equiv=content-type content="...charset=...">
// while stepping over comments and other tags' attributes.
class MetaPrescanner {
 public:
  explicit MetaPrescanner(std::string_view body)
      : bytes_(body.substr(0, std::min(body.size(), kPrescanBytes))) {}

  std::optional<std::string> Run() {
    while (pos_ < bytes_.size()) {
      std::string_view rest = bytes_.substr(pos_);
      if (rest.starts_with("<!--")) {
        size_t end = bytes_.find("-->", pos_ + 2);
        if (end == std::string_view::npos) return std::nullopt;
        pos_ = end + 3;
      } else if (StartsWithIgnoreCase(rest, "<meta") && rest.size() > 5 &&
                 (IsAsciiSpace(rest[5]) || rest[5] == '/')) {
        pos_ += 6;
        if (auto charset = MetaCharset()) return charset;
      } else if (rest.size() > 1 && (IsAsciiAlpha(rest[1]) || (rest[1] == '/' && rest.size() > 2 &&
                                                               IsAsciiAlpha(rest[2])))) {
        // Another tag: its attribute values may hold '<' or "<meta", so walk over them.
        while (pos_ < bytes_.size() && !IsAsciiSpace(bytes_[pos_]) && bytes_[pos_] != '>') ++pos_;
        std::string name, value;
        while (GetAttribute(&name, &value)) {
        }
        ++pos_;
      } else if (rest.starts_with("<!") || rest.starts_with("</") || rest.starts_with("<?")) {
        size_t end = bytes_.find('>', pos_);
        if (end == std::string_view::npos) return std::nullopt;
        pos_ = end + 1;
      } else {
        ++pos_;
      }
    }
    return std::nullopt;
  }

 private:
  // The attributes of one <meta>; its charset when they declare one.
  std::optional<std::string> MetaCharset() {
    std::vector<std::string> seen;
    bool got_pragma = false;
    std::optional<bool> need_pragma;
    std::optional<std::string> charset;
    std::string name, value;
    while (GetAttribute(&name, &value)) {
      if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
      seen.push_back(name);
      if (name == "http-equiv") {
        got_pragma |= value == "content-type";
      } else if (name == "content" && !charset) {
        if ((charset = CharsetFromMetaContent(value))) need_pragma = true;
      } else if (name == "charset" && !charset) {
        charset = value;
        need_pragma = false;
      }
    }
    ++pos_;
    if (!need_pragma || !charset || (*need_pragma && !got_pragma)) return std::nullopt;
    return charset;
  }

  void SkipSpacesAndSlashes() {
    while (pos_ < bytes_.size() && (IsAsciiSpace(bytes_[pos_]) || bytes_[pos_] == '/')) ++pos_;
  }

  void SkipSpaces() {
    while (pos_ < bytes_.size() && IsAsciiSpace(bytes_[pos_])) ++pos_;
  }

  // The spec's "get an attribute": false at the tag's '>' (pos_ left on it) or at the end.
  bool GetAttribute(std::string* name, std::string* value) {
    name->clear();
    value->clear();
    SkipSpacesAndSlashes();
    if (pos_ >= bytes_.size() || bytes_[pos_] == '>') return false;
    for (;; ++pos_) {
      if (pos_ >= bytes_.size()) return false;
      char c = bytes_[pos_];
      if (c == '=' && !name->empty()) break;
      if (IsAsciiSpace(c)) {
        SkipSpaces();
        if (pos_ >= bytes_.size()) return false;
        if (bytes_[pos_] != '=') return true;
        break;
      }
      if (c == '/' || c == '>') return true;
      *name += ToLowerAscii(c);
    }
    ++pos_;  // Past '='.
    SkipSpaces();
    if (pos_ >= bytes_.size()) return false;
    char c = bytes_[pos_];
    if (c == '"' || c == '\'') {
      for (++pos_; pos_ < bytes_.size(); ++pos_) {
        if (bytes_[pos_] == c) {
          ++pos_;
          return true;
        }
        *value += ToLowerAscii(bytes_[pos_]);
      }
      return false;
    }
    if (c == '>') return true;
    for (; pos_ < bytes_.size(); ++pos_) {
      if (IsAsciiSpace(bytes_[pos_]) || bytes_[pos_] == '>') return true;
      *value += ToLowerAscii(bytes_[pos_]);
    }
    return false;
  }

  std::string_view bytes_;
  size_t pos_ = 0;
};

void AppendCodePoint(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the well-formed UTF-8 sequence at s[pos], or 0 with *bad_len set to the length
// of its maximal ill-formed prefix (at least 1): each such prefix becomes one U+FFFD, the
// replacement the WHATWG decoder (and every browser) makes.
size_t Utf8SequenceLength(std::string_view s, size_t pos, size_t* bad_len) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char lead = byte(pos);
  if (lead < 0x80) return 1;
  size_t needed = 0;
  unsigned char lower = 0x80;
  unsigned char upper = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    needed = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    needed = 2;
    if (lead == 0xE0) lower = 0xA0;  // Overlong.
    if (lead == 0xED) upper = 0x9F;  // Surrogates.
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    needed = 3;
    if (lead == 0xF0) lower = 0x90;  // Overlong.
    if (lead == 0xF4) upper = 0x8F;  // Past U+10FFFF.
  } else {
    *bad_len = 1;
    return 0;
  }
  for (size_t k = 1; k <= needed; ++k) {
    if (pos + k >= s.size() || byte(pos + k) < lower || byte(pos + k) > upper) {
      *bad_len = k;
      return 0;
    }
    lower = 0x80;
    upper = 0xBF;
  }
  return needed + 1;
}

bool IsValidUtf8(std::string_view s) {
  size_t bad_len = 0;
  for (size_t pos = 0; pos < s.size();) {
    size_t len = Utf8SequenceLength(s, pos, &bad_len);
    if (len == 0) return false;
    pos += len;
  }
  return true;
}

std::string SanitizeUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t bad_len = 0;
  for (size_t pos = 0; pos < s.size();) {
    size_t len = Utf8SequenceLength(s, pos, &bad_len);
    if (len == 0) {
      out += kReplacementChar;
      pos += bad_len;
    } else {
      out.append(s.substr(pos, len));
      pos += len;
    }
  }
  return out;
}

std::string DecodeWindows1252(std::string_view s) {
  // 0x80-0x9F; the five holes map to the C1 controls, as the WHATWG table has them.
  static constexpr std::array<uint16_t, 32> kHigh = {
      0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    AppendCodePoint(b >= 0x80 && b <= 0x9F ? kHigh[b - 0x80] : b, &out);
  }
  return out;
}

std::string DecodeUtf16(std::string_view s, bool little_endian) {
  auto unit_at = [&](size_t i) -> uint32_t {
    auto lo = static_cast<unsigned char>(s[little_endian ? i : i + 1]);
    auto hi = static_cast<unsigned char>(s[little_endian ? i + 1 : i]);
    return (static_cast<uint32_t>(hi) << 8) | lo;
  };
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  for (; pos + 1 < s.size(); pos += 2) {
    uint32_t unit = unit_at(pos);
    if (unit < 0xD800 || unit > 0xDFFF) {
      AppendCodePoint(unit, &out);
    } else if (unit <= 0xDBFF && pos + 3 < s.size() && unit_at(pos + 2) >= 0xDC00 &&
               unit_at(pos + 2) <= 0xDFFF) {
      AppendCodePoint(0x10000 + ((unit - 0xD800) << 10) + (unit_at(pos + 2) - 0xDC00), &out);
      pos += 2;
    } else {
      out += kReplacementChar;  // A lone surrogate.
    }
  }
  if (pos < s.size()) out += kReplacementChar;  // An odd trailing byte.
  return out;
}

// Converts with glibc iconv; nullopt when iconv does not know the charset.
std::optional<std::string> DecodeWithIconv(std::string_view s, const std::string& charset) {
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::unique_ptr<void, int (*)(iconv_t)> closer(cd, iconv_close);
  std::string out(s.size() * 2 + 16, '\0');
  // iconv's input parameter is non-const for historical reasons; it never writes there.
  char* in = const_cast<char*>(s.data());
  size_t in_left = s.size();
  size_t produced = 0;
  bool flushing = false;
  for (;;) {
    char* out_ptr = out.data() + produced;
    size_t out_left = out.size() - produced;
    // With null input, iconv writes the shift sequence that ends a stateful encoding.
    size_t rc = flushing ? iconv(cd, nullptr, nullptr, &out_ptr, &out_left)
                         : iconv(cd, &in, &in_left, &out_ptr, &out_left);
    produced = out.size() - out_left;
    if (rc != static_cast<size_t>(-1)) {
      if (flushing) break;
      flushing = true;
      continue;
    }
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
    } else if (errno == EILSEQ && !flushing) {
      // Skip one byte: the next may start a valid character of its own.
      out.resize(std::max(out.size(), produced + kReplacementChar.size() + 16));
      out.replace(produced, kReplacementChar.size(), kReplacementChar);
      produced += kReplacementChar.size();
      ++in;
      --in_left;
    } else if (errno == EINVAL && !flushing) {
      // A truncated character at the end.
      out.resize(std::max(out.size(), produced + kReplacementChar.size()));
      out.replace(produced, kReplacementChar.size(), kReplacementChar);
      produced += kReplacementChar.size();
      in_left = 0;
      flushing = true;
    } else {
      break;
    }
  }
  out.resize(produced);
  return out;
}

// Strips the byte-order mark that belongs to `encoding`, if the body starts with it.
std::string_view StripOwnBom(std::string_view body, Encoding encoding) {
  if (encoding == Encoding::kUtf8 && body.starts_with("\xEF\xBB\xBF")) return body.substr(3);
  if (encoding == Encoding::kUtf16Le && body.starts_with("\xFF\xFE")) return body.substr(2);
  if (encoding == Encoding::kUtf16Be && body.starts_with("\xFE\xFF")) return body.substr(2);
  return body;
}

std::optional<Encoding> EncodingFromBom(std::string_view body) {
  if (body.starts_with("\xEF\xBB\xBF")) return Encoding::kUtf8;
  if (body.starts_with("\xFF\xFE")) return Encoding::kUtf16Le;
  if (body.starts_with("\xFE\xFF")) return Encoding::kUtf16Be;
  return std::nullopt;
}

// Which decoder to use, in the documented order of evidence.
Charset DetectCharset(std::string_view body, std::string_view content_type_header) {
  if (auto label = CharsetParameter(content_type_header)) return CharsetForLabel(*label);
  if (auto bom = EncodingFromBom(body)) return {*bom, ""};
  if (auto label = MetaPrescanner(body).Run()) {
    Charset charset = CharsetForLabel(*label);
    // A meta tag that the ASCII prescan could read proves the bytes are not UTF-16.
    if (charset.encoding == Encoding::kUtf16Le || charset.encoding == Encoding::kUtf16Be) {
      charset.encoding = Encoding::kUtf8;
    }
    return charset;
  }
  if (IsValidUtf8(body)) return {Encoding::kUtf8, ""};
  return {Encoding::kWindows1252, ""};
}

}  // namespace

std::string DecodeToUtf8(std::string_view body, std::string_view content_type_header) {
  Charset charset = DetectCharset(body, content_type_header);
  body = StripOwnBom(body, charset.encoding);
  switch (charset.encoding) {
    case Encoding::kUtf8: break;
    case Encoding::kUtf16Le: return DecodeUtf16(body, /*little_endian=*/true);
    case Encoding::kUtf16Be: return DecodeUtf16(body, /*little_endian=*/false);
    case Encoding::kWindows1252: return DecodeWindows1252(body);
    case Encoding::kOther:
      if (auto decoded = DecodeWithIconv(body, charset.iconv_name)) {
        // iconv's UTF-8 is well-formed; the check is cheap insurance for the contract.
        return IsValidUtf8(*decoded) ? std::move(*decoded) : SanitizeUtf8(*decoded);
      }
      break;  // A charset iconv does not know: read as UTF-8.
  }
  return IsValidUtf8(body) ? std::string(body) : SanitizeUtf8(body);
}

}  // namespace a11y
