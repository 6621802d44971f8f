// ACT rules that no fixture-suite code covers: each has an issue code of our own. The rules
// live in rules/act_*.cc by theme; this file only gathers them.
#include "checks/rules/act_common.h"

namespace a11y::checks {

void AddActRules(std::vector<Rule>& rules) {
  act::AddActSpacingRules(rules);
  act::AddActStructureRules(rules);
  act::AddActNameRules(rules);
  act::AddActReviewRules(rules);
}

}  // namespace a11y::checks
