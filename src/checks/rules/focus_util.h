// Helpers shared by the link, button, focus and keyboard rules.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "checks/rule.h"

namespace a11y::checks::focus {

// Elements the browser puts in the Tab order by themselves: a[href], button, input (not
// hidden), select, textarea, summary, iframe, audio/video[controls], contenteditable.
bool IsNativelyFocusable(const Node& e);
// Natively focusable, or a <label> (clicking it acts on its control).
bool IsNativelyInteractive(const Node& e);

// The text with punctuation dropped, whitespace collapsed and ASCII lower-cased, for
// comparing names: "Read more…" and "read more" compare equal.
std::string NormalizeText(std::string_view text);
// True when `name` says nothing about where a link goes or what a button does out of context
// ("click here", "read more", "more", "link"...). Compares the whole name.
bool IsGenericText(std::string_view name);

// The event handlers a page attaches to each element: on* attributes, and what its inline
// scripts attach with addEventListener / .onevent = through getElementById, querySelector or
// a variable holding either. Script that builds selectors or ids at run time is not seen.
class EventHandlers {
 public:
  explicit EventHandlers(const Page& page);
  // Event names ("click", "keydown") for `e`; empty when none were found.
  const std::set<std::string>& Of(const Node& e) const;
  // Every element with at least one handler, in document order.
  std::vector<const Node*> Elements() const;

 private:
  std::map<const Node*, std::set<std::string>> handlers_;
  std::set<std::string> none_;
};

bool IsMouseEvent(std::string_view event);     // click, dblclick, mousedown, mouseover...
bool IsKeyboardEvent(std::string_view event);  // keydown, keyup, keypress, focus, blur...

// True when a sheet gives ::before / ::after content. Generated content becomes part of a
// name and we do not compute it, so an element that looks nameless may not be.
bool PageHasGeneratedContent(const Page& page);

}  // namespace a11y::checks::focus
