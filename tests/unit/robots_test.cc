// robots.txt as RFC 9309 has it: group choice, longest match, wildcards, what a failed
// fetch means, and the non-standard Crawl-delay and Sitemap lines.
#include "discovery/robots.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace a11y {
namespace {

// RFC 9309 section 5.1, verbatim apart from the figure's end marker.
constexpr std::string_view kRfcSimpleExample =
    "User-Agent: *\n"
    "Disallow: *.gif$\n"
    "Disallow: /example/\n"
    "Allow: /publications/\n"
    "\n"
    "User-Agent: foobot\n"
    "Disallow:/\n"
    "Allow:/example/page.html\n"
    "Allow:/example/allowed.gif\n"
    "\n"
    "User-Agent: barbot\n"
    "User-Agent: bazbot\n"
    "Disallow: /example/page.html\n"
    "\n"
    "User-Agent: quxbot\n";

// ---------------------------------------------------------------------------------------
// The RFC's own examples

TEST(RobotsRfcExampleTest, StarGroupForAnUnnamedCrawler) {
  const RobotsRules rules = RobotsRules::Parse(kRfcSimpleExample, "otherbot");
  EXPECT_TRUE(rules.IsAllowed("/"));
  EXPECT_TRUE(rules.IsAllowed("/publications/"));
  EXPECT_TRUE(rules.IsAllowed("/publications/2020/paper.html"));
  EXPECT_FALSE(rules.IsAllowed("/example/"));
  EXPECT_FALSE(rules.IsAllowed("/example/page.html"));
  EXPECT_FALSE(rules.IsAllowed("/image.gif"));
  EXPECT_FALSE(rules.IsAllowed("/deep/path/image.gif"));
  EXPECT_TRUE(rules.IsAllowed("/image.gif?size=2"));  // '$': the path must end there.
  EXPECT_TRUE(rules.IsAllowed("/image.gifs"));
  EXPECT_TRUE(rules.IsAllowed("/image.png"));
  EXPECT_TRUE(rules.IsAllowed("/examples"));
}

TEST(RobotsRfcExampleTest, FoobotOnlyReachesTwoPaths) {
  const RobotsRules rules = RobotsRules::Parse(kRfcSimpleExample, "foobot");
  EXPECT_TRUE(rules.IsAllowed("/example/page.html"));
  EXPECT_TRUE(rules.IsAllowed("/example/allowed.gif"));
  EXPECT_FALSE(rules.IsAllowed("/"));
  EXPECT_FALSE(rules.IsAllowed("/example/"));
  EXPECT_FALSE(rules.IsAllowed("/example/other.html"));
  EXPECT_FALSE(rules.IsAllowed("/publications/"));  // The "*" group is not foobot's.
}

TEST(RobotsRfcExampleTest, OneGroupForTwoAgents) {
  for (const char* agent : {"barbot", "bazbot"}) {
    const RobotsRules rules = RobotsRules::Parse(kRfcSimpleExample, agent);
    EXPECT_FALSE(rules.IsAllowed("/example/page.html")) << agent;
    EXPECT_FALSE(rules.IsAllowed("/example/page.html.bak")) << agent;
    EXPECT_TRUE(rules.IsAllowed("/example/other.html")) << agent;
    EXPECT_TRUE(rules.IsAllowed("/image.gif")) << agent;
    EXPECT_TRUE(rules.IsAllowed("/")) << agent;
  }
}

TEST(RobotsRfcExampleTest, EmptyGroupAtTheEndAllowsEverything) {
  const RobotsRules rules = RobotsRules::Parse(kRfcSimpleExample, "quxbot");
  EXPECT_TRUE(rules.IsAllowed("/example/page.html"));
  EXPECT_TRUE(rules.IsAllowed("/image.gif"));
  EXPECT_TRUE(rules.IsAllowed("/"));
}

TEST(RobotsRfcExampleTest, LongestMatch) {  // Section 5.2.
  const RobotsRules rules = RobotsRules::Parse(
      "User-Agent: foobot\n"
      "Allow: /example/page/\n"
      "Disallow: /example/page/disallowed.gif\n",
      "foobot");
  EXPECT_FALSE(rules.IsAllowed("/example/page/disallowed.gif"));
  EXPECT_TRUE(rules.IsAllowed("/example/page/"));
  EXPECT_TRUE(rules.IsAllowed("/example/page/allowed.gif"));
}

TEST(RobotsRfcExampleTest, GroupsNamingTheSameTokenAreMerged) {  // Figure 2.
  const RobotsRules rules = RobotsRules::Parse(
      "user-agent: ExampleBot\n"
      "disallow: /foo\n"
      "disallow: /bar\n"
      "\n"
      "user-agent: ExampleBot\n"
      "disallow: /baz\n",
      "ExampleBot");
  EXPECT_FALSE(rules.IsAllowed("/foo"));
  EXPECT_FALSE(rules.IsAllowed("/bar"));
  EXPECT_FALSE(rules.IsAllowed("/baz"));
  EXPECT_TRUE(rules.IsAllowed("/qux"));
}

TEST(RobotsRfcExampleTest, StarGroupIsTheFallback) {  // Figure 3.
  const RobotsRules rules = RobotsRules::Parse(
      "user-agent: *\n"
      "disallow: /foo\n"
      "disallow: /bar\n"
      "\n"
      "user-agent: BazBot\n"
      "disallow: /baz\n",
      "ExampleBot");
  EXPECT_FALSE(rules.IsAllowed("/foo"));
  EXPECT_FALSE(rules.IsAllowed("/bar"));
  EXPECT_TRUE(rules.IsAllowed("/baz"));
}

// ---------------------------------------------------------------------------------------
// Longest match, ties, wildcards

TEST(RobotsMatchTest, LongestMatchWinsWhateverTheOrder) {
  for (const char* body : {"user-agent: *\ndisallow: /x/page.html\nallow: /x/\n",
                           "user-agent: *\nallow: /x/\ndisallow: /x/page.html\n"}) {
    const RobotsRules rules = RobotsRules::Parse(body, "auto-a11y");
    EXPECT_FALSE(rules.IsAllowed("/x/page.html")) << body;
    EXPECT_TRUE(rules.IsAllowed("/x/other.html")) << body;
  }
  const RobotsRules rules =
      RobotsRules::Parse("user-agent: *\nallow: /x/page.html\ndisallow: /x/\n", "auto-a11y");
  EXPECT_TRUE(rules.IsAllowed("/x/page.html"));
  EXPECT_FALSE(rules.IsAllowed("/x/other.html"));
}

TEST(RobotsMatchTest, AllowWinsATie) {
  const RobotsRules same =
      RobotsRules::Parse("user-agent: *\ndisallow: /page\nallow: /page\n", "auto-a11y");
  EXPECT_TRUE(same.IsAllowed("/page"));
  EXPECT_TRUE(same.IsAllowed("/pages"));

  // Equal length in octets of the pattern, different patterns.
  const RobotsRules wildcards =
      RobotsRules::Parse("user-agent: *\ndisallow: /ab*\nallow: /a*c\n", "auto-a11y");
  EXPECT_TRUE(wildcards.IsAllowed("/abc"));
  EXPECT_FALSE(wildcards.IsAllowed("/abd"));
}

TEST(RobotsMatchTest, RootOnlyWithDollar) {
  const RobotsRules rules =
      RobotsRules::Parse("user-agent: *\nallow: /$\ndisallow: /\n", "auto-a11y");
  EXPECT_TRUE(rules.IsAllowed("/"));
  EXPECT_FALSE(rules.IsAllowed("/index.html"));
  EXPECT_FALSE(rules.IsAllowed("/?q=1"));
}

TEST(RobotsMatchTest, WildcardMatchesAnyRunIncludingSlashes) {
  const RobotsRules rules = RobotsRules::Parse(
      "user-agent: *\n"
      "disallow: /*.php$\n"
      "disallow: /private*/\n"
      "disallow: /a/*/c\n",
      "auto-a11y");
  EXPECT_FALSE(rules.IsAllowed("/index.php"));
  EXPECT_FALSE(rules.IsAllowed("/deep/dir/page.php"));
  EXPECT_TRUE(rules.IsAllowed("/index.php?x=1"));
  EXPECT_TRUE(rules.IsAllowed("/index.php5"));
  EXPECT_FALSE(rules.IsAllowed("/private/"));
  EXPECT_FALSE(rules.IsAllowed("/private-stuff/x"));
  EXPECT_TRUE(rules.IsAllowed("/private"));
  EXPECT_FALSE(rules.IsAllowed("/a/b/c"));
  EXPECT_FALSE(rules.IsAllowed("/a/b/x/c/d"));
  EXPECT_TRUE(rules.IsAllowed("/a/c"));
  EXPECT_TRUE(rules.IsAllowed("/b/a/x/c"));  // Matching starts at the first octet.
}

TEST(RobotsMatchTest, DollarOnlyAnchorsAtTheEndOfAPattern) {
  const RobotsRules rules =
      RobotsRules::Parse("user-agent: *\ndisallow: /a$b\ndisallow: /exact$\n", "auto-a11y");
  EXPECT_FALSE(rules.IsAllowed("/a$b"));
  EXPECT_FALSE(rules.IsAllowed("/a%24b"));
  EXPECT_TRUE(rules.IsAllowed("/ab"));
  EXPECT_TRUE(rules.IsAllowed("/a"));
  EXPECT_FALSE(rules.IsAllowed("/exact"));
  EXPECT_TRUE(rules.IsAllowed("/exactly"));
  EXPECT_TRUE(rules.IsAllowed("/exact/"));
}

TEST(RobotsMatchTest, MatchingIsCaseSensitive) {
  const RobotsRules rules = RobotsRules::Parse("user-agent: *\ndisallow: /X/\n", "auto-a11y");
  EXPECT_FALSE(rules.IsAllowed("/X/y"));
  EXPECT_TRUE(rules.IsAllowed("/x/y"));
}

TEST(RobotsMatchTest, EmptyDisallowMatchesNothing) {
  const RobotsRules rules = RobotsRules::Parse("user-agent: *\ndisallow:\n", "auto-a11y");
  EXPECT_TRUE(rules.IsAllowed("/"));
  EXPECT_TRUE(rules.IsAllowed("/anything/at/all"));

  const RobotsRules with_others =
      RobotsRules::Parse("user-agent: *\ndisallow:\ndisallow: /secret\n", "auto-a11y");
  EXPECT_FALSE(with_others.IsAllowed("/secret"));
  EXPECT_TRUE(with_others.IsAllowed("/public"));
}

TEST(RobotsMatchTest, QueryIsPartOfWhatIsMatched) {
  const RobotsRules rules = RobotsRules::Parse(
      "user-agent: *\ndisallow: /search?\ndisallow: /*sessionid=\n", "auto-a11y");
  EXPECT_FALSE(rules.IsAllowed("/search?q=x"));
  EXPECT_TRUE(rules.IsAllowed("/search"));
  EXPECT_FALSE(rules.IsAllowed("/cart?item=1&sessionid=42"));
  EXPECT_TRUE(rules.IsAllowed("/cart?item=1"));
}

TEST(RobotsMatchTest, PatternWithoutALeadingSlashIsReadAsRooted) {
  const RobotsRules rules = RobotsRules::Parse("user-agent: *\ndisallow: private\n", "auto-a11y");
  EXPECT_FALSE(rules.IsAllowed("/private/x"));
  EXPECT_TRUE(rules.IsAllowed("/public/private"));
}

TEST(RobotsMatchTest, EmptyPathIsTheRoot) {
  const RobotsRules rules = RobotsRules::Parse("user-agent: *\ndisallow: /$\n", "auto-a11y");
  EXPECT_FALSE(rules.IsAllowed(""));
  EXPECT_FALSE(rules.IsAllowed("/"));
  EXPECT_TRUE(rules.IsAllowed("/a"));
}

TEST(RobotsMatchTest, PathologicalPatternsFinish) {
  std::string body = "user-agent: *\n";
  body += "disallow: /a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n";
  body += "disallow: /*a*a*a*a*a*a*a*a*a*a*a*a*c$\n";
  body += "allow: /" + std::string(2000, '*') + "z\n";
  const RobotsRules rules = RobotsRules::Parse(body, "auto-a11y");
  const std::string long_path = "/" + std::string(200000, 'a');
  EXPECT_TRUE(rules.IsAllowed(long_path));
  EXPECT_FALSE(rules.IsAllowed(long_path + "b"));
  EXPECT_FALSE(rules.IsAllowed(long_path + "c"));
  EXPECT_TRUE(rules.IsAllowed(long_path + "cd"));
}

// ---------------------------------------------------------------------------------------
// Percent-encoding (RFC 9309 figures 4 and 6)

TEST(RobotsEncodingTest, NonAsciiOctetsCompareInTheirEscapedForm) {
  const std::string raw = "/foo/bar/\xE3\x83\x84";
  for (const std::string& pattern :
       {std::string("/foo/bar/%E3%83%84"), std::string("/foo/bar/%e3%83%84"), raw}) {
    const RobotsRules rules =
        RobotsRules::Parse("user-agent: *\ndisallow: " + pattern + "\n", "auto-a11y");
    EXPECT_FALSE(rules.IsAllowed("/foo/bar/%E3%83%84")) << pattern;
    EXPECT_FALSE(rules.IsAllowed("/foo/bar/%e3%83%84")) << pattern;
    EXPECT_FALSE(rules.IsAllowed(raw)) << pattern;
    EXPECT_TRUE(rules.IsAllowed("/foo/bar/")) << pattern;
  }
}

TEST(RobotsEncodingTest, EscapedUnreservedCharactersAreDecoded) {
  const RobotsRules escaped_rule =
      RobotsRules::Parse("user-agent: *\ndisallow: /foo/bar/%62%61%7A\n", "auto-a11y");
  EXPECT_FALSE(escaped_rule.IsAllowed("/foo/bar/baz"));
  EXPECT_FALSE(escaped_rule.IsAllowed("/foo/bar/%62%61%7a"));

  const RobotsRules plain_rule =
      RobotsRules::Parse("user-agent: *\ndisallow: /foo/bar/baz\n", "auto-a11y");
  EXPECT_FALSE(plain_rule.IsAllowed("/foo/bar/%62%61%7A"));
  EXPECT_FALSE(plain_rule.IsAllowed("/foo/bar/b%61z/x"));
  EXPECT_FALSE(plain_rule.IsAllowed("/%66oo/bar/baz"));
}

TEST(RobotsEncodingTest, EscapedSlashIsNotASlash) {
  const RobotsRules rules = RobotsRules::Parse("user-agent: *\ndisallow: /a%2Fb\n", "auto-a11y");
  EXPECT_FALSE(rules.IsAllowed("/a%2Fb"));
  EXPECT_FALSE(rules.IsAllowed("/a%2fb"));
  EXPECT_TRUE(rules.IsAllowed("/a/b"));

  const RobotsRules slash = RobotsRules::Parse("user-agent: *\ndisallow: /a/b\n", "auto-a11y");
  EXPECT_TRUE(slash.IsAllowed("/a%2Fb"));
}

TEST(RobotsEncodingTest, EscapedSpecialCharactersMatchTheLiteralOnes) {
  const RobotsRules rules = RobotsRules::Parse(
      "user-agent: *\n"
      "disallow: /path/file-with-a-%2A.html\n"
      "disallow: /path/foo-%24\n",
      "auto-a11y");
  EXPECT_FALSE(rules.IsAllowed("/path/file-with-a-*.html"));
  EXPECT_FALSE(rules.IsAllowed("/path/file-with-a-%2A.html"));
  EXPECT_TRUE(rules.IsAllowed("/path/file-with-a-b.html"));  // Not a wildcard.
  EXPECT_FALSE(rules.IsAllowed("/path/foo-$"));
  EXPECT_TRUE(rules.IsAllowed("/path/foo-"));  // Not an end anchor.
}

TEST(RobotsEncodingTest, MatchLengthCountsOctetsOfTheNormalisedPattern) {
  // The allow is ten octets once normalised ("/%E3%83%84"), longer than the six of
  // "/%E3*x", so it wins although it is shorter as written.
  const RobotsRules rules =
      RobotsRules::Parse("user-agent: *\nallow: /\xE3\x83\x84\ndisallow: /%E3*x\n", "auto-a11y");
  EXPECT_TRUE(rules.IsAllowed("/%E3%83%84x"));
  EXPECT_FALSE(rules.IsAllowed("/%E3%83%85x"));
}

// ---------------------------------------------------------------------------------------
// Groups and the product token

TEST(RobotsGroupTest, ProductTokenIsMatchedCaseInsensitively) {
  for (const char* line : {"User-agent: auto-a11y", "User-agent: AUTO-A11Y",
                           "user-agent: Auto-A11y", "USER-AGENT:auto-a11y",
                           "User-agent: auto-a11y/1.0", "User-agent: auto-a11y (+https://x)"}) {
    const RobotsRules rules = RobotsRules::Parse(std::string(line) +
                                                     "\nDisallow: /mine\n"
                                                     "User-agent: *\nDisallow: /star\n",
                                                 "auto-a11y");
    EXPECT_FALSE(rules.IsAllowed("/mine")) << line;
    EXPECT_TRUE(rules.IsAllowed("/star")) << line;
  }
}

TEST(RobotsGroupTest, OtherTokensDoNotMatch) {
  for (const char* line : {"User-agent: auto-a11yx", "User-agent: auto", "User-agent: auto-a",
                           "User-agent: a11y", "User-agent: xauto-a11y"}) {
    const RobotsRules rules = RobotsRules::Parse(std::string(line) +
                                                     "\nDisallow: /mine\n"
                                                     "User-agent: *\nDisallow: /star\n",
                                                 "auto-a11y");
    EXPECT_TRUE(rules.IsAllowed("/mine")) << line;
    EXPECT_FALSE(rules.IsAllowed("/star")) << line;
  }
}

TEST(RobotsGroupTest, OurTokenMayBeGivenWithAVersion) {
  const RobotsRules rules =
      RobotsRules::Parse("User-agent: ExampleBot\nDisallow: /x\n", "ExampleBot/2.1");
  EXPECT_FALSE(rules.IsAllowed("/x"));
}

TEST(RobotsGroupTest, OwnGroupReplacesTheStarGroupEvenWhenEmpty) {
  const RobotsRules rules = RobotsRules::Parse(
      "User-agent: *\nDisallow: /\n\nUser-agent: auto-a11y\nDisallow:\n", "auto-a11y");
  EXPECT_TRUE(rules.IsAllowed("/anything"));
}

TEST(RobotsGroupTest, StarGroupsAreMergedToo) {
  const RobotsRules rules = RobotsRules::Parse(
      "User-agent: *\nDisallow: /a\n"
      "User-agent: other\nDisallow: /b\n"
      "User-agent: *\nDisallow: /c\n",
      "auto-a11y");
  EXPECT_FALSE(rules.IsAllowed("/a"));
  EXPECT_TRUE(rules.IsAllowed("/b"));
  EXPECT_FALSE(rules.IsAllowed("/c"));
}

TEST(RobotsGroupTest, NoMatchingGroupAndNoStarGroupAllowsEverything) {
  const RobotsRules rules = RobotsRules::Parse("User-agent: otherbot\nDisallow: /\n", "auto-a11y");
  EXPECT_TRUE(rules.IsAllowed("/"));
  EXPECT_TRUE(rules.IsAllowed("/x"));
  EXPECT_TRUE(RobotsRules::Parse("", "auto-a11y").IsAllowed("/x"));
  EXPECT_TRUE(RobotsRules::Parse("# only a comment\n\n", "auto-a11y").IsAllowed("/x"));
}

TEST(RobotsGroupTest, UserAgentLineAfterRulesStartsANewGroup) {
  const std::string body =
      "User-agent: a\nDisallow: /x\n"
      "User-agent: b\nDisallow: /y\n";
  const RobotsRules a = RobotsRules::Parse(body, "a");
  EXPECT_FALSE(a.IsAllowed("/x"));
  EXPECT_TRUE(a.IsAllowed("/y"));
  const RobotsRules b = RobotsRules::Parse(body, "b");
  EXPECT_TRUE(b.IsAllowed("/x"));
  EXPECT_FALSE(b.IsAllowed("/y"));
}

TEST(RobotsGroupTest, BlankLinesAndSitemapsDoNotEndAGroupsAgentList) {
  const std::string body =
      "User-agent: a\n"
      "\n"
      "Sitemap: https://example.com/s.xml\n"
      "User-agent: b\n"
      "Disallow: /shared\n";
  EXPECT_FALSE(RobotsRules::Parse(body, "a").IsAllowed("/shared"));
  EXPECT_FALSE(RobotsRules::Parse(body, "b").IsAllowed("/shared"));
}

TEST(RobotsGroupTest, RulesBeforeAnyUserAgentAreIgnored) {
  const RobotsRules rules = RobotsRules::Parse(
      "Disallow: /orphan\nCrawl-delay: 9\nUser-agent: *\nDisallow: /x\n", "auto-a11y");
  EXPECT_TRUE(rules.IsAllowed("/orphan"));
  EXPECT_FALSE(rules.IsAllowed("/x"));
  EXPECT_EQ(rules.crawl_delay_seconds(), std::nullopt);
}

TEST(RobotsGroupTest, StarWithTrailingSpaceIsTheStarGroup) {
  const RobotsRules rules = RobotsRules::Parse("User-agent: *  \nDisallow: /x\n", "auto-a11y");
  EXPECT_FALSE(rules.IsAllowed("/x"));
}

// ---------------------------------------------------------------------------------------
// Syntax tolerance

TEST(RobotsSyntaxTest, KeysAreCaseInsensitiveAndWhitespaceIsTolerated) {
  const RobotsRules rules = RobotsRules::Parse(
      "  USER-AGENT   :   *  \n"
      "\tDISALLOW\t:\t/a\t\n"
      "aLLoW:/a/b\n",
      "auto-a11y");
  EXPECT_FALSE(rules.IsAllowed("/a"));
  EXPECT_TRUE(rules.IsAllowed("/a/b"));
}

TEST(RobotsSyntaxTest, CommentsAreIgnored) {
  const RobotsRules rules = RobotsRules::Parse(
      "# A comment on its own line\n"
      "User-agent: * # the star group\n"
      "Disallow: /x # not part of the pattern\n"
      "# Disallow: /commented-out\n"
      "Disallow: # nothing\n",
      "auto-a11y");
  EXPECT_FALSE(rules.IsAllowed("/x"));
  EXPECT_FALSE(rules.IsAllowed("/x/y"));
  EXPECT_TRUE(rules.IsAllowed("/commented-out"));
  EXPECT_TRUE(rules.IsAllowed("/y"));
}

TEST(RobotsSyntaxTest, AnyLineEndingAndAByteOrderMark) {
  for (const char* body : {"\xEF\xBB\xBFUser-agent: *\r\nDisallow: /a\r\nDisallow: /b\r\n",
                           "User-agent: *\rDisallow: /a\rDisallow: /b",
                           "User-agent: *\nDisallow: /a\r\n\r\nDisallow: /b\n"}) {
    const RobotsRules rules = RobotsRules::Parse(body, "auto-a11y");
    EXPECT_FALSE(rules.IsAllowed("/a"));
    EXPECT_FALSE(rules.IsAllowed("/b"));
    EXPECT_TRUE(rules.IsAllowed("/c"));
  }
}

TEST(RobotsSyntaxTest, UnknownAndMalformedLinesAreSkipped) {
  const RobotsRules rules = RobotsRules::Parse(
      "User-agent: *\n"
      "Noindex: /a\n"
      "this line has no colon\n"
      "Host: example.com\n"
      "Disallow: /b\n"
      ":\n"
      "\x01\x02garbage\n",
      "auto-a11y");
  EXPECT_TRUE(rules.IsAllowed("/a"));
  EXPECT_FALSE(rules.IsAllowed("/b"));
}

TEST(RobotsSyntaxTest, CommonMisspellingsAreUnderstood) {
  const RobotsRules rules =
      RobotsRules::Parse("useragent: *\ndisalow: /a\ndissallow: /b\n", "auto-a11y");
  EXPECT_FALSE(rules.IsAllowed("/a"));
  EXPECT_FALSE(rules.IsAllowed("/b"));
}

TEST(RobotsSyntaxTest, OnlyTheFirst500KibAreRead) {
  const size_t limit = 500 * 1024;
  std::string body = "User-agent: *\nDisallow: /early\n";
  while (body.size() < limit - 100) body += "# padding padding padding padding padding\n";
  body += "Disallow: /before-the-limit\n";
  while (body.size() < limit + 10) body += "# more padding\n";
  body += "Disallow: /after-the-limit\n";
  const RobotsRules rules = RobotsRules::Parse(body, "auto-a11y");
  EXPECT_FALSE(rules.IsAllowed("/early"));
  EXPECT_FALSE(rules.IsAllowed("/before-the-limit"));
  EXPECT_TRUE(rules.IsAllowed("/after-the-limit"));
}

TEST(RobotsSyntaxTest, ALineCutByTheLimitIsDropped) {
  const size_t limit = 500 * 1024;
  // One long comment line puts the limit just after the "Allow: /" of the next line.
  std::string body = "User-agent: *\nDisallow: /\n#";
  body += std::string(limit - 8 - 1 - body.size(), '#');
  body += '\n';
  ASSERT_EQ(body.size(), limit - 8);
  body += "Allow: /public/page\n";
  const RobotsRules rules = RobotsRules::Parse(body, "auto-a11y");
  EXPECT_FALSE(rules.IsAllowed("/public/page"));
  EXPECT_FALSE(rules.IsAllowed("/anything"));
  // What reading the half line would have done: "Allow: /" ties "Disallow: /" and wins.
  const RobotsRules half_read = RobotsRules::Parse(body.substr(0, limit), "auto-a11y");
  EXPECT_TRUE(half_read.IsAllowed("/anything"));
}

// ---------------------------------------------------------------------------------------
// Crawl-delay and Sitemap

TEST(RobotsExtensionsTest, CrawlDelayBelongsToItsGroup) {
  const std::string body =
      "User-agent: *\nCrawl-delay: 5\nDisallow: /x\n"
      "User-agent: auto-a11y\nCrawl-delay: 2.5\nDisallow:\n"
      "User-agent: silentbot\nDisallow: /y\n";
  EXPECT_EQ(RobotsRules::Parse(body, "auto-a11y").crawl_delay_seconds(), 2.5);
  EXPECT_EQ(RobotsRules::Parse(body, "otherbot").crawl_delay_seconds(), 5.0);
  EXPECT_EQ(RobotsRules::Parse(body, "silentbot").crawl_delay_seconds(), std::nullopt);
}

TEST(RobotsExtensionsTest, CrawlDelayLineEndsTheAgentList) {
  const std::string body =
      "User-agent: a\nCrawl-delay: 3\n"
      "User-agent: b\nDisallow: /b-only\n";
  const RobotsRules a = RobotsRules::Parse(body, "a");
  EXPECT_EQ(a.crawl_delay_seconds(), 3.0);
  EXPECT_TRUE(a.IsAllowed("/b-only"));
  EXPECT_EQ(RobotsRules::Parse(body, "b").crawl_delay_seconds(), std::nullopt);
}

TEST(RobotsExtensionsTest, MergedGroupsKeepTheLongestCrawlDelay) {
  const RobotsRules rules = RobotsRules::Parse(
      "User-agent: auto-a11y\nCrawl-delay: 1\n"
      "User-agent: auto-a11y\ncrawl-delay: 4\n"
      "User-agent: auto-a11y\nCrawl-Delay: 2\n",
      "auto-a11y");
  EXPECT_EQ(rules.crawl_delay_seconds(), 4.0);
}

TEST(RobotsExtensionsTest, InvalidCrawlDelaysAreIgnored) {
  for (const char* value : {"abc", "-1", "", "5s", "nan", "inf", "1e400"}) {
    const RobotsRules rules =
        RobotsRules::Parse(std::string("User-agent: *\nCrawl-delay: ") + value + "\n", "auto-a11y");
    EXPECT_EQ(rules.crawl_delay_seconds(), std::nullopt) << value;
  }
  EXPECT_EQ(RobotsRules::Parse("User-agent: *\nCrawl-delay: 0\n", "x").crawl_delay_seconds(), 0.0);
}

TEST(RobotsExtensionsTest, SitemapsAreGlobalAndInOrder) {
  const RobotsRules rules = RobotsRules::Parse(
      "Sitemap: https://example.com/first.xml\n"
      "User-agent: otherbot\n"
      "Disallow: /\n"
      "sitemap:https://example.com/second.xml.gz # a comment\n"
      "User-agent: *\n"
      "SITEMAP :  https://cdn.example.com/third.xml  \n"
      "Sitemap:\n",
      "auto-a11y");
  EXPECT_EQ(rules.sitemaps(), (std::vector<std::string>{"https://example.com/first.xml",
                                                        "https://example.com/second.xml.gz",
                                                        "https://cdn.example.com/third.xml"}));
  EXPECT_TRUE(rules.IsAllowed("/"));
}

// ---------------------------------------------------------------------------------------
// Fetch outcomes and the built-in answers

TEST(RobotsFetchTest, SuccessMeansTheBodyIsParsed) {
  const std::string body = "User-agent: *\nDisallow: /private\n";
  for (int status : {200, 203, 299}) {
    const RobotsRules rules = RobotsRules::FromFetch(status, body, "auto-a11y");
    EXPECT_FALSE(rules.IsAllowed("/private")) << status;
    EXPECT_TRUE(rules.IsAllowed("/public")) << status;
  }
}

TEST(RobotsFetchTest, UnavailableMeansEverythingIsAllowed) {
  const std::string body = "User-agent: *\nDisallow: /\n";  // An error page, not rules.
  for (int status : {400, 401, 403, 404, 410, 429, 499}) {
    const RobotsRules rules = RobotsRules::FromFetch(status, body, "auto-a11y");
    EXPECT_TRUE(rules.IsAllowed("/")) << status;
    EXPECT_TRUE(rules.IsAllowed("/private")) << status;
    EXPECT_TRUE(rules.sitemaps().empty()) << status;
  }
}

TEST(RobotsFetchTest, UnreachableMeansEverythingIsDisallowed) {
  const std::string body = "User-agent: *\nAllow: /\n";
  for (int status : {0, 500, 502, 503, 599}) {
    const RobotsRules rules = RobotsRules::FromFetch(status, body, "auto-a11y");
    EXPECT_FALSE(rules.IsAllowed("/")) << status;
    EXPECT_FALSE(rules.IsAllowed("/page")) << status;
    EXPECT_TRUE(rules.IsAllowed("/robots.txt")) << status;
  }
}

TEST(RobotsFetchTest, OtherStatusesAreTreatedAsUnavailable) {
  for (int status : {100, 301, 302, 304, 399, 600}) {
    const RobotsRules rules =
        RobotsRules::FromFetch(status, "User-agent: *\nDisallow: /\n", "auto-a11y");
    EXPECT_TRUE(rules.IsAllowed("/page")) << status;
  }
}

TEST(RobotsFetchTest, BuiltInAnswers) {
  const RobotsRules allow = RobotsRules::AllowAll();
  EXPECT_TRUE(allow.IsAllowed("/"));
  EXPECT_TRUE(allow.IsAllowed("/any/thing?x=1"));
  EXPECT_EQ(allow.crawl_delay_seconds(), std::nullopt);
  const RobotsRules disallow = RobotsRules::DisallowAll();
  EXPECT_FALSE(disallow.IsAllowed("/"));
  EXPECT_FALSE(disallow.IsAllowed("/any/thing?x=1"));
}

TEST(RobotsFetchTest, RobotsTxtIsAlwaysAllowed) {
  const RobotsRules rules = RobotsRules::Parse(
      "User-agent: *\nDisallow: /\nDisallow: /robots.txt\nDisallow: /*.txt$\n", "auto-a11y");
  EXPECT_TRUE(rules.IsAllowed("/robots.txt"));
  EXPECT_TRUE(rules.IsAllowed("/robots%2Etxt"));  // The same path, escaped.
  EXPECT_FALSE(rules.IsAllowed("/robots.txt.bak"));
  EXPECT_FALSE(rules.IsAllowed("/other.txt"));
  EXPECT_TRUE(RobotsRules::DisallowAll().IsAllowed("/robots.txt"));
}

}  // namespace
}  // namespace a11y
