// The checker as a whole: hostile input, level filtering, the order and shape of findings.
#include "checks/checker.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace a11y::testing {
namespace {

using checks::CheckHtml;
using checks::PageReport;
using checks::WcagLevel;

// A page with problems of every level: missing alt (A), low contrast (AA), and more.
constexpr const char* kManyProblems = R"(<!DOCTYPE html>
<html><head><style>.faint { color: #777; background: #fff }</style></head>
<body>
<img src="a.png">
<p class="faint">Grey on white, 4.48:1 — fails AA</p>
<p style="color:#595959">Fails AAA only (7:1 needed)</p>
<a href="/x"></a>
<input type="text">
<h1></h1><h4>Skipped</h4>
</body></html>)";

TEST(CheckerTest, GarbageBytesGiveAReportNotACrash) {
  std::mt19937 random(42);
  for (int round = 0; round < 20; ++round) {
    std::string bytes(20000, '\0');
    for (char& c : bytes) c = static_cast<char>(random() % 256);
    // Sprinkle markup so the parser builds elements out of the noise.
    for (size_t i = 0; i < bytes.size(); i += 97) bytes.replace(i, 5, "<div ");
    PageReport report = CheckHtml(bytes);
    for (const auto& finding : report.findings) EXPECT_NE(finding.rule, nullptr);
  }
}

TEST(CheckerTest, HostileStructureIsChecked) {
  std::string deep;
  // Past the markup guard's cap of 512 open elements, as deep as the checker ever sees.
  for (int i = 0; i < 2000; ++i) deep += "<div role=\"list\"><span style=\"color:red\">";
  deep += "<img src=x>";
  PageReport deep_report = CheckHtml(deep);
  EXPECT_FALSE(deep_report.findings.empty());

  std::string wide = "<style>";
  for (int i = 0; i < 1000; ++i) {
    wide += ".c" + std::to_string(i) + " div > p:nth-child(2n+1) {color:#" +
            std::to_string(100 + i % 800) + "}";
  }
  wide += "</style>";
  for (int i = 0; i < 1000; ++i) {
    wide += "<div class=c" + std::to_string(i) + "><p>text</p><a href=#></a></div>";
  }
  PageReport wide_report = CheckHtml(wide);
  EXPECT_FALSE(wide_report.findings.empty());
}

TEST(CheckerTest, LevelKeepsOnlyRulesAtOrBelowIt) {
  PageReport all = CheckHtml(kManyProblems, {.level = WcagLevel::kAAA});
  PageReport level_a = CheckHtml(kManyProblems, {.level = WcagLevel::kA});
  EXPECT_LT(level_a.findings.size(), all.findings.size());
  bool above_a_seen_in_all = false;
  for (const auto& finding : all.findings) {
    above_a_seen_in_all |= finding.rule->level == WcagLevel::kAA ||
                           finding.rule->level == WcagLevel::kAAA;
  }
  EXPECT_TRUE(above_a_seen_in_all);
  for (const auto& finding : level_a.findings) {
    EXPECT_TRUE(finding.rule->level == WcagLevel::kA || finding.rule->level == WcagLevel::kNone)
        << finding.rule->code;
  }
}

TEST(CheckerTest, FindingsComeInDocumentOrderWithWhereAndWhat) {
  PageReport report = CheckHtml(kManyProblems);
  ASSERT_FALSE(report.findings.empty());
  int previous_line = 0;
  for (const auto& finding : report.findings) {
    EXPECT_FALSE(finding.xpath.empty()) << finding.rule->code;
    EXPECT_FALSE(finding.selector.empty()) << finding.rule->code;
    EXPECT_FALSE(finding.snippet.empty()) << finding.rule->code;
    EXPECT_FALSE(finding.message.empty()) << finding.rule->code;
    // Elements the parser implied (line 0) sort by document order too, but have no line.
    if (finding.line > 0) {
      EXPECT_GE(finding.line, previous_line) << finding.rule->code;
      previous_line = finding.line;
    }
  }
  EXPECT_EQ(report.errors + report.warnings + report.infos + report.discoveries,
            static_cast<int>(report.findings.size()));
}

TEST(CheckerTest, ActOutcomesAreOnePerImplementedRule) {
  PageReport report = CheckHtml(kManyProblems);
  std::set<std::string_view> seen;
  for (const auto& act : report.act) {
    EXPECT_TRUE(seen.insert(act.rule).second) << act.rule;
    EXPECT_TRUE(act.outcome == "passed" || act.outcome == "failed" ||
                act.outcome == "cantTell" || act.outcome == "inapplicable");
    EXPECT_EQ(act.targets.empty(), act.outcome == "inapplicable") << act.rule;
  }
}

}  // namespace
}  // namespace a11y::testing
