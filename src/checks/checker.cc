#include "checks/checker.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <utility>

#include "core/ascii.h"

namespace a11y::checks {
namespace {

enum class TargetOutcome { kPassed, kCantTell, kFailed };

// XPaths of many elements of one page. A rule like contrast has a passed target per text
// element, so each path is built from its parent's, and each parent's children are
// numbered once: linear in the page instead of depth x siblings per element. Tables are
// indexed by Node::order, the checker's hottest lookups being cheaper there than in maps.
class XPathCache {
 public:
  // The reference stays valid while the cache lives (a deque keeps its elements in place).
  const std::string& Of(const Node& node) {
    if (node.order < paths_.size() && !paths_[node.order].empty()) return paths_[node.order];
    std::string path;
    if (node.parent != nullptr && node.parent->is_element()) path = Of(*node.parent);
    path += '/';
    path += node.tag;
    if (node.parent != nullptr) {
      auto [position, count] = Position(node);
      if (count > 1) path += "[" + std::to_string(position) + "]";
    }
    if (node.order >= paths_.size()) paths_.resize(node.order + 1);
    paths_[node.order] = std::move(path);  // Never empty: it has at least the '/'.
    return paths_[node.order];
  }

 private:
  struct SiblingPosition {
    size_t position = 0;  // 1-based among element siblings of the same tag.
    size_t count = 0;     // How many element siblings have that tag.
  };

  std::pair<size_t, size_t> Position(const Node& node) {
    const Node& parent = *node.parent;
    if (parent.order >= numbered_.size()) numbered_.resize(parent.order + 1, false);
    if (!numbered_[parent.order]) {
      // A parent has few distinct child tags: a short list beats a map.
      std::vector<std::pair<std::string_view, size_t>> counts;
      auto count_of = [&](std::string_view tag) -> size_t& {
        for (auto& [seen, count] : counts) {
          if (seen == tag) return count;
        }
        return counts.emplace_back(tag, 0).second;
      };
      for (const Node* sibling : parent.children) {
        if (!sibling->is_element()) continue;
        if (sibling->order >= siblings_.size()) siblings_.resize(sibling->order + 1);
        siblings_[sibling->order].position = ++count_of(sibling->tag);
      }
      for (const Node* sibling : parent.children) {
        if (sibling->is_element()) siblings_[sibling->order].count = count_of(sibling->tag);
      }
      numbered_[parent.order] = true;
    }
    if (node.order >= siblings_.size()) return {0, 0};  // Not an element: no index.
    return {siblings_[node.order].position, siblings_[node.order].count};
  }

  std::deque<std::string> paths_;  // "" until computed.
  std::vector<SiblingPosition> siblings_;
  std::vector<bool> numbered_;     // By parent: its children have positions.
};

// Collects one page's findings and ACT targets across every rule.
class PageCollector final : public Reporter {
 public:
  explicit PageCollector(const Document& doc) : doc_(doc) {}

  void Begin(const Rule& rule) {
    rule_ = &rule;
    reported_.clear();
    prompted_ = false;
    // The rule's ACT rules, looked up once rather than for each target it reports.
    rule_targets_.clear();
    for (std::string_view id : rule.act) rule_targets_.push_back(&acts_[id]);
  }

  void Fail(const Node& element, std::string detail) override {
    AddFinding(element, std::move(detail));
    Target(element, TargetOutcome::kFailed);
  }
  void Pass(const Node& element) override { Target(element, TargetOutcome::kPassed); }
  // A discovery rule's cantTell is a prompt for a person to review: one finding per page, on
  // the first element (the ACT outcome lists them all), so that a rule that applies to every
  // link does not bury the page's errors.
  void CantTell(const Node& element) override {
    if (rule_->type == IssueType::kDiscovery && !prompted_) {
      prompted_ = true;
      AddFinding(element, {});
    }
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
    for (auto& [id, targets] : acts_) report.act.push_back(Outcome(id, targets, xpaths_));
    return report;
  }

 private:
  // Targets are listed in document order. Keyed by address, their order followed where the
  // allocator happened to put the nodes, and so changed with unrelated allocations.
  struct DocumentOrder {
    bool operator()(const Node* a, const Node* b) const { return a->order < b->order; }
  };
  using Targets = std::map<const Node*, TargetOutcome, DocumentOrder>;

  void AddFinding(const Node& element, std::string detail) {
    if (!reported_.insert(&element).second) return;
    Finding finding;
    finding.rule = rule_;
    finding.xpath = xpaths_.Of(element);
    finding.selector = doc_.CssSelector(element);
    finding.snippet = Document::Snippet(element);
    finding.message = std::string(rule_->what);
    if (!detail.empty()) finding.message += " " + detail;
    finding.line = element.line;
    order_.push_back(element.order);
    findings_.push_back(std::move(finding));
  }

  void Target(const Node& element, TargetOutcome outcome) {
    for (Targets* targets : rule_targets_) {
      auto [it, inserted] = targets->emplace(&element, outcome);
      // The worst verdict on an element stands: failed over cantTell over passed.
      if (!inserted && outcome > it->second) it->second = outcome;
    }
  }

  static ActOutcome Outcome(std::string_view id, const Targets& targets, XPathCache& xpaths) {
    ActOutcome act{id, "inapplicable", {}};
    for (TargetOutcome wanted :
         {TargetOutcome::kFailed, TargetOutcome::kCantTell, TargetOutcome::kPassed}) {
      for (const auto& [element, outcome] : targets) {
        if (outcome == wanted) act.targets.push_back(xpaths.Of(*element));
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
  XPathCache xpaths_;
  const Rule* rule_ = nullptr;
  std::set<const Node*> reported_;
  bool prompted_ = false;
  std::vector<Finding> findings_;
  std::vector<size_t> order_;
  std::map<std::string_view, Targets> acts_;
  std::vector<Targets*> rule_targets_;  // In acts_, for the current rule's ACT rules.
};

}  // namespace

PageReport CheckHtml(std::string html, const CheckOptions& options) {
  std::unique_ptr<Document> doc = Document::Parse(std::move(html));
  StyleResolver styles(*doc);
  Semantics sem(*doc, styles);
  PageMemo memo;
  Page page{*doc, styles, sem, memo};
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
