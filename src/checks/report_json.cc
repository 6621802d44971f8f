#include "checks/report_json.h"

namespace a11y::checks {

template <typename JsonType>
JsonType ReportToJson(std::string_view input, PageReport report) {
  JsonType findings = JsonType::array();
  for (Finding& finding : report.findings) {
    JsonType wcag = JsonType::array();
    for (std::string_view criterion : finding.rule->wcag) wcag.push_back(criterion);
    findings.push_back({{"code", finding.rule->code},
                        {"type", ToString(finding.rule->type)},
                        {"impact", ToString(finding.rule->impact)},
                        {"wcag", std::move(wcag)},
                        {"xpath", std::move(finding.xpath)},
                        {"selector", std::move(finding.selector)},
                        {"snippet", std::move(finding.snippet)},
                        {"message", std::move(finding.message)}});
  }
  JsonType act = JsonType::array();
  for (ActOutcome& outcome : report.act) {
    // Element by element: JSON made from a whole vector<string> copies every string.
    JsonType targets = JsonType::array();
    for (std::string& target : outcome.targets) targets.push_back(std::move(target));
    act.push_back({{"rule", outcome.rule},
                   {"outcome", outcome.outcome},
                   {"targets", std::move(targets)}});
  }
  return {{"input", input}, {"findings", std::move(findings)}, {"act", std::move(act)}};
}

template nlohmann::json ReportToJson(std::string_view, PageReport);
template nlohmann::ordered_json ReportToJson(std::string_view, PageReport);

std::string ReportToText(std::string_view input, const PageReport& report) {
  std::string text;
  for (const Finding& finding : report.findings) {
    text += std::string(input) + ":" + std::to_string(finding.line) + ": " +
            std::string(ToString(finding.rule->type)) + " " + std::string(finding.rule->code);
    if (!finding.rule->wcag.empty()) {
      text += " [";
      for (size_t i = 0; i < finding.rule->wcag.size(); ++i) {
        text += (i > 0 ? ", " : "") + std::string(finding.rule->wcag[i]);
      }
      text += "]";
    }
    text += " " + finding.snippet + "\n    " + finding.message + "\n";
  }
  text += std::string(input) + ": " + std::to_string(report.errors) + " errors, " +
          std::to_string(report.warnings) + " warnings, " + std::to_string(report.infos) +
          " notices, " + std::to_string(report.discoveries) + " to review\n";
  return text;
}

}  // namespace a11y::checks
