#include "checks/rules_doc.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace a11y::testing {
namespace {

TEST(RulesDocTest, DocsRulesMdIsTheGeneratedCatalog) {
  std::ifstream in(std::string(A11Y_SOURCE_DIR) + "/docs/RULES.md");
  std::ostringstream committed;
  committed << in.rdbuf();
  EXPECT_TRUE(committed.str() == checks::RulesMarkdown())
      << "docs/RULES.md is stale: run build/release/auto-a11y rules --format markdown > "
         "docs/RULES.md";
}

}  // namespace
}  // namespace a11y::testing
