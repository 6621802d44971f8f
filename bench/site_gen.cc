// Writes a generated static site for crawl benchmarks (serve it with nginx), with the
// SiteSpec defaults and a sitemap, and prints one JSON line: {"pages":N,"documents":M}.
//
//   site_gen DIR BASE_URL PAGES [PADDING_BYTES]
//   site_gen /tmp/site http://127.0.0.1:8080 10000 20000
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/support/site_generator.h"

namespace {

// A whole-string non-negative integer, or -1: a typo must not become "0 pages".
long ParseCount(const char* text) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  return (end == text || *end != '\0' || value < 0) ? -1 : value;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::fprintf(stderr, "usage: %s DIR BASE_URL PAGES [PADDING_BYTES]\n", argv[0]);
    return 2;
  }
  a11y::testing::SiteSpec spec;
  spec.sitemap = true;
  const long pages = ParseCount(argv[3]);
  const long padding = argc == 5 ? ParseCount(argv[4]) : 0;
  if (pages < 1 || pages > 10'000'000 || padding < 0 || padding > 100'000'000) {
    std::fprintf(stderr, "PAGES must be 1..10000000 and PADDING_BYTES 0..100000000\n");
    return 2;
  }
  spec.pages = static_cast<int>(pages);
  spec.page_padding_bytes = static_cast<int>(padding);
  const auto site = a11y::testing::GenerateSite(argv[1], argv[2], spec);
  std::printf("{\"pages\":%zu,\"documents\":%zu}\n", site.pages.size(),
              site.document_paths.size());
  return 0;
}
