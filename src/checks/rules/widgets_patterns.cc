// Custom widgets built from divs and script (WCAG 1.3.1, 2.1.1, 4.1.2): menus, tabs,
// accordions, dropdowns, tooltips, sliders, switches and trees. The author's class
// names ("tab", "menu-item", "slider-thumb") say what a widget is meant to be; these rules
// report the widgets whose ARIA pattern is missing, so screen readers announce only text.
#include <set>

#include "checks/rules/widgets_common.h"
#include "core/ascii.h"

namespace a11y::checks::widgets {
namespace {

bool HasToken(const Node& e, std::initializer_list<std::string_view> names) {
  return AnyClass(e, [&](const std::string& t) {
    for (std::string_view n : names) {
      if (t == n) return true;
    }
    return false;
  });
}

bool Clickable(const Node& e) { return HasHandler(e, "onclick") || e.Is("button"); }

bool ContainsOperable(const Node& e) {
  for (const Node* child : e.ChildElements()) {
    if (IsOperable(*child) || ContainsOperable(*child)) return true;
  }
  return false;
}

template <typename Visit>
void ForEachDescendant(const Node& root, Visit visit) {
  for (const Node* child : root.children) {
    if (!child->is_element()) continue;
    visit(*child);
    ForEachDescendant(*child, visit);
  }
}

// --- Menus -------------------------------------------------------------------------------

// A link to another page, the content of site navigation.
bool IsPageLink(const Node& e) {
  if (!e.Is("a") || !e.HasAttr("href")) return false;
  std::string_view href = TrimAscii(e.AttrOr("href"));
  // Fragment links ("#settings") are in-page or script routes that an application menu may
  // legitimately use; only links that load another page make the menu a site navigation.
  return !href.empty() && href[0] != '#' && !StartsWithIgnoreCase(href, "javascript:");
}

// role=menu and menubar promise an application menu (arrow keys, no Tab stops per item).
// When every item is a link to another page, it is site navigation dressed as a menu.
void InappropriateMenuRole(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!HasRoleToken(*e, {"menu", "menubar"})) continue;
    int items = 0, links = 0;
    ForEachDescendant(*e, [&](const Node& d) {
      if (!HasRoleToken(d, {"menuitem", "menuitemcheckbox", "menuitemradio"})) return;
      if (d.Closest([&](const Node& n) { return &n == e; }) == nullptr) return;
      ++items;
      bool link = IsPageLink(d);
      ForEachDescendant(d, [&](const Node& inner) { link = link || IsPageLink(inner); });
      links += link;
    });
    if (items > 0 && links == items) report.Fail(*e);
  }
}

bool IsMenuItemClass(const std::string& t) {
  return t == "menu-item" || t == "menuitem" || t == "menu__item" ||
         (t.size() > 10 && t.compare(t.size() - 10, 10, "-menu-item") == 0);
}

bool IsMenuishClass(const std::string& t) { return t.find("menu") != std::string::npos; }

// Items that act (onclick), not links: the WordPress "menu-item" list of links is navigation.
bool IsScriptedMenuItem(const Node& e) {
  if (!AnyClass(e, IsMenuItemClass) || !FirstRoleToken(e).empty()) return false;
  if (!HasHandler(e, "onclick") || e.Is("a") || e.Is("button")) return false;
  bool link = false;
  ForEachDescendant(e, [&](const Node& d) { link = link || IsPageLink(d); });
  return !link;
}

// The menu a scripted item belongs to: its parent, widened to the outermost enclosing
// menu-classed container (a menubar), but never past another menu item (a submenu is its
// own menu).
const Node* MenuOf(const Node& item) {
  const Node* menu = item.parent;
  if (menu == nullptr || !menu->is_element()) return nullptr;
  while (menu->parent != nullptr && menu->parent->is_element() &&
         AnyClass(*menu->parent, IsMenuishClass) && !AnyClass(*menu->parent, IsMenuItemClass)) {
    menu = menu->parent;
  }
  return menu;
}

void MenuWithoutAria(const Page& page, Reporter& report) {
  std::set<const Node*> menus;
  for (const Node* e : page.doc.elements()) {
    if (!IsScriptedMenuItem(*e)) continue;
    const Node* menu = MenuOf(*e);
    if (menu == nullptr || !FirstRoleToken(*menu).empty()) continue;
    if (e->Closest([](const Node& n) {
          return HasRoleToken(n, {"menu", "menubar", "listbox", "tree"});
        }) != nullptr) {
      continue;
    }
    if (menus.insert(menu).second) report.Fail(*menu);
  }
}

// --- Tabs --------------------------------------------------------------------------------

bool IsTabClass(const std::string& t) {
  return t == "tab" || t == "tab-item" || t == "tab-button" || t == "tab-link" ||
         t == "tabs__tab" || t == "tab-btn";
}

// Two or more clickable siblings classed as tabs with no role=tab: a tab set that screen
// readers read as loose buttons or text, without selected state or panel relationships.
void TabpanelWithoutAria(const Page& page, Reporter& report) {
  for (const Node* container : page.doc.elements()) {
    if (HasRoleToken(*container, {"tablist"})) continue;
    int tabs = 0;
    bool has_role = false;
    for (const Node* child : container->ChildElements()) {
      if (!AnyClass(*child, IsTabClass)) continue;
      if (!FirstRoleToken(*child).empty()) has_role = true;
      if (Clickable(*child) || ContainsOperable(*child)) ++tabs;
    }
    if (tabs >= 2 && !has_role) report.Fail(*container);
  }
}

// --- Accordions --------------------------------------------------------------------------

bool IsAccordionTrigger(const Node& e) {
  if (!Clickable(e) && !HasRoleToken(e, {"button"})) return false;
  if (AnyClass(e, [](const std::string& t) { return t.find("accordion") != std::string::npos; })) {
    return true;
  }
  return Lower(e.AttrOr("onclick")).find("accordion") != std::string::npos;
}

// `script` without its // and /* */ comments (quoted strings kept), so that a comment saying
// "does not update aria-expanded" is not read as code that does.
std::string StripComments(const std::string& script) {
  std::string out;
  char quote = 0;
  for (size_t i = 0; i < script.size(); ++i) {
    char c = script[i];
    if (quote != 0) {
      out += c;
      if (c == '\\' && i + 1 < script.size()) {
        out += script[++i];
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'' || c == '`') {
      quote = c;
      out += c;
    } else if (c == '/' && i + 1 < script.size() && script[i + 1] == '/') {
      while (i < script.size() && script[i] != '\n') ++i;
      out += '\n';
    } else if (c == '/' && i + 1 < script.size() && script[i + 1] == '*') {
      size_t end = script.find("*/", i + 2);
      i = end == std::string::npos ? script.size() : end + 1;
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// The body of `function name(...) {...}` in `script` (lower case), "" when not found.
std::string FunctionBody(const std::string& script, const std::string& name) {
  size_t at = script.find("function " + name + "(");
  if (at == std::string::npos) return {};
  size_t open = script.find('{', at);
  if (open == std::string::npos) return {};
  int depth = 0;
  for (size_t i = open; i < script.size(); ++i) {
    if (script[i] == '{') ++depth;
    if (script[i] == '}' && --depth == 0) return script.substr(open, i - open + 1);
  }
  return {};
}

// The handler calls a named function whose source we can read, and that function never
// touches aria-expanded: the state announced stays what the markup says forever.
bool ExpandedNeverUpdated(const Node& trigger, const std::string& script) {
  std::string handler = Lower(trigger.AttrOr("onclick"));
  if (handler.find("aria-expanded") != std::string::npos) return false;
  size_t paren = handler.find('(');
  if (paren == std::string::npos) return false;
  std::string name(TrimAscii(std::string_view(handler).substr(0, paren)));
  if (name.empty() || name.find_first_of(" .;=") != std::string::npos) return false;
  std::string body = FunctionBody(script, name);
  return !body.empty() && body.find("aria-expanded") == std::string::npos &&
         body.find("expanded") == std::string::npos;
}

void AccordionWithoutAria(const Page& page, Reporter& report) {
  std::string script = StripComments(InlineScript(page));
  std::set<const Node*> reported;
  for (const Node* e : page.doc.elements()) {
    if (!IsAccordionTrigger(*e) || e->parent == nullptr) continue;
    bool broken = !e->HasAttr("aria-expanded") || ExpandedNeverUpdated(*e, script);
    if (broken && reported.insert(e->parent).second) report.Fail(*e->parent);
  }
}

// --- Dropdowns -------------------------------------------------------------

void DropdownWithoutAria(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!HasToken(*e, {"dropdown"}) || !FirstRoleToken(*e).empty()) continue;
    const Node* trigger = nullptr;
    ForEachDescendant(*e, [&](const Node& d) {
      if (trigger == nullptr && (d.Is("button") || HasRoleToken(d, {"button"}) ||
                                 (HasHandler(d, "onclick") && !d.Is("a")))) {
        trigger = &d;
      }
    });
    if (trigger == nullptr || trigger->Is("select")) continue;
    if (!trigger->HasAttr("aria-expanded")) report.Fail(*e);
  }
}

// --- Tooltips ----------------------------------------------------------------------------

bool IsTooltipClass(const std::string& t) {
  return t == "tooltip" || t == "tooltip-text" || t == "tooltiptext" || t == "tooltip-content" ||
         t == "tooltip-body" || t == "tooltip-inner";
}

bool IsDescribedByAnything(const Page& page, const Node& e) {
  std::string_view id = e.AttrOr("id");
  if (id.empty()) return false;
  for (const Node* other : page.doc.elements()) {
    for (std::string_view token : SplitTokens(other->AttrOr("aria-describedby"))) {
      if (token == id) return true;
    }
  }
  return false;
}

// Tooltip text that is neither role=tooltip nor referenced by aria-describedby, and hover
// handlers that show a tooltip with no focus equivalent.
void TooltipWithoutAria(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (AnyClass(*e, IsTooltipClass)) {
      if (!HasRoleToken(*e, {"tooltip"}) && !IsDescribedByAnything(page, *e)) report.Fail(*e);
      continue;
    }
    std::string hover = Lower(e->AttrOr("onmouseenter")) + Lower(e->AttrOr("onmouseover"));
    if (hover.find("tooltip") == std::string::npos && hover.find("tip(") == std::string::npos) {
      continue;
    }
    if (HasHandler(*e, "onfocus") || HasHandler(*e, "onfocusin")) continue;
    if (e->HasAttr("aria-describedby")) continue;
    report.Fail(*e);
  }
}

// --- Sliders, switches, trees ------------------------------------------------------------

bool IsThumbClass(const std::string& t) {
  return t.find("thumb") != std::string::npos || t.find("handle") != std::string::npos ||
         t.find("knob") != std::string::npos;
}

bool IsSliderClass(const std::string& t) {
  return t.find("slider") != std::string::npos || t.find("range") != std::string::npos;
}

void SliderWithoutAria(const Page& page, Reporter& report) {
  std::set<const Node*> reported;
  for (const Node* e : page.doc.elements()) {
    if (!AnyClass(*e, IsThumbClass) || e->Is("input") || e->parent == nullptr) continue;
    const Node* track = e->parent;
    bool slider_context = AnyClass(*e, IsSliderClass) || AnyClass(*track, IsSliderClass) ||
                          (track->parent != nullptr && track->parent->is_element() &&
                           AnyClass(*track->parent, IsSliderClass));
    if (!slider_context) continue;
    if (HasRoleToken(*e, {"slider"}) ||
        e->Closest([](const Node& n) { return HasRoleToken(n, {"slider"}); }) != nullptr) {
      continue;
    }
    bool inner_slider = false;
    ForEachDescendant(*e, [&](const Node& d) {
      inner_slider = inner_slider || HasRoleToken(d, {"slider"}) || d.Is("input");
    });
    if (inner_slider) continue;
    if (reported.insert(track).second) report.Fail(*track);
  }
}

void SwitchWithoutAria(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!HasToken(*e, {"switch", "toggle-switch", "switch-toggle", "toggle"})) continue;
    if (e->IsAnyOf({"input", "button", "label", "a", "select"})) continue;
    if (!HasHandler(*e, "onclick")) continue;
    if (HasRoleToken(*e, {"switch", "checkbox", "button", "menuitemcheckbox"})) continue;
    report.Fail(*e);
  }
}

bool IsTreeClass(const std::string& t) {
  return t == "tree" || t == "treeview" || t == "tree-view" || t == "file-tree" || t == "tree-list";
}

// A nested list that expands and collapses (handlers or state classes) classed as a tree,
// without role=tree: screen readers read nested lists with no expanded state or tree keys.
void TreeviewWithoutAria(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!AnyClass(*e, IsTreeClass) || !FirstRoleToken(*e).empty()) continue;
    if (e->Closest([](const Node& n) { return AnyClass(n, IsTreeClass); }) != nullptr) continue;
    bool nested = false, interactive = false;
    ForEachDescendant(*e, [&](const Node& d) {
      if (d.IsAnyOf({"ul", "ol"}) && d.Closest([](const Node& n) {
            return n.IsAnyOf({"ul", "ol"});
          }) != nullptr) {
        nested = true;
      }
      if (HasHandler(d, "onclick") || HasRoleToken(d, {"treeitem"})) interactive = true;
    });
    if (nested && interactive) report.Fail(*e);
  }
}

// --- Clickable elements ------------------------------------------------------------------

// onclick on an element that is not operable (div, span, img...), with no role and no
// tabindex: mouse users can activate it, keyboard and screen reader users cannot.
void InteractiveElementIssue(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!HasHandler(*e, "onclick") || IsOperable(*e)) continue;
    if (e->IsAnyOf({"html", "body", "label", "option", "input", "video", "audio"})) continue;
    if (!FirstRoleToken(*e).empty()) continue;
    if (ContainsOperable(*e)) continue;  // A handler delegated to the controls inside.
    // Handlers that only stop a click from reaching the backdrop, and backdrops that close a
    // dialog on click (a mouse shortcut next to a real close button), are not controls.
    std::string handler = Lower(e->AttrOr("onclick"));
    if (handler.find("stoppropagation") != std::string::npos && handler.size() < 60) continue;
    if (AnyClass(*e, [](const std::string& t) {
          return t.find("overlay") != std::string::npos || t.find("backdrop") != std::string::npos;
        })) {
      continue;
    }
    if (page.sem.IsHidden(*e)) continue;
    report.Fail(*e);
  }
}

}  // namespace

void AddPatternRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrAccordionWithoutARIA",
      .type = IssueType::kError,
      .category = "interactive",
      .wcag = {"1.3.1", "2.1.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This accordion's toggle buttons do not expose their expanded state "
              "(aria-expanded missing, or never updated by the script that toggles them).",
      .why = "Screen reader users cannot tell whether a section is open or closed, or that "
             "activating the button revealed content.",
      .fix = "Give each accordion button aria-expanded (true/false), update it when the panel "
             "opens or closes, and point aria-controls at the panel.",
      .check = AccordionWithoutAria,
  });
  rules.push_back({
      .code = "ErrDropdownWithoutARIA",
      .type = IssueType::kError,
      .category = "interactive",
      .wcag = {"1.3.1", "2.1.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This dropdown's toggle does not say whether its menu is open (no "
              "aria-expanded).",
      .why = "Screen reader users activate the toggle and hear nothing change; they do not "
             "know a list of options appeared.",
      .fix = "Use a <button> with aria-expanded (updated on toggle) and aria-controls pointing "
             "at the list; or use a native <select>.",
      .check = DropdownWithoutAria,
  });
  rules.push_back({
      .code = "ErrInappropriateMenuRole",
      .type = IssueType::kError,
      .category = "interactive",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This role=\"menu\"/\"menubar\" holds only links to pages: it is site "
              "navigation, not an application menu.",
      .why = "Screen readers switch to application-menu mode and expect arrow-key navigation; "
             "users lose the list and link semantics they rely on to browse a site.",
      .fix = "Remove the menu roles and use a <nav> with a list of links.",
      .check = InappropriateMenuRole,
  });
  rules.push_back({
      .code = "ErrInteractiveElementIssue",
      .type = IssueType::kError,
      .category = "interactive",
      .wcag = {"2.1.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This element has a click handler but is not a control: no role, not "
              "focusable.",
      .why = "Keyboard users cannot reach or activate it, and screen readers do not announce "
             "it as something that can be used.",
      .fix = "Use a <button> (or a link for navigation); failing that, add role=\"button\", "
             "tabindex=\"0\" and Enter/Space key handling.",
      .check = InteractiveElementIssue,
  });
  rules.push_back({
      .code = "ErrMenuWithoutARIA",
      .type = IssueType::kError,
      .category = "interactive",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This menu is built from clickable elements with no menu roles.",
      .why = "Screen readers announce plain text: users do not know it is a menu, how many "
             "items it has, or that the items can be activated, and cannot reach them by "
             "keyboard.",
      .fix = "Use buttons (or role=\"menu\" with role=\"menuitem\" items, roving tabindex and "
             "arrow-key handling), and aria-expanded on the control that opens it.",
      .check = MenuWithoutAria,
  });
  rules.push_back({
      .code = "ErrTabpanelWithoutARIA",
      .type = IssueType::kError,
      .category = "interactive",
      .wcag = {"1.3.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This set of tabs has no tab roles (role=\"tablist\", \"tab\", \"tabpanel\").",
      .why = "Screen reader users hear loose buttons or text: not that they are tabs, which one "
             "is selected, or which panel each controls.",
      .fix = "Add role=\"tablist\" to the container, role=\"tab\" with aria-selected and "
             "aria-controls to each tab, and role=\"tabpanel\" with aria-labelledby to each "
             "panel.",
      .check = TabpanelWithoutAria,
  });
  rules.push_back({
      .code = "ErrTooltipWithoutARIA",
      .type = IssueType::kError,
      .category = "interactive",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This tooltip is not connected to its trigger (no role=\"tooltip\", no "
              "aria-describedby), or appears on mouse hover only.",
      .why = "Screen reader and keyboard users never get the tooltip's information.",
      .fix = "Give the tooltip role=\"tooltip\" and an id, reference it with aria-describedby "
             "from a focusable trigger, and show it on focus as well as hover.",
      .check = TooltipWithoutAria,
  });
  rules.push_back({
      .code = "WarnSliderWithoutARIA",
      .type = IssueType::kWarning,
      .category = "interactive",
      .wcag = {"1.3.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This custom slider's thumb has no role=\"slider\" and no value attributes.",
      .why = "Screen reader users cannot learn the slider's value or range, and keyboard "
             "users usually cannot move it.",
      .fix = "Use <input type=\"range\">, or give the thumb role=\"slider\", tabindex=\"0\", "
             "aria-valuenow/min/max, a name, and arrow-key handling.",
      .check = SliderWithoutAria,
  });
  rules.push_back({
      .code = "WarnSwitchWithoutARIA",
      .type = IssueType::kWarning,
      .category = "interactive",
      .wcag = {"1.3.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This clickable toggle switch has no role=\"switch\" (or checkbox) and no "
              "checked state.",
      .why = "Screen reader users cannot tell that it is a switch or whether it is on.",
      .fix = "Use <input type=\"checkbox\" role=\"switch\">, or give the element "
             "role=\"switch\", aria-checked, tabindex=\"0\" and Space key handling.",
      .check = SwitchWithoutAria,
  });
  rules.push_back({
      .code = "WarnTreeviewWithoutARIA",
      .type = IssueType::kWarning,
      .category = "interactive",
      .wcag = {"1.3.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This expandable tree has no tree roles (role=\"tree\", \"treeitem\", "
              "aria-expanded).",
      .why = "Screen reader users hear nested lists with no sign of which branches are open "
             "or can be expanded.",
      .fix = "Add role=\"tree\", role=\"treeitem\" with aria-expanded on branches, "
             "role=\"group\" on child lists, and arrow-key handling; or use nested "
             "disclosure buttons.",
      .check = TreeviewWithoutAria,
  });
}

}  // namespace a11y::checks::widgets
