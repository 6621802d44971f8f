// Helpers shared by the ACT-only rules (rules/act*.cc): reading style="" declarations
// ourselves (with their !important flag, which the computed style drops), small CSS lengths,
// rendering and role questions asked the same way by several rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/rule.h"

namespace a11y::checks::act {

struct Declaration {
  std::string name;   // Lower case.
  std::string value;  // Trimmed, !important removed.
  bool important = false;
};

// The declarations of a CSS declaration block ("a: b; c: d !important"), in order.
std::vector<Declaration> ParseDeclarations(std::string_view block);

// The declaration of `property` in the element's style="" that wins the cascade inside the
// attribute: the last important one, else the last normal one. nullopt when not declared.
std::optional<Declaration> StyleAttributeDeclaration(const Node& element,
                                                     std::string_view property);

// A CSS length in px. `font_px` resolves em (and ex/ch approximately), `percent_of` resolves
// %. nullopt for keywords, calc(), var() and anything we cannot resolve without a browser.
std::optional<double> LengthPx(std::string_view value, double font_px, double percent_of);


// The property's value on `element`: the cascade's when it has one, else what style=""
// says (the cascade may not know every property).
std::string PropertyValue(const Page& page, const Node& element, std::string_view property);

// Not rendered: display none / visibility hidden (cascade, or style="" read directly), the
// hidden attribute, on the element or an ancestor.
bool IsNotRendered(const Page& page, const Node& element);
// Moved off screen with absolute/fixed positioning and large negative offsets, on it or an
// ancestor: rendered, but no sighted user sees it.
bool IsOffScreen(const Page& page, const Node& element);
// Excluded from the accessibility tree (Semantics, plus aria-hidden/hidden read directly).
bool IsHiddenFromAt(const Page& page, const Node& element);

// The element's role: Semantics', else the first explicit role token, else a small implicit
// table for the elements these rules meet most (so a rule degrades to fewer results, not
// wrong ones, if the role is unknown).
std::string RoleOf(const Page& page, const Node& element);

// The accessible name: Semantics', else aria-labelledby / aria-label / alt / title / text.
std::string NameOf(const Page& page, const Node& element);

// Focusable: Semantics', or the HTML focusable elements when rendered and not disabled.
bool IsFocusableElement(const Page& page, const Node& element);

// The text a sighted user reads in `element`: its rendered text nodes only (no alt), with
// whitespace (including no-break spaces) collapsed.
std::string RenderedText(const Page& page, const Node& element);
// !RenderedText(page, element).empty(), without gathering the text: it stops at the first
// character that is neither whitespace nor a no-break space.
bool HasRenderedText(const Page& page, const Node& element);

// The element's descendant elements in document order (not the element itself).
std::vector<const Node*> Descendants(const Node& element);

// True when the element has a child text node with non-whitespace text.
bool HasOwnText(const Node& element);

// True when the page runs script: a <script> with code or src, or an on* handler attribute.
bool PageHasScript(const Document& doc);
// The concatenated code of the page's inline scripts and on* handlers, lower case.
std::string ScriptText(const Document& doc);

// A rule's target for page-level questions: <html>, else the document's first element.
const Node* PageTarget(const Document& doc);

// The style rules of the page's <style> elements, with their enclosing @media condition.
// Our own small parser: enough for at-rule questions (orientation queries).
struct CssRule {
  std::string media;     // Lower case condition of the enclosing @media, "" when none.
  std::string selector;  // Trimmed.
  std::vector<Declaration> declarations;
};
std::vector<CssRule> ParseStyleSheets(const Document& doc);

// Rule registration helpers, one file each (rules/act_*.cc).
void AddActSpacingRules(std::vector<Rule>& rules);
void AddActStructureRules(std::vector<Rule>& rules);
void AddActNameRules(std::vector<Rule>& rules);
void AddActReviewRules(std::vector<Rule>& rules);

}  // namespace a11y::checks::act
