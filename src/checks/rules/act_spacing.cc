// Text spacing set with !important in style="" (WCAG 1.4.12) and orientation locked with
// CSS transforms (WCAG 1.3.4).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numbers>

#include "checks/rules/act_common.h"

namespace a11y::checks::act {
namespace {

enum class Spacing { kLetter, kWord, kLine };

// WCAG 1.4.12 asks that users can set letter spacing to 0.12em, word spacing to 0.16em and
// line height to 1.5 times the font size. Declarations with !important in style="" beat
// every author and user style sheet that does not itself use !important at user level, so
// a user's bookmarklet or extension cannot widen them: they must already be wide enough.
struct SpacingSpec {
  std::string_view property;
  double minimum;  // Times the font size.
};

SpacingSpec SpecOf(Spacing kind) {
  switch (kind) {
    case Spacing::kLetter: return {"letter-spacing", 0.12};
    case Spacing::kWord: return {"word-spacing", 0.16};
    case Spacing::kLine: return {"line-height", 1.5};
  }
  return {"", 0};
}

// The used spacing as a multiple of the font size, nullopt when a browser would be needed
// (calc(), var(), unknown units).
std::optional<double> SpacingRatio(Spacing kind, std::string_view value, double font_px) {
  std::string v = Lower(TrimAscii(value));
  if (kind == Spacing::kLine) {
    if (v == "normal" || v == "initial") return 1.2;  // Browsers' "normal" is about 1.2.
    const char* begin = v.c_str();
    char* end = nullptr;
    double number = std::strtod(begin, &end);
    if (end != begin && TrimAscii(std::string_view(end)).empty()) return number;
    if (end != begin && TrimAscii(std::string_view(end)) == "%") return number / 100;
    std::optional<double> px = LengthPx(v, font_px, font_px);
    if (px && font_px > 0) return *px / font_px;
    return std::nullopt;
  }
  if (v == "normal" || v == "initial") return 0.0;
  std::optional<double> px = LengthPx(v, font_px, font_px);
  if (px && font_px > 0) return *px / font_px;
  return std::nullopt;
}

// Line height matters only between lines: text that fits on one line is not affected. We
// have no layout, so estimate: about half an em per character against the element's own
// width or max-width, else a wide (1280px) desktop viewport. Only then is a too-small line
// height a certain failure.
bool LikelyWraps(const Page& page, const Node& e, double font_px) {
  double text_px = static_cast<double>(RenderedText(page, e).size()) * 0.5 * font_px;
  double limit = 1280;
  for (std::string_view property : {"max-width", "width"}) {
    std::string value = PropertyValue(page, e, property);
    if (value.find('%') != std::string::npos) continue;
    std::optional<double> px = LengthPx(value, font_px, 0);
    if (px && *px > 0 && *px < limit) limit = *px;
  }
  return text_px > limit;
}

void CheckSpacing(const Page& page, Reporter& report, Spacing kind) {
  SpacingSpec spec = SpecOf(kind);
  for (const Node* e : page.doc.elements()) {
    if (e->ns != Namespace::kHtml || !e->HasAttr("style")) continue;
    std::optional<Declaration> d = StyleAttributeDeclaration(*e, spec.property);
    if (!d || !d->important) continue;
    std::string value = Lower(d->value);
    // These take the parent's value: the element's own declaration does not set anything.
    if (value == "inherit" || value == "unset" || value == "revert" || value == "revert-layer") {
      continue;
    }
    if (!HasOwnText(*e) || IsNotRendered(page, *e) || IsOffScreen(page, *e)) continue;
    double font_px = page.styles.Of(*e).font_size_px;
    std::optional<double> ratio = SpacingRatio(kind, value, font_px);
    if (!ratio) {
      report.CantTell(*e);
    } else if (*ratio + 1e-6 >= spec.minimum) {
      report.Pass(*e);
    } else if (kind == Spacing::kLine && !LikelyWraps(page, *e, font_px)) {
      report.CantTell(*e);  // Probably a single line, where line height changes nothing.
    } else {
      char detail[96];
      std::snprintf(detail, sizeof detail, "%s is %.2f times the font size, below %.2f.",
                    std::string(spec.property).c_str(), *ratio, spec.minimum);
      report.Fail(*e, detail);
    }
  }
}

void ImportantLetterSpacing(const Page& page, Reporter& report) {
  CheckSpacing(page, report, Spacing::kLetter);
}
void ImportantWordSpacing(const Page& page, Reporter& report) {
  CheckSpacing(page, report, Spacing::kWord);
}
void ImportantLineHeight(const Page& page, Reporter& report) {
  CheckSpacing(page, report, Spacing::kLine);
}

// ---------------------------------------------------------------------------------------
// Orientation: a rotation applied only in one orientation turns the page back, so people
// who cannot rotate their device (a mounted tablet, a wheelchair) cannot use it.

constexpr double kPi = std::numbers::pi;

// An angle in degrees ("90deg", "0.25turn", "1.57rad", "100grad"); nullopt otherwise.
std::optional<double> AngleDegrees(std::string_view text) {
  std::string v = Lower(TrimAscii(text));
  const char* begin = v.c_str();
  char* end = nullptr;
  double number = std::strtod(begin, &end);
  if (end == begin) return std::nullopt;
  std::string_view unit = TrimAscii(std::string_view(end));
  if (unit == "deg") return number;
  if (unit == "turn") return number * 360;
  if (unit == "rad") return number * 180 / kPi;
  if (unit == "grad") return number * 0.9;
  if (unit.empty() && number == 0) return 0.0;
  return std::nullopt;
}

std::vector<double> Arguments(std::string_view args) {
  std::vector<double> out;
  std::string text(args);
  for (char& c : text) {
    if (c == ',') c = ' ';
  }
  const char* p = text.c_str();
  while (*p != '\0') {
    char* end = nullptr;
    double v = std::strtod(p, &end);
    if (end == p) {
      ++p;
      continue;
    }
    out.push_back(v);
    p = end;
    while (*p != '\0' && *p != ' ') ++p;  // Skip a unit.
  }
  return out;
}

// The rotation about the screen's axis a transform / rotate value makes, in degrees.
// nullopt when it makes none we can read (translate, invalid syntax...).
std::optional<double> Rotation(std::string_view property, std::string_view value) {
  std::string v = Lower(TrimAscii(value));
  if (property == "rotate") {
    if (v == "none") return 0.0;
    std::vector<std::string_view> parts = SplitTokens(v);
    if (parts.empty()) return std::nullopt;
    if (parts.size() == 1) return AngleDegrees(parts[0]);
    // "z 90deg" or "0 0 1 90deg": only a rotation about z turns the screen.
    if (parts.size() == 2 && parts[0] == "z") return AngleDegrees(parts[1]);
    return std::nullopt;
  }
  if (property != "transform") return std::nullopt;
  if (v == "none") return 0.0;
  double total = 0;
  bool any = false;
  size_t pos = 0;
  while (pos < v.size()) {
    size_t open = v.find('(', pos);
    if (open == std::string::npos) break;
    size_t close = v.find(')', open);
    if (close == std::string::npos) return std::nullopt;
    std::string name(TrimAscii(std::string_view(v).substr(pos, open - pos)));
    std::string_view args = std::string_view(v).substr(open + 1, close - open - 1);
    if (name == "rotate" || name == "rotatez") {
      if (args.find(',') != std::string_view::npos) return std::nullopt;  // Invalid.
      std::optional<double> a = AngleDegrees(args);
      if (!a) return std::nullopt;
      total += *a;
      any = true;
    } else if (name == "matrix" || name == "matrix3d") {
      std::vector<double> m = Arguments(args);
      if ((name == "matrix" && m.size() != 6) || (name == "matrix3d" && m.size() != 16)) {
        return std::nullopt;
      }
      total += std::atan2(m[1], m[0]) * 180 / kPi;
      any = true;
    } else if (name == "rotate3d") {
      std::vector<double> a = Arguments(args);
      if (a.size() != 4 || a[0] != 0 || a[1] != 0 || a[2] == 0) return std::nullopt;
      total += a[2] > 0 ? a[3] : -a[3];
      any = true;
    }
    pos = close + 1;
  }
  if (!any) return std::nullopt;
  return total;
}

bool IsOrientationQuery(std::string_view media) {
  return media.find("orientation") != std::string_view::npos &&
         (media.find("portrait") != std::string_view::npos ||
          media.find("landscape") != std::string_view::npos);
}

// The elements a simple selector list names (html, body, :root, main, #id, tag); nullopt
// when the selector is more than we match here.
std::optional<std::vector<const Node*>> SelectSimple(const Document& doc,
                                                     std::string_view selector) {
  std::vector<const Node*> out;
  std::string list(selector);
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string s = Lower(TrimAscii(std::string_view(list).substr(start, comma - start)));
    start = comma + 1;
    if (s.empty()) continue;
    if (s == ":root" || s == "html") {
      if (doc.html() != nullptr) out.push_back(doc.html());
    } else if (s[0] == '#') {
      if (const Node* e = doc.ElementById(std::string_view(s).substr(1))) out.push_back(e);
    } else if (s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos) {
      for (const Node* e : doc.ElementsByTag(s)) out.push_back(e);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

void OrientationNotLocked(const Page& page, Reporter& report) {
  std::vector<CssRule> sheet = ParseStyleSheets(page.doc);
  for (const CssRule& rule : sheet) {
    if (!IsOrientationQuery(rule.media)) continue;
    for (const Declaration& d : rule.declarations) {
      if (d.name != "transform" && d.name != "rotate") continue;
      std::optional<double> turned = Rotation(d.name, d.value);
      if (!turned) continue;  // Not a rotation (or invalid): nothing turned.
      // The same selector's rotation outside the query is the starting point.
      double base = 0;
      for (const CssRule& other : sheet) {
        if (!other.media.empty() || other.selector != rule.selector) continue;
        for (const Declaration& od : other.declarations) {
          if (od.name != d.name) continue;
          if (std::optional<double> b = Rotation(od.name, od.value)) base = *b;
        }
      }
      double angle = std::fmod(std::fabs(*turned - base), 180.0);
      bool quarter = angle > 45 && angle < 135;
      std::optional<std::vector<const Node*>> targets = SelectSimple(page.doc, rule.selector);
      if (!targets) {
        if (const Node* html = PageTarget(page.doc); html != nullptr) report.CantTell(*html);
        continue;
      }
      for (const Node* e : *targets) {
        if (IsNotRendered(page, *e)) continue;
        if (quarter) {
          report.Fail(
              *e, "It is rotated by about a quarter turn in a @media (" + rule.media + ") query.");
        } else {
          report.Pass(*e);
        }
      }
    }
  }
}

}  // namespace

void AddActSpacingRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrImportantLetterSpacingTooNarrow",
      .type = IssueType::kError,
      .category = "act",
      .wcag = {"1.4.12"},
      .level = WcagLevel::kAA,
      .impact = Impact::kMedium,
      .act = {"24afc2"},
      .what = "This element's style attribute fixes letter-spacing with !important at less "
              "than 0.12 times the font size.",
      .why = "People with dyslexia or low vision widen letter spacing with their own style "
             "sheet or an extension; an !important inline value cannot be overridden, so the "
             "text stays cramped for them.",
      .fix = "Remove !important from the inline letter-spacing, or make it at least 0.12em.",
      .check = ImportantLetterSpacing,
  });
  rules.push_back({
      .code = "ErrImportantLineHeightTooSmall",
      .type = IssueType::kError,
      .category = "act",
      .wcag = {"1.4.12"},
      .level = WcagLevel::kAA,
      .impact = Impact::kMedium,
      .act = {"78fd32"},
      .what = "This element's style attribute fixes line-height with !important at less than "
              "1.5 times the font size.",
      .why = "Readers who need more space between lines to keep their place set a larger line "
             "height themselves; an !important inline value locks them out.",
      .fix = "Remove !important from the inline line-height, or make it at least 1.5.",
      .check = ImportantLineHeight,
  });
  rules.push_back({
      .code = "ErrImportantWordSpacingTooNarrow",
      .type = IssueType::kError,
      .category = "act",
      .wcag = {"1.4.12"},
      .level = WcagLevel::kAA,
      .impact = Impact::kMedium,
      .act = {"9e45ec"},
      .what = "This element's style attribute fixes word-spacing with !important at less than "
              "0.16 times the font size.",
      .why = "Readers who separate words more widely to follow the text cannot override an "
             "!important inline word spacing.",
      .fix = "Remove !important from the inline word-spacing, or make it at least 0.16em.",
      .check = ImportantWordSpacing,
  });
  rules.push_back({
      .code = "ErrOrientationLockedByTransform",
      .type = IssueType::kError,
      .category = "act",
      .wcag = {"1.3.4"},
      .level = WcagLevel::kAA,
      .impact = Impact::kHigh,
      .act = {"b33eff"},
      .what = "A CSS transform inside an orientation media query turns this element a quarter "
              "turn, locking the page to one orientation.",
      .why = "People whose device is mounted in a fixed position, such as on a wheelchair, "
             "cannot turn it to read content rotated back to the other orientation.",
      .fix = "Let the layout follow the device orientation; do not rotate the page in "
             "@media (orientation) queries.",
      .check = OrientationNotLocked,
  });
}

}  // namespace a11y::checks::act
