#include "discovery/html_page.h"

#include <gumbo.h>
#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <utility>

namespace a11y {
namespace {

constexpr size_t kMaxLinks = 10'000;
constexpr size_t kMaxLinkTextBytes = 200;
constexpr size_t kMaxTitleBytes = 1000;
// Chromium's parser stops nesting at this depth too (kMaximumHTMLParserDOMTreeDepth).
constexpr size_t kMaxNestingDepth = 512;
// Formatting elements (<b>, <font>...) open at once; see IsFormattingElement.
constexpr size_t kMaxOpenFormatting = 16;
constexpr size_t kPrescanBytes = 1024;
constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD in UTF-8.

// ---------------------------------------------------------------------------------------
// ASCII helpers. HTML keywords (tag names, attribute keywords, charset labels) are ASCII
// and case-insensitive; locale-dependent <cctype> is wrong for them.

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLowerAscii(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ToLowerAscii(x) == ToLowerAscii(y);
         });
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

template <size_t N>
bool IsOneOf(std::string_view s, const std::array<std::string_view, N>& list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// True when `value`, split on any of `separators`, holds `token` (ASCII case-insensitive).
bool HasToken(std::string_view value, std::string_view token, std::string_view separators) {
  size_t pos = 0;
  while (pos < value.size()) {
    size_t end = value.find_first_of(separators, pos);
    if (end == std::string_view::npos) end = value.size();
    if (EqualsIgnoreCase(value.substr(pos, end - pos), token)) return true;
    pos = end + 1;
  }
  return false;
}

// Shortens `s` to at most `max_bytes` without splitting a UTF-8 sequence.
void CutAtUtf8Boundary(std::string* s, size_t max_bytes) {
  if (s->size() <= max_bytes) return;
  size_t cut = max_bytes;
  // The byte at `cut` is the first one dropped; if it continues a sequence, drop the
  // sequence's earlier bytes too.
  while (cut > 0 && (static_cast<unsigned char>((*s)[cut]) & 0xC0) == 0x80) --cut;
  s->resize(cut);
}

// Accumulates text with runs of whitespace collapsed to one space, as it renders.
class TextCollector {
 public:
  explicit TextCollector(size_t max_bytes) : max_bytes_(max_bytes) {}

  void Add(std::string_view text) {
    for (char c : text) {
      if (full()) return;
      if (IsAsciiSpace(c)) {
        pending_space_ = !text_.empty();
        continue;
      }
      if (pending_space_) text_ += ' ';
      pending_space_ = false;
      text_ += c;
    }
  }

  // A word boundary that has no whitespace of its own (around an img alt).
  void Break() { pending_space_ = !text_.empty(); }

  // Past the cap plus a whole UTF-8 sequence: nothing more can survive the cut.
  bool full() const { return text_.size() > max_bytes_ + 4; }

  std::string Finish() && {
    CutAtUtf8Boundary(&text_, max_bytes_);
    while (!text_.empty() && text_.back() == ' ') text_.pop_back();
    return std::move(text_);
  }

 private:
  size_t max_bytes_;
  std::string text_;
  bool pending_space_ = false;
};

// ---------------------------------------------------------------------------------------
// Deep-nesting guard.
//
// Gumbo answers "is there a <p> in button scope?" for every block start tag by scanning
// the stack of open elements, so each <div> costs O(depth): 100,000 nested <div>s take
// ~16 s. Browsers cap the depth instead (Chromium at 512). We do the same before gumbo
// sees the page: a light tokenizer tracks the open elements, and start tags past the cap
// (with their end tags) are cut out of the source, which flattens the deep content into
// the element at the cap. Its text and links survive. Formatting elements get a cap of
// their own (see IsFormattingElement). Pages within the caps pass unchanged.

bool IsVoidElement(std::string_view name) {
  static constexpr auto kVoid = std::to_array<std::string_view>(
      {"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
       "input", "keygen", "link", "meta", "param", "source", "track", "wbr"});
  return IsOneOf(name, kVoid);
}

// Elements whose content the tokenizer reads as text up to the matching end tag.
bool IsRawTextElement(std::string_view name) {
  static constexpr auto kRaw = std::to_array<std::string_view>(
      {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"});
  return IsOneOf(name, kRaw);
}

// Elements the model neither counts nor cuts: those a sibling closes implicitly (so they
// never nest by themselves), the document skeleton, and <a>, which cannot nest in itself
// and must never be cut because it carries the links.
bool IsUntrackedElement(std::string_view name) {
  static constexpr auto kUntracked = std::to_array<std::string_view>(
      {"html", "head",  "body",  "p",     "li",       "dt", "dd", "option", "optgroup", "tr", "td",
       "th",   "tbody", "thead", "tfoot", "colgroup", "rb", "rt", "rtc",    "rp",       "a"});
  return IsOneOf(name, kUntracked);
}

// The formatting elements other than <a>. The parser remembers them past their element's
// end (so that "<b>1<p>2</b>" bolds the 2) and re-creates every remembered one before
// each run of text: with thousands open, every paragraph gets thousands of clones (20,000
// "<b id=N><p>x" take gumbo ~50 s). Cutting the excess changes only styling.
bool IsFormattingElement(std::string_view name) {
  static constexpr auto kFormatting = std::to_array<std::string_view>(
      {"b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"});
  return IsOneOf(name, kFormatting);
}

class NestingFlattener {
 public:
  explicit NestingFlattener(std::string_view html) : html_(html) {}

  // The page with over-deep tags cut out, or nullopt when nothing was cut.
  std::optional<std::string> Run() {
    size_t pos = 0;
    while ((pos = html_.find('<', pos)) != std::string_view::npos) pos = Markup(pos);
    if (cuts_.empty()) return std::nullopt;
    std::string out;
    out.reserve(html_.size());
    size_t from = 0;
    for (const auto& [begin, end] : cuts_) {
      out.append(html_.substr(from, begin - from));
      from = end;
    }
    out.append(html_.substr(from));
    return out;
  }

 private:
  // Handles the markup starting at the '<' at `pos`; returns where scanning resumes.
  size_t Markup(size_t pos) {
    std::string_view rest = html_.substr(pos);
    if (rest.starts_with("<!--")) return SkipPast(pos + 2, "-->");
    if (rest.size() < 2) return html_.size();
    if (rest[1] == '!' || rest[1] == '?') return SkipPast(pos, ">");
    if (rest[1] == '/' && rest.size() > 2 && IsAsciiAlpha(rest[2])) return EndTag(pos);
    if (IsAsciiAlpha(rest[1])) return StartTag(pos);
    return pos + 1;  // A literal '<' in text.
  }

  size_t SkipPast(size_t pos, std::string_view terminator) const {
    size_t found = html_.find(terminator, pos);
    return found == std::string_view::npos ? html_.size() : found + terminator.size();
  }

  // Reads the tag name after `name_begin`; returns the position after it.
  size_t ReadName(size_t name_begin, std::string* name) const {
    size_t pos = name_begin;
    while (pos < html_.size() && !IsAsciiSpace(html_[pos]) && html_[pos] != '/' &&
           html_[pos] != '>') {
      ++pos;
    }
    *name = ToLowerAscii(html_.substr(name_begin, pos - name_begin));
    return pos;
  }

  // Skips attributes (quotes may hide a '>') to just past the tag's '>'. Sets
  // *self_closing when the tag ends in "/>".
  size_t SkipAttributes(size_t pos, bool* self_closing) const {
    bool after_equals = false;
    while (pos < html_.size()) {
      char c = html_[pos];
      if (c == '>') {
        *self_closing = pos > 0 && html_[pos - 1] == '/';
        return pos + 1;
      }
      if (after_equals && (c == '"' || c == '\'')) {
        size_t close = html_.find(c, pos + 1);
        if (close == std::string_view::npos) return html_.size();
        pos = close + 1;
        after_equals = false;
        continue;
      }
      if (c == '=') {
        after_equals = true;
      } else if (!IsAsciiSpace(c)) {
        after_equals = false;
      }
      ++pos;
    }
    return pos;
  }

  size_t StartTag(size_t tag_begin) {
    std::string name;
    bool self_closing = false;
    size_t tag_end = SkipAttributes(ReadName(tag_begin + 1, &name), &self_closing);
    if (name == "plaintext") return html_.size();  // Everything after it is text.
    if (IsRawTextElement(name)) return SkipRawText(tag_end, name);
    if (IsVoidElement(name) || IsUntrackedElement(name)) return tag_end;
    // Inside <svg>/<math>, "/>" closes the element; in HTML it is ignored.
    if (self_closing && foreign_depth_ > 0) return tag_end;
    if (IsFormattingElement(name)) {
      if (formatting_total_ >= kMaxOpenFormatting) return Cut(tag_begin, tag_end, name);
      ++formatting_open_[name];
      ++formatting_total_;
      return tag_end;
    }
    if (open_.size() >= kMaxNestingDepth) return Cut(tag_begin, tag_end, name);
    if (name == "svg" || name == "math") ++foreign_depth_;
    open_.push_back(std::move(name));
    return tag_end;
  }

  size_t Cut(size_t tag_begin, size_t tag_end, const std::string& name) {
    ++cut_open_[name];
    cuts_.emplace_back(tag_begin, tag_end);
    return tag_end;
  }

  size_t EndTag(size_t tag_begin) {
    std::string name;
    bool self_closing = false;
    size_t tag_end = SkipAttributes(ReadName(tag_begin + 2, &name), &self_closing);
    if (IsVoidElement(name) || IsUntrackedElement(name)) return tag_end;
    if (auto it = cut_open_.find(name); it != cut_open_.end() && it->second > 0) {
      --it->second;
      cuts_.emplace_back(tag_begin, tag_end);
      return tag_end;
    }
    if (IsFormattingElement(name)) {
      if (auto it = formatting_open_.find(name); it != formatting_open_.end() && it->second > 0) {
        --it->second;
        --formatting_total_;
      }
      return tag_end;
    }
    // Like the parser, an end tag closes its element and everything left open inside it.
    // The search is bounded by the cap, so this stays linear in the page size.
    auto it = std::find(open_.rbegin(), open_.rend(), name);
    if (it == open_.rend()) return tag_end;  // Stray: the parser ignores it.
    size_t new_size = static_cast<size_t>(open_.rend() - it) - 1;
    for (size_t i = new_size; i < open_.size(); ++i) {
      if (open_[i] == "svg" || open_[i] == "math") --foreign_depth_;
    }
    open_.resize(new_size);
    return tag_end;
  }

  // Skips raw text up to and including "</name".
  size_t SkipRawText(size_t pos, std::string_view name) const {
    std::string closing = "</" + std::string(name);
    while ((pos = html_.find("</", pos)) != std::string_view::npos) {
      if (StartsWithIgnoreCase(html_.substr(pos), closing)) return pos + closing.size();
      pos += 2;
    }
    return html_.size();
  }

  std::string_view html_;
  std::vector<std::string> open_;           // The modelled stack of open elements.
  size_t foreign_depth_ = 0;                // <svg>/<math> elements in open_.
  std::map<std::string, size_t> cut_open_;  // Cut start tags whose end tag is still due.
  // Formatting elements open by name, counted until their own end tag (which is later
  // than the parser forgets them, so this errs towards cutting).
  std::map<std::string, size_t> formatting_open_;
  size_t formatting_total_ = 0;
  std::vector<std::pair<size_t, size_t>> cuts_;  // Byte ranges to remove, in order.
};

// ---------------------------------------------------------------------------------------
// Tree walk.

std::optional<std::string_view> Attribute(const GumboElement& element, const char* name) {
  const GumboAttribute* attr = gumbo_get_attribute(&element.attributes, name);
  if (attr == nullptr) return std::nullopt;
  return std::string_view(attr->value);
}

// The URL of a <meta http-equiv=refresh> content value, per the HTML spec's "shared
// declarative refresh steps": "5; url='/x'", "0;URL=/x", "5, /x" all name "/x". Returns
// false when the content is not a refresh at all (no leading number); a bare "5" is a
// valid refresh that only reloads, so it returns true with *url unset.
bool ParseRefreshContent(std::string_view content, std::optional<std::string>* url) {
  size_t pos = 0;
  auto skip_spaces = [&] {
    while (pos < content.size() && IsAsciiSpace(content[pos])) ++pos;
  };
  auto is_digit = [&](size_t at) { return content[at] >= '0' && content[at] <= '9'; };
  skip_spaces();
  size_t digits_begin = pos;
  while (pos < content.size() && is_digit(pos)) ++pos;
  if (pos == digits_begin && (pos == content.size() || content[pos] != '.')) return false;
  while (pos < content.size() && (is_digit(pos) || content[pos] == '.')) ++pos;
  url->reset();
  if (pos == content.size()) return true;
  char c = content[pos];
  if (c != ';' && c != ',' && !IsAsciiSpace(c)) return false;
  skip_spaces();
  if (pos < content.size() && (content[pos] == ';' || content[pos] == ',')) ++pos;
  skip_spaces();
  std::string_view rest = content.substr(pos);
  // "url" then optional spaces and "=": a prefix to drop. Without the "=", the spec reads
  // the whole remainder (including "url...") as the URL.
  if (StartsWithIgnoreCase(rest, "url")) {
    size_t after = 3;
    while (after < rest.size() && IsAsciiSpace(rest[after])) ++after;
    if (after < rest.size() && rest[after] == '=') {
      rest = TrimAscii(rest.substr(after + 1));
    }
  }
  if (!rest.empty() && (rest.front() == '"' || rest.front() == '\'')) {
    char quote = rest.front();
    rest.remove_prefix(1);
    rest = rest.substr(0, rest.find(quote));
  }
  rest = TrimAscii(rest);
  if (!rest.empty()) *url = std::string(rest);
  return true;
}

class PageBuilder {
 public:
  HtmlPage Build(const GumboNode* document) {
    Walk(document);
    for (size_t i = 0; i < page_.links.size(); ++i) {
      page_.links[i].text = std::move(link_text_[i]).Finish();
    }
    return std::move(page_);
  }

 private:
  // A node to visit, or (leaving_link) the end of a link whose text is being collected.
  struct Frame {
    const GumboNode* node;
    bool leaving_link;
  };

  // Iterative on purpose: the tree can be as deep as the nesting cap plus whatever the
  // parser adds, and a recursive walk would put that depth on the call stack.
  void Walk(const GumboNode* root) {
    stack_.push_back({root, false});
    while (!stack_.empty()) {
      Frame frame = stack_.back();
      stack_.pop_back();
      if (frame.leaving_link) {
        active_links_.pop_back();
        continue;
      }
      const GumboNode* node = frame.node;
      switch (node->type) {
        case GUMBO_NODE_DOCUMENT: PushChildren(node->v.document.children); break;
        case GUMBO_NODE_ELEMENT: VisitElement(node->v.element); break;
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_CDATA:
        case GUMBO_NODE_WHITESPACE: AddLinkText(node->v.text.text); break;
        // Comments carry nothing; <template> content is inert until script clones it.
        case GUMBO_NODE_COMMENT:
        case GUMBO_NODE_TEMPLATE: break;
      }
    }
  }

  void PushChildren(const GumboVector& children) {
    // Reversed, so that children pop in document order.
    for (size_t i = children.length; i > 0; --i) {
      stack_.push_back({static_cast<const GumboNode*>(children.data[i - 1]), false});
    }
  }

  void VisitElement(const GumboElement& element) {
    // SVG and MathML share tag names (<title>, <a>) with HTML but not their meaning; only
    // their text and any HTML inside them (<foreignObject>) matter here.
    if (element.tag_namespace != GUMBO_NAMESPACE_HTML) {
      PushChildren(element.children);
      return;
    }
    switch (element.tag) {
      case GUMBO_TAG_TITLE: VisitTitle(element); return;
      case GUMBO_TAG_BASE:
        if (auto href = Attribute(element, "href"); href && !page_.base_href) {
          page_.base_href = std::string(*href);
        }
        return;
      case GUMBO_TAG_META: VisitMeta(element); return;
      case GUMBO_TAG_A: VisitAnchor(element); return;
      case GUMBO_TAG_AREA:
        if (auto href = Attribute(element, "href")) {
          AddLink(*href, Attribute(element, "alt").value_or(""), IsNofollow(element));
        }
        return;
      case GUMBO_TAG_FRAME:
      case GUMBO_TAG_IFRAME:
        // An iframe's children are fallback text for ancient browsers, not page text.
        if (auto src = Attribute(element, "src")) AddLink(*src, "", false);
        return;
      case GUMBO_TAG_IMG:
        if (auto alt = Attribute(element, "alt")) AddLinkWord(*alt);
        return;
      case GUMBO_TAG_SCRIPT:
      case GUMBO_TAG_STYLE: return;  // Not visible text.
      default: PushChildren(element.children); return;
    }
  }

  void VisitTitle(const GumboElement& element) {
    if (title_seen_) return;
    title_seen_ = true;
    TextCollector title(kMaxTitleBytes);
    for (size_t i = 0; i < element.children.length; ++i) {
      const auto* child = static_cast<const GumboNode*>(element.children.data[i]);
      if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE) {
        title.Add(child->v.text.text);
      }
    }
    page_.title = std::move(title).Finish();
  }

  void VisitMeta(const GumboElement& element) {
    std::string_view content = Attribute(element, "content").value_or("");
    auto http_equiv = Attribute(element, "http-equiv");
    // Browsers act on the first valid refresh only.
    if (!refresh_seen_ && http_equiv && EqualsIgnoreCase(TrimAscii(*http_equiv), "refresh")) {
      refresh_seen_ = ParseRefreshContent(content, &page_.meta_refresh_url);
    }
    auto name = Attribute(element, "name");
    if (name && EqualsIgnoreCase(TrimAscii(*name), "robots")) {
      constexpr std::string_view kSeparators = ", \t\n\r\f";
      bool none = HasToken(content, "none", kSeparators);
      page_.meta_noindex |= none || HasToken(content, "noindex", kSeparators);
      page_.meta_nofollow |= none || HasToken(content, "nofollow", kSeparators);
    }
  }

  void VisitAnchor(const GumboElement& element) {
    auto href = Attribute(element, "href");
    if (href && AddLink(*href, "", IsNofollow(element))) {
      active_links_.push_back(page_.links.size() - 1);
      stack_.push_back({nullptr, true});  // Pops after the children pushed next.
    }
    PushChildren(element.children);
  }

  static bool IsNofollow(const GumboElement& element) {
    auto rel = Attribute(element, "rel");
    return rel && HasToken(*rel, "nofollow", " \t\n\r\f");
  }

  // Returns false once the link cap is reached.
  bool AddLink(std::string_view href, std::string_view text, bool nofollow) {
    if (page_.links.size() >= kMaxLinks) return false;
    page_.links.push_back(HtmlLink{std::string(href), "", nofollow});
    link_text_.emplace_back(kMaxLinkTextBytes);
    link_text_.back().Add(text);
    return true;
  }

  // Text belongs to every link it sits in (as textContent does when links nest).
  void AddLinkText(std::string_view text) {
    for (size_t index : active_links_) link_text_[index].Add(text);
  }

  void AddLinkWord(std::string_view word) {
    for (size_t index : active_links_) {
      link_text_[index].Break();
      link_text_[index].Add(word);
      link_text_[index].Break();
    }
  }

  HtmlPage page_;
  std::vector<TextCollector> link_text_;  // Parallel to page_.links.
  std::vector<size_t> active_links_;      // Links whose subtree is being walked.
  std::vector<Frame> stack_;
  bool title_seen_ = false;
  bool refresh_seen_ = false;
};

// gumbo_destroy_output reads only the deallocator from the options, which we leave default.
struct GumboOutputDeleter {
  void operator()(GumboOutput* output) const {
    gumbo_destroy_output(&kGumboDefaultOptions, output);
  }
};

// ---------------------------------------------------------------------------------------
// Decoding.

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

HtmlPage ParseHtmlPage(std::string_view utf8_html) {
  std::optional<std::string> flattened = NestingFlattener(utf8_html).Run();
  std::string_view html = flattened ? std::string_view(*flattened) : utf8_html;
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // We never read parse errors; hostile pages have millions.
  std::unique_ptr<GumboOutput, GumboOutputDeleter> output(
      gumbo_parse_with_options(&options, html.data(), html.size()));
  if (output == nullptr) return HtmlPage{};
  return PageBuilder().Build(output->document);
}

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

bool IsHtmlContentType(std::string_view content_type_header) {
  std::string_view media_type = content_type_header.substr(0, content_type_header.find(';'));
  media_type = TrimAscii(media_type);
  return EqualsIgnoreCase(media_type, "text/html") ||
         EqualsIgnoreCase(media_type, "application/xhtml+xml");
}

std::optional<std::string> DocumentTypeOf(std::string_view url_path) {
  url_path = url_path.substr(0, url_path.find_first_of("?#"));
  size_t slash = url_path.rfind('/');
  std::string_view segment =
      slash == std::string_view::npos ? url_path : url_path.substr(slash + 1);
  // Path parameters ("report.pdf;jsessionid=...") are not part of the file name.
  segment = segment.substr(0, segment.find(';'));
  size_t dot = segment.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string extension = ToLowerAscii(segment.substr(dot + 1));
  static constexpr auto kDocumentTypes = std::to_array<std::string_view>(
      {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "epub"});
  if (!IsOneOf(extension, kDocumentTypes)) return std::nullopt;
  return extension;
}

}  // namespace a11y
