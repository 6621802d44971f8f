// Landmarks seen from the whole page: the landmarks a page should have, content left outside
// every landmark (and ACT rule b40fd1), unnamed regions and forms, the main landmark's own
// requirements, empty or nested navigation, and headings that should label their landmark.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "checks/rule.h"
#include "checks/rules/landmark_common.h"
#include "core/ascii.h"

namespace a11y::checks {
namespace {

using landmarks::ContentOptions;
using landmarks::ContentOutsideLandmarks;
using landmarks::EnclosingLandmark;
using landmarks::HasPerceivableContent;
using landmarks::Landmark;
using landmarks::LandmarksWithRole;
using landmarks::PageTarget;

bool IsHeading(const Page& page, const Node& element) {
  return page.sem.Role(element) == "heading";
}

// ---- Landmarks the page lacks (reported on <body>). ----

bool PageHasContent(const Page& page) {
  const Node* body = page.doc.body();
  return body != nullptr && HasPerceivableContent(page, *body);
}

void Missing(const Page& page, Reporter& report, std::string_view role) {
  if (!PageHasContent(page) || !LandmarksWithRole(page, role).empty()) return;
  report.Fail(*PageTarget(page));
}
void MissingMain(const Page& page, Reporter& report) { Missing(page, report, "main"); }
void MissingBanner(const Page& page, Reporter& report) { Missing(page, report, "banner"); }
void MissingContentinfo(const Page& page, Reporter& report) {
  Missing(page, report, "contentinfo");
}

// A block that reads as a set of links: at least `min_links` links making up most of its text.
bool IsLinkGroup(const Node& element, size_t min_links) {
  size_t links = 0;
  size_t link_text = 0;
  landmarks::ForEachDescendant(element, [&](const Node& e) {
    if (!e.Is("a") || e.Closest([&](const Node& n) { return n.Is("a"); }) != nullptr) return;
    ++links;
    link_text += CollapseWhitespace(e.TextContent()).size();
  });
  // Too few links: no need to gather the element's whole text (for a page's outer blocks
  // that is the whole page, again for each of them).
  if (links < min_links) return false;
  size_t text = CollapseWhitespace(element.TextContent()).size();
  return link_text * 2 >= text;
}

// Navigation links exist (a list or block of them) but no navigation landmark holds any.
void NoNavigationLandmark(const Page& page, Reporter& report) {
  if (!LandmarksWithRole(page, "navigation").empty()) return;
  for (const Node* element : page.doc.elements()) {
    if (!element->IsAnyOf({"ul", "ol", "menu", "div", "p"}) || page.sem.IsHidden(*element)) {
      continue;
    }
    if (IsLinkGroup(*element, 3)) {
      report.Fail(*PageTarget(page));
      return;
    }
  }
}

// ---- Content outside landmarks. ----

void ContentOutsideOnce(const Page& page, Reporter& report) {
  std::vector<const Node*> outside = ContentOutsideLandmarks(page);
  if (outside.empty()) return;
  report.Fail(*outside.front(), outside.size() == 1
                                    ? std::string()
                                    : std::to_string(outside.size()) +
                                          " blocks of content on this page are outside landmarks.");
}

void EachElementOutside(const Page& page, Reporter& report) {
  for (const Node* element : ContentOutsideLandmarks(page)) report.Fail(*element);
}

// ACT rules apply to HTML web pages only.
bool IsHtmlPage(const Page& page) {
  if (page.doc.has_doctype()) return true;
  const Node* html = page.doc.html();
  if (html == nullptr) return false;
  if (html->line != 0) return true;
  // The parser wraps a bare SVG or MathML document in an implied <html><body>.
  const Node* body = page.doc.body();
  if (body == nullptr) return true;
  std::vector<const Node*> children = body->ChildElements();
  return children.empty() || children.front()->ns == Namespace::kHtml;
}

// ACT b40fd1: the page's own content (non-repeated content after repeated content) starts a
// landmark. Repeated content cannot be known from one page; we pass a page whose main
// landmark holds content, fail one whose content follows navigation (a navigation or banner
// landmark, or a block of links) outside any landmark, and leave the rest to a person.
void MainContentInLandmark(const Page& page, Reporter& report) {
  if (!IsHtmlPage(page)) return;
  const Node& target = *PageTarget(page);
  ContentOptions perceivable{/*only_invisible_hides=*/true, /*skip_in_page_links=*/false};
  for (const Landmark& main : LandmarksWithRole(page, "main")) {
    if (HasPerceivableContent(page, *main.element, perceivable)) {
      report.Pass(target);
      return;
    }
  }
  std::vector<const Node*> outside = ContentOutsideLandmarks(page, /*only_invisible_hides=*/true);
  if (outside.empty()) {
    report.Pass(target);
    return;
  }
  // The first block outside landmarks that is not itself a block of links.
  const Node* content = nullptr;
  bool links_before = false;
  for (const Node* element : outside) {
    if (IsLinkGroup(*element, 2)) {
      links_before = true;
    } else {
      content = element;
      break;
    }
  }
  if (content == nullptr) {
    report.CantTell(target);
    return;
  }
  bool navigation_before = links_before;
  for (const Landmark& landmark : landmarks::AllLandmarks(page)) {
    if ((landmark.role == "navigation" || landmark.role == "banner") &&
        landmark.element->order < content->order) {
      navigation_before = true;
    }
  }
  if (navigation_before) {
    report.Fail(target);
  } else {
    report.CantTell(target);
  }
}

// ---- Regions and forms without a name. ----

void UnnamedRegion(const Page& page, Reporter& report) {
  for (const Landmark& region : LandmarksWithRole(page, "region", /*include_unexposed=*/true)) {
    if (page.sem.Name(*region.element).empty()) report.Fail(*region.element);
  }
}

bool HasDataEntryControl(const Node& form) {
  return landmarks::AnyDescendant(form, [](const Node& e) {
    if (e.IsAnyOf({"select", "textarea"})) return true;
    if (!e.Is("input")) return false;
    std::string type = ToLowerAscii(TrimAscii(e.AttrOr("type")));
    return type != "hidden" && type != "submit" && type != "button" && type != "reset" &&
           type != "image";
  });
}

// A form is only a landmark with a name. A form made of one button (log out, add to cart) is
// no region anyone navigates to, and a form inside a search landmark is reachable already.
void UnnamedForm(const Page& page, Reporter& report) {
  for (const Landmark& form : LandmarksWithRole(page, "form", /*include_unexposed=*/true)) {
    const Node& element = *form.element;
    if (!page.sem.Name(element).empty()) continue;
    if (!form.exposed && !HasDataEntryControl(element)) continue;
    if (element.Closest([&](const Node& n) { return page.sem.Role(n) == "search"; }) != nullptr) {
      continue;
    }
    report.Fail(element);
  }
}

// ---- The main landmark. ----

// Several main elements are allowed when all but one are hidden (views of an application);
// a page whose every main is hidden has lost its main content.
void MainHidden(const Page& page, Reporter& report) {
  if (!LandmarksWithRole(page, "main").empty()) return;
  for (const Node* element : page.doc.elements()) {
    if (page.sem.Role(*element) == "main" && page.sem.IsHidden(*element)) report.Fail(*element);
  }
}

void MainInTabOrder(const Page& page, Reporter& report) {
  for (const Landmark& main : LandmarksWithRole(page, "main")) {
    std::optional<int> tabindex = page.sem.TabIndex(*main.element);
    if (tabindex.has_value() && *tabindex >= 0) {
      report.Fail(*main.element, "tabindex=\"" + std::to_string(*tabindex) + "\".");
    }
  }
}

// ---- Navigation landmarks with nothing in them, or inside one another. ----

bool HasEmbeddedContent(const Node& element) {
  return landmarks::AnyDescendant(element, [](const Node& e) {
    if (e.ns == Namespace::kSvg && e.tag == "svg") return true;
    return e.IsAnyOf({"img", "input", "button", "select", "textarea", "iframe", "object", "embed",
                      "video", "audio", "canvas"});
  });
}

void EmptyNavigation(const Page& page, Reporter& report) {
  for (const Landmark& nav : LandmarksWithRole(page, "navigation")) {
    if (nav.element->ChildElements().empty() && TrimAscii(nav.element->TextContent()).empty()) {
      report.Fail(*nav.element);
    }
  }
}

void WhitespaceOnlyNavigation(const Page& page, Reporter& report) {
  for (const Landmark& nav : LandmarksWithRole(page, "navigation")) {
    if (TrimAscii(nav.element->TextContent()).empty() && !HasEmbeddedContent(*nav.element)) {
      report.Fail(*nav.element);
    }
  }
}

void NestedNavigation(const Page& page, Reporter& report) {
  for (const Landmark& nav : LandmarksWithRole(page, "navigation")) {
    const Node* outer = nav.element->Closest(
        [&](const Node& n) { return page.sem.Role(n) == "navigation" && !page.sem.IsHidden(n); });
    if (outer != nullptr) report.Fail(*nav.element);
  }
}

// ---- Headings and the landmarks they sit in. ----

// The headings of a landmark that are not inside a landmark nested in it.
std::vector<const Node*> OwnHeadings(const Page& page, const Node& landmark) {
  std::vector<const Node*> out;
  landmarks::ForEachDescendant(landmark, [&](const Node& e) {
    if (!IsHeading(page, e) || page.sem.IsHidden(e)) return;
    if (EnclosingLandmark(page, e) == &landmark) out.push_back(&e);
  });
  return out;
}

bool AnyHeading(const Page& page, const std::vector<const Node*>& elements) {
  return std::any_of(elements.begin(), elements.end(),
                     [&](const Node* e) { return IsHeading(page, *e); });
}

// Labelled by something that is not a heading while a heading of its own sits inside: the
// visible title and the announced name disagree.
void LabelledPastItsHeading(const Page& page, Reporter& report) {
  for (const Landmark& landmark : landmarks::AllLandmarks(page)) {
    std::vector<const Node*> refs =
        page.doc.ElementsByIdList(landmark.element->AttrOr("aria-labelledby"));
    if (refs.empty() || AnyHeading(page, refs)) continue;
    if (!OwnHeadings(page, *landmark.element).empty()) report.Fail(*landmark.element);
  }
}

// A landmark that needs a name to be told apart has none, though its own heading could give it.
void HeadingCouldName(const Page& page, Reporter& report) {
  for (const Landmark& landmark : landmarks::AllLandmarks(page)) {
    if (landmark.role == "main" || landmark.role == "banner" || landmark.role == "contentinfo") {
      continue;  // One per page: the role alone identifies them.
    }
    if (!page.sem.Name(*landmark.element).empty()) continue;
    if (!OwnHeadings(page, *landmark.element).empty()) report.Fail(*landmark.element);
  }
}

void FormLabelledByNonHeading(const Page& page, Reporter& report) {
  for (const Landmark& form : LandmarksWithRole(page, "form", /*include_unexposed=*/true)) {
    std::vector<const Node*> refs =
        page.doc.ElementsByIdList(form.element->AttrOr("aria-labelledby"));
    if (!refs.empty() && !AnyHeading(page, refs)) report.Fail(*form.element);
  }
}

Rule Make(std::string_view code, IssueType type, std::vector<std::string_view> wcag,
          WcagLevel level, Impact impact, std::string_view what, std::string_view why,
          std::string_view fix, CheckFunction check, std::vector<std::string_view> act = {}) {
  return Rule{
      .code = code,
      .type = type,
      .category = "landmarks",
      .wcag = std::move(wcag),
      .level = level,
      .impact = impact,
      .act = std::move(act),
      .what = what,
      .why = why,
      .fix = fix,
      .check = check,
  };
}

constexpr std::string_view kNoMainWhy =
    "Screen reader users jump to the main landmark to skip headers and menus; without one they "
    "must read through everything that comes first.";
constexpr std::string_view kNoMainFix = "Wrap the page's primary content in one <main> element.";
constexpr std::string_view kNoBannerWhy =
    "Users who move by landmarks cannot jump to the site header (logo, site name, search).";
constexpr std::string_view kNoBannerFix =
    "Put the site header in a <header> that is a direct part of <body>, not of an article, "
    "section, aside, nav or main.";
constexpr std::string_view kNoContentinfoWhy =
    "Users who move by landmarks cannot jump to the footer (contact, legal and site links).";
constexpr std::string_view kNoContentinfoFix =
    "Put the site footer in a <footer> that is a direct part of <body>.";
constexpr std::string_view kOutsideWhy =
    "Screen reader users who move by landmarks never land on content outside every landmark, "
    "so they can miss it entirely.";
constexpr std::string_view kOutsideFix =
    "Move the content into the landmark it belongs to (main, header, footer, nav, aside), or "
    "give its section a name so it becomes a region.";
constexpr std::string_view kRegionWhy =
    "A region is only exposed as a landmark when it has a name; without one, users moving by "
    "landmarks never find it and the role is wasted.";
constexpr std::string_view kRegionFix =
    "Name the region with aria-labelledby pointing at its heading, or with aria-label; if it "
    "is not important enough to be a landmark, remove role=\"region\".";

}  // namespace

void AddLandmarkPageRules(std::vector<Rule>& rules) {
  using I = Impact;
  using T = IssueType;
  using L = WcagLevel;
  rules.push_back(Make("ErrMissingMainLandmark", T::kError, {"1.3.1"}, L::kA, I::kMedium,
                       "This page has no main landmark.", kNoMainWhy, kNoMainFix, MissingMain));
  rules.push_back(Make("ErrNoMainLandmark", T::kError, {"1.3.1", "2.4.1"}, L::kA, I::kHigh,
                       "This page has no main landmark.", kNoMainWhy, kNoMainFix, MissingMain));
  rules.push_back(Make("ErrNoBannerLandmarkOnPage", T::kError, {"1.3.1", "2.4.1"}, L::kA,
                       I::kMedium, "This page has no banner landmark.", kNoBannerWhy, kNoBannerFix,
                       MissingBanner));
  rules.push_back(Make("WarnNoBannerLandmark", T::kWarning, {"1.3.1", "2.4.1"}, L::kA, I::kLow,
                       "This page has no banner landmark.", kNoBannerWhy, kNoBannerFix,
                       MissingBanner));
  rules.push_back(Make("WarnMissingBannerLandmark", T::kWarning, {"1.3.1"}, L::kA, I::kLow,
                       "This page has no banner landmark.", kNoBannerWhy, kNoBannerFix,
                       MissingBanner));
  rules.push_back(Make("WarnNoContentinfoLandmark", T::kWarning, {"1.3.1", "2.4.1"}, L::kA, I::kLow,
                       "This page has no contentinfo landmark.", kNoContentinfoWhy,
                       kNoContentinfoFix, MissingContentinfo));
  rules.push_back(Make("WarnMissingContentinfoLandmark", T::kWarning, {"1.3.1"}, L::kA, I::kLow,
                       "This page has no contentinfo landmark.", kNoContentinfoWhy,
                       kNoContentinfoFix, MissingContentinfo));
  rules.push_back(
      Make("WarnNoNavigationLandmark", T::kWarning, {"1.3.1", "2.4.1"}, L::kA, I::kMedium,
           "This page has groups of links but no navigation landmark.",
           "Users who move by landmarks cannot find the page's menus; they must read through the "
           "page to reach its links.",
           "Wrap each menu or group of navigation links in a <nav> element, named if there are "
           "several.",
           NoNavigationLandmark));

  rules.push_back(Make("ErrContentOutsideLandmarks", T::kError, {"1.3.1"}, L::kA, I::kHigh,
                       "Content on this page is outside every landmark.", kOutsideWhy, kOutsideFix,
                       ContentOutsideOnce));
  rules.push_back(Make("WarnContentOutsideLandmarks", T::kWarning, {"1.3.1"}, L::kA, I::kMedium,
                       "Content on this page is outside every landmark.", kOutsideWhy, kOutsideFix,
                       ContentOutsideOnce));
  rules.push_back(Make("ErrElementNotContainedInALandmark", T::kError, {"1.3.1"}, L::kA, I::kMedium,
                       "This content is not inside any landmark.", kOutsideWhy, kOutsideFix,
                       EachElementOutside));
  rules.push_back(Make("WarnElementNotInLandmark", T::kWarning, {"1.3.1"}, L::kA, I::kMedium,
                       "This content is not inside any landmark.", kOutsideWhy, kOutsideFix,
                       EachElementOutside));
  rules.push_back(Make(
      "ErrMainContentNotInLandmark", T::kError, {"2.4.1"}, L::kA, I::kMedium,
      "This page's own content follows its navigation without starting a landmark.",
      "Landmarks are one way to bypass repeated blocks: with the page's own content in none, "
      "screen reader users cannot skip the navigation to reach it.",
      "Wrap the page's primary content in a <main> element.", MainContentInLandmark, {"b40fd1"}));

  rules.push_back(Make("WarnUnlabelledRegion", T::kWarning, {"1.3.1", "2.4.6"}, L::kA, I::kMedium,
                       "This region has no name.", kRegionWhy, kRegionFix, UnnamedRegion));
  rules.push_back(Make("ErrRegionLandmarkMustHaveAccessibleName", T::kError, {"1.3.1"}, L::kA,
                       I::kMedium, "This region has no name.", kRegionWhy, kRegionFix,
                       UnnamedRegion));
  rules.push_back(Make("WarnRegionLandmarkHasNoLabelSoIsNotConsideredALandmark", T::kWarning,
                       {"1.3.1"}, L::kA, I::kMedium,
                       "This region has no name, so it is not a landmark.", kRegionWhy, kRegionFix,
                       UnnamedRegion));
  rules.push_back(
      Make("ErrFormLandmarkMustHaveAccessibleName", T::kError, {"1.3.1", "2.4.6", "4.1.2"}, L::kA,
           I::kHigh, "This form has no name, so it is not exposed as a form landmark.",
           "Users who move by landmarks cannot find the form, and when there are several forms "
           "nothing says which is which.",
           "Name the form with aria-labelledby pointing at its heading, or with aria-label.",
           UnnamedForm));
  rules.push_back(
      Make("ErrFormAriaLabelledByReferenceDoesNotReferenceAHeading", T::kError, {"1.3.1"}, L::kA,
           I::kLow, "This form landmark is labelled by an element that is not a heading.",
           "A form landmark named by its visible heading reads the same to everyone; a name taken "
           "from other text may not match what sighted users see as the form's title.",
           "Point aria-labelledby at the heading that titles the form.", FormLabelledByNonHeading));

  rules.push_back(
      Make("ErrMainLandmarkIsHidden", T::kError, {"1.3.1"}, L::kA, I::kHigh,
           "This main landmark is hidden and the page has no other main landmark.",
           "The page's primary content is hidden from assistive technology (or from everyone), so "
           "users cannot reach it by landmark or at all.",
           "Remove display:none, visibility:hidden, hidden or aria-hidden=\"true\" from the main "
           "landmark and its ancestors.",
           MainHidden));
  rules.push_back(
      Make("ErrMainLandmarkHasTabindexOfZeroCanOnlyHaveMinusOneAtMost", T::kError, {"2.4.3"}, L::kA,
           I::kMedium, "This main landmark is in the Tab order.",
           "Keyboard users stop on a container that does nothing, and screen readers read the "
           "whole landmark when it takes focus.",
           "Remove tabindex, or use tabindex=\"-1\" if a skip link must move focus to it.",
           MainInTabOrder));

  rules.push_back(Make("ErrCompletelyEmptyNavLandmark", T::kError, {"1.3.1"}, L::kA, I::kHigh,
                       "This navigation landmark is empty.",
                       "Screen readers list the landmark and users who go to it find nothing, "
                       "which suggests the menu failed to load.",
                       "Put the navigation links in it, or remove the empty element.",
                       EmptyNavigation));
  rules.push_back(Make("ErrNavLandmarkContainsOnlyWhiteSpace", T::kError, {"1.3.1"}, L::kA,
                       I::kHigh, "This navigation landmark contains only white space.",
                       "Screen readers list the landmark and users who go to it find nothing, "
                       "which suggests the menu failed to load.",
                       "Put the navigation links in it, or remove the empty element.",
                       WhitespaceOnlyNavigation));
  rules.push_back(Make("ErrNestedNavLandmarks", T::kError, {"1.3.1"}, L::kA, I::kMedium,
                       "This navigation landmark is inside another navigation landmark.",
                       "Screen readers announce a navigation within a navigation, which "
                       "makes the menu structure harder to follow and doubles landmark stops.",
                       "Use one <nav> and organise its links with headings and lists.",
                       NestedNavigation));

  rules.push_back(
      Make("WarnHeadingFoundInLandmarkButIsLabelledByAnAriaLabelledBy", T::kWarning, {"1.3.1"},
           L::kA, I::kMedium,
           "This landmark contains a heading but is labelled by other text through "
           "aria-labelledby.",
           "Screen reader users hear a landmark name that differs from the heading sighted users "
           "see as its title.",
           "Point aria-labelledby at the landmark's heading.", LabelledPastItsHeading));
  rules.push_back(
      Make("WarnHeadingFoundInsideLandmarkButDoesntLabelLandmark", T::kWarning, {"1.3.1"}, L::kA,
           I::kLow, "This landmark has no name although it contains a heading that could name it.",
           "In a landmark list it is announced by role alone, while its heading says what it is.",
           "Add aria-labelledby pointing at the heading's id.", HeadingCouldName));
}

}  // namespace a11y::checks
