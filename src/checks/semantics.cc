// Roles (explicit and HTML-AAM implicit), hidden state, focusability and labels. Names and
// descriptions are in accname.cc; the role table in roles.cc.
#include "checks/semantics.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "checks/semantics_internal.h"

namespace a11y::checks {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && Lower(a) == Lower(b);
}

// Elements never rendered whatever the style sheet says.
bool IsNeverRendered(const Node& e) {
  return e.ns == Namespace::kHtml &&
         e.IsAnyOf({"head", "script", "style", "template", "title", "meta", "link", "base",
                    "noscript", "param", "source", "track", "datalist"});
}

// A non-empty aria-label, a labelledby that points at something, or a title: enough to
// decide whether a section or form is a named region without computing the full name (which
// would ask for roles again).
bool HasAuthorName(const Document& doc, const Node& e) {
  if (!TrimAscii(e.AttrOr("aria-label")).empty()) return true;
  if (!TrimAscii(e.AttrOr("title")).empty()) return true;
  for (const Node* ref : doc.ElementsByIdList(e.AttrOr("aria-labelledby"))) {
    if (!CollapseWhitespace(ref->TextContent()).empty() || ref->HasAttr("aria-label")) {
      return true;
    }
  }
  return false;
}

// The explicit role tokens of an element that name one of `roles` (no recursion into the
// full role computation, for scoping questions such as "is this header inside main?").
bool HasRoleToken(const Node& e, std::initializer_list<std::string_view> roles) {
  for (std::string_view token : SplitTokens(e.AttrOr("role"))) {
    std::string t = Lower(token);
    for (std::string_view r : roles) {
      if (t == r) return true;
    }
  }
  return false;
}

// header/footer/aside are scoped to sectioning content and main.
bool InSectioningContent(const Node& e, bool include_main) {
  return e.Closest([&](const Node& n) {
    if (n.IsAnyOf({"article", "aside", "nav", "section"})) return true;
    if (include_main && n.Is("main")) return true;
    return HasRoleToken(n, {"article", "complementary", "navigation", "region"}) ||
           (include_main && HasRoleToken(n, {"main"}));
  }) != nullptr;
}

const Node* ParentElement(const Node& e) {
  const Node* p = e.parent;
  return p != nullptr && p->is_element() ? p : nullptr;
}

}  // namespace

bool IsLabelable(const Node& e) {
  if (e.Is("input")) return InputType(e) != "hidden";
  return e.IsAnyOf({"button", "meter", "output", "progress", "select", "textarea"});
}

std::string_view InputType(const Node& input) {
  static constexpr std::string_view kTypes[] = {
      "hidden", "text",  "search",         "tel",    "url",   "email", "password", "date",  "month",
      "week",   "time",  "datetime-local", "number", "range", "color", "checkbox", "radio", "file",
      "submit", "image", "reset",          "button"};
  std::string type = Lower(TrimAscii(input.AttrOr("type")));
  for (std::string_view t : kTypes) {
    if (t == type) return t;
  }
  return "text";
}

Semantics::Semantics(const Document& doc, const StyleResolver& styles)
    : doc_(doc), styles_(styles), impl_(std::make_unique<Impl>(doc)) {}
Semantics::~Semantics() = default;

// ---------------------------------------------------------------------------------------------
// Roles.

namespace {

// th: a header for its column or its row. scope wins; otherwise a th in thead or in a row of
// th only heads columns, and a th first in a row of data cells heads the row.
std::string_view HeaderCellRole(const Node& th) {
  std::string scope = Lower(TrimAscii(th.AttrOr("scope")));
  if (scope == "row" || scope == "rowgroup") return "rowheader";
  if (scope == "col" || scope == "colgroup") return "columnheader";
  const Node* tr = ParentElement(th);
  if (tr == nullptr || !tr->Is("tr")) return "columnheader";
  const Node* section = ParentElement(*tr);
  if (section != nullptr && section->Is("thead")) return "columnheader";
  std::vector<const Node*> cells;
  for (const Node* c : tr->ChildElements()) {
    if (c->IsAnyOf({"td", "th"})) cells.push_back(c);
  }
  bool has_data =
      std::any_of(cells.begin(), cells.end(), [](const Node* c) { return c->Is("td"); });
  if (has_data && !cells.empty() && cells.front() == &th) return "rowheader";
  return "columnheader";
}

std::string_view InputRole(const Node& input) {
  std::string_view type = InputType(input);
  bool list = input.HasAttr("list");
  if (type == "button" || type == "image" || type == "reset" || type == "submit") return "button";
  if (type == "checkbox") return "checkbox";
  if (type == "radio") return "radio";
  if (type == "range") return "slider";
  if (type == "number") return "spinbutton";
  if (type == "search") return list ? "combobox" : "searchbox";
  if (type == "text" || type == "email" || type == "tel" || type == "url") {
    return list ? "combobox" : "textbox";
  }
  return "";  // hidden, password, color, date, file...: no ARIA role.
}

}  // namespace

std::string_view Semantics::ImplicitRole(const Node& e) const {
  if (!e.is_element()) return "";
  if (e.ns == Namespace::kSvg) {
    if (e.tag == "svg") return "graphics-document";
    if (e.tag == "a" && (e.HasAttr("href") || e.HasAttr("xlink:href"))) return "link";
    return "";
  }
  if (e.ns == Namespace::kMathMl) return e.tag == "math" ? "math" : "";
  const std::string& t = e.tag;
  if (t == "a") return e.HasAttr("href") ? "link" : "generic";
  if (t == "area") return e.HasAttr("href") ? "link" : "";
  if (t == "article") return "article";
  if (t == "aside") {
    return InSectioningContent(e, false) && !HasAuthorName(doc_, e) ? "generic" : "complementary";
  }
  if (t == "header") return InSectioningContent(e, true) ? "generic" : "banner";
  if (t == "footer") return InSectioningContent(e, true) ? "generic" : "contentinfo";
  if (t == "section") return HasAuthorName(doc_, e) ? "region" : "generic";
  if (t == "form") return HasAuthorName(doc_, e) ? "form" : "generic";
  if (t == "img") {
    const std::string* alt = e.Attr("alt");
    return alt != nullptr && alt->empty() ? "presentation" : "img";
  }
  if (t == "input") return InputRole(e);
  if (t == "select") {
    int size = 0;
    std::string_view sv = TrimAscii(e.AttrOr("size"));
    std::from_chars(sv.data(), sv.data() + sv.size(), size);
    return e.HasAttr("multiple") || size > 1 ? "listbox" : "combobox";
  }
  if (t == "td") {
    const Node* table = e.Closest([](const Node& n) { return n.Is("table"); });
    if (table != nullptr) {
      std::string_view tr = Role(*table);
      if (tr == "grid" || tr == "treegrid") return "gridcell";
    }
    return "cell";
  }
  if (t == "th") return HeaderCellRole(e);
  if (t == "summary") {
    // The first summary of a details is its toggle button (browsers expose it as one).
    const Node* p = ParentElement(e);
    if (p != nullptr && p->Is("details")) {
      for (const Node* c : p->ChildElements()) {
        if (c->Is("summary")) return c == &e ? "button" : "";
      }
    }
    return "";
  }
  if (t == "h1" || t == "h2" || t == "h3" || t == "h4" || t == "h5" || t == "h6") {
    return "heading";
  }
  struct Pair {
    std::string_view tag, role;
  };
  static constexpr Pair kSimple[] = {
      {"address", "group"},
      {"b", "generic"},
      {"bdi", "generic"},
      {"bdo", "generic"},
      {"blockquote", "blockquote"},
      {"body", "generic"},
      {"button", "button"},
      {"caption", "caption"},
      {"code", "code"},
      {"data", "generic"},
      {"datalist", "listbox"},
      {"dd", "definition"},
      {"del", "deletion"},
      {"details", "group"},
      {"dfn", "term"},
      {"dialog", "dialog"},
      {"div", "generic"},
      {"dt", "term"},
      {"em", "emphasis"},
      {"fieldset", "group"},
      {"figure", "figure"},
      {"hgroup", "group"},
      {"hr", "separator"},
      {"html", "document"},
      {"i", "generic"},
      {"ins", "insertion"},
      {"li", "listitem"},
      {"main", "main"},
      {"math", "math"},
      {"menu", "list"},
      {"meter", "meter"},
      {"nav", "navigation"},
      {"ol", "list"},
      {"optgroup", "group"},
      {"option", "option"},
      {"output", "status"},
      {"p", "paragraph"},
      {"pre", "generic"},
      {"progress", "progressbar"},
      {"q", "generic"},
      {"s", "deletion"},
      {"samp", "generic"},
      {"search", "search"},
      {"small", "generic"},
      {"span", "generic"},
      {"strong", "strong"},
      {"sub", "subscript"},
      {"sup", "superscript"},
      {"table", "table"},
      {"tbody", "rowgroup"},
      {"textarea", "textbox"},
      {"tfoot", "rowgroup"},
      {"thead", "rowgroup"},
      {"time", "time"},
      {"tr", "row"},
      {"u", "generic"},
      {"ul", "list"},
  };
  for (const Pair& p : kSimple) {
    if (p.tag == t) return p.role;
  }
  return "";
}

namespace {

bool HasGlobalAriaAttribute(const Node& e) {
  for (const Attribute& a : e.attributes) {
    if (a.name.rfind("aria-", 0) == 0 && IsGlobalAriaAttribute(a.name)) return true;
  }
  return false;
}

// The first recognised, non-abstract token of role="", "" when none.
std::string_view FirstValidRoleToken(const Node& e) {
  const std::string* attr = e.Attr("role");
  if (attr == nullptr) return "";
  for (std::string_view token : SplitTokens(*attr)) {
    const RoleInfo* info = FindRole(Lower(token));
    if (info != nullptr && !info->abstract) return info->name;
  }
  return "";
}

}  // namespace

std::string_view Semantics::ExplicitRole(const Node& e) const {
  if (!e.is_element()) return "";
  std::string_view role = FirstValidRoleToken(e);
  // Presentational role conflict resolution: a focusable element or one with a global ARIA
  // attribute keeps its implicit role, as browsers do.
  if ((role == "presentation" || role == "none") && (IsFocusable(e) || HasGlobalAriaAttribute(e))) {
    return "";
  }
  return role;
}

std::string_view Semantics::Role(const Node& e) const {
  if (!e.is_element()) return "";
  switch (impl_->roles.state(e)) {
    case ElementCache<std::string_view>::kDone: return impl_->roles.get(e);
    case ElementCache<std::string_view>::kInProgress:
      return "";  // Table cells ask for their table's role: never loop.
    case ElementCache<std::string_view>::kUnknown: break;
  }
  impl_->roles.set_in_progress(e);

  std::string_view role = ExplicitRole(e);
  if (role.empty()) {
    role = ImplicitRole(e);
    // img alt="" that is focusable or carries global ARIA attributes stays an image.
    if (role == "presentation" && (IsFocusable(e) || HasGlobalAriaAttribute(e))) role = "img";
    // Required owned elements of a presentational list or table inherit its presentation.
    if (!role.empty() && !e.HasAttr("role")) {
      const Node* owner = nullptr;
      if (e.Is("li")) {
        const Node* p = ParentElement(e);
        if (p != nullptr && p->IsAnyOf({"ul", "ol", "menu"})) owner = p;
      } else if (e.IsAnyOf({"tr", "td", "th", "thead", "tbody", "tfoot", "caption"})) {
        owner = e.Closest([](const Node& n) { return n.Is("table"); });
      }
      if (owner != nullptr) {
        std::string_view owner_role = Role(*owner);
        if (owner_role == "presentation" || owner_role == "none") role = "none";
      }
    }
  }
  impl_->roles.set(e, role);
  return role;
}

// ---------------------------------------------------------------------------------------------
// Hidden state.

namespace {

// A closed <details> renders only its first <summary>: the rest of its content is not shown
// (nor focusable) until it is opened.
bool InClosedDetails(const Node& e) {
  for (const Node* child = &e; child->parent != nullptr; child = child->parent) {
    const Node* p = child->parent;
    if (!p->Is("details") || p->HasAttr("open")) continue;
    const Node* summary = nullptr;
    for (const Node* c : p->ChildElements()) {
      if (c->Is("summary")) {
        summary = c;
        break;
      }
    }
    if (child != summary) return true;
  }
  return false;
}

}  // namespace

bool Semantics::IsInvisible(const Node& node) const {
  const Node* e = node.is_element() ? &node : node.parent;
  if (e == nullptr || !e->is_element()) return false;
  if (impl_->invisible.state(*e) == ElementCache<bool>::kDone) {
    return impl_->invisible.get(*e);
  }
  // An image map's areas have no box of their own (display: none in the UA sheet) but are
  // exposed through their image: they are as visible as their map.
  if (e->Is("area")) {
    const Node* map = e->Closest([](const Node& n) { return n.Is("map"); });
    bool hidden_area = e->HasAttr("hidden") || map == nullptr || IsInvisible(*map);
    impl_->invisible.set(*e, hidden_area);
    return hidden_area;
  }
  bool invisible = IsNeverRendered(*e) || e->HasAttr("hidden") ||
                   (e->Is("input") && InputType(*e) == "hidden") || e->Closest([](const Node& n) {
                     return IsNeverRendered(n) || n.HasAttr("hidden");
                   }) != nullptr ||
                   InClosedDetails(*e) || styles_.IsDisplayNone(*e) || styles_.IsInvisible(*e);
  impl_->invisible.set(*e, invisible);
  return invisible;
}

bool Semantics::IsHidden(const Node& node) const {
  const Node* e = node.is_element() ? &node : node.parent;
  if (e == nullptr || !e->is_element()) return false;
  if (impl_->hidden.state(*e) == ElementCache<bool>::kDone) return impl_->hidden.get(*e);
  auto aria_hidden = [](const Node& n) {
    return EqualsIgnoreCase(TrimAscii(n.AttrOr("aria-hidden")), "true");
  };
  bool hidden = IsInvisible(*e) || aria_hidden(*e) || e->Closest(aria_hidden) != nullptr;
  impl_->hidden.set(*e, hidden);
  return hidden;
}

// ---------------------------------------------------------------------------------------------
// Focus.

std::optional<int> Semantics::TabIndex(const Node& e) const {
  const std::string* attr = e.Attr("tabindex");
  if (attr == nullptr) return std::nullopt;
  // HTML's rules for parsing integers: leading whitespace, a sign, digits; the rest ignored.
  std::string_view v = *attr;
  size_t i = 0;
  while (i < v.size() &&
         (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\f' || v[i] == '\r')) {
    ++i;
  }
  bool negative = false;
  if (i < v.size() && (v[i] == '-' || v[i] == '+')) negative = v[i++] == '-';
  if (i >= v.size() || !std::isdigit(static_cast<unsigned char>(v[i]))) return std::nullopt;
  long value = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
    value = std::min(value * 10 + (v[i] - '0'), 100000000L);
    ++i;
  }
  return static_cast<int>(negative ? -value : value);
}

namespace {

// disabled attribute on the control, or a disabled fieldset ancestor (unless the control is
// inside that fieldset's first legend).
bool IsActuallyDisabled(const Node& e) {
  if (!e.IsAnyOf({"button", "input", "select", "textarea", "optgroup", "option", "fieldset"})) {
    return false;
  }
  if (e.HasAttr("disabled")) return true;
  if (e.Is("option")) {
    const Node* p = ParentElement(e);
    return p != nullptr && p->Is("optgroup") && p->HasAttr("disabled");
  }
  for (const Node* n = e.parent; n != nullptr && n->is_element(); n = n->parent) {
    if (!n->Is("fieldset") || !n->HasAttr("disabled")) continue;
    const Node* first_legend = nullptr;
    for (const Node* c : n->ChildElements()) {
      if (c->Is("legend")) {
        first_legend = c;
        break;
      }
    }
    if (first_legend == nullptr || !first_legend->Contains(e)) return true;
  }
  return false;
}

bool IsNativelyFocusable(const Node& e) {
  if (e.ns == Namespace::kSvg) {
    return e.tag == "a" && (e.HasAttr("href") || e.HasAttr("xlink:href"));
  }
  if (e.ns != Namespace::kHtml) return false;
  if (e.IsAnyOf({"a", "area"})) return e.HasAttr("href");
  if (e.Is("input")) return InputType(e) != "hidden";
  if (e.IsAnyOf({"button", "select", "textarea", "iframe"})) return true;
  if (e.IsAnyOf({"audio", "video"})) return e.HasAttr("controls");
  if (e.Is("summary")) {
    const Node* p = ParentElement(e);
    if (p == nullptr || !p->Is("details")) return false;
    for (const Node* c : p->ChildElements()) {
      if (c->Is("summary")) return c == &e;
    }
    return false;
  }
  const std::string* editable = e.Attr("contenteditable");
  if (editable != nullptr && !EqualsIgnoreCase(TrimAscii(*editable), "false")) return true;
  return false;
}

}  // namespace

bool Semantics::IsFocusable(const Node& e) const {
  if (!e.is_element()) return false;
  // Cached: many rules ask it of every element, and the answer walks the ancestors.
  if (impl_->focusable.state(e) == ElementCache<bool>::kDone) return impl_->focusable.get(e);
  bool focusable = true;
  if (!IsNativelyFocusable(e) && !TabIndex(e).has_value()) {
    focusable = false;
  } else if (IsActuallyDisabled(e)) {
    focusable = false;
  } else if (e.HasAttr("inert") ||
             e.Closest([](const Node& n) { return n.HasAttr("inert"); })) {
    focusable = false;
  } else {
    focusable = !IsInvisible(e);
  }
  impl_->focusable.set(e, focusable);
  return focusable;
}

bool Semantics::IsTabbable(const Node& e) const {
  if (!IsFocusable(e)) return false;
  std::optional<int> index = TabIndex(e);
  return !index.has_value() || *index >= 0;
}

// ---------------------------------------------------------------------------------------------
// Labels.

std::vector<const Node*> Semantics::Labels(const Node& control) const {
  std::vector<const Node*> labels;
  if (!control.is_element() || !IsLabelable(control)) return labels;
  if (!impl_->labels_indexed) {
    impl_->labels_indexed = true;
    for (const Node* label : doc_.ElementsByTag("label")) {
      const std::string* f = label->Attr("for");
      if (f != nullptr && !f->empty()) impl_->labels_for[*f].push_back(label);
    }
  }
  const std::string* id = control.Attr("id");
  if (id != nullptr && !id->empty() && doc_.ElementById(*id) == &control) {
    auto it = impl_->labels_for.find(*id);
    if (it != impl_->labels_for.end()) labels = it->second;
  }
  // The wrapping label labels its first labelable descendant, when it has no for="".
  const Node* wrapper = control.Closest([](const Node& n) { return n.Is("label"); });
  if (wrapper != nullptr && !wrapper->HasAttr("for") &&
      std::find(labels.begin(), labels.end(), wrapper) == labels.end()) {
    const Node* first = nullptr;
    auto [begin, end] = DescendantRange(doc_, *wrapper);
    for (auto it = begin; it != end; ++it) {
      if (IsLabelable(**it)) {
        first = *it;
        break;
      }
    }
    if (first == &control) labels.push_back(wrapper);
  }
  std::sort(labels.begin(), labels.end(),
            [](const Node* a, const Node* b) { return a->order < b->order; });
  return labels;
}

}  // namespace a11y::checks
