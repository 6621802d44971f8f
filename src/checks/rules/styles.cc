// Styles and fonts: colours and fonts fixed by the author where user style sheets cannot
// reach them (WCAG 1.4.8, 1.4.12), and typography that makes text hard to read (small,
// decorative, italic, justified, right-aligned or tightly spaced blocks of text).
#include <string>
#include <vector>

#include "checks/css_parser.h"
#include "checks/rule.h"
#include "checks/selector.h"
#include "core/ascii.h"

namespace a11y::checks {
namespace {

// ---- What a declaration sets ----

bool IsVarOnly(std::string_view value) {
  std::string lower = ToLowerAscii(TrimAscii(value));
  return lower.rfind("var(", 0) == 0 && lower.back() == ')' &&
         lower.find("var(", 4) == std::string::npos;
}

bool ContainsColor(std::string_view value) {
  for (std::string_view part : css::SplitComponents(value)) {
    std::string lower = ToLowerAscii(part);
    if (lower == "currentcolor" || lower == "inherit" || lower == "transparent") continue;
    if (lower.find("gradient(") != std::string::npos) return true;
    if (ParseColor(part).has_value()) return true;
  }
  return false;
}

// A declaration that fixes a colour: colour properties, and shorthands given a colour.
bool SetsColor(const css::Declaration& d) {
  if (d.name.rfind("--", 0) == 0 || IsVarOnly(d.value)) return false;
  static constexpr std::string_view kColorProperties[] = {
      "color", "background-color", "border-color", "border-top-color", "border-right-color",
      "border-bottom-color", "border-left-color", "outline-color", "text-decoration-color",
      "column-rule-color", "caret-color", "accent-color", "fill", "stroke",
      "-webkit-text-fill-color"};
  for (std::string_view name : kColorProperties) {
    if (d.name == name) return true;
  }
  static constexpr std::string_view kShorthands[] = {
      "background", "background-image", "border", "border-top", "border-right", "border-bottom",
      "border-left", "outline", "text-decoration", "column-rule"};
  for (std::string_view name : kShorthands) {
    if (d.name == name) return ContainsColor(d.value);
  }
  return false;
}

// A declaration that fixes the font or the text spacing users may need to change.
bool SetsFont(const css::Declaration& d) {
  if (IsVarOnly(d.value)) return false;
  return d.name == "font" || d.name.rfind("font-", 0) == 0 || d.name == "line-height" ||
         d.name == "letter-spacing" || d.name == "word-spacing";
}

bool IsOther(const css::Declaration& d) {
  return d.name.rfind("--", 0) != 0 && !SetsColor(d) && !SetsFont(d);
}

std::vector<css::Declaration> StyleAttribute(const Node& e) {
  const std::string* style = e.Attr("style");
  if (style == nullptr) return {};
  return css::ParseDeclarations(*style);
}

template <typename Pred>
bool Any(const std::vector<css::Declaration>& declarations, Pred pred) {
  for (const css::Declaration& d : declarations) {
    if (pred(d)) return true;
  }
  return false;
}

// Elements of the page proper (not <head> metadata).
bool InPage(const Page& page, const Node& e) {
  return e.ns == Namespace::kHtml && (page.doc.head() == nullptr || !page.doc.head()->Contains(e));
}

// ---- style="" ----

void StyleAttrColorFont(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!InPage(page, *e)) continue;
    auto declarations = StyleAttribute(*e);
    if (Any(declarations, SetsColor) || Any(declarations, SetsFont)) report.Fail(*e);
  }
}

void StyleAttrOther(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!InPage(page, *e)) continue;
    if (Any(StyleAttribute(*e), IsOther)) report.Fail(*e);
  }
}

void ColorInStyleAttr(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!InPage(page, *e)) continue;
    if (Any(StyleAttribute(*e), SetsColor)) report.Fail(*e);
  }
}

// Substantial inline styling (an attribute with three or more declarations), not the odd
// one-property tweak a script or template leaves.
void StyleAttrFound(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (InPage(page, *e) && StyleAttribute(*e).size() >= 3) {
      report.Fail(*e);
      return;  // One note per page.
    }
  }
}

// ---- <style> ----

std::vector<css::Declaration> Declarations(const StyleResolver::SheetRule& rule) {
  std::vector<css::Declaration> out;
  for (size_t i = 0; i < rule.declarations.size(); ++i) {
    out.push_back({rule.declarations[i].first, rule.declarations[i].second,
                   i < rule.important.size() && rule.important[i]});
  }
  return out;
}

bool HasExternalStyleSheet(const Page& page) {
  for (const Node* link : page.doc.ElementsByTag("link")) {
    for (std::string_view token : SplitTokens(link->AttrOr("rel"))) {
      if (EqualsIgnoreCase(token, "stylesheet")) return true;
    }
  }
  for (const auto& rule : page.styles.sheet_rules()) {
    if (rule.at_rule == "import") return true;
  }
  return false;
}

// All the page's styling is embedded: nothing a user or another page could cache or swap.
void StyleElementFound(const Page& page, Reporter& report) {
  if (HasExternalStyleSheet(page)) return;
  for (const Node* style : page.doc.ElementsByTag("style")) {
    if (!TrimAscii(style->TextContent()).empty()) {
      report.Fail(*style);
      return;
    }
  }
}

// The selector list targets the root element.
bool TargetsRoot(const Page& page, const std::string& selector) {
  const Node* html = page.doc.html();
  if (html == nullptr) return false;
  for (const css::Selector& s : css::ParseSelectorList(selector)) {
    if (s.Matches(*html)) return true;
  }
  return false;
}

void StyleTagColorFont(const Page& page, Reporter& report) {
  for (const auto& rule : page.styles.sheet_rules()) {
    if (!rule.at_rule.empty() || rule.owner == nullptr) continue;
    auto declarations = Declarations(rule);
    if (!Any(declarations, SetsColor) && !Any(declarations, SetsFont)) continue;
    if (TargetsRoot(page, rule.selector)) report.Fail(*rule.owner);
  }
}

void StyleTagOther(const Page& page, Reporter& report) {
  for (const auto& rule : page.styles.sheet_rules()) {
    if (!rule.at_rule.empty() || rule.owner == nullptr) continue;
    if (Any(Declarations(rule), IsOther)) report.Fail(*rule.owner);
  }
}

// Elements given a fixed colour by a rule of the page's <style> sheets.
void ColorInStyleTag(const Page& page, Reporter& report) {
  std::vector<css::Selector> selectors;
  for (const auto& rule : page.styles.sheet_rules()) {
    if (!rule.at_rule.empty() || !rule.media_matches) continue;
    if (!Any(Declarations(rule), SetsColor)) continue;
    for (css::Selector& s : css::ParseSelectorList(rule.selector)) selectors.push_back(std::move(s));
  }
  if (selectors.empty()) return;
  const Node* body = page.doc.body();
  for (const Node* e : page.doc.elements()) {
    if (body == nullptr || !body->Contains(*e) || e == body) continue;
    for (const css::Selector& s : selectors) {
      if (s.Matches(*e)) {
        report.Fail(*e);
        break;
      }
    }
  }
}

// ---- Fonts ----

// An element whose own style (not inherited) sets `property`, that shows text.
bool DeclaresForText(const Page& page, const Node& e, std::string_view property,
                     size_t min_chars) {
  if (!InPage(page, e) || !page.styles.Of(e).Declared(property)) return false;
  if (page.sem.IsInvisible(e)) return false;
  return page.sem.VisibleText(e).size() >= std::max<size_t>(min_chars, 1);
}

// Family names of decorative faces: script, blackletter, novelty and condensed fonts.
bool IsHardToReadFamily(std::string_view family) {
  std::string lower = ToLowerAscii(family);
  static constexpr std::string_view kFaces[] = {
      "papyrus", "brush script", "old english", "blackletter", "fraktur", "chiller", "jokerman",
      "curlz", "vivaldi", "mistral", "edwardian script", "kunstler", "harrington",
      "lucida handwriting", "bradley hand", "freestyle script", "french script", "magneto",
      "snap itc", "ravie", "parchment", "narrow", "condensed", "compressed"};
  for (std::string_view face : kFaces) {
    if (lower.find(face) != std::string::npos) return true;
  }
  return false;
}

std::vector<std::string> FontFamilies(std::string_view value) {
  std::vector<std::string> out;
  std::string current;
  for (char c : value) {
    if (c == ',') {
      out.emplace_back(TrimAscii(current));
      current.clear();
    } else if (c != '"' && c != '\'') {
      current += c;
    }
  }
  out.emplace_back(TrimAscii(current));
  return out;
}

void InaccessibleFont(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!DeclaresForText(page, *e, "font-family", 1)) continue;
    std::vector<std::string> families = FontFamilies(page.styles.Of(*e).Get("font-family"));
    if (families.empty()) continue;
    bool decorative = IsHardToReadFamily(families.front());
    for (const std::string& family : families) {
      // The author's own fallback says what kind of face it is.
      if (EqualsIgnoreCase(family, "cursive") || EqualsIgnoreCase(family, "fantasy")) {
        decorative = true;
      }
    }
    if (decorative) report.Fail(*e, "Font: " + families.front() + ".");
  }
}

void FontFaceFound(const Page& page, Reporter& report) {
  for (const auto& rule : page.styles.sheet_rules()) {
    if (rule.at_rule == "font-face" && rule.owner != nullptr) {
      report.Fail(*rule.owner);
      return;
    }
  }
}

void SmallText(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!DeclaresForText(page, *e, "font-size", 1)) continue;
    double px = page.styles.Of(*e).font_size_px;
    if (px < 16 - 1e-6) report.Fail(*e, "Font size " + std::to_string(static_cast<int>(px)) + "px.");
  }
}

// Blocks of text: long enough that the way lines are set affects reading.
constexpr size_t kBlockOfText = 80;

void ItalicText(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!DeclaresForText(page, *e, "font-style", kBlockOfText)) continue;
    const std::string& style = page.styles.Of(*e).font_style;
    if (style.rfind("italic", 0) == 0 || style.rfind("oblique", 0) == 0) report.Fail(*e);
  }
}

void JustifiedText(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!DeclaresForText(page, *e, "text-align", 1)) continue;
    if (ToLowerAscii(TrimAscii(page.styles.Of(*e).Get("text-align"))) == "justify") {
      report.Fail(*e);
    }
  }
}

bool RightToLeft(const Node& e) {
  for (const Node* n = &e; n != nullptr && n->is_element(); n = n->parent) {
    if (const std::string* dir = n->Attr("dir")) return EqualsIgnoreCase(*dir, "rtl");
  }
  return false;
}

void RightAlignedText(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->IsAnyOf({"td", "th", "caption"}) || RightToLeft(*e)) continue;
    if (!DeclaresForText(page, *e, "text-align", kBlockOfText)) continue;
    std::string align = ToLowerAscii(TrimAscii(page.styles.Of(*e).Get("text-align")));
    if (align == "right" || align == "end") report.Fail(*e);
  }
}

void SmallLineHeight(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!DeclaresForText(page, *e, "line-height", kBlockOfText)) continue;
    const ComputedStyle& s = page.styles.Of(*e);
    std::string value = ToLowerAscii(TrimAscii(s.Get("line-height")));
    if (value.empty() || value == "normal" || s.font_size_px <= 0) continue;
    css::LengthContext context{s.font_size_px, 16, s.font_size_px};
    auto px = css::ParseLength(value, context, /*allow_number=*/false);
    double ratio;
    if (px) {
      ratio = *px / s.font_size_px;
    } else if (auto number = css::ParseLength(value, context, /*allow_number=*/true)) {
      ratio = *number;
    } else {
      continue;
    }
    if (ratio < 1.5 - 1e-6) report.Fail(*e);
  }
}

}  // namespace

void AddStyleRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrStyleAttrColorFont",
      .type = IssueType::kError,
      .category = "styles",
      .wcag = {"1.4.3", "1.4.8", "1.4.12"},
      .level = WcagLevel::kAA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This element fixes colours or fonts in its style attribute.",
      .why = "Inline colours and fonts beat most user style sheets, so people who need their own "
             "colours, fonts or spacing to read cannot apply them here.",
      .fix = "Move the colour and font declarations to a style sheet, using classes (and custom "
             "properties for a theme).",
      .check = StyleAttrColorFont,
  });
  rules.push_back({
      .code = "WarnStyleAttrOther",
      .type = IssueType::kWarning,
      .category = "styles",
      .wcag = {"1.4.8"},
      .level = WcagLevel::kAAA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This element sets layout in its style attribute.",
      .why = "Inline layout is hard for users and their tools to override, for example to "
             "reflow content into one column.",
      .fix = "Move the declarations to a style sheet and apply them with a class.",
      .check = StyleAttrOther,
  });
  rules.push_back({
      .code = "WarnColorRelatedStyleDefinedExplicitlyInElement",
      .type = IssueType::kWarning,
      .category = "styles",
      .wcag = {"1.4.3", "1.4.8"},
      .level = WcagLevel::kAA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This element's colours are fixed in its style attribute.",
      .why = "Fixed inline colours stay as they are when users choose their own colours or a "
             "high-contrast theme, and can leave text unreadable there.",
      .fix = "Set the colours in a style sheet, ideally through custom properties a theme can "
             "change.",
      .check = ColorInStyleAttr,
  });
  rules.push_back({
      .code = "DiscoStyleAttrOnElements",
      .type = IssueType::kDiscovery,
      .category = "styles",
      .wcag = {},
      .level = WcagLevel::kNone,
      .impact = Impact::kLow,
      .act = {},
      .what = "This page styles elements with style attributes.",
      .why = "Inline styles are where fixed colours, fonts and sizes usually hide from user "
             "style sheets.",
      .fix = "Review the inline styles and move them to the site's style sheets.",
      .check = StyleAttrFound,
  });
  rules.push_back({
      .code = "DiscoStyleElementOnPage",
      .type = IssueType::kDiscovery,
      .category = "styles",
      .wcag = {},
      .level = WcagLevel::kNone,
      .impact = Impact::kLow,
      .act = {},
      .what = "All of this page's styles are embedded in <style> elements.",
      .why = "Embedded styles are repeated on every page and are harder to review and override "
             "than one shared style sheet.",
      .fix = "Move the styles to an external style sheet, keeping at most a little critical CSS "
             "inline.",
      .check = StyleElementFound,
  });
  rules.push_back({
      .code = "ErrStyleTagColorFont",
      .type = IssueType::kError,
      .category = "styles",
      .wcag = {"1.4.3", "1.4.8", "1.4.12"},
      .level = WcagLevel::kAA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This style element fixes colours or fonts on the root element.",
      .why = "Colours and fonts hard-coded on <html> set the base for the whole page and "
             "override the defaults users choose in their browser.",
      .fix = "Keep the root free of fixed colours and fonts (custom properties are fine), and "
             "style the components that need them.",
      .check = StyleTagColorFont,
  });
  rules.push_back({
      .code = "WarnStyleTagOther",
      .type = IssueType::kWarning,
      .category = "styles",
      .wcag = {"1.4.8"},
      .level = WcagLevel::kAAA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This style element defines the page's layout inline.",
      .why = "Layout embedded in each page is harder to override consistently, for example to "
             "reflow text for reading.",
      .fix = "Move the layout rules to an external style sheet.",
      .check = StyleTagOther,
  });
  rules.push_back({
      .code = "WarnColorRelatedStyleDefinedExplicitlyInStyleTag",
      .type = IssueType::kWarning,
      .category = "styles",
      .wcag = {"1.4.3", "1.4.8"},
      .level = WcagLevel::kAA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This element gets fixed colours from a rule in the page's <style>.",
      .why = "Hard-coded colours cannot follow a user's colour or contrast preferences, so a "
             "theme change can leave this element unreadable.",
      .fix = "Define the colours as custom properties in one place and use var() here, with "
             "prefers-color-scheme and prefers-contrast variants.",
      .check = ColorInStyleTag,
  });
  rules.push_back({
      .code = "ErrInaccessibleFont",
      .type = IssueType::kError,
      .category = "fonts",
      .wcag = {"1.4.8"},
      .level = WcagLevel::kAAA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This text is set in a decorative, script or condensed font.",
      .why = "Script, blackletter, novelty and condensed faces have letters that are hard to "
             "tell apart, which slows or stops readers with dyslexia or low vision.",
      .fix = "Use a plain, widely spaced typeface for text and keep decorative fonts for short "
             "display text, if at all.",
      .check = InaccessibleFont,
  });
  rules.push_back({
      .code = "DiscoFontFound",
      .type = IssueType::kDiscovery,
      .category = "fonts",
      .wcag = {},
      .level = WcagLevel::kNone,
      .impact = Impact::kLow,
      .act = {},
      .what = "This page loads its own fonts with @font-face.",
      .why = "Web fonts decide how readable every letter is; a person should check that they are "
             "legible and that text stays readable if they fail to load.",
      .fix = "Review the web fonts for legibility and give them readable fallbacks.",
      .check = FontFaceFound,
  });
  rules.push_back({
      .code = "ErrSmallText",
      .type = IssueType::kError,
      .category = "fonts",
      .wcag = {"1.4.4", "1.4.12"},
      .level = WcagLevel::kAA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This text is set smaller than 16px.",
      .why = "Small text is hard to read for people with low vision and older readers, and "
             "many of them do not know how to zoom.",
      .fix = "Set body text to at least 16px (1rem), in relative units so it scales with the "
             "user's settings.",
      .check = SmallText,
  });
  rules.push_back({
      .code = "WarnItalicText",
      .type = IssueType::kWarning,
      .category = "fonts",
      .wcag = {"1.4.8"},
      .level = WcagLevel::kAAA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This block of text is set in italics.",
      .why = "Long passages of slanted letters are harder to read, especially for people with "
             "dyslexia or low vision.",
      .fix = "Keep italics for short emphasis and set running text upright.",
      .check = ItalicText,
  });
  rules.push_back({
      .code = "WarnJustifiedText",
      .type = IssueType::kWarning,
      .category = "fonts",
      .wcag = {"1.4.8"},
      .level = WcagLevel::kAAA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This text is justified.",
      .why = "Justified text opens uneven gaps between words (rivers of white) that make "
             "people with dyslexia lose their place.",
      .fix = "Align text to the start edge (text-align: start or left) instead of justify.",
      .check = JustifiedText,
  });
  rules.push_back({
      .code = "WarnRightAlignedText",
      .type = IssueType::kWarning,
      .category = "fonts",
      .wcag = {"1.4.8"},
      .level = WcagLevel::kAAA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This block of left-to-right text is aligned to the right.",
      .why = "With a ragged left edge every line starts somewhere new, which is hard to follow "
             "for people with dyslexia or using magnification.",
      .fix = "Align blocks of left-to-right text to the left.",
      .check = RightAlignedText,
  });
  rules.push_back({
      .code = "WarnSmallLineHeight",
      .type = IssueType::kWarning,
      .category = "fonts",
      .wcag = {"1.4.8", "1.4.12"},
      .level = WcagLevel::kAA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This block of text has a line height below 1.5 times its font size.",
      .why = "Tightly packed lines are hard to track for people with dyslexia or low vision.",
      .fix = "Set line-height to at least 1.5 for paragraphs of text.",
      .check = SmallLineHeight,
  });
}

}  // namespace a11y::checks
