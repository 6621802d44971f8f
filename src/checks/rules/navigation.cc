// Navigation: menus that say which page is the current one (to screen readers with
// aria-current, to everyone by a visible style), navigation landmarks with the same name,
// and carousels that expose nothing of their structure.
#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "checks/rule.h"
#include "checks/rules/landmark_common.h"
#include "core/ascii.h"

namespace a11y::checks {
namespace {

using landmarks::Landmark;
using landmarks::LandmarksWithRole;
using landmarks::NameKey;

std::vector<const Node*> LinksIn(const Page& page, const Node& container) {
  std::vector<const Node*> out;
  landmarks::ForEachDescendant(container, [&](const Node& e) {
    if (e.Is("a") && !page.sem.IsHidden(e)) out.push_back(&e);
  });
  return out;
}

bool MarkedCurrent(const Node& link) {
  const std::string* current = link.Attr("aria-current");
  return current != nullptr && !TrimAscii(*current).empty() &&
         !EqualsIgnoreCase(TrimAscii(*current), "false");
}

// Class names authors use for the current item of a menu.
bool ClassMarksCurrent(const Node& element) {
  for (std::string_view token : SplitTokens(element.AttrOr("class"))) {
    std::string t = ToLowerAscii(token);
    if (t.find("current") != std::string::npos || t == "active" || t == "is-active" ||
        t == "selected" || t == "is-selected") {
      return true;
    }
  }
  return false;
}

// The list item a menu link sits in, where menus often put the "current" class.
const Node* ItemOf(const Node& link) {
  return link.Closest([](const Node& n) { return n.Is("li"); });
}

bool HasCurrentClass(const Node& link) {
  const Node* item = ItemOf(link);
  return ClassMarksCurrent(link) || (item != nullptr && ClassMarksCurrent(*item));
}

std::string ColorKey(const Color& c) {
  if (!c.known) return "?";
  return std::to_string(static_cast<int>(c.r)) + "," + std::to_string(static_cast<int>(c.g)) + "," +
         std::to_string(static_cast<int>(c.b)) + "," + std::to_string(static_cast<int>(c.a * 100));
}

// What a link looks like, as far as telling one link from its neighbours goes.
std::string VisualSignature(const Page& page, const Node& link) {
  const ComputedStyle& s = page.styles.Of(link);
  std::string key = ColorKey(s.color) + "|" + ColorKey(s.background_color) + "|" +
                    (s.background_image ? "img" : "") + "|" + std::to_string(s.font_weight) + "|" +
                    s.font_style + "|" + s.text_decoration_line + "|" +
                    std::to_string(static_cast<int>(s.font_size_px)) + "|" + s.outline_style + "|" +
                    s.box_shadow;
  for (std::string_view side : {"top", "right", "bottom", "left"}) {
    std::string prefix = "border-" + std::string(side);
    key +=
        "|" + std::string(s.Get(prefix + "-style")) + "/" + std::string(s.Get(prefix + "-width"));
  }
  return key;
}

// The page's sheets style aria-current, or a class of the link or its list item: a fallback
// for what the link's computed style does not show (an ::after bar on the item, say).
bool SheetStylesCurrent(const Page& page, const Node& link) {
  for (const StyleResolver::SheetRule& rule : page.styles.sheet_rules()) {
    if (!rule.at_rule.empty() || rule.declarations.empty()) continue;
    if (rule.selector.find("aria-current") != std::string::npos) return true;
    const Node* item = ItemOf(link);
    for (const Node* styled : {&link, item}) {
      if (styled == nullptr) continue;
      for (std::string_view token : SplitTokens(styled->AttrOr("class"))) {
        if (rule.selector.find("." + std::string(token)) != std::string::npos) return true;
      }
    }
  }
  return false;
}

// True when `link` looks different from every other link of the menu.
bool LooksDifferent(const Page& page, const Node& link, const std::vector<const Node*>& links) {
  std::string mine = VisualSignature(page, link);
  bool compared = false;
  for (const Node* other : links) {
    if (other == &link || MarkedCurrent(*other) || HasCurrentClass(*other)) continue;
    compared = true;
    if (VisualSignature(page, *other) == mine) return false;
  }
  return compared;
}

// A link of the menu is shown as the current page (class or distinct style).
const Node* VisuallyCurrentLink(const Page& page, const std::vector<const Node*>& links) {
  for (const Node* link : links) {
    if (HasCurrentClass(*link)) return link;
  }
  if (links.size() < 3) return nullptr;
  const Node* different = nullptr;
  for (const Node* link : links) {
    if (!LooksDifferent(page, *link, links)) continue;
    if (different != nullptr) return nullptr;  // Several differ: styling, not a marker.
    different = link;
  }
  return different;
}

bool InFooter(const Page& page, const Node& element) {
  return element.Closest([&](const Node& n) { return page.sem.Role(n) == "contentinfo"; }) !=
         nullptr;
}

// Shown as current to sighted users (a class such as "current" or "active" on one link),
// but no aria-current tells screen readers. A link merely styled apart from the others is not
// enough to say so: it may be a call to action.
void CurrentOnlyVisual(const Page& page, Reporter& report) {
  for (const Landmark& nav : LandmarksWithRole(page, "navigation")) {
    std::vector<const Node*> links = LinksIn(page, *nav.element);
    if (std::any_of(links.begin(), links.end(), [](const Node* l) { return MarkedCurrent(*l); })) {
      continue;
    }
    if (std::any_of(links.begin(), links.end(),
                    [](const Node* l) { return HasCurrentClass(*l); })) {
      report.Fail(*nav.element);
    }
  }
}

// aria-current is set, but the link looks like its neighbours: at high magnification a user
// sees only part of the menu and cannot tell where they are.
void CurrentOnlyProgrammatic(const Page& page, Reporter& report) {
  for (const Landmark& nav : LandmarksWithRole(page, "navigation")) {
    std::vector<const Node*> links = LinksIn(page, *nav.element);
    for (const Node* link : links) {
      if (!MarkedCurrent(*link)) continue;
      if (links.size() < 2 || LooksDifferent(page, *link, links) ||
          SheetStylesCurrent(page, *link)) {
        continue;
      }
      report.Fail(*nav.element);
      break;
    }
  }
}

bool LinksToOtherPage(const Node& link) {
  std::string_view href = TrimAscii(link.AttrOr("href"));
  return !href.empty() && href[0] != '#' && !StartsWithIgnoreCase(href, "javascript:");
}

// A site menu that says nothing about where the user is. When some menu of the page marks
// the current page, the others are taken not to contain it.
void NoCurrentIndicator(const Page& page, Reporter& report) {
  std::vector<Landmark> navs = LandmarksWithRole(page, "navigation");
  for (const Landmark& nav : navs) {
    std::vector<const Node*> links = LinksIn(page, *nav.element);
    bool marked =
        std::any_of(links.begin(), links.end(), [](const Node* l) { return MarkedCurrent(*l); });
    if (marked || VisuallyCurrentLink(page, links) != nullptr) return;
  }
  for (const Landmark& nav : navs) {
    if (InFooter(page, *nav.element)) continue;  // Footer menus rarely mark the current page.
    std::vector<const Node*> links = LinksIn(page, *nav.element);
    size_t site_links = std::count_if(links.begin(), links.end(),
                                      [](const Node* l) { return LinksToOtherPage(*l); });
    if (site_links >= 2) report.Fail(*nav.element);
  }
}

// Navigation landmarks sharing one name; one finding per group, on its first member.
void DuplicateNavNames(const Page& page, Reporter& report) {
  std::map<std::string, std::vector<const Node*>> by_name;
  for (const Landmark& nav : LandmarksWithRole(page, "navigation")) {
    std::string key = NameKey(page.sem.Name(*nav.element));
    if (!key.empty()) by_name[key].push_back(nav.element);
  }
  for (const auto& [name, navs] : by_name) {
    if (navs.size() < 2) continue;
    report.Fail(*navs.front(), std::to_string(navs.size()) + " navigation landmarks are named \"" +
                                   page.sem.Name(*navs.front()) + "\".");
  }
}

bool IsCarouselClass(const Node& element) {
  for (std::string_view token : SplitTokens(element.AttrOr("class"))) {
    std::string t = ToLowerAscii(token);
    if (t.find("carousel") != std::string::npos || t.find("slideshow") != std::string::npos) {
      return true;
    }
  }
  return false;
}

bool HasRoleDescription(const Node& element) {
  auto described = [](const Node& e) {
    return !TrimAscii(e.AttrOr("aria-roledescription")).empty();
  };
  return described(element) || landmarks::AnyDescendant(element, described);
}

// A carousel (by its class) exposed as a plain container: no named region or group, no
// roledescription, so screen reader users get a run of slides with no structure.
void CarouselWithoutAria(const Page& page, Reporter& report) {
  for (const Node* element : page.doc.elements()) {
    if (!IsCarouselClass(*element) || page.sem.IsHidden(*element)) continue;
    if (element->Closest([](const Node& n) { return IsCarouselClass(n); }) != nullptr) continue;
    std::string_view role = page.sem.ExplicitRole(*element);
    bool named_container =
        (role == "region" || role == "group" || landmarks::IsLandmarkRole(role)) &&
        !page.sem.Name(*element).empty();
    if (named_container || HasRoleDescription(*element)) continue;
    report.Fail(*element);
  }
}

Rule Make(std::string_view code, IssueType type, std::vector<std::string_view> wcag,
          WcagLevel level, Impact impact, std::string_view what, std::string_view why,
          std::string_view fix, CheckFunction check) {
  return Rule{
      .code = code,
      .type = type,
      .category = "navigation",
      .wcag = std::move(wcag),
      .level = level,
      .impact = impact,
      .act = {},
      .what = what,
      .why = why,
      .fix = fix,
      .check = check,
  };
}

}  // namespace

void AddNavigationRules(std::vector<Rule>& rules) {
  rules.push_back(Make(
      "ErrNoCurrentPageIndicatorScreenReader", IssueType::kError, {"1.3.1"}, WcagLevel::kA,
      Impact::kHigh, "This menu shows the current page visually, but no link has aria-current.",
      "Sighted users see where they are; screen reader users hear every link the same and must "
      "work out the current page themselves.",
      "Add aria-current=\"page\" to the link of the current page.", CurrentOnlyVisual));
  rules.push_back(Make(
      "ErrNoCurrentPageIndicatorMagnification", IssueType::kError, {"2.4.8"}, WcagLevel::kAAA,
      Impact::kHigh,
      "This menu marks the current page with aria-current only; the link looks like the others.",
      "Users of screen magnifiers see a few links at a time and cannot tell which one is the "
      "page they are on.",
      "Style the current link visibly (weight, underline, border, background), for example "
      "with a [aria-current=\"page\"] selector.",
      CurrentOnlyProgrammatic));
  rules.push_back(Make(
      "WarnNoCurrentPageIndicator", IssueType::kWarning, {"2.4.8"}, WcagLevel::kAAA, Impact::kLow,
      "This menu does not indicate the current page.",
      "Users cannot tell from the menu where they are in the site, which matters most to people "
      "with cognitive disabilities or using magnification.",
      "Add aria-current=\"page\" to the current page's link and style it visibly; check by hand "
      "whether the current page is in this menu at all.",
      NoCurrentIndicator));
  rules.push_back(Make(
      "ErrDuplicateNavNames", IssueType::kError, {"2.4.1", "4.1.2"}, WcagLevel::kA, Impact::kMedium,
      "Several navigation landmarks share this name.",
      "Screen reader users choosing a menu from the landmark list hear the same name twice and "
      "cannot tell the menus apart.",
      "Give each navigation landmark a name that says what it holds (\"Main\", \"Footer\", "
      "\"Product categories\").",
      DuplicateNavNames));
  rules.push_back(Make(
      "ErrCarouselWithoutARIA", IssueType::kError, {"1.3.1", "2.2.2", "4.1.2"}, WcagLevel::kA,
      Impact::kHigh, "This carousel is not marked up as one.",
      "Screen reader users meet a run of slides with nothing saying it is a carousel, which "
      "slide is shown or how to move between them.",
      "Make the container a region or group with aria-roledescription=\"carousel\" and a name, "
      "give slides role=\"group\" with aria-roledescription=\"slide\", and use real buttons "
      "with names for the controls (with a pause button if it rotates).",
      CarouselWithoutAria));
}

}  // namespace a11y::checks
