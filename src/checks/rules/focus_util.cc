#include "checks/rules/focus_util.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "checks/selector.h"

namespace a11y::checks::focus {
namespace {

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

size_t SkipSpaces(std::string_view s, size_t i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

// Reads a '...', "..." or `...` literal starting at `i` (after spaces); "" when there is none.
std::string ReadQuoted(std::string_view s, size_t i, size_t* end = nullptr) {
  i = SkipSpaces(s, i);
  if (i >= s.size() || (s[i] != '\'' && s[i] != '"' && s[i] != '`')) return {};
  char quote = s[i];
  size_t close = s.find(quote, i + 1);
  if (close == std::string_view::npos) return {};
  if (end != nullptr) *end = close + 1;
  std::string_view text = s.substr(i + 1, close - i - 1);
  // A template with substitutions is built at run time.
  if (quote == '`' && text.find("${") != std::string_view::npos) return {};
  return std::string(text);
}

// The identifier that ends just before `end` (after trailing spaces), "" when none.
std::string_view IdentifierBefore(std::string_view s, size_t end) {
  while (end > 0 && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  size_t start = end;
  while (start > 0 && IsIdentChar(s[start - 1])) --start;
  return s.substr(start, end - start);
}

class ScriptScanner {
 public:
  ScriptScanner(const Page& page, std::map<const Node*, std::set<std::string>>& out)
      : page_(page), out_(out) {}

  void Scan(std::string_view js) {
    BindVariables(js);
    ScanCalls(js, ".addEventListener(", /*property=*/false);
    ScanCalls(js, ".on", /*property=*/true);
  }

 private:
  const Node* Lookup(std::string_view method, const std::string& arg) const {
    if (arg.empty()) return nullptr;
    if (method == "getElementById") return page_.doc.ElementById(arg);
    for (const css::Selector& selector : css::ParseSelectorList(arg)) {
      for (const Node* e : page_.doc.elements()) {
        if (selector.Matches(*e)) return e;
      }
    }
    return nullptr;
  }

  // "x = document.getElementById('id')" and "x = document.querySelector('.sel')".
  void BindVariables(std::string_view js) {
    for (std::string_view method : {"getElementById", "querySelector"}) {
      std::string needle = "document." + std::string(method) + "(";
      for (size_t at = js.find(needle); at != std::string_view::npos;
           at = js.find(needle, at + 1)) {
        const Node* e = Lookup(method, ReadQuoted(js, at + needle.size()));
        if (e == nullptr) continue;
        size_t before = at;
        while (before > 0 && std::isspace(static_cast<unsigned char>(js[before - 1]))) --before;
        if (before == 0 || js[before - 1] != '=') continue;
        if (before >= 2 && (js[before - 2] == '=' || js[before - 2] == '!')) continue;
        std::string_view name = IdentifierBefore(js, before - 1);
        if (!name.empty()) variables_[std::string(name)] = e;
      }
    }
  }

  // The element a receiver expression ending at `end` names: a variable, or a direct
  // document.getElementById(...) / querySelector(...) call.
  const Node* Receiver(std::string_view js, size_t end) const {
    if (end > 0 && js[end - 1] == ')') {
      int depth = 0;
      size_t open = end - 1;
      for (;; --open) {
        if (js[open] == ')') ++depth;
        if (js[open] == '(' && --depth == 0) break;
        if (open == 0) return nullptr;
      }
      std::string_view method = IdentifierBefore(js, open);
      size_t method_start = open - method.size();
      if (method_start < 9 || js.substr(method_start - 9, 9) != "document.") return nullptr;
      if (method != "getElementById" && method != "querySelector") return nullptr;
      return Lookup(method, ReadQuoted(js, open + 1));
    }
    auto it = variables_.find(std::string(IdentifierBefore(js, end)));
    return it == variables_.end() ? nullptr : it->second;
  }

  void ScanCalls(std::string_view js, std::string_view needle, bool property) {
    for (size_t at = js.find(needle); at != std::string_view::npos; at = js.find(needle, at + 1)) {
      std::string event;
      size_t after = at + needle.size();
      if (property) {
        // ".onclick = ..." (not "==").
        size_t i = after;
        while (i < js.size() && std::islower(static_cast<unsigned char>(js[i]))) ++i;
        size_t eq = SkipSpaces(js, i);
        if (i == after || eq >= js.size() || js[eq] != '=' ||
            (eq + 1 < js.size() && js[eq + 1] == '=')) {
          continue;
        }
        event = std::string(js.substr(after, i - after));
      } else {
        event = ReadQuoted(js, after);
      }
      if (event.empty()) continue;
      if (const Node* e = Receiver(js, at)) out_[e].insert(event);
    }
  }

  const Page& page_;
  std::map<const Node*, std::set<std::string>>& out_;
  std::map<std::string, const Node*> variables_;
};

}  // namespace

bool IsNativelyFocusable(const Node& e) {
  if (!e.is_element() || e.ns != Namespace::kHtml) return false;
  if ((e.Is("a") || e.Is("area")) && e.HasAttr("href")) return true;
  if (e.IsAnyOf({"button", "select", "textarea", "iframe", "summary"})) return true;
  if (e.Is("input")) return e.AttrOr("type") != "hidden";
  if ((e.Is("audio") || e.Is("video")) && e.HasAttr("controls")) return true;
  const std::string* editable = e.Attr("contenteditable");
  return editable != nullptr && *editable != "false";
}

// A label acts on its control when clicked; one with no control does nothing.
bool IsNativelyInteractive(const Node& e) {
  if (IsNativelyFocusable(e)) return true;
  if (!e.Is("label")) return false;
  if (e.HasAttr("for")) return true;
  std::vector<const Node*> stack(e.children.begin(), e.children.end());
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (n->is_element() && n->IsAnyOf({"input", "select", "textarea", "button"})) return true;
    stack.insert(stack.end(), n->children.begin(), n->children.end());
  }
  return false;
}

std::string NormalizeText(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      if (space && !out.empty()) out += ' ';
      space = false;
      out += static_cast<char>(std::tolower(u));
    } else if (c != '\'') {
      space = true;
    }
  }
  return out;
}

bool IsGenericText(std::string_view name) {
  static constexpr std::array<std::string_view, 29> kGeneric = {
      "click here", "click",         "here",         "click this",   "click this link",
      "this link",  "link",          "read more",    "more",         "learn more",
      "see more",   "view more",     "show more",    "more info",    "more information",
      "info",       "details",       "more details", "view details", "go",
      "go here",    "download",      "this",         "this page",    "press here",
      "tap here",   "find out more", "see details",  "check it out"};
  std::string normal = NormalizeText(name);
  for (std::string_view generic : kGeneric) {
    if (normal == generic) return true;
  }
  return false;
}

bool IsMouseEvent(std::string_view event) {
  return event == "click" || event == "dblclick" || event == "mousedown" || event == "mouseup" ||
         event == "mouseover" || event == "mouseout" || event == "mouseenter" ||
         event == "mouseleave" || event == "mousemove" || event == "contextmenu";
}

bool IsKeyboardEvent(std::string_view event) {
  return event == "keydown" || event == "keyup" || event == "keypress" || event == "focus" ||
         event == "blur" || event == "focusin" || event == "focusout";
}

EventHandlers::EventHandlers(const Page& page) {
  for (const Node* e : page.doc.elements()) {
    for (const Attribute& attr : e->attributes) {
      if (attr.name.size() > 2 && attr.name.rfind("on", 0) == 0 && !TrimAscii(attr.value).empty()) {
        handlers_[e].insert(attr.name.substr(2));
      }
    }
  }
  ScriptScanner scanner(page, handlers_);
  for (const Node* script : page.doc.ElementsByTag("script")) {
    if (script->HasAttr("src")) continue;
    std::string type = NormalizeText(script->AttrOr("type"));
    if (!type.empty() && type != "text javascript" && type != "module" &&
        type != "application javascript") {
      continue;
    }
    scanner.Scan(script->TextContent());
  }
}

const std::set<std::string>& EventHandlers::Of(const Node& e) const {
  auto it = handlers_.find(&e);
  return it == handlers_.end() ? none_ : it->second;
}

std::vector<const Node*> EventHandlers::Elements() const {
  std::vector<const Node*> out;
  for (const auto& [e, events] : handlers_) out.push_back(e);
  std::sort(out.begin(), out.end(),
            [](const Node* a, const Node* b) { return a->order < b->order; });
  return out;
}

bool PageHasGeneratedContent(const Page& page) {
  for (const StyleResolver::SheetRule& rule : page.styles.sheet_rules()) {
    if (rule.selector.find(":before") == std::string::npos &&
        rule.selector.find(":after") == std::string::npos) {
      continue;
    }
    for (const auto& [name, value] : rule.declarations) {
      std::string_view v = TrimAscii(value);
      if (name == "content" && v != "none" && v != "normal" && v != "\"\"" && v != "''") {
        return true;
      }
    }
  }
  return false;
}

}  // namespace a11y::checks::focus
