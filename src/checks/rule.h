// Rules are data plus one small check function. The data says what the rule is (code,
// type, category, WCAG criteria, impact, the ACT rules it implements) and how we word it;
// the function walks the page and reports the elements that fail (and, for rules that
// implement ACT rules, the ones that pass or cannot be told).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checks/dom.h"
#include "checks/semantics.h"
#include "checks/style.h"

namespace a11y::checks {

enum class IssueType { kError, kWarning, kInfo, kDiscovery };
enum class Impact { kLow, kMedium, kHigh, kCritical };
enum class WcagLevel { kA = 1, kAA = 2, kAAA = 3, kNone = 4 };  // kNone: best practice.

std::string_view ToString(IssueType type);  // "error", "warning", "info", "discovery"
std::string_view ToString(Impact impact);   // "low", "medium", "high", "critical"
std::string_view ToString(WcagLevel level); // "A", "AA", "AAA", "best-practice"

// Analyses that several rules share, computed once per page by the first rule that asks
// (one contrast pass serves the five contrast rules). Keys are the addresses of the
// computing functions, so two analyses cannot collide.
class PageMemo {
 public:
  template <typename T>
  const T& Get(T (*compute)(const struct Page&), const struct Page& page) {
    auto key = reinterpret_cast<void (*)()>(compute);
    auto found = values_.find(key);
    if (found == values_.end()) {
      found = values_.emplace(key, std::make_shared<const T>(compute(page))).first;
    }
    return *static_cast<const T*>(found->second.get());
  }

 private:
  std::map<void (*)(), std::shared_ptr<const void>> values_;
};

// Everything a check reads about one page.
struct Page {
  const Document& doc;
  const StyleResolver& styles;
  const Semantics& sem;
  PageMemo& memo;
};

class Reporter;
using CheckFunction = void (*)(const Page& page, Reporter& report);

struct Rule {
  std::string_view code;      // ErrImageWithNoAlt — the fixture suite's code where it has one.
  IssueType type;
  std::string_view category;  // "images", "forms"... (lower case, see docs/RULES.md)
  std::vector<std::string_view> wcag;  // Success criteria, "1.1.1".
  WcagLevel level;            // The lowest level among `wcag`; kNone when `wcag` is empty.
  Impact impact;
  std::vector<std::string_view> act;   // ACT rule ids this rule implements ("23a2a8").
  std::string_view what;      // What is wrong, one sentence, about one element.
  std::string_view why;       // Who it stops and how.
  std::string_view fix;       // How to put it right.
  CheckFunction check;
};

// Collects what one rule's check finds. Each element is reported at most once per rule.
class Reporter {
 public:
  // `element` fails the rule: a finding, and a failed target for each ACT rule. `detail`
  // (optional) is appended to the rule's wording, e.g. the contrast ratio measured.
  virtual void Fail(const Node& element, std::string detail = {}) = 0;
  // `element` is applicable and passes: a passed target for the rule's ACT rules (no finding).
  virtual void Pass(const Node& element) = 0;
  // Applicable, but a browser or a person is needed to decide: a cantTell target. No
  // finding, except for a discovery rule, whose findings are such prompts (one per page).
  virtual void CantTell(const Node& element) = 0;

 protected:
  ~Reporter() = default;
};

// Every rule, in a stable order (category, then code). Codes are unique.
const std::vector<Rule>& AllRules();
// nullptr when no rule has `code`.
const Rule* FindRule(std::string_view code);

// Each category file (rules/<category>.cc) appends its rules here; AllRules() calls them all.
void AddImageRules(std::vector<Rule>& rules);
void AddFormRules(std::vector<Rule>& rules);
void AddHeadingRules(std::vector<Rule>& rules);
void AddLandmarkRules(std::vector<Rule>& rules);
void AddLanguageRules(std::vector<Rule>& rules);
void AddPageRules(std::vector<Rule>& rules);
void AddLinkRules(std::vector<Rule>& rules);
void AddButtonRules(std::vector<Rule>& rules);
void AddListRules(std::vector<Rule>& rules);
void AddTableRules(std::vector<Rule>& rules);
void AddAriaRules(std::vector<Rule>& rules);
void AddFocusRules(std::vector<Rule>& rules);
void AddFrameRules(std::vector<Rule>& rules);
void AddDocumentLinkRules(std::vector<Rule>& rules);
void AddColorRules(std::vector<Rule>& rules);
void AddStyleRules(std::vector<Rule>& rules);
void AddInteractionRules(std::vector<Rule>& rules);
void AddMediaRules(std::vector<Rule>& rules);
void AddActRules(std::vector<Rule>& rules);

}  // namespace a11y::checks
