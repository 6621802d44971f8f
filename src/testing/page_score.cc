#include "testing/page_score.h"

#include <algorithm>
#include <set>

namespace a11y {
namespace {

double ImpactWeight(checks::Impact impact) {
  switch (impact) {
    case checks::Impact::kCritical: return 15;
    case checks::Impact::kHigh: return 10;
    case checks::Impact::kMedium: return 5;
    case checks::Impact::kLow: return 2;
  }
  return 0;
}

}  // namespace

double PageScore(const checks::PageReport& report) {
  std::set<const checks::Rule*> counted;
  double deduction = 0;
  for (const checks::Finding& finding : report.findings) {
    const checks::Rule* rule = finding.rule;
    if (!counted.insert(rule).second) continue;
    if (rule->type == checks::IssueType::kError) {
      deduction += ImpactWeight(rule->impact);
    } else if (rule->type == checks::IssueType::kWarning) {
      deduction += ImpactWeight(rule->impact) / 5;
    }
  }
  return std::max(0.0, 100.0 - deduction);
}

}  // namespace a11y
