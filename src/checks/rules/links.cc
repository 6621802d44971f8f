// Links: names (WCAG 4.1.2, 2.4.4), purpose, new windows (3.2.2), label in name (2.5.3),
// in-page targets. Focus indicators of links are in focus_indicator_rules.cc.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "checks/rule.h"
#include "checks/rules/focus_util.h"

namespace a11y::checks {
namespace {

// link and the DPUB-ARIA roles that are links (doc-backlink, doc-biblioref...).
bool IsLink(const Page& page, const Node& e) {
  std::string_view role = page.sem.Role(e);
  return role == "link" || role == "doc-backlink" || role == "doc-biblioref" ||
         role == "doc-glossref" || role == "doc-noteref";
}

// ACT c487ae: every link in the accessibility tree has a non-empty accessible name.
void LinkWithoutName(const Page& page, Reporter& report) {
  bool generated = focus::PageHasGeneratedContent(page);
  for (const Node* e : page.doc.elements()) {
    if (!IsLink(page, *e) || page.sem.IsHidden(*e)) continue;
    if (!TrimAscii(page.sem.Name(*e)).empty()) {
      report.Pass(*e);
    } else if (generated) {
      report.CantTell(*e);
    } else {
      report.Fail(*e);
    }
  }
}

void LinkTextNotDescriptive(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsLink(page, *e) || page.sem.IsHidden(*e)) continue;
    // aria-describedby can supply the missing purpose to screen reader users.
    if (e->HasAttr("aria-describedby") && !page.sem.Description(*e).empty()) continue;
    const std::string& name = page.sem.Name(*e);
    if (focus::IsGenericText(name)) report.Fail(*e, "(\"" + name + "\")");
  }
}

// Words that tell the user a new window or tab will open.
bool WarnsOfNewWindow(std::string_view text) {
  std::string t = focus::NormalizeText(text);
  for (std::string_view phrase :
       {"new window", "new tab", "opens in", "open in", "external", "nouvelle fenetre",
        "nouvel onglet", "neues fenster", "neuer tab", "nueva ventana", "nueva pestana"}) {
    if (t.find(phrase) != std::string::npos) return true;
  }
  return false;
}

// What a user could perceive about the link: its name, description, title, visible text and
// the alt of images in it.
bool LinkMentionsNewWindow(const Page& page, const Node& link) {
  if (WarnsOfNewWindow(page.sem.Name(link)) || WarnsOfNewWindow(page.sem.Description(link)) ||
      WarnsOfNewWindow(link.AttrOr("title")) || WarnsOfNewWindow(link.TextContent())) {
    return true;
  }
  for (const Node* n : page.doc.elements()) {
    if (n == &link || !link.Contains(*n)) continue;
    if (WarnsOfNewWindow(n->AttrOr("alt")) || WarnsOfNewWindow(n->AttrOr("aria-label")) ||
        WarnsOfNewWindow(n->AttrOr("title"))) {
      return true;
    }
  }
  return false;
}

// target="_blank" (or a named target: a new window when no frame has that name) without a
// word of warning.
void OpensNewWindowWithoutWarning(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!(e->Is("a") || e->Is("area")) || !e->HasAttr("href") || page.sem.IsHidden(*e)) {
      continue;
    }
    std::string target = focus::NormalizeText(e->AttrOr("target"));
    if (target.empty() || target == "self" || target == "parent" || target == "top") continue;
    if (e->AttrOr("target").front() != '_') {
      // A named target that an iframe on the page carries stays in the page.
      bool frame = false;
      for (const Node* f : page.doc.elements()) {
        if ((f->Is("iframe") || f->Is("frame")) && f->AttrOr("name") == e->AttrOr("target")) {
          frame = true;
        }
      }
      if (frame) continue;
    }
    if (!LinkMentionsNewWindow(page, *e)) report.Fail(*e);
  }
}

// "Read more" read as words: letters and digits only, lower case.
std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string normal = focus::NormalizeText(text);
  size_t start = 0;
  while (start < normal.size()) {
    size_t end = normal.find(' ', start);
    if (end == std::string::npos) end = normal.size();
    if (end > start) words.push_back(normal.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

bool ContainsWords(const std::vector<std::string>& hay, const std::vector<std::string>& needle) {
  if (needle.empty()) return true;
  if (needle.size() > hay.size()) return false;
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

// Speech users say what they see: the visible text must be part of the name that an
// aria-label or aria-labelledby gives.
void AccessibleNameMismatch(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsLink(page, *e) || page.sem.IsHidden(*e)) continue;
    std::string_view source = page.sem.NameSource(*e);
    if (source != "aria-label" && source != "aria-labelledby") continue;
    std::vector<std::string> visible = Words(page.sem.VisibleText(*e));
    // Symbols and single characters ("×", "→", "1") are not a label people speak.
    size_t letters = 0;
    for (const std::string& w : visible) letters += w.size();
    if (letters < 2) continue;
    if (!ContainsWords(Words(page.sem.Name(*e)), visible)) report.Fail(*e);
  }
}

// An in-page link target with tabindex 0 or more becomes a Tab stop of its own.
void AnchorTargetTabindex(const Page& page, Reporter& report) {
  std::set<const Node*> targets;
  for (const Node* a : page.doc.ElementsByTag("a")) {
    std::string_view href = TrimAscii(a->AttrOr("href"));
    if (href.size() < 2 || href[0] != '#') continue;
    if (const Node* target = page.doc.ElementById(href.substr(1))) targets.insert(target);
  }
  for (const Node* target : targets) {
    if (focus::IsNativelyFocusable(*target) || page.sem.IsInvisible(*target)) continue;
    std::optional<int> index = page.sem.TabIndex(*target);
    if (index && *index >= 0) report.Fail(*target, "(tabindex=" + std::to_string(*index) + ")");
  }
}

}  // namespace

void AddLinkRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrLinkNoAccessibleName",
      .type = IssueType::kError,
      .category = "links",
      .wcag = {"2.4.4", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kCritical,
      .act = {"c487ae"},
      .what = "This link has no accessible name.",
      .why = "Screen readers announce it as just \"link\" (or read its URL), so their users "
             "cannot tell where it goes; voice users cannot name it to follow it.",
      .fix = "Put text in the link, give its image an alt, or add an aria-label that says "
             "where it goes.",
      .check = LinkWithoutName,
  });
  rules.push_back({
      .code = "ErrLinkTextNotDescriptive",
      .type = IssueType::kError,
      .category = "links",
      .wcag = {"2.4.4"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This link's name does not say where it goes.",
      .why = "Screen reader users often browse a list of links out of context; a list of "
             "\"click here\" and \"read more\" tells them nothing.",
      .fix = "Make the link text name its destination (\"Read the 2024 annual report\"), or "
             "extend the name with visually hidden text or aria-label starting with the visible "
             "text.",
      .check = LinkTextNotDescriptive,
  });
  rules.push_back({
      .code = "ErrLinkOpensNewWindowNoWarning",
      .type = IssueType::kError,
      .category = "links",
      .wcag = {"3.2.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This link opens a new window or tab without saying so.",
      .why = "The Back button then does nothing and screen reader and magnifier users may not "
             "notice the new window, so they lose their place.",
      .fix = "Add \"(opens in a new tab)\" to the link text, an icon with that alt text, or "
             "drop target=\"_blank\".",
      .check = OpensNewWindowWithoutWarning,
  });
  rules.push_back({
      .code = "ErrLinkAccessibleNameMismatch",
      .type = IssueType::kError,
      .category = "links",
      .wcag = {"2.4.6", "2.5.3"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This link's aria-label or aria-labelledby does not contain its visible text.",
      .why = "Speech-input users say the words they see to follow a link; when the name is "
             "different, the command fails. Screen reader users also hear something other than "
             "what others see.",
      .fix = "Start the accessible name with the visible text (\"Read more about ...\"), or "
             "drop the aria-label.",
      .check = AccessibleNameMismatch,
  });
  rules.push_back({
      .code = "ErrAnchorTargetTabindex",
      .type = IssueType::kError,
      .category = "links",
      .wcag = {"2.4.1", "2.4.3"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This in-page link target is in the Tab order (tabindex 0 or more).",
      .why = "A target only needs to receive focus when the link is followed; in the Tab order "
             "it becomes an extra stop that does nothing, and a positive value also reorders "
             "the page.",
      .fix = "Use tabindex=\"-1\" on skip-link and in-page targets.",
      .check = AnchorTargetTabindex,
  });
}

}  // namespace a11y::checks
