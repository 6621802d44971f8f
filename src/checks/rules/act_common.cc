#include "checks/rules/act_common.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

#include "checks/css_parser.h"
#include "core/ascii.h"

namespace a11y::checks::act {
namespace {

// Index of the '}' matching the '{' at `open`, or npos.
size_t MatchingBrace(std::string_view css, size_t open) {
  int depth = 0;
  for (size_t i = open; i < css.size(); ++i) {
    if (css[i] == '{') ++depth;
    if (css[i] == '}' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

void ParseBlockInto(std::string_view css, const std::string& media, std::vector<CssRule>& out,
                    int depth) {
  if (depth > 8) return;  // Nesting this deep is not a real sheet.
  size_t pos = 0;
  while (pos < css.size()) {
    size_t open = css.find('{', pos);
    if (open == std::string_view::npos) return;
    std::string prelude(TrimAscii(css.substr(pos, open - pos)));
    // A stray ";" ends an at-statement such as @import before the next block.
    if (size_t semi = prelude.rfind(';'); semi != std::string::npos) {
      prelude = std::string(TrimAscii(std::string_view(prelude).substr(semi + 1)));
    }
    size_t close = MatchingBrace(css, open);
    if (close == std::string_view::npos) close = css.size();
    std::string_view body = css.substr(open + 1, close - open - 1);
    std::string lower = Lower(prelude);
    if (lower.rfind("@media", 0) == 0) {
      std::string condition(TrimAscii(std::string_view(lower).substr(6)));
      if (!media.empty()) condition = media + " and " + condition;
      ParseBlockInto(body, condition, out, depth + 1);
    } else if (lower.rfind("@supports", 0) == 0 || lower.rfind("@layer", 0) == 0) {
      ParseBlockInto(body, media, out, depth + 1);
    } else if (!lower.empty() && lower[0] != '@') {
      out.push_back({media, prelude, ParseDeclarations(body)});
    }
    pos = close + 1;
  }
}

bool IsInlineHidden(const Node& e) {
  if (e.HasAttr("hidden")) return true;
  if (auto d = StyleAttributeDeclaration(e, "display"); d && Lower(d->value) == "none") {
    return true;
  }
  return false;
}

// By document order: whether each element or an element above it is hidden by its own
// markup (IsInlineHidden). Rules ask this of nearly every element, and answering each time
// parsed the style="" of every ancestor; the page's elements are in document order, so a
// parent's answer is there before its children's.
std::vector<bool> InlineHiddenTable(const Page& page) {
  const std::vector<const Node*>& elements = page.doc.elements();
  std::vector<bool> table(elements.empty() ? 0 : elements.back()->order + 1, false);
  for (const Node* e : elements) {
    const Node* parent = e->parent;
    bool above = parent != nullptr && parent->is_element() && parent->order < table.size() &&
                 table[parent->order];
    table[e->order] = above || IsInlineHidden(*e);
  }
  return table;
}

// True when `element` or an ancestor element is hidden by its own markup.
bool InlineHiddenHereOrAbove(const Page& page, const Node& element) {
  if (!element.is_element()) return false;
  const std::vector<bool>& table = page.memo.Get(&InlineHiddenTable, page);
  // Every element of the page is in the table: it was built from page.doc.elements().
  return element.order < table.size() && table[element.order];
}

}  // namespace

std::vector<Declaration> ParseDeclarations(std::string_view block) {
  std::vector<Declaration> out;
  std::string text = css::StripComments(block);
  std::string_view rest = text;
  while (!rest.empty()) {
    // Split on ';' outside parentheses and quotes (url(a;b), "a;b").
    size_t end = 0;
    int parens = 0;
    char quote = 0;
    for (; end < rest.size(); ++end) {
      char c = rest[end];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '(') {
        ++parens;
      } else if (c == ')') {
        parens = parens > 0 ? parens - 1 : 0;
      } else if (c == ';' && parens == 0) {
        break;
      }
    }
    std::string_view item = rest.substr(0, end);
    rest = end < rest.size() ? rest.substr(end + 1) : std::string_view{};
    size_t colon = item.find(':');
    if (colon == std::string_view::npos) continue;
    Declaration d;
    d.name = Lower(TrimAscii(item.substr(0, colon)));
    std::string_view value = TrimAscii(item.substr(colon + 1));
    size_t bang = value.rfind('!');
    if (bang != std::string_view::npos && Lower(TrimAscii(value.substr(bang + 1))) == "important") {
      d.important = true;
      value = TrimAscii(value.substr(0, bang));
    }
    d.value = std::string(value);
    if (!d.name.empty()) out.push_back(std::move(d));
  }
  return out;
}

std::optional<Declaration> StyleAttributeDeclaration(const Node& element,
                                                     std::string_view property) {
  const std::string* style = element.Attr("style");
  if (style == nullptr) return std::nullopt;
  std::optional<Declaration> normal, important;
  for (Declaration& d : ParseDeclarations(*style)) {
    if (d.name != property) continue;
    if (d.important) {
      important = d;
    } else {
      normal = d;
    }
  }
  return important ? important : normal;
}

std::optional<double> LengthPx(std::string_view value, double font_px, double percent_of) {
  std::string v = Lower(TrimAscii(value));
  if (v.empty()) return std::nullopt;
  const char* begin = v.c_str();
  char* end = nullptr;
  double number = std::strtod(begin, &end);
  if (end == begin) return std::nullopt;
  std::string_view unit(end);
  unit = TrimAscii(unit);
  if (unit.empty()) {
    if (number == 0) return 0.0;
    return std::nullopt;  // A bare number is not a length (line-height handles its own).
  }
  if (unit == "px") return number;
  if (unit == "em") return number * font_px;
  if (unit == "rem") return number * 16;
  if (unit == "ex" || unit == "ch") return number * font_px / 2;
  if (unit == "pt") return number * 96 / 72;
  if (unit == "pc") return number * 16;
  if (unit == "in") return number * 96;
  if (unit == "cm") return number * 96 / 2.54;
  if (unit == "mm") return number * 96 / 25.4;
  if (unit == "q") return number * 96 / 101.6;
  if (unit == "%") return number * percent_of / 100;
  return std::nullopt;
}

std::string PropertyValue(const Page& page, const Node& element, std::string_view property) {
  std::string_view cascaded = page.styles.Of(element).Get(property);
  if (!cascaded.empty()) return Lower(TrimAscii(cascaded));
  if (auto d = StyleAttributeDeclaration(element, property)) return Lower(d->value);
  return {};
}

bool IsNotRendered(const Page& page, const Node& element) {
  if (page.styles.IsInvisible(element) || page.styles.IsDisplayNone(element)) return true;
  if (InlineHiddenHereOrAbove(page, element)) return true;
  if (auto d = StyleAttributeDeclaration(element, "visibility")) {
    std::string v = Lower(d->value);
    if (v == "hidden" || v == "collapse") return true;
  }
  return false;
}

bool IsOffScreen(const Page& page, const Node& element) {
  for (const Node* n = &element; n != nullptr && n->is_element(); n = n->parent) {
    std::string position = PropertyValue(page, *n, "position");
    if (position != "absolute" && position != "fixed") continue;
    double font = page.styles.Of(*n).font_size_px;
    for (std::string_view side : {"top", "left", "right", "bottom"}) {
      std::optional<double> px = LengthPx(PropertyValue(page, *n, side), font, 0);
      if (px && *px <= -1000) return true;
    }
  }
  return false;
}

bool IsHiddenFromAt(const Page& page, const Node& element) {
  if (page.sem.IsHidden(element)) return true;
  if (InlineHiddenHereOrAbove(page, element)) return true;
  for (const Node* n = &element; n != nullptr && n->is_element(); n = n->parent) {
    if (n->AttrOr("aria-hidden") == "true") return true;
  }
  return false;
}

std::string RoleOf(const Page& page, const Node& element) {
  std::string_view role = page.sem.Role(element);
  if (!role.empty()) return std::string(role);
  for (std::string_view token : SplitTokens(element.AttrOr("role"))) {
    std::string t = Lower(token);
    if (FindRole(t) != nullptr) return t;
  }
  if (element.ns != Namespace::kHtml) return {};
  const std::string& tag = element.tag;
  if (tag == "div" || tag == "span" || tag == "b" || tag == "i" || tag == "u" || tag == "small" ||
      tag == "bdi" || tag == "bdo" || tag == "data" || tag == "q") {
    return "generic";
  }
  if (tag == "p") return "paragraph";
  if (tag == "button") return "button";
  if (tag == "a" && element.HasAttr("href")) return "link";
  if (tag == "code") return "code";
  if (tag == "del" || tag == "s") return "deletion";
  if (tag == "ins") return "insertion";
  if (tag == "em") return "emphasis";
  if (tag == "strong") return "strong";
  if (tag == "sub") return "subscript";
  if (tag == "sup") return "superscript";
  if (tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6') return "heading";
  return {};
}

std::string NameOf(const Page& page, const Node& element) {
  const std::string& name = page.sem.Name(element);
  if (!name.empty()) return name;
  std::string text;
  for (const Node* ref : page.doc.ElementsByIdList(element.AttrOr("aria-labelledby"))) {
    text += ' ';
    text += ref->HasAttr("aria-label") ? ref->AttrOr("aria-label") : ref->TextContent();
  }
  if (text.empty()) text = element.AttrOr("aria-label");
  if (CollapseWhitespace(text).empty() && element.Is("img")) text = element.AttrOr("alt");
  if (CollapseWhitespace(text).empty()) text = RenderedText(page, element);
  if (CollapseWhitespace(text).empty()) text = element.AttrOr("title");
  return CollapseWhitespace(text);
}

bool IsFocusableElement(const Page& page, const Node& element) {
  if (page.sem.IsFocusable(element)) return true;
  if (IsNotRendered(page, element)) return false;
  if (element.ns != Namespace::kHtml && element.ns != Namespace::kSvg) return false;
  if (element.HasAttr("tabindex")) {
    std::string_view v = TrimAscii(element.AttrOr("tabindex"));
    int parsed = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), parsed);
    if (ec == std::errc() && !v.empty()) return true;
  }
  if (element.ns != Namespace::kHtml) return element.tag == "a" && element.HasAttr("href");
  bool disabled = element.HasAttr("disabled");
  if (element.IsAnyOf({"a", "area"})) return element.HasAttr("href");
  if (element.Is("input")) return !disabled && Lower(element.AttrOr("type")) != "hidden";
  if (element.IsAnyOf({"button", "select", "textarea"})) return !disabled;
  if (element.IsAnyOf({"iframe", "summary"})) return true;
  if (element.IsAnyOf({"audio", "video"})) return element.HasAttr("controls");
  std::string editable = Lower(element.AttrOr("contenteditable", "false"));
  return element.HasAttr("contenteditable") && editable != "false";
}

namespace {

void CollectRenderedText(const Page& page, const Node& node, std::string& out) {
  for (const Node* child : node.children) {
    if (child->is_text()) {
      out += child->text;
    } else if (child->is_element()) {
      if (child->IsAnyOf({"script", "style", "template", "noscript", "head", "title"})) {
        continue;
      }
      if (IsNotRendered(page, *child)) continue;
      if (child->Is("br")) out += ' ';
      CollectRenderedText(page, *child, out);
      if (page.styles.Of(*child).display != "inline") out += ' ';
    }
  }
}

// True when `text` has a character that CollapseWhitespace keeps: not ASCII whitespace, not
// a vertical tab, not a no-break space (U+00A0).
bool HasVisibleCharacter(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (IsAsciiSpace(c) || c == '\v') continue;
    if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0xA0) {
      ++i;
      continue;
    }
    return true;
  }
  return false;
}

}  // namespace

// Walks what CollectRenderedText walks. Text nodes hold whole UTF-8 characters, so a
// no-break space never straddles two of them.
bool HasRenderedText(const Page& page, const Node& element) {
  for (const Node* child : element.children) {
    if (child->is_text()) {
      if (HasVisibleCharacter(child->text)) return true;
    } else if (child->is_element()) {
      if (child->IsAnyOf({"script", "style", "template", "noscript", "head", "title"})) {
        continue;
      }
      if (IsNotRendered(page, *child)) continue;
      if (HasRenderedText(page, *child)) return true;
    }
  }
  return false;
}

std::string RenderedText(const Page& page, const Node& element) {
  std::string raw;
  CollectRenderedText(page, element, raw);
  // No-break spaces (U+00A0) separate words as spaces do.
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (static_cast<unsigned char>(raw[i]) == 0xC2 && i + 1 < raw.size() &&
        static_cast<unsigned char>(raw[i + 1]) == 0xA0) {
      out += ' ';
      ++i;
    } else {
      out += raw[i];
    }
  }
  return CollapseWhitespace(out);
}

namespace {

void CollectDescendants(const Node& node, std::vector<const Node*>& out) {
  for (const Node* child : node.children) {
    if (!child->is_element()) continue;
    out.push_back(child);
    CollectDescendants(*child, out);
  }
}

}  // namespace

std::vector<const Node*> Descendants(const Node& element) {
  std::vector<const Node*> out;
  CollectDescendants(element, out);
  return out;
}

bool HasOwnText(const Node& element) {
  for (const Node* child : element.children) {
    if (child->is_text() && !TrimAscii(child->text).empty()) return true;
  }
  return false;
}

bool PageHasScript(const Document& doc) {
  for (const Node* e : doc.elements()) {
    if (e->Is("script")) {
      std::string type = Lower(TrimAscii(e->AttrOr("type")));
      bool code = type.empty() || type == "module" || type.ends_with("javascript");
      if (code && (e->HasAttr("src") || !TrimAscii(e->TextContent()).empty())) return true;
    }
    for (const Attribute& a : e->attributes) {
      if (a.name.size() > 2 && a.name.rfind("on", 0) == 0 && !TrimAscii(a.value).empty()) {
        return true;
      }
    }
  }
  return false;
}

std::string ScriptText(const Document& doc) {
  std::string out;
  for (const Node* e : doc.elements()) {
    if (e->Is("script")) {
      out += e->TextContent();
      out += '\n';
    }
    for (const Attribute& a : e->attributes) {
      if (a.name.size() > 2 && a.name.rfind("on", 0) == 0) {
        out += a.name + "=" + a.value + '\n';
      }
    }
  }
  return Lower(out);
}

const Node* PageTarget(const Document& doc) {
  if (doc.html() != nullptr) return doc.html();
  return doc.elements().empty() ? nullptr : doc.elements().front();
}

std::vector<CssRule> ParseStyleSheets(const Document& doc) {
  std::vector<CssRule> out;
  for (const Node* style : doc.ElementsByTag("style")) {
    std::string css = css::StripComments(style->TextContent());
    std::string media = Lower(TrimAscii(style->AttrOr("media")));
    if (media == "all" || media == "screen") media.clear();
    ParseBlockInto(css, media, out, 0);
  }
  return out;
}

}  // namespace a11y::checks::act
