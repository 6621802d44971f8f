// The checker's front: one HTML page in, its findings and ACT outcomes out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checks/rule.h"

namespace a11y::checks {

struct Finding {
  const Rule* rule = nullptr;
  std::string xpath;
  std::string selector;
  std::string snippet;
  std::string message;
  int line = 0;  // Source line of the element, 0 when the parser implied it.
};

// One ACT rule's outcome on a page: failed if any target failed, else cantTell if any
// target could not be told, else passed if any passed, else inapplicable.
struct ActOutcome {
  std::string_view rule;    // ACT rule id.
  std::string_view outcome; // "passed", "failed", "cantTell", "inapplicable".
  std::vector<std::string> targets;  // XPaths of the elements behind the outcome.
};

struct PageReport {
  std::vector<Finding> findings;  // In document order, then rule order.
  std::vector<ActOutcome> act;    // One per ACT rule implemented, by id.
  int errors = 0, warnings = 0, infos = 0, discoveries = 0;
};

struct CheckOptions {
  // Rules whose criteria are all above this level are skipped; best-practice rules (no
  // criterion) always run.
  WcagLevel level = WcagLevel::kAAA;
};

// Checks one page. Never fails: any bytes give some report.
PageReport CheckHtml(std::string html, const CheckOptions& options = {});

// "A", "AA" or "AAA" (any case); false when `text` is none of them.
bool ParseWcagLevel(std::string_view text, WcagLevel* level);

}  // namespace a11y::checks
