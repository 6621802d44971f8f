#include "discovery/markup_guard.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <map>
#include <utility>
#include <vector>

#include "core/ascii.h"

namespace a11y {
namespace {

// Gumbo answers "is there a <p> in button scope?" for every block start tag by scanning
// the stack of open elements, so each <div> costs O(depth): 100,000 nested <div>s take
// ~16 s. Browsers cap the depth instead (Chromium at 512). We do the same before gumbo
// sees the page: a light tokenizer tracks the open elements, and start tags past the cap
// (with their end tags) are cut out of the source, which flattens the deep content into
// the element at the cap. Its text and links survive. Formatting elements get a cap of
// their own (see IsFormattingElement). Pages within the caps pass unchanged.

// Chromium's parser stops nesting at this depth too (kMaximumHTMLParserDOMTreeDepth).
constexpr size_t kMaxNestingDepth = 512;
// Formatting elements (<b>, <font>...) open at once; see IsFormattingElement.
constexpr size_t kMaxOpenFormatting = 16;

bool IsVoidElement(std::string_view name) {
  static constexpr auto kVoid = std::to_array<std::string_view>(
      {"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
       "input", "keygen", "link", "meta", "param", "source", "track", "wbr"});
  return IsOneOf(name, kVoid);
}

// Elements whose content the tokenizer reads as text up to the matching end tag.
bool IsRawTextElement(std::string_view name) {
  static constexpr auto kRaw = std::to_array<std::string_view>(
      {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"});
  return IsOneOf(name, kRaw);
}

// Elements the model neither counts nor cuts: those a sibling closes implicitly (so they
// never nest by themselves), the document skeleton, and <a>, which cannot nest in itself
// and must never be cut because it carries the links.
bool IsUntrackedElement(std::string_view name) {
  static constexpr auto kUntracked = std::to_array<std::string_view>(
      {"html", "head",  "body",  "p",     "li",       "dt", "dd", "option", "optgroup", "tr", "td",
       "th",   "tbody", "thead", "tfoot", "colgroup", "rb", "rt", "rtc",    "rp",       "a"});
  return IsOneOf(name, kUntracked);
}

// The formatting elements other than <a>. The parser remembers them past their element's
// end (so that "<b>1<p>2</b>" bolds the 2) and re-creates every remembered one before
// each run of text: with thousands open, every paragraph gets thousands of clones (20,000
// "<b id=N><p>x" take gumbo ~50 s). Cutting the excess changes only styling.
bool IsFormattingElement(std::string_view name) {
  static constexpr auto kFormatting = std::to_array<std::string_view>(
      {"b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"});
  return IsOneOf(name, kFormatting);
}

class NestingFlattener {
 public:
  explicit NestingFlattener(std::string_view html) : html_(html) {}

  // The page with over-deep tags cut out, or nullopt when nothing was cut.
  std::optional<std::string> Run() {
    size_t pos = 0;
    while ((pos = html_.find('<', pos)) != std::string_view::npos) pos = Markup(pos);
    if (cuts_.empty()) return std::nullopt;
    std::string out;
    out.reserve(html_.size());
    size_t from = 0;
    for (const auto& [begin, end] : cuts_) {
      out.append(html_.substr(from, begin - from));
      from = end;
    }
    out.append(html_.substr(from));
    return out;
  }

 private:
  // Handles the markup starting at the '<' at `pos`; returns where scanning resumes.
  size_t Markup(size_t pos) {
    std::string_view rest = html_.substr(pos);
    if (rest.starts_with("<!--")) return SkipPast(pos + 2, "-->");
    if (rest.size() < 2) return html_.size();
    if (rest[1] == '!' || rest[1] == '?') return SkipPast(pos, ">");
    if (rest[1] == '/' && rest.size() > 2 && IsAsciiAlpha(rest[2])) return EndTag(pos);
    if (IsAsciiAlpha(rest[1])) return StartTag(pos);
    return pos + 1;  // A literal '<' in text.
  }

  size_t SkipPast(size_t pos, std::string_view terminator) const {
    size_t found = html_.find(terminator, pos);
    return found == std::string_view::npos ? html_.size() : found + terminator.size();
  }

  // Reads the tag name after `name_begin`; returns the position after it.
  size_t ReadName(size_t name_begin, std::string* name) const {
    size_t pos = name_begin;
    while (pos < html_.size() && !IsAsciiSpace(html_[pos]) && html_[pos] != '/' &&
           html_[pos] != '>') {
      ++pos;
    }
    *name = ToLowerAscii(html_.substr(name_begin, pos - name_begin));
    return pos;
  }

  // Skips attributes (quotes may hide a '>') to just past the tag's '>'. Sets
  // *self_closing when the tag ends in "/>".
  size_t SkipAttributes(size_t pos, bool* self_closing) const {
    bool after_equals = false;
    while (pos < html_.size()) {
      char c = html_[pos];
      if (c == '>') {
        *self_closing = pos > 0 && html_[pos - 1] == '/';
        return pos + 1;
      }
      if (after_equals && (c == '"' || c == '\'')) {
        size_t close = html_.find(c, pos + 1);
        if (close == std::string_view::npos) return html_.size();
        pos = close + 1;
        after_equals = false;
        continue;
      }
      if (c == '=') {
        after_equals = true;
      } else if (!IsAsciiSpace(c)) {
        after_equals = false;
      }
      ++pos;
    }
    return pos;
  }

  size_t StartTag(size_t tag_begin) {
    std::string name;
    bool self_closing = false;
    size_t tag_end = SkipAttributes(ReadName(tag_begin + 1, &name), &self_closing);
    if (name == "plaintext") return html_.size();  // Everything after it is text.
    if (IsRawTextElement(name)) return SkipRawText(tag_end, name);
    if (IsVoidElement(name) || IsUntrackedElement(name)) return tag_end;
    // Inside <svg>/<math>, "/>" closes the element; in HTML it is ignored.
    if (self_closing && foreign_depth_ > 0) return tag_end;
    if (IsFormattingElement(name)) {
      if (formatting_total_ >= kMaxOpenFormatting) return Cut(tag_begin, tag_end, name);
      ++formatting_open_[name];
      ++formatting_total_;
      return tag_end;
    }
    if (open_.size() >= kMaxNestingDepth) return Cut(tag_begin, tag_end, name);
    if (name == "svg" || name == "math") ++foreign_depth_;
    open_.push_back(std::move(name));
    return tag_end;
  }

  size_t Cut(size_t tag_begin, size_t tag_end, const std::string& name) {
    ++cut_open_[name];
    cuts_.emplace_back(tag_begin, tag_end);
    return tag_end;
  }

  size_t EndTag(size_t tag_begin) {
    std::string name;
    bool self_closing = false;
    size_t tag_end = SkipAttributes(ReadName(tag_begin + 2, &name), &self_closing);
    if (IsVoidElement(name) || IsUntrackedElement(name)) return tag_end;
    if (auto it = cut_open_.find(name); it != cut_open_.end() && it->second > 0) {
      --it->second;
      cuts_.emplace_back(tag_begin, tag_end);
      return tag_end;
    }
    if (IsFormattingElement(name)) {
      if (auto it = formatting_open_.find(name); it != formatting_open_.end() && it->second > 0) {
        --it->second;
        --formatting_total_;
      }
      return tag_end;
    }
    // Like the parser, an end tag closes its element and everything left open inside it.
    // The search is bounded by the cap, so this stays linear in the page size.
    auto it = std::find(open_.rbegin(), open_.rend(), name);
    if (it == open_.rend()) return tag_end;  // Stray: the parser ignores it.
    size_t new_size = static_cast<size_t>(open_.rend() - it) - 1;
    for (size_t i = new_size; i < open_.size(); ++i) {
      if (open_[i] == "svg" || open_[i] == "math") --foreign_depth_;
    }
    open_.resize(new_size);
    return tag_end;
  }

  // Skips raw text up to and including "</name".
  size_t SkipRawText(size_t pos, std::string_view name) const {
    std::string closing = "</" + std::string(name);
    while ((pos = html_.find("</", pos)) != std::string_view::npos) {
      if (StartsWithIgnoreCase(html_.substr(pos), closing)) return pos + closing.size();
      pos += 2;
    }
    return html_.size();
  }

  std::string_view html_;
  std::vector<std::string> open_;           // The modelled stack of open elements.
  size_t foreign_depth_ = 0;                // <svg>/<math> elements in open_.
  std::map<std::string, size_t> cut_open_;  // Cut start tags whose end tag is still due.
  // Formatting elements open by name, counted until their own end tag (which is later
  // than the parser forgets them, so this errs towards cutting).
  std::map<std::string, size_t> formatting_open_;
  size_t formatting_total_ = 0;
  std::vector<std::pair<size_t, size_t>> cuts_;  // Byte ranges to remove, in order.
};

}  // namespace

std::optional<std::string> CapMarkupNesting(std::string_view html) {
  return NestingFlattener(html).Run();
}

}  // namespace a11y
