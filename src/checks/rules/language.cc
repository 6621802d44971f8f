#include "checks/rule.h"

namespace a11y::checks {

void AddLanguageRules(std::vector<Rule>& rules) { (void)rules; }

}  // namespace a11y::checks
