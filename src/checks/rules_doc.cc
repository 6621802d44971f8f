#include "checks/rules_doc.h"

#include <map>

#include "checks/rule.h"

namespace a11y::checks {
namespace {

std::string Join(const std::vector<std::string_view>& items) {
  std::string out;
  for (std::string_view item : items) out += (out.empty() ? "" : ", ") + std::string(item);
  return out;
}

// Table cells hold prose; a pipe would end the cell.
std::string Cell(std::string_view text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

std::string RulesMarkdown() {
  std::map<std::string_view, std::vector<const Rule*>> by_category;
  for (const Rule& rule : AllRules()) by_category[rule.category].push_back(&rule);
  std::string md =
      "# Rules\n\n"
      "Generated from the checker's catalog by `auto-a11y rules --format markdown`; do not "
      "edit by hand\n(`checks_tests` fails when this file is stale).\n\n"
      "Each rule has an issue code, a type (error, warning, info, or discovery: a feature "
      "a person should look at),\nthe WCAG 2.2 success criteria and level it tests, an "
      "impact, and the W3C ACT rules it implements.\n`auto-a11y check --level A|AA|AAA` "
      "skips rules above the level; best-practice rules always run.\n\n" +
      std::to_string(AllRules().size()) + " rules in " + std::to_string(by_category.size()) +
      " categories.\n";
  for (const auto& [category, rules] : by_category) {
    md += "\n## " + std::string(category) + "\n\n";
    md += "| Code | Type | WCAG | Level | Impact | ACT | What is wrong | How to fix |\n";
    md += "|---|---|---|---|---|---|---|---|\n";
    for (const Rule* rule : rules) {
      md += "| `" + std::string(rule->code) + "` | " + std::string(ToString(rule->type)) +
            " | " + Join(rule->wcag) + " | " + std::string(ToString(rule->level)) + " | " +
            std::string(ToString(rule->impact)) + " | " + Join(rule->act) + " | " +
            Cell(rule->what) + " " + Cell(rule->why) + " | " + Cell(rule->fix) + " |\n";
    }
  }
  return md;
}

nlohmann::json RulesJson() {
  nlohmann::json rules = nlohmann::json::array();
  for (const Rule& rule : AllRules()) {
    rules.push_back({{"code", rule.code},
                     {"type", ToString(rule.type)},
                     {"category", rule.category},
                     {"wcag", rule.wcag},
                     {"level", ToString(rule.level)},
                     {"impact", ToString(rule.impact)},
                     {"act", rule.act},
                     {"what", rule.what},
                     {"why", rule.why},
                     {"fix", rule.fix}});
  }
  return rules;
}

}  // namespace a11y::checks
