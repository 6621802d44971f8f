// The checker's DOM: an HTML5 parse (gumbo) copied into a small tree of our own that keeps
// each element's source position, so findings can point at the line and the markup.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace a11y::checks {

enum class NodeKind { kDocument, kElement, kText, kComment };
enum class Namespace { kHtml, kSvg, kMathMl };

struct Attribute {
  std::string name;  // Lower case, as the HTML parser reports it.
  std::string value;
};

// Tag and attribute names are a few bytes long and compared millions of times a run: after
// the length test, an inline byte loop costs less than the call to memcmp that == makes.
inline bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

class Node {
 public:
  NodeKind kind = NodeKind::kElement;
  Namespace ns = Namespace::kHtml;
  std::string tag;   // Lower-case local name of an element ("svg" children keep theirs).
  std::string text;  // Text and comment nodes.
  std::vector<Attribute> attributes;
  Node* parent = nullptr;
  std::vector<Node*> children;
  size_t order = 0;          // Position in document order, 0 for the document itself.
  int line = 0;              // 1-based source line of the start tag (0: implied by the parser).
  int column = 0;            // 1-based column.
  std::string_view source;   // The start tag as written in the source (empty when implied).

  bool is_element() const { return kind == NodeKind::kElement; }
  bool is_text() const { return kind == NodeKind::kText; }

  // True for an HTML-namespace element named `name` (lower case).
  bool Is(std::string_view name) const {
    return kind == NodeKind::kElement && ns == Namespace::kHtml && SameName(tag, name);
  }
  bool IsAnyOf(std::initializer_list<std::string_view> names) const {
    if (kind != NodeKind::kElement || ns != Namespace::kHtml) return false;
    for (std::string_view name : names) {
      if (SameName(tag, name)) return true;
    }
    return false;
  }

  // The attribute's value, or nullptr when the element does not have it.
  const std::string* Attr(std::string_view name) const {
    for (const Attribute& attribute : attributes) {
      if (SameName(attribute.name, name)) return &attribute.value;
    }
    return nullptr;
  }
  bool HasAttr(std::string_view name) const { return Attr(name) != nullptr; }
  // The value, or "" when absent.
  std::string_view AttrOr(std::string_view name, std::string_view fallback = {}) const {
    const std::string* value = Attr(name);
    return value != nullptr ? std::string_view(*value) : fallback;
  }

  // The concatenated data of every descendant text node (DOM textContent).
  std::string TextContent() const;

  // Child elements only, in order.
  std::vector<const Node*> ChildElements() const;
  // The nearest ancestor element for which `pred` holds, or nullptr.
  template <typename Pred>
  const Node* Closest(Pred pred) const {
    for (const Node* n = parent; n != nullptr; n = n->parent) {
      if (n->is_element() && pred(*n)) return n;
    }
    return nullptr;
  }
  // True when `other` is this node or one of its descendants.
  bool Contains(const Node& other) const;
};

class Document {
 public:
  // Parses `html` (UTF-8) as a browser would. Never fails: any bytes give some tree.
  // Hostile nesting is capped first (see discovery/markup_guard.h).
  static std::unique_ptr<Document> Parse(std::string html);

  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  const Node& root() const { return *root_; }
  const Node* html() const { return html_; }
  const Node* head() const { return head_; }
  const Node* body() const { return body_; }
  // True when the source began with a <!DOCTYPE ...>.
  bool has_doctype() const { return has_doctype_; }
  std::string_view doctype_name() const { return doctype_name_; }

  // Every element in document order.
  const std::vector<const Node*>& elements() const { return elements_; }
  // Elements with tag `name` (HTML namespace) in document order.
  std::vector<const Node*> ElementsByTag(std::string_view name) const;
  // The first element whose id is `id`, as getElementById; nullptr when none.
  const Node* ElementById(std::string_view id) const;
  // How many elements carry id `id`.
  size_t CountId(std::string_view id) const;
  // The elements named by an ID reference list (aria-labelledby="a b"); missing ids skipped.
  std::vector<const Node*> ElementsByIdList(std::string_view ids) const;

  // Where a finding points: an absolute XPath (/html/body/div[2]/input), a CSS selector
  // unique in this document, and the start tag as written, shortened to about 200 bytes.
  static std::string XPath(const Node& node);
  std::string CssSelector(const Node& node) const;
  static std::string Snippet(const Node& node);

  const std::string& source() const { return source_; }

 private:
  Document() = default;

  std::string source_;
  std::deque<Node> nodes_;
  Node* root_ = nullptr;
  const Node* html_ = nullptr;
  const Node* head_ = nullptr;
  const Node* body_ = nullptr;
  bool has_doctype_ = false;
  std::string doctype_name_;
  std::vector<const Node*> elements_;
  std::unordered_multimap<std::string_view, const Node*> ids_;

  friend class DocumentBuilder;
};

// Splits on ASCII whitespace (HTML's "set of space-separated tokens").
std::vector<std::string_view> SplitTokens(std::string_view value);
// Trims ASCII whitespace at both ends.
std::string_view TrimAscii(std::string_view s);
// Collapses runs of whitespace to one space and trims, as accessible names are compared.
std::string CollapseWhitespace(std::string_view s);
// ASCII lower case: HTML attribute values, CSS keywords and the rules' word lists are ASCII
// case-insensitive, and the locale must not change that.
std::string Lower(std::string_view s);
// The first token of role="", lower case, whether or not it is a valid role ("" when none).
std::string FirstRoleToken(const Node& element);

}  // namespace a11y::checks
