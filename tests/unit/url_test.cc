// RFC 3986 splitting, dot-segment removal and reference resolution, and the normalisation
// that turns every link the crawler sees into one canonical http(s) URL.
#include "discovery/url.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace a11y {
namespace {

// The normalised form of `url`, or "<refused>".
std::string Norm(std::string_view url, const NormalizeOptions& options = {}) {
  const std::optional<HttpUrl> normalized = NormalizeHttpUrl(url, options);
  return normalized ? normalized->ToString() : "<refused>";
}

// ---------------------------------------------------------------------------------------
// SplitUriReference (appendix B)

TEST(SplitUriReferenceTest, AppendixBExample) {
  const UriParts parts = SplitUriReference("http://www.ics.uci.edu/pub/ietf/uri/#Related");
  EXPECT_EQ(parts.scheme, "http");
  EXPECT_EQ(parts.authority, "www.ics.uci.edu");
  EXPECT_EQ(parts.path, "/pub/ietf/uri/");
  EXPECT_EQ(parts.query, std::nullopt);
  EXPECT_EQ(parts.fragment, "Related");
}

TEST(SplitUriReferenceTest, AllFiveComponents) {
  const UriParts parts = SplitUriReference("foo://example.com:8042/over/there?name=ferret#nose");
  EXPECT_EQ(parts.scheme, "foo");
  EXPECT_EQ(parts.authority, "example.com:8042");
  EXPECT_EQ(parts.path, "/over/there");
  EXPECT_EQ(parts.query, "name=ferret");
  EXPECT_EQ(parts.fragment, "nose");
}

TEST(SplitUriReferenceTest, SchemeWithoutAuthority) {
  const UriParts mail = SplitUriReference("mailto:John.Doe@example.com");
  EXPECT_EQ(mail.scheme, "mailto");
  EXPECT_EQ(mail.authority, std::nullopt);
  EXPECT_EQ(mail.path, "John.Doe@example.com");

  const UriParts urn = SplitUriReference("urn:oasis:names:specification:docbook:dtd:xml:4.1.2");
  EXPECT_EQ(urn.scheme, "urn");
  EXPECT_EQ(urn.path, "oasis:names:specification:docbook:dtd:xml:4.1.2");

  const UriParts strict = SplitUriReference("http:g");
  EXPECT_EQ(strict.scheme, "http");
  EXPECT_EQ(strict.authority, std::nullopt);
  EXPECT_EQ(strict.path, "g");
}

TEST(SplitUriReferenceTest, RelativeReferences) {
  const UriParts network_path = SplitUriReference("//g");
  EXPECT_EQ(network_path.scheme, "");
  EXPECT_EQ(network_path.authority, "g");
  EXPECT_EQ(network_path.path, "");

  const UriParts query_only = SplitUriReference("?y");
  EXPECT_EQ(query_only.authority, std::nullopt);
  EXPECT_EQ(query_only.path, "");
  EXPECT_EQ(query_only.query, "y");
  EXPECT_EQ(query_only.fragment, std::nullopt);

  const UriParts path = SplitUriReference("../g;x?y#s");
  EXPECT_EQ(path.scheme, "");
  EXPECT_EQ(path.path, "../g;x");
  EXPECT_EQ(path.query, "y");
  EXPECT_EQ(path.fragment, "s");

  // A colon after the first '/' does not make a scheme.
  const UriParts colon_in_path = SplitUriReference("/a:b");
  EXPECT_EQ(colon_in_path.scheme, "");
  EXPECT_EQ(colon_in_path.path, "/a:b");
}

TEST(SplitUriReferenceTest, EmptyComponentsDifferFromMissingOnes) {
  const UriParts empty = SplitUriReference("");
  EXPECT_EQ(empty.scheme, "");
  EXPECT_EQ(empty.authority, std::nullopt);
  EXPECT_EQ(empty.path, "");
  EXPECT_EQ(empty.query, std::nullopt);
  EXPECT_EQ(empty.fragment, std::nullopt);

  const UriParts separators = SplitUriReference("http://?#");
  EXPECT_EQ(separators.authority, "");
  EXPECT_EQ(separators.query, "");
  EXPECT_EQ(separators.fragment, "");

  const UriParts empty_authority = SplitUriReference("file:///etc/hosts");
  EXPECT_EQ(empty_authority.authority, "");
  EXPECT_EQ(empty_authority.path, "/etc/hosts");
}

TEST(SplitUriReferenceTest, FragmentMayHoldQuestionMarksAndQueryMayHoldSlashes) {
  const UriParts parts = SplitUriReference("a?b/c?d#e?f#g");
  EXPECT_EQ(parts.path, "a");
  EXPECT_EQ(parts.query, "b/c?d");
  EXPECT_EQ(parts.fragment, "e?f#g");
}

TEST(SplitUriReferenceTest, InvalidSchemeSyntaxIsReadAsARelativePath) {
  EXPECT_EQ(SplitUriReference("my page:2.html").scheme, "");
  EXPECT_EQ(SplitUriReference("my page:2.html").path, "my page:2.html");
  EXPECT_EQ(SplitUriReference("1ab:c").scheme, "");
  EXPECT_EQ(SplitUriReference(":x").scheme, "");
  EXPECT_EQ(SplitUriReference("a+b-c.d:x").scheme, "a+b-c.d");
}

TEST(SplitUriReferenceTest, ToStringRecomposesWhatWasSplit) {
  for (const char* reference :
       {"http://www.ics.uci.edu/pub/ietf/uri/#Related", "foo://e:8042/o/t?n=f#n", "//g", "?y", "#",
        "http://?#", "g;x?y#s", "", "mailto:a@b", "file:///etc/hosts", "a?b/c?d#e?f"}) {
    EXPECT_EQ(SplitUriReference(reference).ToString(), reference);
  }
}

// ---------------------------------------------------------------------------------------
// RemoveDotSegments (5.2.4)

TEST(RemoveDotSegmentsTest, RfcWorkedExamples) {
  EXPECT_EQ(RemoveDotSegments("/a/b/c/./../../g"), "/a/g");
  EXPECT_EQ(RemoveDotSegments("mid/content=5/../6"), "mid/6");
}

TEST(RemoveDotSegmentsTest, EdgeCases) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", ""},
      {"/", "/"},
      {".", ""},
      {"..", ""},
      {"./", ""},
      {"../", ""},
      {"../a", "a"},
      {"./a", "a"},
      {"/.", "/"},
      {"/..", "/"},
      {"/../..", "/"},
      {"/a/..", "/"},
      {"/a/b/..", "/a/"},
      {"/a/b/../", "/a/"},
      {"/a/./b/", "/a/b/"},
      {"/a/b/../../..", "/"},
      {"/a/b/../../../c", "/c"},
      {"a/..", "/"},
      {"/a//../b", "/a/b"},
      {"/a/.../b", "/a/.../b"},
      {"/a/.b/..c/", "/a/.b/..c/"},
      {"/a/b.", "/a/b."},
      {"/a/%2E%2E/b", "/a/%2E%2E/b"},  // Escaped dots are not dot segments here.
  };
  for (const auto& [input, expected] : cases) {
    EXPECT_EQ(RemoveDotSegments(input), expected) << "input: " << input;
  }
}

TEST(RemoveDotSegmentsTest, LongPathsOfDotDotStayLinear) {
  std::string path;
  for (int i = 0; i < 100000; ++i) path += "/seg";
  for (int i = 0; i < 100000; ++i) path += "/..";
  EXPECT_EQ(RemoveDotSegments(path), "/");
}

// ---------------------------------------------------------------------------------------
// ResolveReference (5.2), with every example of sections 5.4.1 and 5.4.2.

constexpr std::string_view kRfcBase = "http://a/b/c/d;p?q";

TEST(ResolveReferenceTest, Rfc3986Section541NormalExamples) {
  const std::vector<std::pair<std::string, std::string>> examples = {
      {"g:h", "g:h"},
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {"g?y#s", "http://a/b/c/g?y#s"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y#s"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
  };
  ASSERT_EQ(examples.size(), 23u);
  for (const auto& [reference, expected] : examples) {
    EXPECT_EQ(ResolveReference(kRfcBase, reference), expected) << "reference: " << reference;
  }
}

TEST(ResolveReferenceTest, Rfc3986Section542AbnormalExamples) {
  const std::vector<std::pair<std::string, std::string>> examples = {
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g#s/./x"},
      {"g#s/../x", "http://a/b/c/g#s/../x"},
      {"http:g", "http:g"},  // Strict parser.
  };
  ASSERT_EQ(examples.size(), 19u);
  for (const auto& [reference, expected] : examples) {
    EXPECT_EQ(ResolveReference(kRfcBase, reference), expected) << "reference: " << reference;
  }
}

TEST(ResolveReferenceTest, MergeWithABaseThatHasAnAuthorityAndNoPath) {
  EXPECT_EQ(ResolveReference("http://a", "g"), "http://a/g");
  EXPECT_EQ(ResolveReference("http://a?q", "../g"), "http://a/g");
  EXPECT_EQ(ResolveReference("http://a", "?y"), "http://a?y");
}

TEST(ResolveReferenceTest, MergeWithABaseWithoutASlash) {
  EXPECT_EQ(ResolveReference("foo:bar", "baz"), "foo:baz");
  EXPECT_EQ(ResolveReference("foo:a/b", "c"), "foo:a/c");
}

TEST(ResolveReferenceTest, AbsoluteReferencesHaveTheirDotSegmentsRemoved) {
  EXPECT_EQ(ResolveReference(kRfcBase, "https://x/a/./b/../c?d#e"), "https://x/a/c?d#e");
  EXPECT_EQ(ResolveReference(kRfcBase, "//x/a/../b"), "http://x/b");
}

// ---------------------------------------------------------------------------------------
// NormalizeHttpUrl

TEST(NormalizeHttpUrlTest, FieldsOfANormalisedUrl) {
  const std::optional<HttpUrl> url = NormalizeHttpUrl("HTTPS://Example.COM:8443/A/b?x=1#top");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "example.com");
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->path, "/A/b");
  EXPECT_EQ(url->query, "x=1");
  EXPECT_EQ(url->Origin(), "https://example.com:8443");
  EXPECT_EQ(url->PathAndQuery(), "/A/b?x=1");
  EXPECT_EQ(url->ToString(), "https://example.com:8443/A/b?x=1");
}

TEST(NormalizeHttpUrlTest, SchemeAndHostAreLowerCasedButThePathIsNot) {
  EXPECT_EQ(Norm("HTTP://WWW.Example.COM/Path/To/Page.HTML"),
            "http://www.example.com/Path/To/Page.HTML");
  EXPECT_EQ(Norm("hTtPs://EXAMPLE.com/"), "https://example.com/");
}

TEST(NormalizeHttpUrlTest, DefaultPortsAreDropped) {
  const std::optional<HttpUrl> http = NormalizeHttpUrl("http://example.com:80/a");
  ASSERT_TRUE(http.has_value());
  EXPECT_EQ(http->port, 0);
  EXPECT_EQ(http->ToString(), "http://example.com/a");
  EXPECT_EQ(Norm("https://example.com:443/a"), "https://example.com/a");
  EXPECT_EQ(Norm("http://example.com:080/a"), "http://example.com/a");  // Leading zero.
  EXPECT_EQ(Norm("http://example.com:/a"), "http://example.com/a");     // Empty port.
}

TEST(NormalizeHttpUrlTest, OtherPortsAreKept) {
  EXPECT_EQ(Norm("https://example.com:80/a"), "https://example.com:80/a");
  EXPECT_EQ(Norm("http://example.com:443/a"), "http://example.com:443/a");
  EXPECT_EQ(Norm("http://example.com:8080"), "http://example.com:8080/");
  EXPECT_EQ(Norm("http://example.com:1/"), "http://example.com:1/");
  EXPECT_EQ(Norm("http://example.com:65535/"), "http://example.com:65535/");
}

TEST(NormalizeHttpUrlTest, HostTrailingDotIsStripped) {
  EXPECT_EQ(Norm("http://example.com./a"), "http://example.com/a");
  EXPECT_EQ(Norm("http://Example.Com.:8080/"), "http://example.com:8080/");
}

TEST(NormalizeHttpUrlTest, EmptyPathBecomesSlash) {
  EXPECT_EQ(Norm("http://example.com"), "http://example.com/");
  EXPECT_EQ(Norm("http://example.com?a=1"), "http://example.com/?a=1");
  EXPECT_EQ(Norm("http://example.com#frag"), "http://example.com/");
}

TEST(NormalizeHttpUrlTest, DotSegmentsAreRemoved) {
  EXPECT_EQ(Norm("http://example.com/a/./b/../c"), "http://example.com/a/c");
  EXPECT_EQ(Norm("http://example.com/../../x"), "http://example.com/x");
  EXPECT_EQ(Norm("http://example.com/a/b/.."), "http://example.com/a/");
  EXPECT_EQ(Norm("http://example.com/a/."), "http://example.com/a/");
  // Escaped dots are decoded first (they are unreserved), then removed as dot segments.
  EXPECT_EQ(Norm("http://example.com/a/%2E%2e/b"), "http://example.com/b");
  EXPECT_EQ(Norm("http://example.com/a/%2E/b"), "http://example.com/a/b");
  // Dots in the query are not path segments.
  EXPECT_EQ(Norm("http://example.com/a?p=../b"), "http://example.com/a?p=../b");
}

TEST(NormalizeHttpUrlTest, EscapesOfUnreservedCharactersAreDecoded) {
  EXPECT_EQ(Norm("http://example.com/%7Euser/%41%62c%2D%2e%5F%30"),
            "http://example.com/~user/Abc-._0");
  EXPECT_EQ(Norm("http://example.com/p?%6B=%76"), "http://example.com/p?k=v");
}

TEST(NormalizeHttpUrlTest, OtherEscapesAreUpperCasedAndNeverDecoded) {
  EXPECT_EQ(Norm("http://example.com/a%2fb"), "http://example.com/a%2Fb");
  EXPECT_EQ(Norm("http://example.com/a%3ab%c3%a9"), "http://example.com/a%3Ab%C3%A9");
  EXPECT_EQ(Norm("http://example.com/a%20b?q=%26%3d"), "http://example.com/a%20b?q=%26%3D");
  // "%25" stays "%25": decoding it would create a new escape.
  EXPECT_EQ(Norm("http://example.com/100%2541"), "http://example.com/100%2541");
}

TEST(NormalizeHttpUrlTest, StrayPercentSignsAreEscaped) {
  EXPECT_EQ(Norm("http://example.com/100%"), "http://example.com/100%25");
  EXPECT_EQ(Norm("http://example.com/%zz"), "http://example.com/%25zz");
  EXPECT_EQ(Norm("http://example.com/%4"), "http://example.com/%254");
  EXPECT_EQ(Norm("http://example.com/a?p=50%&q=%g1"), "http://example.com/a?p=50%25&q=%25g1");
}

TEST(NormalizeHttpUrlTest, CharactersThatMustBeEscapedAreEscaped) {
  EXPECT_EQ(Norm("http://example.com/a b"), "http://example.com/a%20b");
  EXPECT_EQ(Norm("http://example.com/caf\xC3\xA9"), "http://example.com/caf%C3%A9");
  EXPECT_EQ(Norm("http://example.com/x\"<>^`{|}[]"),
            "http://example.com/x%22%3C%3E%5E%60%7B%7C%7D%5B%5D");
  EXPECT_EQ(Norm(std::string("http://example.com/a\x01\x7F") + "b"), "http://example.com/a%01%7Fb");
  EXPECT_EQ(Norm("http://example.com/?q=a b&r=\"x\"&s=\\&t=\xE2\x82\xAC"),
            "http://example.com/?q=a%20b&r=%22x%22&s=%5C&t=%E2%82%AC");
}

TEST(NormalizeHttpUrlTest, AllowedReservedCharactersAreLeftAlone) {
  EXPECT_EQ(Norm("http://example.com/a:b@c!$&'()*+,;=/d"), "http://example.com/a:b@c!$&'()*+,;=/d");
  EXPECT_EQ(Norm("http://example.com/p?a=/b?c&d=e:f@g"), "http://example.com/p?a=/b?c&d=e:f@g");
}

TEST(NormalizeHttpUrlTest, FragmentIsDropped) {
  const std::optional<HttpUrl> url = NormalizeHttpUrl("http://example.com/a?b=1#frag");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->ToString(), "http://example.com/a?b=1");
  EXPECT_EQ(Norm("http://example.com/a#"), "http://example.com/a");
}

TEST(NormalizeHttpUrlTest, EmptyQueryIsDropped) {
  const std::optional<HttpUrl> url = NormalizeHttpUrl("http://example.com/a?");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->query, std::nullopt);
  EXPECT_EQ(url->ToString(), "http://example.com/a");
  EXPECT_EQ(Norm("http://example.com/a?#frag"), "http://example.com/a");
}

TEST(NormalizeHttpUrlTest, TrackingParametersAreRemovedInOrder) {
  EXPECT_EQ(Norm("http://example.com/p?utm_source=news&id=5&utm_medium=mail&gclid=abc&b=2"),
            "http://example.com/p?id=5&b=2");
  EXPECT_EQ(Norm("http://example.com/p?b=2&a=1&fbclid=z"), "http://example.com/p?b=2&a=1");
  EXPECT_EQ(Norm("http://example.com/p?utm_campaign&x"), "http://example.com/p?x");
  // An escaped name is compared after normalisation: "%75" is "u".
  EXPECT_EQ(Norm("http://example.com/p?%75tm_source=a&x=1"), "http://example.com/p?x=1");
}

TEST(NormalizeHttpUrlTest, EveryListedTrackingParameterIsRemoved) {
  for (const char* name : {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
                           "utm_anything", "gclid", "dclid", "fbclid", "msclkid", "yclid", "mc_cid",
                           "mc_eid", "_ga", "_gl", "igshid"}) {
    EXPECT_EQ(Norm(std::string("http://example.com/p?") + name + "=1&keep=1"),
              "http://example.com/p?keep=1")
        << name;
  }
}

TEST(NormalizeHttpUrlTest, QueryOfOnlyTrackingParametersIsDropped) {
  const std::optional<HttpUrl> url =
      NormalizeHttpUrl("http://example.com/p?utm_source=a&gclid=b&_ga=c#x");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->query, std::nullopt);
  EXPECT_EQ(url->ToString(), "http://example.com/p");
  EXPECT_EQ(Norm("http://example.com/p?utm_source=a&"), "http://example.com/p");
}

TEST(NormalizeHttpUrlTest, LookalikesOfTrackingParametersAreKept) {
  EXPECT_EQ(Norm("http://example.com/p?utm=1&xutm_source=2&gclid2=3&GCLID=4&_gax=5"),
            "http://example.com/p?utm=1&xutm_source=2&gclid2=3&GCLID=4&_gax=5");
  EXPECT_EQ(Norm("http://example.com/p?a=1&&b=2"), "http://example.com/p?a=1&&b=2");
  EXPECT_EQ(Norm("http://example.com/p?&a=1&gclid=x"), "http://example.com/p?&a=1");
}

TEST(NormalizeHttpUrlTest, TrackingParametersAreKeptWhenNotAskedToStrip) {
  NormalizeOptions options;
  options.strip_tracking_params = false;
  EXPECT_EQ(Norm("http://example.com/p?utm_source=a&gclid=b", options),
            "http://example.com/p?utm_source=a&gclid=b");
}

TEST(NormalizeHttpUrlTest, SurroundingWhitespaceAndEmbeddedTabsAndNewlinesAreRemoved) {
  EXPECT_EQ(Norm("  \t http://example.com/a \r\n"), "http://example.com/a");
  EXPECT_EQ(Norm("http://exa\tmple.com/a\nb\r/c"), "http://example.com/ab/c");
  // An inner space is not whitespace to strip: it is escaped.
  EXPECT_EQ(Norm(" http://example.com/a b "), "http://example.com/a%20b");
}

TEST(NormalizeHttpUrlTest, BackslashesActAsSlashesBeforeTheQuery) {
  EXPECT_EQ(Norm("http:\\\\example.com\\a\\b"), "http://example.com/a/b");
  EXPECT_EQ(Norm("https://example.com\\a\\..\\b"), "https://example.com/b");
  EXPECT_EQ(Norm("https://example.com/a\\b?c=d\\e#f\\g"), "https://example.com/a/b?c=d%5Ce");
}

TEST(NormalizeHttpUrlTest, IpAddressHosts) {
  EXPECT_EQ(Norm("http://192.168.0.1:8080/x"), "http://192.168.0.1:8080/x");
  const std::optional<HttpUrl> v6 = NormalizeHttpUrl("http://[2001:DB8::1]:8080/x");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "[2001:db8::1]");
  EXPECT_EQ(v6->port, 8080);
  EXPECT_EQ(v6->ToString(), "http://[2001:db8::1]:8080/x");
  EXPECT_EQ(Norm("http://[::1]"), "http://[::1]/");
  EXPECT_EQ(Norm("https://[::ffff:192.0.2.1]:443/"), "https://[::ffff:192.0.2.1]/");
  EXPECT_EQ(Norm("http://[1:2:3:4:5:6:7:8]/"), "http://[1:2:3:4:5:6:7:8]/");
}

TEST(NormalizeHttpUrlTest, EscapesInTheHostAreNormalised) {
  EXPECT_EQ(Norm("http://ex%41mple.com/"), "http://example.com/");
}

TEST(NormalizeHttpUrlTest, RefusesOtherSchemes) {
  for (const char* url :
       {"ftp://example.com/file", "mailto:someone@example.com", "javascript:alert(1)",
        "javascript:void(0)", "data:text/html,hi", "file:///etc/passwd", "tel:+123",
        "httpx://example.com/", "//example.com/no-scheme", "/relative/path", "example.com/a"}) {
    EXPECT_EQ(NormalizeHttpUrl(url), std::nullopt) << url;
  }
}

TEST(NormalizeHttpUrlTest, RefusesUrlsWithoutAHost) {
  for (const char* url :
       {"", "   ", "http:", "http://", "http:///path", "http:/path", "http:example.com",
        "https://:8080/", "http://./", "http://?a=1", "http://#x"}) {
    EXPECT_EQ(NormalizeHttpUrl(url), std::nullopt) << "'" << url << "'";
  }
}

TEST(NormalizeHttpUrlTest, RefusesUserinfo) {
  EXPECT_EQ(NormalizeHttpUrl("http://user:pass@example.com/"), std::nullopt);
  EXPECT_EQ(NormalizeHttpUrl("http://user@example.com/"), std::nullopt);
  EXPECT_EQ(NormalizeHttpUrl("http://@example.com/"), std::nullopt);
  EXPECT_EQ(NormalizeHttpUrl("https://trusted.example@evil.example/"), std::nullopt);
}

TEST(NormalizeHttpUrlTest, RefusesBadPorts) {
  for (const char* url :
       {"http://example.com:0/", "http://example.com:00/", "http://example.com:65536/",
        "http://example.com:99999999999999/", "http://example.com:abc/", "http://example.com:-1/",
        "http://example.com:80a/", "http://example.com: 80/", "http://example.com:80:80/",
        "http://[::1]:x/", "http://[::1]x/"}) {
    EXPECT_EQ(NormalizeHttpUrl(url), std::nullopt) << url;
  }
}

TEST(NormalizeHttpUrlTest, RefusesBadHostCharacters) {
  for (const char* url : {"http://exa mple.com/", "http://exa<mple.com/", "http://exa\"mple.com/",
                          "http://exa%zzmple.com/", "http://exa%4/", "http://caf\xC3\xA9.example/",
                          "http://caf%C3%A9.example/", "http://exa{mple}.com/",
                          "http://exa|mple.com/", "http://exa^mple.com/", "http://exa[mple.com/"}) {
    EXPECT_EQ(NormalizeHttpUrl(url), std::nullopt) << url;
  }
}

TEST(NormalizeHttpUrlTest, RefusesBadIpv6Literals) {
  for (const char* url : {"http://[2001:db8::g]/", "http://[1:2:3:4:5:6:7:8:9]/",
                          "http://[1:2:3:4:5:6:7]/", "http://[1::2::3]/", "http://[::1/",
                          "http://[12345::1]/", "http://[]/", "http://[fe80::1%25eth0]/",
                          "http://[v1.fe]/", "http://[::256.1.1.1]/", "http://[::1.2.3]/"}) {
    EXPECT_EQ(NormalizeHttpUrl(url), std::nullopt) << url;
  }
}

TEST(NormalizeHttpUrlTest, RefusesUrlsLongerThanTheLimitAfterNormalisation) {
  const std::string prefix = "http://example.com/";
  const std::string at_limit = prefix + std::string(2048 - prefix.size(), 'a');
  EXPECT_EQ(Norm(at_limit), at_limit);
  EXPECT_EQ(NormalizeHttpUrl(at_limit + "a"), std::nullopt);

  // Short input that grows past the limit: each space becomes "%20".
  EXPECT_EQ(NormalizeHttpUrl(prefix + std::string(700, ' ') + "x"), std::nullopt);
  // Long input that shrinks under it: the fragment, dot segments and tracking go.
  std::string shrinking = prefix;
  for (int i = 0; i < 1500; ++i) shrinking += "./";
  shrinking += "page?utm_source=" + std::string(3000, 'u') + "#" + std::string(3000, 'f');
  EXPECT_EQ(Norm(shrinking), "http://example.com/page");

  NormalizeOptions options;
  options.max_length = 24;
  EXPECT_EQ(Norm("http://example.com/abcde", options), "http://example.com/abcde");
  EXPECT_EQ(NormalizeHttpUrl("http://example.com/abcdef", options), std::nullopt);
}

TEST(NormalizeHttpUrlTest, NormalisingTwiceChangesNothing) {
  for (const char* url :
       {"HTTP://Example.COM:80/a/../b/%7e%2f?utm_source=x&q=a b#f", "https://[::1]:8443/x%zz",
        "http://example.com./caf\xC3\xA9?\"q\"", "http:\\\\example.com\\a\\b?c\\d"}) {
    const std::string once = Norm(url);
    ASSERT_NE(once, "<refused>") << url;
    EXPECT_EQ(Norm(once), once) << url;
  }
}

// ---------------------------------------------------------------------------------------
// ResolveHttpUrl

class ResolveHttpUrlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<HttpUrl> base = NormalizeHttpUrl("https://example.com/dir/page.html?x=1");
    ASSERT_TRUE(base.has_value());
    base_ = *base;
  }
  std::string Resolve(std::string_view reference) {
    const std::optional<HttpUrl> url = ResolveHttpUrl(base_, reference);
    return url ? url->ToString() : "<refused>";
  }
  HttpUrl base_;
};

TEST_F(ResolveHttpUrlTest, RelativeReferences) {
  EXPECT_EQ(Resolve("other.html"), "https://example.com/dir/other.html");
  EXPECT_EQ(Resolve("../up.html#section"), "https://example.com/up.html");
  EXPECT_EQ(Resolve("/abs?b=2"), "https://example.com/abs?b=2");
  EXPECT_EQ(Resolve("?q=1"), "https://example.com/dir/page.html?q=1");
  EXPECT_EQ(Resolve("#top"), "https://example.com/dir/page.html?x=1");
  EXPECT_EQ(Resolve(""), "https://example.com/dir/page.html?x=1");
  EXPECT_EQ(Resolve("//cdn.example.org/lib.js"), "https://cdn.example.org/lib.js");
  EXPECT_EQ(Resolve("../../../../etc"), "https://example.com/etc");
}

TEST_F(ResolveHttpUrlTest, AbsoluteReferences) {
  EXPECT_EQ(Resolve("HTTP://Other.Example:80/A"), "http://other.example/A");
  EXPECT_EQ(Resolve("mailto:someone@example.com"), "<refused>");
  EXPECT_EQ(Resolve("javascript:void(0)"), "<refused>");
  EXPECT_EQ(Resolve("tel:+123456"), "<refused>");
  EXPECT_EQ(Resolve("http:g"), "<refused>");  // Strict: a scheme, but no authority.
}

TEST_F(ResolveHttpUrlTest, TheReferenceIsCleanedUpBeforeResolution) {
  EXPECT_EQ(Resolve("  other page.html\n"), "https://example.com/dir/other%20page.html");
  EXPECT_EQ(Resolve("\tsub/\nfile.html "), "https://example.com/dir/sub/file.html");
  EXPECT_EQ(Resolve("..\\up\\file.html"), "https://example.com/up/file.html");
  EXPECT_EQ(Resolve("\\\\other.example\\x"), "https://other.example/x");
}

TEST_F(ResolveHttpUrlTest, ResultIsNormalised) {
  EXPECT_EQ(Resolve("%7Euser/./a/../b?utm_source=x&k=v"), "https://example.com/dir/~user/b?k=v");
  NormalizeOptions keep;
  keep.strip_tracking_params = false;
  const std::optional<HttpUrl> kept = ResolveHttpUrl(base_, "?utm_source=x", keep);
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->ToString(), "https://example.com/dir/page.html?utm_source=x");
  NormalizeOptions tiny;
  tiny.max_length = 30;
  EXPECT_EQ(ResolveHttpUrl(base_, "a-rather-long-file-name.html", tiny), std::nullopt);
}

TEST(ResolveHttpUrlBaseTest, BaseWithPortAndIpv6) {
  const std::optional<HttpUrl> base = NormalizeHttpUrl("http://[::1]:8080/a/b");
  ASSERT_TRUE(base.has_value());
  const std::optional<HttpUrl> url = ResolveHttpUrl(*base, "c?d");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->ToString(), "http://[::1]:8080/a/c?d");
}

}  // namespace
}  // namespace a11y
