// The conformance runner: every case of the two external suites in ../shared/conformance,
// scored as its README says, printed as per-code and per-rule tables, and held to the
// baseline committed in tests/conformance/baseline.json (raise it as the checker improves,
// never lower it to make a run pass).
//
// A11Y_CONFORMANCE_FILTER=TEXT prints, for every code or ACT rule containing TEXT, each
// case that does not pass and what was found — the loop for working on a rule.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "checks/checker.h"

namespace a11y::testing {
namespace {

namespace fs = std::filesystem;
using checks::CheckHtml;
using checks::PageReport;

fs::path SuiteDir() {
  if (const char* dir = std::getenv("A11Y_CONFORMANCE_DIR")) return dir;
  return fs::path(A11Y_SOURCE_DIR) / ".." / "shared" / "conformance";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

nlohmann::json ReadJson(const fs::path& path) { return nlohmann::json::parse(ReadFile(path)); }

nlohmann::json Baseline() {
  return ReadJson(fs::path(A11Y_SOURCE_DIR) / "tests" / "conformance" / "baseline.json");
}

std::string Filter() {
  const char* filter = std::getenv("A11Y_CONFORMANCE_FILTER");
  return filter != nullptr ? filter : "";
}

bool Matches(const std::string& name, const std::string& filter) {
  return !filter.empty() && name.find(filter) != std::string::npos;
}

#define SKIP_WITHOUT_SUITE(dir)                                                      \
  if (!fs::exists(dir)) {                                                            \
    GTEST_SKIP() << "no conformance suite at " << (dir).string()                     \
                 << " (../shared is absent); the checker's own fixtures still run";   \
  }

// ---------------------------------------------------------------------------------------
// auto_a11y fixtures: count the findings whose code is the fixture's issueId.

TEST(ConformanceTest, AutoA11yFixtures) {
  fs::path dir = SuiteDir() / "auto_a11y";
  SKIP_WITHOUT_SUITE(dir);
  std::string filter = Filter();
  struct CodeScore {
    int fixtures = 0, presence = 0, exact = 0;
  };
  std::map<std::string, CodeScore> scores;
  int total = 0, presence = 0, exact = 0;
  for (const auto& entry : ReadJson(dir / "index.json")) {
    std::string code = entry.at("issueId");
    if (code.rfind("AI_", 0) == 0) continue;  // Optional: a language model's codes.
    int expected = entry.at("expectedViolationCount");
    std::string path = entry.at("path");
    PageReport report = CheckHtml(ReadFile(dir / path));
    int found = 0;
    for (const auto& finding : report.findings) found += finding.rule->code == code;
    bool present = expected > 0 ? found > 0 : found == 0;
    CodeScore& score = scores[code];
    ++score.fixtures;
    score.presence += present;
    score.exact += found == expected;
    ++total;
    presence += present;
    exact += found == expected;
    if (Matches(code, filter) && found != expected) {
      std::printf("  %-70s expected %d, found %d\n", path.c_str(), expected, found);
      for (const auto& finding : report.findings) {
        if (finding.rule->code == code) {
          std::printf("      at %s  %s\n", finding.xpath.c_str(), finding.snippet.c_str());
        }
      }
    }
  }
  int ready = 0;
  std::printf("%-64s %8s %8s %8s\n", "code", "fixtures", "presence", "exact");
  for (const auto& [code, score] : scores) {
    ready += score.presence == score.fixtures;
    std::printf("%-64s %8d %8d %8d%s\n", code.c_str(), score.fixtures, score.presence,
                score.exact, score.presence == score.fixtures ? "  ready" : "");
  }
  std::printf("auto_a11y: %d fixtures, presence pass %d (%.1f%%), exact pass %d (%.1f%%), "
              "%d of %zu codes ready\n",
              total, presence, 100.0 * presence / total, exact, 100.0 * exact / total, ready,
              scores.size());
  RecordProperty("presence", presence);
  RecordProperty("exact", exact);
  nlohmann::json baseline = Baseline().at("auto_a11y");
  EXPECT_GE(presence, baseline.at("presence").get<int>()) << "presence pass fell below baseline";
  EXPECT_GE(exact, baseline.at("exact").get<int>()) << "exact pass fell below baseline";
}

// ---------------------------------------------------------------------------------------
// ACT rules: per rule, consistent / partial / inconsistent / untested.

TEST(ConformanceTest, ActRules) {
  fs::path dir = SuiteDir() / "act";
  SKIP_WITHOUT_SUITE(dir);
  std::string filter = Filter();
  struct RuleScore {
    std::string name;
    int cases = 0;
    bool reported = false;         // Some case gave the rule an outcome.
    bool false_alarm = false;      // A passed/inapplicable case reported failed.
    bool missed = false;           // A failed case not reported failed.
    bool some_failure_seen = false;  // A failed case reported failed or cantTell.
  };
  std::map<std::string, RuleScore> rules;
  nlohmann::json suite = ReadJson(dir / "testcases.json");
  for (const auto& testcase : suite.at("testcases")) {
    std::string rule_id = testcase.at("ruleId");
    std::string expected = testcase.at("expected");
    std::string path = testcase.at("relativePath");
    RuleScore& score = rules[rule_id];
    score.name = testcase.at("ruleName");
    ++score.cases;
    if (path.size() < 5 || path.substr(path.size() - 5) != ".html") continue;
    PageReport report = CheckHtml(ReadFile(dir / path));
    std::string outcome;
    for (const auto& act : report.act) {
      if (act.rule == rule_id) outcome = std::string(act.outcome);
    }
    if (outcome.empty()) {
      if (expected == "failed") score.missed = true;
      continue;
    }
    score.reported = true;
    if (expected == "failed") {
      if (outcome != "failed") score.missed = true;
      if (outcome == "failed" || outcome == "cantTell") score.some_failure_seen = true;
    } else if (outcome == "failed") {
      score.false_alarm = true;
    }
    bool wrong = (expected == "failed") != (outcome == "failed");
    if (Matches(rule_id, filter) && wrong) {
      std::printf("  %s %s: expected %s, reported %s\n", rule_id.c_str(), path.c_str(),
                  expected.c_str(), outcome.c_str());
    }
  }
  int consistent = 0, partial = 0, inconsistent = 0, untested = 0;
  std::printf("%-8s %-70s %6s  %s\n", "rule", "name", "cases", "result");
  for (const auto& [id, score] : rules) {
    std::string result;
    if (!score.reported) {
      result = "untested";
      ++untested;
    } else if (score.false_alarm) {
      result = "INCONSISTENT";
      ++inconsistent;
    } else if (!score.missed) {
      result = "consistent";
      ++consistent;
    } else if (score.some_failure_seen) {
      result = "partial";
      ++partial;
    } else {
      result = "untested";  // Reported, but never caught a failure.
      ++untested;
    }
    std::printf("%-8s %-70.70s %6d  %s\n", id.c_str(), score.name.c_str(), score.cases,
                result.c_str());
  }
  std::printf("ACT: %zu rules, %d consistent, %d partial, %d inconsistent, %d untested\n",
              rules.size(), consistent, partial, inconsistent, untested);
  RecordProperty("consistent", consistent);
  RecordProperty("partial", partial);
  RecordProperty("inconsistent", inconsistent);
  nlohmann::json baseline = Baseline().at("act");
  EXPECT_EQ(inconsistent, 0) << "a rule raised a false alarm on a passed or inapplicable case";
  EXPECT_GE(consistent, baseline.at("consistent").get<int>()) << "fell below baseline";
  EXPECT_GE(consistent + partial, baseline.at("consistent_or_partial").get<int>())
      << "fell below baseline";
}

}  // namespace
}  // namespace a11y::testing
