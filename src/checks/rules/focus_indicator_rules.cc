// Focus-indicator rules: one analysis (focus_indicator.h), one predicate per problem, and
// rule entries that pair a problem with the kind of element it is reported on (buttons,
// links, elements made focusable with tabindex, any focusable element).
#include "checks/rules/focus_indicator_rules.h"

#include <algorithm>

#include "checks/rules/focus_indicator.h"
#include "checks/rules/focus_util.h"

namespace a11y::checks::focus {
namespace {

enum class Kind { kButton, kLink, kImageLink, kTabindex, kOther, kAny };

enum class Problem {
  kNoVisibleFocus,      // Nothing at all changes, or the outline cannot be seen (< 1.2:1).
  kOutlineRemoved,      // The page removed the outline and nothing structural replaces it.
  kColourOnly,          // Outline removed; only colours change.
  kBackgroundOnly,      // Outline removed; the background colour is what changes.
  kThinOutline,         // The outline is the indicator and is under 2px.
  kTransparentOutline,  // The outline is the indicator and is mostly transparent.
  kLowContrast,         // The outline is the indicator and has under 3:1 against its backdrop.
  kSingleSideShadow,    // Outline removed; a box-shadow that shows on one or two sides only.
  kShadowOnly,          // Outline removed, replaced by box-shadow (gone in forced colours).
  kDefaultRing,         // A custom-styled control left with the browser's default ring.
  kOwnGradient,         // The outline sits on the element's own gradient: contrast unknown.
  kOwnImage,
  kParentGradient,  // The outline sits on an ancestor's gradient: contrast unknown.
  kParentImage,
  kOffsetTooSmall,       // Outline hugging a control whose own colour it blends with.
  kClipPath,             // clip-path clips the outline away.
  kNoOffsetDefined,      // A custom outline with no outline-offset.
  kZeroOffset,           // outline-offset: 0 declared.
  kUnderlineWithOffset,  // Underlined link with an outline far from the text.
};

bool IsButton(const Page& page, const Node& e) { return page.sem.Role(e) == "button"; }
bool IsLink(const Page& page, const Node& e) { return page.sem.Role(e) == "link"; }

// A link whose content is images only: underline and text colour cannot show on it.
bool IsImageLink(const Page& page, const Node& e) {
  if (!IsLink(page, e)) return false;
  bool image = false;
  std::vector<const Node*> stack{&e};
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (n->is_text() && !TrimAscii(n->text).empty()) return false;
    if (n->is_element() && (n->Is("img") || n->tag == "svg" || n->Is("picture"))) {
      image = true;
      continue;
    }
    stack.insert(stack.end(), n->children.begin(), n->children.end());
  }
  return image;
}

bool OfKind(const Page& page, const Node& e, Kind kind) {
  switch (kind) {
    case Kind::kButton: return IsButton(page, e);
    case Kind::kLink: return IsLink(page, e);
    case Kind::kImageLink: return IsImageLink(page, e);
    case Kind::kTabindex: return page.sem.TabIndex(e).has_value() && !IsNativelyFocusable(e);
    case Kind::kOther: return !IsButton(page, e) && !IsLink(page, e) && IsNativelyFocusable(e);
    case Kind::kAny: return true;
  }
  return false;
}

// Something other than the outline draws a line or shape on focus.
bool OtherStructural(const FocusLook& look) {
  return !look.shadow.empty() || look.border_width_change || look.underline_change ||
         look.descendant_indicator;
}

// The outline the page set is the focus indicator we judge (not the browser's ring).
bool AuthorOutlineIsIndicator(const FocusLook& look) {
  return look.outline && !look.default_ring && look.focus->outline_style != "auto" &&
         !OtherStructural(look);
}

bool Opaque(const FocusLook& look) { return look.outline_color.a >= 0.5; }

// A box-shadow ring is the only thing that marks focus.
bool ShadowIsIndicator(const FocusLook& look) {
  bool outline = look.outline && !look.outline_color.transparent();
  return !outline && look.shadow_all_sides && !look.border_width_change && !look.underline_change &&
         !look.descendant_indicator;
}

// The best contrast any ring layer of the shadow has against the parent's background; 0 when
// the background is unknown.
double ShadowContrast(const Page& page, const Node& e, const FocusLook& look) {
  const Node* parent = e.parent;
  if (parent == nullptr || !parent->is_element()) return 0;
  Color back = page.styles.EffectiveBackground(*parent);
  if (!back.known) return 0;
  double best = 0;
  for (const ShadowLayer& layer : look.shadow) {
    if (!layer.AllSides() || layer.inset || !layer.color.known) continue;
    best = std::max(best, ContrastRatio(Blend(layer.color, back), back));
  }
  return best;
}

bool ShadowMostlyTransparent(const FocusLook& look) {
  for (const ShadowLayer& layer : look.shadow) {
    if (layer.AllSides() && layer.color.a >= 0.5) return false;
  }
  return true;
}

bool OutlineRemoved(const FocusLook& look) {
  return !look.outline && !look.default_ring && look.author_outline;
}

bool NothingVisible(const Page& page, const Node& e, const FocusLook& look) {
  if (!look.Structural() && !look.ColourChange() && !look.weight_change &&
      !(look.outline && look.outline_color.transparent())) {
    return true;
  }
  if (AuthorOutlineIsIndicator(look) && Opaque(look) && !look.ColourChange()) {
    double ratio = OutlineContrast(page, e, look);
    return ratio > 0 && ratio < 1.2;
  }
  return false;
}

bool Has(const Page& page, const Node& e, const FocusLook& look, Problem problem) {
  switch (problem) {
    case Problem::kNoVisibleFocus: return NothingVisible(page, e, look);
    case Problem::kOutlineRemoved: return OutlineRemoved(look) && !OtherStructural(look);
    case Problem::kColourOnly:
      return !look.Structural() && look.ColourChange() &&
             !(look.outline && look.outline_color.a > 0);
    case Problem::kBackgroundOnly:
      return !look.Structural() && look.background_change &&
             !(look.outline && look.outline_color.a > 0);
    case Problem::kThinOutline:
      return AuthorOutlineIsIndicator(look) && Opaque(look) && look.outline_width < 2;
    case Problem::kTransparentOutline:
      if (ShadowIsIndicator(look)) return ShadowMostlyTransparent(look);
      return look.outline && look.author_outline && !OtherStructural(look) && !Opaque(look);
    case Problem::kLowContrast: {
      if (ShadowIsIndicator(look) && !ShadowMostlyTransparent(look)) {
        double ratio = ShadowContrast(page, e, look);
        return ratio > 0 && ratio < 3;
      }
      if (!AuthorOutlineIsIndicator(look) || !Opaque(look)) return false;
      double ratio = OutlineContrast(page, e, look);
      return ratio > 0 && ratio < 3;
    }
    case Problem::kSingleSideShadow:
      return !look.outline && !look.shadow.empty() && !look.shadow_all_sides &&
             !look.border_width_change && !look.underline_change && !look.descendant_indicator;
    case Problem::kShadowOnly: return OutlineRemoved(look) && look.shadow_all_sides;
    case Problem::kDefaultRing: {
      if (!look.default_ring || OtherStructural(look) || look.ColourChange()) return false;
      // Only where the page restyled the control: on an unstyled one the browser's ring is
      // designed to be seen; on a custom background or border it may blend in.
      return look.custom_background_or_border;
    }
    case Problem::kOwnGradient:
    case Problem::kOwnImage: {
      if (!look.outline || look.outline_offset + look.outline_width > 0) return false;
      Backdrop want = problem == Problem::kOwnGradient ? Backdrop::kGradient : Backdrop::kImage;
      return look.focus_backdrop == want;
    }
    case Problem::kParentGradient:
    case Problem::kParentImage: {
      if (!look.outline || look.outline_offset + look.outline_width <= 0) return false;
      Backdrop want = problem == Problem::kParentGradient ? Backdrop::kGradient : Backdrop::kImage;
      return ParentBackdrop(page, e) == want;
    }
    case Problem::kOffsetTooSmall: {
      if (!AuthorOutlineIsIndicator(look) || !Opaque(look) || look.outline_offset >= 2) {
        return false;
      }
      const Color& own = look.focus->background_color;
      if (!own.known || own.a < 1 || look.focus_backdrop != Backdrop::kKnown) return false;
      return ContrastRatio(Blend(look.outline_color, own), own) < 3;
    }
    case Problem::kClipPath: {
      std::string_view clip = TrimAscii(look.focus->clip_path);
      return look.outline && !clip.empty() && clip != "none" && !OtherStructural(look);
    }
    case Problem::kNoOffsetDefined:
      return AuthorOutlineIsIndicator(look) && Opaque(look) && look.author_focus_rule &&
             !look.outline_offset_declared;
    case Problem::kZeroOffset:
      return AuthorOutlineIsIndicator(look) && Opaque(look) && look.outline_offset_declared &&
             look.outline_offset == 0;
    case Problem::kUnderlineWithOffset:
      // Only an underline the page itself chose to keep on focus: the browser's default link
      // underline with the common 2px offset is the pattern most guides recommend.
      return look.outline && !look.default_ring && look.outline_offset >= 3 &&
             look.focus->text_decoration_line.find("underline") != std::string::npos &&
             look.underline_declared;
  }
  return false;
}

template <Kind kKind, Problem kProblem>
void Check(const Page& page, Reporter& report) {
  PageLooks& looks = PageLooks::For(page);
  for (const Node* e : page.doc.elements()) {
    // Elements given tabindex="-1" receive focus from script (dialogs, skip targets, roving
    // widgets), and that focus must show too.
    bool focusable = kKind == Kind::kTabindex ? page.sem.IsFocusable(*e) : page.sem.IsTabbable(*e);
    if (!focusable || page.sem.IsInvisible(*e)) continue;
    if (!OfKind(page, *e, kKind)) continue;
    const FocusLook& look = looks.Get(page, *e);
    if (Has(page, *e, look, kProblem)) report.Fail(*e);
  }
}

// What the page can do on focus that the cascade alone does not show: external style sheets
// we have not loaded, scripts (external, or inline ones that mention focus), and :focus rules
// that restyle other elements (siblings, ancestors through :focus-within).
bool FocusEffectsUnknown(const Page& page) {
  for (const Node* link : page.doc.ElementsByTag("link")) {
    if (NormalizeText(link->AttrOr("rel")).find("stylesheet") != std::string::npos) return true;
  }
  for (const Node* script : page.doc.ElementsByTag("script")) {
    if (script->HasAttr("src") || script->TextContent().find("focus") != std::string::npos) {
      return true;
    }
  }
  for (const StyleResolver::SheetRule& rule : page.styles.sheet_rules()) {
    if (rule.at_rule == "import") return true;
    const std::string& sel = rule.selector;
    for (size_t at = sel.find(":focus"); at != std::string::npos; at = sel.find(":focus", at + 1)) {
      if (sel.compare(at, 13, ":focus-within") == 0) return true;
      size_t end = sel.find_first_of(" >+~,", at);
      if (end != std::string::npos && sel[end] != ',') {
        size_t next = sel.find_first_not_of(' ', end);
        if (next != std::string::npos && sel[next] != ',') return true;
      }
    }
  }
  return false;
}

bool HasFocusHandler(const Node& e) {
  for (std::string_view name : {"onfocus", "onblur", "onfocusin", "onfocusout", "onkeyup"}) {
    if (e.HasAttr(name)) return true;
  }
  return false;
}

// ACT oj04fd: something on screen changes when an element in the Tab order gets focus. We
// fail only an element whose focus style is identical to its rest style on a page where
// nothing else can react to focus; anything we cannot see is cantTell.
void FocusVisibleAct(const Page& page, Reporter& report) {
  PageLooks& looks = PageLooks::For(page);
  bool unknown = FocusEffectsUnknown(page);
  for (const Node* e : page.doc.elements()) {
    if (!page.sem.IsTabbable(*e) || page.sem.IsInvisible(*e)) continue;
    const FocusLook& look = looks.Get(page, *e);
    bool seen = OtherStructural(look) ||
                (look.outline && !look.default_ring && !look.outline_color.transparent()) ||
                look.ColourChange() || look.weight_change || look.other_change;
    // The browser's ring counts unless a sheet we have not loaded may remove it.
    if (seen || (look.default_ring && !unknown)) {
      report.Pass(*e);
      continue;
    }
    bool differs = look.other_property_change;
    if (differs || unknown || HasFocusHandler(*e)) {
      report.CantTell(*e);
    } else {
      report.Fail(*e);
    }
  }
}

// The wording shared by a problem whatever the element; `what` names the element.
struct Wording {
  std::string_view why;
  std::string_view fix;
};

}  // namespace

void AddFocusIndicatorRules(std::vector<Rule>& rules) {
  auto add = [&rules](std::string_view code, IssueType type, std::string_view category,
                      std::vector<std::string_view> wcag, WcagLevel level, Impact impact,
                      std::string_view what, Wording wording, CheckFunction check) {
    rules.push_back({
        .code = code,
        .type = type,
        .category = category,
        .wcag = std::move(wcag),
        .level = level,
        .impact = impact,
        .act = {},
        .what = what,
        .why = wording.why,
        .fix = wording.fix,
        .check = check,
    });
  };
  const IssueType kErr = IssueType::kError, kWarn = IssueType::kWarning;

  const Wording no_focus{
      "Keyboard users cannot see where they are on the page, so they cannot tell what Enter "
      "or Space will act on.",
      "Give :focus-visible a clear indicator: an outline of at least 2px with 3:1 contrast "
      "against its surroundings (or a box-shadow ring plus a transparent outline)."};
  const Wording colour_only{
      "A change of colour alone is easily missed, and people who cannot tell the colours "
      "apart see no change at all when focus arrives.",
      "Add an outline, border or underline on focus; keep the colour change as a supplement."};
  const Wording thin{
      "A hairline focus outline is hard to spot, especially for people with low vision or "
      "under magnification.",
      "Make the focus outline at least 2 CSS pixels thick."};
  const Wording transparent{
      "A mostly transparent outline takes on the colour of whatever is behind it and can "
      "disappear, leaving keyboard users without a visible focus.",
      "Use an opaque outline colour with at least 3:1 contrast against the background."};
  const Wording contrast{
      "A focus outline too close in colour to what surrounds it is not seen by many people "
      "with low vision, so focus seems to vanish.",
      "Pick an outline colour with at least 3:1 contrast against the background next to it."};
  const Wording single_side{
      "A shadow offset to one side marks only one or two edges of the control; beside other "
      "content it reads as decoration rather than focus.",
      "Use an outline, or a box-shadow ring with no offset and a spread (0 0 0 3px)."};
  const Wording shadow_only{
      "box-shadow is removed in Windows high contrast (forced colours) mode, where this "
      "control then shows no focus at all.",
      "Keep an outline (outline: 2px solid transparent is enough: forced colours paints it) "
      "alongside the shadow."};
  const Wording default_ring{
      "The browser's default ring differs between browsers and was not chosen for this "
      "control's colours; on a custom background it may not stand out.",
      "Define a :focus-visible style with an outline that contrasts with this control and its "
      "surroundings."};
  const Wording gradient{
      "The focus outline is drawn over a gradient, so its contrast changes along its length "
      "and cannot be measured without a browser; part of it may vanish.",
      "Check the outline against the lightest and darkest parts of the gradient, or draw it "
      "where the background is a solid colour."};
  const Wording image{
      "The focus outline is drawn over a background image, so whether it can be seen depends "
      "on the image and cannot be measured without a browser.",
      "Check the outline against the image, or add a solid ring (two-colour outline or "
      "shadow) that shows on any background."};
  const Wording offset{
      "An outline that hugs a control of almost the same colour merges with it, so the "
      "focused control looks unchanged.",
      "Move the outline out with outline-offset of 2px or more, or choose an outline colour "
      "that contrasts with the control."};
  const Wording clip{
      "clip-path cuts away everything outside the shape, including the focus outline, so the "
      "focused control shows no indicator.",
      "Indicate focus inside the shape (inset box-shadow, border, or a change of the shape's "
      "fill plus an inner ring), or clip a wrapper rather than the control."};
  const Wording no_offset{
      "Without an offset the outline touches the control's edge and can merge with its border "
      "or background.",
      "Add outline-offset (2px is usual) so the outline stands apart from the control."};
  const Wording zero_offset{
      "With outline-offset: 0 the outline sits on the control's edge and can merge with its "
      "border or background.",
      "Use an outline-offset of about 2px, unless the outline contrasts with the control "
      "itself."};
  const Wording underline_offset{
      "An outline drawn far from underlined text leaves a gap that separates the ring from "
      "the underline, and the pair reads as two unrelated marks.",
      "Keep outline-offset at 0 or 1px on underlined links, or drop the underline on focus."};

  using P = Problem;
  using K = Kind;
  const std::vector<std::string_view> k247{"2.4.7"};

  // Buttons.
  add("ErrButtonNoVisibleFocus", kErr, "buttons", k247, WcagLevel::kAA, Impact::kHigh,
      "This button shows no visible change when it receives keyboard focus.", no_focus,
      Check<K::kButton, P::kNoVisibleFocus>);
  add("ErrButtonNoVisibleFocusRelyingOnColorOnly", kErr, "buttons", {"1.4.1", "2.4.7"},
      WcagLevel::kA, Impact::kHigh,
      "This button's focus outline is removed and only its colours change on focus.", colour_only,
      Check<K::kButton, P::kColourOnly>);
  add("ErrButtonOutlineWidthInsufficient", kErr, "buttons", {"2.4.11", "2.4.7"}, WcagLevel::kAA,
      Impact::kHigh, "This button's focus outline is thinner than 2px.", thin,
      Check<K::kButton, P::kThinOutline>);
  add("ErrButtonTransparentOutline", kErr, "buttons", {"1.4.11", "2.4.7"}, WcagLevel::kAA,
      Impact::kHigh, "This button's focus outline is mostly transparent.", transparent,
      Check<K::kButton, P::kTransparentOutline>);
  add("ErrButtonFocusContrastFail", kErr, "buttons", {"1.4.11", "2.4.7"}, WcagLevel::kAA,
      Impact::kHigh,
      "This button's focus outline has less than 3:1 contrast against its background.", contrast,
      Check<K::kButton, P::kLowContrast>);
  add("ErrButtonSingleSideBoxShadow", kErr, "buttons", k247, WcagLevel::kAA, Impact::kHigh,
      "This button's only focus indicator is a box-shadow offset to one side.", single_side,
      Check<K::kButton, P::kSingleSideShadow>);
  add("ErrButtonOutlineOffsetInsufficient", kErr, "buttons", k247, WcagLevel::kAA, Impact::kHigh,
      "This button's focus outline sits on its edge in a colour that blends with the button.",
      offset, Check<K::kButton, P::kOffsetTooSmall>);
  add("ErrButtonClipPathWithOutline", kErr, "buttons", k247, WcagLevel::kAA, Impact::kHigh,
      "This button is clipped with clip-path, which also clips away its focus outline.", clip,
      Check<K::kButton, P::kClipPath>);
  add("WarnButtonOutlineNoneWithBoxShadow", kWarn, "buttons", k247, WcagLevel::kAA, Impact::kMedium,
      "This button removes its focus outline and relies on box-shadow alone.", shadow_only,
      Check<K::kButton, P::kShadowOnly>);
  add("WarnButtonDefaultFocus", kWarn, "buttons", k247, WcagLevel::kAA, Impact::kMedium,
      "This custom-styled button relies on the browser's default focus ring.", default_ring,
      Check<K::kButton, P::kDefaultRing>);
  add("WarnButtonFocusGradientBackground", kWarn, "buttons", {"1.4.11", "2.4.7"}, WcagLevel::kAA,
      Impact::kMedium, "This button's focus outline is drawn over its own gradient background.",
      gradient, Check<K::kButton, P::kOwnGradient>);
  add("WarnButtonFocusImageBackground", kWarn, "buttons", {"1.4.11", "2.4.7"}, WcagLevel::kAA,
      Impact::kMedium, "This button's focus outline is drawn over its own background image.", image,
      Check<K::kButton, P::kOwnImage>);
  add("WarnButtonFocusParentGradientBackground", kWarn, "buttons", {"1.4.11", "2.4.7"},
      WcagLevel::kAA, Impact::kMedium,
      "This button's focus outline is drawn over a gradient on the container behind it.", gradient,
      Check<K::kButton, P::kParentGradient>);
  add("WarnButtonFocusParentImageBackground", kWarn, "buttons", {"1.4.11", "2.4.7"}, WcagLevel::kAA,
      Impact::kMedium,
      "This button's focus outline is drawn over a background image on the container behind "
      "it.",
      image, Check<K::kButton, P::kParentImage>);

  // Links.
  add("ErrLinkColorChangeOnly", kErr, "links", {"1.4.1", "2.4.7"}, WcagLevel::kA, Impact::kHigh,
      "This link's focus outline is removed and only its colours change on focus.", colour_only,
      Check<K::kLink, P::kColourOnly>);
  add("ErrLinkImageNoFocusIndicator", kErr, "links", k247, WcagLevel::kAA, Impact::kHigh,
      "This image link shows no outline, border or shadow when it receives keyboard focus.",
      no_focus, Check<K::kImageLink, P::kOutlineRemoved>);
  add("ErrLinkOutlineWidthInsufficient", kErr, "links", {"2.4.11", "2.4.7"}, WcagLevel::kAA,
      Impact::kHigh, "This link's focus outline is thinner than 2px.", thin,
      Check<K::kLink, P::kThinOutline>);
  add("ErrLinkFocusContrastFail", kErr, "links", {"1.4.11", "2.4.7"}, WcagLevel::kAA, Impact::kHigh,
      "This link's focus outline has less than 3:1 contrast against its background.", contrast,
      Check<K::kLink, P::kLowContrast>);
  add("WarnLinkTransparentOutline", kWarn, "links", {"1.4.11", "2.4.7"}, WcagLevel::kAA,
      Impact::kMedium, "This link's focus outline is mostly transparent.", transparent,
      Check<K::kLink, P::kTransparentOutline>);
  add("WarnLinkDefaultFocus", kWarn, "links", k247, WcagLevel::kAA, Impact::kMedium,
      "This custom-styled link relies on the browser's default focus ring.", default_ring,
      Check<K::kLink, P::kDefaultRing>);
  add("WarnLinkFocusGradientBackground", kWarn, "links", {"1.4.11", "2.4.7"}, WcagLevel::kAA,
      Impact::kMedium, "This link's focus outline is drawn over a gradient background.", gradient,
      Check<K::kLink, P::kOwnGradient>);
  add("WarnLinkOutlineOffsetTooLarge", kWarn, "links", k247, WcagLevel::kAA, Impact::kMedium,
      "This underlined link's focus outline is drawn more than 1px away from the text.",
      underline_offset, Check<K::kLink, P::kUnderlineWithOffset>);

  // Elements made focusable with tabindex.
  add("ErrTabindexNoVisibleFocus", kErr, "focus", k247, WcagLevel::kAA, Impact::kHigh,
      "This element made focusable with tabindex shows no visible change on focus.", no_focus,
      Check<K::kTabindex, P::kNoVisibleFocus>);
  add("ErrTabindexOutlineNoneNoBoxShadow", kErr, "focus", k247, WcagLevel::kAA, Impact::kCritical,
      "This focusable element has its outline removed and no shadow, border or underline "
      "instead.",
      no_focus, Check<K::kTabindex, P::kOutlineRemoved>);
  add("ErrTabindexColorChangeOnly", kErr, "focus", {"1.4.1"}, WcagLevel::kA, Impact::kHigh,
      "This focusable element's outline is removed and only its colours change on focus.",
      colour_only, Check<K::kTabindex, P::kColourOnly>);
  add("ErrTabindexOutlineWidthInsufficient", kErr, "focus", {"2.4.11"}, WcagLevel::kAA,
      Impact::kMedium, "This focusable element's focus outline is thinner than 2px.", thin,
      Check<K::kTabindex, P::kThinOutline>);
  add("ErrTabindexTransparentOutline", kErr, "focus", k247, WcagLevel::kAA, Impact::kHigh,
      "This focusable element's focus outline is mostly transparent.", transparent,
      Check<K::kTabindex, P::kTransparentOutline>);
  add("ErrTabindexFocusContrastFail", kErr, "focus", {"1.4.11", "2.4.7"}, WcagLevel::kAA,
      Impact::kHigh,
      "This focusable element's focus outline has less than 3:1 contrast against its "
      "background.",
      contrast, Check<K::kTabindex, P::kLowContrast>);
  add("ErrTabindexSingleSideBoxShadow", kErr, "focus", {"2.4.11"}, WcagLevel::kAA, Impact::kMedium,
      "This focusable element's only focus indicator is a box-shadow offset to one side.",
      single_side, Check<K::kTabindex, P::kSingleSideShadow>);
  add("WarnTabindexDefaultFocus", kWarn, "focus", k247, WcagLevel::kAA, Impact::kLow,
      "This custom-styled focusable element relies on the browser's default focus ring.",
      default_ring, Check<K::kTabindex, P::kDefaultRing>);

  // Any focusable element.
  rules.push_back({
      .code = "ErrSequentialFocusNotVisible",
      .type = kErr,
      .category = "focus",
      .wcag = {"2.4.7"},
      .level = WcagLevel::kAA,
      .impact = Impact::kHigh,
      .act = {"oj04fd"},
      .what = "Nothing on the page changes when this element receives keyboard focus.",
      .why = no_focus.why,
      .fix = no_focus.fix,
      .check = FocusVisibleAct,
  });
  add("ErrNoFocusIndicator", kErr, "focus", k247, WcagLevel::kAA, Impact::kHigh,
      "This form control shows no visible change when it receives keyboard focus.", no_focus,
      Check<K::kOther, P::kNoVisibleFocus>);
  add("ErrOutlineIsNoneOnInteractiveElement", kErr, "focus", k247, WcagLevel::kAA, Impact::kHigh,
      "The page's CSS removes this control's focus outline and draws nothing in its place.",
      no_focus, Check<K::kAny, P::kOutlineRemoved>);
  add("ErrTransparentFocusIndicator", kErr, "focus", k247, WcagLevel::kAA, Impact::kHigh,
      "This control's focus outline is transparent or nearly so.", transparent,
      Check<K::kAny, P::kTransparentOutline>);
  add("ErrFocusBackgroundColorOnly", kErr, "focus", k247, WcagLevel::kAA, Impact::kHigh,
      "This control's focus outline is removed and a background colour change is the only "
      "sign of focus.",
      colour_only, Check<K::kAny, P::kBackgroundOnly>);
  add("ErrNoOutlineOffsetDefined", kErr, "focus", k247, WcagLevel::kAA, Impact::kLow,
      "This control's custom focus outline has no outline-offset.", no_offset,
      Check<K::kAny, P::kNoOffsetDefined>);
  add("WarnZeroOutlineOffset", kWarn, "focus", k247, WcagLevel::kAA, Impact::kLow,
      "This control's focus outline is set to outline-offset: 0.", zero_offset,
      Check<K::kAny, P::kZeroOffset>);
}

}  // namespace a11y::checks::focus
