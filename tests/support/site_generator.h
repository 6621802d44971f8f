// A deterministic static website on disk, for crawling with NginxServer: a tree of pages
// with cross links, documents, external links, a sitemap and robots.txt, in the shapes a
// crawler must cope with (relative, root-relative, absolute and "../" hrefs, fragments,
// mailto: and javascript: links). Same spec and seed, same bytes.
//
// Layout: page 0 is /index.html (served as "/"); page i > 0 is /s{i%10}/p{i}.html. Page
// i links to its tree children i*children_per_page+1 .. i*children_per_page+children,
// to cross_links_per_page pseudo-random pages and back to "/". Orphan pages follow the
// linked ones (same layout, numbered from `pages`) and are listed only in sitemaps.
// Documents are /docs/doc{k}.{pdf,docx,xlsx}.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace a11y::testing {

struct SiteSpec {
  int pages = 100;  // Linked pages, "/" included.
  int children_per_page = 5;
  int cross_links_per_page = 3;
  int documents = 10;
  int orphan_pages = 0;  // Linked from no page, listed only in sitemap.xml.
  bool sitemap = false;  // Writes /sitemap.xml.
  // Writes /sitemap.xml.gz (whatever `sitemap` says) and, unless robots_txt is given, a
  // robots.txt whose only way to it is "Sitemap: {BASE}/sitemap.xml.gz".
  bool sitemap_gzip = false;
  // Written as /robots.txt when non-empty; "{BASE}" is replaced by the base URL.
  std::string robots_txt;
  int page_padding_bytes = 0;  // Filler text per page, to set the page size.
  uint32_t seed = 1;
};

struct GeneratedPage {
  std::string path;  // "/" for page 0, else "/s3/p13.html".
  int depth;  // Shortest link distance from "/" over the links written (orphans: -1).
};

struct GeneratedSite {
  std::vector<GeneratedPage> pages;  // Page i at index i, "/" first, orphans last.
  std::vector<std::string> document_paths;  // "/docs/doc0.pdf"...: each linked at least once.
  // Distinct http://external.invalid/... URLs linked from pages; never to be fetched.
  std::vector<std::string> external_urls;
};

// Writes the site under `root` (created if missing; existing files are overwritten, not
// removed). `base_url` ("http://127.0.0.1:PORT", no trailing slash) is used for absolute
// links, the sitemaps and robots.txt.
GeneratedSite GenerateSite(const std::filesystem::path& root, const std::string& base_url,
                           const SiteSpec& spec);

}  // namespace a11y::testing
