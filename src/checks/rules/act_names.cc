// Accessible names compared with what a sighted user reads (label in name, 2.5.3) and names
// shared by several links or frames (2.4.4, 2.4.9, 4.1.2).
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "checks/rules/act_common.h"

namespace a11y::checks::act {
namespace {

// ---------------------------------------------------------------------------------------
// Label in name. Speech input users say what they see; the accessible name must contain the
// visible label, word for word, ignoring case, punctuation and symbols.

struct Word {
  std::string text;
  bool abbreviated = false;  // Written with a full stop right after it ("Ave.").
};

// Code points that separate words rather than spell them: Latin-1 punctuation and symbols
// (with the no-break space, × and ÷), general punctuation, arrows, mathematical and
// technical symbols, shapes, dingbats, CJK punctuation, variation selectors and emoji.
bool IsSeparatorCodePoint(char32_t cp) {
  return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) ||
         (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
         (cp >= 0x1F000 && cp <= 0x1FAFF) ||
         (cp >= 0xE000 && cp <= 0xF8FF) ||  // Private use: icon font glyphs.
         (cp >= 0xFFF0 && cp <= 0xFFFF);    // Specials, with the replacement character the
                                            // parser puts for undecodable bytes.
}

std::vector<Word> Words(std::string_view s) {
  std::vector<Word> words;
  std::string current;
  auto flush = [&](bool full_stop) {
    if (!current.empty()) words.push_back({current, full_stop});
    current.clear();
  };
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (std::isalnum(c)) {
        current += static_cast<char>(std::tolower(c));
      } else {
        flush(c == '.');
      }
      ++i;
      continue;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    char32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    if (IsSeparatorCodePoint(cp)) {
      flush(false);
    } else {
      current.append(s.substr(i, len));
    }
    i += len;
  }
  flush(false);
  return words;
}

// True when `label` occurs as a contiguous run of words in `name`. With `abbreviations`, a
// label word written "Ave." also matches a name word it begins ("avenue").
bool ContainsWords(const std::vector<Word>& name, const std::vector<Word>& label,
                   bool abbreviations) {
  if (label.empty()) return true;
  for (size_t start = 0; start + label.size() <= name.size(); ++start) {
    bool all = true;
    for (size_t k = 0; k < label.size() && all; ++k) {
      const std::string& n = name[start + k].text;
      const Word& l = label[k];
      all = n == l.text || (abbreviations && l.abbreviated && n.size() > l.text.size() &&
                            n.compare(0, l.text.size(), l.text) == 0);
    }
    if (all) return true;
  }
  return false;
}

std::string WithoutParentheses(std::string_view s) {
  std::string out;
  int depth = 0;
  for (char c : s) {
    if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      out += c;
    }
  }
  return out;
}

bool IsIconFont(std::string_view family) {
  std::string f = Lower(family);
  return f.find("icon") != std::string::npos || f.find("awesome") != std::string::npos ||
         f.find("glyph") != std::string::npos || f.find("symbol") != std::string::npos;
}

// An icon font (ligatures such as "search" drawn as a magnifier) makes the text non-text
// content. Read from the cascade, and from the sheets directly for simple selectors.
bool UsesIconFont(const Page& page, const std::vector<CssRule>& sheet, const Node& element) {
  std::vector<const Node*> nodes;
  for (const Node* n = &element; n != nullptr && n->is_element(); n = n->parent) {
    nodes.push_back(n);
  }
  for (const Node* d : Descendants(element)) nodes.push_back(d);
  for (const Node* n : nodes) {
    if (IsIconFont(PropertyValue(page, *n, "font-family"))) return true;
  }
  for (const CssRule& rule : sheet) {
    bool icon = false;
    for (const Declaration& d : rule.declarations) {
      if ((d.name == "font-family" || d.name == "font") && IsIconFont(d.value)) icon = true;
    }
    if (!icon) continue;
    std::string selector = Lower(rule.selector);
    for (const Node* n : nodes) {
      if (selector.find(n->tag) != std::string::npos) return true;
      for (std::string_view cls : SplitTokens(n->AttrOr("class"))) {
        if (selector.find("." + Lower(cls)) != std::string::npos) return true;
      }
    }
  }
  return false;
}

bool NameFromContentWidget(std::string_view role) {
  static const std::set<std::string_view> kRoles = {
      "button", "checkbox", "gridcell",  "link",   "menuitem", "menuitemcheckbox", "menuitemradio",
      "option", "radio",    "searchbox", "switch", "tab",      "treeitem"};
  return kRoles.count(role) > 0;
}

// The name the author's aria-labelledby / aria-label give, read directly.
std::string AuthorName(const Page& page, const Node& e) {
  std::string text;
  for (const Node* ref : page.doc.ElementsByIdList(e.AttrOr("aria-labelledby"))) {
    text += ' ';
    text += ref->HasAttr("aria-label") ? ref->AttrOr("aria-label") : RenderedText(page, *ref);
  }
  if (CollapseWhitespace(text).empty()) text = e.AttrOr("aria-label");
  return CollapseWhitespace(text);
}

void LabelInName(const Page& page, Reporter& report) {
  std::optional<std::vector<CssRule>> sheet;  // Parsed when first needed.
  for (const Node* e : page.doc.elements()) {
    if (!e->HasAttr("aria-label") && !e->HasAttr("aria-labelledby")) continue;
    std::string role = RoleOf(page, *e);
    if (!NameFromContentWidget(role) || IsHiddenFromAt(page, *e)) continue;
    if (IsNotRendered(page, *e)) continue;
    std::string visible = RenderedText(page, *e);
    std::vector<Word> label = Words(visible);
    if (label.empty()) continue;  // No visible text, or only symbols and emoji.
    std::vector<Word> name = Words(page.sem.Name(*e));
    std::vector<Word> author = Words(AuthorName(page, *e));
    if (name.empty() && author.empty()) continue;
    if (ContainsWords(name, label, false) || ContainsWords(author, label, false)) {
      report.Pass(*e);
      continue;
    }
    // Cases where the visible text is partly non-text content or a hint, which a person
    // must judge: a single symbolic character ("X" for close), icon-font ligatures, a
    // parenthesised format hint, or abbreviations spelled out in the name.
    std::vector<Word> trimmed = Words(WithoutParentheses(visible));
    std::string collapsed = CollapseWhitespace(visible);
    bool symbol = collapsed.size() == 1 && !std::isdigit(static_cast<unsigned char>(collapsed[0]));
    if (!sheet) sheet = ParseStyleSheets(page.doc);
    bool judgement =
        symbol ||
        (!trimmed.empty() && trimmed.size() < label.size() &&
         (ContainsWords(name, trimmed, true) || ContainsWords(author, trimmed, true))) ||
        ContainsWords(name, label, true) || ContainsWords(author, label, true) ||
        UsesIconFont(page, *sheet, *e);
    if (judgement) {
      report.CantTell(*e);
    } else {
      report.Fail(*e, "Visible text \"" + visible + "\"; accessible name \"" +
                          (name.empty() ? AuthorName(page, *e) : page.sem.Name(*e)) + "\".");
    }
  }
}

// ---------------------------------------------------------------------------------------
// Identical names. Whether two targets serve the same purpose needs a person (or at least
// the resources fetched); the same href or src is the one case we can settle.

std::string GroupName(const Page& page, const Node& e) {
  std::string out;
  for (char c : NameOf(page, e))
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Destination(const Node& e, std::string_view attribute) {
  std::string_view href = TrimAscii(e.AttrOr(attribute));
  if (href.empty()) href = TrimAscii(e.AttrOr("xlink:href"));
  std::string out(href);
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// Reports each group of `targets` sharing a key: all the same destination passes, else a
// person must compare them. Targets with a key of their own pass.
void ReportGroups(Reporter& report, const std::map<std::string, std::vector<const Node*>>& groups,
                  std::string_view attribute) {
  for (const auto& [key, members] : groups) {
    std::set<std::string> destinations;
    for (const Node* m : members) destinations.insert(Destination(*m, attribute));
    bool same = members.size() < 2 || (destinations.size() == 1 && !destinations.begin()->empty());
    for (const Node* m : members) {
      if (same) {
        report.Pass(*m);
      } else {
        report.CantTell(*m);
      }
    }
  }
}

std::vector<const Node*> NamedLinks(const Page& page) {
  std::vector<const Node*> out;
  for (const Node* e : page.doc.elements()) {
    if (RoleOf(page, *e) != "link" || IsHiddenFromAt(page, *e)) continue;
    if (!NameOf(page, *e).empty()) out.push_back(e);
  }
  return out;
}

void LinksIdenticalNames(const Page& page, Reporter& report) {
  std::map<std::string, std::vector<const Node*>> groups;
  for (const Node* link : NamedLinks(page)) groups[GroupName(page, *link)].push_back(link);
  ReportGroups(report, groups, "href");
}

// The link's programmatic context: its paragraph, list item or cell, else its parent.
const Node* LinkContext(const Node& link) {
  const Node* context = link.Closest([](const Node& n) {
    return n.IsAnyOf({"p", "li", "td", "th", "dd", "dt"});
  });
  if (context != nullptr) return context;
  return link.parent;
}

void LinksIdenticalNamesSameContext(const Page& page, Reporter& report) {
  std::map<std::string, std::vector<const Node*>> groups;
  for (const Node* link : NamedLinks(page)) {
    const Node* context = LinkContext(*link);
    std::string key =
        GroupName(page, *link) + '\n' + std::to_string(context != nullptr ? context->order : 0);
    groups[key].push_back(link);
  }
  ReportGroups(report, groups, "href");
}

void IframesIdenticalNames(const Page& page, Reporter& report) {
  std::map<std::string, std::vector<const Node*>> groups;
  for (const Node* frame : page.doc.ElementsByTag("iframe")) {
    if (IsHiddenFromAt(page, *frame) || IsNotRendered(page, *frame)) continue;
    std::string name = GroupName(page, *frame);
    if (!name.empty()) groups[name].push_back(frame);
  }
  ReportGroups(report, groups, "src");
}

}  // namespace

void AddActNameRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrVisibleLabelNotInName",
      .type = IssueType::kError,
      .category = "act",
      .wcag = {"2.5.3"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"2ee8b8"},
      .what = "This control's accessible name does not contain the text it shows.",
      .why = "Speech input users activate controls by saying their visible label; when the "
             "name set with aria-label or aria-labelledby differs, the command finds nothing.",
      .fix = "Start the aria-label with the visible text, or remove it so the name comes "
             "from the content.",
      .check = LabelInName,
  });
  rules.push_back({
      .code = "DiscoLinksIdenticalNames",
      .type = IssueType::kDiscovery,
      .category = "act",
      .wcag = {"2.4.9"},
      .level = WcagLevel::kAAA,
      .impact = Impact::kLow,
      .act = {"b20e66"},
      .what = "Links with this same accessible name lead to different addresses.",
      .why = "Screen reader users who list links hear identical names and expect identical "
             "destinations; if the purposes differ they cannot tell the links apart.",
      .fix = "Check the destinations serve the same purpose; if not, give each link a name "
             "that says where it goes.",
      .check = LinksIdenticalNames,
  });
  rules.push_back({
      .code = "DiscoLinksIdenticalNamesSameContext",
      .type = IssueType::kDiscovery,
      .category = "act",
      .wcag = {"2.4.4", "2.4.9"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {"fd3a94"},
      .what = "Links in the same context share this accessible name but lead to different "
              "addresses.",
      .why = "Even with the surrounding sentence, a user cannot tell which of two identically "
             "named links does what, unless they do the same thing.",
      .fix = "Check the destinations are equivalent; if not, name each link for its purpose.",
      .check = LinksIdenticalNamesSameContext,
  });
  rules.push_back({
      .code = "DiscoIframesIdenticalNames",
      .type = IssueType::kDiscovery,
      .category = "act",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {"4b1c6c"},
      .what = "Frames with this same accessible name load different documents.",
      .why = "Screen reader users choose frames by name; identical names for different "
             "content make them open each one to find the right one.",
      .fix = "Check the frames hold equivalent content; if not, title each for what it holds.",
      .check = IframesIdenticalNames,
  });
}

}  // namespace a11y::checks::act
