// What the landmark and navigation rules share: which elements are landmarks (WAI-ARIA 1.2
// landmark roles, with HTML-AAM's scoping of header/footer/aside and its named-only
// section/form), and where a page's perceivable content lies outside them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checks/rule.h"

namespace a11y::checks::landmarks {

// The eight WAI-ARIA 1.2 landmark roles.
bool IsLandmarkRole(std::string_view role);

struct Landmark {
  const Node* element = nullptr;
  std::string_view role;
  // True when assistive technology gets the landmark. False for a <form> or a <section> that
  // would be one if it had a name: the author asked for a landmark and did not get it.
  bool exposed = false;
};

// The landmark role `element` has, or was evidently meant to have (see Landmark::exposed);
// "" when it is no landmark. `exposed` may be null.
std::string_view LandmarkRoleOf(const Page& page, const Node& element, bool* exposed);

// Every landmark of the page in document order. Hidden ones (display none, aria-hidden...)
// are left out unless `include_hidden`; so are the unexposed ones unless `include_unexposed`.
std::vector<Landmark> AllLandmarks(const Page& page, bool include_hidden = false,
                                   bool include_unexposed = false);
// Only those whose role is `role`.
std::vector<Landmark> LandmarksWithRole(const Page& page, std::string_view role,
                                        bool include_unexposed = false);

// The nearest ancestor that is an exposed, not hidden landmark; nullptr when none.
const Node* EnclosingLandmark(const Page& page, const Node& element);

// How two accessible names are compared for sameness: whitespace collapsed, lower case.
std::string NameKey(std::string_view name);
// True when `name` contains `word` ignoring case and spaces ("Content Info" has contentinfo).
bool NameMentions(std::string_view name, std::string_view word);

// True when the element or its subtree gives a user something to perceive: text, a
// meaningful image, a control, embedded content. Hidden subtrees do not count;
// `only_invisible_hides` makes aria-hidden content count as long as it is visible.
// `skip_in_page_links` leaves out links to a fragment of the page (skip links).
struct ContentOptions {
  bool only_invisible_hides = false;
  bool skip_in_page_links = false;
};
bool HasPerceivableContent(const Page& page, const Node& element, ContentOptions options = {});

// The outermost elements whose perceivable content lies outside every landmark, in document
// order. Skip links and dialogs are not counted: they belong outside landmarks. With
// `only_invisible_hides`, aria-hidden landmarks do not contain anything and aria-hidden but
// visible content counts (what ACT calls perceivable).
std::vector<const Node*> ContentOutsideLandmarks(const Page& page,
                                                 bool only_invisible_hides = false);

// An <a href="#..."> (in-page link, such as a skip link).
bool IsInPageLink(const Node& element);

// Calls `visit` on every element below `root` in document order.
template <typename Visit>
void ForEachDescendant(const Node& root, const Visit& visit) {
  for (const Node* child : root.children) {
    if (!child->is_element()) continue;
    visit(*child);
    ForEachDescendant(*child, visit);
  }
}
// True when `pred` holds for some element below `root`.
template <typename Pred>
bool AnyDescendant(const Node& root, const Pred& pred) {
  for (const Node* child : root.children) {
    if (child->is_element() && (pred(*child) || AnyDescendant(*child, pred))) return true;
  }
  return false;
}

// The element Fail() is called on for findings about the whole page: <body>.
const Node* PageTarget(const Page& page);

}  // namespace a11y::checks::landmarks

namespace a11y::checks {
// The rules beyond the per-role families, kept in their own files; AddLandmarkRules calls them.
void AddLandmarkPageRules(std::vector<Rule>& rules);  // landmark_page.cc
void AddNavigationRules(std::vector<Rule>& rules);    // navigation.cc
}  // namespace a11y::checks
