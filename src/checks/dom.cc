#include "checks/dom.h"

#include <gumbo.h>

#include <algorithm>
#include <utility>

#include "core/ascii.h"
#include "discovery/markup_guard.h"

namespace a11y::checks {

// ---------------------------------------------------------------------------------------
// Node.

namespace {
void AppendText(const Node& node, std::string& out) {
  for (const Node* child : node.children) {
    if (child->kind == NodeKind::kText) {
      out += child->text;
    } else if (child->kind == NodeKind::kElement) {
      AppendText(*child, out);
    }
  }
}
}  // namespace

std::string Node::TextContent() const {
  std::string out;
  AppendText(*this, out);
  return out;
}

std::vector<const Node*> Node::ChildElements() const {
  std::vector<const Node*> out;
  for (const Node* child : children) {
    if (child->is_element()) out.push_back(child);
  }
  return out;
}

bool Node::Contains(const Node& other) const {
  for (const Node* n = &other; n != nullptr; n = n->parent) {
    if (n == this) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// Building the tree from gumbo's.

class DocumentBuilder {
 public:
  explicit DocumentBuilder(Document& doc) : doc_(doc) {}

  void Build(const GumboNode& gumbo_root) {
    const GumboDocument& document = gumbo_root.v.document;
    doc_.has_doctype_ = document.has_doctype;
    doc_.doctype_name_ = document.name != nullptr ? document.name : "";
    Node& root = doc_.nodes_.emplace_back();
    root.kind = NodeKind::kDocument;
    doc_.root_ = &root;
    AddChildren(document.children, root);
    for (const Node* child : root.children) {
      if (child->Is("html")) doc_.html_ = child;
    }
    if (doc_.html_ != nullptr) {
      for (const Node* child : doc_.html_->children) {
        if (child->Is("head") && doc_.head_ == nullptr) doc_.head_ = child;
        if (child->Is("body") && doc_.body_ == nullptr) doc_.body_ = child;
      }
    }
  }

 private:
  void AddChildren(const GumboVector& children, Node& parent) {
    for (unsigned i = 0; i < children.length; ++i) {
      Add(*static_cast<const GumboNode*>(children.data[i]), parent);
    }
  }

  void Add(const GumboNode& gumbo, Node& parent) {
    switch (gumbo.type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        // Adjacent text (split by the parser around a dropped tag) is one DOM text node.
        if (!parent.children.empty() && parent.children.back()->is_text()) {
          parent.children.back()->text += gumbo.v.text.text;
          return;
        }
        NewNode(NodeKind::kText, parent).text = gumbo.v.text.text;
        return;
      case GUMBO_NODE_COMMENT:
        NewNode(NodeKind::kComment, parent).text = gumbo.v.text.text;
        return;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE:
        AddElement(gumbo.v.element, parent);
        return;
      case GUMBO_NODE_DOCUMENT:
        return;
    }
  }

  void AddElement(const GumboElement& element, Node& parent) {
    Node& node = NewNode(NodeKind::kElement, parent);
    node.ns = element.tag_namespace == GUMBO_NAMESPACE_SVG      ? Namespace::kSvg
              : element.tag_namespace == GUMBO_NAMESPACE_MATHML ? Namespace::kMathMl
                                                                : Namespace::kHtml;
    node.tag = TagName(element);
    if (element.original_tag.length > 0) {
      node.source = std::string_view(element.original_tag.data, element.original_tag.length);
      node.line = static_cast<int>(element.start_pos.line);
      node.column = static_cast<int>(element.start_pos.column);
    }
    node.attributes.reserve(element.attributes.length);
    for (unsigned i = 0; i < element.attributes.length; ++i) {
      const auto& attribute = *static_cast<const GumboAttribute*>(element.attributes.data[i]);
      node.attributes.push_back({attribute.name, attribute.value});
    }
    doc_.elements_.push_back(&node);
    if (const std::string* id = node.Attr("id"); id != nullptr && !id->empty()) {
      doc_.ids_.emplace(*id, &node);
    }
    AddChildren(element.children, node);
  }

  static std::string TagName(const GumboElement& element) {
    if (element.tag != GUMBO_TAG_UNKNOWN) {
      std::string name = gumbo_normalized_tagname(element.tag);
      if (element.tag_namespace == GUMBO_NAMESPACE_SVG) {
        // SVG keeps camel case (linearGradient); gumbo's names are lower case.
        GumboStringPiece piece = element.original_tag;
        gumbo_tag_from_original_text(&piece);
        if (const char* svg = gumbo_normalize_svg_tagname(&piece); svg != nullptr) return svg;
      }
      return name;
    }
    GumboStringPiece piece = element.original_tag;
    gumbo_tag_from_original_text(&piece);
    std::string name(piece.data != nullptr ? piece.data : "", piece.length);
    if (element.tag_namespace == GUMBO_NAMESPACE_SVG) {
      if (const char* svg = gumbo_normalize_svg_tagname(&piece); svg != nullptr) return svg;
      return name;
    }
    return ToLowerAscii(name);
  }

  Node& NewNode(NodeKind kind, Node& parent) {
    Node& node = doc_.nodes_.emplace_back();
    node.kind = kind;
    node.parent = &parent;
    node.order = doc_.nodes_.size() - 1;
    parent.children.push_back(&node);
    return node;
  }

  Document& doc_;
};

std::unique_ptr<Document> Document::Parse(std::string html) {
  std::unique_ptr<Document> doc(new Document());
  if (std::optional<std::string> capped = CapMarkupNesting(html)) html = std::move(*capped);
  doc->source_ = std::move(html);
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // No rule reads parse errors, and recording each one allocates.
  GumboOutput* output =
      gumbo_parse_with_options(&options, doc->source_.data(), doc->source_.size());
  DocumentBuilder(*doc).Build(*output->document);
  gumbo_destroy_output(&options, output);
  return doc;
}

// ---------------------------------------------------------------------------------------
// Queries.

std::vector<const Node*> Document::ElementsByTag(std::string_view name) const {
  std::vector<const Node*> out;
  for (const Node* element : elements_) {
    if (element->Is(name)) out.push_back(element);
  }
  return out;
}

const Node* Document::ElementById(std::string_view id) const {
  const Node* first = nullptr;
  auto [begin, end] = ids_.equal_range(id);
  for (auto it = begin; it != end; ++it) {
    if (first == nullptr || it->second->order < first->order) first = it->second;
  }
  return first;
}

size_t Document::CountId(std::string_view id) const { return ids_.count(id); }

std::vector<const Node*> Document::ElementsByIdList(std::string_view ids) const {
  std::vector<const Node*> out;
  for (std::string_view id : SplitTokens(ids)) {
    if (const Node* element = ElementById(id)) out.push_back(element);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Pointing at an element.

namespace {

// 1-based position among the parent's element children with the same tag, and how many
// there are.
std::pair<size_t, size_t> SameTagPosition(const Node& node) {
  size_t position = 0;
  size_t count = 0;
  if (node.parent == nullptr) return {1, 1};
  for (const Node* sibling : node.parent->children) {
    if (!sibling->is_element() || sibling->tag != node.tag) continue;
    ++count;
    if (sibling == &node) position = count;
  }
  return {position, count};
}

size_t ChildPosition(const Node& node) {
  size_t position = 0;
  for (const Node* sibling : node.parent->children) {
    if (!sibling->is_element()) continue;
    ++position;
    if (sibling == &node) break;
  }
  return position;
}

bool IsCssIdentifier(std::string_view s) {
  if (s.empty() || IsAsciiDigit(s[0]) || s[0] == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '-' || c == '_';
  });
}

void CutUtf8(std::string& s, size_t max_bytes) {
  if (s.size() <= max_bytes) return;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  s += "…";
}

}  // namespace

std::string Document::XPath(const Node& node) {
  std::string path;
  for (const Node* n = &node; n != nullptr && n->is_element(); n = n->parent) {
    auto [position, count] = SameTagPosition(*n);
    std::string step = "/" + n->tag;
    if (count > 1) step += "[" + std::to_string(position) + "]";
    path.insert(0, step);
  }
  return path.empty() ? "/" : path;
}

std::string Document::CssSelector(const Node& node) const {
  std::string selector;
  for (const Node* n = &node; n != nullptr && n->is_element(); n = n->parent) {
    const std::string* id = n->Attr("id");
    if (id != nullptr && IsCssIdentifier(*id) && CountId(*id) == 1) {
      selector.insert(0, "#" + *id);
      return selector;
    }
    std::string step = n->tag;
    if (n->parent != nullptr && n->parent->is_element() && SameTagPosition(*n).second > 1) {
      step += ":nth-child(" + std::to_string(ChildPosition(*n)) + ")";
    }
    selector.insert(0, selector.empty() ? step : step + " > ");
  }
  return selector;
}

std::string Document::Snippet(const Node& node) {
  std::string snippet;
  if (!node.source.empty()) {
    snippet = std::string(node.source);
  } else {
    snippet = "<" + node.tag;
    for (const Attribute& attribute : node.attributes) {
      snippet += " " + attribute.name + "=\"" + attribute.value + "\"";
    }
    snippet += ">";
  }
  for (char& c : snippet) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  CutUtf8(snippet, 200);
  return snippet;
}

// ---------------------------------------------------------------------------------------
// Text helpers.

std::vector<std::string_view> SplitTokens(std::string_view value) {
  std::vector<std::string_view> tokens;
  size_t pos = 0;
  while (pos < value.size()) {
    while (pos < value.size() && IsAsciiSpace(value[pos])) ++pos;
    size_t end = pos;
    while (end < value.size() && !IsAsciiSpace(value[end])) ++end;
    if (end > pos) tokens.push_back(value.substr(pos, end - pos));
    pos = end;
  }
  return tokens;
}

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) { return ToLowerAscii(s); }

std::string FirstRoleToken(const Node& element) {
  std::vector<std::string_view> tokens = SplitTokens(element.AttrOr("role"));
  return tokens.empty() ? std::string() : Lower(tokens.front());
}

std::string CollapseWhitespace(std::string_view s) {
  // The length in bytes of the whitespace at `i`, 0 when there is none there. U+00A0
  // (no-break space) counts as whitespace for names.
  auto space_at = [&](size_t i) -> size_t {
    char c = s[i];
    if (IsAsciiSpace(c) || c == '\v') return 1;
    bool nbsp = static_cast<unsigned char>(c) == 0xC2 && i + 1 < s.size() &&
                static_cast<unsigned char>(s[i + 1]) == 0xA0;
    return nbsp ? 2 : 0;
  };
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  size_t i = 0;
  while (i < s.size()) {
    // Words are copied whole rather than byte by byte: names are computed for every element.
    size_t word = i;
    while (i < s.size() && space_at(i) == 0) ++i;
    if (i > word) {
      if (pending_space) out += ' ';
      pending_space = false;
      out.append(s.data() + word, i - word);
    }
    if (i < s.size()) {
      i += space_at(i);
      pending_space = !out.empty();
    }
  }
  return out;
}

}  // namespace a11y::checks
