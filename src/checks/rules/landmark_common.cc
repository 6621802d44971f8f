#include "checks/rules/landmark_common.h"

#include <algorithm>

#include "core/ascii.h"

namespace a11y::checks::landmarks {
namespace {

constexpr std::string_view kLandmarkRoles[] = {"banner", "complementary", "contentinfo", "form",
                                               "main",   "navigation",    "region",      "search"};

bool IsHiddenFor(const Page& page, const Node& element, bool only_invisible_hides) {
  return only_invisible_hides ? page.sem.IsInvisible(element) : page.sem.IsHidden(element);
}

// Elements that are content by themselves, whatever their text.
bool IsEmbeddedOrControl(const Page& page, const Node& element) {
  if (element.ns == Namespace::kSvg) return element.tag == "svg";
  if (element.ns == Namespace::kMathMl) return element.tag == "math";
  if (element.Is("img")) {
    std::string_view role = page.sem.Role(element);
    return role != "presentation" && role != "none";
  }
  if (element.Is("input")) return !EqualsIgnoreCase(element.AttrOr("type"), "hidden");
  return element.IsAnyOf({"video", "audio", "canvas", "iframe", "object", "embed", "select",
                          "textarea", "button", "meter", "progress"});
}

bool IsDialog(const Page& page, const Node& element) {
  std::string_view role = page.sem.Role(element);
  return role == "dialog" || role == "alertdialog";
}

}  // namespace

bool IsLandmarkRole(std::string_view role) {
  return std::find(std::begin(kLandmarkRoles), std::end(kLandmarkRoles), role) !=
         std::end(kLandmarkRoles);
}

std::string_view LandmarkRoleOf(const Page& page, const Node& element, bool* exposed) {
  if (exposed != nullptr) *exposed = false;
  if (!element.is_element()) return {};
  std::string_view role = page.sem.Role(element);
  if (IsLandmarkRole(role)) {
    if (exposed != nullptr) *exposed = true;
    return role;
  }
  // Only the implicit roles fall back: an explicit role="button" on a <form> is the author's
  // choice of something else.
  if (!page.sem.ExplicitRole(element).empty()) return {};
  if (element.Is("form")) return "form";
  // A <section> with a labelling attribute that names nothing was meant to be a region.
  if (element.Is("section") &&
      (element.HasAttr("aria-label") || element.HasAttr("aria-labelledby"))) {
    return "region";
  }
  return {};
}

namespace {

struct LandmarkCandidate {
  Landmark landmark;
  bool hidden = false;
};

// Every landmark, exposed or not, hidden or not: about thirty rules ask for the page's
// landmarks, so the page is walked once and each asks for its own selection.
std::vector<LandmarkCandidate> AllLandmarkCandidates(const Page& page) {
  std::vector<LandmarkCandidate> out;
  for (const Node* element : page.doc.elements()) {
    bool exposed = false;
    std::string_view role = LandmarkRoleOf(page, *element, &exposed);
    if (role.empty()) continue;
    out.push_back({{element, role, exposed}, page.sem.IsHidden(*element)});
  }
  return out;
}

}  // namespace

std::vector<Landmark> AllLandmarks(const Page& page, bool include_hidden, bool include_unexposed) {
  std::vector<Landmark> out;
  for (const LandmarkCandidate& candidate : page.memo.Get(&AllLandmarkCandidates, page)) {
    if (!candidate.landmark.exposed && !include_unexposed) continue;
    if (!include_hidden && candidate.hidden) continue;
    out.push_back(candidate.landmark);
  }
  return out;
}

std::vector<Landmark> LandmarksWithRole(const Page& page, std::string_view role,
                                        bool include_unexposed) {
  std::vector<Landmark> out;
  for (const Landmark& landmark : AllLandmarks(page, false, include_unexposed)) {
    if (landmark.role == role) out.push_back(landmark);
  }
  return out;
}

const Node* EnclosingLandmark(const Page& page, const Node& element) {
  return element.Closest([&](const Node& ancestor) {
    bool exposed = false;
    return !LandmarkRoleOf(page, ancestor, &exposed).empty() && exposed &&
           !page.sem.IsHidden(ancestor);
  });
}

std::string NameKey(std::string_view name) { return ToLowerAscii(CollapseWhitespace(name)); }

bool NameMentions(std::string_view name, std::string_view word) {
  std::string squeezed;
  for (char c : name) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '-' && c != '_') {
      squeezed += ToLowerAscii(c);
    }
  }
  return squeezed.find(word) != std::string::npos;
}

bool IsInPageLink(const Node& element) {
  if (!element.Is("a")) return false;
  std::string_view href = TrimAscii(element.AttrOr("href"));
  return href.size() > 1 && href[0] == '#';
}

bool HasPerceivableContent(const Page& page, const Node& element, ContentOptions options) {
  if (element.is_text()) return !TrimAscii(element.text).empty();
  if (!element.is_element()) return false;
  if (IsHiddenFor(page, element, options.only_invisible_hides)) return false;
  if (options.skip_in_page_links && IsInPageLink(element)) return false;
  if (IsEmbeddedOrControl(page, element)) return true;
  for (const Node* child : element.children) {
    if (HasPerceivableContent(page, *child, options)) return true;
  }
  return false;
}

namespace {

void CollectOutside(const Page& page, const Node& parent, const std::vector<const Node*>& marks,
                    bool only_invisible_hides, std::vector<const Node*>& out) {
  ContentOptions options{only_invisible_hides, /*skip_in_page_links=*/true};
  for (const Node* child : parent.children) {
    if (!child->is_element()) continue;
    if (IsHiddenFor(page, *child, only_invisible_hides)) continue;
    if (std::find(marks.begin(), marks.end(), child) != marks.end()) continue;
    if (IsDialog(page, *child)) continue;
    bool holds_landmark = std::any_of(marks.begin(), marks.end(),
                                      [&](const Node* mark) { return child->Contains(*mark); });
    if (holds_landmark) {
      CollectOutside(page, *child, marks, only_invisible_hides, out);
    } else if (HasPerceivableContent(page, *child, options)) {
      out.push_back(child);
    }
  }
}

}  // namespace

std::vector<const Node*> ContentOutsideLandmarks(const Page& page, bool only_invisible_hides) {
  std::vector<const Node*> out;
  const Node* body = page.doc.body();
  if (body == nullptr) return out;
  std::vector<const Node*> marks;
  for (const Landmark& landmark : AllLandmarks(page)) marks.push_back(landmark.element);
  CollectOutside(page, *body, marks, only_invisible_hides, out);
  return out;
}

const Node* PageTarget(const Page& page) {
  return page.doc.body() != nullptr ? page.doc.body() : page.doc.html();
}

}  // namespace a11y::checks::landmarks
