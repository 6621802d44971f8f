// One number per tested page, for trends and sorting: 100 for a page with no error or
// warning, less for each distinct rule it breaks, by how badly.
#pragma once

#include "checks/checker.h"

namespace a11y {

// 100 minus, for each distinct rule with findings: errors by impact (critical 15, high 10,
// medium 5, low 2) and warnings a fifth of that; never below 0. Distinct rules, not
// findings: fifty images without alt text are one problem to fix, not fifty, and a page
// should not score worse than one with five different problems.
double PageScore(const checks::PageReport& report);

}  // namespace a11y
