// Forms as a whole (WCAG 1.3.1, 2.4.6, 3.3.2, 4.1.2): form landmarks and their names, empty
// forms, submit buttons. The rules about single fields and their labels are in
// form_fields.cc, the focus indicator rules in form_focus.cc, groups of choices and
// required fields in form_groups.cc.
#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <string_view>

#include "checks/rule.h"
#include "checks/rules/form_util.h"

namespace a11y::checks {

// Defined in form_fields.cc, form_focus.cc and form_groups.cc; they belong to this category.
void AddFormFieldRules(std::vector<Rule>& rules);
void AddFormFocusRules(std::vector<Rule>& rules);
void AddFormGroupRules(std::vector<Rule>& rules);

namespace {

using form_util::FirstRole;
using form_util::ForEachDescendant;
using form_util::InputType;
using form_util::IsBlank;
using form_util::IsNativeField;
using form_util::LabelledByText;

// <form> elements and elements with role="form": what becomes a form landmark once named.
bool IsFormLike(const Node& el) {
  if (!el.is_element()) return false;
  return el.Is("form") || Lower(FirstRole(el)) == "form";
}

std::vector<const Node*> FormLikeElements(const Page& page) {
  std::vector<const Node*> forms;
  for (const Node* el : page.doc.elements()) {
    if (IsFormLike(*el) && !page.sem.IsHidden(*el)) forms.push_back(el);
  }
  return forms;
}

bool HasMissingIds(const Document& doc, std::string_view ids) {
  for (std::string_view id : SplitTokens(ids)) {
    if (doc.ElementById(id) == nullptr) return true;
  }
  return false;
}

// Where a form landmark's name comes from. Forms do not take their name from their content,
// so this is aria-labelledby, then aria-label, then title.
enum class FormNameSource { kNone, kLabelledBy, kAriaLabel, kTitle };

struct FormName {
  FormNameSource source = FormNameSource::kNone;
  std::string text;
};

FormName NameOfForm(const Document& doc, const Node& form) {
  std::string labelledby = LabelledByText(doc, form);
  if (!labelledby.empty()) return {FormNameSource::kLabelledBy, labelledby};
  std::string label = CollapseWhitespace(form.AttrOr("aria-label"));
  if (!label.empty()) return {FormNameSource::kAriaLabel, label};
  std::string title = CollapseWhitespace(form.AttrOr("title"));
  if (!title.empty()) return {FormNameSource::kTitle, title};
  return {};
}

// --- Form landmark names --------------------------------------------------------------------

void FormLabelledByMissing(const Page& page, Reporter& report) {
  for (const Node* form : FormLikeElements(page)) {
    const std::string* ids = form->Attr("aria-labelledby");
    if (ids != nullptr && HasMissingIds(page.doc, *ids)) report.Fail(*form);
  }
}

// aria-labelledby that is empty, or whose (existing) targets hold no text.
void FormLabelledByBlank(const Page& page, Reporter& report) {
  for (const Node* form : FormLikeElements(page)) {
    const std::string* ids = form->Attr("aria-labelledby");
    if (ids == nullptr || HasMissingIds(page.doc, *ids)) continue;
    if (LabelledByText(page.doc, *form).empty()) report.Fail(*form);
  }
}

// The author named the form (aria-label or aria-labelledby) but the name comes out blank.
// Missing ids are left to ErrFormAriaLabelledByReferenceDoesNotExist.
void FormNameIsBlank(const Page& page, Reporter& report) {
  for (const Node* form : FormLikeElements(page)) {
    const std::string* ids = form->Attr("aria-labelledby");
    if (ids == nullptr && !form->HasAttr("aria-label")) continue;
    if (ids != nullptr && HasMissingIds(page.doc, *ids)) continue;
    if (NameOfForm(page.doc, *form).source == FormNameSource::kNone) report.Fail(*form);
  }
}

void FormHasBothLabelAttributes(const Page& page, Reporter& report) {
  for (const Node* form : FormLikeElements(page)) {
    if (form->HasAttr("aria-label") && form->HasAttr("aria-labelledby")) report.Fail(*form);
  }
}

void FormNamedBy(const Page& page, Reporter& report, FormNameSource source) {
  for (const Node* form : FormLikeElements(page)) {
    if (NameOfForm(page.doc, *form).source == source) report.Fail(*form);
  }
}
void FormUsesAriaLabel(const Page& page, Reporter& report) {
  FormNamedBy(page, report, FormNameSource::kAriaLabel);
}
void FormUsesTitle(const Page& page, Reporter& report) {
  FormNamedBy(page, report, FormNameSource::kTitle);
}

// True when `text` holds "form" as a word of its own ("Contact form", not "Information").
bool HasWordForm(std::string_view text) {
  std::string lower = Lower(text);
  for (size_t at = lower.find("form"); at != std::string::npos; at = lower.find("form", at + 1)) {
    bool start = at == 0 || !std::isalnum(static_cast<unsigned char>(lower[at - 1]));
    size_t end = at + 4;
    bool finish = end == lower.size() || !std::isalnum(static_cast<unsigned char>(lower[end]));
    if (start && finish) return true;
  }
  return false;
}

void FormNameSaysForm(const Page& page, Reporter& report) {
  for (const Node* form : FormLikeElements(page)) {
    FormName name = NameOfForm(page.doc, *form);
    if (name.source == FormNameSource::kNone) continue;
    // A <form role="search"> is announced as a search landmark, where "form" is not doubled.
    std::string role = Lower(FirstRole(*form));
    if (!role.empty() && role != "form") continue;
    if (HasWordForm(name.text)) report.Fail(*form, "Its name is \"" + name.text + "\".");
  }
}

// --- Form contents --------------------------------------------------------------------------

// True when the source has nothing at all between <form ...> and </form>. The parser (gumbo)
// moves text that directly precedes </form> out of the form, so an empty child list alone
// does not prove the form was written empty.
bool WrittenEmpty(const Document& doc, const Node& form) {
  if (!form.children.empty()) return false;
  if (form.source.empty()) return true;
  const std::string& source = doc.source();
  const char* start = form.source.data();
  if (start < source.data() || start + form.source.size() > source.data() + source.size()) {
    return true;  // The tag is not in the stored source (rewritten markup): trust the tree.
  }
  size_t end = static_cast<size_t>(start - source.data()) + form.source.size();
  return Lower(std::string_view(source).substr(end, 6)) == "</form";
}

void FormWithNoChildNodes(const Page& page, Reporter& report) {
  for (const Node* form : page.doc.ElementsByTag("form")) {
    if (WrittenEmpty(page.doc, *form) && !page.sem.IsHidden(*form)) report.Fail(*form);
  }
}

// Disabled by its own attribute or by a disabled <fieldset> around it (outside that
// fieldset's first <legend>).
bool IsDisabled(const Node& el) {
  if (el.HasAttr("disabled") && el.IsAnyOf({"input", "select", "textarea", "button"})) {
    return true;
  }
  for (const Node* n = el.parent; n != nullptr; n = n->parent) {
    if (!n->Is("fieldset") || !n->HasAttr("disabled")) continue;
    const Node* legend = nullptr;
    for (const Node* child : n->ChildElements()) {
      if (child->Is("legend")) {
        legend = child;
        break;
      }
    }
    if (legend == nullptr || !legend->Contains(el)) return true;
  }
  return false;
}

// Something a user can operate: an enabled native control, a link, an editable region, or
// anything the semantics find focusable.
bool IsOperable(const Page& page, const Node& el) {
  if (el.Is("input")) return InputType(el) != "hidden" && !IsDisabled(el);
  if (el.IsAnyOf({"select", "textarea", "button"})) return !IsDisabled(el);
  if (el.Is("a") && el.HasAttr("href")) return true;
  if (el.HasAttr("contenteditable") && Lower(el.AttrOr("contenteditable")) != "false") {
    return true;
  }
  return page.sem.IsFocusable(el);
}

// The controls of `form`: its descendants plus elements elsewhere with form="its id".
std::vector<const Node*> FormControls(const Page& page, const Node& form) {
  std::vector<const Node*> controls;
  ForEachDescendant(form, [&controls](const Node& n) { controls.push_back(&n); });
  const std::string* id = form.Attr("id");
  if (id != nullptr && form.Is("form") && !id->empty()) {
    for (const Node* el : page.doc.elements()) {
      if (el->AttrOr("form") == *id && !form.Contains(*el)) controls.push_back(el);
    }
  }
  return controls;
}

void FormWithNoInteractiveElements(const Page& page, Reporter& report) {
  for (const Node* form : page.doc.ElementsByTag("form")) {
    if (WrittenEmpty(page.doc, *form) || page.sem.IsHidden(*form)) continue;  // Other rule.
    bool operable = false;
    for (const Node* el : FormControls(page, *form)) {
      if (IsOperable(page, *el) && !page.sem.IsInvisible(*el)) {
        operable = true;
        break;
      }
    }
    if (!operable) report.Fail(*form);
  }
}

bool IsSubmitControl(const Node& el) {
  if (el.Is("button")) {
    std::string type = InputType(el);
    return type != "button" && type != "reset";  // Missing or invalid type means submit.
  }
  if (el.Is("input")) {
    std::string type = InputType(el);
    return type == "submit" || type == "image";
  }
  return false;
}

// A length of zero ("0", "0px", "0em"...).
bool IsZeroLength(std::string_view value) {
  value = TrimAscii(value);
  if (value.empty()) return false;
  size_t digits = 0;
  while (digits < value.size() && (value[digits] == '0' || value[digits] == '.')) ++digits;
  if (digits == 0) return false;
  std::string_view unit = value.substr(digits);
  return unit.empty() || std::all_of(unit.begin(), unit.end(), [](char c) {
           return std::isalpha(static_cast<unsigned char>(c)) || c == '%';
         });
}

// Rendered and perceivable: not display:none or visibility:hidden, not fully transparent
// (on it or an ancestor), not squeezed to zero width and height.
bool IsShown(const Page& page, const Node& el) {
  if (page.sem.IsInvisible(el)) return false;
  for (const Node* n = &el; n != nullptr && n->is_element(); n = n->parent) {
    if (page.styles.Of(*n).opacity <= 0) return false;
  }
  const ComputedStyle& style = page.styles.Of(el);
  return !(IsZeroLength(style.Get("width")) && IsZeroLength(style.Get("height")));
}

void FormWithoutSubmitButton(const Page& page, Reporter& report) {
  for (const Node* form : page.doc.ElementsByTag("form")) {
    if (page.sem.IsHidden(*form)) continue;
    bool has_field = false, has_submit = false;
    for (const Node* el : FormControls(page, *form)) {
      has_field = has_field || IsNativeField(*el);
      has_submit = has_submit || (IsSubmitControl(*el) && IsShown(page, *el));
    }
    if (has_field && !has_submit) report.Fail(*form);
  }
}

}  // namespace

void AddFormRules(std::vector<Rule>& rules) {
  AddFormFieldRules(rules);
  AddFormFocusRules(rules);
  AddFormGroupRules(rules);
  rules.push_back({
      .code = "ErrFormAriaLabelledByReferenceDoesNotExist",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"1.3.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This form's aria-labelledby names an id that is not on the page.",
      .why = "The form landmark loses its name, so screen reader users moving between "
             "landmarks cannot tell what the form is for.",
      .fix = "Point aria-labelledby at the id of the form's visible heading (ids are "
             "case-sensitive).",
      .check = FormLabelledByMissing,
  });
  rules.push_back({
      .code = "ErrFormAriaLabelledByIsBlank",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"1.3.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This form's aria-labelledby is empty or points at elements with no text.",
      .why = "The form gets a blank name, so screen reader users hear only \"form\" and cannot "
             "tell it from other forms.",
      .fix = "Point aria-labelledby at a heading or text that says what the form is for.",
      .check = FormLabelledByBlank,
  });
  rules.push_back({
      .code = "ErrFormLandmarkAccessibleNameIsBlank",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"1.3.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This form is given a name with aria-label or aria-labelledby, but the name "
              "is blank.",
      .why = "Screen reader users navigating by landmarks hear a form with no name and cannot "
             "tell what it is for.",
      .fix = "Give the form a meaningful name, ideally aria-labelledby pointing at its "
             "visible heading.",
      .check = FormNameIsBlank,
  });
  rules.push_back({
      .code = "ErrFormLandmarkHasAriaLabelAndAriaLabelledByAttrs",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This form has both aria-label and aria-labelledby.",
      .why = "aria-labelledby wins and the aria-label is silently ignored, so the name users "
             "hear is not the one the author may think they set.",
      .fix = "Keep one of the two, preferably aria-labelledby pointing at a visible heading.",
      .check = FormHasBothLabelAttributes,
  });
  rules.push_back({
      .code = "ErrFormUsesAriaLabelInsteadOfVisibleElement",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"2.5.3", "3.3.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This form is named by aria-label rather than by visible text.",
      .why = "The name exists only for assistive technology: sighted users do not see it, and "
             "it easily drifts from the heading shown on the page.",
      .fix = "Give the form a visible heading and point aria-labelledby at it.",
      .check = FormUsesAriaLabel,
  });
  rules.push_back({
      .code = "ErrFormUsesTitleAttribute",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This form's name comes from its title attribute.",
      .why = "title is a tooltip: it is not shown to keyboard or touch users and not reliably "
             "announced as the landmark's name.",
      .fix = "Name the form with aria-labelledby pointing at its visible heading.",
      .check = FormUsesTitle,
  });
  rules.push_back({
      .code = "WarnFormLandmarkAccessibleNameUsesForm",
      .type = IssueType::kWarning,
      .category = "forms",
      .wcag = {"2.4.6"},
      .level = WcagLevel::kAA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This form's name contains the word \"form\".",
      .why = "Screen readers already announce the landmark as a form, so users hear \"Contact "
             "form form\".",
      .fix = "Drop the word \"form\" from the name (\"Contact us\", \"Login\").",
      .check = FormNameSaysForm,
  });
  rules.push_back({
      .code = "ErrFormEmptyHasNoChildNodes",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This <form> element is empty.",
      .why = "An empty form gives nothing to fill in; if it is named, screen readers list a "
             "form landmark that leads nowhere.",
      .fix = "Remove the empty form, or put its fields in it (in the HTML, not only by script).",
      .check = FormWithNoChildNodes,
  });
  rules.push_back({
      .code = "ErrFormEmptyHasNoInteractiveElements",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This form contains no field or button a user can operate.",
      .why = "Its content looks like a form (labels, styled boxes) but keyboard and screen "
             "reader users find nothing to fill in or submit; disabled controls cannot be "
             "used either.",
      .fix = "Use real, enabled form controls (input, select, textarea, button), or do not use "
             "a <form> for content that is not one.",
      .check = FormWithNoInteractiveElements,
  });
  rules.push_back({
      .code = "DiscoNoSubmitButton",
      .type = IssueType::kDiscovery,
      .category = "forms",
      .wcag = {"3.3.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This form has no visible submit button.",
      .why = "Users must guess that pressing Enter submits it, or the form submits on change, "
             "which can surprise keyboard and screen reader users.",
      .fix = "Check how the form is submitted; add a visible <button type=\"submit\"> that "
             "says what it does.",
      .check = FormWithoutSubmitButton,
  });
}

}  // namespace a11y::checks
