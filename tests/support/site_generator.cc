#include "tests/support/site_generator.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <random>
#include <set>
#include <string_view>

namespace a11y::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kDirectories = 10;  // Pages spread over /s0 .. /s9.
constexpr int kExternalSites = 20;
constexpr std::string_view kFiller =
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua. ";

struct Link {
  std::string href;
  std::string text;
  int target = -1;  // Page index, or -1 for anything that is not a page.
};

// How a link is spelled. All spellings of one target resolve to the same URL, so a
// crawler that resolves hrefs correctly sees exactly the pages listed, no more.
enum class HrefStyle { kAbsoluteUrl, kRootRelative, kRelative, kDotRelative };
constexpr int kHrefStyles = 4;

std::string PagePath(int page) {
  if (page == 0) return "/";
  return "/s" + std::to_string(page % kDirectories) + "/p" + std::to_string(page) + ".html";
}

// The folder a page's relative links are resolved against: "/" or "/s3/".
std::string DirectoryOf(int page) {
  return page == 0 ? "/" : "/s" + std::to_string(page % kDirectories) + "/";
}

std::string DocumentPath(int document) {
  static constexpr const char* kExtensions[] = {"pdf", "docx", "xlsx"};
  return "/docs/doc" + std::to_string(document) + "." + kExtensions[document % 3];
}

// `to` (an absolute path) spelled relative to folder `from_dir` ("/" or "/sN/"). Every
// target lives at most one folder deep, so one "../" always suffices.
std::string RelativeHref(const std::string& from_dir, const std::string& to, bool dot) {
  if (to.compare(0, from_dir.size(), from_dir) == 0) {
    const std::string rest = to.substr(from_dir.size());
    if (rest.empty()) return "./";  // The folder itself: only "/" from the root.
    return dot ? "./" + rest : rest;
  }
  return ".." + to;  // from "/sN/": "../s3/p13.html", "../docs/doc1.pdf", "../" for "/".
}

std::string Href(HrefStyle style, const std::string& base_url, const std::string& from_dir,
                 const std::string& to) {
  switch (style) {
    case HrefStyle::kAbsoluteUrl: return base_url + to;
    case HrefStyle::kRootRelative: return to;
    case HrefStyle::kRelative: return RelativeHref(from_dir, to, false);
    case HrefStyle::kDotRelative: return RelativeHref(from_dir, to, true);
  }
  return to;
}

// Draws with plain modulo rather than std::uniform_int_distribution, whose output is
// left to each standard library: the site must be the same wherever the tests build.
class Dice {
 public:
  explicit Dice(uint32_t seed) : engine_(seed) {}
  int Below(int n) { return n <= 0 ? 0 : static_cast<int>(engine_() % static_cast<uint32_t>(n)); }
  HrefStyle Style() { return static_cast<HrefStyle>(Below(kHrefStyles)); }

 private:
  std::mt19937 engine_;
};

std::string External(int page) {
  return "http://external.invalid/site" + std::to_string(page % kExternalSites) + "/page.html";
}

// Every link on page `page`, in document order. Orphans (page >= spec.pages) link only
// outward, back to "/", so nothing points at them.
std::vector<Link> PlanLinks(int page, const SiteSpec& spec, const std::string& base_url,
                            Dice& dice) {
  const std::string dir = DirectoryOf(page);
  std::vector<Link> links;
  auto add_page = [&](int target, std::string text) {
    links.push_back({Href(dice.Style(), base_url, dir, PagePath(target)), std::move(text), target});
  };
  add_page(0, "Home");
  links.push_back({"#top", "Back to top", -1});
  const bool linked = page < spec.pages;
  if (linked) {
    const int64_t first = int64_t{page} * spec.children_per_page + 1;
    for (int64_t child = first; child < first + spec.children_per_page && child < spec.pages;
         ++child) {
      add_page(static_cast<int>(child), "Child page " + std::to_string(child));
    }
    for (int k = 0; k < spec.cross_links_per_page; ++k) {
      const int target = dice.Below(spec.pages);
      add_page(target, "Related page " + std::to_string(target));
    }
    for (int document = page; document < spec.documents && spec.pages > 0;
         document += spec.pages) {
      const std::string path = DocumentPath(document);
      const std::string text =
          "Document " + std::to_string(document) + " (" + path.substr(path.rfind('.') + 1) + ")";
      links.push_back({Href(dice.Style(), base_url, dir, path), text, -1});
    }
    if (page % 2 == 0) links.push_back({External(page), "Partner site", -1});
  }
  links.push_back({"mailto:webmaster@example.invalid", "Email us", -1});
  links.push_back({"javascript:void(0)", "Print this page", -1});
  return links;
}

std::string Filler(int bytes) {
  std::string filler;
  filler.reserve(static_cast<size_t>(bytes));
  while (filler.size() < static_cast<size_t>(bytes)) filler += kFiller;
  filler.resize(static_cast<size_t>(bytes));
  return filler;
}

std::string RenderPage(int page, const std::vector<Link>& links, const std::string& filler) {
  const std::string title = "Page " + std::to_string(page);
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + title +
      "</title>\n</head>\n<body>\n<h1 id=\"top\">" + title + "</h1>\n<nav>\n<ul>\n";
  for (const auto& link : links) {
    html += "<li><a href=\"" + link.href + "\">" + link.text + "</a></li>\n";
  }
  html += "</ul>\n</nav>\n";
  if (!filler.empty()) html += "<p>" + filler + "</p>\n";
  html += "</body>\n</html>\n";
  return html;
}

void WriteFile(const fs::path& path, std::string_view bytes) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return;
  std::fwrite(bytes.data(), 1, bytes.size(), file);
  std::fclose(file);
}

// zlib's gz writer stores mtime 0, so the compressed bytes are deterministic too.
void WriteGzip(const fs::path& path, std::string_view bytes) {
  gzFile file = gzopen(path.c_str(), "wb9");
  if (file == nullptr) return;
  gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(file);
}

// Small but well-formed enough for anything that sniffs magic bytes.
std::string DocumentBytes(const std::string& path) {
  if (path.ends_with(".pdf")) {
    return "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
           "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
  }
  // .docx and .xlsx are zip archives; this is an empty one (end-of-directory record only).
  return std::string("PK\x05\x06", 4) + std::string(18, '\0');
}

// Shortest link distance from "/" over the planned links; -1 where none reaches.
std::vector<int> BreadthFirstDepths(const std::vector<std::vector<Link>>& links) {
  std::vector<int> depth(links.size(), -1);
  if (links.empty()) return depth;
  std::deque<int> queue = {0};
  depth[0] = 0;
  while (!queue.empty()) {
    const int page = queue.front();
    queue.pop_front();
    for (const auto& link : links[page]) {
      if (link.target >= 0 && depth[link.target] < 0) {
        depth[link.target] = depth[page] + 1;
        queue.push_back(link.target);
      }
    }
  }
  return depth;
}

std::string Sitemap(const std::string& base_url, const std::vector<GeneratedPage>& pages) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const auto& page : pages) xml += "<url><loc>" + base_url + page.path + "</loc></url>\n";
  xml += "</urlset>\n";
  return xml;
}

std::string ReplaceAll(std::string text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

void WriteSiteFiles(const fs::path& root, const std::string& base, const SiteSpec& spec,
                    const GeneratedSite& site) {
  if (spec.sitemap) WriteFile(root / "sitemap.xml", Sitemap(base, site.pages));
  if (spec.sitemap_gzip) WriteGzip(root / "sitemap.xml.gz", Sitemap(base, site.pages));
  std::string robots = spec.robots_txt;
  if (robots.empty() && spec.sitemap_gzip) {
    robots = "User-agent: *\nDisallow:\n\nSitemap: {BASE}/sitemap.xml.gz\n";
  }
  if (!robots.empty()) WriteFile(root / "robots.txt", ReplaceAll(robots, "{BASE}", base));
  for (const auto& document : site.document_paths) {
    WriteFile(root / document.substr(1), DocumentBytes(document));
  }
}

}  // namespace

GeneratedSite GenerateSite(const std::filesystem::path& root, const std::string& base_url,
                           const SiteSpec& spec) {
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  fs::create_directories(root / "docs");
  for (int d = 0; d < kDirectories; ++d) fs::create_directories(root / ("s" + std::to_string(d)));

  const int total = std::max(spec.pages, 0) + std::max(spec.orphan_pages, 0);
  Dice dice(spec.seed);
  std::vector<std::vector<Link>> links;
  links.reserve(static_cast<size_t>(total));
  for (int page = 0; page < total; ++page) links.push_back(PlanLinks(page, spec, base, dice));

  const std::vector<int> depth = BreadthFirstDepths(links);
  const std::string filler = Filler(spec.page_padding_bytes);
  GeneratedSite site;
  std::set<std::string> externals;
  for (int page = 0; page < total; ++page) {
    site.pages.push_back({PagePath(page), depth[page]});
    const std::string file = page == 0 ? "index.html" : PagePath(page).substr(1);
    WriteFile(root / file, RenderPage(page, links[page], filler));
    for (const auto& link : links[page]) {
      if (link.href.starts_with("http://external.invalid/")) externals.insert(link.href);
    }
  }
  for (int document = 0; document < spec.documents && spec.pages > 0; ++document) {
    site.document_paths.push_back(DocumentPath(document));
  }
  site.external_urls.assign(externals.begin(), externals.end());
  WriteSiteFiles(root, base, spec, site);
  return site;
}

}  // namespace a11y::testing
