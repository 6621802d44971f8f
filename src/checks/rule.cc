#include "checks/rule.h"

#include <algorithm>

namespace a11y::checks {

std::string_view ToString(IssueType type) {
  switch (type) {
    case IssueType::kError: return "error";
    case IssueType::kWarning: return "warning";
    case IssueType::kInfo: return "info";
    case IssueType::kDiscovery: return "discovery";
  }
  return "error";
}

std::string_view ToString(Impact impact) {
  switch (impact) {
    case Impact::kLow: return "low";
    case Impact::kMedium: return "medium";
    case Impact::kHigh: return "high";
    case Impact::kCritical: return "critical";
  }
  return "medium";
}

std::string_view ToString(WcagLevel level) {
  switch (level) {
    case WcagLevel::kA: return "A";
    case WcagLevel::kAA: return "AA";
    case WcagLevel::kAAA: return "AAA";
    case WcagLevel::kNone: return "best-practice";
  }
  return "best-practice";
}

namespace {
std::vector<Rule> BuildCatalog() {
  std::vector<Rule> rules;
  for (auto add : {AddImageRules, AddFormRules, AddHeadingRules, AddLandmarkRules,
                   AddLanguageRules, AddPageRules, AddLinkRules, AddButtonRules, AddListRules,
                   AddTableRules, AddAriaRules, AddFocusRules, AddFrameRules,
                   AddDocumentLinkRules, AddColorRules, AddStyleRules, AddInteractionRules,
                   AddMediaRules, AddActRules}) {
    add(rules);
  }
  std::stable_sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) {
    return a.category != b.category ? a.category < b.category : a.code < b.code;
  });
  return rules;
}
}  // namespace

const std::vector<Rule>& AllRules() {
  static const std::vector<Rule> rules = BuildCatalog();
  return rules;
}

const Rule* FindRule(std::string_view code) {
  for (const Rule& rule : AllRules()) {
    if (rule.code == code) return &rule;
  }
  return nullptr;
}

}  // namespace a11y::checks
