// Buttons: names (WCAG 4.1.2) and purpose (2.4.6). Focus indicators of buttons are in
// focus_indicator_rules.cc.
#include "checks/rule.h"
#include "checks/rules/focus_util.h"

namespace a11y::checks {
namespace {

bool IsButton(const Page& page, const Node& e) { return page.sem.Role(e) == "button"; }

// ACT 97a4e1: buttons in the accessibility tree have a non-empty name. Image buttons
// (input type=image) are a rule of their own (59796f).
void ButtonWithoutName(const Page& page, Reporter& report) {
  bool generated = focus::PageHasGeneratedContent(page);
  for (const Node* e : page.doc.elements()) {
    if (!IsButton(page, *e) || page.sem.IsHidden(*e)) continue;
    if (e->Is("input") && focus::NormalizeText(e->AttrOr("type")) == "image") continue;
    if (!TrimAscii(page.sem.Name(*e)).empty()) {
      report.Pass(*e);
    } else if (generated) {
      report.CantTell(*e);
    } else {
      report.Fail(*e);
    }
  }
}

// A submit or reset button inside a form takes its purpose from the form ("Go" next to a
// search field); elsewhere a generic label says nothing.
bool FormGivesContext(const Node& e) {
  std::string type = focus::NormalizeText(e.AttrOr("type"));
  bool submits = (e.Is("button") && (type.empty() || type == "submit" || type == "reset")) ||
                 (e.Is("input") && (type == "submit" || type == "reset"));
  return submits &&
         (e.Closest([](const Node& n) { return n.Is("form"); }) != nullptr || e.HasAttr("form"));
}

void ButtonGenericText(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsButton(page, *e) || page.sem.IsHidden(*e) || FormGivesContext(*e)) continue;
    if (e->HasAttr("aria-describedby") && !page.sem.Description(*e).empty()) continue;
    const std::string& name = page.sem.Name(*e);
    if (focus::IsGenericText(name)) report.Fail(*e, "(\"" + name + "\")");
  }
}

}  // namespace

void AddButtonRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrButtonNoAccessibleName",
      .type = IssueType::kError,
      .category = "buttons",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kCritical,
      .act = {"97a4e1"},
      .what = "This button has no accessible name.",
      .why = "Screen readers announce only \"button\", so their users cannot tell what it "
             "does; voice users cannot name it to press it.",
      .fix = "Put text in the button, or give an icon button an aria-label (or an img with "
             "alt) that says what it does.",
      .check = ButtonWithoutName,
  });
  rules.push_back({
      .code = "WarnButtonGenericText",
      .type = IssueType::kWarning,
      .category = "buttons",
      .wcag = {"2.4.6"},
      .level = WcagLevel::kAA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This button's name does not say what it does.",
      .why = "Out of context (a screen reader's list of controls, voice commands) \"Click "
             "here\" or \"Learn more\" does not tell users what will happen.",
      .fix = "Name the action and its object (\"Learn more about cloud storage\"), visibly or "
             "with aria-label starting with the visible text.",
      .check = ButtonGenericText,
  });
}

}  // namespace a11y::checks
