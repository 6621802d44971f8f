// Colour: text contrast (WCAG 1.4.3 / 1.4.6, ACT afw4f7 and 09o5cg), links told apart by
// colour alone (1.4.1), and pages that ignore the user's colour-scheme and contrast
// preferences.
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "checks/css_parser.h"
#include "checks/rule.h"
#include "core/ascii.h"

namespace a11y::checks {
namespace {

// ---- What text is seen, and on what ----

bool HasOwnText(const Node& e) {
  for (const Node* child : e.children) {
    if (child->is_text() && !TrimAscii(child->text).empty()) return true;
  }
  return false;
}

std::optional<double> Px(std::string_view value, const ComputedStyle& s) {
  return css::ParseLength(value, {s.font_size_px, 16, 0});
}

// Hidden from sight although rendered by a style of the element itself: the "visually
// hidden" (screen-reader only) patterns, text pushed off screen, or text made too small or
// transparent to see.
bool HidesItself(const ComputedStyle& s) {
  if (s.opacity == 0 || s.font_size_px < 1) return true;
  std::string_view clip = s.Get("clip");
  bool positioned = s.position == "absolute" || s.position == "fixed";
  if (positioned && clip.find("rect(") != std::string_view::npos) {
    std::string lower = ToLowerAscii(clip);
    if (lower.find("rect(0") != std::string::npos || lower.find("rect(1px") != std::string::npos) {
      return true;
    }
  }
  std::string clip_path = ToLowerAscii(s.clip_path);
  if (clip_path.find("inset(50%") != std::string::npos ||
      clip_path.find("inset(100%") != std::string::npos) {
    return true;
  }
  bool overflow_hidden = s.Get("overflow") == "hidden" || s.Get("overflow-x") == "hidden" ||
                         s.Get("overflow") == "clip";
  auto width = Px(s.Get("width"), s);
  auto height = Px(s.Get("height"), s);
  if (overflow_hidden && ((width && *width <= 1) || (height && *height <= 1))) return true;
  if (positioned) {
    for (std::string_view side : {"left", "top", "right"}) {
      if (auto v = Px(s.Get(side), s); v && *v <= -500) return true;
    }
  }
  if (auto indent = Px(s.Get("text-indent"), s); indent && *indent <= -500) return true;
  return false;
}

// Visually hidden: the element or an ancestor element hides itself (HidesItself). Answered
// for every text element of a page, so each element's answer is kept for its descendants
// instead of walking all the ancestors again.
class VisuallyHiddenCache {
 public:
  explicit VisuallyHiddenCache(const StyleResolver& styles) : styles_(styles) {}

  bool Of(const Node& element) {
    if (!element.is_element()) return false;
    if (element.order < known_.size() && known_[element.order] != kUnknown) {
      return known_[element.order] == kHidden;
    }
    bool hidden = HidesItself(styles_.Of(element)) ||
                  (element.parent != nullptr && Of(*element.parent));
    if (element.order >= known_.size()) known_.resize(element.order + 1, kUnknown);
    known_[element.order] = hidden ? kHidden : kShown;
    return hidden;
  }

 private:
  enum Known : unsigned char { kUnknown, kHidden, kShown };
  const StyleResolver& styles_;
  std::vector<Known> known_;  // By Node::order.
};

// Form controls that are disabled, and text inside them: WCAG exempts inactive components.
bool InDisabledWidget(const Page& page, const Node& element) {
  for (const Node* n = &element; n != nullptr && n->is_element(); n = n->parent) {
    if (n->IsAnyOf({"button", "input", "select", "textarea", "option", "optgroup", "fieldset"}) &&
        n->HasAttr("disabled")) {
      return true;
    }
    if (n->AttrOr("aria-disabled") == "true") return true;
    if (n->Is("label")) {
      // The label of a disabled control: its for= target, or the control inside it.
      if (const std::string* id = n->Attr("for")) {
        const Node* control = page.doc.ElementById(*id);
        if (control != nullptr && control->HasAttr("disabled")) return true;
      }
      std::vector<const Node*> stack(n->children.begin(), n->children.end());
      while (!stack.empty()) {
        const Node* d = stack.back();
        stack.pop_back();
        if (d->IsAnyOf({"input", "select", "textarea", "button"}) && d->HasAttr("disabled")) {
          return true;
        }
        stack.insert(stack.end(), d->children.begin(), d->children.end());
      }
    }
  }
  return false;
}

bool IsLargeText(const ComputedStyle& s) {
  // 18pt, or 14pt bold (WCAG "large scale"), in CSS pixels.
  return s.font_size_px >= 24 - 1e-6 || (s.font_size_px >= 18.66 && s.font_weight >= 700);
}

// The contrast of some text, as the range between the lowest and the highest it can have
// over its possible backgrounds (gradient stops, text shadows). ACT's "highest possible
// contrast" is `high`.
struct Contrast {
  bool known = false;
  double low = 21, high = 21;
  bool large = false;
};

// The opaque colour stops of a single gradient; nullopt for images, several layers, or
// see-through stops.
std::optional<std::vector<Color>> GradientStops(std::string_view image) {
  std::string lower = ToLowerAscii(TrimAscii(image));
  size_t open = lower.find('(');
  if (open == std::string::npos || lower.find("gradient") > open || lower.back() != ')') {
    return std::nullopt;
  }
  std::string_view inside = std::string_view(lower).substr(open + 1, lower.size() - open - 2);
  if (inside.find("url(") != std::string_view::npos || inside.find("gradient(") !=
                                                             std::string_view::npos) {
    return std::nullopt;
  }
  std::vector<Color> stops;
  for (std::string_view part : css::SplitComponents(inside)) {
    if (auto c = ParseColor(part)) {
      if (!c->known || c->a < 1) return std::nullopt;
      stops.push_back(*c);
    }
  }
  if (stops.empty()) return std::nullopt;
  return stops;
}

Color Mix(const Color& top, double opacity, const Color& back) {
  return Color{top.r * opacity + back.r * (1 - opacity), top.g * opacity + back.g * (1 - opacity),
               top.b * opacity + back.b * (1 - opacity), 1, top.known && back.known};
}

// The contrast of `element`'s own text in `style` (its style in some state): its ancestors'
// backgrounds painted from the root down over a white canvas, gradients as their stops, and
// group opacity composited over what lies behind.
Contrast TextContrast(const StyleResolver& styles, const Node& element,
                      const ComputedStyle& style) {
  Contrast c;
  c.large = IsLargeText(style);
  if (!style.color.known) return c;
  if (!style.Get("-webkit-text-fill-color").empty() || !style.Get("-webkit-text-stroke").empty()) {
    return c;
  }
  std::vector<const Node*> chain;
  for (const Node* n = &element; n != nullptr && n->is_element(); n = n->parent) {
    chain.push_back(n);
  }
  std::vector<Color> backdrop = {Color::White()};
  struct Group {
    double opacity;
    Color behind;
  };
  std::vector<Group> groups;
  bool behind_unknown = false;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const ComputedStyle& s = *it == &element ? style : styles.Of(**it);
    if (s.opacity < 1) {
      if (backdrop.size() != 1) return c;
      groups.push_back({s.opacity, backdrop.front()});
    }
    if (!s.background_color.known) return c;
    bool opaque = false;
    if (s.background_image) {
      auto stops = GradientStops(s.Get("background-image"));
      if (!stops) return c;
      backdrop = *stops;
      opaque = true;
    } else if (!s.background_color.transparent()) {
      for (Color& b : backdrop) b = Blend(s.background_color, b);
      opaque = s.background_color.a >= 1;
    }
    // Out of flow without a backing of its own, it may sit over anything on the page.
    bool positioned = s.position == "absolute" || s.position == "fixed";
    if (opaque) {
      behind_unknown = false;
    } else if (positioned && *it != chain.back()) {
      behind_unknown = true;
    }
  }
  if (behind_unknown) return c;
  // Text shadows paint behind the letters: they are possible backgrounds too.
  std::vector<Color> shadows;
  std::string_view shadow = style.Get("text-shadow");
  if (!shadow.empty() && !EqualsIgnoreCase(TrimAscii(shadow), "none")) {
    for (std::string_view part : css::SplitComponents(shadow)) {
      if (auto color = ParseColor(part)) {
        if (!color->known) return c;
        shadows.push_back(*color);
      }
    }
    if (shadows.empty()) shadows.push_back(style.color);
  }
  bool first = true;
  for (const Color& back : backdrop) {
    std::vector<Color> grounds = {back};
    for (const Color& sc : shadows) grounds.push_back(Blend(sc, back));
    Color text = Blend(style.color, back);
    for (Color ground : grounds) {
      Color fg = text;
      for (auto g = groups.rbegin(); g != groups.rend(); ++g) {
        fg = Mix(fg, g->opacity, g->behind);
        ground = Mix(ground, g->opacity, g->behind);
      }
      double ratio = ContrastRatio(fg, ground);
      c.low = first ? ratio : std::min(c.low, ratio);
      c.high = first ? ratio : std::max(c.high, ratio);
      first = false;
    }
  }
  c.known = true;
  return c;
}

std::string RatioDetail(double ratio, double required) {
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "Contrast %.2f:1, needs %.1f:1.", ratio, required);
  return buffer;
}

// Text that says something in words: it has letters or digits, and it is not a lone glyph
// standing in for an icon in a control named some other way (a "X" close button labelled
// "Close").
bool ExpressesLanguage(const Page& page, const Node& e) {
  std::string text;
  for (const Node* child : e.children) {
    if (child->is_text()) text += child->text;
  }
  std::string collapsed = CollapseWhitespace(text);
  bool words = false;
  for (char ch : collapsed) {
    words = words || IsAsciiAlpha(ch) || IsAsciiDigit(ch) || static_cast<unsigned char>(ch) >= 0xC0;
  }
  if (!words) return false;
  if (collapsed.size() <= 2) {
    for (const Node* n = &e; n != nullptr && n->is_element(); n = n->parent) {
      if (!n->HasAttr("aria-label") && !n->HasAttr("aria-labelledby")) continue;
      std::string name = ToLowerAscii(page.sem.Name(*n));
      if (!name.empty() && name.find(ToLowerAscii(collapsed)) == std::string::npos) return false;
    }
  }
  return true;
}

bool IsInteractive(const Page& page, const Node& e) {
  for (const Node* n = &e; n != nullptr && n->is_element(); n = n->parent) {
    if (page.sem.IsFocusable(*n)) return true;
  }
  return false;
}

// The element whose own text is checked, with what was measured in its worst state.
struct TextCase {
  const Node* element;
  bool large;      // Large-scale text in its normal state.
  Contrast worst;  // Lowest ratio among the states with a known contrast.
  bool any_unknown = false;
};

// Each element with visible text of its own, with the contrast of that text in its normal
// state and, for interactive elements, when focused or hovered; in the default window and
// in the other windows and preferences the page's @media rules style differently. Computed
// once per page for the five rules that read it.
std::vector<TextCase> MeasureTexts(const Page& page) {
  std::vector<TextCase> texts;
  const Node* body = page.doc.body();
  if (body == nullptr) return texts;
  std::vector<std::unique_ptr<StyleResolver>> alternatives;
  for (const MediaEnvironment& media : page.styles.AlternativeMedia()) {
    alternatives.push_back(std::make_unique<StyleResolver>(page.doc, media));
  }
  VisuallyHiddenCache visually_hidden(page.styles);
  std::vector<VisuallyHiddenCache> alternatives_visually_hidden;
  for (const auto& styles : alternatives) alternatives_visually_hidden.emplace_back(*styles);
  for (const Node* e : page.doc.elements()) {
    if (!body->Contains(*e) || e->ns != Namespace::kHtml) continue;
    if (e->IsAnyOf({"script", "style", "noscript", "template", "textarea", "select", "option",
                    "optgroup", "title"})) {
      continue;
    }
    if (!HasOwnText(*e) || !ExpressesLanguage(page, *e)) continue;
    if (InDisabledWidget(page, *e)) continue;
    TextCase text{e, IsLargeText(page.styles.Of(*e)), {}, false};
    bool seen = false;
    bool interactive = IsInteractive(page, *e);
    auto consider = [&](const StyleResolver& styles, const ComputedStyle& style) {
      Contrast c = TextContrast(styles, *e, style);
      if (!c.known) {
        text.any_unknown = true;
        return;
      }
      double need = c.large ? 3 : 4.5;
      if (!text.worst.known ||
          c.high / need < text.worst.high / (text.worst.large ? 3 : 4.5)) {
        text.worst = c;
      }
    };
    auto check_in = [&](const StyleResolver& styles) {
      consider(styles, styles.Of(*e));
      if (interactive) {
        consider(styles, *styles.OfInState(*e, kFocus));
        consider(styles, *styles.OfInState(*e, kHover));
        if (e->Is("a") || e->Closest([](const Node& n) { return n.Is("a"); }) != nullptr) {
          consider(styles, *styles.OfInState(*e, kVisited));
        }
      }
      seen = true;
    };
    if (!page.sem.IsInvisible(*e) && !visually_hidden.Of(*e)) check_in(page.styles);
    for (size_t i = 0; i < alternatives.size(); ++i) {
      const StyleResolver& styles = *alternatives[i];
      if (!styles.IsInvisible(*e) && !alternatives_visually_hidden[i].Of(*e)) check_in(styles);
    }
    // Text the colour of its background is not presented at all (a hiding trick, not
    // low contrast).
    if (!seen || (text.worst.known && text.worst.high < 1.01)) continue;
    if (text.worst.known) text.large = text.worst.large;
    texts.push_back(text);
  }
  return texts;
}

template <typename Visit>
void ForEachText(const Page& page, Visit visit) {
  for (const TextCase& text : page.memo.Get(MeasureTexts, page)) visit(text);
}

void CheckContrast(const Page& page, Reporter& report, bool enhanced, bool large_rule) {
  ForEachText(page, [&](const TextCase& text) {
    const Contrast& c = text.worst;
    if (text.large != large_rule) return;
    if (!c.known) {
      if (text.any_unknown) report.CantTell(*text.element);
      return;
    }
    double minimum = text.large ? 3 : 4.5;
    double required = enhanced ? (text.large ? 4.5 : 7) : minimum;
    if (c.high < required) {
      // The enhanced rule reports only what passes the minimum: the AA finding covers the rest.
      if (enhanced && c.high < minimum) {
        report.CantTell(*text.element);
        return;
      }
      report.Fail(*text.element, RatioDetail(c.high, required));
    } else if (c.low < required) {
      report.CantTell(*text.element);  // Depends on where the letters fall.
    } else if (text.any_unknown) {
      report.CantTell(*text.element);
    } else {
      report.Pass(*text.element);
    }
  });
}

void TextContrastAA(const Page& page, Reporter& report) { CheckContrast(page, report, false, false); }
void LargeTextContrastAA(const Page& page, Reporter& report) {
  CheckContrast(page, report, false, true);
}
void TextContrastAAA(const Page& page, Reporter& report) { CheckContrast(page, report, true, false); }
void LargeTextContrastAAA(const Page& page, Reporter& report) {
  CheckContrast(page, report, true, true);
}

// Text whose background cannot be known without rendering (images, gradients, positioned
// layers): nobody has checked its contrast, so a person must.
void ContrastNeedsBrowser(const Page& page, Reporter& report) {
  ForEachText(page, [&](const TextCase& text) {
    if (!text.worst.known && text.any_unknown) {
      const ComputedStyle& s = page.styles.Of(*text.element);
      if (!s.color.known) return;
      Color background = page.styles.EffectiveBackground(*text.element);
      if (!background.known) report.Fail(*text.element);
    }
  });
}

// ---- Links told apart by colour alone ----

bool Underlined(const Page& page, const Node& link, const Node& block) {
  for (const Node* n = &link; n != nullptr && n != &block; n = n->parent) {
    const ComputedStyle& s = page.styles.Of(*n);
    if (s.text_decoration_line.find("underline") != std::string::npos ||
        s.text_decoration_line.find("overline") != std::string::npos) {
      return true;
    }
  }
  return false;
}

bool HasBorderCue(const ComputedStyle& s) {
  for (std::string_view side : {"bottom", "top", "left", "right"}) {
    std::string prefix = "border-" + std::string(side);
    std::string_view style = s.Get(prefix + "-style");
    if (style.empty() || style == "none" || style == "hidden") continue;
    std::string_view width = s.Get(prefix + "-width");
    auto px = css::ParseLength(width, {s.font_size_px, 16, 0});
    if (width.empty() || width == "medium" || width == "thin" || width == "thick" ||
        (px && *px > 0)) {
      return true;
    }
  }
  return false;
}

// Something other than hue sets the link apart from the text around it.
bool HasNonColorCue(const Page& page, const Node& link, const Node& block,
                    const ComputedStyle& s) {
  const ComputedStyle& around = page.styles.Of(block);
  if (Underlined(page, link, block) || HasBorderCue(s)) return true;
  if (s.outline_style != "none" && s.outline_width_px > 0) return true;
  if (!s.box_shadow.empty() && s.box_shadow != "none") return true;
  if (std::abs(s.font_weight - around.font_weight) >= 300) return true;
  if (s.font_style != around.font_style) return true;
  if (!s.background_color.transparent() || s.background_image) return true;
  std::string_view transform = s.Get("text-transform");
  if (!transform.empty() && transform != "none" && transform != around.Get("text-transform")) {
    return true;
  }
  for (const Node* child : link.children) {
    if (child->Is("img") || child->Is("svg")) return true;  // An icon marks it.
  }
  return false;
}

// The nearest block around the link, and whether it has text of its own outside the link.
const Node* TextBlockAround(const Page& page, const Node& link) {
  const Node* block = link.parent;
  while (block != nullptr && block->is_element()) {
    std::string_view display = page.styles.Of(*block).display;
    if (display != "inline" && display != "contents") break;
    block = block->parent;
  }
  if (block == nullptr || !block->is_element()) return nullptr;
  // Text outside the link, within the block.
  std::string outside;
  std::vector<const Node*> stack(block->children.rbegin(), block->children.rend());
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (n == &link) continue;
    if (n->is_text()) {
      outside += n->text;
      continue;
    }
    if (!n->is_element()) continue;
    if (n->IsAnyOf({"a", "button"}) || page.sem.IsInvisible(*n)) continue;
    stack.insert(stack.end(), n->children.rbegin(), n->children.rend());
  }
  // A few characters (separators, punctuation) do not make a sentence.
  size_t letters = 0;
  for (char c : outside) letters += IsAsciiAlpha(c) || (static_cast<unsigned char>(c) >= 0x80);
  return letters >= 10 ? block : nullptr;
}

void ColorOnlyLink(const Page& page, Reporter& report) {
  for (const Node* link : page.doc.ElementsByTag("a")) {
    if (!link->HasAttr("href") || page.sem.IsHidden(*link)) continue;
    if (CollapseWhitespace(link->TextContent()).empty()) continue;
    const Node* block = TextBlockAround(page, *link);
    if (block == nullptr) continue;
    const ComputedStyle& s = page.styles.Of(*link);
    if (HasNonColorCue(page, *link, *block, s)) continue;
    // WCAG technique G183: 3:1 against the text around plus a cue on focus and hover is enough.
    const ComputedStyle& around = page.styles.Of(*block);
    bool distinct = s.color.known && around.color.known &&
                    ContrastRatio(s.color, around.color) >= 3;
    if (distinct) {
      const auto focused = page.styles.OfInState(*link, kFocus);
      const auto hovered = page.styles.OfInState(*link, kHover);
      const ComputedStyle& focus = *focused;
      const ComputedStyle& hover = *hovered;
      bool focus_cue = focus.text_decoration_line.find("underline") != std::string::npos ||
                       HasBorderCue(focus) || focus.outline_width_px > 0;
      bool hover_cue = hover.text_decoration_line.find("underline") != std::string::npos ||
                       HasBorderCue(hover);
      if (focus_cue && hover_cue) continue;
    }
    report.Fail(*link);
  }
}

// ---- User preferences ----

// Author colours are set on the page (in sheets or style="").
bool SetsColors(const Page& page) {
  for (const auto& rule : page.styles.sheet_rules()) {
    for (const auto& [name, value] : rule.declarations) {
      if (name == "color" || name == "background-color" || name == "background") return true;
    }
  }
  for (const Node* e : page.doc.elements()) {
    if (!e->HasAttr("style")) continue;
    for (const css::Declaration& d : css::ParseDeclarations(e->AttrOr("style"))) {
      if (d.name == "color" || d.name == "background-color") return true;
    }
  }
  return false;
}

bool MediaMentions(const Page& page, std::string_view feature) {
  for (const auto& rule : page.styles.sheet_rules()) {
    if (ToLowerAscii(rule.media).find(feature) != std::string::npos) return true;
    if (rule.at_rule == "media" && ToLowerAscii(rule.selector).find(feature) != std::string::npos) {
      return true;
    }
  }
  return false;
}

const Node* PageElement(const Page& page) {
  return page.doc.html() != nullptr ? page.doc.html() : page.doc.body();
}

void NoColorSchemeSupport(const Page& page, Reporter& report) {
  const Node* root = PageElement(page);
  if (root == nullptr || !SetsColors(page)) return;
  if (MediaMentions(page, "prefers-color-scheme")) return;
  for (const Node* meta : page.doc.ElementsByTag("meta")) {
    if (EqualsIgnoreCase(meta->AttrOr("name"), "color-scheme")) return;
  }
  for (const auto& rule : page.styles.sheet_rules()) {
    for (const auto& [name, value] : rule.declarations) {
      if (name == "color-scheme") return;
    }
  }
  for (const Node* e : page.doc.elements()) {
    if (e->AttrOr("style").find("color-scheme") != std::string_view::npos) return;
  }
  report.Fail(*root);
}

void NoContrastSupport(const Page& page, Reporter& report) {
  const Node* root = PageElement(page);
  if (root == nullptr || !SetsColors(page)) return;
  if (MediaMentions(page, "prefers-contrast") || MediaMentions(page, "forced-colors") ||
      MediaMentions(page, "-ms-high-contrast")) {
    return;
  }
  report.Fail(*root);
}

}  // namespace

void AddColorRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrTextContrastAA",
      .type = IssueType::kError,
      .category = "colors",
      .wcag = {"1.4.3"},
      .level = WcagLevel::kAA,
      .impact = Impact::kHigh,
      .act = {"afw4f7"},
      .what = "This text has less than 4.5:1 contrast with its background.",
      .why = "People with low vision or colour deficiencies, and anyone reading on a screen in "
             "bright light, cannot make out faint text.",
      .fix = "Darken the text or lighten the background (or the reverse) until the contrast "
             "reaches at least 4.5:1.",
      .check = TextContrastAA,
  });
  rules.push_back({
      .code = "ErrLargeTextContrastAA",
      .type = IssueType::kError,
      .category = "colors",
      .wcag = {"1.4.3"},
      .level = WcagLevel::kAA,
      .impact = Impact::kMedium,
      .act = {"afw4f7"},
      .what = "This large text has less than 3:1 contrast with its background.",
      .why = "Even at a large size, text this faint is hard or impossible to read for people "
             "with low vision.",
      .fix = "Raise the contrast of this text (24px and up, or 18.66px bold) to at least 3:1.",
      .check = LargeTextContrastAA,
  });
  rules.push_back({
      .code = "ErrTextContrastAAA",
      .type = IssueType::kError,
      .category = "colors",
      .wcag = {"1.4.6"},
      .level = WcagLevel::kAAA,
      .impact = Impact::kMedium,
      .act = {"09o5cg"},
      .what = "This text meets the minimum contrast but not the enhanced 7:1.",
      .why = "Readers with moderately low vision need more contrast than the minimum to read "
             "comfortably without assistive technology.",
      .fix = "Raise the contrast between this text and its background to at least 7:1.",
      .check = TextContrastAAA,
  });
  rules.push_back({
      .code = "ErrLargeTextContrastAAA",
      .type = IssueType::kError,
      .category = "colors",
      .wcag = {"1.4.6"},
      .level = WcagLevel::kAAA,
      .impact = Impact::kMedium,
      .act = {"09o5cg"},
      .what = "This large text meets the minimum contrast but not the enhanced 4.5:1.",
      .why = "Readers with moderately low vision need more contrast than the minimum, even for "
             "large text.",
      .fix = "Raise the contrast between this large text and its background to at least 4.5:1.",
      .check = LargeTextContrastAAA,
  });
  rules.push_back({
      .code = "WarnContrastNeedsBrowser",
      .type = IssueType::kWarning,
      .category = "colors",
      .wcag = {"1.4.3"},
      .level = WcagLevel::kAA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This text sits on a background image, gradient or overlapping layer, so its "
              "contrast could not be measured.",
      .why = "Text over images often has too little contrast in places, which people with low "
             "vision cannot read.",
      .fix = "Check the contrast in a browser at the weakest point of the background; add a "
             "solid backing colour behind the text if it is below 4.5:1.",
      .check = ContrastNeedsBrowser,
  });
  rules.push_back({
      .code = "WarnColorOnlyLink",
      .type = IssueType::kWarning,
      .category = "colors",
      .wcag = {"1.4.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This link in running text is told apart from the text around it by colour alone.",
      .why = "People who cannot tell the colours apart, including many with colour blindness, "
             "cannot find the link in the sentence.",
      .fix = "Underline links in text (or give them another visible cue such as a border or "
             "weight), or give them 3:1 contrast with the text and a cue on hover and focus.",
      .check = ColorOnlyLink,
  });
  rules.push_back({
      .code = "WarnNoColorSchemeSupport",
      .type = IssueType::kWarning,
      .category = "colors",
      .wcag = {},
      .level = WcagLevel::kNone,
      .impact = Impact::kMedium,
      .act = {},
      .what = "The page sets its own colours but does not respond to the user's light or dark "
              "colour-scheme preference.",
      .why = "People with light sensitivity or migraine who ask their system for a dark scheme "
             "still get the page's bright colours.",
      .fix = "Add a prefers-color-scheme media query with a dark palette (and declare "
             "color-scheme), keeping every colour pair at the required contrast.",
      .check = NoColorSchemeSupport,
  });
  rules.push_back({
      .code = "WarnNoContrastSupport",
      .type = IssueType::kWarning,
      .category = "colors",
      .wcag = {},
      .level = WcagLevel::kNone,
      .impact = Impact::kMedium,
      .act = {},
      .what = "The page sets its own colours but has no styles for high-contrast or forced-colour "
              "modes.",
      .why = "People who turn on a high-contrast mode rely on the page adapting; borders and "
             "states drawn only with background colours can vanish.",
      .fix = "Add prefers-contrast: more and forced-colors: active media queries that "
             "strengthen borders, focus indicators and text colours.",
      .check = NoContrastSupport,
  });
}

}  // namespace a11y::checks
