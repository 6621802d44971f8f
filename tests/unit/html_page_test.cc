// ParseHtmlPage (links, title, base, robots and refresh directives, hostile markup),
// IsHtmlContentType and DocumentTypeOf.
#include "discovery/html_page.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace a11y {
namespace {

std::vector<std::string> Hrefs(const HtmlPage& page) {
  std::vector<std::string> hrefs;
  for (const HtmlLink& link : page.links) hrefs.push_back(link.href);
  return hrefs;
}

// ----------------------------------------------------------------------------------------
// Links.

TEST(ParseHtmlPageTest, CollectsEveryLinkKindInDocumentOrder) {
  HtmlPage page = ParseHtmlPage(R"(<!doctype html><html><head><title>T</title></head><body>
      <a href="/a">First</a>
      <map name="m"><area href="/area" alt="Region one"><area alt="no href"></map>
      <iframe src="/frame.html">fallback text</iframe>
      <a name="anchor-only">not a link</a>
      <a href="https://other.example/b?x=1&amp;y=2">Second</a>
      </body></html>)");
  EXPECT_EQ(Hrefs(page), (std::vector<std::string>{"/a", "/area", "/frame.html",
                                                   "https://other.example/b?x=1&y=2"}));
  ASSERT_EQ(page.links.size(), 4u);
  EXPECT_EQ(page.links[0].text, "First");
  EXPECT_EQ(page.links[1].text, "Region one");  // An area's text is its alt.
  EXPECT_EQ(page.links[2].text, "");            // An iframe's fallback is not its text.
  EXPECT_EQ(page.links[3].text, "Second");
  for (const HtmlLink& link : page.links) EXPECT_FALSE(link.nofollow) << link.href;
}

TEST(ParseHtmlPageTest, CollectsFramesetFrames) {
  HtmlPage page = ParseHtmlPage(
      "<html><frameset cols='50%,50%'><frame src='left.html'><frame src='right.html'>"
      "<frame name='no-src'></frameset></html>");
  EXPECT_EQ(Hrefs(page), (std::vector<std::string>{"left.html", "right.html"}));
}

TEST(ParseHtmlPageTest, KeepsHrefAsWrittenButDecoded) {
  HtmlPage page =
      ParseHtmlPage("<a href='../up/x.html#frag'>1</a><a href=''>2</a><a href='caf&eacute;'>3</a>");
  EXPECT_EQ(Hrefs(page), (std::vector<std::string>{"../up/x.html#frag", "", "caf\u00e9"}));
}

TEST(ParseHtmlPageTest, BaseHrefIsTheFirstBaseWithAnHref) {
  HtmlPage page =
      ParseHtmlPage("<head><base target=_blank><base href='/docs/'><base href='/ignored/'></head>");
  ASSERT_TRUE(page.base_href.has_value());
  EXPECT_EQ(*page.base_href, "/docs/");
  EXPECT_FALSE(ParseHtmlPage("<head><base target=_top></head>").base_href.has_value());
}

TEST(ParseHtmlPageTest, NofollowIsACaseInsensitiveRelToken) {
  HtmlPage page = ParseHtmlPage(
      "<a href=1 rel='NoFollow noopener'>a</a>"
      "<a href=2 rel='external\tnofollow'>b</a>"
      "<a href=3 rel='nofollower'>c</a>"
      "<a href=4 rel='noopener'>d</a>"
      "<a href=5>e</a>"
      "<map><area href=6 rel=nofollow alt=f></map>");
  ASSERT_EQ(page.links.size(), 6u);
  EXPECT_TRUE(page.links[0].nofollow);
  EXPECT_TRUE(page.links[1].nofollow);
  EXPECT_FALSE(page.links[2].nofollow);
  EXPECT_FALSE(page.links[3].nofollow);
  EXPECT_FALSE(page.links[4].nofollow);
  EXPECT_TRUE(page.links[5].nofollow);
}

TEST(ParseHtmlPageTest, LinkTextIsCollapsedDescendantTextWithImageAlt) {
  HtmlPage page = ParseHtmlPage(
      "<a href=/x>\n   Hello\t<b>big</b>\n\n  <i>wide</i>   world"
      "<img src=l.png alt='Site logo'><script>var no = 1;</script><style>p{}</style> </a>"
      "<a href=/y><img src=i.png alt='Only an image'></a>"
      "<a href=/z>   </a>");
  ASSERT_EQ(page.links.size(), 3u);
  EXPECT_EQ(page.links[0].text, "Hello big wide world Site logo");
  EXPECT_EQ(page.links[1].text, "Only an image");
  EXPECT_EQ(page.links[2].text, "");
}

TEST(ParseHtmlPageTest, LinkTextIsCutAt200BytesOnACharacterBoundary) {
  std::string two_byte_chars;
  for (int i = 0; i < 150; ++i) two_byte_chars += "\u00e9";  // 300 bytes.
  HtmlPage page =
      ParseHtmlPage("<a href=1>" + two_byte_chars + "</a><a href=2>a" + two_byte_chars + "</a>");
  ASSERT_EQ(page.links.size(), 2u);
  EXPECT_EQ(page.links[0].text, two_byte_chars.substr(0, 200));
  // 'a' plus 99 two-byte characters is 199 bytes; the 100th would straddle the cut, so it
  // goes whole (the exact match also proves no half character is left).
  EXPECT_EQ(page.links[1].text, "a" + two_byte_chars.substr(0, 198));
}

TEST(ParseHtmlPageTest, TemplateContentAndSvgLinksAreNotCollected) {
  HtmlPage page = ParseHtmlPage(
      "<template><a href=/inert>x</a></template>"
      "<svg><a href=/svg><text>s</text></a><title>svg tooltip</title></svg>"
      "<a href=/real>r</a>");
  EXPECT_EQ(Hrefs(page), (std::vector<std::string>{"/real"}));
  EXPECT_EQ(page.title, "");
}

TEST(ParseHtmlPageTest, StopsAtTenThousandLinks) {
  std::string html;
  for (int i = 0; i < 10'050; ++i) html += "<a href=/" + std::to_string(i) + ">" + "l</a>";
  html += "<title>After the links</title>";
  HtmlPage page = ParseHtmlPage(html);
  ASSERT_EQ(page.links.size(), 10'000u);
  EXPECT_EQ(page.links.front().href, "/0");
  EXPECT_EQ(page.links.back().href, "/9999");
  EXPECT_EQ(page.title, "After the links");  // The walk goes on for the rest.
}

// ----------------------------------------------------------------------------------------
// Title.

TEST(ParseHtmlPageTest, TitleWhitespaceIsCollapsedAndTrimmed) {
  HtmlPage page = ParseHtmlPage("<title>\n   My \t  Page\n &amp; More  </title>");
  EXPECT_EQ(page.title, "My Page & More");
}

TEST(ParseHtmlPageTest, TitleIsTheFirstOneEvenInTheBody) {
  EXPECT_EQ(ParseHtmlPage("<title>One</title><title>Two</title>").title, "One");
  EXPECT_EQ(ParseHtmlPage("<body><p>x<title>In body</title></p>").title, "In body");
  EXPECT_EQ(ParseHtmlPage("<p>no title</p>").title, "");
}

TEST(ParseHtmlPageTest, TitleIsCutAt1000Bytes) {
  HtmlPage page = ParseHtmlPage("<title>" + std::string(3000, 'x') + "</title>");
  EXPECT_EQ(page.title, std::string(1000, 'x'));
}

// ----------------------------------------------------------------------------------------
// Meta refresh and robots.

struct RefreshCase {
  std::string content;
  std::optional<std::string> url;
};

// The value as a double-quoted attribute, so the cases can hold both kinds of quote.
std::string QuotedAttribute(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') {
      out += "&quot;";
    } else if (c == '&') {
      out += "&amp;";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

TEST(ParseHtmlPageTest, MetaRefreshUrlVariants) {
  const std::vector<RefreshCase> cases = {
      {"5; url=/x", "/x"},
      {"0;URL=/y", "/y"},
      {"0; Url = '/quoted'", "/quoted"},
      {"0; url=\"/dq\" trailing", "/dq"},
      {"  3 ,  url=/comma  ", "/comma"},
      {"1.5; url=/fraction", "/fraction"},
      {"0;url=http://example.com/a?b=c&d=e", "http://example.com/a?b=c&d=e"},
      {"5; /no-prefix", "/no-prefix"},  // The spec reads the rest as the URL.
      {"5", std::nullopt},              // Only a reload.
      {"5;", std::nullopt},
      {"0; url=", std::nullopt},
      {"soon; url=/x", std::nullopt},  // No delay: not a refresh.
      {"", std::nullopt},
  };
  for (const RefreshCase& c : cases) {
    HtmlPage page =
        ParseHtmlPage("<head><meta http-equiv=Refresh content=" + QuotedAttribute(c.content) + ">");
    EXPECT_EQ(page.meta_refresh_url, c.url) << "content: " << c.content;
  }
}

TEST(ParseHtmlPageTest, FirstValidMetaRefreshWins) {
  HtmlPage page = ParseHtmlPage(
      "<meta http-equiv=refresh content='bogus'>"
      "<meta http-equiv=REFRESH content='1; url=/first'>"
      "<meta http-equiv=refresh content='0; url=/second'>");
  EXPECT_EQ(page.meta_refresh_url, "/first");
  // A refresh without a URL still counts as the page's one refresh.
  page = ParseHtmlPage(
      "<meta http-equiv=refresh content='30'><meta http-equiv=refresh content='0;url=/b'>");
  EXPECT_EQ(page.meta_refresh_url, std::nullopt);
  // Only http-equiv=refresh: a name=refresh meta means nothing.
  EXPECT_EQ(ParseHtmlPage("<meta name=refresh content='0;url=/c'>").meta_refresh_url, std::nullopt);
}

struct RobotsCase {
  std::string name;
  std::string content;
  bool noindex;
  bool nofollow;
};

TEST(ParseHtmlPageTest, MetaRobotsVariants) {
  const std::vector<RobotsCase> cases = {
      {"robots", "noindex, nofollow", true, true},
      {"robots", "NOINDEX", true, false},
      {"ROBOTS", "NoFollow", false, true},
      {"robots", "none", true, true},
      {"robots", "index,follow", false, false},
      {"robots", "noindex,nofollow", true, true},
      {"robots", " noarchive  noindex ", true, false},
      {"robots", "noindexed, nofollowing", false, false},
      {"googlebot", "noindex, nofollow", false, false},
      {"description", "none", false, false},
  };
  for (const RobotsCase& c : cases) {
    HtmlPage page = ParseHtmlPage("<meta name='" + c.name + "' content='" + c.content + "'>");
    EXPECT_EQ(page.meta_noindex, c.noindex) << c.name << ": " << c.content;
    EXPECT_EQ(page.meta_nofollow, c.nofollow) << c.name << ": " << c.content;
  }
}

TEST(ParseHtmlPageTest, SeveralRobotsMetasCombine) {
  HtmlPage page =
      ParseHtmlPage("<meta name=robots content=noindex><meta name=robots content=nofollow>");
  EXPECT_TRUE(page.meta_noindex);
  EXPECT_TRUE(page.meta_nofollow);
}

// ----------------------------------------------------------------------------------------
// Malformed and hostile markup.

TEST(ParseHtmlPageTest, UnclosedTagsStillYieldLinks) {
  HtmlPage page = ParseHtmlPage(
      "<html><body><div><p><a href=/a>one<div><a href=/b>two<table><tr><td><a href=/c>three");
  EXPECT_EQ(Hrefs(page), (std::vector<std::string>{"/a", "/b", "/c"}));
}

TEST(ParseHtmlPageTest, StrayEndTagsAreIgnored) {
  HtmlPage page = ParseHtmlPage("before</a></div></p><a href=/c>c</a></a>after");
  ASSERT_EQ(page.links.size(), 1u);
  EXPECT_EQ(page.links[0].href, "/c");
  EXPECT_EQ(page.links[0].text, "c");
}

TEST(ParseHtmlPageTest, NestedAnchorsAreSplitAsBrowsersDo) {
  HtmlPage page = ParseHtmlPage("<a href=/outer>one <a href=/inner>two</a> three</a>");
  ASSERT_EQ(page.links.size(), 2u);
  EXPECT_EQ(page.links[0].href, "/outer");
  EXPECT_EQ(page.links[0].text, "one");
  EXPECT_EQ(page.links[1].href, "/inner");
  EXPECT_EQ(page.links[1].text, "two");
}

TEST(ParseHtmlPageTest, UnterminatedAttributesAndCommentsDoNotCrash) {
  HtmlPage page = ParseHtmlPage("<a href=\"/open>text <!-- never closed <a href=/x>");
  EXPECT_TRUE(page.links.empty());
  page = ParseHtmlPage(std::string("<a href=/nul>a\0b</a>", 19));
  ASSERT_EQ(page.links.size(), 1u);
  EXPECT_EQ(page.links[0].href, "/nul");
}

TEST(ParseHtmlPageTest, HundredThousandNestedDivsParseQuickly) {
  constexpr int kDepth = 100'000;
  std::string html = "<title>Deep</title>";
  html.reserve(kDepth * 11 + 100);
  for (int i = 0; i < kDepth; ++i) html += "<div>";
  html += "<a href=/bottom>Bottom</a>";
  for (int i = 0; i < kDepth; ++i) html += "</div>";
  html += "<a href=/after>After</a>";
  auto start = std::chrono::steady_clock::now();
  HtmlPage page = ParseHtmlPage(html);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(page.title, "Deep");
  EXPECT_EQ(Hrefs(page), (std::vector<std::string>{"/bottom", "/after"}));
  // Without the depth cap gumbo needs ~16 s here (its scope checks are O(depth)); with it,
  // well under a second. The bound is loose for sanitizer builds on a busy machine.
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

TEST(ParseHtmlPageTest, DeepUnclosedNestingOfManyKindsParses) {
  std::string html;
  for (int i = 0; i < 30'000; ++i) html += "<span><b><ul><section>";
  html += "<a href=/deep>Deep</a>";
  HtmlPage page = ParseHtmlPage(html);
  EXPECT_EQ(Hrefs(page), (std::vector<std::string>{"/deep"}));
}

TEST(ParseHtmlPageTest, ManyOpenFormattingElementsDoNotMultiply) {
  // Each <p> would re-create every <b> still remembered: 10,000 of them make 50 million
  // elements (~13 s) without the cap on open formatting elements.
  std::string html;
  for (int i = 0; i < 10'000; ++i) html += "<b id=" + std::to_string(i) + "><p>x";
  html += "<a href=/end>The <i>end</i></a>";
  auto start = std::chrono::steady_clock::now();
  HtmlPage page = ParseHtmlPage(html);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(page.links.size(), 1u);
  EXPECT_EQ(page.links[0].href, "/end");
  EXPECT_EQ(page.links[0].text, "The end");
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

TEST(ParseHtmlPageTest, ContentPastTheDepthCapKeepsItsLinksAndText) {
  // Every level holds a link; the levels past the cap are flattened, not dropped.
  constexpr int kDepth = 2'000;
  std::string html;
  for (int i = 0; i < kDepth; ++i) {
    html += "<div class='level'><a href=/" + std::to_string(i) + ">L" + std::to_string(i) +
            " <em>x</em></a>";
  }
  for (int i = 0; i < kDepth; ++i) html += "</div>";
  html += "<a href=/end>end</a>";
  HtmlPage page = ParseHtmlPage(html);
  ASSERT_EQ(page.links.size(), static_cast<size_t>(kDepth + 1));
  for (int i = 0; i < kDepth; ++i) {
    EXPECT_EQ(page.links[i].href, "/" + std::to_string(i));
    EXPECT_EQ(page.links[i].text, "L" + std::to_string(i) + " x");
  }
  EXPECT_EQ(page.links.back().href, "/end");
}

TEST(ParseHtmlPageTest, DepthModelSkipsMarkupInsideScriptsAndComments) {
  // Thousands of "<div>" inside a script, a comment and an attribute are not elements; the
  // page must come through unchanged, so the real <div> structure stays intact.
  std::string fake;
  for (int i = 0; i < 3'000; ++i) fake += "<div>";
  HtmlPage page = ParseHtmlPage("<script>var s = '" + fake + "';</script><!-- " + fake +
                                " --><p title='" + fake + "'><a href=/ok>ok</a></p>");
  ASSERT_EQ(page.links.size(), 1u);
  EXPECT_EQ(page.links[0].text, "ok");
}

// ----------------------------------------------------------------------------------------
// Content types and document types.

TEST(IsHtmlContentTypeTest, HtmlAndXhtmlOnly) {
  EXPECT_TRUE(IsHtmlContentType("text/html"));
  EXPECT_TRUE(IsHtmlContentType("TEXT/HTML; charset=utf-8"));
  EXPECT_TRUE(IsHtmlContentType("  application/xhtml+xml ;q=1"));
  EXPECT_FALSE(IsHtmlContentType("text/plain"));
  EXPECT_FALSE(IsHtmlContentType("text/htmlx"));
  EXPECT_FALSE(IsHtmlContentType("application/pdf"));
  EXPECT_FALSE(IsHtmlContentType(""));
}

TEST(DocumentTypeOfTest, KnownExtensionsCaseInsensitive) {
  EXPECT_EQ(DocumentTypeOf("/files/report.pdf"), "pdf");
  EXPECT_EQ(DocumentTypeOf("/files/Report.PDF"), "pdf");
  EXPECT_EQ(DocumentTypeOf("/a/b.DocX"), "docx");
  for (const char* ext :
       {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "epub"}) {
    EXPECT_EQ(DocumentTypeOf(std::string("/x.") + ext), ext);
  }
}

TEST(DocumentTypeOfTest, QueryFragmentAndPathParametersAreIgnored) {
  EXPECT_EQ(DocumentTypeOf("/x.xlsx?download=1"), "xlsx");
  EXPECT_EQ(DocumentTypeOf("/book.epub#chapter2"), "epub");
  EXPECT_EQ(DocumentTypeOf("/report.pdf;jsessionid=ABC"), "pdf");
  EXPECT_EQ(DocumentTypeOf("/page?file=report.pdf"), std::nullopt);
}

TEST(DocumentTypeOfTest, OtherPathsAreNotDocuments) {
  EXPECT_EQ(DocumentTypeOf("/index.html"), std::nullopt);
  EXPECT_EQ(DocumentTypeOf("/pdf"), std::nullopt);
  EXPECT_EQ(DocumentTypeOf("/docs.pdf/page"), std::nullopt);
  EXPECT_EQ(DocumentTypeOf("/archive.pdf.zip"), std::nullopt);
  EXPECT_EQ(DocumentTypeOf("/file."), std::nullopt);
  EXPECT_EQ(DocumentTypeOf("/"), std::nullopt);
  EXPECT_EQ(DocumentTypeOf(""), std::nullopt);
}

}  // namespace
}  // namespace a11y
