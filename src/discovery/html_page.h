// What the crawler needs from one HTML page: its links, title and robots directives.
// Parsed with gumbo (a real HTML5 parser), so malformed markup is read as browsers read it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace a11y {

struct HtmlLink {
  std::string href;  // As written (attribute value, entities decoded), not resolved.
  // Visible text (with img alt; an area's alt), whitespace collapsed, at most 200 bytes
  // (cut on a UTF-8 character boundary).
  std::string text;
  bool nofollow = false;  // rel contains "nofollow".
};

struct HtmlPage {
  std::string title;  // The first <title>, whitespace collapsed, at most 1000 bytes.
  std::optional<std::string> base_href;  // The first <base href>.
  // a[href], area[href], frame[src], iframe[src], in document order; at most 10,000.
  // HTML elements only (not SVG <a>), and not inside inert <template> content.
  std::vector<HtmlLink> links;
  // The first valid <meta http-equiv=refresh content="N;url=...">, read as the HTML spec
  // reads it (so "N; /x" names /x too); unset when it only reloads.
  std::optional<std::string> meta_refresh_url;
  bool meta_noindex = false;   // <meta name=robots content=...noindex...> (or "none").
  bool meta_nofollow = false;  // ...nofollow... (or "none").
};

// REQUIRES: utf8_html is UTF-8 (see DecodeToUtf8 in discovery/charset.h).
// Elements nested past 512 deep are flattened into their ancestor at that depth (Chromium
// caps the tree the same way), and at most 16 formatting elements (<b>, <font>...) are kept
// open at once: hostile markup would otherwise cost gumbo quadratic time. Text and links
// survive both.
HtmlPage ParseHtmlPage(std::string_view utf8_html);

// True for text/html and application/xhtml+xml (parameters and case ignored).
bool IsHtmlContentType(std::string_view content_type_header);

// The document type a URL path names by its extension, lower-case without the dot: one
// of pdf, doc, docx, xls, xlsx, ppt, pptx, odt, ods, odp, rtf, epub. nullopt for anything
// else. Case-insensitive.
std::optional<std::string> DocumentTypeOf(std::string_view url_path);

}  // namespace a11y
