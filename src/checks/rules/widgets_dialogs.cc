// Dialogs and modals (WCAG 2.1.1, 2.1.2, 1.3.1, 4.1.2): a dialog must say it is one, have a
// name and a title heading, tell assistive technology when it is modal, and offer a way out.
// Modals are usually hidden until opened, so these rules do not skip display:none dialogs.
#include "checks/rules/widgets_common.h"

namespace a11y::checks::widgets {
namespace {

// role=dialog/alertdialog or the <dialog> element: exposed to assistive technology as a dialog.
bool IsDialogRole(const Node& e) {
  return e.Is("dialog") || HasRoleToken(e, {"dialog", "alertdialog"});
}

// A class name an author gives a dialog container ("modal", "cookie-dialog", "modal-dialog").
// Parts of a dialog ("modal-content", "modal-backdrop") and triggers ("open-modal" on a
// button) are excluded by the callers' checks of nesting and element type.
bool IsDialogClass(const std::string& token) {
  if (token == "modal" || token == "dialog" || token == "modal-dialog" || token == "popup" ||
      token == "lightbox") {
    return true;
  }
  auto ends_with = [&](std::string_view suffix) {
    return token.size() > suffix.size() &&
           token.compare(token.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with("-modal") || ends_with("-dialog") || ends_with("__modal") ||
         ends_with("__dialog");
}

bool InsideOrAroundDialogRole(const Node& e) {
  if (e.Closest(IsDialogRole) != nullptr) return true;
  for (const Node* other : e.ChildElements()) {
    if (IsDialogRole(*other) || InsideOrAroundDialogRole(*other)) return true;
  }
  return false;
}

bool HasContent(const Node& e) {
  return !e.ChildElements().empty() || !CollapseWhitespace(e.TextContent()).empty();
}

// Something the author built as a dialog but did not give a dialog role: aria-modal="true"
// without a role, or a container classed as a modal with a heading or a control in it.
bool IsUndeclaredDialog(const Node& e) {
  if (IsDialogRole(e) || !e.IsAnyOf({"div", "section", "aside", "article", "form"})) {
    return false;
  }
  if (!FirstRoleToken(e).empty()) return false;
  if (Lower(TrimAscii(e.AttrOr("aria-modal"))) == "true") return true;
  if (!AnyClass(e, IsDialogClass) || InsideOrAroundDialogRole(e)) return false;
  if (e.Closest([](const Node& n) { return AnyClass(n, IsDialogClass); }) != nullptr) {
    return false;
  }
  bool dialog_content = false;
  std::vector<const Node*> stack = e.ChildElements();
  while (!stack.empty() && !dialog_content) {
    const Node* n = stack.back();
    stack.pop_back();
    dialog_content = IsHeading(*n) || IsOperable(*n);
    for (const Node* child : n->ChildElements()) stack.push_back(child);
  }
  return dialog_content;
}

bool IsModalFlag(const Node& e) { return Lower(TrimAscii(e.AttrOr("aria-modal"))) == "true"; }

// Every element inside `root`, depth first.
template <typename Visit>
void ForEachDescendant(const Node& root, Visit visit) {
  for (const Node* child : root.children) {
    if (!child->is_element()) continue;
    visit(*child);
    ForEachDescendant(*child, visit);
  }
}

const Node* FirstHeading(const Node& dialog) {
  const Node* found = nullptr;
  ForEachDescendant(dialog, [&](const Node& e) {
    if (found == nullptr && IsHeading(e)) found = &e;
  });
  return found;
}

std::vector<const Node*> Controls(const Node& dialog) {
  std::vector<const Node*> out;
  ForEachDescendant(dialog, [&](const Node& e) {
    if (IsOperable(e)) out.push_back(&e);
  });
  return out;
}

// A control that dismisses the dialog without committing to anything: named Close, Cancel,
// Dismiss, OK, "No thanks", "×"..., or a button of a <form method=dialog>.
bool IsCloseControl(const Page& page, const Node& control) {
  if (const Node* form = control.Closest([](const Node& n) { return n.Is("form"); })) {
    if (Lower(TrimAscii(form->AttrOr("method"))) == "dialog" &&
        (control.Is("button") || control.Is("input"))) {
      return true;
    }
  }
  std::string name = Lower(NameOf(page, control));
  for (std::string_view word :
       {"close", "cancel", "dismiss", "exit", "hide", "done", "got it", "no thanks", "not now",
        "later", "skip", "back", "decline", "reject", "\xc3\x97" /* × */, "\xe2\x9c\x95" /* ✕ */,
        "\xe2\x9c\x96" /* ✖ */}) {
    if (name.find(word) != std::string::npos) return true;
  }
  if (name == "x" || name == "ok" || name == "okay" || name == "no") return true;
  return AnyClass(control, [](const std::string& t) {
    return t.find("close") != std::string::npos || t.find("dismiss") != std::string::npos;
  });
}

bool HasCloseControl(const Page& page, const Node& dialog) {
  for (const Node* control : Controls(dialog)) {
    if (IsCloseControl(page, *control)) return true;
  }
  return false;
}

// The dialog has a name from aria-label, a resolvable aria-labelledby, or title.
bool HasAuthorName(const Page& page, const Node& dialog) {
  if (!CollapseWhitespace(dialog.AttrOr("aria-label")).empty()) return true;
  if (!CollapseWhitespace(dialog.AttrOr("title")).empty()) return true;
  for (const Node* ref : page.doc.ElementsByIdList(dialog.AttrOr("aria-labelledby"))) {
    if (!CollapseWhitespace(ref->TextContent()).empty() || ref->HasAttr("aria-label")) {
      return true;
    }
  }
  return false;
}

// Something on the page dims or covers what is behind the dialog, or it is called a modal:
// a dialog users cannot leave by moving on, which assistive technology should be told about.
bool LooksModal(const Node& dialog) {
  auto overlay = [](const std::string& t) {
    return t.find("overlay") != std::string::npos || t.find("backdrop") != std::string::npos ||
           t.find("modal") != std::string::npos;
  };
  if (AnyClass(dialog, overlay)) return true;
  if (dialog.parent != nullptr && dialog.parent->is_element() &&
      AnyClass(*dialog.parent, overlay)) {
    return true;
  }
  if (dialog.parent != nullptr) {
    for (const Node* sibling : dialog.parent->ChildElements()) {
      if (sibling != &dialog && AnyClass(*sibling, [](const std::string& t) {
            return t.find("overlay") != std::string::npos ||
                   t.find("backdrop") != std::string::npos;
          })) {
        return true;
      }
    }
  }
  return false;
}

void DialogMissingRole(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (IsUndeclaredDialog(*e)) report.Fail(*e);
  }
}

void MissingAriaLabelledby(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsDialogRole(*e) && !IsUndeclaredDialog(*e)) continue;
    if (!HasAuthorName(page, *e)) report.Fail(*e);
  }
}

void ModalMissingAriaModal(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->Is("dialog") || !IsDialogRole(*e) || IsModalFlag(*e)) continue;
    if (LooksModal(*e)) report.Fail(*e);
  }
}

void ModalNoHeading(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsDialogRole(*e) && !IsModalFlag(*e)) continue;
    if (!HasContent(*e)) continue;  // Filled in by script: nothing to judge yet.
    if (FirstHeading(*e) == nullptr) report.Fail(*e);
  }
}

void ModalHeadingLevel(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsModalFlag(*e)) continue;
    const Node* heading = FirstHeading(*e);
    if (heading != nullptr && HeadingLevel(*heading) >= 3) {
      report.Fail(*e, "Its title heading is level " + std::to_string(HeadingLevel(*heading)) + ".");
    }
  }
}

void MissingCloseButton(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsDialogRole(*e) && !IsModalFlag(*e)) continue;
    if (!HasContent(*e)) continue;
    if (Controls(*e).empty()) report.Fail(*e);
  }
}

void ModalMissingClose(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsDialogRole(*e) && !IsModalFlag(*e)) continue;
    if (Controls(*e).empty()) continue;  // ErrMissingCloseButton covers dialogs with none.
    if (!HasCloseControl(page, *e)) report.Fail(*e);
  }
}

// Escape should close a modal. A native modal <dialog> does it by itself; a scripted one only
// if its script listens for the key. Without a look at every script that can run (external
// files) we cannot tell, so such pages are left alone.
void ModalWithoutEscape(const Page& page, Reporter& report) {
  if (HasExternalScript(page)) return;
  std::string script = InlineScript(page);
  if (script.empty()) return;
  bool handles_escape =
      script.find("escape") != std::string::npos || script.find("'esc'") != std::string::npos ||
      script.find("\"esc\"") != std::string::npos || script.find("27") != std::string::npos;
  if (handles_escape) return;
  for (const Node* e : page.doc.elements()) {
    if (e->Is("dialog") || !IsDialogRole(*e)) continue;
    if (IsModalFlag(*e) || LooksModal(*e)) report.Fail(*e);
  }
}

// A scripted modal must move focus into itself when it opens (and keep it there). When the
// page's script, all of which we can read, never calls focus(), keyboard focus stays on the
// page behind the dialog.
void ModalFocusNotManaged(const Page& page, Reporter& report) {
  if (HasExternalScript(page)) return;
  std::string script = InlineScript(page);
  if (script.empty() || script.find(".focus(") != std::string::npos) return;
  if (script.find("inert") != std::string::npos) return;
  for (const Node* e : page.doc.elements()) {
    if (e->Is("dialog") || !IsDialogRole(*e) || Controls(*e).empty()) continue;
    if (IsModalFlag(*e) || LooksModal(*e)) report.Fail(*e);
  }
}

}  // namespace

void AddDialogRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "AI_ErrModalFocusTrap",
      .type = IssueType::kError,
      .category = "dialogs",
      .wcag = {"2.1.2", "2.4.3"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This scripted modal dialog never receives focus: no script on the page calls "
              "focus(). A person should confirm by opening it with the keyboard.",
      .why = "Keyboard and screen reader users stay on the page behind the dialog, tab "
             "through content they cannot see, and may never reach the dialog.",
      .fix = "When the dialog opens, move focus into it, keep Tab inside it while it is open "
             "(or make the page behind inert), and return focus to the opener when it closes.",
      .check = ModalFocusNotManaged,
  });
  rules.push_back({
      .code = "ErrDialogMissingRole",
      .type = IssueType::kError,
      .category = "dialogs",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This element is built as a dialog (class name or aria-modal) but has no "
              "role=\"dialog\" or role=\"alertdialog\".",
      .why = "Screen readers do not announce that a dialog opened, so users do not know the "
             "context changed or that the rest of the page is out of reach.",
      .fix = "Use a <dialog> element, or add role=\"dialog\" (role=\"alertdialog\" for urgent "
             "messages) with aria-modal=\"true\" and a name.",
      .check = DialogMissingRole,
  });
  rules.push_back({
      .code = "ErrMissingCloseButton",
      .type = IssueType::kError,
      .category = "dialogs",
      .wcag = {"2.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This dialog contains no button or other control, so it offers no way to close "
              "it.",
      .why = "Keyboard and screen reader users can neither reach the dialog nor dismiss it; "
             "they can be stuck behind it.",
      .fix = "Add a visible button that closes the dialog (\"Close\", \"OK\") and move focus to "
             "it when the dialog opens.",
      .check = MissingCloseButton,
  });
  rules.push_back({
      .code = "ErrModalMissingClose",
      .type = IssueType::kError,
      .category = "dialogs",
      .wcag = {"2.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This dialog has controls but none that closes or cancels it.",
      .why = "Users who do not want to act on the dialog have no control to dismiss it; "
             "keyboard users may be unable to get back to the page.",
      .fix = "Add a button that closes the dialog without acting (\"Close\", \"Cancel\", "
             "\"No thanks\"), and let Escape close it too.",
      .check = ModalMissingClose,
  });
  rules.push_back({
      .code = "ErrModalMissingHeading",
      .type = IssueType::kError,
      .category = "dialogs",
      .wcag = {"1.3.1", "2.4.6"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This modal dialog's title heading is level 3 or deeper.",
      .why = "A modal dialog replaces the page for the user; a deep heading level suggests it is "
             "a subsection of the hidden page and confuses heading navigation.",
      .fix = "Give the dialog's title an h2 (or h1) and nest its other headings below it.",
      .check = ModalHeadingLevel,
  });
  rules.push_back({
      .code = "ErrModalNoHeading",
      .type = IssueType::kError,
      .category = "dialogs",
      .wcag = {"1.3.1", "2.4.6"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This dialog has no heading.",
      .why = "Screen reader users navigate by headings; without one they cannot find the start "
             "of the dialog or learn what it is about at a glance.",
      .fix = "Start the dialog with a heading (usually h2) that states its purpose, and point "
             "aria-labelledby at it.",
      .check = ModalNoHeading,
  });
  rules.push_back({
      .code = "ErrModalWithoutEscape",
      .type = IssueType::kError,
      .category = "dialogs",
      .wcag = {"2.1.1", "2.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This scripted modal dialog does not appear to close with the Escape key: no "
              "script on the page handles Escape.",
      .why = "Keyboard users expect Escape to dismiss a modal; without it they must find the "
             "close control, and may be trapped if focus is not managed.",
      .fix = "Listen for keydown Escape while the dialog is open and close it, returning focus "
             "to the control that opened it (a modal <dialog> does this natively).",
      .check = ModalWithoutEscape,
  });
  rules.push_back({
      .code = "WarnMissingAriaLabelledby",
      .type = IssueType::kWarning,
      .category = "dialogs",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This dialog has no accessible name: no aria-labelledby pointing at its title "
              "(nor aria-label).",
      .why = "When the dialog opens, screen readers announce only \"dialog\", without saying "
             "what it is for.",
      .fix = "Give the dialog's title an id and reference it with aria-labelledby on the "
             "dialog.",
      .check = MissingAriaLabelledby,
  });
  rules.push_back({
      .code = "WarnModalMissingAriaModal",
      .type = IssueType::kWarning,
      .category = "dialogs",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This dialog looks modal (a modal class or an overlay behind it) but has no "
              "aria-modal=\"true\".",
      .why = "Screen readers let users wander into the page behind the overlay, which they "
             "cannot see or use while the dialog is open.",
      .fix = "Add aria-modal=\"true\" to a modal dialog (and keep focus inside it), or use a "
             "<dialog> opened with showModal().",
      .check = ModalMissingAriaModal,
  });
}

}  // namespace a11y::checks::widgets
