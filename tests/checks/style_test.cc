// The CSS cascade: parsing, selectors and specificity, inheritance, !important, states,
// colours and the WCAG contrast formula.
#include "checks/style.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "checks/css_parser.h"
#include "checks/selector.h"

namespace a11y::checks {
namespace {

struct Page {
  explicit Page(std::string html) : doc(Document::Parse(std::move(html))), styles(*doc) {}
  const Node& Id(std::string_view id) const {
    const Node* n = doc->ElementById(id);
    EXPECT_NE(n, nullptr) << id;
    return *n;
  }
  const ComputedStyle& Of(std::string_view id) const { return styles.Of(Id(id)); }

  std::unique_ptr<Document> doc;
  StyleResolver styles;
};

std::string Hex(const Color& c) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", static_cast<int>(std::lround(c.r)),
                static_cast<int>(std::lround(c.g)), static_cast<int>(std::lround(c.b)));
  return buffer;
}

TEST(StyleColorTest, ParsesEveryColourSyntax) {
  EXPECT_EQ(Hex(*ParseColor("#abc")), "#aabbcc");
  EXPECT_EQ(Hex(*ParseColor("#A0B1C2")), "#a0b1c2");
  EXPECT_NEAR(ParseColor("#00000080")->a, 128.0 / 255, 1e-9);
  EXPECT_EQ(Hex(*ParseColor("rgb(255, 0, 10)")), "#ff000a");
  EXPECT_EQ(Hex(*ParseColor("rgb(100% 0% 0% / 50%)")), "#ff0000");
  EXPECT_DOUBLE_EQ(ParseColor("rgba(0,0,0,.5)")->a, 0.5);
  EXPECT_EQ(Hex(*ParseColor("hsl(120, 100%, 25%)")), "#008000");
  EXPECT_EQ(Hex(*ParseColor("hsl(0deg 0% 100%)")), "#ffffff");
  EXPECT_EQ(Hex(*ParseColor("RebeccaPurple")), "#663399");
  EXPECT_TRUE(ParseColor("transparent")->transparent());
  EXPECT_FALSE(ParseColor("color-mix(in srgb, red, blue)")->known);
  EXPECT_FALSE(ParseColor("notacolour").has_value());
  EXPECT_FALSE(ParseColor("#12").has_value());
  EXPECT_FALSE(ParseColor("rgb(1,2)").has_value());
}

TEST(StyleColorTest, ContrastFollowsTheWcagFormula) {
  EXPECT_NEAR(ContrastRatio(Color::Black(), Color::White()), 21, 1e-9);
  EXPECT_NEAR(ContrastRatio(Color::White(), Color::White()), 1, 1e-9);
  // #777 on white is the classic 4.48:1.
  EXPECT_NEAR(ContrastRatio(*ParseColor("#777"), Color::White()), 4.48, 0.01);
  EXPECT_NEAR(ContrastRatio(*ParseColor("#767676"), Color::White()), 4.54, 0.01);
  EXPECT_NEAR(RelativeLuminance(*ParseColor("#ff0000")), 0.2126, 1e-4);
}

TEST(StyleColorTest, BlendsAlphaOverAnOpaqueBackground) {
  Color half_black = *ParseColor("rgba(0,0,0,0.5)");
  Color mixed = Blend(half_black, Color::White());
  EXPECT_NEAR(mixed.r, 127.5, 1e-9);
  EXPECT_DOUBLE_EQ(mixed.a, 1);
}

TEST(StyleParseTest, ToleratesHostileSheets) {
  auto rules = css::ParseStyleSheet(
      "/* c */ p { color: red } @media screen { .a { color: blue !important } } "
      "@keyframes spin { from { opacity: 0 } to { opacity: 1 } } "
      "@font-face { font-family: X; src: url('a;b.woff') } "
      "q { content: '}' ; color: green } } } { broken ; @media print { b { color: red } }"
      " em { color: ");
  ASSERT_GE(rules.size(), 5u);
  EXPECT_EQ(rules[0].prelude, "p");
  bool saw_important = false;
  for (const auto& r : rules) {
    for (const auto& d : r.declarations) saw_important |= d.important && d.value == "blue";
  }
  EXPECT_TRUE(saw_important);
  // Deep nesting, unterminated input and a var() bomb end (how fast is for bench/).
  std::string deep(200000, '{');
  css::ParseStyleSheet(deep);
  css::ParseStyleSheet(std::string(100000, '(') + "{");
  css::ParseStyleSheet("@media " + std::string(100000, '('));
  css::ParseSelectorList(std::string(5000, ':') + "not(");
  std::string vars = "<style>:root{--a0: x x x x x x x x;";
  for (int i = 1; i < 12; ++i) {
    std::string ref = "var(--a" + std::to_string(i - 1) + ")";
    vars += "--a" + std::to_string(i) + ":" + ref + ref + ref + ref + ref + ref + ref + ref + ";";
  }
  vars += "color: var(--a11)}</style><p id=p>x</p>";
  Page bomb(vars);
  EXPECT_EQ(Hex(bomb.Of("p").color), "#000000");
}

TEST(StyleParseTest, DeclarationsKeepStringsAndImportant) {
  auto decls = css::ParseDeclarations("color: red ! IMPORTANT; content: 'a;b'; --Var: 1px;;x");
  ASSERT_EQ(decls.size(), 3u);
  EXPECT_TRUE(decls[0].important);
  EXPECT_EQ(decls[0].value, "red");
  EXPECT_EQ(decls[1].value, "'a;b'");
  EXPECT_EQ(decls[2].name, "--Var");
}

TEST(StyleParseTest, MediaQueriesAssumeADesktopScreen) {
  EXPECT_TRUE(css::MediaQueryMatches("screen"));
  EXPECT_TRUE(css::MediaQueryMatches("all and (min-width: 768px)"));
  EXPECT_FALSE(css::MediaQueryMatches("print"));
  EXPECT_FALSE(css::MediaQueryMatches("(max-width: 600px)"));
  EXPECT_TRUE(css::MediaQueryMatches("print, screen"));
  EXPECT_FALSE(css::MediaQueryMatches("(prefers-reduced-motion: reduce)"));
  EXPECT_FALSE(css::MediaQueryMatches("(prefers-contrast: more)"));
  EXPECT_TRUE(css::MediaQueryMatches("not print"));
  EXPECT_TRUE(css::MediaQueryMatches("(width >= 1000px)"));
}

TEST(StyleParseTest, LengthsResolve) {
  css::LengthContext c{20, 10, 200};
  EXPECT_DOUBLE_EQ(*css::ParseLength("1.5em", c), 30);
  EXPECT_DOUBLE_EQ(*css::ParseLength("2rem", c), 20);
  EXPECT_DOUBLE_EQ(*css::ParseLength("12pt", c), 16);
  EXPECT_DOUBLE_EQ(*css::ParseLength("50%", c), 100);
  EXPECT_DOUBLE_EQ(*css::ParseLength("calc(1rem + 2px * 3)", c), 16);
  EXPECT_DOUBLE_EQ(*css::ParseLength("clamp(12px, 0.5em, 14px)", c), 12);
  EXPECT_FALSE(css::ParseLength("12", c).has_value());
  EXPECT_FALSE(css::ParseLength("red", c).has_value());
}

TEST(StyleSelectorTest, MatchesAndRanksSelectors) {
  Page page(R"(<ul id="list" class="nav main"><li id="one" lang="en-GB" data-x="a b">1</li>
    <li id="two" class="on">2</li><li id="three">3</li></ul><p id="p"></p>)");
  auto matches = [&](std::string_view selector, std::string_view id) {
    auto list = css::ParseSelectorList(selector);
    for (const auto& s : list) {
      if (s.Matches(page.Id(id))) return true;
    }
    return false;
  };
  EXPECT_TRUE(matches("ul.nav > li:first-child", "one"));
  EXPECT_TRUE(matches("#list li", "three"));
  EXPECT_TRUE(matches("li + li.on", "two"));
  EXPECT_TRUE(matches("li.on ~ li", "three"));
  EXPECT_TRUE(matches("li:nth-child(2n+1)", "three"));
  EXPECT_FALSE(matches("li:nth-child(2n+1)", "two"));
  EXPECT_TRUE(matches("li:last-child", "three"));
  EXPECT_TRUE(matches("[lang|=en]", "one"));
  EXPECT_TRUE(matches("[data-x~=b]", "one"));
  EXPECT_TRUE(matches("[data-x^=a][data-x$=b][data-x*=' ']", "one"));
  EXPECT_TRUE(matches("li:not(.on, #one)", "three"));
  EXPECT_TRUE(matches(":root > body ul *", "one"));
  EXPECT_TRUE(matches("p:empty", "p"));
  EXPECT_FALSE(matches("li::before", "one"));
  EXPECT_FALSE(matches("li:hover", "one"));
  EXPECT_FALSE(matches("li:bogus, li", "one"));  // An invalid list matches nothing.
  EXPECT_TRUE(matches("li:has(a), li", "one"));  // Unsupported but valid: the rest apply.
  EXPECT_EQ(css::ParseSelectorList("#a .b c")[0].specificity(), (1u << 20) | (1u << 10) | 1u);
  EXPECT_EQ(css::ParseSelectorList(":where(#a) c")[0].specificity(), 1u);
  EXPECT_EQ(css::ParseSelectorList(":not(#a) c")[0].specificity(), (1u << 20) | 1u);
}

TEST(StyleCascadeTest, SpecificityOrderImportantAndInline) {
  Page page(R"(<style>
    #x { color: #010101 } .c { color: #020202 } p { color: #030303 !important }
    .d { color: #040404 } .d { color: #050505 }
    #y { color: #060606 }
  </style>
  <p id="x" class="c">a</p><div id="z" class="d">b</div>
  <div id="y" style="color: #070707">c</div><div id="w" style="color: red !important">d</div>)");
  EXPECT_EQ(Hex(page.Of("x").color), "#030303");
  EXPECT_EQ(Hex(page.Of("z").color), "#050505");
  EXPECT_EQ(Hex(page.Of("y").color), "#070707");
  EXPECT_EQ(Hex(page.Of("w").color), "#ff0000");
  EXPECT_TRUE(page.Of("y").Declared("color"));
  EXPECT_FALSE(page.Of("x").Declared("background-color"));
}

TEST(StyleCascadeTest, InheritanceFontSizesAndWeights) {
  Page page(R"(<html style="font-size: 20px"><body><style>
    .big { font-size: 1.5em } .rem { font-size: 2rem } .pct { font-size: 50% }
    .pt { font-size: 12pt } section { color: green; font: italic bold 10px/2 serif }
    .lighter { font-weight: lighter }
  </style><div class="big"><span id="a">x</span><span id="b" class="pct">y</span></div>
  <div id="c" class="rem"></div><div id="d" class="pt"></div>
  <section><h1 id="h">T</h1><p id="p" class="lighter">p</p></section>
  <strong id="s">s</strong><h2 id="h2"><b id="b2">x</b></h2></body></html>)");
  EXPECT_DOUBLE_EQ(page.Of("a").font_size_px, 30);
  EXPECT_DOUBLE_EQ(page.Of("b").font_size_px, 15);
  EXPECT_DOUBLE_EQ(page.Of("c").font_size_px, 40);
  EXPECT_DOUBLE_EQ(page.Of("d").font_size_px, 16);
  EXPECT_DOUBLE_EQ(page.Of("h").font_size_px, 20);
  EXPECT_EQ(page.Of("h").font_weight, 700);
  EXPECT_EQ(page.Of("h").font_style, "italic");
  EXPECT_EQ(Hex(page.Of("h").color), "#008000");
  EXPECT_EQ(page.Of("p").font_weight, 400);  // lighter than 700.
  EXPECT_EQ(page.Of("s").font_weight, 700);
  EXPECT_DOUBLE_EQ(page.Of("h2").font_size_px, 30);
  EXPECT_EQ(page.Of("b2").font_weight, 900);
}

TEST(StyleCascadeTest, UaDefaultsDisplayAndLinks) {
  Page page(R"(<div id="d"><span id="s">x</span><a id="a" href="/">l</a><a id="n">n</a>
    <p id="h" hidden>h</p><input id="i" type="hidden"><button id="btn">b</button></div>
    <style>.show[hidden] { display: block }</style><p id="shown" class="show" hidden>s</p>)");
  EXPECT_EQ(page.Of("d").display, "block");
  EXPECT_EQ(page.Of("s").display, "inline");
  EXPECT_EQ(Hex(page.Of("a").color), "#0000ee");
  EXPECT_EQ(page.Of("a").text_decoration_line, "underline");
  EXPECT_EQ(Hex(page.Of("n").color), "#000000");
  EXPECT_TRUE(page.styles.IsDisplayNone(page.Id("h")));
  EXPECT_TRUE(page.styles.IsDisplayNone(page.Id("i")));
  EXPECT_FALSE(page.styles.IsDisplayNone(page.Id("shown")));
  EXPECT_EQ(Hex(page.styles.EffectiveBackground(page.Id("btn"))), "#efefef");
}

TEST(StyleCascadeTest, FocusAndHoverStates) {
  Page page(R"(<style>
    a:focus { outline: none } .k:focus-visible { outline: 3px dashed #f00 }
    li:focus-within { font-weight: 900 } a:hover { color: #222222 }
  </style><ul><li id="li"><a id="a" href="#">a</a><a id="k" class="k" href="#">k</a></li></ul>
  <button id="b">b</button>)");
  const Node& a = page.Id("a");
  EXPECT_EQ(page.styles.Of(a).outline_style, "none");
  EXPECT_EQ(page.styles.OfInState(a, kFocus)->outline_style, "none");
  ComputedStyle k = *page.styles.OfInState(page.Id("k"), kFocus);
  EXPECT_EQ(k.outline_style, "dashed");
  EXPECT_DOUBLE_EQ(k.outline_width_px, 3);
  EXPECT_EQ(Hex(k.outline_color), "#ff0000");
  EXPECT_EQ(k.font_weight, 900);  // Inherited from li:focus-within.
  ComputedStyle b = *page.styles.OfInState(page.Id("b"), kFocus);
  EXPECT_EQ(b.outline_style, "auto");
  EXPECT_DOUBLE_EQ(b.outline_width_px, 1);
  EXPECT_EQ(Hex(page.styles.OfInState(a, kHover)->color), "#222222");
  EXPECT_EQ(page.styles.Of(page.Id("b")).outline_style, "none");
}

// Elements share one computed style when their parents' styles and the declarations they
// match are the same; everything that tells them apart must still tell them apart.
TEST(StyleCascadeTest, ElementsShareAStyleOnlyWhenTheCascadeCannotTellThemApart) {
  Page page(R"(<style>
    .a { background-color: #eeeeee } .b { color: #ff0000 } p:first-child { font-weight: 700 }
    .box { color: #123456 } .other { color: #0000ff } .x:focus { color: #00aa00 }
  </style>
  <div class="box" id="d1"><p class="a" id="p1">1</p><p class="a" id="p2">2</p>
    <p class="a" id="p3" style="color: #00ff00">3</p><p class="b" id="p4">4</p>
    <p class="a" id="p5" align="center">5</p><p class="a" id="p6">6</p></div>
  <div class="box" id="d2"><span>x</span><p class="a" id="q2">2</p></div>
  <div class="other" id="d3"><span>x</span><p class="a" id="r2">2</p></div>
  <div class="box"><a class="x" id="x1" href="#">x</a><a class="x" id="x2" href="#">y</a></div>)");
  auto shared = [&](std::string_view a, std::string_view b) {
    return page.styles.OfInState(page.Id(a), kNoState) ==
           page.styles.OfInState(page.Id(b), kNoState);
  };
  EXPECT_EQ(page.Of("p1").font_weight, 700);  // :first-child matched only here.
  EXPECT_EQ(page.Of("p2").font_weight, 400);
  EXPECT_EQ(Hex(page.Of("p2").color), "#123456");
  EXPECT_EQ(Hex(page.Of("p2").background_color), "#eeeeee");
  EXPECT_EQ(Hex(page.Of("p3").color), "#00ff00");  // style="" is its own.
  EXPECT_EQ(Hex(page.Of("p4").color), "#ff0000");
  EXPECT_EQ(page.Of("p5").Get("text-align"), "center");  // A presentational attribute.
  EXPECT_EQ(page.Of("p6").Get("text-align"), "");
  EXPECT_EQ(Hex(page.Of("r2").color), "#0000ff");  // Same rules, another parent colour.
  EXPECT_TRUE(shared("p2", "p6"));
  EXPECT_TRUE(shared("p2", "q2"));  // Cousins whose parents share a style.
  EXPECT_FALSE(shared("p1", "p2"));
  EXPECT_FALSE(shared("p2", "p3"));
  EXPECT_FALSE(shared("p2", "p5"));
  EXPECT_FALSE(shared("p2", "r2"));
  // A page whose state rules can restyle ancestors computes each focused chain anew.
  auto x1 = page.styles.OfInState(page.Id("x1"), kFocus);
  EXPECT_EQ(Hex(x1->color), "#00aa00");
  EXPECT_EQ(Hex(page.styles.OfInState(page.Id("x2"), kFocus)->color), "#00aa00");
  EXPECT_NE(Hex(page.Of("x1").color), "#00aa00");

  // Otherwise states share too: both links focused look alike, and unlike at rest.
  Page plain(R"(<p><a id="y1" href="#">a</a> <a id="y2" href="#">b</a></p>)");
  auto y1 = plain.styles.OfInState(plain.Id("y1"), kFocus | kFocusVisible);
  EXPECT_EQ(y1->outline_style, "auto");
  EXPECT_EQ(plain.Of("y1").outline_style, "none");
  EXPECT_EQ(y1, plain.styles.OfInState(plain.Id("y2"), kFocus | kFocusVisible));
}

TEST(StyleCascadeTest, ShorthandsVariablesAndCurrentColor) {
  Page page(R"(<style>
    :root { --fg: #123456; --bg: var(--missing, #fedcba) }
    .v { color: var(--fg); background: var(--bg) url(x.png) no-repeat }
    .o { outline: 2px solid; color: #00ff00; border: 1px dotted currentColor }
    .cc { background-color: currentColor; color: #0000ff }
    .bad { color: #333; color: nonsense }
  </style><div id="v" class="v">v</div><div id="o" class="o">o</div>
  <div id="cc" class="cc">c</div><div id="bad" class="bad">b</div>)");
  EXPECT_EQ(Hex(page.Of("v").color), "#123456");
  EXPECT_EQ(Hex(page.Of("v").background_color), "#fedcba");
  EXPECT_TRUE(page.Of("v").background_image);
  EXPECT_EQ(page.Of("o").outline_style, "solid");
  EXPECT_DOUBLE_EQ(page.Of("o").outline_width_px, 2);
  EXPECT_EQ(Hex(page.Of("o").outline_color), "#00ff00");
  EXPECT_EQ(page.Of("o").Get("border-top-style"), "dotted");
  EXPECT_EQ(Hex(page.Of("cc").background_color), "#0000ff");
  EXPECT_EQ(Hex(page.Of("bad").color), "#333333");
}

TEST(StyleCascadeTest, MediaAndEffectiveBackground) {
  Page page(R"(<style media="print">p { color: red }</style>
  <style>
    @media (max-width: 500px) { #m { color: #ff0000 } }
    @media screen and (min-width: 500px) { #m { background: #000 } }
    .half { background-color: rgba(255, 0, 0, 0.5) }
    .img { background-image: linear-gradient(red, blue) }
  </style>
  <body style="background: #000080"><p id="m">m</p><div class="half"><p id="h">h</p></div>
  <div class="img"><p id="g">g</p></div></body>)");
  EXPECT_EQ(Hex(page.Of("m").color), "#000000");
  EXPECT_EQ(Hex(page.styles.EffectiveBackground(page.Id("m"))), "#000000");
  Color h = page.styles.EffectiveBackground(page.Id("h"));
  EXPECT_TRUE(h.known);
  EXPECT_EQ(Hex(h), "#800040");
  EXPECT_FALSE(page.styles.EffectiveBackground(page.Id("g")).known);
  EXPECT_GE(page.styles.sheet_rules().size(), 4u);
}

// Deep nesting and many rules are resolved (how fast is for bench/, not a test's pass
// condition).
TEST(StyleCascadeTest, ManyElementsAndDeepNestingAreResolved) {
  std::string html = "<style>";
  for (int i = 0; i < 300; ++i) {
    html += ".c" + std::to_string(i) + " div span { color: #" + std::to_string(100 + i % 800) +
            " } ";
  }
  html += "div div div div div div div div div div p { color: red }</style>";
  for (int i = 0; i < 200; ++i) html += "<div class='c" + std::to_string(i) + "'>";
  html += "<p id='deep'>x</p>";
  for (int i = 0; i < 2000; ++i) html += "<span class='c1'>t</span>";
  Page page(html);
  for (const Node* e : page.doc->elements()) page.styles.Of(*e);
  EXPECT_EQ(Hex(page.Of("deep").color), "#ff0000");
}

}  // namespace
}  // namespace a11y::checks
