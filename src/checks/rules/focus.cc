// Focus order and keyboard operation (WCAG 2.1.1, 2.4.3, 4.1.2): tabindex misuse, controls
// that cannot be reached or operated from the keyboard, mouse-only handlers. The focus
// indicator rules live in focus_indicator_rules.cc.
#include <algorithm>
#include <limits>
#include <optional>

#include "checks/rule.h"
#include "checks/rules/focus_indicator_rules.h"
#include "checks/rules/focus_util.h"

namespace a11y::checks {
namespace {

using focus::EventHandlers;
using focus::IsNativelyFocusable;
using focus::IsNativelyInteractive;

// Rendered and exposed: elements nobody can see or reach are not judged here.
bool Present(const Page& page, const Node& e) {
  return e.is_element() && !page.sem.IsInvisible(e) && !e.Is("body") && !e.Is("html");
}

// An explicit role that makes the element a widget or a focus target by design (a scrollable
// region, a tab panel, a dialog): tabindex on it is expected.
bool HasPurposefulRole(const Page& page, const Node& e) {
  std::string_view role = page.sem.ExplicitRole(e);
  if (role.empty() || role == "generic" || role == "none" || role == "presentation" ||
      role == "paragraph" || role == "heading" || role == "list" || role == "listitem") {
    return false;
  }
  return true;
}

bool IsScrollContainer(const Page& page, const Node& e) {
  const ComputedStyle& s = page.styles.Of(e);
  for (std::string_view name : {"overflow", "overflow-x", "overflow-y"}) {
    std::string_view v = TrimAscii(s.Get(name));
    if (v.find("auto") != std::string_view::npos || v.find("scroll") != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

bool HasAnyHandler(const EventHandlers& handlers, const Node& e) { return !handlers.Of(e).empty(); }

// tabindex >= 0 on an element that does nothing when focused: no native behaviour, no widget
// role, no handlers, not a scroll container (which keyboard users must focus to scroll).
bool IsNonInteractiveTabStop(const Page& page, const EventHandlers& handlers, const Node& e,
                             bool zero_only) {
  std::optional<int> index = page.sem.TabIndex(e);
  if (!index || *index < 0 || (zero_only && *index != 0)) return false;
  if (!Present(page, e) || e.ns != Namespace::kHtml || IsNativelyFocusable(e)) return false;
  if (HasPurposefulRole(page, e) || HasAnyHandler(handlers, e)) return false;
  return !IsScrollContainer(page, e);
}

void TabindexOnNonInteractive(const Page& page, Reporter& report) {
  EventHandlers handlers(page);
  for (const Node* e : page.doc.elements()) {
    if (IsNonInteractiveTabStop(page, handlers, *e, false)) report.Fail(*e);
  }
}

void ZeroTabindexOnNonInteractive(const Page& page, Reporter& report) {
  EventHandlers handlers(page);
  for (const Node* e : page.doc.elements()) {
    if (IsNonInteractiveTabStop(page, handlers, *e, true)) report.Fail(*e);
  }
}

void PositiveTabindex(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    std::optional<int> index = page.sem.TabIndex(*e);
    if (index && *index > 0 && page.sem.IsFocusable(*e)) report.Fail(*e, "");
  }
}

void HighTabindex(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    std::optional<int> index = page.sem.TabIndex(*e);
    if (index && *index > 10 && page.sem.IsFocusable(*e)) {
      report.Fail(*e, "(tabindex=" + std::to_string(*index) + ")");
    }
  }
}

// Positive tabindex moves elements ahead of the document order; report those whose place in
// the Tab sequence differs from their place in the source.
void TabOrderViolation(const Page& page, Reporter& report) {
  std::vector<const Node*> source;
  for (const Node* e : page.doc.elements()) {
    if (page.sem.IsTabbable(*e)) source.push_back(e);
  }
  std::vector<const Node*> sequence = source;
  auto key = [&page](const Node* e) {
    int index = page.sem.TabIndex(*e).value_or(0);
    return index > 0 ? index : std::numeric_limits<int>::max();
  };
  std::stable_sort(sequence.begin(), sequence.end(),
                   [&](const Node* a, const Node* b) { return key(a) < key(b); });
  for (size_t i = 0; i < source.size(); ++i) {
    const Node* e = source[i];
    if (page.sem.TabIndex(*e).value_or(0) <= 0) continue;
    if (sequence[i] != e) report.Fail(*e);
  }
}

// A composite widget moves focus among its items itself (roving tabindex).
bool InCompositeWidget(const Page& page, const Node& e) {
  return e.Closest([&page](const Node& n) {
    std::string_view role = page.sem.Role(n);
    return role == "menu" || role == "menubar" || role == "listbox" || role == "tablist" ||
           role == "tree" || role == "treegrid" || role == "grid" || role == "radiogroup" ||
           role == "toolbar";
  }) != nullptr;
}

// Another link in the Tab order goes to the same place (a card's image and title links).
bool DuplicatesAnotherLink(const Page& page, const Node& e) {
  if (!e.Is("a")) return false;
  std::string_view href = e.AttrOr("href");
  for (const Node* a : page.doc.ElementsByTag("a")) {
    if (a != &e && a->AttrOr("href") == href && page.sem.IsTabbable(*a)) return true;
  }
  return false;
}

// tabindex="-1" on a native control takes it out of the Tab order: keyboard users cannot
// reach it, unless a widget manages focus or the same destination is reachable elsewhere.
void NegativeTabindexOnControl(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    std::optional<int> index = page.sem.TabIndex(*e);
    if (!index || *index >= 0 || !IsNativelyFocusable(*e) || e->Is("iframe")) continue;
    if (!page.sem.IsFocusable(*e) || page.sem.IsHidden(*e)) continue;
    if (InCompositeWidget(page, *e) || DuplicatesAnotherLink(page, *e)) continue;
    report.Fail(*e);
  }
}

// Widget roles a user operates directly, which must be focusable to be operable. Items of
// composite widgets (option, tab, menuitem...) are left out: aria-activedescendant or a
// roving tabindex may legitimately keep them out of the Tab order.
bool IsStandaloneWidgetRole(std::string_view role) {
  return role == "button" || role == "link" || role == "checkbox" || role == "switch" ||
         role == "slider" || role == "spinbutton" || role == "textbox" || role == "searchbox" ||
         role == "combobox";
}

void MissingTabindex(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    std::string_view role = page.sem.ExplicitRole(*e);
    if (!IsStandaloneWidgetRole(role) || IsNativelyFocusable(*e)) continue;
    if (page.sem.TabIndex(*e).has_value() || page.sem.IsHidden(*e) || !Present(page, *e)) {
      continue;
    }
    if (e->AttrOr("aria-disabled") == "true") continue;
    if (e->Closest([](const Node& n) { return n.HasAttr("aria-activedescendant"); })) continue;
    report.Fail(*e);
  }
}

// Inside a link or button: the interactive ancestor takes the clicks and keys.
bool InsideInteractive(const Node& e) {
  return e.Closest([](const Node& n) { return IsNativelyInteractive(n); }) != nullptr;
}

bool HasFocusableDescendant(const Page& page, const Node& e) {
  for (const Node* n : page.doc.elements()) {
    if (n != &e && e.Contains(*n) && page.sem.IsFocusable(*n)) return true;
  }
  return false;
}

// Mouse handlers with no keyboard handler on an element that is not a native control.
void MouseOnlyHandler(const Page& page, Reporter& report) {
  EventHandlers handlers(page);
  for (const Node* e : handlers.Elements()) {
    if (!Present(page, *e) || IsNativelyInteractive(*e) || InsideInteractive(*e)) continue;
    const std::set<std::string>& events = handlers.Of(*e);
    bool mouse = std::any_of(events.begin(), events.end(),
                             [](const std::string& ev) { return focus::IsMouseEvent(ev); });
    bool keys = std::any_of(events.begin(), events.end(),
                            [](const std::string& ev) { return focus::IsKeyboardEvent(ev); });
    if (!mouse || keys) continue;
    // A container with its own controls: the handler most likely delegates for them.
    if (HasFocusableDescendant(page, *e)) continue;
    report.Fail(*e);
  }
}

// A click handler on an element the keyboard cannot reach at all.
void ClickableWithoutKeyboard(const Page& page, Reporter& report) {
  EventHandlers handlers(page);
  for (const Node* e : handlers.Elements()) {
    if (!Present(page, *e) || IsNativelyInteractive(*e) || InsideInteractive(*e)) continue;
    const std::set<std::string>& events = handlers.Of(*e);
    if (events.count("click") == 0 && events.count("dblclick") == 0) continue;
    if (page.sem.IsFocusable(*e) || HasFocusableDescendant(page, *e)) continue;
    report.Fail(*e);
  }
}

// An element with the tabindex attribute inside a link or button: HTML forbids it, and it
// makes a second, nameless focus stop inside the control.
void TabindexChildOfInteractive(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!page.sem.TabIndex(*e).has_value() || !Present(page, *e)) continue;
    const Node* owner = e->Closest(
        [](const Node& n) { return (n.Is("a") && n.HasAttr("href")) || n.Is("button"); });
    if (owner != nullptr) report.Fail(*e);
  }
}

bool AriaHiddenTrue(const Node& n) { return TrimAscii(n.AttrOr("aria-hidden")) == "true"; }

// Content in the Tab order inside aria-hidden: keyboard users land on something screen
// readers say nothing about. (tabindex="-1" takes it out of the order and is fine.)
void AriaHiddenFocusable(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!page.sem.IsTabbable(*e)) continue;
    if (!AriaHiddenTrue(*e) && e->Closest(AriaHiddenTrue) == nullptr) continue;
    report.Fail(*e);
  }
}

void ModalNoFocusableElements(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    std::string_view role = page.sem.Role(*e);
    if (role != "dialog" && role != "alertdialog") continue;
    if (page.sem.IsHidden(*e) || page.sem.IsInvisible(*e)) continue;
    if (page.sem.TabIndex(*e).has_value() || HasFocusableDescendant(page, *e)) continue;
    bool target = false;  // tabindex="-1" on a heading or text to receive focus.
    for (const Node* n : page.doc.elements()) {
      if (n != e && e->Contains(*n) && n->HasAttr("tabindex")) target = true;
    }
    if (!target) report.Fail(*e);
  }
}

// Something that acts on click but does not show the hand cursor over it: mouse users get no
// hint that it can be clicked. Native buttons and links are left alone (browsers give them
// their usual cursor).
void NoCursorPointer(const Page& page, Reporter& report) {
  EventHandlers handlers(page);
  for (const Node* e : page.doc.elements()) {
    if (!Present(page, *e) || IsNativelyInteractive(*e) || InsideInteractive(*e)) continue;
    std::string_view role = page.sem.ExplicitRole(*e);
    const std::set<std::string>& events = handlers.Of(*e);
    bool clickable = role == "button" || role == "link" || events.count("click") != 0;
    if (!clickable) continue;
    std::string_view cursor = TrimAscii(page.styles.Of(*e).Get("cursor"));
    if (cursor != "pointer") report.Fail(*e);
  }
}

}  // namespace

void AddFocusRules(std::vector<Rule>& rules) {
  focus::AddFocusIndicatorRules(rules);
  rules.push_back({
      .code = "WarnNoCursorPointer",
      .type = IssueType::kWarning,
      .category = "focus",
      .wcag = {"2.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This custom clickable element does not show the pointer cursor.",
      .why = "Mouse users, including people with cognitive disabilities, get no sign that it "
             "can be clicked, and may never find the feature.",
      .fix = "Prefer a real button or link; otherwise set cursor: pointer on it.",
      .check = NoCursorPointer,
  });
  rules.push_back({
      .code = "ErrPositiveTabindex",
      .type = IssueType::kError,
      .category = "focus",
      .wcag = {"2.4.3"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This element has a positive tabindex, which moves it ahead of the page order.",
      .why = "Keyboard users jump to it out of sequence and then back, so the Tab order no "
             "longer follows the reading order and content gets skipped or repeated.",
      .fix = "Use tabindex=\"0\" (or none on native controls) and order the source instead.",
      .check = PositiveTabindex,
  });
  rules.push_back({
      .code = "ErrNegativeTabindex",
      .type = IssueType::kError,
      .category = "focus",
      .wcag = {"2.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This control has tabindex=\"-1\", which removes it from the Tab order.",
      .why = "Keyboard users cannot reach the control with Tab, so they cannot use it.",
      .fix = "Remove the tabindex, or hide the control from everyone if it is not in use.",
      .check = NegativeTabindexOnControl,
  });
  rules.push_back({
      .code = "ErrTabindexChildOfInteractive",
      .type = IssueType::kError,
      .category = "focus",
      .wcag = {"2.4.7"},
      .level = WcagLevel::kAA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This element inside a link or button has a tabindex of its own.",
      .why = "It creates a second focus stop inside the control; keyboard users land on a part "
             "with no name or action of its own, and its focus ring is hidden in the control.",
      .fix = "Remove the tabindex from the inner element; let the link or button take focus.",
      .check = TabindexChildOfInteractive,
  });
  rules.push_back({
      .code = "ErrTabindexAriaHiddenFocusable",
      .type = IssueType::kError,
      .category = "focus",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This focusable element is inside content hidden with aria-hidden=\"true\".",
      .why = "Keyboard focus lands on it but screen readers announce nothing, so their users "
             "are lost on an empty stop.",
      .fix = "Give it tabindex=\"-1\" (or disable it) while hidden, or remove aria-hidden.",
      .check = AriaHiddenFocusable,
  });
  rules.push_back({
      .code = "ErrTTabindexOnNonInteractiveElement",
      .type = IssueType::kError,
      .category = "keyboard",
      .wcag = {"2.4.3"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This non-interactive element is in the Tab order (tabindex of 0 or more).",
      .why = "Keyboard users have to stop on something that does nothing, and screen readers "
             "announce it as if it could be used.",
      .fix = "Remove the tabindex; use tabindex=\"-1\" if script must move focus to it.",
      .check = TabindexOnNonInteractive,
  });
  rules.push_back({
      .code = "ErrNonInteractiveZeroTabindex",
      .type = IssueType::kError,
      .category = "keyboard",
      .wcag = {"2.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This non-interactive element has tabindex=\"0\".",
      .why = "It adds a Tab stop where nothing can be done, slowing keyboard users down and "
             "suggesting to screen reader users that it is a control.",
      .fix = "Remove tabindex=\"0\", or give the element the role and keyboard handling of the "
             "control it acts as.",
      .check = ZeroTabindexOnNonInteractive,
  });
  rules.push_back({
      .code = "ErrTabindexOfZeroOnNonInteractiveElement",
      .type = IssueType::kError,
      .category = "keyboard",
      .wcag = {"2.4.3", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This element without an interactive role is focusable with tabindex=\"0\".",
      .why = "Screen reader users reach a stop with no role telling them what it does.",
      .fix = "Give it the role of the control it is (and keyboard handling), or remove the "
             "tabindex.",
      .check = ZeroTabindexOnNonInteractive,
  });
  rules.push_back({
      .code = "ErrWrongTabindexForInteractiveElement",
      .type = IssueType::kError,
      .category = "keyboard",
      .wcag = {"2.1.1", "2.4.3"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This native control has tabindex=\"-1\" and cannot be reached with Tab.",
      .why = "Keyboard users skip over it and cannot operate it.",
      .fix = "Remove the tabindex attribute; native controls are in the Tab order already.",
      .check = NegativeTabindexOnControl,
  });
  rules.push_back({
      .code = "WarnNegativeTabindex",
      .type = IssueType::kWarning,
      .category = "keyboard",
      .wcag = {"2.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This control is taken out of the Tab order with a negative tabindex.",
      .why = "Unless script offers another way to reach it, keyboard users cannot use it.",
      .fix = "Check that the control is reachable some other way; otherwise remove the "
             "tabindex.",
      .check = NegativeTabindexOnControl,
  });
  rules.push_back({
      .code = "WarnHighTabindex",
      .type = IssueType::kWarning,
      .category = "keyboard",
      .wcag = {"2.4.3"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This element has a high tabindex value.",
      .why = "High values are a sign of a hand-managed Tab order, which breaks as soon as the "
             "page changes and sends keyboard users around the page out of order.",
      .fix = "Remove the positive tabindex and order the source as it should be read.",
      .check = HighTabindex,
  });
  rules.push_back({
      .code = "ErrTabOrderViolation",
      .type = IssueType::kError,
      .category = "keyboard",
      .wcag = {"2.4.3"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "Positive tabindex puts this element at a different place in the Tab order than "
              "in the page.",
      .why = "Focus jumps around instead of following the reading order, which disorients "
             "keyboard and screen reader users.",
      .fix = "Remove positive tabindex values and arrange the source in the order of use.",
      .check = TabOrderViolation,
  });
  rules.push_back({
      .code = "ErrMissingTabindex",
      .type = IssueType::kError,
      .category = "keyboard",
      .wcag = {"2.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This element has an interactive role but cannot receive keyboard focus.",
      .why = "Keyboard users cannot reach it, so the control it claims to be cannot be used "
             "without a mouse.",
      .fix = "Use the native element (button, a href, input), or add tabindex=\"0\" and "
             "Enter/Space handling.",
      .check = MissingTabindex,
  });
  rules.push_back({
      .code = "ErrMouseOnlyHandler",
      .type = IssueType::kError,
      .category = "keyboard",
      .wcag = {"2.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This element reacts to the mouse (click, hover, drag) but has no keyboard "
              "handler.",
      .why = "What the mouse does here cannot be done from the keyboard, locking out keyboard, "
             "switch and screen reader users.",
      .fix = "Use a button or link, or add tabindex=\"0\" with key (and focus/blur) handlers "
             "that do the same.",
      .check = MouseOnlyHandler,
  });
  rules.push_back({
      .code = "ErrClickableWithoutKeyboard",
      .type = IssueType::kError,
      .category = "keyboard",
      .wcag = {"2.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This element has a click handler but the keyboard cannot reach it.",
      .why = "Keyboard users cannot focus it, so they cannot trigger what clicking does.",
      .fix = "Use a button (or a link for navigation), which the keyboard reaches and "
             "activates.",
      .check = ClickableWithoutKeyboard,
  });
  rules.push_back({
      .code = "WarnModalNoFocusableElements",
      .type = IssueType::kWarning,
      .category = "keyboard",
      .wcag = {"2.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This dialog contains nothing that can receive keyboard focus.",
      .why = "When it opens, focus has nowhere to go inside it, and keyboard users cannot close "
             "or use it.",
      .fix = "Give the dialog a focusable close button, or tabindex=\"-1\" on the dialog or its "
             "heading so focus can be moved there.",
      .check = ModalNoFocusableElements,
  });
}

}  // namespace a11y::checks
