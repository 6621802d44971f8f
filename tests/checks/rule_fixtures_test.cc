// Every rule has a fixture pair of our own in tests/checks/fixtures/<category>/:
// <Code>.fail.html, a page the rule must report, and <Code>.pass.html, one it must not.
// For a rule that implements ACT rules the failing page must also fail the first of them
// (or, for a discovery rule, which only prompts a review, be cantTell), and the passing
// page must not fail it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "checks/checker.h"

namespace a11y::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

fs::path FixtureDir(const checks::Rule& rule) {
  return fs::path(A11Y_SOURCE_DIR) / "tests" / "checks" / "fixtures" /
         std::string(rule.category);
}

int Count(const checks::PageReport& report, const checks::Rule& rule) {
  int count = 0;
  for (const auto& finding : report.findings) count += finding.rule == &rule;
  return count;
}

// The page's outcome for the rule's first ACT rule ("" when it has none).
std::string_view ActOutcome(const checks::PageReport& report, const checks::Rule& rule) {
  for (const auto& act : report.act) {
    if (!rule.act.empty() && act.rule == rule.act.front()) return act.outcome;
  }
  return {};
}

class RuleFixtureTest : public ::testing::TestWithParam<const checks::Rule*> {};

TEST_P(RuleFixtureTest, ReportsItsFailingPageAndNotItsPassingPage) {
  const checks::Rule& rule = *GetParam();
  fs::path fail = FixtureDir(rule) / (std::string(rule.code) + ".fail.html");
  fs::path pass = FixtureDir(rule) / (std::string(rule.code) + ".pass.html");
  ASSERT_TRUE(fs::exists(fail)) << "missing fixture " << fail;
  ASSERT_TRUE(fs::exists(pass)) << "missing fixture " << pass;
  checks::PageReport failing = checks::CheckHtml(ReadFile(fail));
  checks::PageReport passing = checks::CheckHtml(ReadFile(pass));
  EXPECT_GT(Count(failing, rule), 0) << rule.code << " not reported on " << fail;
  EXPECT_EQ(Count(passing, rule), 0) << rule.code << " reported on " << pass;
  if (!rule.act.empty()) {
    // A discovery rule implementing an ACT rule is a review prompt: cantTell, never failed.
    std::string_view expected = rule.type == checks::IssueType::kDiscovery ? "cantTell" : "failed";
    EXPECT_EQ(ActOutcome(failing, rule), expected) << fail;
    EXPECT_NE(ActOutcome(passing, rule), "failed") << pass;
  }
}

std::vector<const checks::Rule*> RulePointers() {
  std::vector<const checks::Rule*> rules;
  for (const checks::Rule& rule : checks::AllRules()) rules.push_back(&rule);
  return rules;
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleFixtureTest, ::testing::ValuesIn(RulePointers()),
                         [](const auto& rule_info) { return std::string(rule_info.param->code); });

TEST(RuleCatalogTest, CodesAreUniqueAndEveryRuleIsWorded) {
  std::set<std::string_view> codes;
  for (const checks::Rule& rule : checks::AllRules()) {
    EXPECT_TRUE(codes.insert(rule.code).second) << "duplicate code " << rule.code;
    EXPECT_FALSE(rule.what.empty() || rule.why.empty() || rule.fix.empty()) << rule.code;
    EXPECT_NE(rule.check, nullptr) << rule.code;
    EXPECT_EQ(rule.wcag.empty(), rule.level == checks::WcagLevel::kNone) << rule.code;
  }
}

}  // namespace
}  // namespace a11y::testing
