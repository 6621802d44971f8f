// The focus indicator of form fields (WCAG 1.4.1, 1.4.11, 2.4.7, 2.4.13): the field's style
// when focused by keyboard, compared with its style at rest. Only what the page's own CSS
// changes is judged; a field left with the browser's default focus ring is not reported.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/rule.h"
#include "checks/rules/form_util.h"

namespace a11y::checks {
namespace {


bool IsDisabledField(const Node& el) {
  if (el.HasAttr("disabled")) return true;
  return el.Closest([](const Node& n) { return n.Is("fieldset") && n.HasAttr("disabled"); }) !=
         nullptr;
}

bool IsTextLikeField(const Node& el) {
  if (el.Is("select") || el.Is("textarea")) return true;
  if (!el.Is("input")) return false;
  std::string type = Lower(TrimAscii(el.AttrOr("type")));
  return type != "hidden" && type != "submit" && type != "reset" && type != "button" &&
         type != "image";
}

// A CSS length in px: "2px", "0", "1.5px"; the border keywords thin/medium/thick.
std::optional<double> ParsePx(std::string_view value) {
  value = TrimAscii(value);
  if (value == "thin") return 1.0;
  if (value == "medium") return 3.0;
  if (value == "thick") return 5.0;
  std::string text(value);
  char* end = nullptr;
  double number = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return std::nullopt;
  std::string_view unit(end);
  if (unit == "px" || (unit.empty() && number == 0)) return number;
  return std::nullopt;
}

constexpr std::string_view kSides[] = {"top", "right", "bottom", "left"};

std::optional<double> BorderWidth(const ComputedStyle& style, std::string_view side) {
  std::string prefix = "border-" + std::string(side);
  std::string_view border_style = style.Get(prefix + "-style");
  if (border_style.empty()) border_style = style.Get("border-style");
  if (border_style.empty() || border_style == "none" || border_style == "hidden") return 0.0;
  std::string_view width = style.Get(prefix + "-width");
  if (width.empty()) width = style.Get("border-width");
  if (width.empty()) return 3.0;  // CSS initial value: medium.
  return ParsePx(width);
}

std::string_view BorderColor(const ComputedStyle& style, std::string_view side) {
  std::string_view color = style.Get("border-" + std::string(side) + "-color");
  return color.empty() ? style.Get("border-color") : color;
}

bool NoShadow(std::string_view shadow) {
  shadow = TrimAscii(shadow);
  return shadow.empty() || Lower(shadow) == "none";
}

// One box-shadow layer: its lengths and colour.
struct Shadow {
  std::vector<double> lengths;  // offset-x, offset-y, blur, spread.
  std::optional<Color> color;
  bool inset = false;
};

// Splits on `separator` outside parentheses.
std::vector<std::string_view> SplitTopLevel(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || (text[i] == separator && depth == 0)) {
      std::string_view part = TrimAscii(text.substr(start, i - start));
      if (!part.empty()) parts.push_back(part);
      start = i + 1;
    } else if (text[i] == '(') {
      ++depth;
    } else if (text[i] == ')') {
      --depth;
    }
  }
  return parts;
}

std::vector<Shadow> ParseShadows(std::string_view value) {
  std::vector<Shadow> shadows;
  if (NoShadow(value)) return shadows;
  for (std::string_view layer : SplitTopLevel(value, ',')) {
    Shadow shadow;
    for (std::string_view token : SplitTopLevel(layer, ' ')) {
      if (Lower(token) == "inset") {
        shadow.inset = true;
      } else if (std::optional<double> px = ParsePx(token)) {
        shadow.lengths.push_back(*px);
      } else if (std::optional<Color> color = ParseColor(token)) {
        shadow.color = color;
      }
    }
    shadows.push_back(shadow);
  }
  return shadows;
}

// A shadow layer that rings the whole box: a spread, or a blur with no offset.
bool Surrounds(const Shadow& s) {
  double x = s.lengths.size() > 0 ? s.lengths[0] : 0;
  double y = s.lengths.size() > 1 ? s.lengths[1] : 0;
  double blur = s.lengths.size() > 2 ? s.lengths[2] : 0;
  double spread = s.lengths.size() > 3 ? s.lengths[3] : 0;
  return spread > 0 || (blur > 0 && x == 0 && y == 0);
}

// What focusing the field changes, as the page's CSS says.
struct FocusChange {
  bool browser_default = false;  // The page leaves the outline alone: the browser's ring.
  bool outline = false;          // An outline is drawn when focused.
  double outline_width = 0;
  double outline_offset = 0;
  Color outline_color;
  bool shadow = false;  // A box-shadow appears or changes.
  std::vector<Shadow> shadows;
  double border_growth = 0;   // Largest increase of a border width, px.
  bool border_color = false;  // Border colour changes.
  Color focused_border_color = Color::Black();
  bool border_color_known = false;
  bool colors = false;  // Background or text colour changes.
};

FocusChange AnalyzeFocus(const Page& page, const Node& field) {
  const ComputedStyle& rest = page.styles.Of(field);
  const auto focused = page.styles.OfInState(field, kFocus | kFocusVisible);
  const ComputedStyle& focus = *focused;
  FocusChange change;
  bool outline_declared = focus.Declared("outline") || focus.Declared("outline-style") ||
                          focus.Declared("outline-width");
  std::string style = Lower(focus.outline_style);
  change.browser_default = !outline_declared || style == "auto";
  change.outline = style != "none" && style != "hidden" && focus.outline_width_px > 0;
  change.outline_width = focus.outline_width_px;
  change.outline_offset = focus.outline_offset_px;
  change.outline_color = focus.outline_color;
  change.shadow = !NoShadow(focus.box_shadow) && focus.box_shadow != rest.box_shadow;
  if (change.shadow) change.shadows = ParseShadows(focus.box_shadow);
  for (std::string_view side : kSides) {
    std::optional<double> before = BorderWidth(rest, side);
    std::optional<double> after = BorderWidth(focus, side);
    if (before && after) change.border_growth = std::max(change.border_growth, *after - *before);
    if (BorderColor(rest, side) != BorderColor(focus, side)) change.border_color = true;
  }
  if (std::optional<Color> c = ParseColor(BorderColor(focus, "top"))) {
    change.focused_border_color = *c;
    change.border_color_known = true;
  }
  auto same = [](const Color& a, const Color& b) {
    return a.known == b.known && a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
  };
  change.colors =
      !same(rest.background_color, focus.background_color) || !same(rest.color, focus.color);
  return change;
}

// The fields whose focus indicator the page styles: visible, enabled form fields.
template <typename Fn>
void ForEachStyledField(const Page& page, Fn fn) {
  for (const Node* el : page.doc.elements()) {
    if (!IsTextLikeField(*el) || IsDisabledField(*el)) continue;
    if (page.sem.IsHidden(*el) || page.styles.IsInvisible(*el)) continue;
    FocusChange change = AnalyzeFocus(page, *el);
    if (change.browser_default) continue;
    fn(*el, change);
  }
}

bool HasVisibleIndicator(const FocusChange& c) {
  return c.outline || c.shadow || c.border_growth > 0;
}

void NoVisibleFocus(const Page& page, Reporter& report) {
  ForEachStyledField(page, [&](const Node& el, const FocusChange& c) {
    if (!HasVisibleIndicator(c) && !c.border_color && !c.colors) report.Fail(el);
  });
}

void FocusColorChangeOnly(const Page& page, Reporter& report) {
  ForEachStyledField(page, [&](const Node& el, const FocusChange& c) {
    if (!HasVisibleIndicator(c) && (c.border_color || c.colors)) report.Fail(el);
  });
}

// The border thickens on focus, but by less than one pixel, and nothing else marks focus.
void BorderChangeInsufficient(const Page& page, Reporter& report) {
  ForEachStyledField(page, [&](const Node& el, const FocusChange& c) {
    if (c.outline || c.shadow) return;
    if (c.border_growth > 0 && c.border_growth < 1) {
      char detail[64];
      std::snprintf(detail, sizeof detail, "The border grows by %.1fpx.", c.border_growth);
      report.Fail(el, detail);
    }
  });
}

void OutlineWidthInsufficient(const Page& page, Reporter& report) {
  ForEachStyledField(page, [&](const Node& el, const FocusChange& c) {
    if (c.outline && c.outline_width < 2) {
      char detail[64];
      std::snprintf(detail, sizeof detail, "The outline is %.1fpx wide.", c.outline_width);
      report.Fail(el, detail);
    }
  });
}

// A shadow offset to one side (an underline) is the only indicator.
void SingleSideBoxShadow(const Page& page, Reporter& report) {
  ForEachStyledField(page, [&](const Node& el, const FocusChange& c) {
    if (c.outline || !c.shadow || c.border_growth > 0 || c.shadows.empty()) return;
    for (const Shadow& s : c.shadows) {
      if (Surrounds(s)) return;
    }
    report.Fail(el);
  });
}

// The indicator whose contrast counts, and what it sits on. An outline outside the box and
// an outer shadow sit on the parent's background; an outline at or inside the edge and a
// changed border sit against the field itself.
struct Indicator {
  Color color;
  bool on_parent = true;
};

std::optional<Indicator> MainIndicator(const FocusChange& c) {
  if (c.outline) return Indicator{c.outline_color, c.outline_offset > 0};
  if (c.shadow) {
    for (const Shadow& s : c.shadows) {
      if (s.color) return Indicator{*s.color, !s.inset};
    }
    return std::nullopt;
  }
  if ((c.border_growth > 0 || c.border_color) && c.border_color_known) {
    return Indicator{c.focused_border_color, true};
  }
  return std::nullopt;
}

// Absolutely or fixed positioned: the field floats over whatever is laid out beneath it, so
// what surrounds its outline is not its parent's background.
bool IsFloating(const Page& page, const Node& el) {
  std::string_view position = page.styles.Of(el).position;
  return position == "absolute" || position == "fixed";
}

Color BackgroundBehind(const Page& page, const Node& field, bool on_parent) {
  if (on_parent && IsFloating(page, field)) {
    Color unknown = Color::White();
    unknown.known = false;
    return unknown;
  }
  if (on_parent && field.parent != nullptr && field.parent->is_element()) {
    return page.styles.EffectiveBackground(*field.parent);
  }
  return page.styles.EffectiveBackground(field);
}

void FocusContrast(const Page& page, Reporter& report) {
  ForEachStyledField(page, [&](const Node& el, const FocusChange& c) {
    std::optional<Indicator> indicator = MainIndicator(c);
    if (!indicator || !indicator->color.known) return;
    Color background = BackgroundBehind(page, el, indicator->on_parent);
    if (!background.known) return;  // Reported by the background warnings.
    Color painted = Blend(indicator->color, background);
    double ratio = ContrastRatio(painted, background);
    if (ratio < 3) {
      char detail[96];
      std::snprintf(detail, sizeof detail, "The indicator's contrast is %.2f:1 (3:1 needed).",
                    ratio);
      report.Fail(el, detail);
    }
  });
}

void TransparentFocus(const Page& page, Reporter& report) {
  ForEachStyledField(page, [&](const Node& el, const FocusChange& c) {
    std::optional<Indicator> indicator = MainIndicator(c);
    if (indicator && indicator->color.known && indicator->color.a < 0.5) report.Fail(el);
  });
}

// The nearest element at or above `from` whose background is an image or gradient, the
// reason its effective background cannot be known.
const Node* ImageBackgroundOwner(const Page& page, const Node& from) {
  for (const Node* n = &from; n != nullptr && n->is_element(); n = n->parent) {
    if (page.styles.Of(*n).background_image) return n;
  }
  return nullptr;
}

bool IsGradient(const Page& page, const Node& owner) {
  const ComputedStyle& style = page.styles.Of(owner);
  std::string image = Lower(style.Get("background-image"));
  if (image.empty()) image = Lower(style.Get("background"));
  return image.find("gradient") != std::string::npos;
}

// The indicator sits on an image or gradient, so its contrast cannot be measured here.
void UnmeasurableBackground(const Page& page, Reporter& report, bool on_parent, bool gradient) {
  ForEachStyledField(page, [&](const Node& el, const FocusChange& c) {
    std::optional<Indicator> indicator = MainIndicator(c);
    if (!indicator || indicator->on_parent != on_parent) return;
    const Node* start = on_parent ? el.parent : &el;
    if (start == nullptr || !start->is_element()) return;
    if (page.styles.EffectiveBackground(*start).known) return;  // An opaque layer covers it.
    const Node* owner = ImageBackgroundOwner(page, *start);
    if (owner == nullptr || (!on_parent && owner != &el)) return;
    if (IsGradient(page, *owner) == gradient) report.Fail(el);
  });
}
// The outline sits outside a field positioned over other content (or inside a see-through
// container that is), so the colours around it are not known without rendering.
void Floating(const Page& page, Reporter& report, bool field_itself) {
  ForEachStyledField(page, [&](const Node& el, const FocusChange& c) {
    std::optional<Indicator> indicator = MainIndicator(c);
    if (!indicator || !indicator->on_parent) return;
    if (IsFloating(page, el)) {
      if (field_itself) report.Fail(el);
      return;
    }
    if (field_itself || el.parent == nullptr || !el.parent->is_element()) return;
    if (page.styles.EffectiveBackground(*el.parent).known) return;
    if (ImageBackgroundOwner(page, *el.parent) != nullptr) return;  // Image warnings.
    report.Fail(el);
  });
}
void FloatingField(const Page& page, Reporter& report) { Floating(page, report, true); }
void FloatingParent(const Page& page, Reporter& report) { Floating(page, report, false); }

void ParentGradient(const Page& page, Reporter& report) {
  UnmeasurableBackground(page, report, true, true);
}
void ParentImage(const Page& page, Reporter& report) {
  UnmeasurableBackground(page, report, true, false);
}
void OwnGradient(const Page& page, Reporter& report) {
  UnmeasurableBackground(page, report, false, true);
}

Rule FocusRule(std::string_view code, IssueType type, std::vector<std::string_view> wcag,
               WcagLevel level, Impact impact, std::string_view what, std::string_view why,
               std::string_view fix, CheckFunction check) {
  return {.code = code,
          .type = type,
          .category = "forms",
          .wcag = std::move(wcag),
          .level = level,
          .impact = impact,
          .act = {},
          .what = what,
          .why = why,
          .fix = fix,
          .check = check};
}

}  // namespace

void AddFormFocusRules(std::vector<Rule>& rules) {
  rules.push_back(FocusRule(
      "ErrInputNoVisibleFocus", IssueType::kError, {"2.4.7"}, WcagLevel::kAA, Impact::kHigh,
      "This field's focus outline is removed and nothing replaces it.",
      "Keyboard users cannot see which field they are in, so they type into the wrong place "
      "or get lost in the form.",
      "Keep an outline on :focus (outline: 2px solid with good contrast), or add a box-shadow "
      "ring or a clearly thicker border.",
      NoVisibleFocus));
  rules.push_back(FocusRule(
      "ErrInputFocusColorChangeOnly", IssueType::kError, {"1.4.1", "2.4.7"}, WcagLevel::kA,
      Impact::kHigh, "This field shows focus only by a change of colour.",
      "Users who cannot tell the two colours apart (colour blindness, low vision, bright "
      "screens) cannot see which field has focus.",
      "Add a structural indicator on :focus: an outline, a box-shadow ring or a thicker border.",
      FocusColorChangeOnly));
  rules.push_back(FocusRule(
      "ErrInputBorderChangeInsufficient", IssueType::kError, {"2.4.7"}, WcagLevel::kAA,
      Impact::kHigh, "This field shows focus only by a border less than 1px thicker.",
      "A fraction of a pixel is not noticeable, so keyboard users cannot see where focus is.",
      "Thicken the border by at least 1px (better 2px) on focus, or add an outline.",
      BorderChangeInsufficient));
  rules.push_back(FocusRule(
      "ErrInputOutlineWidthInsufficient", IssueType::kError, {"2.4.13"}, WcagLevel::kAAA,
      Impact::kHigh, "This field's focus outline is thinner than 2px.",
      "A thin outline is easy to miss, especially for users with low vision or at a distance.",
      "Use an outline of at least 2px on :focus.", OutlineWidthInsufficient));
  rules.push_back(FocusRule(
      "ErrInputSingleSideBoxShadow", IssueType::kError, {"2.4.7"}, WcagLevel::kAA, Impact::kHigh,
      "This field's only focus indicator is a shadow on one side.",
      "An offset shadow looks like a small underline or depth effect, not like focus, and is "
      "easily missed.",
      "Use a shadow that rings the field (box-shadow: 0 0 0 3px ...) or an outline.",
      SingleSideBoxShadow));
  rules.push_back(FocusRule(
      "ErrInputFocusContrastFail", IssueType::kError, {"1.4.11", "2.4.7"}, WcagLevel::kAA,
      Impact::kHigh,
      "This field's focus indicator has less than 3:1 contrast with what it "
      "sits on.",
      "A pale indicator cannot be seen by users with low vision, so they lose track of focus.",
      "Choose an indicator colour with at least 3:1 contrast against the background around "
      "the field.",
      FocusContrast));
  rules.push_back(FocusRule(
      "WarnInputTransparentFocus", IssueType::kWarning, {"2.4.7"}, WcagLevel::kAA, Impact::kHigh,
      "This field's focus indicator is mostly transparent.",
      "A translucent ring takes the colour of what is behind it and is often too faint to "
      "see.",
      "Use an opaque (or at least 50% opaque) colour for the focus indicator.", TransparentFocus));
  rules.push_back(FocusRule(
      "WarnInputFocusParentGradientBackground", IssueType::kWarning, {"1.4.11", "2.4.7"},
      WcagLevel::kAA, Impact::kMedium,
      "This field's focus outline sits on a gradient, so its contrast cannot be measured.",
      "Where the gradient is close to the outline colour, the indicator disappears.",
      "Check the contrast by eye, or put the field on a solid background or draw the outline "
      "at the field's edge.",
      ParentGradient));
  rules.push_back(FocusRule(
      "WarnInputFocusParentImageBackground", IssueType::kWarning, {"1.4.11", "2.4.7"},
      WcagLevel::kAA, Impact::kMedium,
      "This field's focus outline sits on a background image, so its contrast cannot be "
      "measured.",
      "Where the image is close to the outline colour, the indicator disappears.",
      "Check the contrast by eye, or put the field on a solid background or draw the outline "
      "at the field's edge.",
      ParentImage));
  rules.push_back(FocusRule(
      "WarnInputFocusZIndexFloating", IssueType::kWarning, {"1.4.11", "2.4.7"}, WcagLevel::kAA,
      Impact::kMedium,
      "This field is positioned over other content, so the contrast of its focus outline "
      "cannot be measured.",
      "The outline is drawn over whatever lies beneath the field, which may match its colour "
      "and hide it.",
      "Check the focus outline by eye where the field is shown, or draw it at the field's edge "
      "(outline-offset: 0 or negative).",
      FloatingField));
  rules.push_back(FocusRule(
      "WarnInputFocusParentZIndexFloating", IssueType::kWarning, {"1.4.11", "2.4.7"},
      WcagLevel::kAA, Impact::kMedium,
      "This field's container floats over other content with a see-through background, so "
      "the contrast of the focus outline cannot be measured.",
      "Content showing through the container may match the outline colour and hide it.",
      "Give the floating container a solid background, or check the outline by eye.",
      FloatingParent));
  rules.push_back(FocusRule(
      "WarnInputFocusGradientBackground", IssueType::kWarning, {"2.4.7"}, WcagLevel::kAA,
      Impact::kHigh,
      "This field has a gradient background, so the contrast of its focus indicator cannot "
      "be measured.",
      "Parts of the gradient may match the indicator colour and hide it.",
      "Check the focus indicator by eye against every part of the gradient.", OwnGradient));
}

}  // namespace a11y::checks
