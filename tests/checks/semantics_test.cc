#include "checks/semantics.h"

#include <gtest/gtest.h>

namespace a11y::testing {
namespace {

using checks::Document;
using checks::Node;
using checks::Semantics;
using checks::StyleResolver;

// A parsed page with its semantics, and a lookup by id.
struct Page {
  explicit Page(std::string html)
      : doc(Document::Parse(std::move(html))),
        styles(std::make_unique<StyleResolver>(*doc)),
        sem(std::make_unique<Semantics>(*doc, *styles)) {}
  const Node& operator[](std::string_view id) const {
    const Node* n = doc->ElementById(id);
    EXPECT_NE(n, nullptr) << id;
    return *n;
  }
  std::string Name(std::string_view id) const { return sem->Name((*this)[id]); }
  std::string Role(std::string_view id) const { return std::string(sem->Role((*this)[id])); }
  std::unique_ptr<Document> doc;
  std::unique_ptr<StyleResolver> styles;
  std::unique_ptr<Semantics> sem;
};

TEST(SemanticsRoleTableTest, KnowsRolesAndAttributes) {
  const checks::RoleInfo* heading = checks::FindRole("heading");
  ASSERT_NE(heading, nullptr);
  EXPECT_TRUE(heading->name_from_content);
  EXPECT_EQ(heading->required_attributes, std::vector<std::string_view>{"aria-level"});
  ASSERT_NE(checks::FindRole("widget"), nullptr);
  EXPECT_TRUE(checks::FindRole("widget")->abstract);
  EXPECT_EQ(checks::FindRole("buton"), nullptr);
  EXPECT_TRUE(checks::FindRole("navigation")->landmark);
  EXPECT_TRUE(checks::FindRole("generic")->name_prohibited);
  EXPECT_TRUE(checks::FindRole("button")->children_presentational);
  EXPECT_EQ(checks::FindRole("listitem")->required_context,
            (std::vector<std::string_view>{"directory", "list"}));
  EXPECT_TRUE(checks::IsAriaAttribute("aria-label"));
  EXPECT_FALSE(checks::IsAriaAttribute("aria-labeledby"));
  EXPECT_TRUE(checks::IsGlobalAriaAttribute("aria-describedby"));
  EXPECT_FALSE(checks::IsGlobalAriaAttribute("aria-checked"));
  EXPECT_TRUE(checks::RoleSupportsAttribute(*checks::FindRole("checkbox"), "aria-checked"));
  EXPECT_FALSE(checks::RoleSupportsAttribute(*checks::FindRole("link"), "aria-checked"));
  EXPECT_EQ(checks::AriaAttributeType("aria-checked"), checks::AriaValueType::kTristate);
}

TEST(SemanticsRoleTest, ImplicitRolesFollowHtmlAam) {
  Page p(R"(<body><header id=h>x</header><main><header id=h2>y</header></main>
    <a id=a href=/>a</a><a id=a2>b</a><img id=i1 src=x alt=""><img id=i2 src=x alt=y>
    <section id=s1>s</section><section id=s2 aria-label=S>s</section>
    <form id=f1></form><form id=f2 aria-label=F></form>
    <input id=t><input id=c type=checkbox><input id=l list=d><input id=r type=range>
    <select id=s><option>1</select><select id=m multiple><option>1</select>
    <table id=tb><tr><th id=ch>A</th><th id=ch2>B</th></tr>
      <tr><th id=rh>r</th><td id=td>1</td></tr></table>
    <ul role=none><li id=li>x</li></ul><footer id=ft>f</footer>
    <article><footer id=ft2>g</footer></article>
    <details><summary id=sum>more</summary></details></body>)");
  EXPECT_EQ(p.Role("h"), "banner");
  EXPECT_EQ(p.Role("h2"), "generic");
  EXPECT_EQ(p.Role("a"), "link");
  EXPECT_EQ(p.Role("a2"), "generic");
  EXPECT_EQ(p.Role("i1"), "presentation");
  EXPECT_EQ(p.Role("i2"), "img");
  EXPECT_EQ(p.Role("s1"), "generic");
  EXPECT_EQ(p.Role("s2"), "region");
  EXPECT_EQ(p.Role("f1"), "generic");
  EXPECT_EQ(p.Role("f2"), "form");
  EXPECT_EQ(p.Role("t"), "textbox");
  EXPECT_EQ(p.Role("c"), "checkbox");
  EXPECT_EQ(p.Role("l"), "combobox");
  EXPECT_EQ(p.Role("r"), "slider");
  EXPECT_EQ(p.Role("s"), "combobox");
  EXPECT_EQ(p.Role("m"), "listbox");
  EXPECT_EQ(p.Role("ch"), "columnheader");
  EXPECT_EQ(p.Role("rh"), "rowheader");
  EXPECT_EQ(p.Role("td"), "cell");
  EXPECT_EQ(p.Role("li"), "none");
  EXPECT_EQ(p.Role("ft"), "contentinfo");
  EXPECT_EQ(p.Role("ft2"), "generic");
  EXPECT_EQ(p.Role("sum"), "button");
}

TEST(SemanticsRoleTest, ExplicitRoleAndPresentationalConflict) {
  Page p(R"(<div id=a role="foo button link">x</div><div id=b role="widget">x</div>
    <button id=c role=none>x</button><h2 id=d role=presentation aria-describedby=a>x</h2>
    <h2 id=e role=presentation>x</h2><img id=f alt="" tabindex=0 src=x>)");
  EXPECT_EQ(p.Role("a"), "button");
  EXPECT_EQ(p.Role("b"), "generic");
  EXPECT_EQ(p.sem->ExplicitRole(p["b"]), "");
  EXPECT_EQ(p.Role("c"), "button");
  EXPECT_EQ(p.Role("d"), "heading");
  EXPECT_EQ(p.Role("e"), "presentation");
  EXPECT_EQ(p.Role("f"), "img");
}

TEST(SemanticsHiddenTest, HiddenAndFocusable) {
  Page p(R"(<div hidden><a id=a href=/>x</a></div><div aria-hidden=true><a id=b href=/>x</a></div>
    <button id=c disabled>x</button><fieldset disabled><legend><input id=d></legend><input id=e>
    </fieldset><div id=f tabindex=-1>x</div><span id=g tabindex="2abc">y</span>
    <div style="display:none"><input id=h></div><div inert><button id=i>i</button></div>)");
  EXPECT_TRUE(p.sem->IsHidden(p["a"]));
  EXPECT_TRUE(p.sem->IsInvisible(p["a"]));
  EXPECT_FALSE(p.sem->IsFocusable(p["a"]));
  EXPECT_TRUE(p.sem->IsHidden(p["b"]));
  EXPECT_FALSE(p.sem->IsInvisible(p["b"]));
  EXPECT_TRUE(p.sem->IsFocusable(p["b"]));
  EXPECT_FALSE(p.sem->IsFocusable(p["c"]));
  EXPECT_TRUE(p.sem->IsFocusable(p["d"]));
  EXPECT_FALSE(p.sem->IsFocusable(p["e"]));
  EXPECT_TRUE(p.sem->IsFocusable(p["f"]));
  EXPECT_FALSE(p.sem->IsTabbable(p["f"]));
  EXPECT_EQ(p.sem->TabIndex(p["g"]), 2);
  EXPECT_FALSE(p.sem->IsFocusable(p["i"]));
}

TEST(SemanticsHiddenTest, ClosedDetailsShowOnlyTheirSummary) {
  Page p(R"(<details><summary id=s>More</summary><a id=a href=/>x</a></details>
    <details open><summary>Less</summary><a id=b href=/>y</a></details>
    <img src=m.png usemap=#m alt=Map><map name=m><area id=c href=/x alt=X></map>)");
  EXPECT_FALSE(p.sem->IsHidden(p["s"]));
  EXPECT_TRUE(p.sem->IsHidden(p["a"]));
  EXPECT_FALSE(p.sem->IsFocusable(p["a"]));
  EXPECT_TRUE(p.sem->IsTabbable(p["b"]));
  EXPECT_FALSE(p.sem->IsHidden(p["c"]));
  EXPECT_EQ(p.Name("c"), "X");
}

TEST(SemanticsNameTest, AriaAndHostLanguage) {
  Page p(R"(<span id=l1>First</span><span id=l2 hidden>Second</span>
    <button id=a aria-labelledby="l1 l2" aria-label=ignored>content</button>
    <button id=b aria-label="  Close  ">X</button>
    <label for=c>Email <span>address</span></label><input id=c>
    <label>Accept <input id=d type=checkbox> terms</label>
    <input id=e placeholder="Search here"><input id=f type=submit><input id=g type=reset>
    <input id=h type=image src=x alt="Go"><img id=i src=x alt="Logo">
    <a id=j href=/><img src=x alt="Home"> page</a>
    <fieldset id=k><legend>Shipping</legend></fieldset>
    <table id=t><caption>Prices</caption></table>
    <a id=m href=/ title="Tip"></a><div id=n>Not named</div>
    <a id=o href=/>Hello<span style="display:none">hidden</span></a>
    <span id=p1>Flash <input id=p2 value=on> now</span>
    <div id=p3 role=checkbox aria-labelledby=p1></div>
    <label for=q>Pick</label><select id=q><option>One<option selected>Two</select>
    <button id=r>Save<div>draft</div></button>)");
  EXPECT_EQ(p.Name("a"), "First Second");
  EXPECT_EQ(p.sem->NameSource(p["a"]), "aria-labelledby");
  EXPECT_EQ(p.Name("b"), "Close");
  EXPECT_EQ(p.Name("c"), "Email address");
  EXPECT_EQ(p.sem->NameSource(p["c"]), "label");
  EXPECT_EQ(p.Name("d"), "Accept terms");
  EXPECT_EQ(p.Name("e"), "Search here");
  EXPECT_EQ(p.sem->NameSource(p["e"]), "placeholder");
  EXPECT_EQ(p.Name("f"), "Submit");
  EXPECT_EQ(p.Name("g"), "Reset");
  EXPECT_EQ(p.Name("h"), "Go");
  EXPECT_EQ(p.Name("i"), "Logo");
  EXPECT_EQ(p.Name("j"), "Home page");
  EXPECT_EQ(p.Name("k"), "Shipping");
  EXPECT_EQ(p.Name("t"), "Prices");
  EXPECT_EQ(p.Name("m"), "Tip");
  EXPECT_EQ(p.sem->NameSource(p["m"]), "title");
  EXPECT_EQ(p.Name("n"), "");
  EXPECT_EQ(p.Name("o"), "Hello");
  EXPECT_EQ(p.Name("p3"), "Flash on now");
  EXPECT_EQ(p.Name("q"), "Pick");
  EXPECT_EQ(p.Name("r"), "Save draft");
}

TEST(SemanticsNameTest, DescriptionAndVisibleText) {
  Page p(R"(<p id=d1>Must be 8 characters</p>
    <input id=a aria-label=Password aria-describedby=d1 title=ignored>
    <button id=b title="More info">Go</button><button id=c title="Only title"></button>
    <p id=v>Hi <img src=x alt="there"><span aria-hidden=true>!</span><span hidden>no</span></p>)");
  EXPECT_EQ(p.sem->Description(p["a"]), "Must be 8 characters");
  EXPECT_EQ(p.sem->Description(p["b"]), "More info");
  EXPECT_EQ(p.sem->Description(p["c"]), "");
  EXPECT_EQ(p.sem->VisibleText(p["v"]), "Hi there!");
}

TEST(SemanticsLabelsTest, ForAndWrapping) {
  Page p(R"(<label id=l1 for=x>A</label><input id=x><label id=l2 for=x>B</label>
    <label id=l3><input id=y><input id=z></label><div id=dup></div><input id=dup>
    <label id=l4 for=dup>C</label>)");
  auto labels = p.sem->Labels(p["x"]);
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels[0], &p["l1"]);
  EXPECT_EQ(p.sem->Labels(p["y"]).size(), 1u);
  EXPECT_TRUE(p.sem->Labels(p["z"]).empty());
  const Node* second = p.doc->ElementsByTag("input").back();
  EXPECT_TRUE(p.sem->Labels(*second).empty());
}

}  // namespace
}  // namespace a11y::testing
