// Sitemaps (sitemaps.org protocol): a urlset of page URLs, or a sitemapindex naming other
// sitemaps; either may be gzip-compressed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace a11y {

struct SitemapContents {
  std::vector<std::string> page_urls;  // <urlset><url><loc>, trimmed, in order.
  std::vector<std::string> sitemap_urls;  // <sitemapindex><sitemap><loc>.
};

// Parses a sitemap body, gunzipping it first when it starts with the gzip magic bytes.
// Reads at most 50,000 locations and 50 MiB uncompressed (the protocol's limits); a body
// over them is cut there, not refused. kInvalidArgument for a body that is neither XML
// sitemap nor a gzip of one, with the reason.
Result<SitemapContents> ParseSitemap(std::string_view body);

}  // namespace a11y
