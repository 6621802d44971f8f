// A page report as JSON (the `check` command's JSON Lines, stored test results) and as text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "checks/checker.h"

namespace a11y::checks {

// {"input", "findings": [{"code", "type", "impact", "wcag", "xpath", "selector", "snippet",
//   "message"}], "act": [{"rule", "outcome", "targets"}]}, keys in that order. Ordered objects
// are also the cheaper kind to build and free (a vector, not a tree, per object). The
// report's strings move into the JSON.
nlohmann::ordered_json ReportToJson(std::string_view input, PageReport report);

// One line per finding ("line 12: error ErrImageWithNoAlt [1.1.1] <img ...>: message"),
// then a summary line.
std::string ReportToText(std::string_view input, const PageReport& report);

}  // namespace a11y::checks
