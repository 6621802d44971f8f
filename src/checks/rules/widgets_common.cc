#include "checks/rules/widgets_common.h"

namespace a11y::checks::widgets {


bool ContainsLower(std::string_view haystack, std::string_view needle) {
  return Lower(haystack).find(needle) != std::string::npos;
}

bool HasRoleToken(const Node& e, std::initializer_list<std::string_view> roles) {
  std::string role = FirstRoleToken(e);
  for (std::string_view r : roles) {
    if (role == r) return true;
  }
  return false;
}

std::vector<std::string> ClassTokens(const Node& e) {
  std::vector<std::string> out;
  for (std::string_view token : SplitTokens(e.AttrOr("class"))) out.push_back(Lower(token));
  return out;
}

bool IsHeading(const Node& e) {
  return e.IsAnyOf({"h1", "h2", "h3", "h4", "h5", "h6"}) || HasRoleToken(e, {"heading"});
}

int HeadingLevel(const Node& e) {
  if (HasRoleToken(e, {"heading"})) {
    std::string_view level = TrimAscii(e.AttrOr("aria-level"));
    if (level.size() == 1 && level[0] >= '1' && level[0] <= '9') return level[0] - '0';
    return 2;
  }
  if (e.ns == Namespace::kHtml && e.tag.size() == 2 && e.tag[0] == 'h') return e.tag[1] - '0';
  return 0;
}

bool IsOperable(const Node& e) {
  if (!e.is_element()) return false;
  if (e.Is("a") || e.Is("area")) return e.HasAttr("href");
  if (e.Is("input")) return Lower(e.AttrOr("type")) != "hidden";
  if (e.IsAnyOf({"button", "select", "textarea", "summary"})) return true;
  if (e.HasAttr("tabindex")) return true;
  return HasRoleToken(
      e, {"button", "link", "menuitem", "menuitemcheckbox", "menuitemradio", "tab", "checkbox",
          "radio", "switch", "option", "slider", "spinbutton", "textbox", "combobox", "treeitem"});
}

std::string NameOf(const Page& page, const Node& e) {
  const std::string& computed = page.sem.Name(e);
  if (!computed.empty()) return computed;
  std::string name;
  for (const Node* ref : page.doc.ElementsByIdList(e.AttrOr("aria-labelledby"))) {
    name += " " + ref->TextContent();
  }
  name = CollapseWhitespace(name);
  if (!name.empty()) return name;
  for (std::string_view attr : {"aria-label", "title", "alt", "value"}) {
    std::string value = CollapseWhitespace(e.AttrOr(attr));
    if (!value.empty() && !(attr == "title" && !CollapseWhitespace(e.TextContent()).empty())) {
      return value;
    }
  }
  return CollapseWhitespace(e.TextContent());
}

bool HasHandler(const Node& e, std::string_view name) {
  for (const Attribute& attr : e.attributes) {
    if (attr.name == name) return true;
  }
  return false;
}

namespace {
// A <script> that a browser runs as JavaScript (no type, a JavaScript MIME type, or module).
bool IsJavaScript(const Node& script) {
  std::string type = Lower(TrimAscii(script.AttrOr("type")));
  return type.empty() || type == "module" || type.find("javascript") != std::string::npos ||
         type.find("ecmascript") != std::string::npos;
}
}  // namespace

std::string InlineScript(const Page& page) {
  std::string out;
  for (const Node* e : page.doc.elements()) {
    if (e->Is("script") && !e->HasAttr("src") && IsJavaScript(*e)) {
      out += Lower(e->TextContent());
      out += '\n';
    }
    for (const Attribute& attr : e->attributes) {
      if (attr.name.size() > 2 && attr.name.compare(0, 2, "on") == 0) {
        out += Lower(attr.value);
        out += '\n';
      }
    }
  }
  return out;
}

bool HasExternalScript(const Page& page) {
  for (const Node* script : page.doc.ElementsByTag("script")) {
    if (script->HasAttr("src") && IsJavaScript(*script)) return true;
  }
  return false;
}

bool PageHasControlNamed(const Page& page, std::initializer_list<std::string_view> words) {
  for (const Node* e : page.doc.elements()) {
    bool control = e->Is("button") || HasRoleToken(*e, {"button", "switch", "checkbox"}) ||
                   (e->Is("input") && (Lower(e->AttrOr("type")) == "button" ||
                                       Lower(e->AttrOr("type")) == "checkbox")) ||
                   (e->Is("a") && e->HasAttr("href"));
    if (!control) continue;
    std::string name = Lower(NameOf(page, *e));
    for (std::string_view word : words) {
      if (name.find(word) != std::string::npos) return true;
    }
  }
  return false;
}

}  // namespace a11y::checks::widgets
