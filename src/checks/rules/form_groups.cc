// Groups of choices and required fields in forms (WCAG 1.3.1, 3.3.2), and the controls that
// forms are built from: generic button text, unnamed dialogs, custom controls with no role.
#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "checks/rule.h"
#include "checks/rules/form_util.h"

namespace a11y::checks {
namespace {

using form_util::FirstRole;
using form_util::ForEachDescendant;
using form_util::InputType;
using form_util::IsBlank;
using form_util::IsNativeField;
using form_util::LabelledByText;

// --- Groups of radio buttons and checkboxes -------------------------------------------------

bool IsGrouped(const Node& el) {
  return el.Closest([](const Node& n) {
    std::string role = Lower(FirstRole(n));
    return n.Is("fieldset") || role == "group" || role == "radiogroup";
  }) != nullptr;
}

const Node* CommonAncestor(const std::vector<const Node*>& nodes) {
  const Node* common = nodes.front()->parent;
  while (common != nullptr) {
    bool all = std::all_of(nodes.begin(), nodes.end(),
                           [common](const Node* n) { return common->Contains(*n); });
    if (all) return common;
    common = common->parent;
  }
  return nullptr;
}

// Radio buttons sharing a name, and runs of two or more checkboxes (sharing a name, or the
// only fields in their container), that no fieldset or role="group" holds together: the
// question they answer is not announced with each option.
void UngroupedChoices(const Page& page, Reporter& report) {
  std::map<std::pair<const Node*, std::string>, std::vector<const Node*>> groups;
  std::vector<const Node*> loose_checkboxes;
  for (const Node* el : page.doc.ElementsByTag("input")) {
    std::string type = InputType(*el);
    if (type != "radio" && type != "checkbox") continue;
    if (IsGrouped(*el) || page.sem.IsHidden(*el)) continue;
    const Node* owner = el->Closest([](const Node& n) { return n.Is("form"); });
    std::string name(el->AttrOr("name"));
    if (!name.empty()) {
      groups[{owner, type + ":" + name}].push_back(el);
    } else if (type == "checkbox") {
      loose_checkboxes.push_back(el);
    }
  }
  std::vector<std::vector<const Node*>> found;
  for (auto& [key, members] : groups) {
    if (members.size() > 1) {
      found.push_back(members);
    } else if (key.second.rfind("checkbox:", 0) == 0) {
      loose_checkboxes.push_back(members.front());
    }
  }
  // Checkboxes with names of their own form a group when the smallest container holding
  // two or more of them holds no other kind of field.
  std::map<const Node*, std::vector<const Node*>> by_container;
  for (const Node* box : loose_checkboxes) {
    for (const Node* n = box->parent; n != nullptr; n = n->parent) {
      int boxes = 0, others = 0;
      ForEachDescendant(*n, [&](const Node& d) {
        if (!IsNativeField(d)) return;
        (d.Is("input") && InputType(d) == "checkbox" ? boxes : others) += 1;
      });
      if (boxes < 2) continue;
      if (others == 0) by_container[n].push_back(box);
      break;
    }
  }
  for (auto& [container, members] : by_container) {
    if (members.size() > 1) found.push_back(members);
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.front()->order < b.front()->order; });
  for (const auto& members : found) {
    const Node* container = CommonAncestor(members);
    report.Fail(container != nullptr ? *container : *members.front(),
                std::to_string(members.size()) + " related options are not grouped.");
  }
}

bool HasLegendText(const Node& fieldset) {
  for (const Node* child : fieldset.ChildElements()) {
    if (child->Is("legend")) return !IsBlank(child->TextContent());
  }
  return false;
}

void FieldsetWithoutLegend(const Page& page, Reporter& report) {
  for (const Node* fieldset : page.doc.ElementsByTag("fieldset")) {
    if (page.sem.IsHidden(*fieldset) || HasLegendText(*fieldset)) continue;
    if (!IsBlank(fieldset->AttrOr("aria-label"))) continue;
    if (!LabelledByText(page.doc, *fieldset).empty()) continue;
    bool has_field = false;
    ForEachDescendant(*fieldset, [&has_field](const Node& n) { has_field |= IsNativeField(n); });
    if (has_field) report.Fail(*fieldset);
  }
}

// --- Required fields ------------------------------------------------------------------------

bool IsRequired(const Node& el) {
  return el.HasAttr("required") || Lower(TrimAscii(el.AttrOr("aria-required"))) == "true";
}

std::string LabelTextOf(const Page& page, const Node& field) {
  std::string text;
  for (const Node* label : page.sem.Labels(field)) {
    if (!page.sem.IsInvisible(*label)) text += " " + label->TextContent();
  }
  text += " " + LabelledByText(page.doc, field);
  std::string type = InputType(field);
  if (type == "radio" || type == "checkbox") {
    if (const Node* fieldset = field.Closest([](const Node& n) { return n.Is("fieldset"); })) {
      for (const Node* child : fieldset->ChildElements()) {
        if (child->Is("legend")) text += " " + child->TextContent();
      }
    }
  }
  return CollapseWhitespace(text);
}

bool SaysRequired(std::string_view text) {
  std::string lower = Lower(text);
  return lower.find('*') != std::string::npos || lower.find("required") != std::string::npos ||
         lower.find("mandatory") != std::string::npos;
}

// An asterisk added by CSS (label.required::after { content: "*" }) on the label or field.
bool HasGeneratedMarker(const Page& page, const Node& field) {
  std::vector<std::string> classes;
  auto add_classes = [&classes](const Node& n) {
    for (std::string_view c : SplitTokens(n.AttrOr("class"))) classes.emplace_back(c);
  };
  add_classes(field);
  for (const Node* label : page.sem.Labels(field)) add_classes(*label);
  for (const auto& rule : page.styles.sheet_rules()) {
    if (rule.selector.find("after") == std::string::npos &&
        rule.selector.find("before") == std::string::npos) {
      continue;
    }
    bool marker = false;
    for (const auto& [name, value] : rule.declarations) {
      marker |= name == "content" && SaysRequired(value);
    }
    if (!marker) continue;
    if (rule.selector.find("required") != std::string::npos) return true;
    for (const std::string& c : classes) {
      if (rule.selector.find("." + c) != std::string::npos) return true;
    }
  }
  return false;
}

// "All fields are required" said once for the whole form covers every field in it.
bool FormSaysAllRequired(const Node& field) {
  const Node* form = field.Closest([](const Node& n) { return n.Is("form"); });
  if (form == nullptr) return false;
  std::string text = Lower(CollapseWhitespace(form->TextContent()));
  return text.find("all fields are required") != std::string::npos ||
         text.find("all fields required") != std::string::npos;
}

void RequiredWithoutVisibleMarker(const Page& page, Reporter& report) {
  for (const Node* el : page.doc.elements()) {
    if (!IsNativeField(*el) || !IsRequired(*el) || page.sem.IsHidden(*el)) continue;
    std::string label = LabelTextOf(page, *el);
    if (label.empty()) continue;  // Unlabelled fields are reported by the label rules.
    if (SaysRequired(label) || SaysRequired(el->AttrOr("placeholder"))) continue;
    if (HasGeneratedMarker(page, *el) || FormSaysAllRequired(*el)) continue;
    report.Fail(*el);
  }
}

// A label marked with "*" on a field that is not required in the markup: the asterisk is
// read as "star", if at all, and the browser does not tell anyone the field is required.
void MarkedButNotRequired(const Page& page, Reporter& report) {
  for (const Node* el : page.doc.elements()) {
    if (!IsNativeField(*el) || IsRequired(*el) || page.sem.IsHidden(*el)) continue;
    std::string type = InputType(*el);
    if (type == "radio" || type == "checkbox") continue;  // Required on one of the group.
    std::string labels;
    for (const Node* label : page.sem.Labels(*el)) labels += label->TextContent();
    if (labels.find('*') != std::string::npos) report.Fail(*el);
  }
}

// --- Buttons and dialogs in forms ---------------------------------------------------------

bool IsButtonLike(const Page& page, const Node& el) {
  if (el.Is("button")) return true;
  if (el.Is("input")) {
    std::string type = InputType(el);
    return type == "submit" || type == "reset" || type == "button";
  }
  return page.sem.Role(el) == "button";
}

// Names that say "this is a button" without saying what it does.
void GenericButtonText(const Page& page, Reporter& report) {
  static constexpr std::string_view kGeneric[] = {"click",  "click here", "click me", "here",
                                                  "press",  "press here", "press me", "tap here",
                                                  "button", "submit"};
  for (const Node* el : page.doc.elements()) {
    if (!IsButtonLike(page, *el) || page.sem.IsHidden(*el)) continue;
    std::string name = Lower(page.sem.Name(*el));
    while (!name.empty() && std::ispunct(static_cast<unsigned char>(name.back()))) {
      name.pop_back();
    }
    if (std::find(std::begin(kGeneric), std::end(kGeneric), name) != std::end(kGeneric)) {
      report.Fail(*el, "Its name is \"" + page.sem.Name(*el) + "\".");
    }
  }
}

void DialogWithoutName(const Page& page, Reporter& report) {
  for (const Node* el : page.doc.elements()) {
    std::string role = Lower(FirstRole(*el));
    bool dialog = role == "dialog" || role == "alertdialog" || (role.empty() && el->Is("dialog"));
    if (!dialog) continue;
    if (!LabelledByText(page.doc, *el).empty() || !IsBlank(el->AttrOr("aria-label"))) continue;
    if (!IsBlank(el->AttrOr("title"))) continue;
    report.Fail(*el);
  }
}

// Focusable custom controls that expose no role: a <div tabindex="0"> built as a checkbox
// or slider is announced as plain text or "group", with no state. Only elements that show
// they are controls (an event handler, or a class naming a control) are reported, since a
// focusable container (a scrolling region) is legitimate.
void FocusableWithoutRole(const Page& page, Reporter& report) {
  static constexpr std::string_view kHandlers[] = {"onclick", "onkeydown", "onkeyup", "onkeypress",
                                                   "onmousedown"};
  static constexpr std::string_view kControlWords[] = {"checkbox", "radio",   "switch", "toggle",
                                                       "slider",   "button",  "btn",    "dropdown",
                                                       "combobox", "spinner", "stepper"};
  for (const Node* el : page.doc.elements()) {
    if (!el->IsAnyOf({"div", "span", "li", "p", "i", "td", "section"})) continue;
    const std::string* tabindex = el->Attr("tabindex");
    if (tabindex == nullptr) continue;
    std::string_view value = TrimAscii(*tabindex);
    if (value.empty() || value.front() == '-') continue;
    if (!TrimAscii(el->AttrOr("role")).empty() || el->HasAttr("contenteditable")) continue;
    if (page.sem.IsHidden(*el)) continue;
    bool control = std::any_of(std::begin(kHandlers), std::end(kHandlers),
                               [el](std::string_view h) { return el->HasAttr(h); });
    std::string classes = Lower(el->AttrOr("class"));
    control = control || std::any_of(std::begin(kControlWords), std::end(kControlWords),
                                     [&classes](std::string_view w) {
                                       return classes.find(w) != std::string::npos;
                                     });
    if (control) report.Fail(*el);
  }
}

}  // namespace

void AddFormGroupRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "WarnNoFieldset",
      .type = IssueType::kWarning,
      .category = "forms",
      .wcag = {"1.3.1", "3.3.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "These related radio buttons or checkboxes are not grouped.",
      .why = "Without a fieldset and legend, screen reader users hear each option (\"Express\") "
             "but not the question it answers (\"Shipping method\").",
      .fix = "Wrap the options in <fieldset> with a <legend> that states the question, or use "
             "role=\"radiogroup\"/\"group\" with aria-labelledby.",
      .check = UngroupedChoices,
  });
  rules.push_back({
      .code = "WarnNoLegend",
      .type = IssueType::kWarning,
      .category = "forms",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This fieldset has no legend.",
      .why = "The group has no name, so screen reader users are not told what its fields are "
             "about when they enter it.",
      .fix = "Add a <legend> as the fieldset's first child, stating what the group is.",
      .check = FieldsetWithoutLegend,
  });
  rules.push_back({
      .code = "WarnMissingRequiredIndication",
      .type = IssueType::kWarning,
      .category = "forms",
      .wcag = {"3.3.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This field is required, but its label does not show it.",
      .why = "Screen reader users are told the field is required, sighted users are not; they "
             "find out only from an error after submitting.",
      .fix = "Mark the label visibly (\"required\", or \"*\" explained at the top of the form).",
      .check = RequiredWithoutVisibleMarker,
  });
  rules.push_back({
      .code = "WarnRequiredNotIndicated",
      .type = IssueType::kWarning,
      .category = "forms",
      .wcag = {"3.3.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This field's label is marked with \"*\" but the field is not marked required.",
      .why = "The asterisk is shown but not exposed: screen readers read \"star\" or nothing, "
             "and the browser does not announce the field as required.",
      .fix = "Add the required attribute (or aria-required=\"true\") to the field.",
      .check = MarkedButNotRequired,
  });
  rules.push_back({
      .code = "WarnGenericButtonText",
      .type = IssueType::kWarning,
      .category = "forms",
      .wcag = {"2.4.6"},
      .level = WcagLevel::kAA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This button's text does not say what it does.",
      .why = "Screen reader users listing the buttons of a page hear \"Click here\" or "
             "\"Submit\" several times with nothing to tell them apart.",
      .fix = "Name the action: \"Subscribe to newsletter\", \"Send message\".",
      .check = GenericButtonText,
  });
  rules.push_back({
      .code = "WarnModalMissingAriaLabelledby",
      .type = IssueType::kWarning,
      .category = "forms",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This dialog has no accessible name.",
      .why = "When it opens, screen readers announce only \"dialog\", so users do not know "
             "what it is about.",
      .fix = "Add aria-labelledby pointing at the dialog's heading.",
      .check = DialogWithoutName,
  });
  rules.push_back({
      .code = "ErrMissingInteractiveRole",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This focusable custom control has no role.",
      .why = "Keyboard focus reaches it, but screen readers do not say what it is (checkbox, "
             "slider, switch) nor its state, so users cannot operate it.",
      .fix = "Use the native element (input type=checkbox, range...), or add the ARIA role and "
             "its states (role=\"checkbox\" aria-checked, role=\"slider\" aria-valuenow...).",
      .check = FocusableWithoutRole,
  });
}

}  // namespace a11y::checks
