// Links to documents (PDF, Word, spreadsheets...): users should know before activating a
// link that it opens a file, which kind, how large, and in which language (WCAG 2.4.4,
// 3.1.2).
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "checks/rule.h"

namespace a11y::checks {
namespace {

struct DocumentType {
  std::string_view extension;
  std::vector<std::string_view> words;  // How link text names the type (lower case).
};

const std::vector<DocumentType>& DocumentTypes() {
  static const std::vector<DocumentType> types = {
      {"pdf", {"pdf"}},
      {"doc", {"doc", "word"}},
      {"docx", {"docx", "doc", "word"}},
      {"odt", {"odt", "opendocument", "document"}},
      {"rtf", {"rtf", "rich text"}},
      {"xls", {"xls", "excel", "spreadsheet"}},
      {"xlsx", {"xlsx", "xls", "excel", "spreadsheet"}},
      {"ods", {"ods", "spreadsheet"}},
      {"csv", {"csv", "spreadsheet"}},
      {"ppt", {"ppt", "powerpoint", "presentation", "slides"}},
      {"pptx", {"pptx", "ppt", "powerpoint", "presentation", "slides"}},
      {"odp", {"odp", "presentation", "slides"}},
      {"epub", {"epub", "e-book", "ebook"}},
  };
  return types;
}

// The path of `href` without query or fragment, lower case.
std::string HrefPath(std::string_view href) {
  std::string path = Lower(TrimAscii(href));
  return path.substr(0, path.find_first_of("?#"));
}

const DocumentType* DocumentTypeOf(const Node& link) {
  std::string path = HrefPath(link.AttrOr("href"));
  for (const DocumentType& type : DocumentTypes()) {
    if (path.ends_with("." + std::string(type.extension))) return &type;
  }
  return nullptr;
}

// Visible links to documents, each with its type.
template <typename Check>
void ForEachDocumentLink(const Page& page, Check check) {
  for (const Node* link : page.doc.ElementsByTag("a")) {
    if (!link->HasAttr("href") || page.sem.IsHidden(*link)) continue;
    if (const DocumentType* type = DocumentTypeOf(*link)) check(*link, *type);
  }
}

// What a user learns about the link before following it: its accessible name and title,
// lower case (our own estimate where Semantics gives no name).
std::string LinkText(const Page& page, const Node& link) {
  std::string text = page.sem.Name(link);
  if (text.empty()) {
    text = CollapseWhitespace(link.AttrOr("aria-label"));
    if (text.empty()) text = CollapseWhitespace(link.TextContent());
    if (text.empty()) {
      for (const Node* img : link.ChildElements()) text += std::string(img->AttrOr("alt"));
    }
  }
  return Lower(text + " " + std::string(link.AttrOr("title")));
}

bool HasWord(std::string_view text, std::string_view word) {
  for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    bool starts = at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]));
    size_t end = at + word.size();
    bool ends = end == text.size() || !std::isalnum(static_cast<unsigned char>(text[end]));
    if (starts && ends) return true;
  }
  return false;
}

bool NamesType(std::string_view text, const DocumentType& type) {
  for (std::string_view word : type.words) {
    if (HasWord(text, word)) return true;
  }
  return false;
}

// "2.5 MB", "850 KB", "12 pages": some indication of how big the file is.
bool NamesSize(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) continue;
    size_t j = i;
    while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) ||
                               text[j] == '.' || text[j] == ',')) {
      ++j;
    }
    while (j < text.size() && text[j] == ' ') ++j;
    std::string_view unit = text.substr(j, 5);
    for (std::string_view u : {"kb", "mb", "gb", "bytes", "ko", "mo", "page"}) {
      if (unit.substr(0, u.size()) == u) return true;
    }
    i = j;
  }
  return false;
}

// A link to a PDF or Office file that does not say so: users expect a web page and get a
// download or a different application, which is disorienting with a screen reader.
void DocumentLinkMissingFileType(const Page& page, Reporter& report) {
  ForEachDocumentLink(page, [&](const Node& link, const DocumentType& type) {
    if (!NamesType(LinkText(page, link), type)) report.Fail(link);
  });
}

// The type is named but not the size: on slow or metered connections users cannot judge
// whether to download.
void MissingDocumentMetadata(const Page& page, Reporter& report) {
  ForEachDocumentLink(page, [&](const Node& link, const DocumentType& type) {
    std::string text = LinkText(page, link);
    if (NamesType(text, type) && !NamesSize(text)) report.Fail(link);
  });
}

// Link text that names no document: "PDF", "Download", "Click here".
void GenericDocumentLinkText(const Page& page, Reporter& report) {
  static constexpr std::string_view kGeneric[] = {
      "click here",    "here",      "download", "download file", "download document",
      "download pdf",  "document",  "file",     "pdf",           "doc",
      "word",          "excel",     "view",     "view pdf",      "open",
      "more",          "read more", "link",     "this",          "this document",
      "view document", "open pdf",  "get pdf",  "download here", "click to download"};
  ForEachDocumentLink(page, [&](const Node& link, const DocumentType& type) {
    std::string name = page.sem.Name(link);
    if (name.empty()) name = CollapseWhitespace(link.TextContent());
    std::string cleaned;
    for (char c : Lower(name)) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == ' ') cleaned += c;
    }
    cleaned = CollapseWhitespace(cleaned);
    if (cleaned.empty()) return;  // No name at all: the link rules report it.
    for (std::string_view generic : kGeneric) {
      if (cleaned == generic || cleaned == type.extension) {
        report.Fail(link);
        return;
      }
    }
  });
}

// The language a document's path names: a directory segment such as /fr/ or /de-DE/, or a
// suffix just before the extension (guide-fr.pdf, report_de.pdf). "" when none.
std::string PathLanguage(std::string_view href) {
  std::string path = HrefPath(href);
  size_t dot = path.rfind('.');
  std::string stem = path.substr(0, dot);
  std::vector<std::string> candidates;
  size_t sep = stem.find_last_of("-_");
  size_t slash = stem.rfind('/');
  if (sep != std::string::npos && (slash == std::string::npos || sep > slash)) {
    candidates.push_back(stem.substr(sep + 1));
  }
  for (size_t start = 0; start < stem.size();) {
    size_t end = stem.find('/', start);
    if (end == std::string::npos) break;  // The file name is not a directory.
    candidates.push_back(stem.substr(start, end - start));
    start = end + 1;
  }
  static constexpr std::string_view kCodes[] = {
      "ar", "bg", "cs", "cy", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga",
      "he", "hi", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "mt", "nl", "no",
      "pl", "pt", "ro", "ru", "sk", "sl", "sv", "th", "tr", "uk", "vi", "zh"};
  for (const std::string& candidate : candidates) {
    std::string primary = candidate.substr(0, candidate.find('-'));
    if (candidate.size() != 2 && candidate.size() != 5) continue;
    for (std::string_view code : kCodes) {
      if (primary == code) return primary;
    }
  }
  return {};
}

std::string PagePrimaryLanguage(const Page& page) {
  if (page.doc.html() == nullptr) return {};
  std::string lang = Lower(TrimAscii(page.doc.html()->AttrOr("lang")));
  return lang.substr(0, lang.find_first_of("-_"));
}

// A document whose address says it is in another language than the page, with no hreflang
// or lang on the link: users are not warned, and a screen reader reads the link text in
// the page's language.
void DocumentLinkWrongLanguage(const Page& page, Reporter& report) {
  std::string page_language = PagePrimaryLanguage(page);
  if (page_language.empty()) return;
  ForEachDocumentLink(page, [&](const Node& link, const DocumentType&) {
    if (link.HasAttr("hreflang") || link.HasAttr("lang")) return;
    std::string language = PathLanguage(link.AttrOr("href"));
    if (language.empty() || language == page_language) return;
    report.Fail(link, "(the address suggests \"" + language + "\")");
  });
}

}  // namespace

void AddDocumentLinkRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrDocumentLinkMissingFileType",
      .type = IssueType::kError,
      .category = "documents",
      .wcag = {"2.4.4"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This link opens a document (PDF, Word, spreadsheet...) but does not say so.",
      .why = "Users expect a web page and get a download or another application, which is "
             "disorienting for screen reader users and costly on mobile connections.",
      .fix = "Say the file type in the link text, e.g. \"Annual report (PDF, 2 MB)\".",
      .check = DocumentLinkMissingFileType,
  });
  rules.push_back({
      .code = "WarnMissingDocumentMetadata",
      .type = IssueType::kWarning,
      .category = "documents",
      .wcag = {"2.4.4"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This document link gives the file type but not its size.",
      .why = "Without the size users on slow or metered connections cannot judge whether to "
             "open it.",
      .fix = "Add the size next to the type, e.g. \"(PDF, 2.5 MB)\".",
      .check = MissingDocumentMetadata,
  });
  rules.push_back({
      .code = "WarnGenericDocumentLinkText",
      .type = IssueType::kWarning,
      .category = "documents",
      .wcag = {"2.4.4", "2.4.9"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This document link's text is generic (\"PDF\", \"Download\", \"Click here\").",
      .why = "Screen reader users listing links hear several identical or meaningless "
             "entries and cannot tell which document each opens.",
      .fix = "Name the document in the link, e.g. \"2023 annual report (PDF)\".",
      .check = GenericDocumentLinkText,
  });
  rules.push_back({
      .code = "ErrDocumentLinkWrongLanguage",
      .type = IssueType::kError,
      .category = "documents",
      .wcag = {"3.1.2"},
      .level = WcagLevel::kAA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This link's document appears to be in another language than the page, and "
              "the link does not say so.",
      .why = "Users are not warned before opening a document they may not be able to read, "
             "and assistive technology is not told to switch language.",
      .fix = "Add hreflang (and lang if the link text is in that language) and say the "
             "language in the text, e.g. \"Guide (PDF, French)\".",
      .check = DocumentLinkWrongLanguage,
  });
}

}  // namespace a11y::checks
