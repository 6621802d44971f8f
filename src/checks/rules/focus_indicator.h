// Focus-indicator analysis shared by the button, link, tabindex and generic focus rules:
// how an element looks when it has keyboard focus compared with how it looks at rest, from
// the cascade alone (:focus / :focus-visible rules against the element's normal style).
// What needs a rendering engine (gradients, images, stacking) comes out as "unknown", so
// those rules can only warn.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "checks/rule.h"

namespace a11y::checks::focus {

// One layer of a box-shadow, in CSS pixels.
struct ShadowLayer {
  double x = 0, y = 0, blur = 0, spread = 0;
  bool inset = false;
  Color color = Color::Black();
  // The shadow shows on all four sides of the box: an even ring (no offset) or a spread
  // wider than the offset.
  bool AllSides() const;
  bool Visible() const {
    return !color.transparent() && (blur > 0 || spread != 0 || x != 0 || y != 0);
  }
};
// Parses a box-shadow value; empty for "none" or "". `current` is currentColor.
std::vector<ShadowLayer> ParseBoxShadow(std::string_view value, const Color& current,
                                        double font_size);

// Where a background cannot be known without a browser.
enum class Backdrop { kKnown, kGradient, kImage };

// What focus does to one element.
struct FocusLook {
  // The page restyled the element's background or border (where a default ring may blend).
  bool custom_background_or_border = false;
  // Focused by keyboard (:focus and :focus-visible both match); shared with the resolver.
  std::shared_ptr<const ComputedStyle> focus;
  Backdrop focus_backdrop = Backdrop::kKnown;  // Gradient or image on the focused element.
  bool underline_declared = false;             // The page sets text-decoration on the element.
  bool other_property_change = false;          // A property other than outline/cursor differs.

  // The browser's own focus ring is what shows: outline-style auto that no author rule set.
  bool default_ring = false;
  // An outline is drawn on focus (not none/hidden, width > 0), whoever set it.
  bool outline = false;
  bool author_outline = false;  // The outline (or its removal) comes from the page's CSS.
  double outline_width = 0;
  double outline_offset = 0;
  Color outline_color = Color::Black();
  bool outline_offset_declared = false;

  std::vector<ShadowLayer> shadow;  // Focus box-shadow layers that differ from the rest style.
  bool shadow_all_sides = false;    // Some visible layer rings the whole box.

  bool border_width_change = false;  // A border appears or grows by a visible amount.
  bool border_color_change = false;
  bool background_change = false;
  bool color_change = false;
  bool underline_change = false;  // text-decoration-line differs.
  bool weight_change = false;
  bool other_change = false;          // opacity, transform... (not an indicator on its own).
  bool descendant_indicator = false;  // ".card:focus img { border: ... }" and the like.
  bool author_focus_rule = false;     // Any difference between focus and rest styles.

  // Anything that draws a line or shape around or under the element on focus.
  bool Structural() const {
    return (outline && !outline_color.transparent()) || !shadow.empty() || border_width_change ||
           underline_change || descendant_indicator || default_ring;
  }
  bool ColourChange() const { return background_change || color_change || border_color_change; }
};

FocusLook Analyze(const Page& page, const Node& element);
// Analyze, remembered for the page: every focus rule asks about the same elements. Get the
// page's set once per rule (kept in the page's memo), then ask it per element.
class PageLooks {
 public:
  static PageLooks& For(const Page& page);
  const FocusLook& Get(const Page& page, const Node& element);

 private:
  std::unordered_map<size_t, FocusLook> looks_;  // By document order.
};

// The colour behind the outline: the parent's background when the outline is drawn outside
// the element, the element's own when it is inset. Unknown when a gradient or image is there.
Color OutlineBackground(const Page& page, const Node& element, const FocusLook& look);
// The contrast of the (composited) outline colour against what is around it; when the outline
// touches the element (offset 0) the better of the element's and the parent's background.
// Returns 0 when the background is unknown.
double OutlineContrast(const Page& page, const Node& element, const FocusLook& look);

Backdrop OwnBackdrop(const ComputedStyle& style);
// The first ancestor background (from the parent up) that is a gradient or image, before an
// opaque colour hides what is further up.
Backdrop ParentBackdrop(const Page& page, const Node& element);

}  // namespace a11y::checks::focus
