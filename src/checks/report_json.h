// A page report as JSON (the `check` command's JSON Lines, stored test results) and as text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "checks/checker.h"

namespace a11y::checks {

// {"input", "findings": [{"code", "type", "impact", "wcag", "xpath", "selector", "snippet",
//   "message"}], "act": [{"rule", "outcome", "targets"}]}. The report's strings move into
// the JSON. As `nlohmann::ordered_json` (what `check` prints) the keys keep that order, and
// ordered objects are also the cheaper kind to build and free (a vector, not a tree, per
// object); as `nlohmann::json` (what a stored test result holds) they are sorted.
template <typename JsonType>
JsonType ReportToJson(std::string_view input, PageReport report);
extern template nlohmann::json ReportToJson(std::string_view, PageReport);
extern template nlohmann::ordered_json ReportToJson(std::string_view, PageReport);

// One line per finding ("line 12: error ErrImageWithNoAlt [1.1.1] <img ...>: message"),
// then a summary line.
std::string ReportToText(std::string_view input, const PageReport& report);

}  // namespace a11y::checks
