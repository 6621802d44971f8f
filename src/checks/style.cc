// The cascade: a UA sheet of our own (the defaults that matter for accessibility), the
// page's <style> sheets and presentational attributes, and style="" attributes, resolved per
// element with inheritance. Colours follow CSS Color 4; contrast follows WCAG 2.
#include "checks/style.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>
#include <unordered_set>

#include "checks/css_parser.h"
#include "checks/selector.h"
#include "core/ascii.h"

namespace a11y::checks {
namespace {

std::string_view Trim(std::string_view s) { return a11y::TrimAscii(s); }

// ---- Colours ----

struct NamedColor {
  std::string_view name;
  unsigned rgb;
};

// CSS named colours and the system colours as Chrome paints them on a light page.
constexpr NamedColor kNamedColors[] = {
      {"-webkit-focus-ring-color", 0x101010},
      {"-webkit-link", 0x0000ee},
      {"accentcolortext", 0xffffff},
      {"activetext", 0xff0000},
      {"aliceblue", 0xf0f8ff},
      {"antiquewhite", 0xfaebd7},
      {"aqua", 0x00ffff},
      {"aquamarine", 0x7fffd4},
      {"azure", 0xf0ffff},
      {"beige", 0xf5f5dc},
      {"bisque", 0xffe4c4},
      {"black", 0x000000},
      {"blanchedalmond", 0xffebcd},
      {"blue", 0x0000ff},
      {"blueviolet", 0x8a2be2},
      {"brown", 0xa52a2a},
      {"burlywood", 0xdeb887},
      {"buttonborder", 0x767676},
      {"buttonface", 0xefefef},
      {"buttontext", 0x000000},
      {"cadetblue", 0x5f9ea0},
      {"canvas", 0xffffff},
      {"canvastext", 0x000000},
      {"chartreuse", 0x7fff00},
      {"chocolate", 0xd2691e},
      {"coral", 0xff7f50},
      {"cornflowerblue", 0x6495ed},
      {"cornsilk", 0xfff8dc},
      {"crimson", 0xdc143c},
      {"cyan", 0x00ffff},
      {"darkblue", 0x00008b},
      {"darkcyan", 0x008b8b},
      {"darkgoldenrod", 0xb8860b},
      {"darkgray", 0xa9a9a9},
      {"darkgreen", 0x006400},
      {"darkgrey", 0xa9a9a9},
      {"darkkhaki", 0xbdb76b},
      {"darkmagenta", 0x8b008b},
      {"darkolivegreen", 0x556b2f},
      {"darkorange", 0xff8c00},
      {"darkorchid", 0x9932cc},
      {"darkred", 0x8b0000},
      {"darksalmon", 0xe9967a},
      {"darkseagreen", 0x8fbc8f},
      {"darkslateblue", 0x483d8b},
      {"darkslategray", 0x2f4f4f},
      {"darkslategrey", 0x2f4f4f},
      {"darkturquoise", 0x00ced1},
      {"darkviolet", 0x9400d3},
      {"deeppink", 0xff1493},
      {"deepskyblue", 0x00bfff},
      {"dimgray", 0x696969},
      {"dimgrey", 0x696969},
      {"dodgerblue", 0x1e90ff},
      {"field", 0xffffff},
      {"fieldtext", 0x000000},
      {"firebrick", 0xb22222},
      {"floralwhite", 0xfffaf0},
      {"forestgreen", 0x228b22},
      {"fuchsia", 0xff00ff},
      {"gainsboro", 0xdcdcdc},
      {"ghostwhite", 0xf8f8ff},
      {"gold", 0xffd700},
      {"goldenrod", 0xdaa520},
      {"gray", 0x808080},
      {"graytext", 0x808080},
      {"green", 0x008000},
      {"greenyellow", 0xadff2f},
      {"grey", 0x808080},
      {"highlight", 0x3390ff},
      {"highlighttext", 0xffffff},
      {"honeydew", 0xf0fff0},
      {"hotpink", 0xff69b4},
      {"indianred", 0xcd5c5c},
      {"indigo", 0x4b0082},
      {"ivory", 0xfffff0},
      {"khaki", 0xf0e68c},
      {"lavender", 0xe6e6fa},
      {"lavenderblush", 0xfff0f5},
      {"lawngreen", 0x7cfc00},
      {"lemonchiffon", 0xfffacd},
      {"lightblue", 0xadd8e6},
      {"lightcoral", 0xf08080},
      {"lightcyan", 0xe0ffff},
      {"lightgoldenrodyellow", 0xfafad2},
      {"lightgray", 0xd3d3d3},
      {"lightgreen", 0x90ee90},
      {"lightgrey", 0xd3d3d3},
      {"lightpink", 0xffb6c1},
      {"lightsalmon", 0xffa07a},
      {"lightseagreen", 0x20b2aa},
      {"lightskyblue", 0x87cefa},
      {"lightslategray", 0x778899},
      {"lightslategrey", 0x778899},
      {"lightsteelblue", 0xb0c4de},
      {"lightyellow", 0xffffe0},
      {"lime", 0x00ff00},
      {"limegreen", 0x32cd32},
      {"linen", 0xfaf0e6},
      {"linktext", 0x0000ee},
      {"magenta", 0xff00ff},
      {"mark", 0xffff00},
      {"marktext", 0x000000},
      {"maroon", 0x800000},
      {"mediumaquamarine", 0x66cdaa},
      {"mediumblue", 0x0000cd},
      {"mediumorchid", 0xba55d3},
      {"mediumpurple", 0x9370db},
      {"mediumseagreen", 0x3cb371},
      {"mediumslateblue", 0x7b68ee},
      {"mediumspringgreen", 0x00fa9a},
      {"mediumturquoise", 0x48d1cc},
      {"mediumvioletred", 0xc71585},
      {"midnightblue", 0x191970},
      {"mintcream", 0xf5fffa},
      {"mistyrose", 0xffe4e1},
      {"moccasin", 0xffe4b5},
      {"navajowhite", 0xffdead},
      {"navy", 0x000080},
      {"oldlace", 0xfdf5e6},
      {"olive", 0x808000},
      {"olivedrab", 0x6b8e23},
      {"orange", 0xffa500},
      {"orangered", 0xff4500},
      {"orchid", 0xda70d6},
      {"palegoldenrod", 0xeee8aa},
      {"palegreen", 0x98fb98},
      {"paleturquoise", 0xafeeee},
      {"palevioletred", 0xdb7093},
      {"papayawhip", 0xffefd5},
      {"peachpuff", 0xffdab9},
      {"peru", 0xcd853f},
      {"pink", 0xffc0cb},
      {"plum", 0xdda0dd},
      {"powderblue", 0xb0e0e6},
      {"purple", 0x800080},
      {"rebeccapurple", 0x663399},
      {"red", 0xff0000},
      {"rosybrown", 0xbc8f8f},
      {"royalblue", 0x4169e1},
      {"saddlebrown", 0x8b4513},
      {"salmon", 0xfa8072},
      {"sandybrown", 0xf4a460},
      {"seagreen", 0x2e8b57},
      {"seashell", 0xfff5ee},
      {"selecteditem", 0x0078d7},
      {"selecteditemtext", 0xffffff},
      {"sienna", 0xa0522d},
      {"silver", 0xc0c0c0},
      {"skyblue", 0x87ceeb},
      {"slateblue", 0x6a5acd},
      {"slategray", 0x708090},
      {"slategrey", 0x708090},
      {"snow", 0xfffafa},
      {"springgreen", 0x00ff7f},
      {"steelblue", 0x4682b4},
      {"tan", 0xd2b48c},
      {"teal", 0x008080},
      {"thistle", 0xd8bfd8},
      {"tomato", 0xff6347},
      {"turquoise", 0x40e0d0},
      {"violet", 0xee82ee},
      {"visitedtext", 0x551a8b},
      {"wheat", 0xf5deb3},
      {"white", 0xffffff},
      {"whitesmoke", 0xf5f5f5},
      {"yellow", 0xffff00},
      {"yellowgreen", 0x9acd32},
};

std::optional<Color> NamedColorValue(std::string_view name) {
  auto it = std::lower_bound(std::begin(kNamedColors), std::end(kNamedColors), name,
                             [](const NamedColor& c, std::string_view n) { return c.name < n; });
  if (it == std::end(kNamedColors) || it->name != name) return std::nullopt;
  return Color{static_cast<double>((it->rgb >> 16) & 0xFF),
               static_cast<double>((it->rgb >> 8) & 0xFF), static_cast<double>(it->rgb & 0xFF),
               1, true};
}

std::optional<Color> HexColor(std::string_view hex) {
  for (char c : hex) {
    if (!IsHexDigit(c)) return std::nullopt;
  }
  auto digit = [&](size_t i) { return static_cast<double>(HexValue(hex[i])); };
  auto pair = [&](size_t i) { return digit(i) * 16 + digit(i + 1); };
  switch (hex.size()) {
    case 3:
    case 4:
      return Color{digit(0) * 17, digit(1) * 17, digit(2) * 17,
                   hex.size() == 4 ? digit(3) * 17 / 255 : 1, true};
    case 6:
    case 8:
      return Color{pair(0), pair(2), pair(4), hex.size() == 8 ? pair(6) / 255 : 1, true};
  }
  return std::nullopt;
}

// A number, percentage (scaled so 100% is `percent_scale`) or "none" (0).
std::optional<double> Number(std::string_view s, double percent_scale) {
  s = Trim(s);
  if (s == "none") return 0.0;
  if (s.empty()) return std::nullopt;
  std::string text(s);
  bool percent = text.back() == '%';
  if (percent) text.pop_back();
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  return percent ? v * percent_scale / 100 : v;
}

std::optional<double> Hue(std::string_view s) {
  s = Trim(s);
  double scale = 1;
  std::string_view number = s;
  for (auto [unit, factor] : {std::pair<std::string_view, double>{"deg", 1},
                              {"grad", 0.9},
                              {"rad", 180 / M_PI},
                              {"turn", 360}}) {
    if (s.size() > unit.size() && s.substr(s.size() - unit.size()) == unit) {
      number = s.substr(0, s.size() - unit.size());
      scale = factor;
      break;
    }
  }
  auto v = Number(number, 0);
  if (!v) return std::nullopt;
  return *v * scale;
}

double Clamp(double v, double lo, double hi) { return std::max(lo, std::min(hi, v)); }

// Splits a colour function's arguments: commas or spaces, with "/ alpha".
std::vector<std::string> ColorArguments(std::string_view inside) {
  std::vector<std::string> out;
  for (std::string_view part : css::SplitComponents(inside)) {
    if (part == ",") continue;
    out.emplace_back(part);
  }
  // Move a "/ alpha" to be the fourth argument.
  auto slash = std::find(out.begin(), out.end(), "/");
  if (slash != out.end()) out.erase(slash);
  return out;
}

Color HslToRgb(double h, double s, double l, double a) {
  h = std::fmod(h, 360);
  if (h < 0) h += 360;
  s = Clamp(s, 0, 100) / 100;
  l = Clamp(l, 0, 100) / 100;
  auto f = [&](double n) {
    double k = std::fmod(n + h / 30, 12);
    double amp = s * std::min(l, 1 - l);
    return l - amp * std::max(-1.0, std::min({k - 3, 9 - k, 1.0}));
  };
  return Color{f(0) * 255, f(8) * 255, f(4) * 255, Clamp(a, 0, 1), true};
}

std::optional<Color> FunctionColor(std::string_view fn, std::string_view inside) {
  std::vector<std::string> args = ColorArguments(inside);
  if (fn == "rgb" || fn == "rgba") {
    if (args.size() != 3 && args.size() != 4) return std::nullopt;
    double rgb[3];
    for (int i = 0; i < 3; ++i) {
      auto v = Number(args[i], 255);
      if (!v) return std::nullopt;
      rgb[i] = Clamp(*v, 0, 255);
    }
    double a = 1;
    if (args.size() == 4) {
      auto v = Number(args[3], 1);
      if (!v) return std::nullopt;
      a = Clamp(*v, 0, 1);
    }
    return Color{rgb[0], rgb[1], rgb[2], a, true};
  }
  if (fn == "hsl" || fn == "hsla" || fn == "hwb") {
    if (args.size() != 3 && args.size() != 4) return std::nullopt;
    auto h = Hue(args[0]);
    auto s = Number(args[1], 100);
    auto l = Number(args[2], 100);
    std::optional<double> a = 1.0;
    if (args.size() == 4) a = Number(args[3], 1);
    if (!h || !s || !l || !a) return std::nullopt;
    if (fn != "hwb") return HslToRgb(*h, *s, *l, *a);
    double white = Clamp(*s, 0, 100) / 100, black = Clamp(*l, 0, 100) / 100;
    if (white + black >= 1) {
      double gray = white / (white + black) * 255;
      return Color{gray, gray, gray, Clamp(*a, 0, 1), true};
    }
    Color pure = HslToRgb(*h, 100, 50, *a);
    auto mix = [&](double c) { return (c / 255 * (1 - white - black) + white) * 255; };
    return Color{mix(pure.r), mix(pure.g), mix(pure.b), pure.a, true};
  }
  if (fn == "light-dark") {
    // The page is assumed light: the first colour.
    std::vector<std::string_view> parts = css::SplitComponents(inside);
    std::string first;
    for (std::string_view p : parts) {
      if (p == ",") break;
      if (!first.empty()) first += ' ';
      first.append(p);
    }
    return ParseColor(first);
  }
  static constexpr std::string_view kOther[] = {"color-mix", "lab", "lch", "oklab", "oklch",
                                                "color", "device-cmyk", "var", "env",
                                                "attr", "-webkit-gradient"};
  if (std::find(std::begin(kOther), std::end(kOther), fn) != std::end(kOther)) {
    Color unknown;
    unknown.known = false;
    return unknown;  // A colour, but one we cannot compute.
  }
  return std::nullopt;
}

// ---- The UA sheet ----

constexpr std::string_view kUaSheet = R"css(
html, address, blockquote, body, center, dialog, div, figure, figcaption, footer, form,
header, hr, legend, listing, main, p, plaintext, pre, search, xmp, article, aside, h1, h2,
h3, h4, h5, h6, hgroup, nav, section, dir, dd, dl, dt, menu, ol, ul, fieldset, details,
optgroup, frameset, frame { display: block }
li, summary { display: list-item }
table { display: table }
caption { display: table-caption; text-align: center }
colgroup { display: table-column-group }
col { display: table-column }
thead { display: table-header-group }
tbody { display: table-row-group }
tfoot { display: table-footer-group }
tr { display: table-row }
td, th { display: table-cell }
th { font-weight: bold; text-align: center }
ruby { display: ruby } rt { display: ruby-text }
button, input, select, textarea, meter, progress, marquee { display: inline-block }
area, base, basefont, datalist, head, link, meta, noembed, noframes, param, rp, script,
style, template, title, source, track { display: none }
[hidden]:not([hidden="until-found" i]), input[type="hidden" i], dialog:not([open]) {
  display: none
}
details:not([open]) > :not(summary:first-of-type) { display: none }
body { margin: 8px }
b, strong { font-weight: bolder }
h1 { font-size: 2em; font-weight: bold }
h2 { font-size: 1.5em; font-weight: bold }
h3 { font-size: 1.17em; font-weight: bold }
h4 { font-size: 1em; font-weight: bold }
h5 { font-size: 0.83em; font-weight: bold }
h6 { font-size: 0.67em; font-weight: bold }
i, cite, em, var, dfn, address { font-style: italic }
u, ins { text-decoration: underline }
s, strike, del { text-decoration: line-through }
small, sub, sup { font-size: smaller }
big { font-size: larger }
center { text-align: center }
pre, code, kbd, samp, tt { font-family: monospace }
mark { background-color: Mark; color: MarkText }
:link { color: LinkText; text-decoration: underline; cursor: pointer }
:visited { color: VisitedText; text-decoration: underline; cursor: pointer }
:focus-visible { outline: auto 1px -webkit-focus-ring-color }
input, textarea, select, button { font-size: 13.3333px; font-weight: normal; font-style: normal;
  color: FieldText; background-color: Field; text-align: start }
button, input[type="button" i], input[type="submit" i], input[type="reset" i] {
  color: ButtonText; background-color: ButtonFace; text-align: center }
)css";

struct CompiledRule {
  css::Selector selector;
  const std::vector<css::Declaration>* declarations;
  uint32_t order;
};

// Rules bucketed by their rightmost compound's id, class or type, so an element only tests
// the rules that could match it.
class RuleIndex {
 public:
  void Add(css::Selector selector, const std::vector<css::Declaration>* declarations,
           uint32_t order) {
    if (selector.pseudo_element()) return;
    dynamic_ = dynamic_ || selector.dynamic();
    uses_hover_ = uses_hover_ || selector.uses_hover();
    uint32_t index = static_cast<uint32_t>(rules_.size());
    if (!selector.key_id().empty()) {
      by_id_[selector.key_id()].push_back(index);
    } else if (!selector.key_class().empty()) {
      by_class_[selector.key_class()].push_back(index);
    } else if (!selector.key_tag().empty()) {
      by_tag_[selector.key_tag()].push_back(index);
    } else {
      universal_.push_back(index);
    }
    rules_.push_back({std::move(selector), declarations, order});
  }

  void Collect(const Node& e, std::vector<const CompiledRule*>& out) const {
    auto add = [&](const std::vector<uint32_t>& indexes) {
      for (uint32_t i : indexes) out.push_back(&rules_[i]);
    };
    if (const std::string* id = e.Attr("id"); id != nullptr && !by_id_.empty()) {
      if (auto it = by_id_.find(*id); it != by_id_.end()) add(it->second);
    }
    if (const std::string* cls = e.Attr("class"); cls != nullptr && !by_class_.empty()) {
      std::vector<std::string_view> tokens = SplitTokens(*cls);
      std::sort(tokens.begin(), tokens.end());
      tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
      for (std::string_view token : tokens) {
        if (auto it = by_class_.find(std::string(token)); it != by_class_.end()) add(it->second);
      }
    }
    if (!by_tag_.empty()) {
      if (auto it = by_tag_.find(ToLowerAscii(e.tag)); it != by_tag_.end()) add(it->second);
    }
    add(universal_);
  }

  bool dynamic() const { return dynamic_; }
  bool uses_hover() const { return uses_hover_; }

 private:
  std::vector<CompiledRule> rules_;
  std::unordered_map<std::string, std::vector<uint32_t>> by_id_, by_class_, by_tag_;
  std::vector<uint32_t> universal_;
  bool dynamic_ = false;
  bool uses_hover_ = false;
};

struct UaSheet {
  std::vector<css::SheetEntry> entries;
  RuleIndex index;
};

const UaSheet& Ua() {
  static const UaSheet* sheet = [] {
    auto* ua = new UaSheet;
    ua->entries = css::ParseStyleSheet(kUaSheet);
    uint32_t order = 0;
    for (const css::SheetEntry& entry : ua->entries) {
      ++order;
      for (css::Selector& sel : css::ParseSelectorList(entry.prelude)) {
        ua->index.Add(std::move(sel), &entry.declarations, order);
      }
    }
    return ua;
  }();
  return *sheet;
}

// ---- Property knowledge ----

bool IsInherited(std::string_view name) {
  if (name.size() > 2 && name[0] == '-' && name[1] == '-') return true;  // Custom properties.
  static constexpr std::string_view kInherited[] = {
      "accent-color", "border-collapse", "border-spacing", "caption-side", "caret-color",
      "color", "color-scheme", "cursor", "direction", "empty-cells", "font", "font-family",
      "font-feature-settings", "font-kerning", "font-size", "font-size-adjust",
      "font-stretch", "font-style", "font-variant", "font-weight", "forced-color-adjust",
      "hyphens", "letter-spacing", "line-height", "list-style", "list-style-image",
      "list-style-position", "list-style-type", "orphans", "overflow-wrap", "pointer-events",
      "quotes", "speak", "tab-size", "text-align", "text-align-last", "text-indent",
      "text-justify", "text-rendering", "text-shadow", "text-transform",
      "text-underline-position", "visibility", "white-space", "widows", "word-break",
      "word-spacing", "word-wrap", "writing-mode", "-webkit-font-smoothing",
      "-webkit-text-fill-color", "-webkit-text-stroke", "text-decoration-skip-ink",
      "font-synthesis", "font-variant-ligatures", "font-optical-sizing", "line-break",
      "text-wrap", "white-space-collapse", "text-size-adjust", "-webkit-text-size-adjust"};
  static const auto* inherited =
      new std::unordered_set<std::string_view>(std::begin(kInherited), std::end(kInherited));
  return inherited->count(name) != 0;
}

bool IsColorProperty(std::string_view name) {
  return name == "color" || name == "background-color" || name == "outline-color" ||
         name == "border-color" || name == "text-decoration-color" ||
         name == "-webkit-text-fill-color";
}

bool IsOutlineStyle(std::string_view v) {
  static constexpr std::string_view kStyles[] = {"none",  "hidden", "dotted", "dashed",
                                                 "solid", "double", "groove", "ridge",
                                                 "inset", "outset", "auto"};
  return std::find(std::begin(kStyles), std::end(kStyles), v) != std::end(kStyles);
}

bool IsLineWidth(std::string_view v) {
  if (v == "thin" || v == "medium" || v == "thick") return true;
  return css::ParseLength(v, {}).has_value();
}

bool IsImageValue(std::string_view v) {
  std::string lower = ToLowerAscii(v);
  return lower.rfind("url(", 0) == 0 || lower.find("gradient(") != std::string::npos ||
         lower.rfind("image(", 0) == 0 || lower.rfind("image-set(", 0) == 0 ||
         lower.rfind("-webkit-image-set(", 0) == 0 || lower.rfind("cross-fade(", 0) == 0 ||
         lower.rfind("element(", 0) == 0 || lower.rfind("paint(", 0) == 0;
}

bool IsColorValue(std::string_view v) {
  std::string lower = ToLowerAscii(Trim(v));
  return lower == "currentcolor" || ParseColor(lower).has_value();
}

std::string FormatPx(double px) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.4gpx", px);
  return buffer;
}

// One declaration matched on an element, with where it stands in the cascade.
struct Matched {
  const css::Declaration* declaration;
  int level;  // UA normal 0, author normal 1, inline normal 2, author !important 3,
              // inline !important 4, UA !important 5.
  uint32_t specificity;
  uint32_t order;
};

}  // namespace

std::optional<Color> ParseColor(std::string_view value) {
  std::string lower = ToLowerAscii(Trim(value));
  if (lower.empty() || lower.size() > 500) return std::nullopt;
  if (lower == "transparent") return Color::Transparent();
  if (lower[0] == '#') return HexColor(std::string_view(lower).substr(1));
  size_t paren = lower.find('(');
  if (paren != std::string::npos) {
    if (lower.back() != ')') return std::nullopt;
    return FunctionColor(std::string_view(lower).substr(0, paren),
                         std::string_view(lower).substr(paren + 1, lower.size() - paren - 2));
  }
  return NamedColorValue(lower);
}

Color Blend(const Color& top, const Color& bottom) {
  Color out;
  out.known = top.known && bottom.known;
  out.a = top.a + bottom.a * (1 - top.a);
  if (out.a <= 0) return Color{0, 0, 0, 0, out.known};
  auto mix = [&](double t, double b) { return (t * top.a + b * bottom.a * (1 - top.a)) / out.a; };
  out.r = mix(top.r, bottom.r);
  out.g = mix(top.g, bottom.g);
  out.b = mix(top.b, bottom.b);
  return out;
}

double RelativeLuminance(const Color& c) {
  auto channel = [](double v) {
    double s = Clamp(v, 0, 255) / 255;
    return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

double ContrastRatio(const Color& a, const Color& b) {
  double la = RelativeLuminance(a), lb = RelativeLuminance(b);
  if (la < lb) std::swap(la, lb);
  return (la + 0.05) / (lb + 0.05);
}

std::string_view ComputedStyle::Get(std::string_view name) const {
  if (auto it = own.find(name); it != own.end()) return it->second;
  if (inherited == nullptr) return {};
  auto it = inherited->find(name);
  return it == inherited->end() ? std::string_view() : std::string_view(it->second);
}

ComputedStyle::PropertyMap ComputedStyle::Properties() const {
  PropertyMap all = inherited != nullptr ? *inherited : PropertyMap();
  for (const auto& [name, value] : own) all.insert_or_assign(name, value);
  std::erase_if(all, [](const auto& property) { return property.second.empty(); });
  return all;
}

bool ComputedStyle::SameProperties(const ComputedStyle& other) const {
  if (inherited == other.inherited && own == other.own) return true;
  return Properties() == other.Properties();
}

std::shared_ptr<const ComputedStyle::PropertyMap> ComputedStyle::InheritedByChildren() const {
  if (inherited_by_children_ != nullptr) return inherited_by_children_;
  bool sets_inherited = std::any_of(
      own.begin(), own.end(), [](const auto& property) { return IsInherited(property.first); });
  if (!sets_inherited) {
    inherited_by_children_ = inherited;
  } else {
    auto merged = std::make_shared<PropertyMap>(inherited != nullptr ? *inherited : PropertyMap());
    for (const auto& [name, value] : own) {
      if (!IsInherited(name)) continue;
      if (value.empty()) {
        merged->erase(name);
      } else {
        merged->insert_or_assign(name, value);
      }
    }
    inherited_by_children_ = std::move(merged);
  }
  return inherited_by_children_;
}

bool ComputedStyle::Declared(std::string_view name) const {
  return std::find(declared.begin(), declared.end(), name) != declared.end();
}

struct StyleResolver::Impl {
  Impl(const Document& d, const MediaEnvironment& m) : doc(d), media(m) {}

  const Document& doc;
  MediaEnvironment media;
  std::vector<css::SheetEntry> entries;  // Author sheets; the index points into them.
  std::vector<SheetRule> rules;
  RuleIndex index;
  struct Entry {
    std::shared_ptr<const ComputedStyle> style;
    css::AncestorFilter ancestors;  // Of the element's ancestors.
    // display:none on the element or an ancestor element: rules ask for every element, and
    // the parent's answer makes each one a lookup instead of a walk to the root.
    bool display_none_here_or_above = false;
  };
  // Styles by parent style, state and the declarations matched: elements whose parents
  // have one style (shared in turn) and that match the same declarations in the same state,
  // with no style="" or presentational attributes, have the same style, because the cascade
  // reads nothing else. Most elements of a page get theirs this way instead of computing it.
  struct SharedStyle {
    std::vector<std::pair<const css::Declaration*, int>> matched;  // Declaration, level.
    std::shared_ptr<const ComputedStyle> style;
  };
  static constexpr size_t kSharedStylesPerParent = 16;
  using ParentAndState = std::pair<const ComputedStyle*, unsigned>;
  struct ParentAndStateHash {
    size_t operator()(const ParentAndState& key) const {
      return std::hash<const void*>()(key.first) * 31 + key.second;
    }
  };
  mutable std::unordered_map<ParentAndState, std::vector<SharedStyle>, ParentAndStateHash>
      shared_styles;
  // By document order: the checker's hottest lookup, so a flat table, not a hash map.
  class EntryTable {
   public:
    Entry* Find(const Node* n) const {
      return n->order < entries_.size() ? entries_[n->order].get() : nullptr;
    }
    void Set(const Node* n, std::unique_ptr<Entry> entry) {
      if (n->order >= entries_.size()) entries_.resize(n->order + 1);
      entries_[n->order] = std::move(entry);
    }

   private:
    std::vector<std::unique_ptr<Entry>> entries_;
  };
  mutable EntryTable cache;
  std::shared_ptr<const ComputedStyle> initial = std::make_shared<const ComputedStyle>();

  void LoadSheets();
  ComputedStyle Compute(const Node& e, const ComputedStyle* parent,
                        const css::MatchState& state,
                        const css::AncestorFilter* ancestors) const;
  // The style of `e` in `state`, shared with another element's where the cascade allows
  // (SharedStyle). `parent` is the parent's style from the cache, which lives as long as the
  // resolver (so its address is never reused as a key), or null for the root.
  std::shared_ptr<const ComputedStyle> ComputeShared(const Node& e, const ComputedStyle* parent,
                                                     unsigned state, const css::MatchState& match,
                                                     const css::AncestorFilter* ancestors) const;
  // The cache entry of `element` or its nearest element ancestor, computing what is missing;
  // null when there is none.
  const Entry* EntryOf(const Node& element) const;
  ComputedStyle Cascade(const Node& e, const ComputedStyle* parent,
                        const std::vector<Matched>& matched) const;
  void CollectMatched(const Node& e, const css::MatchState& state,
                      const css::AncestorFilter* ancestors,
                      std::vector<css::Declaration>& hints,
                      std::vector<css::Declaration>& inline_decls,
                      std::vector<Matched>& out) const;
  double RootFontSize(const Node& e) const;
};

namespace {

bool StyleElementApplies(const Node& style, const MediaEnvironment& environment) {
  for (const Node* p = style.parent; p != nullptr; p = p->parent) {
    if (p->Is("template")) return false;
  }
  if (const std::string* media = style.Attr("media"); media != nullptr) {
    if (!css::MediaQueryMatches(*media, environment)) return false;
  }
  if (const std::string* type = style.Attr("type"); type != nullptr) {
    std::string_view t = Trim(*type);
    if (!t.empty() && !EqualsIgnoreCase(t, "text/css")) return false;
  }
  return true;
}

// Presentational attributes (bgcolor, <font color>, <body text>...) act as author
// declarations of specificity zero that come before every sheet.
void PresentationalHints(const Node& e, std::vector<css::Declaration>& out) {
  if (e.ns != Namespace::kHtml) return;
  auto add = [&](std::string name, std::string_view value) {
    out.push_back({std::move(name), std::string(Trim(value)), false});
  };
  if (const std::string* bg = e.Attr("bgcolor"); bg != nullptr) add("background-color", *bg);
  if (e.Is("font")) {
    if (const std::string* color = e.Attr("color")) add("color", *color);
    if (const std::string* face = e.Attr("face")) add("font-family", *face);
    if (const std::string* size = e.Attr("size")) {
      static constexpr std::string_view kSizes[] = {"x-small", "small", "medium", "large",
                                                    "x-large", "xx-large", "xxx-large"};
      std::string_view s = Trim(*size);
      int base = 3;
      int n = 0;
      bool relative = !s.empty() && (s[0] == '+' || s[0] == '-');
      bool negative = !s.empty() && s[0] == '-';
      if (relative) s.remove_prefix(1);
      if (!s.empty() && IsAsciiDigit(s[0])) {
        n = s[0] - '0';
        int v = relative ? (negative ? base - n : base + n) : n;
        v = std::clamp(v, 1, 7);
        add("font-size", kSizes[v - 1]);
      }
    }
  }
  if (e.Is("body")) {
    if (const std::string* text = e.Attr("text")) add("color", *text);
  }
  if (const std::string* align = e.Attr("align");
      align != nullptr && e.IsAnyOf({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th",
                                     "tr", "caption"})) {
    add("text-align", *align);
  }
  // Legacy colours that are not valid CSS colours ("ff0000" without '#') still paint.
  for (css::Declaration& d : out) {
    if (IsColorProperty(d.name) && !ParseColor(d.value) && d.value.size() == 6 &&
        HexColor(d.value)) {
      d.value = "#" + d.value;
    }
  }
}

}  // namespace

void StyleResolver::Impl::LoadSheets() {
  for (const Node* style : doc.ElementsByTag("style")) {
    if (!StyleElementApplies(*style, media)) continue;
    size_t first = entries.size();
    for (css::SheetEntry& entry : css::ParseStyleSheet(style->TextContent(), media)) {
      entries.push_back(std::move(entry));
    }
    for (size_t i = first; i < entries.size(); ++i) {
      const css::SheetEntry& entry = entries[i];
      SheetRule rule;
      rule.selector = entry.prelude;
      rule.media = entry.media;
      rule.at_rule = entry.at_rule;
      rule.media_matches = entry.media_matches;
      rule.owner = style;
      for (const css::Declaration& d : entry.declarations) {
        rule.declarations.emplace_back(d.name, d.value);
        rule.important.push_back(d.important);
      }
      rules.push_back(std::move(rule));
    }
  }
  // Entries no longer move: index them.
  uint32_t order = 0;
  for (const css::SheetEntry& entry : entries) {
    ++order;
    if (!entry.at_rule.empty() || !entry.media_matches || entry.declarations.empty()) continue;
    for (css::Selector& sel : css::ParseSelectorList(entry.prelude)) {
      index.Add(std::move(sel), &entry.declarations, order);
    }
  }
}

void StyleResolver::Impl::CollectMatched(const Node& e, const css::MatchState& state,
                                         const css::AncestorFilter* ancestors,
                                         std::vector<css::Declaration>& hints,
                                         std::vector<css::Declaration>& inline_decls,
                                         std::vector<Matched>& out) const {
  std::vector<const CompiledRule*> candidates;
  candidates.reserve(16);
  Ua().index.Collect(e, candidates);
  size_t ua_count = candidates.size();
  index.Collect(e, candidates);
  for (size_t i = 0; i < candidates.size(); ++i) {
    const CompiledRule& rule = *candidates[i];
    if (!rule.selector.Matches(e, state, ancestors)) continue;
    bool ua = i < ua_count;
    for (const css::Declaration& d : *rule.declarations) {
      int level = ua ? (d.important ? 5 : 0) : (d.important ? 3 : 1);
      out.push_back({&d, level, rule.selector.specificity(), rule.order});
    }
  }
  PresentationalHints(e, hints);
  for (const css::Declaration& d : hints) out.push_back({&d, 1, 0, 0});
  if (const std::string* style = e.Attr("style"); style != nullptr) {
    inline_decls = css::ParseDeclarations(*style);
    for (const css::Declaration& d : inline_decls) {
      out.push_back({&d, d.important ? 4 : 2, 0, 0});
    }
  }
  auto before = [](const Matched& a, const Matched& b) {
    if (a.level != b.level) return a.level < b.level;
    if (a.specificity != b.specificity) return a.specificity < b.specificity;
    return a.order < b.order;
  };
  // An element matches a handful of declarations: an insertion sort (stable, as the
  // cascade needs) does not allocate the buffer std::stable_sort does for every element.
  if (out.size() > 32) {
    std::stable_sort(out.begin(), out.end(), before);
    return;
  }
  for (size_t i = 1; i < out.size(); ++i) {
    Matched moving = out[i];
    size_t j = i;
    for (; j > 0 && before(moving, out[j - 1]); --j) out[j] = out[j - 1];
    out[j] = moving;
  }
}

namespace {

// Replaces var(--x, fallback) references using the element's custom properties.
std::string SubstituteVars(std::string_view value, const ComputedStyle& s, int depth = 0) {
  if (value.find("var(") == std::string_view::npos || depth > 8) return std::string(value);
  std::string out;
  size_t i = 0;
  while (i < value.size()) {
    size_t at = value.find("var(", i);
    if (at == std::string_view::npos) {
      out.append(value.substr(i));
      break;
    }
    out.append(value.substr(i, at - i));
    size_t j = at + 4;
    int parens = 1;
    size_t comma = std::string_view::npos;
    while (j < value.size() && parens > 0) {
      if (value[j] == '(') ++parens;
      if (value[j] == ')') --parens;
      if (value[j] == ',' && parens == 1 && comma == std::string_view::npos) comma = j;
      if (parens > 0) ++j;
    }
    size_t name_end = comma == std::string_view::npos ? j : comma;
    std::string name(Trim(value.substr(at + 4, name_end - at - 4)));
    std::string_view custom = s.Get(name);
    if (!custom.empty()) {
      std::string resolved = SubstituteVars(custom, s, depth + 1);
      if (resolved.empty()) return {};  // A reference inside failed: so does this one.
      out += resolved;
    } else if (comma != std::string_view::npos) {
      out += SubstituteVars(Trim(value.substr(comma + 1, j - comma - 1)), s, depth + 1);
    } else {
      return {};  // Invalid at computed-value time: the property is unset.
    }
    i = j + 1;
    // Nested references can multiply a value exponentially: give up like a browser would.
    if (out.size() > 16384) return {};
  }
  return out;
}

void Set(ComputedStyle& s, const std::string& name, std::string value, bool author) {
  s.own.insert_or_assign(name, std::move(value));
  if (author && !s.Declared(name)) s.declared.push_back(name);
}

void SetSides(ComputedStyle& s, std::string_view prefix, std::string_view suffix,
              const std::vector<std::string_view>& values, bool author) {
  if (values.empty() || values.size() > 4) return;
  std::string_view top = values[0];
  std::string_view right = values.size() > 1 ? values[1] : top;
  std::string_view bottom = values.size() > 2 ? values[2] : top;
  std::string_view left = values.size() > 3 ? values[3] : right;
  for (auto [side, v] : {std::pair<std::string_view, std::string_view>{"top", top},
                         {"right", right},
                         {"bottom", bottom},
                         {"left", left}}) {
    Set(s, std::string(prefix) + "-" + std::string(side) + std::string(suffix), std::string(v),
        author);
  }
}

void ExpandBorderLike(ComputedStyle& s, const std::string& prefix, std::string_view value,
                      bool author, bool sides) {
  std::string style = "none", width = "medium", color = "currentcolor";
  for (std::string_view part : css::SplitComponents(value)) {
    std::string lower = ToLowerAscii(part);
    if (IsOutlineStyle(lower)) {
      style = lower;
    } else if (IsLineWidth(lower)) {
      width = lower;
    } else {
      color = std::string(part);
    }
  }
  if (!sides) {
    Set(s, prefix + "-style", style, author);
    Set(s, prefix + "-width", width, author);
    Set(s, prefix + "-color", color, author);
    return;
  }
  for (std::string_view side : {"-top", "-right", "-bottom", "-left"}) {
    Set(s, prefix + std::string(side) + "-style", style, author);
    Set(s, prefix + std::string(side) + "-width", width, author);
    Set(s, prefix + std::string(side) + "-color", color, author);
  }
  Set(s, prefix + "-style", style, author);
  Set(s, prefix + "-width", width, author);
  Set(s, prefix + "-color", color, author);
}

void ExpandBackground(ComputedStyle& s, std::string_view value, bool author) {
  std::string color = "transparent", image = "none";
  for (std::string_view part : css::SplitComponents(value)) {
    if (IsImageValue(part)) {
      image = std::string(part);
    } else if (IsColorValue(part)) {
      color = std::string(part);
    }
  }
  if (ToLowerAscii(Trim(value)) == "none") color = "transparent";
  Set(s, "background-color", color, author);
  Set(s, "background-image", image, author);
}

void ExpandFont(ComputedStyle& s, std::string_view value, bool author) {
  std::vector<std::string_view> parts = css::SplitComponents(value);
  std::string style = "normal", weight = "normal", size, line_height = "normal", family;
  size_t i = 0;
  for (; i < parts.size(); ++i) {
    std::string lower = ToLowerAscii(parts[i]);
    if (lower == "italic" || lower == "oblique") {
      style = lower;
    } else if (lower == "bold" || lower == "bolder" || lower == "lighter" ||
               (lower.size() == 3 && IsAsciiDigit(lower[0]) && lower.substr(1) == "00")) {
      weight = lower;
    } else if (lower == "normal" || lower == "small-caps" || lower.find("condensed") !=
                                                                 std::string::npos ||
               lower.find("expanded") != std::string::npos) {
      continue;
    } else {
      break;
    }
  }
  if (i >= parts.size()) return;  // A system font keyword (caption, menu...): unknown.
  size = std::string(parts[i++]);
  if (i + 1 < parts.size() && parts[i] == "/") {
    line_height = std::string(parts[i + 1]);
    i += 2;
  }
  for (; i < parts.size(); ++i) {
    if (parts[i] != "," && !family.empty()) family += ' ';
    family.append(parts[i]);
  }
  Set(s, "font-style", style, author);
  Set(s, "font-weight", weight, author);
  Set(s, "font-size", size, author);
  Set(s, "line-height", line_height, author);
  if (!family.empty()) Set(s, "font-family", family, author);
}

void ExpandTextDecoration(ComputedStyle& s, std::string_view value, bool author) {
  std::string line, style = "solid", color = "currentcolor";
  for (std::string_view part : css::SplitComponents(value)) {
    std::string lower_text = ToLowerAscii(part);
    std::string_view lower = lower_text;  // Length-first comparisons.
    if (lower == "none" || lower == "underline" || lower == "overline" ||
        lower == "line-through" || lower == "blink") {
      if (!line.empty() && lower != "none") line += ' ';
      if (lower == "none") line.clear();
      line += lower;
    } else if (lower == "solid" || lower == "double" || lower == "dotted" ||
               lower == "dashed" || lower == "wavy") {
      style = lower;
    } else if (IsColorValue(part)) {
      color = std::string(part);
    }
  }
  Set(s, "text-decoration-line", line.empty() ? "none" : line, author);
  Set(s, "text-decoration-style", style, author);
  Set(s, "text-decoration-color", color, author);
}

// Applies one declaration: CSS-wide keywords, then the value and its longhands.
void Apply(ComputedStyle& s, const ComputedStyle* parent, const css::Declaration& d,
           bool author) {
  // Compared as string_views: the length test comes first, so the long chains of
  // comparisons below rarely reach memcmp (std::string == "..." always measures and calls it).
  const std::string& name = d.name;
  const std::string_view property = name;
  std::string value = SubstituteVars(d.value, s);
  std::string lower_text = ToLowerAscii(Trim(value));
  const std::string_view lower = lower_text;
  if (value.empty() || lower == "initial" || lower == "revert" || lower == "revert-layer" ||
      (lower == "unset" && !IsInherited(name))) {
    s.own.insert_or_assign(name, std::string());  // Back to the initial value.
    if (author && !s.Declared(name)) s.declared.push_back(name);
    return;
  }
  if (lower == "inherit" || lower == "unset") {
    std::string_view inherited = parent != nullptr ? parent->Get(name) : std::string_view();
    s.own.insert_or_assign(name, std::string(inherited));
    if (author && !s.Declared(name)) s.declared.push_back(name);
    return;
  }
  if (IsColorProperty(name) && !IsColorValue(value)) return;  // Invalid: dropped.
  Set(s, name, value, author);
  if (property == "outline") {
    ExpandBorderLike(s, "outline", value, author, false);
  } else if (property == "border") {
    ExpandBorderLike(s, "border", value, author, true);
  } else if (property == "border-top" || property == "border-right" ||
             property == "border-bottom" || property == "border-left") {
    ExpandBorderLike(s, name, value, author, false);
  } else if (property == "border-width" || property == "border-style" ||
             property == "border-color") {
    std::vector<std::string_view> parts = css::SplitComponents(value);
    SetSides(s, "border", name.substr(6), parts, author);
  } else if (property == "margin" || property == "padding") {
    SetSides(s, name, "", css::SplitComponents(value), author);
  } else if (property == "background") {
    ExpandBackground(s, value, author);
  } else if (property == "font") {
    ExpandFont(s, value, author);
  } else if (property == "text-decoration") {
    ExpandTextDecoration(s, value, author);
  }
}

std::optional<Color> ResolveColor(std::string_view value, const Color& current) {
  std::string lower = ToLowerAscii(Trim(value));
  if (lower.empty()) return std::nullopt;
  if (lower == "currentcolor") return current;
  return ParseColor(lower);
}

int ResolveWeight(std::string_view value, int parent) {
  std::string lower = ToLowerAscii(Trim(value));
  if (lower.empty()) return parent;
  if (lower == "normal") return 400;
  if (lower == "bold") return 700;
  if (lower == "bolder") return parent < 350 ? 400 : parent < 550 ? 700 : 900;
  if (lower == "lighter") return parent < 100 ? parent : parent < 550 ? 100 : parent < 750 ? 400 : 700;
  char* end = nullptr;
  double v = std::strtod(lower.c_str(), &end);
  if (end == lower.c_str() || *end != '\0' || v < 1 || v > 1000) return parent;
  return static_cast<int>(v);
}

double ResolveFontSize(std::string_view value, double parent, double root) {
  std::string lower = ToLowerAscii(Trim(value));
  if (lower.empty()) return parent;
  static constexpr std::pair<std::string_view, double> kKeywords[] = {
      {"xx-small", 9},  {"x-small", 10},  {"small", 13},     {"medium", 16},
      {"large", 18},    {"x-large", 24},  {"xx-large", 32},  {"xxx-large", 48}};
  for (auto [keyword, px] : kKeywords) {
    if (lower == keyword) return px;
  }
  if (lower == "smaller") return parent / 1.2;
  if (lower == "larger") return parent * 1.2;
  css::LengthContext context{parent, root, parent};
  auto px = css::ParseLength(lower, context);
  if (!px || *px < 0) return parent;
  return *px;
}

double ResolveLineWidth(std::string_view value, double font_size, double root) {
  std::string lower = ToLowerAscii(Trim(value));
  if (lower.empty() || lower == "medium") return 3;
  if (lower == "thin") return 1;
  if (lower == "thick") return 5;
  css::LengthContext context{font_size, root, 0};
  auto px = css::ParseLength(lower, context);
  return px ? std::max(0.0, *px) : 3;
}

}  // namespace

double StyleResolver::Impl::RootFontSize(const Node& e) const {
  const Node* html = doc.html();
  if (html == nullptr || html == &e) return 16;
  const Entry* entry = cache.Find(html);
  return entry != nullptr ? entry->style->font_size_px : 16;
}

ComputedStyle StyleResolver::Impl::Compute(const Node& e, const ComputedStyle* parent,
                                           const css::MatchState& state,
                                           const css::AncestorFilter* ancestors) const {
  std::vector<css::Declaration> hints, inline_decls;
  std::vector<Matched> matched;
  CollectMatched(e, state, ancestors, hints, inline_decls, matched);
  return Cascade(e, parent, matched);
}

std::shared_ptr<const ComputedStyle> StyleResolver::Impl::ComputeShared(
    const Node& e, const ComputedStyle* parent, unsigned state, const css::MatchState& match,
    const css::AncestorFilter* ancestors) const {
  std::vector<css::Declaration> hints, inline_decls;
  std::vector<Matched> matched;
  CollectMatched(e, match, ancestors, hints, inline_decls, matched);
  // Not shared: the root (its font size is the rem), elements whose own attributes add
  // declarations (style="", presentational hints), and foreign elements (display default).
  if (parent == nullptr || !hints.empty() || !inline_decls.empty() || e.ns != Namespace::kHtml) {
    return std::make_shared<const ComputedStyle>(Cascade(e, parent, matched));
  }
  auto same = [&](const SharedStyle& shared) {
    return std::equal(shared.matched.begin(), shared.matched.end(), matched.begin(), matched.end(),
                      [](const auto& a, const Matched& b) {
                        return a.first == b.declaration && a.second == b.level;
                      });
  };
  std::vector<SharedStyle>& candidates = shared_styles[{parent, state}];
  for (const SharedStyle& shared : candidates) {
    if (same(shared)) return shared.style;
  }
  auto style = std::make_shared<const ComputedStyle>(Cascade(e, parent, matched));
  if (candidates.size() < kSharedStylesPerParent) {
    SharedStyle shared{{}, style};
    for (const Matched& m : matched) shared.matched.emplace_back(m.declaration, m.level);
    candidates.push_back(std::move(shared));
  }
  return style;
}

ComputedStyle StyleResolver::Impl::Cascade(const Node& e, const ComputedStyle* parent,
                                           const std::vector<Matched>& matched) const {
  ComputedStyle s;
  if (parent != nullptr) {
    s.inherited = parent->InheritedByChildren();
    s.color = parent->color;
    s.font_size_px = parent->font_size_px;
    s.font_weight = parent->font_weight;
    s.font_style = parent->font_style;
    s.visibility = parent->visibility;
  }
  // Custom properties first, so var() in any declaration sees the winning values.
  for (const Matched& m : matched) {
    const std::string& name = m.declaration->name;
    if (name.size() > 2 && name[0] == '-' && name[1] == '-') {
      Set(s, name, m.declaration->value, m.level != 0 && m.level != 5);
    }
  }
  for (const Matched& m : matched) {
    const std::string& name = m.declaration->name;
    if (name.size() > 2 && name[0] == '-' && name[1] == '-') continue;
    Apply(s, parent, *m.declaration, m.level != 0 && m.level != 5);
  }

  double parent_font = parent != nullptr ? parent->font_size_px : 16;
  double root = RootFontSize(e);
  // Set here, they are stored resolved (px, a number); inherited, they already are.
  s.font_size_px = ResolveFontSize(s.Get("font-size"), parent_font, root);
  if (auto it = s.own.find("font-size"); it != s.own.end() && !it->second.empty()) {
    it->second = FormatPx(s.font_size_px);
  }
  s.font_weight = ResolveWeight(s.Get("font-weight"), parent != nullptr ? parent->font_weight : 400);
  if (auto it = s.own.find("font-weight"); it != s.own.end() && !it->second.empty()) {
    it->second = std::to_string(s.font_weight);
  }
  if (std::string_view fs = s.Get("font-style"); !fs.empty()) s.font_style = ToLowerAscii(fs);
  // line-height in lengths inherits as a length; a bare number inherits as a number.
  if (std::string_view lh = s.Get("line-height"); !lh.empty() && s.Declared("line-height")) {
    css::LengthContext context{s.font_size_px, root, s.font_size_px};
    std::string lower = ToLowerAscii(lh);
    if (lower != "normal" && !css::ParseLength(lower, context, false).has_value()) {
      // A number: keep as written.
    } else if (lower != "normal") {
      s.own.insert_or_assign("line-height", FormatPx(*css::ParseLength(lower, context, false)));
    }
  }

  Color parent_color = parent != nullptr ? parent->color : Color::Black();
  if (auto c = ResolveColor(s.Get("color"), parent_color)) s.color = *c;
  if (auto c = ResolveColor(s.Get("background-color"), s.color)) s.background_color = *c;
  std::string_view image = s.Get("background-image");
  s.background_image = !image.empty() && !EqualsIgnoreCase(Trim(image), "none");

  if (std::string_view display = s.Get("display"); !display.empty()) {
    s.display = ToLowerAscii(Trim(display));
  } else if (e.ns != Namespace::kHtml) {
    s.display = "inline";
  }
  if (std::string_view v = s.Get("visibility"); !v.empty()) s.visibility = ToLowerAscii(Trim(v));
  if (std::string_view v = s.Get("opacity"); !v.empty()) {
    std::string text(Trim(v));
    bool percent = !text.empty() && text.back() == '%';
    if (percent) text.pop_back();
    char* end = nullptr;
    double o = std::strtod(text.c_str(), &end);
    if (end != text.c_str() && std::isfinite(o)) s.opacity = Clamp(percent ? o / 100 : o, 0, 1);
  }
  if (std::string_view v = s.Get("outline-style"); !v.empty()) {
    s.outline_style = ToLowerAscii(Trim(v));
  }
  s.outline_width_px = s.outline_style == "none" || s.outline_style == "hidden"
                           ? 0
                           : ResolveLineWidth(s.Get("outline-width"), s.font_size_px, root);
  s.outline_color = s.color;
  if (auto c = ResolveColor(s.Get("outline-color"), s.color)) s.outline_color = *c;
  if (auto offset = css::ParseLength(s.Get("outline-offset"), {s.font_size_px, root, 0})) {
    s.outline_offset_px = *offset;
  }
  s.box_shadow = std::string(s.Get("box-shadow"));
  if (std::string_view v = s.Get("position"); !v.empty()) s.position = ToLowerAscii(Trim(v));
  s.clip_path = std::string(s.Get("clip-path"));
  if (std::string_view v = s.Get("text-decoration-line"); !v.empty()) {
    s.text_decoration_line = ToLowerAscii(Trim(v));
  }
  return s;
}

StyleResolver::StyleResolver(const Document& doc, const MediaEnvironment& media)
    : impl_(std::make_unique<Impl>(doc, media)) {
  impl_->LoadSheets();
}

StyleResolver::~StyleResolver() = default;

const StyleResolver::Impl::Entry* StyleResolver::Impl::EntryOf(const Node& element) const {
  const Node* e = &element;
  while (e != nullptr && !e->is_element()) e = e->parent;
  if (e == nullptr) return nullptr;
  if (const Entry* cached = cache.Find(e)) return cached;
  // Compute the uncached ancestors top-down: parents first, without recursion.
  std::vector<const Node*> chain;
  for (const Node* n = e; n != nullptr && n->is_element(); n = n->parent) {
    if (cache.Find(n) != nullptr) break;
    chain.push_back(n);
  }
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const Node* n = *it;
    auto entry = std::make_unique<Entry>();
    const Entry* parent = nullptr;
    if (n->parent != nullptr && n->parent->is_element()) {
      parent = cache.Find(n->parent);
      entry->ancestors = parent->ancestors;
      entry->ancestors.Add(*n->parent);
    }
    entry->style = ComputeShared(*n, parent != nullptr ? parent->style.get() : nullptr, kNoState,
                                 {}, &entry->ancestors);
    entry->display_none_here_or_above = (parent != nullptr && parent->display_none_here_or_above) ||
                                        entry->style->display == "none";
    cache.Set(n, std::move(entry));
  }
  return cache.Find(e);
}

const ComputedStyle& StyleResolver::Of(const Node& element) const {
  const Impl::Entry* entry = impl_->EntryOf(element);
  return entry != nullptr ? *entry->style : *impl_->initial;
}

std::shared_ptr<const ComputedStyle> StyleResolver::OfInState(const Node& element,
                                                              unsigned state) const {
  const Impl::Entry* entry = impl_->EntryOf(element);
  if (entry == nullptr) return impl_->initial;
  // Where no sheet (the UA's or the page's) says :hover, hovering matches no other rule: the
  // style is the one at rest, already computed. Text contrast asks this of every link.
  if (state == kNoState || !element.is_element() ||
      (state == kHover && !Ua().index.uses_hover() && !impl_->index.uses_hover())) {
    return entry->style;
  }
  css::MatchState match;
  if ((state & (kFocus | kFocusVisible)) != 0) match.focused = &element;
  if ((state & kHover) != 0) match.hovered = &element;
  match.visited = (state & kVisited) != 0;
  std::vector<const Node*> chain;
  for (const Node* n = &element; n != nullptr && n->is_element(); n = n->parent) {
    chain.push_back(n);
  }
  // Ancestors only differ in state when a sheet has :hover / :focus-within / :visited rules
  // (the UA sheet's :link colour is on the link itself). Once an ancestor's style differs
  // from its cached one, its descendants inherit that.
  std::shared_ptr<const ComputedStyle> current;
  const ComputedStyle* parent = nullptr;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const Node* n = *it;
    bool link = (state & kVisited) != 0 && n->IsAnyOf({"a", "area"});
    const Impl::Entry& cached = *impl_->cache.Find(n);
    if (n != &element && !link && !current && !impl_->index.dynamic()) {
      parent = cached.style.get();
      continue;
    }
    if (!current) {  // The parent's style is the cached one: shareable.
      current = impl_->ComputeShared(*n, parent, state, match, &cached.ancestors);
    } else {
      current = std::make_shared<const ComputedStyle>(
          impl_->Compute(*n, parent, match, &cached.ancestors));
    }
    parent = current.get();
  }
  return current;
}

bool StyleResolver::IsDisplayNone(const Node& element) const {
  // Only the document node has element children without being an element itself, so the
  // nearest element's chain of parent elements reaches every element ancestor.
  const Node* e = &element;
  while (e != nullptr && !e->is_element()) e = e->parent;
  if (e == nullptr) return false;
  Of(*e);
  return impl_->cache.Find(e)->display_none_here_or_above;
}

bool StyleResolver::IsInvisible(const Node& element) const {
  if (IsDisplayNone(element)) return true;
  const ComputedStyle& s = Of(element);
  return s.visibility == "hidden" || s.visibility == "collapse";
}

Color StyleResolver::EffectiveBackground(const Node& element) const {
  std::vector<Color> layers;
  const Node* e = &element;
  while (e != nullptr && !e->is_element()) e = e->parent;
  for (const Node* n = e; n != nullptr && n->is_element(); n = n->parent) {
    const ComputedStyle& s = Of(*n);
    if (s.background_image || !s.background_color.known) {
      Color unknown = Color::White();
      unknown.known = false;
      return unknown;
    }
    if (!s.background_color.transparent()) layers.push_back(s.background_color);
    if (s.background_color.a >= 1) break;
    // Out of flow with a see-through background: what shows through is not its ancestors.
    if (s.position == "absolute" || s.position == "fixed") {
      Color unknown = Color::White();
      unknown.known = false;
      return unknown;
    }
  }
  Color result = Color::White();
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) result = Blend(*it, result);
  return result;
}

const std::vector<StyleResolver::SheetRule>& StyleResolver::sheet_rules() const {
  return impl_->rules;
}

std::vector<MediaEnvironment> StyleResolver::AlternativeMedia() const {
  bool width = false, contrast = false, dark = false;
  auto scan = [&](std::string_view media) {
    std::string lower = ToLowerAscii(media);
    width = width || lower.find("width") != std::string::npos;
    contrast = contrast || lower.find("prefers-contrast") != std::string::npos;
    dark = dark || lower.find("prefers-color-scheme") != std::string::npos;
  };
  for (const SheetRule& rule : impl_->rules) {
    scan(rule.media);
    if (rule.at_rule == "media") scan(rule.selector);
  }
  for (const Node* style : impl_->doc.ElementsByTag("style")) scan(style->AttrOr("media"));
  std::vector<MediaEnvironment> out;
  if (width) {
    // A phone and a tablet in portrait.
    for (double w : {320.0, 768.0}) {
      MediaEnvironment m;
      m.width = w;
      m.height = 1024;
      out.push_back(m);
    }
  }
  if (contrast) {
    MediaEnvironment m;
    m.prefers_more_contrast = true;
    out.push_back(m);
  }
  if (dark) {
    MediaEnvironment m;
    m.prefers_dark = true;
    out.push_back(m);
  }
  return out;
}

}  // namespace a11y::checks
