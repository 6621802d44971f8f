// Form fields and their labels (WCAG 1.3.1, 2.5.3, 3.3.2, 4.1.2): whether each field has a
// name, where the name comes from, and whether the <label> elements on the page label anything.
#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <string_view>

#include "checks/rule.h"
#include "checks/rules/form_util.h"

namespace a11y::checks {
namespace {

using form_util::ForEachDescendant;
using form_util::InputType;
using form_util::IsBlank;
using form_util::IsButtonInputType;
using form_util::IsNativeField;

// HTML's labelable elements (form-associated custom elements aside).
bool IsLabelable(const Node& el) {
  if (el.Is("input")) return InputType(el) != "hidden";
  return el.IsAnyOf({"button", "meter", "output", "progress", "select", "textarea"});
}

// The roles of ACT rule e086e5: fields that take a value from the user.
bool IsFieldRole(std::string_view role) {
  static constexpr std::string_view kRoles[] = {
      "checkbox",  "combobox", "listbox",    "menuitemcheckbox", "menuitemradio", "radio",
      "searchbox", "slider",   "spinbutton", "switch",           "textbox"};
  return std::find(std::begin(kRoles), std::end(kRoles), role) != std::end(kRoles);
}

// A form field as assistive technology sees it: a field role, or a native field whose role
// the semantics leave empty (input type=date or color have no ARIA role but are fields).
// A role that overrides the native one (role="button", or none taking effect) wins.
bool IsFormField(const Page& page, const Node& el) {
  std::string_view role = page.sem.Role(el);
  if (IsFieldRole(role)) return true;
  return role.empty() && IsNativeField(el);
}

// A visible form field in the accessibility tree.
bool IsExposedField(const Page& page, const Node& el) {
  return IsFormField(page, el) && !page.sem.IsHidden(el);
}

// The control a <label> labels, per HTML: the labelable element its for="" names, or, with no
// for attribute, its first labelable descendant. nullptr when it labels nothing.
const Node* LabeledControl(const Document& doc, const Node& label) {
  if (const std::string* for_id = label.Attr("for")) {
    if (for_id->empty()) return nullptr;
    const Node* target = doc.ElementById(*for_id);
    return target != nullptr && IsLabelable(*target) ? target : nullptr;
  }
  const Node* first = nullptr;
  ForEachDescendant(label, [&first](const Node& n) {
    if (first == nullptr && IsLabelable(n)) first = &n;
  });
  return first;
}

// The text a sighted user reads in a label: its text, image alternatives, skipping the
// fields it wraps (a select's options are not part of the label) and what is not rendered.
void AppendLabelText(const Page& page, const Node& node, std::string& out) {
  for (const Node* child : node.children) {
    if (child->is_text()) {
      out += child->text;
    } else if (child->is_element()) {
      if (child->IsAnyOf({"select", "textarea", "script", "style", "template", "input"})) {
        continue;
      }
      if (page.sem.IsInvisible(*child)) continue;
      if (child->Is("img")) {
        out += ' ';
        out += child->AttrOr("alt");
        out += ' ';
        continue;
      }
      AppendLabelText(page, *child, out);
    }
  }
}

std::string LabelText(const Page& page, const Node& label) {
  std::string text;
  AppendLabelText(page, label, text);
  return CollapseWhitespace(text);
}

// The visible text of the <label> elements of `field`, joined.
std::string VisibleLabelText(const Page& page, const Node& field) {
  std::string text;
  for (const Node* label : page.sem.Labels(field)) {
    if (page.sem.IsInvisible(*label)) continue;
    if (!text.empty()) text += ' ';
    text += LabelText(page, *label);
  }
  return CollapseWhitespace(text);
}

// The ids of an ID reference list that no element carries.
std::vector<std::string_view> MissingIds(const Document& doc, std::string_view ids) {
  std::vector<std::string_view> missing;
  for (std::string_view id : SplitTokens(ids)) {
    if (doc.ElementById(id) == nullptr) missing.push_back(id);
  }
  return missing;
}

std::string JoinQuoted(const std::vector<std::string_view>& items) {
  std::string out;
  for (std::string_view item : items) {
    if (!out.empty()) out += ", ";
    out += '"';
    out += item;
    out += '"';
  }
  return out;
}

bool IsNamedBy(std::string_view source, std::initializer_list<std::string_view> sources) {
  return std::find(sources.begin(), sources.end(), source) != sources.end();
}

// --- Checks -----------------------------------------------------------------------------

// A field with no accessible name at all: a screen reader says "edit text" and nothing else.
// Also ACT e086e5, whose applicability is the same set of fields.
void FieldWithoutName(const Page& page, Reporter& report) {
  for (const Node* el : page.doc.elements()) {
    if (!IsExposedField(page, *el)) continue;
    if (IsBlank(page.sem.Name(*el))) {
      report.Fail(*el);
    } else {
      report.Pass(*el);
    }
  }
}

// An empty <label>. One that only serves as the click area of a custom-styled checkbox whose
// name is given otherwise (aria-label, another label) costs nobody anything and is skipped.
void EmptyLabel(const Page& page, Reporter& report) {
  for (const Node* label : page.doc.ElementsByTag("label")) {
    if (page.sem.IsHidden(*label)) continue;
    if (!IsBlank(label->AttrOr("aria-label"))) continue;
    if (!IsBlank(LabelText(page, *label))) continue;
    const Node* control = LabeledControl(page.doc, *label);
    if (control != nullptr && !IsBlank(page.sem.Name(*control))) continue;
    report.Fail(*label);
  }
}

bool IsSubmitLike(const Node& el) {
  if (el.Is("button")) return InputType(el) != "reset";
  return el.Is("input") && IsButtonInputType(InputType(el)) && InputType(el) != "reset";
}

// WCAG technique G167: a single text field whose adjacent button says what it is for (a
// search box with a "Search" button) is labelled visually by that button.
bool LabelledByAdjacentButton(const Page& page, const Node& field) {
  if (!field.Is("input")) return false;
  std::string type = InputType(field);
  if (type != "text" && type != "search" && type != "" && type != "email" && type != "url" &&
      type != "tel" && type != "number") {
    return false;
  }
  const Node* form = field.Closest([](const Node& n) { return n.Is("form"); });
  if (form == nullptr) return false;
  int fields = 0;
  bool button = false;
  ForEachDescendant(*form, [&](const Node& n) {
    if (IsNativeField(n) && !page.sem.IsHidden(n)) ++fields;
    if (IsSubmitLike(n) && !page.sem.IsInvisible(n) && !IsBlank(page.sem.Name(n))) {
      button = true;
    }
  });
  return fields == 1 && button;
}

// Fields whose only name is a hint that disappears (placeholder) or a tooltip (title).
void NamedOnlyBy(const Page& page, Reporter& report, std::string_view source) {
  for (const Node* el : page.doc.elements()) {
    if (!IsExposedField(page, *el)) continue;
    if (page.sem.NameSource(*el) != source || IsBlank(page.sem.Name(*el))) continue;
    if (LabelledByAdjacentButton(page, *el)) continue;
    report.Fail(*el);
  }
}
void PlaceholderAsLabel(const Page& page, Reporter& report) {
  NamedOnlyBy(page, report, "placeholder");
}
void TitleAsOnlyLabel(const Page& page, Reporter& report) { NamedOnlyBy(page, report, "title"); }

// aria-label="" or aria-labelledby="" on a field: the author meant to name the field and the
// attribute does nothing. Not reported when a <label> or the other ARIA attribute names the
// field anyway, since then nothing is lost.
void BlankAriaAttribute(const Page& page, Reporter& report, std::string_view attribute,
                        std::string_view other_source) {
  for (const Node* el : page.doc.elements()) {
    const std::string* value = el->Attr(attribute);
    if (value == nullptr || !IsBlank(*value)) continue;
    if (!IsExposedField(page, *el)) continue;
    std::string_view source = page.sem.NameSource(*el);
    if (IsNamedBy(source, {"label", other_source})) continue;
    report.Fail(*el);
  }
}
void EmptyAriaLabelOnField(const Page& page, Reporter& report) {
  BlankAriaAttribute(page, report, "aria-label", "aria-labelledby");
}
void EmptyAriaLabelledByOnField(const Page& page, Reporter& report) {
  BlankAriaAttribute(page, report, "aria-labelledby", "aria-label");
}

void FieldAriaRefDoesNotExist(const Page& page, Reporter& report) {
  for (const Node* el : page.doc.elements()) {
    const std::string* ids = el->Attr("aria-labelledby");
    if (ids == nullptr || !IsExposedField(page, *el)) continue;
    std::vector<std::string_view> missing = MissingIds(page.doc, *ids);
    if (missing.empty()) continue;
    report.Fail(*el, "No element has the id " + JoinQuoted(missing) + ".");
  }
}

// <label for="x"> where no labelable element has id x: the label labels nothing.
void FieldReferenceDoesNotExist(const Page& page, Reporter& report) {
  for (const Node* label : page.doc.ElementsByTag("label")) {
    const std::string* for_id = label->Attr("for");
    if (for_id == nullptr || page.sem.IsHidden(*label)) continue;
    if (LabeledControl(page.doc, *label) != nullptr) continue;
    const Node* target = for_id->empty() ? nullptr : page.doc.ElementById(*for_id);
    report.Fail(*label, target == nullptr ? "for=\"" + *for_id + "\" matches no element."
                                          : "for=\"" + *for_id + "\" names a <" + target->tag +
                                                ">, which a label cannot label.");
  }
}

// Every id named by some aria-labelledby on the page.
std::set<std::string_view> LabelledByIds(const Document& doc) {
  std::set<std::string_view> ids;
  for (const Node* el : doc.elements()) {
    if (const std::string* list = el->Attr("aria-labelledby")) {
      for (std::string_view token : SplitTokens(*list)) ids.insert(token);
    }
  }
  return ids;
}

// A <label> with no (or a blank) for attribute and no field inside: it sits next to a field
// but clicking it does nothing and screen readers do not announce it with the field.
void OrphanLabel(const Page& page, Reporter& report) {
  std::set<std::string_view> referenced = LabelledByIds(page.doc);
  for (const Node* label : page.doc.ElementsByTag("label")) {
    const std::string* for_id = label->Attr("for");
    if (for_id != nullptr && !TrimAscii(*for_id).empty()) continue;  // Checked elsewhere.
    if (page.sem.IsHidden(*label)) continue;
    if (LabeledControl(page.doc, *label) != nullptr) continue;
    // A label used through aria-labelledby does label something.
    if (referenced.count(label->AttrOr("id")) > 0) continue;
    report.Fail(*label);
  }
}

void LabelContainsMultipleFields(const Page& page, Reporter& report) {
  for (const Node* label : page.doc.ElementsByTag("label")) {
    if (page.sem.IsHidden(*label)) continue;
    int fields = 0;
    ForEachDescendant(*label, [&fields](const Node& n) { fields += IsNativeField(n); });
    if (fields > 1) {
      report.Fail(*label, "It wraps " + std::to_string(fields) + " fields.");
    }
  }
}

// Native fields named by aria-label alone: the name is invisible, so sighted users get no
// label (3.3.2) and speech users do not know what to say to reach the field.
void FieldLabelledUsingAriaLabel(const Page& page, Reporter& report) {
  for (const Node* el : page.doc.elements()) {
    if (!IsNativeField(*el) || !IsExposedField(page, *el)) continue;
    if (page.sem.NameSource(*el) != "aria-label") continue;
    if (!VisibleLabelText(page, *el).empty()) continue;
    if (LabelledByAdjacentButton(page, *el)) continue;
    report.Fail(*el);
  }
}

// Native fields named through aria-labelledby with no <label> of their own: the name is
// read out, but the text is not a click target for the field and is lost when ARIA is not
// supported (reader modes, some voice-control software).
void FieldLabelledByNonLabel(const Page& page, Reporter& report) {
  for (const Node* el : page.doc.elements()) {
    if (!IsNativeField(*el) || !IsExposedField(page, *el)) continue;
    if (page.sem.NameSource(*el) != "aria-labelledby") continue;
    if (!page.sem.Labels(*el).empty()) continue;
    report.Fail(*el);
  }
}

// Letters and digits only, lower case, single spaces: "ZIP code:" and "zip code" compare
// equal, as speech-input software matches them.
std::string NormalizeForMatch(std::string_view s) {
  std::string out;
  bool space = false;
  for (unsigned char c : s) {
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

// WCAG 2.5.3 Label in Name for fields: the visible <label> text must be part of the
// accessible name, or "click Email" in voice control does not find the field.
void LabelMismatch(const Page& page, Reporter& report) {
  for (const Node* el : page.doc.elements()) {
    if (!IsNativeField(*el) || !IsExposedField(page, *el)) continue;
    if (!IsNamedBy(page.sem.NameSource(*el), {"aria-label", "aria-labelledby"})) continue;
    std::string label = NormalizeForMatch(VisibleLabelText(page, *el));
    if (label.empty()) continue;
    std::string name = NormalizeForMatch(page.sem.Name(*el));
    if (name.find(label) != std::string::npos) continue;
    report.Fail(*el, "The label reads \"" + VisibleLabelText(page, *el) +
                         "\" but the accessible name is \"" + page.sem.Name(*el) + "\".");
  }
}

}  // namespace

void AddFormFieldRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrNoLabel",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"1.3.1", "3.3.2", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"e086e5"},
      .what = "This form field has no accessible name.",
      .why = "A screen reader announces only the kind of field (\"edit text\", \"combo box\"), "
             "so its users cannot tell what to enter; text placed next to the field is not "
             "tied to it.",
      .fix = "Give the field a <label for> (or wrap it in a <label>); use aria-labelledby "
             "pointing at visible text when a label element is not possible.",
      .check = FieldWithoutName,
  });
  rules.push_back({
      .code = "ErrEmptyLabel",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This <label> element has no text.",
      .why = "The field it labels gets an empty name, so screen reader users hear no label "
             "and sighted users see none.",
      .fix = "Put the field's visible label text inside the <label>.",
      .check = EmptyLabel,
  });
  rules.push_back({
      .code = "ErrPlaceholderAsLabel",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"3.3.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This field's only label is its placeholder text.",
      .why = "The placeholder disappears as soon as the user types, is often low contrast, and "
             "is not read by every screen reader; users forget what the field was for.",
      .fix = "Add a visible <label> for the field and keep the placeholder for an example "
             "value at most.",
      .check = PlaceholderAsLabel,
  });
  rules.push_back({
      .code = "ErrTitleAsOnlyLabel",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"1.1.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This field's only label is its title attribute.",
      .why = "A title shows only as a mouse tooltip: keyboard, touch and many screen reader "
             "users never get it, and nothing is visible on screen.",
      .fix = "Add a visible <label> for the field.",
      .check = TitleAsOnlyLabel,
  });
  rules.push_back({
      .code = "ErrEmptyAriaLabelOnField",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This field has an empty aria-label and no label element.",
      .why = "An empty aria-label is ignored, so the field is left without a usable name for "
             "screen reader users.",
      .fix = "Give the field a visible <label>, or put the label text in aria-label.",
      .check = EmptyAriaLabelOnField,
  });
  rules.push_back({
      .code = "ErrEmptyAriaLabelledByOnField",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This field has an empty aria-labelledby and no label element.",
      .why = "aria-labelledby with no id names nothing, so the field has no usable name for "
             "screen reader users.",
      .fix = "Set aria-labelledby to the id of the visible label text, or use a <label>.",
      .check = EmptyAriaLabelledByOnField,
  });
  rules.push_back({
      .code = "ErrFieldAriaRefDoesNotExist",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This field's aria-labelledby names an id that is not on the page.",
      .why = "The missing part of the label is silently dropped, so screen reader users hear "
             "an incomplete name or none.",
      .fix = "Correct the id in aria-labelledby (ids are case-sensitive) or add the element it "
             "should point to.",
      .check = FieldAriaRefDoesNotExist,
  });
  rules.push_back({
      .code = "ErrFieldReferenceDoesNotExist",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This label's for attribute does not match the id of any form field.",
      .why = "The label is not tied to its field: screen readers do not announce it, and "
             "clicking it does not move focus to the field.",
      .fix = "Make for=\"...\" exactly equal to the field's id (case-sensitive).",
      .check = FieldReferenceDoesNotExist,
  });
  rules.push_back({
      .code = "ErrOrphanLabelWithNoId",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This label is not associated with any field: it has no for attribute and "
              "wraps no field.",
      .why = "Sighted users see a label, but screen readers do not announce it with the field "
             "and clicking it does nothing.",
      .fix = "Add for=\"id-of-the-field\", or move the field inside the <label>.",
      .check = OrphanLabel,
  });
  rules.push_back({
      .code = "ErrLabelContainsMultipleFields",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This label wraps more than one form field.",
      .why = "A label belongs to one field only: the first field gets the whole text and the "
             "others get no name.",
      .fix = "Give each field its own label; group them with <fieldset> and <legend> if they "
             "share a caption (a date range, a phone number).",
      .check = LabelContainsMultipleFields,
  });
  rules.push_back({
      .code = "ErrFieldLabelledUsingAriaLabel",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"2.5.3", "3.3.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This field is named only by aria-label; there is no visible label.",
      .why = "Sighted users see no label for the field, and speech-input users do not know "
             "which name to say to reach it.",
      .fix = "Add a visible <label> for the field (and drop the aria-label, or make it match).",
      .check = FieldLabelledUsingAriaLabel,
  });
  rules.push_back({
      .code = "ErrFielLabelledBySomethingNotALabel",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"1.3.1", "3.3.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This field is labelled with aria-labelledby pointing at text that is not a "
              "<label> for it.",
      .why = "The text is announced, but clicking it does not focus the field (a small target "
             "for users with tremors), and tools that ignore ARIA see no label.",
      .fix = "Turn the referenced text into a <label for=\"id-of-the-field\">.",
      .check = FieldLabelledByNonLabel,
  });
  rules.push_back({
      .code = "ErrLabelMismatchOfAccessibleNameAndLabelText",
      .type = IssueType::kError,
      .category = "forms",
      .wcag = {"2.5.3"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This field's accessible name does not contain its visible label text.",
      .why = "Speech-input users say the label they see (\"click Email\"), which does not "
             "match the name set by aria-label or aria-labelledby, so the field cannot be "
             "reached; screen reader users hear a different name from the one on screen.",
      .fix = "Remove the aria-label/aria-labelledby, or make the name start with the visible "
             "label text.",
      .check = LabelMismatch,
  });
}

}  // namespace a11y::checks
