// Images: alternative text (WCAG 1.1.1).
#include "checks/rule.h"

namespace a11y::checks {
namespace {

// <img> with no alt attribute at all, unless a role or ARIA name makes it accessible some
// other way: a screen reader then reads the file name, or nothing.
void ImageWithNoAlt(const Page& page, Reporter& report) {
  for (const Node* img : page.doc.ElementsByTag("img")) {
    if (page.sem.IsHidden(*img)) continue;
    if (img->HasAttr("alt") || img->HasAttr("aria-label") || img->HasAttr("aria-labelledby")) {
      continue;
    }
    std::string_view role = page.sem.ExplicitRole(*img);
    if (role == "presentation" || role == "none") continue;
    report.Fail(*img);
  }
}

}  // namespace

void AddImageRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrImageWithNoAlt",
      .type = IssueType::kError,
      .category = "images",
      .wcag = {"1.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This image has no alt attribute.",
      .why = "Screen readers announce an image without alt by its file name, or skip it, so "
             "its meaning is lost to blind users.",
      .fix = "Add alt text that says what the image conveys, or alt=\"\" if it is decoration.",
      .check = ImageWithNoAlt,
  });
}

}  // namespace a11y::checks
