// Headings: the outline screen reader users navigate by (WCAG 1.3.1, 2.4.6). Headings are
// h1-h6 and role="heading" elements, with their level from the tag or aria-level.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/rule.h"

namespace a11y::checks {
namespace {

bool IsHTag(const Node& e) {
  return e.ns == Namespace::kHtml && e.tag.size() == 2 && e.tag[0] == 'h' && e.tag[1] >= '1' &&
         e.tag[1] <= '6';
}

// The first role token, lower case ("" when none).
std::optional<int> ParseInt(std::string_view text) {
  text = TrimAscii(text);
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A heading for assistive technology: role heading (Semantics), or, while Semantics gives no
// role, an h1-h6 without an overriding role or an element whose role="heading".
bool IsHeading(const Page& page, const Node& e) {
  if (!e.is_element() || e.ns != Namespace::kHtml) return false;
  std::string_view role = page.sem.Role(e);
  if (!role.empty()) return role == "heading";
  std::string written = FirstRoleToken(e);
  if (written == "heading") return true;
  return IsHTag(e) && (written.empty() || FindRole(written) == nullptr);
}

// aria-level when it is a positive integer, else the tag's level, else 2 (ARIA's default).
int HeadingLevel(const Node& e) {
  if (std::optional<int> level = ParseInt(e.AttrOr("aria-level")); level && *level > 0) {
    return *level;
  }
  return IsHTag(e) ? e.tag[1] - '0' : 2;
}

// Visible headings in document order: the outline a screen reader lists.
std::vector<const Node*> Headings(const Page& page) {
  std::vector<const Node*> headings;
  for (const Node* e : page.doc.elements()) {
    if (IsHeading(page, *e) && !page.sem.IsHidden(*e)) headings.push_back(e);
  }
  return headings;
}

bool IsInvisibleSpace(std::string_view s, size_t i, size_t* width) {
  static constexpr std::string_view kSpaces[] = {"\xC2\xA0",     "\xE2\x80\x8B", "\xE2\x80\x8C",
                                                 "\xE2\x80\x8D", "\xE2\x81\xA0", "\xEF\xBB\xBF"};
  for (std::string_view space : kSpaces) {
    if (s.substr(i, space.size()) == space) {
      *width = space.size();
      return true;
    }
  }
  unsigned char c = static_cast<unsigned char>(s[i]);
  *width = 1;
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool IsBlank(std::string_view s) {
  size_t width = 1;
  for (size_t i = 0; i < s.size(); i += width) {
    if (!IsInvisibleSpace(s, i, &width)) return false;
  }
  return true;
}

// What a heading offers when Semantics has not named it: its text, alt of images, and
// aria-label of descendants, skipping aria-hidden parts. Used to avoid calling a heading
// empty on a missing name alone.
std::string ContentEstimate(const Node& e) {
  std::string text;
  for (const Node* child : e.children) {
    if (child->is_text()) {
      text += child->text;
    } else if (child->is_element()) {
      if (child->IsAnyOf({"script", "style", "template"})) continue;
      if (TrimAscii(child->AttrOr("aria-hidden")) == "true") continue;
      text += " " + std::string(child->AttrOr("aria-label")) + " ";
      if (child->Is("img") || child->Is("input")) text += std::string(child->AttrOr("alt"));
      text += ContentEstimate(*child);
    }
  }
  return text;
}

// Text of the elements aria-labelledby points at ("" when absent or all empty).
std::string LabelledByText(const Page& page, const Node& e) {
  std::string text;
  if (const std::string* ids = e.Attr("aria-labelledby")) {
    for (const Node* ref : page.doc.ElementsByIdList(*ids)) text += ref->TextContent() + " ";
  }
  return text;
}

bool HasAriaHiddenDescendant(const Node& e) {
  for (const Node* child : e.ChildElements()) {
    if (TrimAscii(child->AttrOr("aria-hidden")) == "true" || HasAriaHiddenDescendant(*child)) {
      return true;
    }
  }
  return false;
}

// ACT ffd0e9: a heading in the accessibility tree needs a non-empty name; an empty heading
// is a stop in the outline that says nothing.
void EmptyHeading(const Page& page, Reporter& report) {
  for (const Node* h : Headings(page)) {
    std::string own = LabelledByText(page, *h) + " " + std::string(h->AttrOr("aria-label")) + " " +
                      ContentEstimate(*h);
    if (!page.sem.Name(*h).empty()) {
      report.Pass(*h);
    } else if (IsBlank(own)) {
      report.Fail(*h);
    } else {
      report.CantTell(*h);  // Text we can see but no computed name: Semantics decides.
    }
  }
}

// A jump of more than one level down (h2 then h4): the outline suggests a missing section.
void SkippedHeadingLevel(const Page& page, Reporter& report) {
  std::vector<const Node*> headings = Headings(page);
  for (size_t i = 1; i < headings.size(); ++i) {
    int previous = HeadingLevel(*headings[i - 1]);
    int level = HeadingLevel(*headings[i]);
    if (level > previous + 1) {
      report.Fail(*headings[i], "(h" + std::to_string(previous) + " is followed by h" +
                                    std::to_string(level) + ")");
    }
  }
}

// The first heading of a level that appears after deeper headings: the sections before it
// have no parent, so the outline runs backwards (h3, then h2, then h1).
void HeadingOrder(const Page& page, Reporter& report) {
  bool seen[8] = {};
  int deepest = 0;
  for (const Node* h : Headings(page)) {
    int level = std::min(HeadingLevel(*h), 7);
    if (!seen[level] && deepest > level) report.Fail(*h);
    seen[level] = true;
    deepest = std::max(deepest, level);
  }
}

std::vector<const Node*> LevelOneHeadings(const Page& page) {
  std::vector<const Node*> ones;
  for (const Node* h : Headings(page)) {
    if (HeadingLevel(*h) == 1) ones.push_back(h);
  }
  return ones;
}

void MultipleH1(const Page& page, Reporter& report) {
  std::vector<const Node*> ones = LevelOneHeadings(page);
  if (ones.size() < 2) return;
  for (const Node* h : ones) report.Fail(*h);
}

const Node* PageElement(const Page& page) {
  if (page.doc.body() != nullptr) return page.doc.body();
  return page.doc.html();
}

bool PageHasText(const Page& page) {
  const Node* body = page.doc.body();
  return body != nullptr && !IsBlank(ContentEstimate(*body));
}

// Headings but none of level 1: nothing says what the page as a whole is about.
void NoH1(const Page& page, Reporter& report) {
  if (Headings(page).empty() || !LevelOneHeadings(page).empty()) return;
  if (const Node* e = PageElement(page)) report.Fail(*e);
}

void NoHeadingsOnPage(const Page& page, Reporter& report) {
  if (!Headings(page).empty() || !PageHasText(page)) return;
  if (const Node* e = PageElement(page)) report.Fail(*e);
}

// Roles that support aria-level (WAI-ARIA 1.2).
bool RoleTakesLevel(std::string_view role) {
  return role == "heading" || role == "listitem" || role == "row" || role == "treeitem" ||
         role == "comment" || role == "treegrid";
}

// aria-level on an element with no role at all, explicit or implicit, that uses it: the
// author meant a heading but assistive technology sees plain text.
void AriaLevelWithoutRole(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->ns != Namespace::kHtml || !e->HasAttr("aria-level") || e->HasAttr("role")) continue;
    if (IsHTag(*e) || e->IsAnyOf({"li", "tr", "dt", "dd"})) continue;
    if (RoleTakesLevel(page.sem.ImplicitRole(*e))) continue;
    report.Fail(*e);
  }
}

void AriaLevelOnWrongRole(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->ns != Namespace::kHtml || !e->HasAttr("aria-level") || !e->HasAttr("role")) continue;
    std::string role = FirstRoleToken(*e);
    if (role.empty() || RoleTakesLevel(role)) continue;
    report.Fail(*e, "(role \"" + role + "\")");
  }
}

// aria-level must be a positive integer; anything else is ignored and the level falls back
// to the default, which is rarely what was meant.
void InvalidAriaLevel(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    const std::string* value = e->Attr("aria-level");
    if (value == nullptr || e->ns != Namespace::kHtml) continue;
    if (!IsHTag(*e) && FirstRoleToken(*e) != "heading") continue;
    std::optional<int> level = ParseInt(*value);
    if (!level || *level < 1) report.Fail(*e, "(aria-level=\"" + *value + "\")");
  }
}

void HeadingRoleWithoutLevel(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->ns != Namespace::kHtml || IsHTag(*e) || FirstRoleToken(*e) != "heading") continue;
    if (!e->HasAttr("aria-level")) report.Fail(*e);
  }
}

// Words as a listener would compare them: lower case, punctuation dropped, and words with
// no letter or digit (icons, emoji, bullets) left out.
std::string Comparable(std::string_view s) {
  std::string out;
  for (std::string_view word : SplitTokens(s)) {
    std::string kept;
    size_t multibyte = 0;
    for (char c : word) {
      unsigned char u = static_cast<unsigned char>(c);
      if (std::isalnum(u)) kept += static_cast<char>(std::tolower(u));
      if (u >= 0x80) kept += c;
      if ((u & 0xC0) == 0xC0) ++multibyte;
    }
    bool has_ascii = std::any_of(kept.begin(), kept.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c));
    });
    if (has_ascii || multibyte >= 2) out += kept + " ";
  }
  return CollapseWhitespace(out);
}

// What a screen reader announces for the heading differs from the text on screen (an
// aria-label that replaces it, or aria-hidden parts): sighted and blind users who talk about
// the page, or voice-control users, refer to different words.
void HeadingNameMismatch(const Page& page, Reporter& report) {
  for (const Node* h : Headings(page)) {
    bool overridden =
        h->HasAttr("aria-label") || h->HasAttr("aria-labelledby") || HasAriaHiddenDescendant(*h);
    if (!overridden) continue;
    std::string name = Comparable(page.sem.Name(*h));
    std::string visible = Comparable(page.sem.VisibleText(*h));
    if (name.empty() || visible.empty()) continue;  // Empty headings are another rule.
    if (name != visible) report.Fail(*h);
  }
}

// Headings are read as navigation points; past about 60 characters they stop working as
// quick labels.
constexpr size_t kHeadingLengthLimit = 60;
constexpr size_t kHeadingNearLimit = 50;

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string HeadingText(const Page& page, const Node& h) {
  std::string text = page.sem.VisibleText(h);
  if (text.empty()) text = CollapseWhitespace(h.TextContent());
  return text;
}

void HeadingTooLong(const Page& page, Reporter& report) {
  for (const Node* h : Headings(page)) {
    size_t length = CodePoints(HeadingText(page, *h));
    if (length > kHeadingLengthLimit) {
      report.Fail(*h, "(" + std::to_string(length) + " characters)");
    }
  }
}

void HeadingNearLengthLimit(const Page& page, Reporter& report) {
  for (const Node* h : Headings(page)) {
    size_t length = CodePoints(HeadingText(page, *h));
    if (length > kHeadingNearLimit && length <= kHeadingLengthLimit) report.Fail(*h);
  }
}

// A heading inside display:none is absent for everyone now; if script reveals it later the
// outline changes, and if not, it may be content that was meant to be seen.
void HeadingInsideDisplayNone(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsHTag(*e) && FirstRoleToken(*e) != "heading") continue;
    if (e->Closest([](const Node& n) { return n.Is("template") || n.Is("noscript"); })) {
      continue;
    }
    if (page.styles.IsDisplayNone(*e)) report.Fail(*e);
  }
}

}  // namespace

void AddHeadingRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrEmptyHeading",
      .type = IssueType::kError,
      .category = "headings",
      .wcag = {"1.3.1", "2.4.6"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"ffd0e9"},
      .what = "This heading is empty: it has no text for assistive technology.",
      .why = "Screen reader users jumping between headings land on a heading that says "
             "nothing, and cannot tell what the section is about.",
      .fix = "Put the section's title in the heading, or remove the empty heading element.",
      .check = EmptyHeading,
  });
  rules.push_back({
      .code = "ErrSkippedHeadingLevel",
      .type = IssueType::kError,
      .category = "headings",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This heading skips a level after the heading before it.",
      .why = "Screen reader users navigate by heading level; a skipped level makes them "
             "think a section is missing and obscures how the content is organised.",
      .fix = "Use the next level down (h2 after h1, h3 after h2); change the look with CSS, "
             "not the level.",
      .check = SkippedHeadingLevel,
  });
  rules.push_back({
      .code = "ErrHeadingOrder",
      .type = IssueType::kError,
      .category = "headings",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This heading is the first of its level but comes after deeper headings.",
      .why = "The outline runs backwards: subsections appear before the section they belong "
             "to, which misleads people who navigate by headings.",
      .fix = "Order headings from the top level down so each subsection follows its parent.",
      .check = HeadingOrder,
  });
  rules.push_back({
      .code = "ErrMultipleH1",
      .type = IssueType::kError,
      .category = "headings",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This page has more than one level-1 heading.",
      .why = "Screen reader users expect the level-1 heading to name the page; several leave "
             "them unsure which is the main topic.",
      .fix = "Keep one h1 for the page's main topic and make the others h2 or lower.",
      .check = MultipleH1,
  });
  rules.push_back({
      .code = "ErrNoH1",
      .type = IssueType::kError,
      .category = "headings",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This page has headings but no level-1 heading.",
      .why = "Screen reader users jump to the h1 to find the main content and what the page "
             "is about; without one they have to search.",
      .fix = "Add an h1 that names the page's main content.",
      .check = NoH1,
  });
  rules.push_back({
      .code = "ErrNoHeadingsOnPage",
      .type = IssueType::kError,
      .category = "headings",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This page has no headings.",
      .why = "Headings are how screen reader users skim a page; without them they must "
             "listen to everything in order.",
      .fix = "Mark the page title and section titles up as h1-h6 headings.",
      .check = NoHeadingsOnPage,
  });
  rules.push_back({
      .code = "ErrFoundAriaLevelButNoRoleAppliedAtAll",
      .type = IssueType::kError,
      .category = "headings",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This element has aria-level but no role that uses it.",
      .why = "aria-level alone does not make a heading; assistive technology reads it as "
             "plain text, so the intended heading is missing from the outline.",
      .fix = "Use an h1-h6 element, or add role=\"heading\" alongside aria-level.",
      .check = AriaLevelWithoutRole,
  });
  rules.push_back({
      .code = "ErrFoundAriaLevelButRoleIsNotHeading",
      .type = IssueType::kError,
      .category = "headings",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This element has aria-level but its role does not support a level.",
      .why = "The level is ignored, so whatever structure the author intended is not "
             "conveyed to assistive technology.",
      .fix = "Remove aria-level, or use a heading element (or role=\"heading\") if a heading "
             "was meant.",
      .check = AriaLevelOnWrongRole,
  });
  rules.push_back({
      .code = "ErrInvalidAriaLevel",
      .type = IssueType::kError,
      .category = "headings",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This heading's aria-level is not a positive whole number.",
      .why = "An invalid level is ignored and the heading gets a default level, which can "
             "break the outline.",
      .fix = "Set aria-level to 1-6 to match the heading's place in the outline.",
      .check = InvalidAriaLevel,
  });
  rules.push_back({
      .code = "ErrRoleOfHeadingButNoLevelGiven",
      .type = IssueType::kError,
      .category = "headings",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This element has role=\"heading\" but no aria-level.",
      .why = "Without a level it is exposed as a level-2 heading, which may not fit the "
             "outline around it.",
      .fix = "Add aria-level with the heading's level, or use an h1-h6 element.",
      .check = HeadingRoleWithoutLevel,
  });
  rules.push_back({
      .code = "ErrHeadingAccessibleNameMismatch",
      .type = IssueType::kError,
      .category = "headings",
      .wcag = {"2.5.3"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "What assistive technology announces for this heading differs from its visible "
              "text.",
      .why = "Screen reader and voice-control users hear or must say different words from "
             "the ones on screen, which makes the page confusing to talk about and navigate.",
      .fix = "Remove the aria-label (or aria-hidden parts) so the visible text is the name, "
             "or make the name start with the visible words.",
      .check = HeadingNameMismatch,
  });
  rules.push_back({
      .code = "WarnHeadingOver60CharsLong",
      .type = IssueType::kWarning,
      .category = "headings",
      .wcag = {"2.4.6"},
      .level = WcagLevel::kAA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This heading is longer than 60 characters.",
      .why = "Long headings are tiring to skim in a screen reader's heading list and are "
             "often paragraphs styled as headings.",
      .fix = "Shorten the heading to a label and move the detail into the text below it.",
      .check = HeadingTooLong,
  });
  rules.push_back({
      .code = "InfoHeadingNearLengthLimit",
      .type = IssueType::kInfo,
      .category = "headings",
      .wcag = {"2.4.6"},
      .level = WcagLevel::kAA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This heading is between 50 and 60 characters long.",
      .why = "It is close to the length where headings stop working as quick labels in a "
             "screen reader's heading list.",
      .fix = "Consider a shorter heading.",
      .check = HeadingNearLengthLimit,
  });
  rules.push_back({
      .code = "WarnHeadingInsideDisplayNone",
      .type = IssueType::kWarning,
      .category = "headings",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This heading is hidden with display:none.",
      .why = "It is missing from the outline for everyone; if it is revealed later, or was "
             "meant to be visible, the structure users navigate is not the one intended.",
      .fix = "Check the heading should be hidden; if it labels visible content, show it (or "
             "hide it visually only).",
      .check = HeadingInsideDisplayNone,
  });
}

}  // namespace a11y::checks
