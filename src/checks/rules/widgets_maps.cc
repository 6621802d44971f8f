// Maps (WCAG 1.1.1, 1.3.1, 4.1.2): embedded map iframes, map-library containers (Leaflet,
// Mapbox, OpenLayers, Google Maps, ArcGIS) and SVG maps need a name that says what the map
// shows, must not be hidden from assistive technology, and should sit in a findable region.
#include "checks/rules/widgets_common.h"

namespace a11y::checks::widgets {
namespace {

bool IsMapIframe(const Node& e) {
  if (!e.Is("iframe")) return false;
  std::string src = Lower(e.AttrOr("src"));
  for (std::string_view host :
       {"google.com/maps", "maps.google.", "openstreetmap.org", "bing.com/maps", "maps.apple.com",
        "api.mapbox.com", "arcgis.com", "wego.here.com", "embed.waze.com", "umap.openstreetmap",
        "maps.yandex", "map.baidu.com"}) {
    if (src.find(host) != std::string::npos) return true;
  }
  return false;
}

bool IsMapLibraryClass(const std::string& t) {
  return t == "leaflet-container" || t == "mapboxgl-map" || t == "mapbox-gl-map" ||
         t == "ol-viewport" || t == "ol-map" || t == "gm-style" || t == "esri-view" || t == "map" ||
         t == "map-container" || t == "google-map" || t == "leaflet-map" || t == "maplibregl-map";
}

// A container a map library draws into. Nested library parts (controls, panes) are not maps.
bool IsDivMap(const Node& e) {
  if (!e.IsAnyOf({"div", "section"}) || e.Is("iframe")) return false;
  bool map = AnyClass(e, IsMapLibraryClass) || e.AttrOr("id") == "map";
  if (!map) return false;
  return e.Closest([](const Node& n) {
    return AnyClass(n, IsMapLibraryClass) || n.AttrOr("id") == "map";
  }) == nullptr;
}

// An SVG drawn as a map: regions tagged with geographic data attributes, or a projection /
// map group as d3 and similar libraries produce.
bool IsSvgMap(const Node& svg) {
  if (!svg.is_element() || svg.ns != Namespace::kSvg || svg.tag != "svg") return false;
  if (ContainsLower(svg.AttrOr("id"), "map") || ContainsLower(svg.AttrOr("class"), "map")) {
    return true;
  }
  bool map = false;
  std::vector<const Node*> stack(svg.children.begin(), svg.children.end());
  while (!stack.empty() && !map) {
    const Node* n = stack.back();
    stack.pop_back();
    if (!n->is_element()) continue;
    for (std::string_view attr : {"data-region", "data-country", "data-state", "data-county"}) {
      map = map || n->HasAttr(attr);
    }
    map = map || AnyClass(*n, [](const std::string& t) {
            return t == "projection" || t == "graticule" || t == "map-container" ||
                   t == "countries" || t == "states";
          });
    stack.insert(stack.end(), n->children.begin(), n->children.end());
  }
  return map;
}

bool IsAnyMap(const Node& e) { return IsMapIframe(e) || IsDivMap(e) || IsSvgMap(e); }

// The name an author gave the map: aria-labelledby text, aria-label, or title.
std::string AuthorName(const Page& page, const Node& e) {
  std::string name;
  for (const Node* ref : page.doc.ElementsByIdList(e.AttrOr("aria-labelledby"))) {
    name += " " + ref->TextContent();
  }
  name = CollapseWhitespace(name);
  if (name.empty()) name = CollapseWhitespace(e.AttrOr("aria-label"));
  if (name.empty()) name = CollapseWhitespace(e.AttrOr("title"));
  return name;
}

bool IsAriaHidden(const Node& e) { return Lower(TrimAscii(e.AttrOr("aria-hidden"))) == "true"; }

bool IsPresentational(const Node& e) { return HasRoleToken(e, {"presentation", "none"}); }

void MapMissingTitle(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsMapIframe(*e) || IsAriaHidden(*e) || IsPresentational(*e)) continue;
    if (AuthorName(page, *e).empty()) report.Fail(*e);
  }
}

// A name that says "map" or "image" but not what or where: every map on a site would sound
// the same.
void MapGenericName(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsMapIframe(*e) && !IsDivMap(*e)) continue;
    std::string name = Lower(AuthorName(page, *e));
    while (!name.empty() && (name.back() == '.' || name.back() == ':')) name.pop_back();
    for (std::string_view generic :
         {"map", "maps", "image", "img", "location", "iframe", "frame", "embed", "google map",
          "google maps", "untitled", "widget", "graphic", "picture", "interactive map", "map embed",
          "embedded map"}) {
      if (name == generic) {
        report.Fail(*e, "Its name is \"" + name + "\".");
        break;
      }
    }
  }
}

void MapAriaHidden(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (IsAnyMap(*e) && IsAriaHidden(*e)) report.Fail(*e);
  }
}

void MapRolePresentation(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (IsAnyMap(*e) && IsPresentational(*e)) report.Fail(*e);
  }
}

bool SvgHasName(const Page& page, const Node& svg) {
  if (!AuthorName(page, svg).empty()) return true;
  for (const Node* child : svg.ChildElements()) {
    if (child->tag == "title" && !CollapseWhitespace(child->TextContent()).empty()) return true;
  }
  return false;
}

void SvgMapMissingName(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsSvgMap(*e) || IsAriaHidden(*e)) continue;
    if (!SvgHasName(page, *e)) report.Fail(*e);
  }
}

void DivMapMissingAttributes(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsDivMap(*e) || IsAriaHidden(*e) || IsPresentational(*e)) continue;
    if (AuthorName(page, *e).empty()) report.Fail(*e);
  }
}

// Inside a landmark or sectioning element that users can jump to.
bool InRegion(const Node& e) {
  return e.Closest([](const Node& n) {
    return n.IsAnyOf({"main", "section", "article", "aside", "nav"}) ||
           HasRoleToken(
               n, {"main", "region", "complementary", "navigation", "search", "form", "article"});
  }) != nullptr;
}

// A heading comes before the map among its siblings ("Store locations", a line of
// introduction, then the map): heading navigation lands next to it.
bool HeadingBefore(const Node& e) {
  if (e.parent == nullptr) return false;
  for (const Node* sibling : e.parent->ChildElements()) {
    if (sibling == &e) return false;
    if (IsHeading(*sibling)) return true;
  }
  return false;
}

void DivMapMissingStructure(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsDivMap(*e) || IsAriaHidden(*e)) continue;
    if (!InRegion(*e) && !HeadingBefore(*e)) report.Fail(*e);
  }
}

void DivMapNoLandmark(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsDivMap(*e) || IsAriaHidden(*e)) continue;
    if (!InRegion(*e) && HeadingBefore(*e)) report.Fail(*e);
  }
}

}  // namespace

void AddMapRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrDivMapMissingAttributes",
      .type = IssueType::kError,
      .category = "maps",
      .wcag = {"1.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This map container has no accessible name (no aria-label or aria-labelledby).",
      .why = "Screen reader users are not told that a map is there or what it shows.",
      .fix = "Give the map container a role (region or application) and an aria-label that "
             "says what the map shows, and provide the locations as text nearby.",
      .check = DivMapMissingAttributes,
  });
  rules.push_back({
      .code = "ErrDivMapMissingStructure",
      .type = IssueType::kError,
      .category = "maps",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This map is neither inside a landmark or section nor preceded by a heading.",
      .why = "Screen reader users navigating by headings or landmarks cannot find the map or "
             "tell where it begins.",
      .fix = "Put the map in a <section> (or role=\"region\") with a heading or aria-label "
             "that says what it shows.",
      .check = DivMapMissingStructure,
  });
  rules.push_back({
      .code = "ErrMapAriaHidden",
      .type = IssueType::kError,
      .category = "maps",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This map is hidden from assistive technology with aria-hidden=\"true\".",
      .why = "Screen reader users lose the map and its controls entirely, while keyboard focus "
             "can still land inside it on things that are not announced.",
      .fix = "Remove aria-hidden and give the map a descriptive name; if it is truly "
             "decorative, also take its controls out of the tab order and give the information "
             "as text.",
      .check = MapAriaHidden,
  });
  rules.push_back({
      .code = "ErrMapGenericName",
      .type = IssueType::kError,
      .category = "maps",
      .wcag = {"1.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This map's name is generic (\"map\", \"image\", \"location\") and does not say "
              "what it shows.",
      .why = "Screen reader users hear that there is a map but not which place or what "
             "information it holds.",
      .fix = "Name the map by what it shows, e.g. title=\"Map of our office at 12 High "
             "Street\".",
      .check = MapGenericName,
  });
  rules.push_back({
      .code = "ErrMapMissingTitle",
      .type = IssueType::kError,
      .category = "maps",
      .wcag = {"1.1.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This embedded map iframe has no title (or an empty one).",
      .why = "Screen readers announce an unnamed frame, often by its long URL; users cannot "
             "tell that it is a map or of what.",
      .fix = "Add a title that says what the map shows, e.g. title=\"Map of our office at 12 "
             "High Street\".",
      .check = MapMissingTitle,
  });
  rules.push_back({
      .code = "ErrMapRolePresentation",
      .type = IssueType::kError,
      .category = "maps",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This map has role=\"presentation\" (or none), which tells assistive technology "
              "it is decoration.",
      .why = "Screen readers drop the map's role and name, though it carries information and "
             "often interactive controls.",
      .fix = "Remove role=\"presentation\"; give the map a name and, for a container, "
             "role=\"region\" or role=\"application\".",
      .check = MapRolePresentation,
  });
  rules.push_back({
      .code = "ErrSvgMapMissingName",
      .type = IssueType::kError,
      .category = "maps",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This SVG map has no accessible name (no <title> as its first child, "
              "aria-label or aria-labelledby).",
      .why = "Screen reader users meet an unnamed graphic, or a jumble of unlabelled shapes, "
             "and cannot learn what the map shows.",
      .fix = "Give the <svg> role=\"img\" and a name (a <title> child or aria-labelledby), and "
             "present the data it shows as text or a table too.",
      .check = SvgMapMissingName,
  });
  rules.push_back({
      .code = "WarnDivMapNoLandmark",
      .type = IssueType::kWarning,
      .category = "maps",
      .wcag = {},
      .level = WcagLevel::kNone,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This map follows a heading but is not inside a landmark region.",
      .why = "Users who move by landmarks skip past the map; only heading navigation finds it.",
      .fix = "Wrap the map and its heading in a <section> with aria-labelledby pointing at the "
             "heading.",
      .check = DivMapNoLandmark,
  });
}

}  // namespace a11y::checks::widgets
