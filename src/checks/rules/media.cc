#include "checks/rule.h"

namespace a11y::checks {

void AddMediaRules(std::vector<Rule>& rules) { (void)rules; }

}  // namespace a11y::checks
