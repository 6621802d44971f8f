#include "checks/dom.h"

#include <gtest/gtest.h>

namespace a11y::testing {
namespace {

using checks::Document;
using checks::Node;

TEST(DomTest, KeepsSourcePositionsAndPointsAtElements) {
  auto doc = Document::Parse(
      "<!DOCTYPE html>\n<html lang=en><body>\n<div><p>a</p><p id=x>b</p>\n"
      "<p class=c>c</p></div></body></html>");
  ASSERT_NE(doc->body(), nullptr);
  EXPECT_TRUE(doc->has_doctype());
  auto paragraphs = doc->ElementsByTag("p");
  ASSERT_EQ(paragraphs.size(), 3u);
  EXPECT_EQ(paragraphs[2]->line, 4);
  EXPECT_EQ(Document::XPath(*paragraphs[2]), "/html/body/div/p[3]");
  EXPECT_EQ(doc->CssSelector(*paragraphs[1]), "#x");
  EXPECT_EQ(doc->CssSelector(*paragraphs[2]), "html > body > div > p:nth-child(3)");
  EXPECT_EQ(Document::Snippet(*paragraphs[2]), "<p class=c>");
  EXPECT_EQ(doc->ElementById("x"), paragraphs[1]);
  EXPECT_EQ(doc->html()->AttrOr("lang"), "en");
}

TEST(DomTest, ImpliedElementsHaveNoSourceAndSvgKeepsCamelCase) {
  auto doc = Document::Parse("<p>x<svg><linearGradient/></svg>");
  EXPECT_FALSE(doc->has_doctype());
  ASSERT_NE(doc->html(), nullptr);
  EXPECT_EQ(doc->html()->line, 0);
  EXPECT_EQ(Document::Snippet(*doc->html()), "<html>");
  auto svg = doc->elements().back();
  EXPECT_EQ(svg->tag, "linearGradient");
  EXPECT_EQ(svg->ns, checks::Namespace::kSvg);
}

TEST(DomTest, DeepNestingIsCappedNotQuadratic) {
  std::string html;
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "deep";
  auto doc = Document::Parse(html);
  EXPECT_NE(doc->body()->TextContent().find("deep"), std::string::npos);
  size_t depth = 0;
  for (const Node* n = doc->elements().back(); n != nullptr; n = n->parent) ++depth;
  EXPECT_LE(depth, 520u);
}

TEST(DomTest, TextHelpers) {
  EXPECT_EQ(checks::CollapseWhitespace("  a \n\t b\xC2\xA0 c  "), "a b c");
  auto tokens = checks::SplitTokens(" a  b\tc ");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[1], "b");
}

}  // namespace
}  // namespace a11y::testing
