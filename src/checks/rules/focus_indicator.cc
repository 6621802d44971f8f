#include "checks/rules/focus_indicator.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <unordered_map>

#include "checks/css_parser.h"
#include "checks/selector.h"

namespace a11y::checks::focus {
namespace {

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Splits at commas that are not inside parentheses.
std::vector<std::string_view> SplitTopLevelCommas(std::string_view value) {
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '(') ++depth;
    if (value[i] == ')') depth = std::max(0, depth - 1);
    if (value[i] == ',' && depth == 0) {
      parts.push_back(value.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(value.substr(start));
  return parts;
}

// A side's border width as drawn: 0 when its style is none or hidden.
double BorderWidth(const ComputedStyle& s, std::string_view side, double font_size) {
  std::string prefix = "border-" + std::string(side);
  std::string style = Lower(TrimAscii(s.Get(prefix + "-style")));
  if (style.empty() || style == "none" || style == "hidden") return 0;
  std::string width = Lower(TrimAscii(s.Get(prefix + "-width")));
  if (width.empty() || width == "medium") return 3;
  if (width == "thin") return 1;
  if (width == "thick") return 5;
  return css::ParseLength(width, {font_size, 16, 0}).value_or(0);
}

std::string_view Value(const ComputedStyle& s, std::string_view name) {
  return TrimAscii(s.Get(name));
}

bool Differs(const ComputedStyle& a, const ComputedStyle& b, std::string_view name) {
  return Value(a, name) != Value(b, name);
}

bool ColoursDiffer(const Color& a, const Color& b) {
  return std::abs(a.r - b.r) > 0.5 || std::abs(a.g - b.g) > 0.5 || std::abs(a.b - b.b) > 0.5 ||
         std::abs(a.a - b.a) > 0.01;
}

// A declaration that draws something around or under a box.
bool IsIndicatorProperty(std::string_view name) {
  return name.rfind("outline", 0) == 0 || name.rfind("border", 0) == 0 ||
         name.rfind("box-shadow", 0) == 0 || name.rfind("text-decoration", 0) == 0;
}

// A :focus rule that styles a descendant of the focused element (".card:focus img").
bool HasDescendantIndicator(const Page& page, const Node& element) {
  for (const StyleResolver::SheetRule& rule : page.styles.sheet_rules()) {
    if (!rule.at_rule.empty() || !Contains(rule.selector, ":focus")) continue;
    bool draws = false;
    for (const auto& [name, value] : rule.declarations) {
      std::string v = Lower(value);
      if (IsIndicatorProperty(name) && !Contains(v, "none") && !Contains(v, "transparent")) {
        draws = true;
      }
    }
    if (!draws) continue;
    if (!rule.media.empty() && !css::MediaQueryMatches(rule.media)) continue;
    for (const css::Selector& selector : css::ParseSelectorList(rule.selector)) {
      css::MatchState focused{&element, nullptr};
      // Walk the element's descendants (not the element itself: that is its own style).
      std::vector<const Node*> stack(element.children.rbegin(), element.children.rend());
      while (!stack.empty()) {
        const Node* n = stack.back();
        stack.pop_back();
        if (!n->is_element()) continue;
        if (selector.Matches(*n, focused) && !selector.Matches(*n)) return true;
        stack.insert(stack.end(), n->children.rbegin(), n->children.rend());
      }
    }
  }
  return false;
}

}  // namespace

bool ShadowLayer::AllSides() const {
  if (inset) return spread > 0 || blur > 0;
  if (x == 0 && y == 0) return spread > 0 || blur > 0;
  return spread > std::max(std::abs(x), std::abs(y));
}

std::vector<ShadowLayer> ParseBoxShadow(std::string_view value, const Color& current,
                                        double font_size) {
  std::vector<ShadowLayer> layers;
  std::string lower = Lower(TrimAscii(value));
  if (lower.empty() || lower == "none") return layers;
  for (std::string_view part : SplitTopLevelCommas(lower)) {
    ShadowLayer layer;
    layer.color = current;
    std::vector<double> lengths;
    for (std::string_view token : css::SplitComponents(part)) {
      if (token == "inset") {
        layer.inset = true;
      } else if (auto px = css::ParseLength(token, {font_size, 16, 0}, true)) {
        lengths.push_back(*px);
      } else if (auto c = ParseColor(token)) {
        layer.color = *c;
      }
    }
    if (lengths.size() < 2) continue;
    layer.x = lengths[0];
    layer.y = lengths[1];
    if (lengths.size() > 2) layer.blur = lengths[2];
    if (lengths.size() > 3) layer.spread = lengths[3];
    layers.push_back(layer);
  }
  return layers;
}

FocusLook Analyze(const Page& page, const Node& element) {
  FocusLook look;
  const ComputedStyle& rest = page.styles.Of(element);
  look.focus = page.styles.OfInState(element, kFocus | kFocusVisible);
  const ComputedStyle& focus = *look.focus;

  look.author_outline = focus.Declared("outline-style") || focus.Declared("outline-width") ||
                        focus.Declared("outline-color") || focus.Declared("outline");
  look.outline = focus.outline_style != "none" && focus.outline_style != "hidden" &&
                 focus.outline_width_px > 0;
  look.default_ring = look.outline && focus.outline_style == "auto" &&
                      !focus.Declared("outline-style") && !focus.Declared("outline");
  look.outline_width = focus.outline_width_px;
  look.outline_offset = focus.outline_offset_px;
  look.outline_color = focus.outline_color;
  look.outline_offset_declared = focus.Declared("outline-offset");

  if (focus.box_shadow != rest.box_shadow) {
    for (const ShadowLayer& layer :
         ParseBoxShadow(focus.box_shadow, focus.color, focus.font_size_px)) {
      if (!layer.Visible()) continue;
      look.shadow.push_back(layer);
      look.shadow_all_sides = look.shadow_all_sides || layer.AllSides();
    }
  }

  for (std::string_view side : {"top", "right", "bottom", "left"}) {
    double before = BorderWidth(rest, side, rest.font_size_px);
    double after = BorderWidth(focus, side, focus.font_size_px);
    if (after >= before + 1) look.border_width_change = true;
    std::string color = "border-" + std::string(side) + "-color";
    if (after > 0 && Differs(rest, focus, color)) look.border_color_change = true;
  }
  look.background_change = ColoursDiffer(rest.background_color, focus.background_color) ||
                           Differs(rest, focus, "background-image");
  look.color_change = ColoursDiffer(rest.color, focus.color);
  look.underline_change = Contains(focus.text_decoration_line, "underline") &&
                          !Contains(rest.text_decoration_line, "underline");
  look.weight_change = rest.font_weight != focus.font_weight;
  look.other_change = rest.opacity != focus.opacity || Differs(rest, focus, "transform");
  look.descendant_indicator = HasDescendantIndicator(page, element);
  look.author_focus_rule = !rest.SameProperties(focus);
  if (look.author_focus_rule) {
    for (const auto& [name, value] : focus.Properties()) {
      if (name.rfind("outline", 0) == 0 || name == "cursor") continue;
      if (rest.Get(name) != value) look.other_property_change = true;
    }
  }
  look.focus_backdrop = OwnBackdrop(focus);
  look.custom_background_or_border =
      rest.Declared("background-color") || rest.Declared("background-image") ||
      rest.Declared("border-top-style") || rest.Declared("border-top-color");
  look.underline_declared =
      focus.Declared("text-decoration-line") || focus.Declared("text-decoration");
  return look;
}

namespace {

// A page's looks start empty and fill in as the focus rules ask.
std::shared_ptr<PageLooks> NewPageLooks(const Page&) { return std::make_shared<PageLooks>(); }

}  // namespace

PageLooks& PageLooks::For(const Page& page) {
  // In the page's memo rather than a per-thread cache recognised by a hash of the page's
  // source, which every focus rule paid for. The memo holds the pointer const, not the looks.
  return *page.memo.Get(&NewPageLooks, page);
}

const FocusLook& PageLooks::Get(const Page& page, const Node& element) {
  auto it = looks_.find(element.order);
  if (it == looks_.end()) it = looks_.emplace(element.order, Analyze(page, element)).first;
  return it->second;
}

Backdrop OwnBackdrop(const ComputedStyle& style) {
  if (!style.background_image) return Backdrop::kKnown;
  std::string image = Lower(style.Get("background-image"));
  if (image.empty()) image = Lower(style.Get("background"));
  return Contains(image, "gradient(") ? Backdrop::kGradient : Backdrop::kImage;
}

Backdrop ParentBackdrop(const Page& page, const Node& element) {
  for (const Node* n = element.parent; n != nullptr && n->is_element(); n = n->parent) {
    const ComputedStyle& s = page.styles.Of(*n);
    Backdrop own = OwnBackdrop(s);
    if (own != Backdrop::kKnown) return own;
    if (s.background_color.known && s.background_color.a >= 1) return Backdrop::kKnown;
  }
  return Backdrop::kKnown;
}

Color OutlineBackground(const Page& page, const Node& element, const FocusLook& look) {
  if (look.outline_offset + look.outline_width <= 0) {
    Color own = look.focus->background_color;
    if (look.focus_backdrop != Backdrop::kKnown || !own.known) {
      Color unknown = Color::White();
      unknown.known = false;
      return unknown;
    }
    if (own.a >= 1) return own;
  }
  const Node* parent = element.parent;
  if (parent == nullptr || !parent->is_element()) return Color::White();
  return page.styles.EffectiveBackground(*parent);
}

double OutlineContrast(const Page& page, const Node& element, const FocusLook& look) {
  Color back = OutlineBackground(page, element, look);
  if (!back.known || !look.outline_color.known) return 0;
  Color ring = Blend(look.outline_color, back);
  double ratio = ContrastRatio(ring, back);
  if (look.outline_offset == 0 && look.focus_backdrop == Backdrop::kKnown) {
    Color own = Blend(look.focus->background_color, back);
    if (own.known) ratio = std::max(ratio, ContrastRatio(Blend(look.outline_color, own), own));
  }
  return ratio;
}

}  // namespace a11y::checks::focus
