// Landmarks (WCAG 1.3.1, 2.4.1, 2.4.6): the checks that apply the same way to each landmark
// role — blank names, conflicting labelling attributes, nesting, duplicate names, names that
// repeat the role, unnamed look-alikes — written once and instantiated per role. Page-level
// landmark rules live in landmark_page.cc, the navigation category in navigation.cc.
#include <map>
#include <utility>

#include "checks/rule.h"
#include "checks/rules/landmark_common.h"

namespace a11y::checks {
namespace {

using landmarks::AllLandmarks;
using landmarks::EnclosingLandmark;
using landmarks::Landmark;
using landmarks::LandmarksWithRole;
using landmarks::NameKey;
using landmarks::NameMentions;

enum RoleIndex : int {
  kBanner,
  kComplementary,
  kContentinfo,
  kForm,
  kMain,
  kNavigation,
  kRegion,
  kSearch,
};
constexpr std::string_view kRoles[] = {"banner", "complementary", "contentinfo", "form",
                                       "main",   "navigation",    "region",      "search"};

bool HasLabellingAttribute(const Node& element) {
  return element.HasAttr("aria-label") || element.HasAttr("aria-labelledby");
}

bool IsUnnamed(const Page& page, const Landmark& landmark) {
  return page.sem.Name(*landmark.element).empty();
}

// ---- The checks, each parameterised by role. ----

// The author gave a label (aria-label or aria-labelledby) but it computes to nothing: the
// landmark is announced by role alone, and the author believes otherwise.
void BlankName(const Page& page, Reporter& report, std::string_view role) {
  for (const Landmark& landmark : AllLandmarks(page, false, /*include_unexposed=*/true)) {
    if (landmark.role != role || !HasLabellingAttribute(*landmark.element)) continue;
    if (IsUnnamed(page, landmark)) report.Fail(*landmark.element);
  }
}

// aria-labelledby silently wins over aria-label; the label one of them promises is never read.
void LabelAndLabelledBy(const Page& page, Reporter& report, std::string_view role) {
  for (const Landmark& landmark : AllLandmarks(page, false, /*include_unexposed=*/true)) {
    if (landmark.role != role) continue;
    if (landmark.element->HasAttr("aria-label") && landmark.element->HasAttr("aria-labelledby")) {
      report.Fail(*landmark.element);
    }
  }
}

// banner, main, contentinfo and complementary are top-level landmarks (WAI-ARIA 1.2).
void NestedInLandmark(const Page& page, Reporter& report, std::string_view role) {
  for (const Landmark& landmark : LandmarksWithRole(page, role)) {
    if (EnclosingLandmark(page, *landmark.element) != nullptr) report.Fail(*landmark.element);
  }
}

// Two landmarks of one role with one name cannot be told apart in a landmark list.
void DuplicateName(const Page& page, Reporter& report, std::string_view role) {
  std::map<std::string, std::vector<const Node*>> by_name;
  for (const Landmark& landmark : LandmarksWithRole(page, role)) {
    std::string key = NameKey(page.sem.Name(*landmark.element));
    if (!key.empty()) by_name[key].push_back(landmark.element);
  }
  for (const auto& [name, elements] : by_name) {
    if (elements.size() < 2) continue;
    for (const Node* element : elements) report.Fail(*element);
  }
}

// Screen readers announce the role after the name: "Site banner banner".
void NameRepeatsWord(const Page& page, Reporter& report, std::string_view role,
                     std::string_view word) {
  for (const Landmark& landmark : LandmarksWithRole(page, role)) {
    if (NameMentions(page.sem.Name(*landmark.element), word)) report.Fail(*landmark.element);
  }
}

// Unnamed landmarks that share their role with another unnamed one: indistinguishable.
void UnnamedAlike(const Page& page, Reporter& report, std::string_view role) {
  std::vector<const Node*> unnamed;
  for (const Landmark& landmark : LandmarksWithRole(page, role)) {
    if (IsUnnamed(page, landmark)) unnamed.push_back(landmark.element);
  }
  if (unnamed.size() < 2) return;
  for (const Node* element : unnamed) report.Fail(*element);
}

// Some landmarks of a role are named and others not: the unnamed ones were missed.
void NamedInconsistently(const Page& page, Reporter& report, std::string_view role) {
  std::vector<Landmark> all = LandmarksWithRole(page, role);
  bool some_named = false;
  for (const Landmark& landmark : all) some_named = some_named || !IsUnnamed(page, landmark);
  if (!some_named) return;
  for (const Landmark& landmark : all) {
    if (IsUnnamed(page, landmark)) report.Fail(*landmark.element);
  }
}

// Several landmarks of a role: each needs a name to be picked from a landmark list.
void UnnamedAmongSeveral(const Page& page, Reporter& report, std::string_view role) {
  std::vector<Landmark> all = LandmarksWithRole(page, role);
  if (all.size() < 2) return;
  for (const Landmark& landmark : all) {
    if (IsUnnamed(page, landmark)) report.Fail(*landmark.element);
  }
}

// More than one landmark of a role that a page should have once.
void MoreThanOne(const Page& page, Reporter& report, std::string_view role) {
  std::vector<Landmark> all = LandmarksWithRole(page, role);
  if (all.size() < 2) return;
  for (const Landmark& landmark : all) report.Fail(*landmark.element);
}

template <RoleIndex R>
void BlankNameOf(const Page& page, Reporter& report) {
  BlankName(page, report, kRoles[R]);
}
template <RoleIndex R>
void LabelAndLabelledByOf(const Page& page, Reporter& report) {
  LabelAndLabelledBy(page, report, kRoles[R]);
}
template <RoleIndex R>
void NestedInLandmarkOf(const Page& page, Reporter& report) {
  NestedInLandmark(page, report, kRoles[R]);
}
template <RoleIndex R>
void DuplicateNameOf(const Page& page, Reporter& report) {
  DuplicateName(page, report, kRoles[R]);
}
template <RoleIndex R, RoleIndex Word>
void NameRepeatsWordOf(const Page& page, Reporter& report) {
  NameRepeatsWord(page, report, kRoles[R], kRoles[Word]);
}
template <RoleIndex R>
void UnnamedAlikeOf(const Page& page, Reporter& report) {
  UnnamedAlike(page, report, kRoles[R]);
}
template <RoleIndex R>
void NamedInconsistentlyOf(const Page& page, Reporter& report) {
  NamedInconsistently(page, report, kRoles[R]);
}
template <RoleIndex R>
void UnnamedAmongSeveralOf(const Page& page, Reporter& report) {
  UnnamedAmongSeveral(page, report, kRoles[R]);
}
template <RoleIndex R>
void MoreThanOneOf(const Page& page, Reporter& report) {
  MoreThanOne(page, report, kRoles[R]);
}

void UnnamedAlikeAnyRole(const Page& page, Reporter& report) {
  for (std::string_view role : kRoles) UnnamedAlike(page, report, role);
}

// What each family says, whatever the role; `what` names the role per rule.
struct Family {
  IssueType type;
  std::vector<std::string_view> wcag;
  WcagLevel level;
  std::string_view why;
  std::string_view fix;
};

const Family kBlank{IssueType::kError,
                    {"1.3.1", "2.4.6"},
                    WcagLevel::kA,
                    "The author meant to name this landmark, but the label computes to "
                    "nothing, so screen readers announce the bare role and users cannot tell "
                    "it from others.",
                    "Put text in aria-label, or point aria-labelledby at an element that has "
                    "text; remove the attribute if no name is wanted."};
const Family kBoth{IssueType::kError,
                   {"4.1.2"},
                   WcagLevel::kA,
                   "aria-labelledby overrides aria-label, so the aria-label text is never "
                   "announced; whoever maintains the page may edit the label that is not used.",
                   "Keep one labelling attribute: aria-labelledby for a visible heading, "
                   "otherwise aria-label."};
const Family kNested{IssueType::kError,
                     {"1.3.1"},
                     WcagLevel::kA,
                     "This role marks a top-level region of the page; nested in another "
                     "landmark it misrepresents the page structure to screen reader users "
                     "moving by landmarks.",
                     "Move the element out of the enclosing landmark, or use a role meant for "
                     "nested content (region with a name, or none)."};
const Family kDuplicate{IssueType::kError,
                        {"1.3.1", "2.4.6"},
                        WcagLevel::kA,
                        "Landmarks of the same role with the same name sound identical in a "
                        "screen reader's landmark list, so users cannot pick the one they want.",
                        "Give each landmark of this role a name that says how it differs."};
const Family kRepeats{IssueType::kWarning,
                      {"2.4.6"},
                      WcagLevel::kAA,
                      "Screen readers announce the role after the name, so a name that repeats "
                      "it is heard twice and says nothing about the content.",
                      "Name the landmark by its content or purpose (\"Product categories\") "
                      "without the role word."};
const Family kUnnamedAlike{IssueType::kWarning,
                           {"1.3.1", "2.4.6"},
                           WcagLevel::kA,
                           "Several landmarks of this role have no name, so a screen reader's "
                           "landmark list shows identical entries.",
                           "Give each of them a short distinct name with aria-label or "
                           "aria-labelledby."};
const Family kInconsistent{IssueType::kWarning,
                           {"1.3.1", "2.4.6"},
                           WcagLevel::kA,
                           "Other landmarks of this role have names and this one does not, "
                           "so in a landmark list it is the one entry that says nothing.",
                           "Name this landmark too, with aria-label or aria-labelledby."};
const Family kMultiple{IssueType::kError,
                       {"1.3.1"},
                       WcagLevel::kA,
                       "A page has one of these; with several, users jumping to it by landmark "
                       "cannot know which one holds what they want.",
                       "Keep one landmark of this role; mark the others up as what they are "
                       "(a region with a name, a section, an aside)."};

Rule Make(std::string_view code, const Family& family, Impact impact, std::string_view what,
          CheckFunction check) {
  return Rule{
      .code = code,
      .type = family.type,
      .category = "landmarks",
      .wcag = family.wcag,
      .level = family.level,
      .impact = impact,
      .act = {},
      .what = what,
      .why = family.why,
      .fix = family.fix,
      .check = check,
  };
}

// A family member with its own WCAG mapping or type (as the fixture suite states it).
Rule Make(std::string_view code, Family family, IssueType type, std::vector<std::string_view> wcag,
          WcagLevel level, Impact impact, std::string_view what, CheckFunction check) {
  family.type = type;
  family.wcag = std::move(wcag);
  family.level = level;
  return Make(code, family, impact, what, check);
}

}  // namespace

void AddLandmarkRules(std::vector<Rule>& rules) {
  using I = Impact;
  // Blank names.
  rules.push_back(Make("ErrBannerLandmarkAccessibleNameIsBlank", kBlank, I::kHigh,
                       "This banner landmark has a labelling attribute whose name is blank.",
                       BlankNameOf<kBanner>));
  rules.push_back(Make("ErrComplementaryLandmarkAccessibleNameIsBlank", kBlank, I::kHigh,
                       "This complementary landmark has a labelling attribute whose name is "
                       "blank.",
                       BlankNameOf<kComplementary>));
  rules.push_back(Make("ErrContentInfoLandmarkAccessibleNameIsBlank", kBlank, I::kHigh,
                       "This contentinfo landmark has a labelling attribute whose name is blank.",
                       BlankNameOf<kContentinfo>));
  rules.push_back(Make("ErrMainLandmarkAccessibleNameIsBlank", kBlank, I::kHigh,
                       "This main landmark has a labelling attribute whose name is blank.",
                       BlankNameOf<kMain>));
  rules.push_back(Make("ErrNavLandmarkAccessibleNameIsBlank", kBlank, I::kMedium,
                       "This navigation landmark has a labelling attribute whose name is blank.",
                       BlankNameOf<kNavigation>));
  rules.push_back(Make("ErrNavigationLandmarkAccessibleNameIsBlank", kBlank, I::kHigh,
                       "This navigation landmark has a labelling attribute whose name is blank.",
                       BlankNameOf<kNavigation>));
  rules.push_back(Make("ErrRegionLandmarkAccessibleNameIsBlank", kBlank, I::kHigh,
                       "This region has a labelling attribute whose name is blank, so it is "
                       "not exposed as a landmark.",
                       BlankNameOf<kRegion>));
  rules.push_back(Make("RegionLandmarkAccessibleNameIsBlank", kBlank, I::kMedium,
                       "This region has a labelling attribute whose name is blank, so it is "
                       "not exposed as a landmark.",
                       BlankNameOf<kRegion>));

  // aria-label together with aria-labelledby.
  rules.push_back(Make("ErrBannerLandmarkHasAriaLabelAndAriaLabelledByAttrs", kBoth, I::kMedium,
                       "This banner landmark has both aria-label and aria-labelledby.",
                       LabelAndLabelledByOf<kBanner>));
  rules.push_back(Make("ErrComplementaryLandmarkHasAriaLabelAndAriaLabelledByAttrs", kBoth,
                       I::kMedium,
                       "This complementary landmark has both aria-label and aria-labelledby.",
                       LabelAndLabelledByOf<kComplementary>));
  rules.push_back(Make("ErrContentInfoLandmarkHasAriaLabelAndAriaLabelledByAttrs", kBoth,
                       I::kMedium,
                       "This contentinfo landmark has both aria-label and aria-labelledby.",
                       LabelAndLabelledByOf<kContentinfo>));
  rules.push_back(Make("ErrMainLandmarkHasAriaLabelAndAriaLabelledByAttrs", kBoth, I::kMedium,
                       "This main landmark has both aria-label and aria-labelledby.",
                       LabelAndLabelledByOf<kMain>));
  rules.push_back(Make("ErrNavLandmarkHasAriaLabelAndAriaLabelledByAttrs", kBoth, I::kMedium,
                       "This navigation landmark has both aria-label and aria-labelledby.",
                       LabelAndLabelledByOf<kNavigation>));
  rules.push_back(Make("ErrRegionLandmarkHasAriaLabelAndAriaLabelledByAttrs", kBoth, I::kMedium,
                       "This region landmark has both aria-label and aria-labelledby.",
                       LabelAndLabelledByOf<kRegion>));

  // Top-level landmarks nested in another landmark.
  rules.push_back(Make("ErrBannerLandmarkMayNotBeChildOfAnotherLandmark", kNested, I::kHigh,
                       "This banner landmark is inside another landmark.",
                       NestedInLandmarkOf<kBanner>));
  rules.push_back(Make("ErrComplementaryLandmarkMayNotBeChildOfAnotherLandmark", kNested, I::kHigh,
                       "This complementary landmark is inside another landmark.",
                       NestedInLandmarkOf<kComplementary>));
  rules.push_back(Make("ErrContentinfoLandmarkMayNotBeChildOfAnotherLandmark", kNested, I::kHigh,
                       "This contentinfo landmark is inside another landmark.",
                       NestedInLandmarkOf<kContentinfo>));
  rules.push_back(Make("ErrMainLandmarkMayNotbeChildOfAnotherLandmark", kNested, I::kHigh,
                       "This main landmark is inside another landmark.",
                       NestedInLandmarkOf<kMain>));

  // Duplicate names within a role.
  rules.push_back(Make("ErrDuplicateLabelForBannerLandmark", kDuplicate, I::kMedium,
                       "This banner landmark has the same name as another banner landmark.",
                       DuplicateNameOf<kBanner>));
  rules.push_back(Make("ErrDuplicateLabelForComplementaryLandmark", kDuplicate, I::kMedium,
                       "This complementary landmark has the same name as another "
                       "complementary landmark.",
                       DuplicateNameOf<kComplementary>));
  rules.push_back(Make("ErrDuplicateLabelForContentinfoLandmark", kDuplicate, I::kMedium,
                       "This contentinfo landmark has the same name as another contentinfo "
                       "landmark.",
                       DuplicateNameOf<kContentinfo>));
  rules.push_back(Make("ErrDuplicateLabelForFormLandmark", kDuplicate, I::kMedium,
                       "This form landmark has the same name as another form landmark.",
                       DuplicateNameOf<kForm>));
  rules.push_back(Make("ErrDuplicateLabelForNavLandmark", kDuplicate, I::kMedium,
                       "This navigation landmark has the same name as another navigation "
                       "landmark.",
                       DuplicateNameOf<kNavigation>));
  rules.push_back(Make("ErrDuplicateLabelForRegionLandmark", kDuplicate, I::kMedium,
                       "This region landmark has the same name as another region landmark.",
                       DuplicateNameOf<kRegion>));
  rules.push_back(Make("ErrDuplicateLabelForSearchLandmark", kDuplicate, I::kMedium,
                       "This search landmark has the same name as another search landmark.",
                       DuplicateNameOf<kSearch>));

  // Names that repeat the role word.
  rules.push_back(Make("WarnBannerLandmarkAccessibleNameUsesBanner", kRepeats, I::kLow,
                       "This banner landmark's name contains the word \"banner\".",
                       NameRepeatsWordOf<kBanner, kBanner>));
  rules.push_back(Make("WarnComplementaryLandmarkAccessibleNameUsesComplementary", kRepeats,
                       I::kLow,
                       "This complementary landmark's name contains the word "
                       "\"complementary\".",
                       NameRepeatsWordOf<kComplementary, kComplementary>));
  rules.push_back(Make("WarnContentinfoLandmarkAccessibleNameUsesContentinfo", kRepeats, I::kLow,
                       "This contentinfo landmark's name contains the word \"contentinfo\".",
                       NameRepeatsWordOf<kContentinfo, kContentinfo>));
  rules.push_back(Make("WarnNavLandmarkAccessibleNameUsesNavigation", kRepeats, I::kLow,
                       "This navigation landmark's name contains the word \"navigation\".",
                       NameRepeatsWordOf<kNavigation, kNavigation>));
  rules.push_back(
      Make("WarnRegionLandmarkAccessibleNameUsesNavigation",
           Family{IssueType::kWarning,
                  {"1.3.1"},
                  WcagLevel::kA,
                  "A region named as navigation is announced as a region, so users looking for "
                  "navigation in the landmark list do not find it where they expect.",
                  "If the region holds navigation links, make it a <nav> (navigation landmark); "
                  "otherwise name it by its content."},
           I::kLow, "This region landmark's name calls it navigation.",
           NameRepeatsWordOf<kRegion, kNavigation>));

  // Unnamed landmarks that cannot be told apart.
  rules.push_back(Make("WarnComplementaryLandmarkHasNoLabel", kUnnamedAlike, I::kLow,
                       "This complementary landmark has no name, and neither does another "
                       "complementary landmark on the page.",
                       UnnamedAlikeOf<kComplementary>));
  rules.push_back(Make("WarnContentInfoLandmarkHasNoLabel", kUnnamedAlike, I::kLow,
                       "This contentinfo landmark has no name, and neither does another "
                       "contentinfo landmark on the page.",
                       UnnamedAlikeOf<kContentinfo>));
  rules.push_back(Make("WarnNavLandmarkHasNoLabel", kUnnamedAlike, I::kLow,
                       "This navigation landmark has no name, and neither does another "
                       "navigation landmark on the page.",
                       UnnamedAlikeOf<kNavigation>));
  rules.push_back(Make("ErrDuplicateLandmarkWithoutName", kUnnamedAlike, IssueType::kError,
                       {"1.3.1"}, WcagLevel::kA, I::kMedium,
                       "This landmark has no name, and another landmark of the same role has "
                       "none either.",
                       UnnamedAlikeAnyRole));

  // Several landmarks of a role, not all named.
  rules.push_back(Make("WarnMultipleBannerLandmarksButNotAllHaveLabels", kInconsistent, I::kMedium,
                       "This banner landmark has no name while other banner landmarks do.",
                       NamedInconsistentlyOf<kBanner>));
  rules.push_back(Make("WarnMultipleComplementaryLandmarksButNotAllHaveLabels", kInconsistent,
                       I::kMedium,
                       "This complementary landmark has no name while other complementary "
                       "landmarks do.",
                       NamedInconsistentlyOf<kComplementary>));
  rules.push_back(Make("WarnMultipleContentInfoLandmarksButNotAllHaveLabels", kInconsistent,
                       I::kMedium,
                       "This contentinfo landmark has no name while other contentinfo "
                       "landmarks do.",
                       NamedInconsistentlyOf<kContentinfo>));
  rules.push_back(Make("WarnMultipleNavLandmarksButNotAllHaveLabels", kInconsistent, I::kMedium,
                       "This navigation landmark has no name while other navigation landmarks "
                       "do.",
                       NamedInconsistentlyOf<kNavigation>));
  rules.push_back(Make("WarnMultipleRegionLandmarksButNotAllHaveLabels", kInconsistent, I::kMedium,
                       "This region has no name while other regions on the page do.",
                       NamedInconsistentlyOf<kRegion>));

  rules.push_back(Make("WarnMultipleNavNeedsLabel", kUnnamedAlike, IssueType::kWarning, {"1.3.1"},
                       WcagLevel::kA, I::kMedium,
                       "This navigation landmark has no name, and the page has other "
                       "navigation landmarks.",
                       UnnamedAmongSeveralOf<kNavigation>));

  // Roles a page has once.
  rules.push_back(Make("ErrMultipleMainLandmarks", kMultiple, I::kHigh,
                       "This is one of several main landmarks on the page.", MoreThanOneOf<kMain>));
  rules.push_back(Make("ErrMultipleBannerLandmarks", kMultiple, I::kMedium,
                       "This is one of several banner landmarks on the page.",
                       MoreThanOneOf<kBanner>));
  rules.push_back(Make("ErrMultipleContentinfoLandmarks", kMultiple, I::kMedium,
                       "This is one of several contentinfo landmarks on the page.",
                       MoreThanOneOf<kContentinfo>));

  AddLandmarkPageRules(rules);
  AddNavigationRules(rules);
}

}  // namespace a11y::checks
