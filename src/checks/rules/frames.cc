#include "checks/rule.h"

namespace a11y::checks {

void AddFrameRules(std::vector<Rule>& rules) { (void)rules; }

}  // namespace a11y::checks
