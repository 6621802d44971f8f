// Small DOM helpers shared by the form rules (forms.cc, form_fields.cc, form_focus.cc,
// form_groups.cc). Internal to the rules of the "forms" category.
#pragma once

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "checks/dom.h"

namespace a11y::checks::form_util {

// True when `s` holds nothing but ASCII whitespace and no-break spaces: a label of "&nbsp;"
// is as empty to a screen reader as one of "".
inline bool IsBlank(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') continue;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      ++i;
      continue;
    }
    return false;
  }
  return true;
}

template <typename Fn>
inline void ForEachDescendant(const Node& root, Fn fn) {
  std::vector<const Node*> stack(root.children.rbegin(), root.children.rend());
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (!n->is_element()) continue;
    fn(*n);
    stack.insert(stack.end(), n->children.rbegin(), n->children.rend());
  }
}

inline std::string InputType(const Node& input) { return Lower(TrimAscii(input.AttrOr("type"))); }

inline bool IsButtonInputType(std::string_view type) {
  return type == "submit" || type == "reset" || type == "button" || type == "image";
}

// input (not hidden, not a button), select and textarea: the fields a user fills in.
inline bool IsNativeField(const Node& el) {
  if (el.Is("select") || el.Is("textarea")) return true;
  if (!el.Is("input")) return false;
  std::string type = InputType(el);
  return type != "hidden" && !IsButtonInputType(type);
}

// The first token of role="" (the one browsers honour when it is valid).
inline std::string_view FirstRole(const Node& el) {
  std::vector<std::string_view> tokens = SplitTokens(el.AttrOr("role"));
  return tokens.empty() ? std::string_view() : tokens.front();
}

// The text an aria-labelledby reference contributes (accname: hidden referenced content
// still counts): its aria-label, else its text and image alternatives.
inline std::string ReferencedText(const Node& el) {
  if (!IsBlank(el.AttrOr("aria-label"))) return CollapseWhitespace(el.AttrOr("aria-label"));
  std::string text = el.TextContent();
  ForEachDescendant(el, [&text](const Node& n) {
    if (n.Is("img")) text += " " + std::string(n.AttrOr("alt"));
  });
  return CollapseWhitespace(text);
}

inline std::string LabelledByText(const Document& doc, const Node& el) {
  std::string text;
  for (const Node* ref : doc.ElementsByIdList(el.AttrOr("aria-labelledby"))) {
    text += " " + ReferencedText(*ref);
  }
  return CollapseWhitespace(text);
}

}  // namespace a11y::checks::form_util
