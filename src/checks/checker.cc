#include "checks/checker.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "core/ascii.h"

namespace a11y::checks {
namespace {

enum class TargetOutcome { kPassed, kCantTell, kFailed };

// Collects one page's findings and ACT targets across every rule.
class PageCollector final : public Reporter {
 public:
  explicit PageCollector(const Document& doc) : doc_(doc) {}

  void Begin(const Rule& rule) {
    rule_ = &rule;
    reported_.clear();
    for (std::string_view id : rule.act) acts_.try_emplace(id);
  }

  void Fail(const Node& element, std::string detail) override {
    AddFinding(element, std::move(detail));
    Target(element, TargetOutcome::kFailed);
  }
  void Pass(const Node& element) override { Target(element, TargetOutcome::kPassed); }
  // A discovery rule's cantTell is its finding: a feature a person has to look at.
  void CantTell(const Node& element) override {
    if (rule_->type == IssueType::kDiscovery) AddFinding(element, {});
    Target(element, TargetOutcome::kCantTell);
  }

  PageReport Finish() && {
    PageReport report;
    std::vector<size_t> index(findings_.size());
    for (size_t i = 0; i < index.size(); ++i) index[i] = i;
    std::stable_sort(index.begin(), index.end(),
                     [&](size_t a, size_t b) { return order_[a] < order_[b]; });
    for (size_t i : index) {
      switch (findings_[i].rule->type) {
        case IssueType::kError: ++report.errors; break;
        case IssueType::kWarning: ++report.warnings; break;
        case IssueType::kInfo: ++report.infos; break;
        case IssueType::kDiscovery: ++report.discoveries; break;
      }
      report.findings.push_back(std::move(findings_[i]));
    }
    for (auto& [id, targets] : acts_) report.act.push_back(Outcome(id, targets));
    return report;
  }

 private:
  using Targets = std::map<const Node*, TargetOutcome>;

  void AddFinding(const Node& element, std::string detail) {
    if (!reported_.insert(&element).second) return;
    Finding finding;
    finding.rule = rule_;
    finding.xpath = Document::XPath(element);
    finding.selector = doc_.CssSelector(element);
    finding.snippet = Document::Snippet(element);
    finding.message = std::string(rule_->what);
    if (!detail.empty()) finding.message += " " + detail;
    finding.line = element.line;
    order_.push_back(element.order);
    findings_.push_back(std::move(finding));
  }

  void Target(const Node& element, TargetOutcome outcome) {
    for (std::string_view id : rule_->act) {
      auto [it, inserted] = acts_[id].emplace(&element, outcome);
      // The worst verdict on an element stands: failed over cantTell over passed.
      if (!inserted && outcome > it->second) it->second = outcome;
    }
  }

  static ActOutcome Outcome(std::string_view id, const Targets& targets) {
    ActOutcome act{id, "inapplicable", {}};
    for (TargetOutcome wanted :
         {TargetOutcome::kFailed, TargetOutcome::kCantTell, TargetOutcome::kPassed}) {
      for (const auto& [element, outcome] : targets) {
        if (outcome == wanted) act.targets.push_back(Document::XPath(*element));
      }
      if (!act.targets.empty()) {
        act.outcome = wanted == TargetOutcome::kFailed     ? "failed"
                      : wanted == TargetOutcome::kCantTell ? "cantTell"
                                                           : "passed";
        break;
      }
    }
    return act;
  }

  const Document& doc_;
  const Rule* rule_ = nullptr;
  std::set<const Node*> reported_;
  std::vector<Finding> findings_;
  std::vector<size_t> order_;
  std::map<std::string_view, Targets> acts_;
};

}  // namespace

PageReport CheckHtml(std::string html, const CheckOptions& options) {
  std::unique_ptr<Document> doc = Document::Parse(std::move(html));
  StyleResolver styles(*doc);
  Semantics sem(*doc, styles);
  Page page{*doc, styles, sem};
  PageCollector collector(*doc);
  for (const Rule& rule : AllRules()) {
    if (rule.level != WcagLevel::kNone && rule.level > options.level) continue;
    collector.Begin(rule);
    rule.check(page, collector);
  }
  return std::move(collector).Finish();
}

bool ParseWcagLevel(std::string_view text, WcagLevel* level) {
  if (EqualsIgnoreCase(text, "A")) {
    *level = WcagLevel::kA;
  } else if (EqualsIgnoreCase(text, "AA")) {
    *level = WcagLevel::kAA;
  } else if (EqualsIgnoreCase(text, "AAA")) {
    *level = WcagLevel::kAAA;
  } else {
    return false;
  }
  return true;
}

}  // namespace a11y::checks
