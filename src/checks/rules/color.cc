#include "checks/rule.h"

namespace a11y::checks {

void AddColorRules(std::vector<Rule>& rules) { (void)rules; }

}  // namespace a11y::checks
