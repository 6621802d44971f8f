// Interactive widgets and dialogs; the rules live in widgets_*.cc, grouped by subject.
#include "checks/rules/widgets_common.h"

namespace a11y::checks {

void AddInteractionRules(std::vector<Rule>& rules) {
  widgets::AddDialogRules(rules);
  widgets::AddPatternRules(rules);
  widgets::AddMapRules(rules);
  widgets::AddAnimationRules(rules);
  widgets::AddTimingRules(rules);
  widgets::AddActPageRules(rules);
}

}  // namespace a11y::checks
