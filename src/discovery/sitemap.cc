#include "discovery/sitemap.h"

// zlib then takes const input pointers, so the body needs no const_cast.
#define ZLIB_CONST
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <memory>
#include <pugixml.hpp>
#include <string>
#include <utility>
#include <vector>

namespace a11y {
namespace {

// The sitemaps.org limits for one file.
constexpr size_t kMaxUncompressedBytes = size_t{50} * 1024 * 1024;
constexpr size_t kMaxLocations = 50'000;
// zlib counts input in uInt; feed a huge body in slices.
constexpr size_t kMaxInflateSlice = size_t{1} << 30;
constexpr size_t kInitialInflateBuffer = size_t{64} * 1024;

bool StartsWithGzipMagic(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1F &&
         static_cast<unsigned char>(bytes[1]) == 0x8B;
}

struct Xml {
  std::string text;
  bool cut_short = false;  // Cut at the size cap, or the gzip stream ended early.
};

struct InflateEnder {
  void operator()(z_stream* stream) const { inflateEnd(stream); }
};

// Gunzips `body`, stopping at the size cap. A truncated stream (a download cut short)
// yields what it holds, like a body over the cap; corrupt data is an error. Concatenated
// gzip members (which `gzip -c a b` makes and gunzip accepts) are read in turn.
Result<Xml> Gunzip(std::string_view body) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
    return Status::Internal("sitemap: inflateInit2 failed");
  }
  std::unique_ptr<z_stream, InflateEnder> ender(&stream);
  Xml xml;
  std::string out;
  // One byte past the cap tells "more than the cap" from "exactly the cap".
  const size_t limit = kMaxUncompressedBytes + 1;
  size_t produced = 0;
  size_t fed = 0;  // Bytes of `body` handed to zlib so far.
  for (;;) {
    if (stream.avail_in == 0 && fed < body.size()) {
      size_t slice = std::min(body.size() - fed, kMaxInflateSlice);
      stream.next_in = reinterpret_cast<const Bytef*>(body.data() + fed);
      stream.avail_in = static_cast<uInt>(slice);
      fed += slice;
    }
    if (produced == out.size()) {
      if (out.size() >= limit) break;
      out.resize(std::min(limit, std::max(out.size() * 2, kInitialInflateBuffer)));
    }
    // Each call is bounded by the room left in `out`, so the cap holds while inflating.
    size_t room = std::min(out.size() - produced, size_t{UINT_MAX});
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    stream.avail_out = static_cast<uInt>(room);
    int rc = inflate(&stream, Z_NO_FLUSH);
    produced += room - stream.avail_out;
    if (rc == Z_STREAM_END) {
      std::string_view rest = body.substr(fed - stream.avail_in);
      if (!StartsWithGzipMagic(rest) || inflateReset(&stream) != Z_OK) break;
    } else if (rc == Z_BUF_ERROR) {
      if (stream.avail_out != 0) {  // The input ran out mid-stream: keep what we have.
        xml.cut_short = true;
        break;
      }
    } else if (rc != Z_OK) {
      return Status::InvalidArgument(std::string("sitemap: bad gzip: ") +
                                     (stream.msg != nullptr ? stream.msg : "corrupt data"));
    }
  }
  xml.cut_short |= produced > kMaxUncompressedBytes;
  out.resize(std::min(produced, kMaxUncompressedBytes));
  xml.text = std::move(out);
  return xml;
}

// "sm:loc" -> "loc". Sitemaps come with the sitemaps.org namespace as the default, with a
// prefix, or with none; the element names alone identify the structure.
std::string_view LocalName(const pugi::xml_node& node) {
  std::string_view name = node.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string_view TrimXmlSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

// The text of a <loc>: every text and CDATA child (a comment may split it), trimmed.
std::string LocText(const pugi::xml_node& loc) {
  std::string text;
  for (const pugi::xml_node& child : loc.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text += child.value();
    }
  }
  return std::string(TrimXmlSpace(text));
}

// Appends the first non-empty <loc> of each `entry_name` child of `root` to `out`.
void CollectLocations(const pugi::xml_node& root, std::string_view entry_name,
                      std::vector<std::string>* out) {
  for (const pugi::xml_node& entry : root.children()) {
    if (out->size() >= kMaxLocations) return;
    if (entry.type() != pugi::node_element || LocalName(entry) != entry_name) continue;
    for (const pugi::xml_node& field : entry.children()) {
      if (field.type() != pugi::node_element || LocalName(field) != "loc") continue;
      std::string loc = LocText(field);
      if (loc.empty()) continue;
      out->push_back(std::move(loc));
      break;
    }
  }
}

Result<SitemapContents> ParseXml(Xml xml) {
  if (xml.cut_short) {
    // Drop the partial text after the last markup, so a URL cut in half is not read.
    size_t last_tag_end = xml.text.rfind('>');
    xml.text.resize(last_tag_end == std::string::npos ? 0 : last_tag_end + 1);
  }
  pugi::xml_document document;
  // In place: the text can be 50 MiB and is ours to scribble on. pugixml expands only
  // the predefined and numeric entities and never reads a DTD, so no entity bombs or
  // external entities.
  pugi::xml_parse_result parsed =
      document.load_buffer_inplace(xml.text.data(), xml.text.size(), pugi::parse_default);
  pugi::xml_node root = document.document_element();
  // A cut document cannot close its elements; pugixml keeps the part it parsed.
  if (!parsed && !(xml.cut_short && root)) {
    return Status::InvalidArgument(std::string("sitemap: not XML: ") + parsed.description());
  }
  SitemapContents contents;
  std::string_view root_name = LocalName(root);
  if (root_name == "urlset") {
    CollectLocations(root, "url", &contents.page_urls);
  } else if (root_name == "sitemapindex") {
    CollectLocations(root, "sitemap", &contents.sitemap_urls);
  } else {
    return Status::InvalidArgument("sitemap: root element <" + std::string(root.name()) +
                                   "> is neither urlset nor sitemapindex");
  }
  return contents;
}

}  // namespace

Result<SitemapContents> ParseSitemap(std::string_view body) {
  if (StartsWithGzipMagic(body)) {
    Result<Xml> xml = Gunzip(body);
    if (!xml.ok()) return xml.status();
    return ParseXml(std::move(xml).value());
  }
  Xml xml;
  xml.cut_short = body.size() > kMaxUncompressedBytes;
  xml.text = std::string(body.substr(0, kMaxUncompressedBytes));
  return ParseXml(std::move(xml));
}

}  // namespace a11y
