// Accessible names and descriptions, following accname 1.2
// (https://www.w3.org/TR/accname-1.2/) and the HTML-AAM naming rules for native elements.
// CSS ::before/::after content is not included: our cascade does not generate boxes.
#include <cctype>

#include "checks/semantics.h"
#include "checks/semantics_internal.h"

namespace a11y::checks {
namespace {

bool IsRangeRole(std::string_view role) {
  return role == "slider" || role == "spinbutton" || role == "progressbar" || role == "meter" ||
         role == "scrollbar";
}

// Inline boxes join their neighbours' text; block boxes are separated by a space, as
// browsers do when they flatten content into a name.
bool IsInlineDisplay(std::string_view display) {
  return display.empty() || display.rfind("inline", 0) == 0 || display == "contents";
}

struct Context {
  const Node* root = nullptr;
  bool in_labelledby = false;   // Inside an aria-labelledby traversal: no second hop.
  bool include_hidden = false;  // A hidden node was referenced directly: its subtree counts.
  bool skip_root = false;       // Walking the root's own <label>: leave the root itself out.
};

class NameComputer {
 public:
  explicit NameComputer(const Semantics& sem) : sem_(sem), doc_(sem.document()) {}

  // The name of `root` and where it came from.
  std::string Root(const Node& root, std::string_view* source) {
    Context ctx;
    ctx.root = &root;
    std::string name = CollapseWhitespace(Compute(root, ctx, source));
    if (name.empty()) *source = "";
    return name;
  }

  std::string Referenced(const Node& ref, const Node& root) {
    Context ctx;
    ctx.root = &root;
    ctx.include_hidden = sem_.IsHidden(ref);
    return Compute(ref, ctx, nullptr);
  }

 private:
  // `source` is non-null only for the root of the computation.
  std::string Compute(const Node& node, const Context& ctx, std::string_view* source) {
    if (node.is_text()) return node.text;
    if (!node.is_element()) return "";
    const Node& e = node;
    const bool is_root = &e == ctx.root && source != nullptr;
    if (!is_root && ctx.skip_root && &e == ctx.root) return "";
    if (!is_root && !ctx.include_hidden && sem_.IsHidden(e)) return "";  // 2A.
    if (++depth_ > 200) {  // Hostile nesting: give up on this branch rather than the stack.
      --depth_;
      return "";
    }
    std::string result = ComputeElement(e, ctx, source, is_root);
    --depth_;
    return result;
  }

  std::string ComputeElement(const Node& e, const Context& ctx, std::string_view* source,
                             bool is_root) {
    auto set = [&](std::string_view s) {
      if (source != nullptr) *source = s;
    };
    // 2B: aria-labelledby, one hop only; referenced hidden nodes still count.
    if (!ctx.in_labelledby) {
      std::vector<const Node*> refs = doc_.ElementsByIdList(e.AttrOr("aria-labelledby"));
      if (!refs.empty()) {
        std::string joined;
        for (const Node* ref : refs) {
          Context sub = ctx;
          sub.in_labelledby = true;
          sub.skip_root = false;
          sub.include_hidden = ctx.include_hidden || sem_.IsHidden(*ref);
          std::string part = CollapseWhitespace(Compute(*ref, sub, nullptr));
          if (part.empty()) continue;
          if (!joined.empty()) joined += ' ';
          joined += part;
        }
        if (!joined.empty()) {
          set("aria-labelledby");
          return joined;
        }
      }
    }
    std::string_view role = sem_.Role(e);
    // 2C: a control embedded in another element's name contributes its value.
    if (!is_root) {
      std::optional<std::string> value = EmbeddedValue(e, role);
      if (value.has_value()) return *value;
    }
    // 2D: aria-label.
    std::string_view label = TrimAscii(e.AttrOr("aria-label"));
    if (!label.empty()) {
      set("aria-label");
      return std::string(label);
    }
    // 2E: the host language (HTML) label, unless the element is presentational.
    if (role != "presentation" && role != "none") {
      std::string native = NativeName(e, ctx, source);
      if (!CollapseWhitespace(native).empty()) return native;
    }
    // 2F: name from content, for roles that allow it and for every node reached while
    // computing another node's name.
    const RoleInfo* info = FindRole(role);
    bool from_content =
        !is_root || (info != nullptr && info->name_from_content) ||
        (role.empty() && e.IsAnyOf({"label", "legend", "caption", "figcaption", "summary"}));
    if (from_content) {
      std::string content = Content(e, ctx);
      if (!CollapseWhitespace(content).empty()) {
        set("contents");
        return content;
      }
    }
    // 2I: the tooltip attribute, last.
    std::string_view title = TrimAscii(e.AttrOr("title"));
    if (!title.empty()) {
      set("title");
      return std::string(title);
    }
    return "";
  }

  std::string Content(const Node& e, const Context& ctx) {
    Context sub = ctx;
    std::string out;
    for (const Node* child : e.children) {
      if (child->is_text()) {
        out += child->text;
        continue;
      }
      if (!child->is_element()) continue;
      if (child->Is("br")) {
        out += ' ';
        continue;
      }
      std::string part = Compute(*child, sub, nullptr);
      bool block = !IsInlineDisplay(sem_.styles().Of(*child).display);
      if (block) out += ' ';
      out += part;
      if (block) out += ' ';
    }
    return out;
  }

  // The names from <label> elements, each computed from its content.
  std::string FromLabels(const Node& control, const Context& ctx) {
    std::string joined;
    for (const Node* label : sem_.Labels(control)) {
      Context sub = ctx;
      sub.skip_root = true;
      sub.include_hidden = ctx.include_hidden || sem_.IsHidden(*label);
      std::string part = CollapseWhitespace(Compute(*label, sub, nullptr));
      if (part.empty()) continue;
      if (!joined.empty()) joined += ' ';
      joined += part;
    }
    return joined;
  }

  std::string FirstChildContent(const Node& e, std::string_view tag, const Context& ctx) {
    for (const Node* c : e.ChildElements()) {
      if (c->Is(tag)) {
        Context sub = ctx;
        return Compute(*c, sub, nullptr);
      }
    }
    return "";
  }

  std::string NativeName(const Node& e, const Context& ctx, std::string_view* source) {
    auto set = [&](std::string_view s) {
      if (source != nullptr) *source = s;
    };
    auto nonempty = [](std::string_view s) { return !CollapseWhitespace(s).empty(); };
    std::string name;
    if (e.ns == Namespace::kSvg) {
      if (e.tag == "svg" || e.tag == "g" || e.tag == "a" || e.tag == "image" || e.tag == "path" ||
          e.tag == "use" || e.tag == "circle" || e.tag == "rect") {
        for (const Node* c : e.ChildElements()) {
          if (c->ns == Namespace::kSvg && c->tag == "title") {
            set("title");
            return c->TextContent();
          }
        }
      }
      return "";
    }
    if (e.Is("input")) {
      std::string_view type = InputType(e);
      const std::string* value = e.Attr("value");
      if (type == "button" || type == "submit" || type == "reset") {
        if (value != nullptr && nonempty(*value)) {
          set("value");
          return *value;
        }
        if (name = FromLabels(e, ctx); !name.empty()) {
          set("label");
          return name;
        }
        if (type != "button" && value == nullptr) {
          set("value");
          return type == "submit" ? "Submit" : "Reset";
        }
        return "";
      }
      if (type == "image") {
        const std::string* alt = e.Attr("alt");
        if (alt != nullptr && nonempty(*alt)) {
          set("alt");
          return *alt;
        }
        if (name = FromLabels(e, ctx); !name.empty()) {
          set("label");
          return name;
        }
        if (value != nullptr && nonempty(*value)) {
          set("value");
          return *value;
        }
        return "";
      }
      if (name = FromLabels(e, ctx); !name.empty()) {
        set("label");
        return name;
      }
      return TitleThenPlaceholder(e, source);
    }
    if (e.IsAnyOf({"textarea", "select", "meter", "output", "progress"})) {
      if (name = FromLabels(e, ctx); !name.empty()) {
        set("label");
        return name;
      }
      if (e.Is("textarea")) return TitleThenPlaceholder(e, source);
      return "";
    }
    if (e.Is("button")) {
      if (name = FromLabels(e, ctx); !name.empty()) {
        set("label");
        return name;
      }
      return "";  // Then its content (2F).
    }
    if (e.IsAnyOf({"img", "area"})) {
      const std::string* alt = e.Attr("alt");
      if (alt != nullptr && nonempty(*alt)) {
        set("alt");
        return *alt;
      }
      return "";
    }
    if (e.Is("fieldset")) name = FirstChildContent(e, "legend", ctx), set("legend");
    if (e.Is("table")) name = FirstChildContent(e, "caption", ctx), set("caption");
    if (e.Is("figure")) name = FirstChildContent(e, "figcaption", ctx), set("caption");
    if (e.Is("optgroup")) name = e.AttrOr("label"), set("label");
    if (e.Is("option") && e.HasAttr("label")) name = e.AttrOr("label"), set("label");
    if (!nonempty(name)) {
      set("");
      return "";
    }
    return name;
  }

  std::string TitleThenPlaceholder(const Node& e, std::string_view* source) {
    for (std::string_view attr : {"title", "placeholder", "aria-placeholder"}) {
      std::string_view v = TrimAscii(e.AttrOr(attr));
      if (!v.empty()) {
        if (source != nullptr) *source = attr == "title" ? "title" : "placeholder";
        return std::string(v);
      }
    }
    return "";
  }

  // 2C: the current value of a textbox, combobox, listbox or range embedded in a name.
  std::optional<std::string> EmbeddedValue(const Node& e, std::string_view role) {
    if (role == "textbox" || role == "searchbox") {
      if (e.Is("input")) return std::string(e.AttrOr("value"));
      if (e.Is("textarea")) return e.TextContent();
      return e.TextContent();
    }
    if (role == "combobox" || role == "listbox") {
      if (e.Is("select")) return SelectedOptions(e);
      if (e.Is("input")) return std::string(e.AttrOr("value"));
      std::string out;
      auto [begin, end] = DescendantRange(doc_, e);
      for (auto it = begin; it != end; ++it) {
        const Node* d = *it;
        if (EqualsTrue(d->AttrOr("aria-selected"))) {
          if (!out.empty()) out += ' ';
          out += CollapseWhitespace(d->TextContent());
        }
      }
      return out;
    }
    if (IsRangeRole(role)) {
      std::string_view text = TrimAscii(e.AttrOr("aria-valuetext"));
      if (!text.empty()) return std::string(text);
      std::string_view now = TrimAscii(e.AttrOr("aria-valuenow"));
      if (!now.empty()) return std::string(now);
      if (e.IsAnyOf({"input", "meter", "progress"})) return std::string(e.AttrOr("value"));
      return std::string();
    }
    return std::nullopt;
  }

  static bool EqualsTrue(std::string_view v) {
    v = TrimAscii(v);
    return v.size() == 4 && std::tolower(static_cast<unsigned char>(v[0])) == 't' &&
           std::tolower(static_cast<unsigned char>(v[1])) == 'r' &&
           std::tolower(static_cast<unsigned char>(v[2])) == 'u' &&
           std::tolower(static_cast<unsigned char>(v[3])) == 'e';
  }

  std::string SelectedOptions(const Node& select) {
    std::vector<const Node*> options;
    auto [begin, end] = DescendantRange(doc_, select);
    for (auto it = begin; it != end; ++it) {
      if ((*it)->Is("option")) options.push_back(*it);
    }
    std::string out;
    for (const Node* o : options) {
      if (!o->HasAttr("selected")) continue;
      if (!out.empty()) out += ' ';
      out += CollapseWhitespace(o->TextContent());
    }
    if (out.empty() && !select.HasAttr("multiple") && !options.empty()) {
      out = CollapseWhitespace(options.front()->TextContent());
    }
    return out;
  }

  const Semantics& sem_;
  const Document& doc_;
  int depth_ = 0;
};

void AppendVisible(const Semantics& sem, const Node& node, std::string& out) {
  for (const Node* child : node.children) {
    if (child->is_text()) {
      out += child->text;
      continue;
    }
    if (!child->is_element() || sem.IsInvisible(*child)) continue;
    if (child->Is("br")) {
      out += ' ';
      continue;
    }
    bool block = !IsInlineDisplay(sem.styles().Of(*child).display);
    if (block) out += ' ';
    if (child->IsAnyOf({"img", "area"})) {
      out += child->AttrOr("alt");
    } else if (child->Is("input")) {
      std::string_view type = InputType(*child);
      if (type == "submit" || type == "reset" || type == "button") {
        const std::string* value = child->Attr("value");
        if (value != nullptr) {
          out += *value;
        } else if (type != "button") {
          out += type == "submit" ? "Submit" : "Reset";
        }
      } else if (type == "image") {
        out += child->AttrOr("alt");
      }
    } else {
      AppendVisible(sem, *child, out);
    }
    if (block) out += ' ';
  }
}

}  // namespace

const std::string& Semantics::Name(const Node& element) const {
  if (!element.is_element()) return impl_->empty;
  auto it = impl_->names.find(&element);
  if (it != impl_->names.end()) return it->second.name;
  NameComputer computer(*this);
  std::string_view source;
  std::string name = computer.Root(element, &source);
  auto [pos, inserted] = impl_->names.emplace(&element, Impl::NameEntry{std::move(name), source});
  (void)inserted;
  return pos->second.name;
}

std::string_view Semantics::NameSource(const Node& element) const {
  if (!element.is_element()) return "";
  Name(element);
  return impl_->names[&element].source;
}

std::string Semantics::Description(const Node& element) const {
  if (!element.is_element()) return "";
  NameComputer computer(*this);
  std::string joined;
  for (const Node* ref : doc_.ElementsByIdList(element.AttrOr("aria-describedby"))) {
    std::string part = CollapseWhitespace(computer.Referenced(*ref, element));
    if (part.empty()) continue;
    if (!joined.empty()) joined += ' ';
    joined += part;
  }
  if (!joined.empty()) return joined;
  std::string described = CollapseWhitespace(element.AttrOr("aria-description"));
  if (!described.empty()) return described;
  if (NameSource(element) != "title") return CollapseWhitespace(element.AttrOr("title"));
  return "";
}

std::string Semantics::VisibleText(const Node& element) const {
  if (element.is_text()) return CollapseWhitespace(element.text);
  if (!element.is_element() || IsInvisible(element)) return "";
  std::string out;
  AppendVisible(*this, element, out);
  return CollapseWhitespace(out);
}

}  // namespace a11y::checks
