// The focus-indicator rule entries (buttons, links, tabindex elements, any control); called
// from AddFocusRules.
#pragma once

#include <vector>

#include "checks/rule.h"

namespace a11y::checks::focus {

void AddFocusIndicatorRules(std::vector<Rule>& rules);

}  // namespace a11y::checks::focus
