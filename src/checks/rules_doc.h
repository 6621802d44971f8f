// docs/RULES.md, generated from the catalog (auto-a11y rules --format markdown), and the
// catalog as JSON for tools.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace a11y::checks {

std::string RulesMarkdown();
nlohmann::json RulesJson();

}  // namespace a11y::checks
