// The page as a whole: its title (WCAG 2.4.2) and doctype (4.1.1).
#include <string>
#include <string_view>
#include <vector>

#include "checks/rule.h"

namespace a11y::checks {
namespace {

// The HTML <title> elements in document order; SVG <title>s name graphics and do not count.
std::vector<const Node*> TitleElements(const Page& page) { return page.doc.ElementsByTag("title"); }

std::string TitleText(const Node& title) { return CollapseWhitespace(title.TextContent()); }

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// ACT 2779a5 applies to HTML documents; a document whose html element the parser had to
// invent around a bare <svg> is an SVG file, not a page.
const Node* HtmlPage(const Page& page) {
  const Node* html = page.doc.html();
  if (html == nullptr) return nullptr;
  if (html->line == 0 && page.doc.body() != nullptr && page.doc.body()->line == 0) {
    std::vector<const Node*> children = page.doc.body()->ChildElements();
    if (!children.empty() && children.front()->ns == Namespace::kSvg && !page.doc.has_doctype()) {
      return nullptr;
    }
  }
  return html;
}

// No <title>: browsers show the address in the tab and screen readers announce
// "untitled", so users cannot tell pages or tabs apart.
void NoPageTitle(const Page& page, Reporter& report) {
  const Node* html = HtmlPage(page);
  if (html == nullptr) return;
  if (TitleElements(page).empty()) {
    report.Fail(*html);
  } else {
    report.Pass(*html);
  }
}

// The first <title> is the one browsers use; when it is blank the page is untitled.
void EmptyPageTitle(const Page& page, Reporter& report) {
  const Node* html = HtmlPage(page);
  std::vector<const Node*> titles = TitleElements(page);
  if (html == nullptr || titles.empty()) return;
  if (TitleText(*titles.front()).empty()) {
    report.Fail(*titles.front());
  } else {
    report.Pass(*titles.front());
  }
}

// A second <title> is ignored by browsers, but tools and assistive technology that read
// the source may take either, and the author's intent is unclear.
void MultiplePageTitles(const Page& page, Reporter& report) {
  std::vector<const Node*> titles = TitleElements(page);
  for (size_t i = 1; i < titles.size(); ++i) report.Fail(*titles[i]);
}

constexpr size_t kLongTitle = 70;
constexpr size_t kShortTitle = 5;

void PageTitleTooLong(const Page& page, Reporter& report) {
  std::vector<const Node*> titles = TitleElements(page);
  if (titles.empty()) return;
  size_t length = CodePoints(TitleText(*titles.front()));
  if (length > kLongTitle)
    report.Fail(*titles.front(), "(" + std::to_string(length) + " characters)");
}

void PageTitleTooShort(const Page& page, Reporter& report) {
  std::vector<const Node*> titles = TitleElements(page);
  if (titles.empty()) return;
  size_t length = CodePoints(TitleText(*titles.front()));
  if (length > 0 && length < kShortTitle) report.Fail(*titles.front());
}

// Without a doctype browsers render in quirks mode, where layout, zoom and text spacing
// behave differently from the standards every accessibility technique assumes.
void MissingDocumentType(const Page& page, Reporter& report) {
  if (page.doc.has_doctype()) return;
  if (const Node* html = HtmlPage(page)) report.Fail(*html);
}

}  // namespace

void AddPageRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrNoPageTitle",
      .type = IssueType::kError,
      .category = "page",
      .wcag = {"2.4.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"2779a5"},
      .what = "This page has no <title> element.",
      .why = "Screen readers announce the title first when a page opens, and users tell tabs "
             "and history entries apart by it; without one the page is \"untitled\".",
      .fix = "Add a <title> in the <head> naming the page's topic and the site.",
      .check = NoPageTitle,
  });
  rules.push_back({
      .code = "ErrEmptyPageTitle",
      .type = IssueType::kError,
      .category = "page",
      .wcag = {"2.4.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"2779a5"},
      .what = "This page's <title> is empty.",
      .why = "An empty title leaves the page unnamed for screen readers, tabs, bookmarks and "
             "history.",
      .fix = "Write a title that names the page's topic and the site.",
      .check = EmptyPageTitle,
  });
  rules.push_back({
      .code = "ErrMultiplePageTitles",
      .type = IssueType::kError,
      .category = "page",
      .wcag = {"2.4.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This is an extra <title> element; the page already has one.",
      .why = "Only the first title is used; tools and assistive technology may pick either, "
             "so the page's name is unreliable.",
      .fix = "Keep a single <title> in the <head>.",
      .check = MultiplePageTitles,
  });
  rules.push_back({
      .code = "WarnPageTitleTooLong",
      .type = IssueType::kWarning,
      .category = "page",
      .wcag = {"2.4.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This page title is longer than 70 characters.",
      .why = "Tabs and search results cut long titles off, and screen readers read all of it "
             "every time the page opens.",
      .fix = "Put the distinctive part first and keep the title short.",
      .check = PageTitleTooLong,
  });
  rules.push_back({
      .code = "WarnPageTitleTooShort",
      .type = IssueType::kWarning,
      .category = "page",
      .wcag = {"2.4.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This page title is only a few characters long.",
      .why = "A title of a word or two rarely identifies the page and the site, so users "
             "cannot tell it from others in tabs and history.",
      .fix = "Name the page's topic and the site, e.g. \"Opening hours - City Library\".",
      .check = PageTitleTooShort,
  });
  rules.push_back({
      .code = "ErrMissingDocumentType",
      .type = IssueType::kError,
      .category = "page",
      .wcag = {"4.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This page has no <!DOCTYPE html> declaration.",
      .why = "Browsers render it in quirks mode, where layout, zoom and spacing differ from "
             "the standards that assistive technology and accessible CSS rely on.",
      .fix = "Start the document with <!DOCTYPE html>.",
      .check = MissingDocumentType,
  });
}

}  // namespace a11y::checks
