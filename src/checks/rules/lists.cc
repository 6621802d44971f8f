// Lists: structure screen readers announce ("list, 5 items"), and the ways pages fake it
// or lose it (WCAG 1.3.1).
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "checks/rule.h"

namespace a11y::checks {
namespace {

// Whitespace, no-break and zero-width spaces only.
bool IsBlank(std::string_view s) {
  static constexpr std::string_view kSpaces[] = {"\xC2\xA0",     "\xE2\x80\x8B", "\xE2\x80\x8C",
                                                 "\xE2\x80\x8D", "\xE2\x81\xA0", "\xEF\xBB\xBF"};
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++i;
      continue;
    }
    bool space = false;
    for (std::string_view sp : kSpaces) {
      if (s.substr(i, sp.size()) == sp) {
        i += sp.size();
        space = true;
        break;
      }
    }
    if (!space) return false;
  }
  return true;
}

// What an element offers assistive technology: its text, alt text, SVG titles and ARIA
// labels of it and its descendants (aria-labelledby targets included, even hidden ones).
std::string Content(const Page& page, const Node& e) {
  std::string text = std::string(e.AttrOr("aria-label")) + " ";
  if (const std::string* ids = e.Attr("aria-labelledby")) {
    for (const Node* ref : page.doc.ElementsByIdList(*ids)) text += ref->TextContent() + " ";
  }
  if (e.IsAnyOf({"img", "area", "input"})) text += std::string(e.AttrOr("alt")) + " ";
  if (e.IsAnyOf({"input", "button"})) text += std::string(e.AttrOr("value")) + " ";
  if (e.ns == Namespace::kSvg && e.tag == "title") text += e.TextContent();
  for (const Node* child : e.children) {
    if (child->is_text()) text += child->text;
    if (!child->is_element() || child->IsAnyOf({"script", "style", "template"})) continue;
    text += Content(page, *child);
  }
  return text;
}

bool IsListElement(const Node& e) { return e.IsAnyOf({"ul", "ol"}); }

// A list with nothing in it: screen readers announce "list, 0 items" (or skip it), a stop
// that carries no content.
void EmptyList(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!e->IsAnyOf({"ul", "ol", "dl"}) || page.sem.IsHidden(*e)) continue;
    bool has_items = false;
    for (const Node* child : e->ChildElements()) {
      if (!child->IsAnyOf({"script", "template"})) has_items = true;
    }
    if (!has_items && IsBlank(e->TextContent())) report.Fail(*e);
  }
}

// A list item with nothing to announce: users hear "bullet" or an item count that
// includes nothing.
void ListitemEmpty(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    bool item = e->Is("li") ? FirstRoleToken(*e).empty() || FirstRoleToken(*e) == "listitem"
                            : e->ns == Namespace::kHtml && FirstRoleToken(*e) == "listitem";
    if (!item || page.sem.IsHidden(*e)) continue;
    if (IsBlank(Content(page, *e))) report.Fail(*e);
  }
}

// role="list" on ul or ol repeats the implicit role (and on dl replaces term/definition
// semantics with a list whose children are not list items).
// On a ul or ol styled list-style:none it is the known fix for Safari dropping the list
// semantics, and is left alone.
bool ListStyleNone(const Page& page, const Node& list);

void ListRoleOnList(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!e->IsAnyOf({"ul", "ol", "dl"}) || FirstRoleToken(*e) != "list") continue;
    if (!e->Is("dl") && ListStyleNone(page, *e)) continue;
    report.Fail(*e);
  }
}

// Lists nested more than three deep are hard to follow by ear: each level is announced
// and users lose track of where they are.
constexpr int kMaxListDepth = 3;

void DeepListNesting(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsListElement(*e) || page.sem.IsHidden(*e)) continue;
    int depth = 1;
    for (const Node* n = e->parent; n != nullptr; n = n->parent) depth += IsListElement(*n);
    if (depth == kMaxListDepth + 1) report.Fail(*e, "(" + std::to_string(depth) + " levels)");
  }
}

// Text that starts like a list item: a bullet character followed by a space.
bool StartsWithBullet(std::string_view text) {
  static constexpr std::string_view kBullets[] = {"- ",
                                                  "* ",
                                                  "\xE2\x80\xA2",
                                                  "\xC2\xB7",
                                                  "\xE2\x80\xA3",
                                                  "\xE2\x97\xA6",
                                                  "\xE2\x96\xAA",
                                                  "\xE2\x96\xA0",
                                                  "\xE2\x96\xBA",
                                                  "\xE2\x80\x93 ",
                                                  "\xE2\x80\x94 ",
                                                  "\xE2\x86\x92",
                                                  "+ "};
  text = TrimAscii(text);
  if (text.starts_with("\xC2\xA0")) text.remove_prefix(2);
  for (std::string_view bullet : kBullets) {
    if (text.starts_with(bullet) && text.size() > bullet.size()) return true;
  }
  return false;
}

constexpr int kFakeListItems = 3;

// Counts the lines of `e` that are separated by <br> and start with a bullet.
int BulletLinesBetweenBreaks(const Node& e) {
  int count = 0;
  std::string line;
  auto flush = [&] {
    if (StartsWithBullet(line)) ++count;
    line.clear();
  };
  for (const Node* child : e.children) {
    if (child->Is("br")) {
      flush();
    } else if (child->is_text()) {
      line += child->text;
    } else if (child->is_element() && !child->IsAnyOf({"p", "div", "li"})) {
      line += child->TextContent();
    }
  }
  flush();
  return count;
}

// Counts consecutive child blocks (p, div, span) whose text starts with a bullet.
int BulletChildren(const Node& e) {
  int run = 0, best = 0;
  for (const Node* child : e.ChildElements()) {
    if (child->IsAnyOf({"p", "div", "span"}) && StartsWithBullet(child->TextContent())) {
      best = std::max(best, ++run);
    } else if (!child->Is("br")) {
      run = 0;
    }
  }
  return best;
}

// Items typed as "- First item<br>" or "<p>• Item</p>": they look like a list but screen
// readers announce neither the list nor how many items it has.
void FakeListImplementation(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->ns != Namespace::kHtml ||
        e->IsAnyOf({"ul", "ol", "li", "pre", "code", "script", "style", "textarea", "template"})) {
      continue;
    }
    if (e->Closest([](const Node& n) { return n.IsAnyOf({"li", "pre", "code"}); })) continue;
    if (page.sem.IsHidden(*e)) continue;
    // Each <br> ends one line and each bullet block is a p, div or span child: count them
    // first, as most elements have too few to hold a fake list, and gathering the text (all
    // of it, for a page's outer blocks) is what costs.
    int breaks = 0, blocks = 0;
    for (const Node* child : e->children) {
      if (child->Is("br")) {
        ++breaks;
      } else if (child->IsAnyOf({"p", "div", "span"})) {
        ++blocks;
      }
    }
    if ((breaks + 1 >= kFakeListItems && BulletLinesBetweenBreaks(*e) >= kFakeListItems) ||
        (blocks >= kFakeListItems && BulletChildren(*e) >= kFakeListItems)) {
      report.Fail(*e);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Custom bullets. Removing list-style makes VoiceOver in Safari drop list semantics, and
// bullets drawn as text or images are read out with each item.

bool ListStyleNone(const Page& page, const Node& list) {
  const ComputedStyle& style = page.styles.Of(list);
  if (Lower(style.Get("list-style-type")) == "none") return true;
  for (std::string_view token : SplitTokens(style.Get("list-style"))) {
    if (Lower(token) == "none") return true;
  }
  return false;
}

// True when one compound selector ("li", "ul.features", ".item") matches `e`: its tag and
// every class and id. Attribute and pseudo-class parts make it unknown (false).
bool CompoundMatches(std::string_view compound, const Node& e) {
  size_t i = 0;
  std::string tag;
  while (i < compound.size() && (std::isalnum(static_cast<unsigned char>(compound[i])) ||
                                 compound[i] == '-' || compound[i] == '*')) {
    tag += compound[i++];
  }
  if (!tag.empty() && tag != "*" && Lower(tag) != e.tag) return false;
  while (i < compound.size()) {
    char kind = compound[i++];
    std::string name;
    while (i < compound.size() && compound[i] != '.' && compound[i] != '#') name += compound[i++];
    if (kind == '.') {
      bool found = false;
      for (std::string_view cls : SplitTokens(e.AttrOr("class"))) found = found || cls == name;
      if (!found) return false;
    } else if (kind == '#') {
      if (e.AttrOr("id") != name) return false;
    } else {
      return false;
    }
  }
  return true;
}

// True when `selector` (descendant combinators only, "::before" stripped) matches `e`.
bool SelectorMatches(std::string_view selector, const Node& e) {
  std::vector<std::string_view> compounds;
  for (std::string_view part : SplitTokens(selector)) {
    if (part != ">") compounds.push_back(part);
  }
  if (compounds.empty() || !CompoundMatches(compounds.back(), e)) return false;
  const Node* at = &e;
  for (size_t i = compounds.size() - 1; i-- > 0;) {
    at = at->Closest([&](const Node& n) { return CompoundMatches(compounds[i], n); });
    if (at == nullptr) return false;
  }
  return true;
}

enum class BeforeBullet { kNone, kText, kDrawn };

// What ::before rules put in front of `item`: spoken text ("➤ "), or an empty box drawn
// with a background.
BeforeBullet BeforeBulletOf(const Page& page, const Node& item) {
  BeforeBullet result = BeforeBullet::kNone;
  for (const StyleResolver::SheetRule& rule : page.styles.sheet_rules()) {
    if (!rule.at_rule.empty() || !rule.media.empty()) continue;
    std::string_view all = rule.selector;
    for (size_t start = 0; start <= all.size();) {
      size_t comma = all.find(',', start);
      std::string_view one = TrimAscii(all.substr(start, comma - start));
      start = comma == std::string_view::npos ? all.size() + 1 : comma + 1;
      size_t pseudo = one.find(":before");
      if (pseudo == std::string_view::npos) continue;
      std::string_view base = one.substr(0, one[pseudo - 1] == ':' ? pseudo - 1 : pseudo);
      if (!SelectorMatches(base, item)) continue;
      for (const auto& [name, value] : rule.declarations) {
        if (name != "content") continue;
        std::string_view text = TrimAscii(value);
        if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'')) {
          text = text.substr(1, text.size() - 2);
          if (!IsBlank(text)) return BeforeBullet::kText;
          result = BeforeBullet::kDrawn;
        }
      }
    }
  }
  return result;
}

// The item starts with a small picture used as its bullet: an img without alt text or an
// inline svg, followed by the item's text.
bool ImageBullet(const Node& item) {
  std::vector<const Node*> children = item.ChildElements();
  if (children.size() < 2) return false;
  for (const Node* child : item.children) {
    if (child->is_text() && !TrimAscii(child->text).empty()) return false;
    if (child->is_element()) {
      bool svg = child->ns == Namespace::kSvg && child->tag == "svg";
      return svg || child->Is("img");
    }
  }
  return false;
}

void CustomBulletStyling(const Page& page, Reporter& report) {
  for (const Node* list : page.doc.elements()) {
    if (!IsListElement(*list) || page.sem.IsHidden(*list) || !ListStyleNone(page, *list)) {
      continue;
    }
    bool drawn = false;
    for (const Node* item : list->ChildElements()) {
      if (!item->Is("li")) continue;
      BeforeBullet before = BeforeBulletOf(page, *item);
      if (before == BeforeBullet::kText || ImageBullet(*item)) {
        report.Fail(*item);
      } else if (before == BeforeBullet::kDrawn) {
        drawn = true;
      }
    }
    if (drawn) report.Fail(*list);
  }
}

bool IsIconFontClass(std::string_view cls) {
  std::string lower = Lower(cls);
  return lower == "fa" || lower.starts_with("fa-") || lower == "fas" || lower == "far" ||
         lower == "fab" || lower == "icon" || lower.starts_with("icon-") ||
         lower.starts_with("glyphicon") || lower.starts_with("bi-") ||
         lower.starts_with("material-icons") || lower.starts_with("material-symbols") ||
         lower.starts_with("ion-") || lower.starts_with("dashicons") || lower.starts_with("ti-");
}

// An item whose bullet is an icon-font glyph (<i class="fa-chevron-right">): screen readers
// may read the glyph's private-use character, or the icon may vanish when fonts are
// overridden.
void IconFontBulletsInList(const Page& page, Reporter& report) {
  for (const Node* item : page.doc.ElementsByTag("li")) {
    if (page.sem.IsHidden(*item)) continue;
    for (const Node* child : item->children) {
      if (child->is_text() && !TrimAscii(child->text).empty()) break;
      if (!child->is_element()) continue;
      if (!child->IsAnyOf({"i", "span"}) || !IsBlank(child->TextContent())) break;
      if (TrimAscii(child->AttrOr("aria-hidden")) == "true") break;
      bool icon = false;
      for (std::string_view cls : SplitTokens(child->AttrOr("class"))) {
        icon = icon || IsIconFontClass(cls);
      }
      if (icon) report.Fail(*item);
      break;
    }
  }
}

}  // namespace

void AddListRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrEmptyList",
      .type = IssueType::kError,
      .category = "lists",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This list has no items.",
      .why = "Screen readers announce an empty list, a stop that carries no content and "
             "suggests something failed to load.",
      .fix = "Remove the empty list, or fill it (if script fills it later, add it then).",
      .check = EmptyList,
  });
  rules.push_back({
      .code = "ErrListitemEmpty",
      .type = IssueType::kError,
      .category = "lists",
      .wcag = {"1.3.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This list item has no content for assistive technology.",
      .why = "Screen readers announce a bullet or item number with nothing after it, and "
             "count it among the list's items.",
      .fix = "Remove the empty item, or give it text (visible, or visually hidden for icon "
             "items).",
      .check = ListitemEmpty,
  });
  rules.push_back({
      .code = "ErrFakeListImplementation",
      .type = IssueType::kError,
      .category = "lists",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This content is laid out as a list with typed bullets but is not a list.",
      .why = "Screen readers do not announce a list or its number of items, and users "
             "cannot jump past it or between its items.",
      .fix = "Use <ul> with <li> for each item (or <ol> for steps) and style the bullets "
             "with CSS.",
      .check = FakeListImplementation,
  });
  rules.push_back({
      .code = "WarnListRoleOnList",
      .type = IssueType::kWarning,
      .category = "lists",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This list element has role=\"list\".",
      .why = "On ul and ol the role repeats what the element already is; on dl it replaces "
             "the term and definition structure with a list whose items are not list items.",
      .fix = "Remove role=\"list\" unless it deliberately restores semantics that "
             "list-style:none removed in Safari, and never use it on dl.",
      .check = ListRoleOnList,
  });
  rules.push_back({
      .code = "WarnDeepListNesting",
      .type = IssueType::kWarning,
      .category = "lists",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This list is nested more than three levels deep.",
      .why = "Each level is announced as a new list; by ear, users lose track of which level "
             "they are in.",
      .fix = "Flatten the structure, or split it into sections with headings.",
      .check = DeepListNesting,
  });
  rules.push_back({
      .code = "WarnCustomBulletStyling",
      .type = IssueType::kWarning,
      .category = "lists",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This list replaces its bullets with custom ones (list-style none plus text, "
              "images or drawn markers).",
      .why = "With list-style none Safari's VoiceOver stops announcing the list, and bullet "
             "characters or images are read out before every item.",
      .fix = "Style the marker with li::marker or list-style-image, or keep custom bullets "
             "decorative (aria-hidden images, content: \"\" / \"\" alt text) and add "
             "role=\"list\".",
      .check = CustomBulletStyling,
  });
  rules.push_back({
      .code = "WarnIconFontBulletsInList",
      .type = IssueType::kWarning,
      .category = "lists",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This list item uses an icon-font glyph as its bullet.",
      .why = "Screen readers may read the glyph's private-use character or nothing useful, "
             "and the icon disappears when users override fonts.",
      .fix = "Add aria-hidden=\"true\" to the icon element, or draw the bullet with "
             "li::marker or CSS.",
      .check = IconFontBulletsInList,
  });
}

}  // namespace a11y::checks
