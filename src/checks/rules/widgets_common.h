// Shared helpers of the interaction, dialog, map, media, animation and timing rules
// (rules/interaction.cc, rules/media.cc and rules/widgets_*.cc). These rules look at custom
// widgets built from divs and script, so they read class names and inline script text as
// evidence of intent; every helper here is about reading that evidence conservatively.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checks/rule.h"

namespace a11y::checks::widgets {

// The rule groups, each in its own file, appended by AddInteractionRules / AddMediaRules.
void AddDialogRules(std::vector<Rule>& rules);
void AddPatternRules(std::vector<Rule>& rules);
void AddMapRules(std::vector<Rule>& rules);
void AddAnimationRules(std::vector<Rule>& rules);
void AddTimingRules(std::vector<Rule>& rules);
void AddActPageRules(std::vector<Rule>& rules);

// Case-insensitive substring test; `needle` must be lower case.
bool ContainsLower(std::string_view haystack, std::string_view needle);

// The first token of role="", lower case ("" when absent). Read directly so the widget rules
// do not depend on role validation for the questions they ask ("does the author call this a
// dialog?").
bool HasRoleToken(const Node& e, std::initializer_list<std::string_view> roles);

// The element's class tokens, lower case.
std::vector<std::string> ClassTokens(const Node& e);
// True when a class token satisfies `pred`.
template <typename Pred>
bool AnyClass(const Node& e, Pred pred) {
  for (const std::string& token : ClassTokens(e)) {
    if (pred(token)) return true;
  }
  return false;
}

// h1-h6 or role=heading.
bool IsHeading(const Node& e);
// The heading level: 1-6 from the tag, aria-level for role=heading (2 when absent).
int HeadingLevel(const Node& e);
// Natively operable or given an operable role: a[href], button, input (not hidden), select,
// textarea, summary, [tabindex], role=button/link/menuitem/tab/checkbox/switch...
bool IsOperable(const Node& e);
// A best-effort accessible name: Semantics::Name when it is known, else aria-labelledby,
// aria-label, title, alt and text content, whitespace collapsed.
std::string NameOf(const Page& page, const Node& e);

// True when `e` has an inline event handler attribute named `name` (onclick, onkeydown...).
bool HasHandler(const Node& e, std::string_view name);

// Inline JavaScript of the page: the text of every classic or module <script> without src,
// and every on* attribute value, lower case. Recomputed on each call: pages are small and
// rules ask once.
std::string InlineScript(const Page& page);
// True when a <script src> loads code we cannot read.
bool HasExternalScript(const Page& page);

// A control on the page whose name says it pauses, stops or hides moving or timed content
// ("Pause", "Stop animations", "Extend time"...). `words` are lower-case name fragments.
bool PageHasControlNamed(const Page& page, std::initializer_list<std::string_view> words);

}  // namespace a11y::checks::widgets
