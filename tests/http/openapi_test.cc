// docs/openapi.json and the router agree: every route is documented, and the document
// promises no route the server does not have.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "http/api.h"

namespace a11y::testing {
namespace {

TEST(OpenApiTest, TheDocumentDescribesExactlyTheRoutesTheServerHas) {
  std::ifstream file(std::string(A11Y_SOURCE_DIR) + "/docs/openapi.json");
  ASSERT_TRUE(file) << "docs/openapi.json is missing";
  const nlohmann::json doc = nlohmann::json::parse(file, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(doc.is_object()) << "docs/openapi.json is not valid JSON";
  ASSERT_TRUE(doc.contains("paths"));

  http::ApiContext context;  // Handlers are registered, never called.
  http::Router router;
  http::RegisterRoutes(router, context);
  std::set<std::string> served;
  for (const std::string& route : router.Routes()) {
    served.insert(route);
    const size_t space = route.find(' ');
    std::string method = route.substr(0, space);
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string path = route.substr(space + 1);
    EXPECT_TRUE(doc["paths"].contains(path) && doc["paths"][path].contains(method))
        << route << " is served but not in docs/openapi.json";
  }
  for (const auto& [path, operations] : doc["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      if (method == "parameters" || method == "summary" || method == "description") continue;
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      EXPECT_TRUE(served.count(upper + " " + path))
          << upper << ' ' << path << " is documented but not served";
    }
  }
}

}  // namespace
}  // namespace a11y::testing
