// ParseSitemap: urlsets and sitemap indexes, with and without namespaces, gzipped or not,
// and the protocol's limits (50,000 locations, 50 MiB uncompressed).
#include "discovery/sitemap.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

namespace a11y {
namespace {

constexpr size_t kFiftyMiB = size_t{50} * 1024 * 1024;

// A gzip member of `data`, built the way servers build .xml.gz files.
std::string Gzip(const std::string& data, int level = Z_DEFAULT_COMPRESSION) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string Urlset(const std::vector<std::string>& locs) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const std::string& loc : locs) xml += "  <url><loc>" + loc + "</loc></url>\n";
  return xml + "</urlset>\n";
}

TEST(ParseSitemapTest, Urlset) {
  Result<SitemapContents> result = ParseSitemap(R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>
      https://example.com/a
    </loc>
    <lastmod>2024-01-01</lastmod>
    <changefreq>daily</changefreq>
    <image:image><image:loc>https://example.com/img.png</image:loc></image:image>
  </url>
  <url><loc><![CDATA[https://example.com/b?x=1&y=2]]></loc></url>
  <url><loc>https://example.com/c?x=1&amp;y=2</loc></url>
  <url><loc>   </loc></url>
  <url><lastmod>2024-01-01</lastmod></url>
  <url><loc>https://example.com/d<!-- split -->/e</loc></url>
</urlset>)");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->page_urls,
            (std::vector<std::string>{"https://example.com/a", "https://example.com/b?x=1&y=2",
                                      "https://example.com/c?x=1&y=2", "https://example.com/d/e"}));
  EXPECT_TRUE(result->sitemap_urls.empty());
}

TEST(ParseSitemapTest, SitemapIndex) {
  Result<SitemapContents> result = ParseSitemap(R"(<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://example.com/sitemap1.xml.gz</loc><lastmod>2024-01-01</lastmod></sitemap>
  <sitemap>
    <loc> https://example.com/sitemap2.xml </loc>
  </sitemap>
</sitemapindex>)");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->page_urls.empty());
  EXPECT_EQ(result->sitemap_urls, (std::vector<std::string>{"https://example.com/sitemap1.xml.gz",
                                                            "https://example.com/sitemap2.xml"}));
}

TEST(ParseSitemapTest, WithoutNamespace) {
  Result<SitemapContents> result =
      ParseSitemap("<urlset><url><loc>https://example.com/</loc></url></urlset>");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->page_urls, (std::vector<std::string>{"https://example.com/"}));
}

TEST(ParseSitemapTest, PrefixedNamespace) {
  Result<SitemapContents> result = ParseSitemap(
      "<sm:sitemapindex xmlns:sm='http://www.sitemaps.org/schemas/sitemap/0.9'>"
      "<sm:sitemap><sm:loc>https://example.com/s.xml</sm:loc></sm:sitemap>"
      "</sm:sitemapindex>");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->sitemap_urls, (std::vector<std::string>{"https://example.com/s.xml"}));
}

TEST(ParseSitemapTest, EmptyUrlsetIsValid) {
  Result<SitemapContents> result = ParseSitemap(Urlset({}));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->page_urls.empty());
  EXPECT_TRUE(result->sitemap_urls.empty());
}

TEST(ParseSitemapTest, Utf16BodyWithBom) {
  std::string utf8 = "<urlset><url><loc>https://example.com/\xc3\xa9</loc></url></urlset>";
  std::string utf16 = "\xff\xfe";
  // Every character here is below U+0100 except the é, which is U+00E9: one unit each.
  for (char c : std::string("<urlset><url><loc>https://example.com/")) {
    utf16 += c;
    utf16 += '\0';
  }
  utf16 += std::string("\xe9\0", 2);
  for (char c : std::string("</loc></url></urlset>")) {
    utf16 += c;
    utf16 += '\0';
  }
  Result<SitemapContents> result = ParseSitemap(utf16);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->page_urls, (std::vector<std::string>{"https://example.com/\xc3\xa9"}));
}

TEST(ParseSitemapTest, Gzipped) {
  Result<SitemapContents> result =
      ParseSitemap(Gzip(Urlset({"https://example.com/1", "https://example.com/2"})));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->page_urls,
            (std::vector<std::string>{"https://example.com/1", "https://example.com/2"}));
}

TEST(ParseSitemapTest, GzipWithSeveralMembers) {
  std::string xml = Urlset({"https://example.com/1", "https://example.com/2"});
  size_t half = xml.size() / 2;
  Result<SitemapContents> result = ParseSitemap(Gzip(xml.substr(0, half)) + Gzip(xml.substr(half)));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->page_urls,
            (std::vector<std::string>{"https://example.com/1", "https://example.com/2"}));
}

TEST(ParseSitemapTest, CorruptGzipIsInvalidArgument) {
  std::string gz = Gzip(Urlset({"https://example.com/1"}));
  for (size_t i = 10; i < gz.size() - 8; ++i) gz[i] = static_cast<char>(gz[i] ^ 0x5A);
  Result<SitemapContents> result = ParseSitemap(gz);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(result.status().message().find("sitemap: bad gzip"), std::string::npos)
      << result.status().message();
}

TEST(ParseSitemapTest, TruncatedGzipKeepsTheCompleteEntries) {
  std::vector<std::string> locs;
  for (int i = 0; i < 2'000; ++i) locs.push_back("https://example.com/page/" + std::to_string(i));
  std::string gz = Gzip(Urlset(locs), Z_NO_COMPRESSION);  // Stored: output tracks input.
  Result<SitemapContents> result = ParseSitemap(gz.substr(0, gz.size() / 2));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_GT(result->page_urls.size(), 100u);
  ASSERT_LT(result->page_urls.size(), locs.size());
  for (size_t i = 0; i < result->page_urls.size(); ++i) {
    EXPECT_EQ(result->page_urls[i], locs[i]);  // None cut in half.
  }
}

TEST(ParseSitemapTest, NotXmlIsInvalidArgument) {
  for (const std::string& body : {std::string("Hello, world"), std::string(""),
                                  std::string("<html><body><p>unclosed</body></html"),
                                  std::string("<urlset><url><loc>x</url></urlset>")}) {
    Result<SitemapContents> result = ParseSitemap(body);
    ASSERT_FALSE(result.ok()) << body;
    EXPECT_EQ(result.status().code(), Status::Code::kInvalidArgument) << body;
    EXPECT_EQ(result.status().message().rfind("sitemap: not XML: ", 0), 0u)
        << result.status().message();
  }
}

TEST(ParseSitemapTest, OtherXmlIsInvalidArgument) {
  Result<SitemapContents> result =
      ParseSitemap("<rss version='2.0'><channel><link>https://example.com/</link></channel></rss>");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(result.status().message().find("<rss>"), std::string::npos)
      << result.status().message();
}

TEST(ParseSitemapTest, EntityDeclarationsAreNotExpanded) {
  // A "billion laughs" DTD: the parser must neither expand it nor fail on it.
  Result<SitemapContents> result = ParseSitemap(
      "<?xml version='1.0'?><!DOCTYPE urlset [<!ENTITY a 'aaaaaaaaaa'>"
      "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'><!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;'>]>"
      "<urlset><url><loc>https://example.com/&c;</loc></url></urlset>");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->page_urls.size(), 1u);
  EXPECT_LT(result->page_urls[0].size(), 100u);
}

TEST(ParseSitemapTest, ReadsAtMostFiftyThousandLocations) {
  std::vector<std::string> locs;
  for (int i = 0; i < 50'010; ++i) locs.push_back("https://example.com/" + std::to_string(i));
  Result<SitemapContents> result = ParseSitemap(Gzip(Urlset(locs)));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->page_urls.size(), 50'000u);
  EXPECT_EQ(result->page_urls.front(), "https://example.com/0");
  EXPECT_EQ(result->page_urls.back(), "https://example.com/49999");
}

// A urlset whose second entry starts past 50 MiB, gzipped into well under 1 MiB.
std::string OversizedUrlset() {
  std::string xml = "<urlset><url><loc>https://example.com/first</loc></url>";
  xml.append(kFiftyMiB, ' ');
  xml += "<url><loc>https://example.com/past-the-cap</loc></url></urlset>";
  return xml;
}

TEST(ParseSitemapTest, GzipPastFiftyMiBIsCutNotRefused) {
  std::string gz = Gzip(OversizedUrlset(), Z_BEST_SPEED);
  ASSERT_LT(gz.size(), size_t{1} << 20);
  Result<SitemapContents> result = ParseSitemap(gz);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->page_urls, (std::vector<std::string>{"https://example.com/first"}));
}

TEST(ParseSitemapTest, PlainBodyPastFiftyMiBIsCutNotRefused) {
  Result<SitemapContents> result = ParseSitemap(OversizedUrlset());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->page_urls, (std::vector<std::string>{"https://example.com/first"}));
}

TEST(ParseSitemapTest, LocCutByTheCapIsDropped) {
  // The cap falls inside the second <loc>'s text: half a URL must not be reported.
  std::string head = "<urlset><url><loc>https://example.com/first</loc></url>";
  std::string open = "<url><loc>https://example.com/";
  std::string xml = head + std::string(kFiftyMiB - head.size() - open.size() - 5, ' ') + open +
                    "second-half-beyond-the-cap</loc></url></urlset>";
  Result<SitemapContents> result = ParseSitemap(Gzip(xml, Z_BEST_SPEED));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->page_urls, (std::vector<std::string>{"https://example.com/first"}));
}

}  // namespace
}  // namespace a11y
