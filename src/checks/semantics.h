// What assistive technology sees of a page: roles (explicit and implicit, per HTML-AAM and
// WAI-ARIA 1.2), accessible names and descriptions (accname 1.2), hidden state and
// focusability. Computed lazily and cached; one instance per parsed page.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/dom.h"
#include "checks/style.h"

namespace a11y::checks {

// The WAI-ARIA 1.2 role table, for rules that validate roles and attributes.
struct RoleInfo {
  std::string_view name;
  bool abstract = false;
  bool landmark = false;
  bool widget = false;  // Interactive: button, link, textbox, checkbox...
  bool name_from_content = false;
  bool name_prohibited = false;  // caption, code, generic, presentation, paragraph...
  bool children_presentational = false;
  std::vector<std::string_view> required_attributes;   // aria-level for heading...
  std::vector<std::string_view> supported_attributes;  // Beyond the global ones.
  std::vector<std::string_view> required_context;      // listitem needs list or directory.
  std::vector<std::string_view> required_owned;        // list needs listitem.
};
// nullptr when `role` is not a (non-abstract or abstract) WAI-ARIA 1.2 role.
const RoleInfo* FindRole(std::string_view role);
// True when `attribute` (aria-*) is a WAI-ARIA 1.2 state or property.
bool IsAriaAttribute(std::string_view attribute);
// True when `attribute` is global (allowed on every role).
bool IsGlobalAriaAttribute(std::string_view attribute);

// The value type of a state or property (WAI-ARIA 1.2 section 6.2), for value validation.
enum class AriaValueType {
  kUnknown,             // Not an ARIA attribute.
  kTrueFalse,           // true | false
  kTrueFalseUndefined,  // true | false | undefined
  kTristate,            // true | false | mixed | undefined
  kInteger,
  kNumber,
  kString,
  kToken,      // One of AriaAttributeTokens().
  kTokenList,  // Space-separated tokens from AriaAttributeTokens().
  kIdRef,
  kIdRefList,
};
AriaValueType AriaAttributeType(std::string_view attribute);
// The allowed values of a token or token-list attribute; empty for other types.
std::vector<std::string_view> AriaAttributeTokens(std::string_view attribute);
// True when `attribute` is global or in `role`'s supported (or required) attributes.
bool RoleSupportsAttribute(const RoleInfo& role, std::string_view attribute);

class Semantics {
 public:
  Semantics(const Document& doc, const StyleResolver& styles);
  ~Semantics();
  Semantics(const Semantics&) = delete;
  Semantics& operator=(const Semantics&) = delete;

  // The element's role: the first valid, non-abstract token of role="", else its implicit
  // role (HTML-AAM: a[href] link, img with alt="" presentation, header banner unless inside
  // article/aside/main/nav/section, section region only when named...). presentation and
  // none are ignored on focusable elements or ones with global ARIA attributes (the
  // presentational role conflict resolution). "" when the element has no role (generic
  // elements report "generic").
  std::string_view Role(const Node& element) const;
  // The implicit role alone.
  std::string_view ImplicitRole(const Node& element) const;
  // The explicit role="" token that took effect, "" when none did.
  std::string_view ExplicitRole(const Node& element) const;

  // Excluded from the accessibility tree: hidden attribute, aria-hidden="true", display
  // none or visibility hidden (inline style or sheets), on it or an ancestor.
  bool IsHidden(const Node& element) const;
  // Hidden from everyone (display/visibility/hidden) — aria-hidden does not count.
  bool IsInvisible(const Node& element) const;

  // Focusable in sequential order or by script: a[href], button, input (not hidden),
  // select, textarea, summary, iframe, [contenteditable], audio/video[controls], area[href],
  // any [tabindex]; not when disabled or display:none / visibility:hidden.
  bool IsFocusable(const Node& element) const;
  // In the Tab order: focusable and tabindex not negative.
  bool IsTabbable(const Node& element) const;
  // The parsed tabindex, or nullopt when absent or not an integer.
  std::optional<int> TabIndex(const Node& element) const;

  // accname 1.2: the accessible name and description, whitespace collapsed and trimmed.
  const std::string& Name(const Node& element) const;
  std::string Description(const Node& element) const;
  // Where the name came from: "aria-labelledby", "aria-label", "label", "alt", "title",
  // "placeholder", "contents", "caption", "legend", "value", "" (no name).
  std::string_view NameSource(const Node& element) const;

  // The text a sighted user reads in the element: its rendered text (hidden descendants
  // skipped, img alt included), whitespace collapsed.
  std::string VisibleText(const Node& element) const;

  // The <label> elements of a form control: label[for=id] and the wrapping label.
  std::vector<const Node*> Labels(const Node& control) const;

  const Document& document() const { return doc_; }
  const StyleResolver& styles() const { return styles_; }

 private:
  struct Impl;
  const Document& doc_;
  const StyleResolver& styles_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace a11y::checks
