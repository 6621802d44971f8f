// ARIA: roles, states and properties used as WAI-ARIA 1.2 defines them (the ACT rules
// 674b10, 5f99a7, 4e8ab6, 5c01ea, 6cfa84, 6a7281, ff89c9, bc4a75), aria-label against visible
// text for voice control, dialogs without aria-modal, and tabindex values that do not parse.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>
#include <unordered_map>

#include "checks/rule.h"

namespace a11y::checks {
namespace {

bool IsAriaName(std::string_view attr) { return attr.rfind("aria-", 0) == 0; }

bool HasGlobalAria(const Node& e) {
  return std::any_of(e.attributes.begin(), e.attributes.end(),
                     [](const Attribute& a) { return IsGlobalAriaAttribute(a.name); });
}

// Left out of the accessibility tree with its children promoted: presentational elements,
// and generic wrappers that nothing (a live region, a focus stop, a label) makes interesting.
bool IsTransparent(const Page& page, const Node& e) {
  std::string_view role = page.sem.Role(e);
  if (role == "none" || role == "presentation") return true;
  if (role.empty() || role == "generic") {
    return !HasGlobalAria(e) && !page.sem.IsFocusable(e);
  }
  return false;
}

// The role set by role="" (after presentational conflict resolution), when it differs from
// the element's implicit role. ACT's rules on explicit roles skip redundant ones.
std::string_view NonRedundantExplicitRole(const Page& page, const Node& e) {
  std::string_view role = page.sem.ExplicitRole(e);
  if (role.empty() || role == page.sem.ImplicitRole(e)) return {};
  return role;
}

// ---------------------------------------------------------------------------------------------
// 674b10: a role attribute with no valid, concrete role in it.

void RoleInvalid(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    const std::string* attr = e->Attr("role");
    if (attr == nullptr || e->ns == Namespace::kMathMl) continue;
    std::vector<std::string_view> tokens = SplitTokens(*attr);
    if (tokens.empty() || page.sem.IsHidden(*e)) continue;
    bool valid = std::any_of(tokens.begin(), tokens.end(), [](std::string_view t) {
      const RoleInfo* info = FindRole(Lower(t));
      return info != nullptr && !info->abstract;
    });
    if (valid) {
      report.Pass(*e);
    } else {
      report.Fail(*e, "role=\"" + std::string(TrimAscii(*attr)) + "\"");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 5f99a7: aria-* attributes that WAI-ARIA does not define (typos such as aria-labeledby).

void AttributeUndefined(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->ns == Namespace::kMathMl) continue;
    bool any = false;
    std::string bad;
    for (const Attribute& a : e->attributes) {
      if (!IsAriaName(a.name)) continue;
      any = true;
      if (!IsAriaAttribute(a.name) && bad.empty()) bad = a.name;
    }
    if (!any) continue;
    if (bad.empty()) {
      report.Pass(*e);
    } else {
      report.Fail(*e, bad);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 4e8ab6: an explicit role without the states and properties it requires.

bool HasNonEmpty(const Node& e, std::string_view attr) {
  return !TrimAscii(e.AttrOr(attr)).empty();
}

// The required attribute is satisfied some other way: a default value in WAI-ARIA 1.2, or
// the host element's native state (a checkbox input's checkedness, a range input's value).
enum class Satisfied { kYes, kNo, kUnsure };

Satisfied RequiredSatisfied(const Page& page, const Node& e, std::string_view role,
                            std::string_view attr) {
  if (HasNonEmpty(e, attr)) return Satisfied::kYes;
  // WAI-ARIA 1.2 gives option an implicit aria-selected of false, but not every reading of
  // the spec accepts it as satisfying the requirement.
  if (role == "option" && attr == "aria-selected") return Satisfied::kUnsure;
  // aria-controls is needed only while the combobox popup is shown.
  if (role == "combobox" && attr == "aria-controls") {
    return Lower(TrimAscii(e.AttrOr("aria-expanded"))) == "true" ? Satisfied::kNo : Satisfied::kYes;
  }
  if (e.Is("input")) {
    std::string type = Lower(TrimAscii(e.AttrOr("type")));
    if (attr == "aria-checked" && (type == "checkbox" || type == "radio")) {
      return Satisfied::kYes;
    }
    if (attr == "aria-valuenow" && (type == "range" || type == "number")) return Satisfied::kYes;
  }
  if (attr == "aria-valuenow" && e.IsAnyOf({"meter", "progress"})) return Satisfied::kYes;
  (void)page;
  return Satisfied::kNo;
}

void RequiredAttributesMissing(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    std::string_view role = NonRedundantExplicitRole(page, *e);
    if (role.empty() || page.sem.IsHidden(*e)) continue;
    const RoleInfo* info = FindRole(role);
    if (info == nullptr) continue;
    std::vector<std::string_view> required = info->required_attributes;
    // A focusable separator is a widget and needs its value.
    if (role == "separator" && page.sem.IsFocusable(*e)) required.push_back("aria-valuenow");
    std::string missing;
    bool unsure = false;
    for (std::string_view attr : required) {
      Satisfied s = RequiredSatisfied(page, *e, role, attr);
      if (s == Satisfied::kNo && missing.empty()) missing = attr;
      if (s == Satisfied::kUnsure) unsure = true;
    }
    if (!missing.empty()) {
      report.Fail(*e, "role=\"" + std::string(role) + "\" without " + missing);
    } else if (unsure) {
      report.CantTell(*e);
    } else {
      report.Pass(*e);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 5c01ea: states and properties the element's role does not support.

// The attributes a textbox supports, used for input types that have no ARIA role (password,
// date, time...) which ARIA in HTML lets carry them.
bool InputWithoutRoleAllows(std::string_view attr) {
  const RoleInfo* textbox = FindRole("textbox");
  return textbox != nullptr && RoleSupportsAttribute(*textbox, attr);
}

void AttributeNotAllowed(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->ns == Namespace::kMathMl || page.sem.IsHidden(*e)) continue;
    std::string_view role = page.sem.Role(*e);
    if (role == "none" || role == "presentation") continue;  // Not in the tree itself.
    const RoleInfo* info = FindRole(role);
    bool any = false, unsure = false;
    std::string bad;
    for (const Attribute& a : e->attributes) {
      if (!IsAriaName(a.name) || !IsAriaAttribute(a.name)) continue;
      any = true;
      if (IsGlobalAriaAttribute(a.name)) {
        // Naming a role that prohibits names is an error too, but ACT versions differ on it.
        if ((a.name == "aria-label" || a.name == "aria-labelledby") && info != nullptr &&
            info->name_prohibited) {
          unsure = true;
        }
        continue;
      }
      if (info != nullptr && RoleSupportsAttribute(*info, a.name)) continue;
      if (info == nullptr && e->Is("input") && InputWithoutRoleAllows(a.name)) continue;
      // ARIA in HTML lets some input types carry more than their role's attributes; other
      // elements get nothing beyond their role's.
      bool certain = !e->Is("input");
      if (certain) {
        if (bad.empty()) bad = a.name;
      } else {
        unsure = true;
      }
    }
    if (!any) continue;
    if (!bad.empty()) {
      report.Fail(*e, bad + " is not supported on role " +
                          (role.empty() ? std::string("(none)") : std::string(role)));
    } else if (unsure) {
      report.CantTell(*e);
    } else {
      report.Pass(*e);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 6cfa84: aria-hidden="true" over content that can still take keyboard focus.

// True when an inline script names the element's id and deals with focus: a focus trap's
// sentinel that hands focus on at once. Only running the script could tell.
bool ScriptMayRedirectFocus(const Page& page, const Node& e) {
  const std::string* id = e.Attr("id");
  if (id == nullptr || id->empty()) return false;
  for (const Node* script : page.doc.ElementsByTag("script")) {
    std::string text = script->TextContent();
    if (text.find(*id) != std::string::npos && text.find("focus") != std::string::npos) {
      return true;
    }
  }
  return false;
}

void AriaHiddenFocusable(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (Lower(TrimAscii(e->AttrOr("aria-hidden"))) != "true") continue;
    const Node* focusable = nullptr;
    if (page.sem.IsTabbable(*e)) focusable = e;
    for (auto it = std::upper_bound(page.doc.elements().begin(), page.doc.elements().end(), e,
                                    [](const Node*a, const Node*b) { return a->order < b->order; });
         focusable == nullptr && it != page.doc.elements().end() && e->Contains(**it); ++it) {
      if (page.sem.IsTabbable(**it)) focusable = *it;
    }
    if (focusable != nullptr && ScriptMayRedirectFocus(page, *focusable)) {
      report.CantTell(*e);
    } else if (focusable != nullptr) {
      report.Fail(*e, "focusable: " + Document::Snippet(*focusable));
    } else {
      report.Pass(*e);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 6a7281: state and property values of the wrong type.

bool IsInteger(std::string_view v) {
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
  return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

bool IsNumber(std::string_view v) {
  if (v.empty()) return false;
  std::string s(v);
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isdigit(static_cast<unsigned char>(s.back()));
}

bool OneOf(std::string_view value, std::initializer_list<std::string_view> allowed) {
  std::string v = Lower(value);
  return std::any_of(allowed.begin(), allowed.end(), [&](std::string_view a) { return a == v; });
}

// Valid per the attribute's value type (WAI-ARIA 1.2 section 6.2).
bool ValueValid(std::string_view attr, std::string_view raw) {
  std::string_view v = TrimAscii(raw);
  switch (AriaAttributeType(attr)) {
    case AriaValueType::kTrueFalse: return OneOf(v, {"true", "false"});
    case AriaValueType::kTrueFalseUndefined: return OneOf(v, {"true", "false", "undefined"});
    case AriaValueType::kTristate: return OneOf(v, {"true", "false", "mixed", "undefined"});
    case AriaValueType::kInteger: return IsInteger(v);
    case AriaValueType::kNumber: return IsNumber(v);
    case AriaValueType::kToken: {
      std::vector<std::string_view> allowed = AriaAttributeTokens(attr);
      std::string lv = Lower(v);
      return std::find(allowed.begin(), allowed.end(), lv) != allowed.end();
    }
    case AriaValueType::kTokenList: {
      std::vector<std::string_view> allowed = AriaAttributeTokens(attr);
      std::vector<std::string_view> tokens = SplitTokens(v);
      return !tokens.empty() && std::all_of(tokens.begin(), tokens.end(), [&](std::string_view t) {
        return std::find(allowed.begin(), allowed.end(), Lower(t)) != allowed.end();
      });
    }
    case AriaValueType::kIdRef:
    case AriaValueType::kIdRefList:
      // The referenced element may be added later by script: any token is a valid ID.
      return true;
    case AriaValueType::kString:
    case AriaValueType::kUnknown: return true;
  }
  return true;
}

void AttributeValueInvalid(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->ns == Namespace::kMathMl) continue;
    bool any = false;
    std::string bad;
    for (const Attribute& a : e->attributes) {
      if (!IsAriaName(a.name) || !IsAriaAttribute(a.name) || a.value.empty()) continue;
      // A collapsed combobox's popup need not exist yet.
      if (a.name == "aria-controls" && page.sem.Role(*e) == "combobox" &&
          Lower(TrimAscii(e->AttrOr("aria-expanded"))) != "true") {
        continue;
      }
      any = true;
      if (!ValueValid(a.name, a.value) && bad.empty()) {
        bad = a.name + "=\"" + a.value + "\"";
      }
    }
    if (!any) continue;
    if (bad.empty()) {
      report.Pass(*e);
    } else {
      report.Fail(*e, bad);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// ff89c9 and bc4a75: required context roles and required owned elements.

// Elements named in some aria-owns, mapped to their owner.
std::unordered_map<const Node*, const Node*> AriaOwners(const Page& page) {
  std::unordered_map<const Node*, const Node*> owners;
  for (const Node* e : page.doc.elements()) {
    const std::string* owns = e->Attr("aria-owns");
    if (owns == nullptr) continue;
    for (const Node* owned : page.doc.ElementsByIdList(*owns)) owners.emplace(owned, e);
  }
  return owners;
}

// The element that owns `e` in the accessibility tree: the one whose aria-owns names it, else
// the nearest ancestor that is exposed with a role of its own.
const Node* AccessibleParent(const Page& page, const Node& e,
                             const std::unordered_map<const Node*, const Node*>& owners) {
  auto it = owners.find(&e);
  if (it != owners.end()) return it->second;
  for (const Node* p = e.parent; p != nullptr && p->is_element(); p = p->parent) {
    if (!IsTransparent(page, *p)) return p;
  }
  return nullptr;
}

void RequiredContextMissing(const Page& page, Reporter& report) {
  const auto owners = AriaOwners(page);
  for (const Node* e : page.doc.elements()) {
    std::string_view role = NonRedundantExplicitRole(page, *e);
    if (role.empty() || page.sem.IsHidden(*e)) continue;
    const RoleInfo* info = FindRole(role);
    if (info == nullptr || info->required_context.empty()) continue;
    const Node* parent = AccessibleParent(page, *e, owners);
    std::string_view parent_role = parent != nullptr ? page.sem.Role(*parent) : "";
    const auto& context = info->required_context;
    if (std::find(context.begin(), context.end(), parent_role) != context.end()) {
      report.Pass(*e);
    } else {
      report.Fail(*e, "role=\"" + std::string(role) + "\" inside " +
                          (parent_role.empty() ? std::string("no accessible parent")
                                               : "role " + std::string(parent_role)));
    }
  }
}

// The accessibility children of `e`: child elements with a role of their own, looking
// through generic and presentational wrappers; hidden ones left out. Text directly owned is
// reported as a null entry (it has no role, so it is never allowed).
void CollectOwned(const Page& page, const Node& e, std::vector<const Node*>& out, int depth) {
  if (depth > 64) return;
  for (const Node* c : e.children) {
    if (c->is_text()) {
      if (!TrimAscii(c->text).empty()) out.push_back(nullptr);
      continue;
    }
    if (!c->is_element() || page.sem.IsHidden(*c)) continue;
    if (IsTransparent(page, *c)) {
      CollectOwned(page, *c, out, depth + 1);
    } else {
      out.push_back(c);
    }
  }
}

// What the HTML content model lets native containers hold, beyond the required roles.
std::vector<std::string_view> NativeChildren(const Node& e) {
  if (e.IsAnyOf({"ul", "ol", "menu"})) return {"li", "script", "template"};
  if (e.Is("table")) {
    return {"caption", "colgroup", "thead", "tbody", "tfoot", "tr", "script", "template"};
  }
  if (e.IsAnyOf({"thead", "tbody", "tfoot"})) return {"tr", "script", "template"};
  if (e.Is("tr")) return {"td", "th", "script", "template"};
  if (e.IsAnyOf({"select", "datalist"})) return {"option", "optgroup", "hr", "script", "template"};
  return {};
}

// A native container (implicit role): its child elements must be the ones HTML allows or
// carry a required role. Returns the first that is neither.
const Node* WrongNativeChild(const Page& page, const Node& e, const RoleInfo& info, bool* any) {
  std::vector<std::string_view> allowed = NativeChildren(e);
  for (const Node* c : e.ChildElements()) {
    if (page.sem.IsHidden(*c)) continue;
    *any = true;
    if (std::find(allowed.begin(), allowed.end(), c->tag) != allowed.end()) continue;
    std::string_view r = page.sem.Role(*c);
    const auto& owned = info.required_owned;
    if (std::find(owned.begin(), owned.end(), r) != owned.end()) continue;
    return c;
  }
  return nullptr;
}

void RequiredOwnedMissing(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (page.sem.IsHidden(*e)) continue;
    std::string_view role = page.sem.Role(*e);
    const RoleInfo* info = FindRole(role);
    if (info == nullptr || info->required_owned.empty()) continue;
    if (Lower(TrimAscii(e->AttrOr("aria-busy"))) == "true") continue;  // Being built.
    bool native = page.sem.ExplicitRole(*e).empty();
    if (native && NativeChildren(*e).empty()) continue;
    const auto& allowed = info->required_owned;
    const Node* wrong = nullptr;
    bool wrong_text = false, unsure = false, any = false;
    if (native) {
      wrong = WrongNativeChild(page, *e, *info, &any);
      unsure = !any;
    } else {
      std::vector<const Node*> owned;
      CollectOwned(page, *e, owned, 0);
      for (const Node* o : page.doc.ElementsByIdList(e->AttrOr("aria-owns"))) {
        if (!page.sem.IsHidden(*o)) owned.push_back(o);
      }
      unsure = owned.empty();
      for (const Node* o : owned) {
        if (o == nullptr) {
          wrong_text = true;
          break;
        }
        std::string_view r = page.sem.Role(*o);
        if (std::find(allowed.begin(), allowed.end(), r) != allowed.end()) continue;
        // Separators in menus are common and WAI-ARIA versions disagree on them.
        if (r == "separator" && (role == "menu" || role == "menubar")) {
          unsure = true;
          continue;
        }
        wrong = o;
        break;
      }
    }
    if (wrong_text) {
      report.Fail(*e, "role \"" + std::string(role) + "\" directly contains text");
    } else if (wrong != nullptr) {
      std::string_view r = page.sem.Role(*wrong);
      report.Fail(*e, "role \"" + std::string(role) + "\" owns <" + wrong->tag + ">" +
                          (r.empty() ? std::string() : " with role " + std::string(r)));
    } else if (unsure) {
      report.CantTell(*e);
    } else {
      report.Pass(*e);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// aria-label that does not contain the visible text: "click Continue" finds nothing when
// the control is named "Go to next page".

// Lower case, letters and digits only, words separated by one space.
std::string Words(std::string_view s) {
  std::string out;
  bool space = false;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c >= 0x80) {
      if (space && !out.empty()) out += ' ';
      space = false;
      out += static_cast<char>(std::tolower(c));
    } else {
      space = true;
    }
  }
  return out;
}

bool ContainsWords(const std::string& haystack, const std::string& needle) {
  if (needle.empty()) return true;
  std::string h = " " + haystack + " ";
  return h.find(" " + needle + " ") != std::string::npos;
}

bool HasLetterOrDigit(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

void AriaLabelHidesVisibleText(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!e->HasAttr("aria-label") || page.sem.IsHidden(*e)) continue;
    if (page.sem.NameSource(*e) != "aria-label") continue;
    const RoleInfo* info = FindRole(page.sem.Role(*e));
    // Controls whose name would otherwise come from what they show.
    if (info == nullptr || !info->widget || !info->name_from_content) continue;
    std::string visible = Words(page.sem.VisibleText(*e));
    if (visible.empty() || !HasLetterOrDigit(visible)) continue;
    std::string label = Words(page.sem.Name(*e));
    if (!ContainsWords(label, visible)) {
      report.Fail(*e, "visible \"" + page.sem.VisibleText(*e) + "\", aria-label \"" +
                          page.sem.Name(*e) + "\"");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// role="dialog"/"alertdialog" without aria-modal="true": screen readers can wander out of
// it into the page behind. A native <dialog> opened with showModal() is modal by itself.

void DialogWithoutAriaModal(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->Is("dialog")) continue;
    std::string_view role = page.sem.ExplicitRole(*e);
    if (role != "dialog" && role != "alertdialog") continue;
    if (Lower(TrimAscii(e->AttrOr("aria-modal"))) == "true") continue;
    report.Fail(*e);
  }
}

// ---------------------------------------------------------------------------------------------
// tabindex that is not an integer: browsers ignore it, so the author's intent is lost.

void TabindexInvalid(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    const std::string* v = e->Attr("tabindex");
    if (v == nullptr) continue;
    std::string_view t = TrimAscii(*v);
    if (!t.empty() && t[0] == '-') t.remove_prefix(1);
    bool digits = !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
    if (!digits) report.Fail(*e, "tabindex=\"" + *v + "\"");
  }
}

// ---------------------------------------------------------------------------------------------
// Accessible names: controls and containers that need a name and have none.

// Decodes one UTF-8 code point at `i` (advancing it); invalid bytes come back as themselves.
char32_t NextCodePoint(std::string_view s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i++]);
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  char32_t cp = extra == 3 ? c & 0x07 : extra == 2 ? c & 0x0F : extra == 1 ? c & 0x1F : c;
  for (int k = 0; k < extra && i < s.size(); ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
  }
  return cp;
}

// True when the text holds something a person can read as words: a letter or digit of any
// script. Symbols, arrows, dingbats, emoji and icon-font glyphs (private use area) alone are
// announced as odd character names ("magnifying glass tilted left") or not at all.
bool HasReadableText(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    char32_t cp = NextCodePoint(s, i);
    if (cp < 0x80) {
      if (std::isalnum(static_cast<unsigned char>(cp))) return true;
      continue;
    }
    bool symbol = (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
                  (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
                  (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0xF0000) || cp == 0xD7 || cp == 0xA0 ||
                  cp == 0xA9 || cp == 0xAE || cp == 0xB7 || cp == 0xF7;
    if (!symbol) return true;
  }
  return false;
}

bool HasHandler(const Node& e) {
  for (std::string_view h : {"onclick", "onkeydown", "onkeyup", "onkeypress", "onmousedown",
                             "onmouseup", "onpointerdown", "onpointerup", "ontouchstart"}) {
    if (e.HasAttr(h)) return true;
  }
  return false;
}

// Roles whose elements must be named to be usable (WAI-ARIA "name required" among widgets
// and windows).
bool RoleNeedsName(std::string_view role) {
  static constexpr std::string_view kRoles[] = {
      "button",   "checkbox",         "combobox",      "link",    "listbox",
      "menuitem", "menuitemcheckbox", "menuitemradio", "radio",   "searchbox",
      "slider",   "spinbutton",       "switch",        "textbox", "tab",
      "treeitem", "dialog",           "alertdialog",   "tree",    "treegrid",
      "grid"};
  return std::find(std::begin(kRoles), std::end(kRoles), role) != std::end(kRoles);
}

// Something a user operates but that exposes no role able to carry a name: a clickable or
// focusable <div>, <span>, custom element or image. Containers that only delegate events
// (they hold real controls) and parts of a real control are left alone.
bool IsAdHocControl(const Page& page, const Node& e, std::string_view role) {
  if (!(role.empty() || role == "generic" || role == "none" || role == "presentation" ||
        role == "img")) {
    return false;
  }
  if (e.IsAnyOf({"html", "body", "label", "main", "form"}) || e.ns != Namespace::kHtml) {
    return false;
  }
  std::optional<int> tabindex = page.sem.TabIndex(e);
  bool operable = HasHandler(e);
  if (!operable && tabindex.has_value() && *tabindex >= 0) {
    // tabindex="0" alone also makes scroll containers reachable by keyboard, as it should.
    const ComputedStyle& style = page.styles.Of(e);
    auto scrolls = [&](std::string_view property) {
      std::string_view v = style.Get(property);
      return v.find("auto") != std::string_view::npos || v.find("scroll") != std::string_view::npos;
    };
    operable =
        !e.Is("pre") && !scrolls("overflow") && !scrolls("overflow-x") && !scrolls("overflow-y");
  }
  if (!operable) return false;
  if (e.Closest([&](const Node& n) { return n.IsAnyOf({"a", "button"}) || n.Is("label"); })) {
    return false;
  }
  for (auto it = std::upper_bound(page.doc.elements().begin(), page.doc.elements().end(), &e,
                                  [](const Node*a, const Node*b) { return a->order < b->order; });
       it != page.doc.elements().end() && e.Contains(**it); ++it) {
    if (page.sem.IsFocusable(**it)) return false;
  }
  return true;
}

// An input a user fills in or operates (everything but type=hidden).
bool IsLabelableInput(const Node& input) {
  return Lower(TrimAscii(input.AttrOr("type"))) != "hidden";
}

void MissingAccessibleName(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    std::string_view role = page.sem.Role(*e);
    bool dialog = e->Is("dialog") || role == "dialog" || role == "alertdialog";
    // Dialogs are usually hidden until opened; their name matters when they are.
    if (!dialog && page.sem.IsHidden(*e)) continue;
    bool needs = RoleNeedsName(role) || dialog || e->Is("iframe") ||
                 (e->Is("input") && role.empty() && IsLabelableInput(*e)) ||
                 IsAdHocControl(page, *e, role);
    if (!needs) continue;
    // The <option>s of a listbox or a generic widget inside a named one are covered by it.
    if (role == "listbox" && e->Is("datalist")) continue;
    const std::string& name = page.sem.Name(*e);
    std::string_view source = page.sem.NameSource(*e);
    if (IsAdHocControl(page, *e, role) && role != "img") {
      // Its text is not exposed as the name of a control: there is no control role.
      if (!e->HasAttr("aria-label") && !e->HasAttr("aria-labelledby")) {
        report.Fail(*e, "no role to carry a name");
        continue;
      }
    }
    if (name.empty()) {
      report.Fail(*e);
    } else if (source == "placeholder") {
      report.Fail(*e, "only a placeholder, which disappears on input");
    } else if (!HasReadableText(name)) {
      report.Fail(*e, "name is only symbols: \"" + name + "\"");
    }
  }
}

// Names that say nothing about the destination or action out of context.
void GenericAccessibleName(const Page& page, Reporter& report) {
  static constexpr std::string_view kGeneric[] = {"click here",
                                                  "click",
                                                  "here",
                                                  "read more",
                                                  "more",
                                                  "learn more",
                                                  "more info",
                                                  "more information",
                                                  "link",
                                                  "button",
                                                  "this link",
                                                  "this",
                                                  "click this",
                                                  "details",
                                                  "info",
                                                  "go here",
                                                  "continue reading",
                                                  "see more",
                                                  "view more",
                                                  "tap here"};
  for (const Node* e : page.doc.elements()) {
    std::string_view role = page.sem.Role(*e);
    if (role != "link" && role != "button") continue;
    if (page.sem.IsHidden(*e)) continue;
    std::string words = Words(page.sem.Name(*e));
    if (std::find(std::begin(kGeneric), std::end(kGeneric), words) != std::end(kGeneric)) {
      report.Fail(*e, "\"" + page.sem.Name(*e) + "\"");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// title attributes: shown only as a mouse-hover tooltip, never to keyboard or touch users,
// and read inconsistently by screen readers.

bool InBody(const Node& e) {
  return e.ns == Namespace::kHtml && e.Closest([](const Node& n) { return n.Is("body"); });
}

// Where title is the element's proper name or expansion, not a tooltip.
bool TitleIsNative(const Node& e) {
  return e.IsAnyOf(
      {"iframe", "frame", "abbr", "acronym", "dfn", "object", "embed", "style", "link", "meta"});
}

bool IsInteractive(const Page& page, const Node& e) {
  if (page.sem.IsFocusable(e)) return true;
  if (e.IsAnyOf({"input", "select", "textarea", "button"})) return true;
  const RoleInfo* info = FindRole(page.sem.Role(e));
  return info != nullptr && info->widget;
}

bool VagueTitle(const Page& page, const Node& e, const std::string& title_words) {
  static constexpr std::string_view kVague[] = {
      "click here", "click",       "here",    "link",     "button",    "image",
      "picture",    "photo",       "icon",    "more",     "read more", "more info",
      "info",       "information", "details", "tooltip",  "title",     "click me",
      "this",       "go",          "submit",  "untitled", "null",      "undefined"};
  if (std::find(std::begin(kVague), std::end(kVague), title_words) != std::end(kVague)) {
    return true;
  }
  // Repeating the visible text adds nothing (and some screen readers read it twice).
  std::string visible = Words(page.sem.VisibleText(e));
  if (!visible.empty() && visible == title_words) return true;
  std::string name = Words(page.sem.Name(e));
  return page.sem.NameSource(e) != "title" && !name.empty() && name == title_words;
}

void EmptyTitle(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    const std::string* title = e->Attr("title");
    if (title == nullptr || !TrimAscii(*title).empty() || !InBody(*e)) continue;
    if (page.sem.IsInvisible(*e)) continue;
    report.Fail(*e);
  }
}

// A tooltip on something that cannot take focus: keyboard and touch users never see it.
void ImproperTitle(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    const std::string* title = e->Attr("title");
    if (title == nullptr || TrimAscii(*title).empty() || !InBody(*e)) continue;
    if (TitleIsNative(*e) || e->IsAnyOf({"img", "area", "svg", "html", "body"})) continue;
    if (page.sem.IsHidden(*e) || IsInteractive(page, *e)) continue;
    report.Fail(*e, "title=\"" + std::string(TrimAscii(*title)) + "\"");
  }
}

// A control whose title carries information shown nowhere else.
void TitleCarriesInformation(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    const std::string* title = e->Attr("title");
    if (title == nullptr || TrimAscii(*title).empty() || !InBody(*e)) continue;
    if (TitleIsNative(*e) || page.sem.IsHidden(*e) || !IsInteractive(page, *e)) continue;
    std::string words = Words(*title);
    if (VagueTitle(page, *e, words)) continue;  // WarnVagueTitleAttribute's case.
    std::string visible = Words(page.sem.VisibleText(*e));
    for (const Node* label : page.sem.Labels(*e))
      visible += " " + Words(page.sem.VisibleText(*label));
    if (!words.empty() && ContainsWords(visible, words)) continue;
    report.Fail(*e, "title=\"" + std::string(TrimAscii(*title)) + "\"");
  }
}

void VagueTitleAttribute(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    const std::string* title = e->Attr("title");
    if (title == nullptr || TrimAscii(*title).empty() || !InBody(*e)) continue;
    if (TitleIsNative(*e) || page.sem.IsHidden(*e) || !IsInteractive(page, *e)) continue;
    if (VagueTitle(page, *e, Words(*title))) {
      report.Fail(*e, "title=\"" + std::string(TrimAscii(*title)) + "\"");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Heading levels that skip: an h1 followed by an h3 suggests a missing level, and screen
// reader users who navigate by level lose the outline.

int HeadingLevel(const Page& page, const Node& h) {
  std::string_view level = TrimAscii(h.AttrOr("aria-level"));
  if (!page.sem.ExplicitRole(h).empty() && IsInteger(level)) {
    int n = std::atoi(std::string(level).c_str());
    if (n >= 1) return n;
  }
  if (h.tag.size() == 2 && h.tag[0] == 'h' && h.tag[1] >= '1' && h.tag[1] <= '6') {
    return h.tag[1] - '0';
  }
  return 2;  // role="heading" without a usable aria-level.
}

void HeadingLevelSkipped(const Page& page, Reporter& report) {
  int previous = 0;
  for (const Node* e : page.doc.elements()) {
    if (page.sem.Role(*e) != "heading" || page.sem.IsHidden(*e)) continue;
    int level = HeadingLevel(page, *e);
    if (previous > 0 && level > previous + 1) {
      report.Fail(*e, "h" + std::to_string(previous) + " then h" + std::to_string(level));
    }
    previous = level;
  }
}

}  // namespace

void AddAriaRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrAriaAttributeNotAllowed",
      .type = IssueType::kError,
      .category = "aria",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {"5c01ea"},
      .what = "This element carries an ARIA state or property that its role does not support.",
      .why = "Browsers drop attributes a role does not support, so the state the author meant "
             "to convey never reaches screen reader users.",
      .fix = "Remove the attribute, or give the element the role that supports it.",
      .check = AttributeNotAllowed,
  });
  rules.push_back({
      .code = "ErrAriaAttributeUndefined",
      .type = IssueType::kError,
      .category = "aria",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {"5f99a7"},
      .what = "This element has an aria-* attribute that WAI-ARIA does not define.",
      .why = "An unknown attribute (often a misspelling such as aria-labeledby) is ignored, "
             "so the name, state or relation it was meant to give is missing.",
      .fix = "Correct the attribute name to a WAI-ARIA state or property, or remove it.",
      .check = AttributeUndefined,
  });
  rules.push_back({
      .code = "ErrAriaAttributeValueInvalid",
      .type = IssueType::kError,
      .category = "aria",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {"6a7281"},
      .what = "An ARIA state or property on this element has a value its type does not allow.",
      .why = "Browsers ignore or reinterpret invalid values, so assistive technology reports a "
             "different state than the one shown, or none.",
      .fix = "Use a value the attribute allows (true/false, a number, one of its tokens, or the "
             "id of an element on the page).",
      .check = AttributeValueInvalid,
  });
  rules.push_back({
      .code = "ErrAriaHiddenContainsFocusable",
      .type = IssueType::kError,
      .category = "aria",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"6cfa84"},
      .what = "This aria-hidden=\"true\" element contains something that can receive keyboard "
              "focus.",
      .why = "Keyboard users land on a control that screen readers cannot announce: focus "
             "seems to vanish, or a nameless control is read.",
      .fix = "Make the content inside unfocusable (tabindex=\"-1\", disabled, or inert), or "
             "remove aria-hidden.",
      .check = AriaHiddenFocusable,
  });
  rules.push_back({
      .code = "ErrAriaLabelMayNotBeFoundByVoiceControl",
      .type = IssueType::kError,
      .category = "aria",
      .wcag = {"2.5.3"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This control's aria-label does not contain the text it shows.",
      .why = "Voice control users say the words they see (\"click Continue\"); when the "
             "accessible name is different text, the command finds nothing.",
      .fix = "Start the aria-label with the visible text (\"Continue to next page\"), or drop "
             "aria-label and let the visible text be the name.",
      .check = AriaLabelHidesVisibleText,
  });
  rules.push_back({
      .code = "ErrAriaRequiredAttributeMissing",
      .type = IssueType::kError,
      .category = "aria",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"4e8ab6"},
      .what = "This element's role needs a state or property that is not set.",
      .why = "Without it, assistive technology cannot say whether the checkbox is checked, "
             "what value the slider has, or what level the heading is.",
      .fix = "Add the required attribute (for example aria-checked on role=\"checkbox\", "
             "aria-valuenow on role=\"slider\") and keep it up to date.",
      .check = RequiredAttributesMissing,
  });
  rules.push_back({
      .code = "ErrAriaRequiredContextMissing",
      .type = IssueType::kError,
      .category = "aria",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"ff89c9"},
      .what = "This element's role must sit inside a particular parent role, and does not.",
      .why = "A tab outside a tablist or a list item outside a list loses its position and "
             "grouping, so screen readers announce it out of context or not at all.",
      .fix = "Place the element inside its required parent (tab in tablist, option in listbox, "
             "listitem in list, row in table or grid...), or change its role.",
      .check = RequiredContextMissing,
  });
  rules.push_back({
      .code = "ErrAriaRequiredOwnedMissing",
      .type = IssueType::kError,
      .category = "aria",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"bc4a75"},
      .what = "This element's role may only contain certain child roles, and it contains "
              "another.",
      .why = "A list with non-item children or a tablist holding plain buttons is announced "
             "with wrong counts and structure, and keyboard patterns break.",
      .fix = "Give the children the roles the container requires (listitem, option, tab, "
             "row...), or wrap other content so it is not a direct child.",
      .check = RequiredOwnedMissing,
  });
  rules.push_back({
      .code = "ErrAriaRoleInvalid",
      .type = IssueType::kError,
      .category = "aria",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"674b10"},
      .what = "This role attribute has no valid WAI-ARIA role in it.",
      .why = "An unknown or abstract role is ignored, so the element is announced as plain "
             "content instead of the widget or structure intended.",
      .fix = "Use a defined, concrete role (button, navigation, dialog...) or remove the role "
             "attribute.",
      .check = RoleInvalid,
  });
  rules.push_back({
      .code = "ErrInvalidTabindex",
      .type = IssueType::kError,
      .category = "aria",
      .wcag = {"2.4.3", "4.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This tabindex value is not an integer.",
      .why = "Browsers ignore a tabindex they cannot parse, so the element is not made "
             "focusable, or not taken out of the Tab order, as the author intended.",
      .fix = "Use tabindex=\"0\" to make an element focusable, tabindex=\"-1\" for focus by "
             "script only, or remove the attribute.",
      .check = TabindexInvalid,
  });
  rules.push_back({
      .code = "WarnMissingAriaModal",
      .type = IssueType::kWarning,
      .category = "aria",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This dialog does not say it is modal (aria-modal=\"true\").",
      .why = "Screen reader users can move past a modal dialog into the page behind it, which "
             "they cannot use while the dialog is open.",
      .fix = "Add aria-modal=\"true\" to modal dialogs (or use <dialog> with showModal()); a "
             "dialog that really is non-modal can keep the page usable and ignore this.",
      .check = DialogWithoutAriaModal,
  });
  rules.push_back({
      .code = "ErrMissingAccessibleName",
      .type = IssueType::kError,
      .category = "accessible-names",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This control or dialog has no accessible name a screen reader can announce.",
      .why = "Screen reader and voice control users hear only \"button\" or \"edit text\" (or "
             "nothing) and cannot tell what it does or target it by name.",
      .fix = "Give it visible text, a <label>, or aria-label/aria-labelledby; a clickable "
             "<div> or <span> also needs a role (better: use <button> or <a href>).",
      .check = MissingAccessibleName,
  });
  rules.push_back({
      .code = "WarnGenericAccessibleName",
      .type = IssueType::kWarning,
      .category = "accessible-names",
      .wcag = {"2.4.6"},
      .level = WcagLevel::kAA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This link or button has a generic name such as \"click here\" or \"read more\".",
      .why = "Screen reader users who list links or buttons hear the same words many times "
             "and cannot tell the destinations or actions apart.",
      .fix = "Name the destination or action (\"Read the 2024 annual report\"); keep generic "
             "words only with a visually hidden completion.",
      .check = GenericAccessibleName,
  });
  rules.push_back({
      .code = "ErrEmptyTitleAttr",
      .type = IssueType::kError,
      .category = "title-attributes",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This element has an empty title attribute.",
      .why = "An empty title gives no information and hides any tooltip the element would "
             "otherwise inherit; some tools read it as a missing name.",
      .fix = "Remove the empty title attribute, or give it meaningful text.",
      .check = EmptyTitle,
  });
  rules.push_back({
      .code = "ErrImproperTitleAttribute",
      .type = IssueType::kError,
      .category = "title-attributes",
      .wcag = {"1.3.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "A title tooltip is used on an element that cannot receive focus.",
      .why = "Its text appears only when a mouse hovers: keyboard, touch and many screen "
             "reader users never get it.",
      .fix = "Show the information as visible text (or link it with aria-describedby), and "
             "remove the title.",
      .check = ImproperTitle,
  });
  rules.push_back({
      .code = "ErrTitleAttrFound",
      .type = IssueType::kError,
      .category = "title-attributes",
      .wcag = {"3.3.2", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This control's title attribute holds information that is not shown anywhere "
              "else.",
      .why = "Tooltips appear only on mouse hover, so keyboard and touch users miss the label "
             "or instructions, and screen readers announce title inconsistently.",
      .fix = "Put the text in a visible label or hint (linked with aria-describedby), and drop "
             "the title.",
      .check = TitleCarriesInformation,
  });
  rules.push_back({
      .code = "WarnVagueTitleAttribute",
      .type = IssueType::kWarning,
      .category = "title-attributes",
      .wcag = {"3.3.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This title attribute is vague (\"Click here\", \"Link\") or repeats the visible "
              "text.",
      .why = "It adds nothing for mouse users and makes some screen readers read the same "
             "words twice.",
      .fix = "Remove the title, or make it add real information that is also shown on the "
             "page.",
      .check = VagueTitleAttribute,
  });
  rules.push_back({
      .code = "WarnVisualHierarchy",
      .type = IssueType::kWarning,
      .category = "aria",
      .wcag = {"1.3.1", "2.4.6"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This heading skips a level after the heading before it (for example h1 then h3).",
      .why = "Screen reader users who move by heading level, or read the outline, think part "
             "of the structure is missing.",
      .fix = "Use the next level down (h2 after h1); change the look with CSS, not the level.",
      .check = HeadingLevelSkipped,
  });
}

}  // namespace a11y::checks
