// Page-level timing and zoom, frames and menu items, as the W3C ACT rules define them:
// meta refresh delays (bc659a, bisz58), meta viewport zoom (b4f0c3), iframes taken out of the
// tab order (akn7bn), menu item names (m6b1q3) and decorative elements that are still exposed
// (46ca7f).
#include <cmath>
#include <cstdlib>
#include <optional>

#include "checks/rules/widgets_common.h"

namespace a11y::checks::widgets {
namespace {

bool IsAsciiWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// HTML's shared declarative refresh steps: the delay in seconds of a valid content value, or
// nullopt when the value is invalid (the browser then ignores the element).
std::optional<double> RefreshDelay(std::string_view content) {
  size_t i = 0;
  while (i < content.size() && IsAsciiWs(content[i])) ++i;
  size_t digits = i;
  while (i < content.size() && content[i] >= '0' && content[i] <= '9') ++i;
  if (i == digits && (i >= content.size() || content[i] != '.')) return std::nullopt;
  double delay =
      i == digits ? 0
                  : std::strtod(std::string(content.substr(digits, i - digits)).c_str(), nullptr);
  while (i < content.size() && ((content[i] >= '0' && content[i] <= '9') || content[i] == '.')) {
    ++i;
  }
  if (i < content.size() && content[i] != ';' && content[i] != ',' && !IsAsciiWs(content[i])) {
    return std::nullopt;
  }
  return delay;
}

// The first meta refresh whose content a browser accepts; the ones after it never run.
const Node* FirstValidRefresh(const Page& page, double* delay) {
  for (const Node* meta : page.doc.ElementsByTag("meta")) {
    if (Lower(TrimAscii(meta->AttrOr("http-equiv"))) != "refresh") continue;
    if (!meta->HasAttr("content")) continue;
    std::optional<double> d = RefreshDelay(meta->AttrOr("content"));
    if (!d) continue;
    *delay = *d;
    return meta;
  }
  return nullptr;
}

// bc659a: an immediate redirect, or one after more than 20 hours (the WCAG exception), is fine.
void MetaRefreshDelay(const Page& page, Reporter& report) {
  double delay = 0;
  const Node* meta = FirstValidRefresh(page, &delay);
  if (meta == nullptr) return;
  if (delay == 0 || delay > 72000) {
    report.Pass(*meta);
  } else {
    report.Fail(*meta, "It refreshes after " + std::to_string(static_cast<long>(delay)) + " s.");
  }
}

// bisz58 (AAA): any delay at all interrupts.
void MetaRefreshAnyDelay(const Page& page, Reporter& report) {
  double delay = 0;
  const Node* meta = FirstValidRefresh(page, &delay);
  if (meta == nullptr) return;
  if (delay == 0) {
    report.Pass(*meta);
  } else {
    report.Fail(*meta);
  }
}

// The viewport content's properties, lower case, "key=value" separated by commas or
// semicolons.
std::vector<std::pair<std::string, std::string>> ViewportProperties(std::string_view content) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string text = Lower(content);
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(",;", start);
    if (end == std::string::npos) end = text.size();
    std::string_view part = TrimAscii(std::string_view(text).substr(start, end - start));
    size_t eq = part.find('=');
    if (eq != std::string_view::npos) {
      out.emplace_back(std::string(TrimAscii(part.substr(0, eq))),
                       std::string(TrimAscii(part.substr(eq + 1))));
    }
    start = end + 1;
  }
  return out;
}

std::optional<double> Number(const std::string& value) {
  char* end = nullptr;
  double n = std::strtod(value.c_str(), &end);
  if (end == value.c_str()) return std::nullopt;
  return n;
}

// b4f0c3: user-scalable=no (or any value that is not yes, a device size or |n| >= 1) and a
// maximum-scale below 2 both stop users from zooming to 200%.
void ViewportPreventsZoom(const Page& page, Reporter& report) {
  for (const Node* meta : page.doc.ElementsByTag("meta")) {
    if (Lower(TrimAscii(meta->AttrOr("name"))) != "viewport") continue;
    bool applicable = false, blocks = false;
    for (const auto& [key, value] : ViewportProperties(meta->AttrOr("content"))) {
      if (key == "user-scalable") {
        applicable = true;
        std::optional<double> n = Number(value);
        bool allows = value == "yes" || value == "device-width" || value == "device-height" ||
                      (n && std::fabs(*n) >= 1);
        blocks = blocks || !allows;
      } else if (key == "maximum-scale") {
        applicable = true;
        std::optional<double> n = Number(value);
        if (value == "device-width" || value == "device-height") continue;
        if (!n) {
          blocks = true;
        } else if (*n >= 0 && *n < 2) {
          blocks = true;
        }
      }
    }
    if (!applicable) continue;
    if (blocks) {
      report.Fail(*meta);
    } else {
      report.Pass(*meta);
    }
  }
}

// Elements of a parsed srcdoc that take focus in sequential navigation.
bool HasTabbableContent(const Document& doc) {
  for (const Node* e : doc.elements()) {
    if (e->HasAttr("tabindex")) {
      std::optional<double> n = Number(std::string(TrimAscii(e->AttrOr("tabindex"))));
      if (n && *n < 0) continue;
      if (n) return true;
    }
    if (e->HasAttr("disabled") || e->HasAttr("hidden")) continue;
    if ((e->Is("a") || e->Is("area")) && e->HasAttr("href")) return true;
    if (e->Is("input") && Lower(e->AttrOr("type")) != "hidden") return true;
    if (e->IsAnyOf({"button", "select", "textarea", "summary", "iframe"})) return true;
    if ((e->Is("audio") || e->Is("video")) && e->HasAttr("controls")) return true;
  }
  return false;
}

// akn7bn: a frame with tabindex=-1 takes its own focusable content out of the tab order.
void IframeNegativeTabindex(const Page& page, Reporter& report) {
  for (const Node* frame : page.doc.ElementsByTag("iframe")) {
    if (frame->HasAttr("inert") || page.sem.IsInvisible(*frame)) continue;
    std::optional<double> tabindex = Number(std::string(TrimAscii(frame->AttrOr("tabindex", "x"))));
    // A frame too small to show its content (1x1 tracking frames) is out of scope.
    std::optional<double> width = Number(std::string(frame->AttrOr("width", "x")));
    std::optional<double> height = Number(std::string(frame->AttrOr("height", "x")));
    if ((width && *width <= 1) || (height && *height <= 1)) continue;
    if (!frame->HasAttr("srcdoc")) {
      if (tabindex && *tabindex < 0) report.CantTell(*frame);  // Content not in the page.
      continue;
    }
    std::unique_ptr<Document> content = Document::Parse(std::string(frame->AttrOr("srcdoc")));
    if (!HasTabbableContent(*content)) continue;
    if (tabindex && *tabindex < 0) {
      report.Fail(*frame);
    } else {
      report.Pass(*frame);
    }
  }
}

// m6b1q3: a menu item screen readers announce with no name.
void MenuitemName(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!HasRoleToken(*e, {"menuitem"}) || page.sem.IsHidden(*e)) continue;
    if (page.sem.Role(*e) != "menuitem") continue;
    if (NameOf(page, *e).empty()) {
      report.Fail(*e);
    } else {
      report.Pass(*e);
    }
  }
}

// 46ca7f: role=presentation/none (or img alt="") marks an element decorative; a global ARIA
// attribute or focusability makes browsers ignore that and expose it anyway.
void DecorativeExposed(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    bool decorative = HasRoleToken(*e, {"presentation", "none"}) ||
                      (e->Is("img") && e->HasAttr("alt") && e->AttrOr("alt").empty() &&
                       FirstRoleToken(*e).empty());
    if (!decorative || page.sem.IsHidden(*e)) continue;
    bool conflict = page.sem.IsFocusable(*e);
    for (const Attribute& attr : e->attributes) {
      if (attr.name.compare(0, 5, "aria-") == 0 && IsGlobalAriaAttribute(attr.name) &&
          attr.name != "aria-hidden") {
        conflict = true;
      }
    }
    if (conflict) {
      report.Fail(*e);
    } else {
      report.Pass(*e);
    }
  }
}

}  // namespace

void AddActPageRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrMetaRefreshDelay",
      .type = IssueType::kError,
      .category = "timing",
      .wcag = {"2.2.1", "2.2.4", "3.2.5"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"bc659a"},
      .what = "This meta refresh reloads or redirects the page after a delay.",
      .why = "The page changes under users who are still reading or filling it in; screen "
             "reader users lose their place without warning.",
      .fix = "Redirect on the server (HTTP 301/302), or with a delay of 0; let users ask for "
             "fresh content instead of reloading on a timer.",
      .check = MetaRefreshDelay,
  });
  rules.push_back({
      .code = "WarnMetaRefreshAnyDelay",
      .type = IssueType::kWarning,
      .category = "timing",
      .wcag = {"2.2.4", "3.2.5"},
      .level = WcagLevel::kAAA,
      .impact = Impact::kMedium,
      .act = {"bisz58"},
      .what = "This meta refresh changes the page after a delay (even a very long one).",
      .why = "Any timed reload or redirect interrupts users who did not ask for it.",
      .fix = "Redirect immediately (delay 0) or on the server, and never reload on a timer.",
      .check = MetaRefreshAnyDelay,
  });
  rules.push_back({
      .code = "ErrViewportPreventsZoom",
      .type = IssueType::kError,
      .category = "interactive",
      .wcag = {"1.4.4"},
      .level = WcagLevel::kAA,
      .impact = Impact::kCritical,
      .act = {"b4f0c3"},
      .what = "This meta viewport stops users from zooming (user-scalable=no or a "
              "maximum-scale below 2).",
      .why = "People with low vision cannot pinch-zoom the page on mobile to read it.",
      .fix = "Remove user-scalable and maximum-scale from the viewport content "
             "(width=device-width, initial-scale=1 is enough).",
      .check = ViewportPreventsZoom,
  });
  rules.push_back({
      .code = "ErrIframeNegativeTabindex",
      .type = IssueType::kError,
      .category = "interactive",
      .wcag = {"2.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"akn7bn"},
      .what = "This frame has a negative tabindex but contains links or controls, which the "
              "keyboard can then never reach.",
      .why = "Keyboard users skip the whole frame and cannot use what is inside it.",
      .fix = "Remove tabindex=\"-1\" from the frame, or make its content non-interactive.",
      .check = IframeNegativeTabindex,
  });
  rules.push_back({
      .code = "ErrMenuitemNoName",
      .type = IssueType::kError,
      .category = "interactive",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"m6b1q3"},
      .what = "This menu item has no accessible name.",
      .why = "Screen readers announce only \"menu item\": users cannot tell what it does.",
      .fix = "Give the item text, or an aria-label when it shows only an icon.",
      .check = MenuitemName,
  });
  rules.push_back({
      .code = "ErrDecorativeElementExposed",
      .type = IssueType::kError,
      .category = "interactive",
      .wcag = {"1.1.1", "1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {"46ca7f"},
      .what = "This element is marked decorative (role=\"presentation\"/\"none\" or alt=\"\") "
              "but a global ARIA attribute or focusability makes browsers expose it anyway.",
      .why = "Screen readers announce something the author meant to hide, often with a role "
             "and no useful name, which confuses users.",
      .fix = "Remove the ARIA attributes and tabindex from decorative elements, or stop "
             "marking the element decorative and give it a proper name.",
      .check = DecorativeExposed,
  });
}

}  // namespace a11y::checks::widgets
