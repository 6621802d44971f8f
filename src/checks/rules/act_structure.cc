// Markup the platform defines precisely: autocomplete tokens (1.3.5), ARIA attributes a role
// prohibits (1.3.1), the name of a <summary> (4.1.2), table headers="" references (1.3.1)
// and focusable content inside elements whose children are presentational (4.1.2).
#include <algorithm>
#include <set>

#include "checks/rules/act_common.h"

namespace a11y::checks::act {
namespace {

// ---------------------------------------------------------------------------------------
// autocomplete: the HTML autofill detail tokens.

bool IsFieldName(std::string_view t) {
  static const std::set<std::string_view> kNames = {"name",
                                                    "honorific-prefix",
                                                    "given-name",
                                                    "additional-name",
                                                    "family-name",
                                                    "honorific-suffix",
                                                    "nickname",
                                                    "organization-title",
                                                    "username",
                                                    "new-password",
                                                    "current-password",
                                                    "one-time-code",
                                                    "organization",
                                                    "street-address",
                                                    "address-line1",
                                                    "address-line2",
                                                    "address-line3",
                                                    "address-level4",
                                                    "address-level3",
                                                    "address-level2",
                                                    "address-level1",
                                                    "country",
                                                    "country-name",
                                                    "postal-code",
                                                    "cc-name",
                                                    "cc-given-name",
                                                    "cc-additional-name",
                                                    "cc-family-name",
                                                    "cc-number",
                                                    "cc-exp",
                                                    "cc-exp-month",
                                                    "cc-exp-year",
                                                    "cc-csc",
                                                    "cc-type",
                                                    "transaction-currency",
                                                    "transaction-amount",
                                                    "language",
                                                    "bday",
                                                    "bday-day",
                                                    "bday-month",
                                                    "bday-year",
                                                    "sex",
                                                    "url",
                                                    "photo"};
  return kNames.count(t) > 0;
}

bool IsContactFieldName(std::string_view t) {
  static const std::set<std::string_view> kNames = {"tel",
                                                    "tel-country-code",
                                                    "tel-national",
                                                    "tel-area-code",
                                                    "tel-local",
                                                    "tel-local-prefix",
                                                    "tel-local-suffix",
                                                    "tel-extension",
                                                    "email",
                                                    "impp"};
  return kNames.count(t) > 0;
}

// [section-*] [shipping|billing] ( [home|work|mobile|fax|pager] contact-field | field )
// [webauthn], case-insensitively.
bool IsValidAutofill(const std::vector<std::string>& tokens) {
  size_t i = 0;
  if (i < tokens.size() && tokens[i].rfind("section-", 0) == 0) ++i;
  if (i < tokens.size() && (tokens[i] == "shipping" || tokens[i] == "billing")) ++i;
  if (i >= tokens.size()) return false;
  const std::string& t = tokens[i];
  if (t == "home" || t == "work" || t == "mobile" || t == "fax" || t == "pager") {
    ++i;
    if (i >= tokens.size() || !IsContactFieldName(tokens[i])) return false;
  } else if (!IsFieldName(t) && !IsContactFieldName(t)) {
    return false;
  }
  ++i;
  if (i < tokens.size() && tokens[i] == "webauthn") ++i;
  return i == tokens.size();
}

void AutocompleteValid(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!e->IsAnyOf({"input", "select", "textarea"})) continue;
    const std::string* value = e->Attr("autocomplete");
    if (value == nullptr) continue;
    std::vector<std::string> tokens;
    for (std::string_view t : SplitTokens(*value)) tokens.push_back(Lower(t));
    if (tokens.empty()) continue;
    if (tokens.size() == 1 && (tokens[0] == "on" || tokens[0] == "off")) continue;
    if (e->Is("input")) {
      std::string type = Lower(TrimAscii(e->AttrOr("type")));
      if (type == "hidden" || type == "button" || type == "submit" || type == "reset" ||
          type == "image") {
        continue;  // No user input to fill in.
      }
    }
    if (e->HasAttr("disabled") || Lower(e->AttrOr("aria-disabled")) == "true") continue;
    if (IsNotRendered(page, *e) && IsHiddenFromAt(page, *e)) continue;
    if (IsValidAutofill(tokens)) {
      report.Pass(*e);
    } else {
      report.Fail(*e, "autocomplete=\"" + std::string(TrimAscii(*value)) + "\".");
    }
  }
}

// ---------------------------------------------------------------------------------------
// Naming attributes on roles that prohibit a name (WAI-ARIA 1.2 "name prohibited").

bool RoleProhibitsName(std::string_view role) {
  static const std::set<std::string_view> kRoles = {
      "caption", "code",      "deletion",     "emphasis", "generic",   "insertion",
      "none",    "paragraph", "presentation", "strong",   "subscript", "superscript"};
  if (kRoles.count(role) > 0) return true;
  const RoleInfo* info = FindRole(role);
  return info != nullptr && info->name_prohibited;
}

// role="none" / "presentation" on an element that is not focusable and whose only ARIA
// attributes are the braille ones. aria-label and aria-labelledby are global in WAI-ARIA
// 1.2, so with either the browser ignores none and keeps the element's own role (which
// may well allow a name); the braille attributes cannot rescue the role that way, so on a
// presentational element they are simply prohibited.
bool RemovesSemantics(const Page& page, const Node& e,
                      const std::vector<std::string_view>& naming) {
  std::vector<std::string_view> tokens = SplitTokens(e.AttrOr("role"));
  if (tokens.empty()) return false;
  std::string first = Lower(tokens[0]);
  if (first != "none" && first != "presentation") return false;
  if (IsFocusableElement(page, e)) return false;
  for (const Attribute& a : e.attributes) {
    if (a.name.rfind("aria-", 0) != 0) continue;
    if (std::find(naming.begin(), naming.end(), a.name) == naming.end()) return false;
    if (a.name == "aria-label" || a.name == "aria-labelledby") return false;
  }
  return true;
}

void NoProhibitedAriaAttributes(const Page& page, Reporter& report) {
  static constexpr std::string_view kNaming[] = {
      "aria-label", "aria-labelledby", "aria-braillelabel", "aria-brailleroledescription"};
  for (const Node* e : page.doc.elements()) {
    if (e->ns == Namespace::kMathMl) continue;
    std::vector<std::string_view> used;
    for (std::string_view a : kNaming) {
      if (e->HasAttr(a)) used.push_back(a);
    }
    if (used.empty() || IsHiddenFromAt(page, *e)) continue;
    std::string role = RoleOf(page, *e);
    if (RemovesSemantics(page, *e, used)) role = "none";
    // form, section and aside take their landmark role from the very name given here.
    bool implicit = !e->HasAttr("role");
    if (role == "generic" && implicit && e->IsAnyOf({"form", "section", "aside"})) {
      role = e->Is("form") ? "form" : e->Is("section") ? "region" : "complementary";
    }
    // Scoped header/footer (ARIA 1.3 section header/footer) and SVG shapes and groups (named
    // ones are exposed, SVG-AAM) may also gain a role from a name: not ours to fail.
    bool name_may_give_role =
        implicit && (e->IsAnyOf({"header", "footer"}) || e->ns == Namespace::kSvg);
    if (role.empty() || (name_may_give_role && RoleProhibitsName(role))) {
      report.CantTell(*e);
    } else if (RoleProhibitsName(role)) {
      std::string list;
      for (std::string_view a : used) list += (list.empty() ? "" : ", ") + std::string(a);
      report.Fail(*e, "Role " + role + " does not allow " + list + ".");
    } else {
      report.Pass(*e);
    }
  }
}

// ---------------------------------------------------------------------------------------
// <summary>: the disclosure widget of its <details> must say what it opens.

// Something in the summary could give it a name, read without Semantics (a guard so we
// never report a name missing that is there).
bool HasNameSource(const Page& page, const Node& e) {
  if (!TrimAscii(e.AttrOr("aria-label")).empty()) return true;
  if (!TrimAscii(e.AttrOr("title")).empty()) return true;
  for (const Node* ref : page.doc.ElementsByIdList(e.AttrOr("aria-labelledby"))) {
    if (!CollapseWhitespace(ref->TextContent()).empty()) return true;
  }
  if (!CollapseWhitespace(e.TextContent()).empty()) return true;
  for (const Node* d : Descendants(e)) {
    if (d->Is("img") || d->tag == "svg" || d->HasAttr("aria-label")) {
      return true;  // An image or a labelled part may name it: let Semantics decide.
    }
  }
  return false;
}

void SummaryHasName(const Page& page, Reporter& report) {
  for (const Node* details : page.doc.ElementsByTag("details")) {
    const Node* summary = nullptr;
    for (const Node* child : details->ChildElements()) {
      if (child->Is("summary")) {
        summary = child;
        break;
      }
    }
    if (summary == nullptr || IsHiddenFromAt(page, *summary)) continue;
    std::string explicit_role(page.sem.ExplicitRole(*summary));
    if (explicit_role.empty()) {
      std::vector<std::string_view> tokens = SplitTokens(summary->AttrOr("role"));
      if (!tokens.empty()) explicit_role = Lower(tokens[0]);
    }
    // A role other than none/presentation replaces the disclosure semantics; other rules
    // check that role's name. (none is ignored on a focusable summary.)
    if (!explicit_role.empty() && explicit_role != "none" && explicit_role != "presentation") {
      continue;
    }
    if (!page.sem.Name(*summary).empty() || HasNameSource(page, *summary)) {
      report.Pass(*summary);
    } else {
      report.Fail(*summary);
    }
  }
}

// ---------------------------------------------------------------------------------------
// headers="": each id must name another cell of the same table.

const Node* OwningTable(const Node& cell) {
  return cell.Closest([](const Node& n) { return n.Is("table"); });
}

void HeadersReferToSameTable(const Page& page, Reporter& report) {
  for (const Node* table : page.doc.ElementsByTag("table")) {
    std::vector<std::string_view> roles = SplitTokens(table->AttrOr("role"));
    if (!roles.empty()) {
      std::string role = Lower(roles[0]);
      if (role != "table" && role != "grid" && role != "treegrid") continue;
    }
    if (IsHiddenFromAt(page, *table)) continue;
    for (const Node* cell : Descendants(*table)) {
      if (!cell->IsAnyOf({"td", "th"}) || !cell->HasAttr("headers")) continue;
      if (OwningTable(*cell) != table) continue;
      std::vector<std::string_view> ids = SplitTokens(cell->AttrOr("headers"));
      if (ids.empty()) continue;
      std::string wrong;
      for (std::string_view id : ids) {
        const Node* target = page.doc.ElementById(id);
        bool ok = target != nullptr && target != cell && target->IsAnyOf({"td", "th"}) &&
                  OwningTable(*target) == table;
        if (!ok) wrong += (wrong.empty() ? "" : ", ") + std::string(id);
      }
      if (wrong.empty()) {
        report.Pass(*cell);
      } else {
        report.Fail(*cell, "Not a cell of this table: " + wrong + ".");
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Roles whose children are presentational hide their content from assistive technology, so
// a focusable element inside is reached by Tab but announced as nothing.

bool ChildrenPresentational(std::string_view role) {
  static const std::set<std::string_view> kRoles = {
      "button",        "checkbox", "img",    "image",       "math",  "menuitemcheckbox",
      "menuitemradio", "meter",    "option", "progressbar", "radio", "scrollbar",
      "separator",     "slider",   "switch", "tab"};
  if (kRoles.count(role) > 0) return true;
  const RoleInfo* info = FindRole(role);
  return info != nullptr && info->children_presentational;
}

void DescendantsNotFocusable(const Page& page, const Node& root, const Node& node,
                             std::vector<const Node*>& found) {
  for (const Node* child : node.children) {
    if (!child->is_element()) continue;
    if (IsFocusableElement(page, *child)) found.push_back(child);
    DescendantsNotFocusable(page, root, *child, found);
  }
}

void PresentationalChildrenNotFocusable(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->ChildElements().empty()) continue;
    std::string role = RoleOf(page, *e);
    if (role.empty() || !ChildrenPresentational(role)) continue;
    if (IsHiddenFromAt(page, *e)) continue;
    std::vector<const Node*> focusable;
    DescendantsNotFocusable(page, *e, *e, focusable);
    if (focusable.empty()) {
      report.Pass(*e);
    } else {
      report.Fail(*e, "It contains focusable " + Document::Snippet(*focusable.front()));
    }
  }
}

}  // namespace

void AddActStructureRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrAutocompleteInvalidToken",
      .type = IssueType::kError,
      .category = "act",
      .wcag = {"1.3.5"},
      .level = WcagLevel::kAA,
      .impact = Impact::kMedium,
      .act = {"73f2c2"},
      .what = "This form field's autocomplete value is not a valid autofill detail.",
      .why = "Browsers and assistive tools fill in and label fields (with icons, for people "
             "with cognitive disabilities) only from valid autocomplete tokens; an unknown "
             "token says nothing about what the field asks for.",
      .fix = "Use the HTML autofill tokens in order, e.g. \"shipping email\", \"section-2 "
             "billing address-line1\" or \"current-password\".",
      .check = AutocompleteValid,
  });
  rules.push_back({
      .code = "ErrAriaNameOnProhibitedRole",
      .type = IssueType::kError,
      .category = "act",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {"kb1m8s"},
      .what = "This element carries a naming ARIA attribute that its role does not allow.",
      .why = "Roles such as generic and paragraph cannot be named; screen readers ignore the "
             "label or read it inconsistently, so what the author meant to say is lost.",
      .fix = "Put the text in the content, give the element a role that can be named, or "
             "remove the attribute.",
      .check = NoProhibitedAriaAttributes,
  });
  rules.push_back({
      .code = "ErrSummaryMissingName",
      .type = IssueType::kError,
      .category = "act",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"2t702h"},
      .what = "This summary element, the toggle of its details, has no accessible name.",
      .why = "Screen reader users hear an unnamed button and cannot tell what it would open.",
      .fix = "Write a short text in the summary that says what the details contain.",
      .check = SummaryHasName,
  });
  rules.push_back({
      .code = "ErrHeadersAttrOutsideTable",
      .type = IssueType::kError,
      .category = "act",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {"a25f45"},
      .what = "This table cell's headers attribute names an id that is not another cell of "
              "the same table.",
      .why = "Screen readers announce a cell's headers from this attribute; a wrong id leaves "
             "the data without the header that explains it.",
      .fix = "Point headers at the ids of th or td cells of the same table, or use scope.",
      .check = HeadersReferToSameTable,
  });
  rules.push_back({
      .code = "ErrFocusableInPresentationalChildren",
      .type = IssueType::kError,
      .category = "act",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"307n5z"},
      .what = "This element's role makes its children presentational, yet it contains a "
              "focusable element.",
      .why = "Keyboard users reach the inner element, but assistive technology does not "
             "expose it, so it gets focus with no name or role.",
      .fix = "Move the focusable element out, next to its container, or make it unfocusable.",
      .check = PresentationalChildrenNotFocusable,
  });
}

}  // namespace a11y::checks::act
