#include "discovery/html_page.h"

#include <gumbo.h>

#include <array>
#include <cstddef>
#include <memory>
#include <utility>

#include "core/ascii.h"
#include "discovery/markup_guard.h"

namespace a11y {
namespace {

constexpr size_t kMaxLinks = 10'000;
constexpr size_t kMaxLinkTextBytes = 200;
constexpr size_t kMaxTitleBytes = 1000;

// ---------------------------------------------------------------------------------------
// Text.

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

}  // namespace

HtmlPage ParseHtmlPage(std::string_view utf8_html) {
  std::optional<std::string> flattened = CapMarkupNesting(utf8_html);
  std::string_view html = flattened ? std::string_view(*flattened) : utf8_html;
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // We never read parse errors; hostile pages have millions.
  std::unique_ptr<GumboOutput, GumboOutputDeleter> output(
      gumbo_parse_with_options(&options, html.data(), html.size()));
  if (output == nullptr) return HtmlPage{};
  return PageBuilder().Build(output->document);
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
