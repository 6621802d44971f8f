// A CSS cascade good enough for accessibility decisions: the page's <style> sheets and
// style="" attributes, selectors matched with specificity, !important, inheritance, and
// the computed values the rules read (colours, font, outline, display, visibility...).
// There is no layout and no script: what cannot be known without a browser is reported as
// unknown (see `Color::known` and `ComputedStyle::background_unknown`), never guessed.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/css_parser.h"
#include "checks/dom.h"

namespace a11y::checks {

struct Color {
  double r = 0, g = 0, b = 0;  // 0..255
  double a = 1;                // 0..1
  bool known = true;           // False for currentColor loops, var(), unparsable values.
  static Color Black() { return {0, 0, 0, 1}; }
  static Color White() { return {255, 255, 255, 1}; }
  static Color Transparent() { return {0, 0, 0, 0}; }
  bool transparent() const { return known && a == 0; }
};

// Parses a CSS colour: #rgb, #rgba, #rrggbb, #rrggbbaa, rgb()/rgba() (comma or space
// syntax, percentages), hsl()/hsla(), the 148 named colours and transparent.
std::optional<Color> ParseColor(std::string_view value);
// `top` painted over `bottom` (alpha compositing); the result is opaque if `bottom` is.
Color Blend(const Color& top, const Color& bottom);
// WCAG 2 relative luminance and contrast ratio (1..21) of two opaque colours.
double RelativeLuminance(const Color& c);
double ContrastRatio(const Color& a, const Color& b);

// Element states a style can be computed in, for :focus / :hover rules.
// kVisited: every link counts as visited (:visited matches, :link does not).
enum StyleState : unsigned {
  kNoState = 0,
  kFocus = 1,
  kHover = 2,
  kFocusVisible = 4,
  kVisited = 8
};

struct ComputedStyle {
  using PropertyMap = std::map<std::string, std::string, std::less<>>;
  // The property's value or "" when unset. Properties are the ones the cascade set on this
  // element or it inherited, by lower-case name, value as specified after the cascade (with
  // !important stripped). Shorthands are kept as written and the longhands the rules read
  // are also expanded (outline, border, background, font, margin/padding are expanded).
  std::string_view Get(std::string_view name) const;
  // Every property with a value, by name.
  PropertyMap Properties() const;
  // Same properties and values as `other` (the typed fields below derive from them).
  bool SameProperties(const ComputedStyle& other) const;
  // True when the author's declarations for this element (sheets, style="", presentational
  // attributes such as bgcolor) set the property, rather than it being inherited, initial or
  // a UA default. Shorthands count for the longhands they expand to.
  bool Declared(std::string_view name) const;
  std::vector<std::string> declared;  // Names of the properties set on the element itself.

  // What the cascade set on this element; "" resets a property to its initial value.
  PropertyMap own;
  // What it inherits from its parent. Shared by the parent's children, so an element's style
  // does not copy what it inherits (most elements set no inherited property of their own).
  std::shared_ptr<const PropertyMap> inherited;
  // The map `inherited` of this element's children (made on first use).
  std::shared_ptr<const PropertyMap> InheritedByChildren() const;

  Color color = Color::Black();                      // Inherited.
  Color background_color = Color::Transparent();     // This element's own.
  bool background_image = false;    // A background-image / gradient is set on this element.
  double font_size_px = 16;         // Inherited; em, rem, %, pt, px, keywords, calc() resolved.
                                    // Get("font-size") gives it as "Npx", and a
                                    // line-height in units as px, so children inherit values.
  int font_weight = 400;            // Inherited; bold = 700, bolder/lighter relative.
  std::string font_style = "normal";
  std::string display = "inline";   // Not inherited; the UA default per element (block for
                                    // div, none for head/script/style/[hidden]...).
  std::string visibility = "visible";  // Inherited.
  double opacity = 1;
  std::string outline_style = "none";
  double outline_width_px = 0;      // 0 when style is none.
  Color outline_color = Color::Black();
  double outline_offset_px = 0;
  std::string box_shadow;           // As written, "" or "none" when unset.
  std::string position = "static";
  std::string clip_path;
  std::string text_decoration_line = "none";  // This element's own (decorations are drawn
                                              // across descendants but not inherited).

 private:
  mutable std::shared_ptr<const PropertyMap> inherited_by_children_;
};

// The window size and user preferences @media rules are evaluated against.
using MediaEnvironment = css::MediaFeatures;

class StyleResolver {
 public:
  explicit StyleResolver(const Document& doc, const MediaEnvironment& media = {});
  ~StyleResolver();
  StyleResolver(const StyleResolver&) = delete;
  StyleResolver& operator=(const StyleResolver&) = delete;

  // The computed style of `element` in `state` (cached per element for kNoState).
  const ComputedStyle& Of(const Node& element) const;
  // Shared with the cache and with other elements that have the same style in that state.
  std::shared_ptr<const ComputedStyle> OfInState(const Node& element, unsigned state) const;

  // display:none on the element or an ancestor, or the [hidden] attribute (which the UA
  // sheet turns into display:none).
  bool IsDisplayNone(const Node& element) const;
  // Not rendered: display none on it or an ancestor, or visibility hidden/collapse on it.
  bool IsInvisible(const Node& element) const;

  // The colour the text of `element` is painted on: its own and its ancestors' background
  // colours composited over white. Unknown (known=false) when an element on the way has a
  // background image or gradient, or is positioned out of flow over something we cannot
  // see — a browser would be needed.
  Color EffectiveBackground(const Node& element) const;

  // The page's rules, for rules that look at sheets themselves (media queries used,
  // @keyframes, animation, !important colour declarations...).
  struct SheetRule {
    std::string selector;        // As written ("" for at-rules without a prelude).
    std::string media;           // The enclosing @media condition, "" when none.
    std::string at_rule;         // "keyframes", "font-face"... or "" for style rules.
    std::vector<std::pair<std::string, std::string>> declarations;  // name, value.
    std::vector<bool> important;  // Parallel to `declarations`: declared !important.
    bool media_matches = true;    // The enclosing @media conditions hold on a desktop screen.
    const Node* owner = nullptr;  // The <style> element it came from.
  };
  const std::vector<SheetRule>& sheet_rules() const;

  // Other environments in which the page's own @media rules change its styles: narrow
  // windows when it has width queries, a contrast or dark preference when it has those
  // queries. Empty for most pages. Rules that must hold everywhere (text contrast) check
  // these with resolvers of their own.
  std::vector<MediaEnvironment> AlternativeMedia() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace a11y::checks
