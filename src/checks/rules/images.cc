// Images: alternative text (WCAG 1.1.1) for img, role="img", inline SVG, image buttons and
// objects, and the alt text itself (whitespace, file names, URLs, markup, redundancy).
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/rule.h"

namespace a11y::checks {
namespace {

// ---------------------------------------------------------------------------------------
// Small text helpers.

// Removes ASCII whitespace and the Unicode spaces people paste into alt text without seeing
// them (no-break space, zero-width space and joiners, word joiner, BOM), at both ends.
std::string_view TrimInvisible(std::string_view s) {
  static constexpr std::string_view kInvisible[] = {"\xC2\xA0",     "\xE2\x80\x8B", "\xE2\x80\x8C",
                                                    "\xE2\x80\x8D", "\xE2\x81\xA0", "\xEF\xBB\xBF"};
  bool changed = true;
  while (changed) {
    changed = false;
    s = TrimAscii(s);
    for (std::string_view space : kInvisible) {
      if (s.starts_with(space)) s.remove_prefix(space.size()), changed = true;
      if (s.ends_with(space)) s.remove_suffix(space.size()), changed = true;
    }
  }
  return s;
}

// Code points, not bytes: alt text length is what a listener hears.
size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool IsSvgRoot(const Node& e) {
  return e.is_element() && e.ns == Namespace::kSvg && e.tag == "svg" &&
         (e.parent == nullptr || !(e.parent->is_element() && e.parent->ns == Namespace::kSvg));
}

// The text of an svg's direct <title> child, which names it (SVG-AAM).
std::string SvgTitle(const Node& svg) {
  for (const Node* child : svg.ChildElements()) {
    if (child->ns == Namespace::kSvg && child->tag == "title") {
      return CollapseWhitespace(child->TextContent());
    }
  }
  return {};
}

// The name an author gave an element directly, without content: aria-labelledby text,
// aria-label, title. A stand-in for the accessible name where Semantics gives none, so we
// can tell "no name" from "the name was not computed".
std::string AuthorName(const Page& page, const Node& e) {
  if (const std::string* ids = e.Attr("aria-labelledby")) {
    std::string text;
    for (const Node* ref : page.doc.ElementsByIdList(*ids)) text += ref->TextContent() + " ";
    text = CollapseWhitespace(text);
    if (!text.empty()) return text;
  }
  for (std::string_view attr : {"aria-label", "alt", "title"}) {
    std::string value = CollapseWhitespace(e.AttrOr(attr));
    if (!value.empty()) return value;
  }
  return {};
}

// The accessible name as Semantics computes it, else our author-name estimate.
std::string NameOf(const Page& page, const Node& e) {
  const std::string& name = page.sem.Name(e);
  return name.empty() ? AuthorName(page, e) : name;
}

bool IsPresentational(std::string_view role) { return role == "presentation" || role == "none"; }

// ---------------------------------------------------------------------------------------
// img without alt.

// <img> with no alt attribute at all, unless a role or ARIA name makes it accessible some
// other way: a screen reader then reads the file name, or nothing.
void ImageWithNoAlt(const Page& page, Reporter& report) {
  for (const Node* img : page.doc.ElementsByTag("img")) {
    if (page.sem.IsHidden(*img)) continue;
    if (img->HasAttr("alt") || img->HasAttr("aria-label") || img->HasAttr("aria-labelledby")) {
      continue;
    }
    std::string_view role = page.sem.ExplicitRole(*img);
    if (IsPresentational(role)) continue;
    report.Fail(*img);
  }
}

// ACT 23a2a8: every img and role="img" element in the accessibility tree has a non-empty
// name or is presentational. A focusable img keeps its role despite role="none".
void ImageNoAccessibleName(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->ns != Namespace::kHtml) continue;
    bool is_img = e->tag == "img";
    std::string_view explicit_role = page.sem.ExplicitRole(*e);
    if (!is_img && explicit_role != "img") continue;
    if (page.sem.IsHidden(*e)) continue;
    if (is_img) {
      bool focusable = e->HasAttr("tabindex");
      std::string_view written = TrimAscii(e->AttrOr("role"));
      bool decorative =
          IsPresentational(explicit_role) ||
          ((written == "none" || written == "presentation") && !focusable) ||
          (e->HasAttr("alt") && e->AttrOr("alt").empty() && !focusable && explicit_role.empty());
      if (decorative) {
        report.Pass(*e);
        continue;
      }
    }
    if (!NameOf(page, *e).empty()) {
      report.Pass(*e);
    } else {
      report.Fail(*e);
    }
  }
}

// ---------------------------------------------------------------------------------------
// What the alt text says.

// alt that holds only spaces: not empty, so the image is not treated as decoration, yet it
// says nothing, and some screen readers fall back to the file name.
void ImageWithEmptyAlt(const Page& page, Reporter& report) {
  for (const Node* img : page.doc.ElementsByTag("img")) {
    const std::string* alt = img->Attr("alt");
    if (alt == nullptr || alt->empty() || page.sem.IsHidden(*img)) continue;
    if (img->HasAttr("aria-label") || img->HasAttr("aria-labelledby")) continue;
    if (TrimInvisible(*alt).empty()) report.Fail(*img);
  }
}

// Calls `check` with each visible img's trimmed, non-empty alt text.
template <typename Check>
void ForEachAlt(const Page& page, Check check) {
  for (const Node* img : page.doc.ElementsByTag("img")) {
    const std::string* alt = img->Attr("alt");
    if (alt == nullptr || page.sem.IsHidden(*img)) continue;
    std::string_view text = TrimInvisible(*alt);
    if (!text.empty()) check(*img, text);
  }
}

// Past about 150 characters alt text is a description, better given in the page where
// everyone can read it and a screen reader user can review it.
constexpr size_t kMaxAltLength = 150;

void AltTooLong(const Page& page, Reporter& report) {
  ForEachAlt(page, [&](const Node& img, std::string_view alt) {
    size_t length = CodePoints(alt);
    if (length > kMaxAltLength) report.Fail(img, "(" + std::to_string(length) + " characters)");
  });
}

// True when `s` holds an HTML tag or comment: "<" then a letter or "/" letter, then ">".
// "5 < x < 10" is not markup; "<b>bold" is.
bool ContainsMarkup(std::string_view s) {
  if (s.find("<!--") != std::string_view::npos) return true;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] != '<') continue;
    size_t j = i + 1;
    if (s[j] == '/') ++j;
    if (j >= s.size() || !std::isalpha(static_cast<unsigned char>(s[j]))) continue;
    while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
    if (j >= s.size()) continue;
    if (s[j] != '>' && s[j] != '/' && s[j] != ' ' && s[j] != '\t' && s[j] != '\n') continue;
    if (s.find('>', j) != std::string_view::npos) return true;
  }
  return false;
}

void ImageAltContainsHtml(const Page& page, Reporter& report) {
  ForEachAlt(page, [&](const Node& img, std::string_view alt) {
    if (ContainsMarkup(alt)) report.Fail(img);
  });
}

// A scheme (https://, ftp://), a www. host, or a rooted path: the alt is an address.
bool LooksLikeUrl(std::string_view alt) {
  if (alt.find(' ') != std::string_view::npos) return false;
  std::string lower = Lower(alt);
  size_t scheme = lower.find("://");
  if (scheme != std::string::npos && scheme > 0 &&
      std::all_of(lower.begin(), lower.begin() + static_cast<long>(scheme),
                  [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) {
    return true;
  }
  return lower.starts_with("www.") || (lower.starts_with("/") && lower.size() > 1) ||
         lower.starts_with("./") || lower.starts_with("../");
}

void ImageWithUrlAsAlt(const Page& page, Reporter& report) {
  ForEachAlt(page, [&](const Node& img, std::string_view alt) {
    if (LooksLikeUrl(alt)) report.Fail(img);
  });
}

bool HasImageExtension(std::string_view text) {
  static constexpr std::string_view kExtensions[] = {".jpg",  ".jpeg", ".png", ".gif", ".svg",
                                                     ".webp", ".avif", ".bmp", ".ico", ".tif",
                                                     ".tiff", ".heic", ".jfif"};
  std::string lower = Lower(text);
  for (std::string_view ext : kExtensions) {
    if (lower.ends_with(ext) && lower.size() > ext.size()) return true;
  }
  return false;
}

// alt="IMG_1234.jpg": the file name, usually a CMS default, tells a listener nothing.
// Addresses are left to ErrImageWithURLAsAlt.
void ImageWithFileNameAlt(const Page& page, Reporter& report) {
  ForEachAlt(page, [&](const Node& img, std::string_view alt) {
    if (alt.find(' ') == std::string_view::npos && HasImageExtension(alt) && !LooksLikeUrl(alt)) {
      report.Fail(img);
    }
  });
}

// "Image of...", "Photo of...": screen readers already announce "image", so the words are
// heard twice.
void RedundantAlt(const Page& page, Reporter& report) {
  static constexpr std::string_view kNouns[] = {"image",   "picture", "photo",      "photograph",
                                                "graphic", "icon",    "screenshot", "illustration",
                                                "img",     "pic"};
  static constexpr std::string_view kLinks[] = {" of ",   " showing ", " depicting ", " shows ",
                                                " with ", ": ",        " - "};
  ForEachAlt(page, [&](const Node& img, std::string_view alt) {
    std::string lower = Lower(alt);
    if (lower.starts_with("a ")) lower = lower.substr(2);
    if (lower.starts_with("an ")) lower = lower.substr(3);
    for (std::string_view noun : kNouns) {
      if (!lower.starts_with(noun)) continue;
      std::string_view rest = std::string_view(lower).substr(noun.size());
      for (std::string_view link : kLinks) {
        if (rest.starts_with(link) && rest.size() > link.size()) {
          report.Fail(img);
          return;
        }
      }
    }
  });
}

// alt means something only on img, area and input type=image; anywhere else assistive
// technology ignores it, so the text the author meant for it is lost.
void AltOnElementThatDoesntTakeIt(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->ns != Namespace::kHtml || !e->HasAttr("alt")) continue;
    if (e->IsAnyOf({"img", "area"})) continue;
    if (e->tag == "input" && Lower(TrimAscii(e->AttrOr("type"))) == "image") continue;
    report.Fail(*e);
  }
}

// ---------------------------------------------------------------------------------------
// Inline SVG.

bool HasAriaName(const Page& page, const Node& e) {
  if (!CollapseWhitespace(e.AttrOr("aria-label")).empty()) return true;
  if (const std::string* ids = e.Attr("aria-labelledby")) {
    for (const Node* ref : page.doc.ElementsByIdList(*ids)) {
      if (!CollapseWhitespace(ref->TextContent()).empty()) return true;
    }
  }
  return false;
}

// Inside a link or button that is named by its text or its own label, the svg is an icon
// beside the words.
bool InsideNamedControl(const Page& page, const Node& svg) {
  const Node* control = svg.Closest([](const Node& n) {
    if (n.ns != Namespace::kHtml) return false;
    if (n.IsAnyOf({"a", "button", "label", "summary"})) return true;
    const RoleInfo* role = FindRole(Lower(TrimAscii(n.AttrOr("role"))));
    return role != nullptr && role->widget;
  });
  if (control == nullptr) return false;
  return !page.sem.Name(*control).empty() || HasAriaName(page, *control) ||
         !CollapseWhitespace(control->TextContent()).empty();
}

// An inline svg that a screen reader meets with no name: it is announced as "image" or
// "graphic" and nothing else. Hidden or role="none" svgs are decoration.
void SvgNoAccessibleName(const Page& page, Reporter& report) {
  for (const Node* svg : page.doc.elements()) {
    if (!IsSvgRoot(*svg) || page.sem.IsHidden(*svg)) continue;
    std::string_view role = TrimAscii(svg->AttrOr("role"));
    if (IsPresentational(role)) continue;
    if (HasAriaName(page, *svg) || !SvgTitle(*svg).empty()) continue;
    if (!CollapseWhitespace(svg->AttrOr("title")).empty()) continue;
    if (role.empty() && InsideNamedControl(page, *svg)) continue;
    report.Fail(*svg);
  }
}

// A named inline svg without role="img": the name is there, but browsers disagree on how
// to expose an svg with no role (Safari/VoiceOver may skip it or read its parts), so the
// image may not be announced as one.
void SvgStaticWithoutRole(const Page& page, Reporter& report) {
  for (const Node* svg : page.doc.elements()) {
    if (!IsSvgRoot(*svg) || svg->HasAttr("role") || page.sem.IsHidden(*svg)) continue;
    if (!HasAriaName(page, *svg) && SvgTitle(*svg).empty()) continue;
    if (InsideNamedControl(page, *svg)) continue;
    report.Fail(*svg);
  }
}

// ACT 7d6734: an svg, or an element inside one, with an explicit img, graphics-document or
// graphics-symbol role needs a non-empty accessible name.
void SvgWithRoleNoName(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->ns != Namespace::kSvg) continue;
    std::string_view role;
    for (std::string_view token : SplitTokens(e->AttrOr("role"))) {
      std::string lower = Lower(token);
      if (lower == "img" || lower == "graphics-document" || lower == "graphics-symbol") {
        role = token;
      }
      break;  // Only the first token can take effect for these roles.
    }
    if (role.empty() || page.sem.IsHidden(*e)) continue;
    if (HasAriaName(page, *e) || !SvgTitle(*e).empty() ||
        !CollapseWhitespace(e->AttrOr("title")).empty()) {
      report.Pass(*e);
    } else if (!page.sem.Name(*e).empty()) {
      report.Pass(*e);
    } else {
      report.Fail(*e);
    }
  }
}

// A positive tabindex on an svg pulls it ahead of the page's reading order.
void SvgPositiveTabindex(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->ns != Namespace::kSvg) continue;
    std::optional<int> tabindex = page.sem.TabIndex(*e);
    if (tabindex && *tabindex > 0) report.Fail(*e);
  }
}

// img, object or embed showing an .svg file: an SVG image is fine, but whether its
// alternative matches the drawing (text inside it, charts) needs a person.
void FoundSvgImage(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->ns != Namespace::kHtml) continue;
    std::string_view source;
    if (e->tag == "img" || e->tag == "embed")
      source = e->AttrOr("src");
    else if (e->tag == "object")
      source = e->AttrOr("data");
    else
      continue;
    std::string lower = Lower(TrimAscii(source));
    lower = lower.substr(0, lower.find_first_of("?#"));
    if (lower.ends_with(".svg") || lower.starts_with("data:image/svg")) {
      if (!page.sem.IsHidden(*e)) report.Fail(*e);
    }
  }
}

bool HasEventHandler(const Node& e) {
  for (const Attribute& attr : e.attributes) {
    if (attr.name.starts_with("on") && attr.name.size() > 2) return true;
  }
  return false;
}

// An svg that responds to the user (handlers, tabindex, a widget role, controls inside):
// keyboard access, focus and names of its parts need a person's review.
void InteractiveSvg(const Page& page, Reporter& report) {
  for (const Node* svg : page.doc.elements()) {
    if (!IsSvgRoot(*svg) || page.sem.IsHidden(*svg)) continue;
    bool interactive = false;
    std::vector<const Node*> stack = {svg};
    while (!stack.empty() && !interactive) {
      const Node* n = stack.back();
      stack.pop_back();
      if (HasEventHandler(*n) || n->HasAttr("tabindex")) interactive = true;
      const RoleInfo* role = FindRole(Lower(TrimAscii(n->AttrOr("role"))));
      if (role != nullptr && role->widget) interactive = true;
      if (n->ns == Namespace::kHtml && n->IsAnyOf({"a", "button", "input", "select", "textarea"})) {
        interactive = true;
      }
      if (n->ns == Namespace::kSvg && n->tag == "a" && n->HasAttr("href")) interactive = true;
      for (const Node* child : n->ChildElements()) stack.push_back(child);
    }
    if (interactive) report.Fail(*svg);
  }
}

// ---------------------------------------------------------------------------------------
// Image buttons and objects.

// ACT 59796f: <input type=image> is a button; with no alt, aria or title it has no name
// (browsers fall back to "Submit" or the file name).
void ImageButtonNoName(const Page& page, Reporter& report) {
  for (const Node* input : page.doc.ElementsByTag("input")) {
    if (Lower(TrimAscii(input->AttrOr("type"))) != "image" || page.sem.IsHidden(*input)) {
      continue;
    }
    if (!NameOf(page, *input).empty()) {
      report.Pass(*input);
    } else {
      report.Fail(*input);
    }
  }
}

// What an <object> renders, from its type attribute or the data file's extension:
// 'i' image, 'a' audio, 'v' video, 't' text/HTML, '?' unknown.
char ObjectContentKind(const Node& object) {
  std::string type = Lower(TrimAscii(object.AttrOr("type")));
  if (type.starts_with("image/")) return 'i';
  if (type.starts_with("audio/")) return 'a';
  if (type.starts_with("video/")) return 'v';
  if (type.starts_with("text/") || type == "application/pdf") return 't';
  std::string data = Lower(TrimAscii(object.AttrOr("data")));
  data = data.substr(0, data.find_first_of("?#"));
  for (std::string_view ext : {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"}) {
    if (data.ends_with(ext)) return 'i';
  }
  for (std::string_view ext : {".mp3", ".wav", ".ogg", ".oga", ".m4a", ".aac", ".flac"}) {
    if (data.ends_with(ext)) return 'a';
  }
  for (std::string_view ext : {".mp4", ".webm", ".ogv", ".mov", ".m4v"}) {
    if (data.ends_with(ext)) return 'v';
  }
  for (std::string_view ext : {".html", ".htm", ".txt", ".pdf"}) {
    if (data.ends_with(ext)) return 't';
  }
  return '?';
}

// ACT 8fc3b6: an <object> showing an image, audio or video needs a name (aria-label,
// aria-labelledby or title); its fallback content is not used when the object renders.
void ObjectNoAccessibleName(const Page& page, Reporter& report) {
  for (const Node* object : page.doc.ElementsByTag("object")) {
    if (page.sem.IsHidden(*object) ||
        object->Closest([](const Node& n) { return n.Is("object"); }) != nullptr) {
      continue;
    }
    std::string_view role = TrimAscii(object->AttrOr("role"));
    if (IsPresentational(role)) continue;
    char kind = ObjectContentKind(*object);
    if (kind == 't') continue;
    bool named = HasAriaName(page, *object) || !CollapseWhitespace(object->AttrOr("title")).empty();
    if (named) {
      report.Pass(*object);
    } else if (kind == '?') {
      report.CantTell(*object);
    } else {
      report.Fail(*object);
    }
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
  rules.push_back({
      .code = "ErrImageNoAccessibleName",
      .type = IssueType::kError,
      .category = "images",
      .wcag = {"1.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"23a2a8"},
      .what = "This image has no accessible name and is not marked as decorative.",
      .why = "Assistive technology announces it as an unlabelled image, so what it shows is "
             "lost to people who cannot see it.",
      .fix = "Give it alt text (or aria-label for role=\"img\"), or mark decoration with "
             "alt=\"\" or role=\"presentation\".",
      .check = ImageNoAccessibleName,
  });
  rules.push_back({
      .code = "ErrImageWithEmptyAlt",
      .type = IssueType::kError,
      .category = "images",
      .wcag = {"1.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This image's alt text is only spaces or invisible characters.",
      .why = "A blank-looking alt is not empty, so the image is not treated as decoration, "
             "yet it says nothing; some screen readers read the file name instead.",
      .fix = "Write alt text that conveys the image, or use alt=\"\" with nothing between the "
             "quotes if it is decoration.",
      .check = ImageWithEmptyAlt,
  });
  rules.push_back({
      .code = "ErrAltTooLong",
      .type = IssueType::kError,
      .category = "images",
      .wcag = {"1.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This image's alt text is longer than 150 characters.",
      .why = "Long alt text is read in one go and cannot be reviewed or skimmed; screen "
             "reader users have to listen to all of it to move on.",
      .fix = "Keep alt to a short equivalent and put the full description in the page, for "
             "example in a figcaption or a linked description.",
      .check = AltTooLong,
  });
  rules.push_back({
      .code = "ErrImageAltContainsHTML",
      .type = IssueType::kError,
      .category = "images",
      .wcag = {"1.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This image's alt text contains HTML markup.",
      .why = "alt is plain text: screen readers read the tags out literally (\"less than "
             "strong greater than\"), which garbles the alternative.",
      .fix = "Remove the tags and keep only the words.",
      .check = ImageAltContainsHtml,
  });
  rules.push_back({
      .code = "ErrImageWithURLAsAlt",
      .type = IssueType::kError,
      .category = "images",
      .wcag = {"1.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This image's alt text is a web address.",
      .why = "A screen reader spells out the address, which says nothing about what the "
             "image shows.",
      .fix = "Replace the address with words that convey the image's content or purpose.",
      .check = ImageWithUrlAsAlt,
  });
  rules.push_back({
      .code = "ErrImageWithImgFileExtensionAlt",
      .type = IssueType::kError,
      .category = "images",
      .wcag = {"1.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This image's alt text is a file name.",
      .why = "File names such as IMG_1234.jpg are often filled in by a CMS; read aloud they "
             "tell a blind user nothing about the image.",
      .fix = "Replace the file name with words that convey the image, or alt=\"\" if it is "
             "decoration.",
      .check = ImageWithFileNameAlt,
  });
  rules.push_back({
      .code = "ErrRedundantAlt",
      .type = IssueType::kError,
      .category = "images",
      .wcag = {"1.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This image's alt text starts with words like \"image of\" or \"photo of\".",
      .why = "Screen readers already say it is an image, so listeners hear it twice before "
             "the content.",
      .fix = "Start with what the image shows; say \"photo\" only when the medium matters.",
      .check = RedundantAlt,
  });
  rules.push_back({
      .code = "ErrAltOnElementThatDoesntTakeIt",
      .type = IssueType::kError,
      .category = "images",
      .wcag = {"4.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This element has an alt attribute, which it does not support.",
      .why = "Only img, area and input type=image use alt; here browsers ignore it, so the "
             "text the author meant to provide never reaches assistive technology.",
      .fix = "Remove alt, and if a name is needed use visible text or aria-label on an "
             "element with a suitable role.",
      .check = AltOnElementThatDoesntTakeIt,
  });
  rules.push_back({
      .code = "ErrSVGNoAccessibleName",
      .type = IssueType::kError,
      .category = "images",
      .wcag = {"1.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This inline SVG has no accessible name and is not hidden.",
      .why = "Screen readers meet an unnamed graphic, or read its stray text fragments, and "
             "cannot tell what it shows.",
      .fix = "Add role=\"img\" with aria-label or a <title> referenced by aria-labelledby, or "
             "aria-hidden=\"true\" if it is decoration.",
      .check = SvgNoAccessibleName,
  });
  rules.push_back({
      .code = "ErrSvgStaticWithoutRole",
      .type = IssueType::kError,
      .category = "images",
      .wcag = {"1.1.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This SVG has a name (title or aria-label) but no role=\"img\".",
      .why = "Browsers expose an svg without a role inconsistently; some screen readers skip "
             "it or read its parts, so its name may never be announced.",
      .fix = "Add role=\"img\" to the svg alongside its aria-label or aria-labelledby.",
      .check = SvgStaticWithoutRole,
  });
  rules.push_back({
      .code = "ErrSvgImageNoAccessibleName",
      .type = IssueType::kError,
      .category = "images",
      .wcag = {"1.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"7d6734"},
      .what = "This SVG has role img (or a graphics role) but no accessible name.",
      .why = "The role tells assistive technology it is an image that matters, yet it has no "
             "text to announce.",
      .fix = "Name it with aria-label, aria-labelledby or a <title> child.",
      .check = SvgWithRoleNoName,
  });
  rules.push_back({
      .code = "WarnSvgPositiveTabindex",
      .type = IssueType::kWarning,
      .category = "images",
      .wcag = {"2.4.3"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This SVG element has a positive tabindex.",
      .why = "A positive tabindex moves it ahead of everything else in the Tab order, so "
             "keyboard users jump around the page unpredictably.",
      .fix = "Use tabindex=\"0\" to follow the reading order, or -1 if it should not be "
             "reached by Tab.",
      .check = SvgPositiveTabindex,
  });
  rules.push_back({
      .code = "DiscoFoundSvgImage",
      .type = IssueType::kDiscovery,
      .category = "images",
      .wcag = {"1.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This element displays an SVG file.",
      .why = "SVG images often carry text or data (charts, diagrams) that the alternative "
             "text must also convey; a person has to compare the two.",
      .fix = "Check that the alt text conveys everything the SVG shows, including any text "
             "in it.",
      .check = FoundSvgImage,
  });
  rules.push_back({
      .code = "DiscoInteractiveSvg",
      .type = IssueType::kDiscovery,
      .category = "images",
      .wcag = {"1.1.1", "2.1.1", "2.4.3", "2.4.7", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This SVG is interactive (event handlers, tabindex, widget roles or controls).",
      .why = "Custom SVG controls are often reachable only by mouse, with no focus indicator "
             "or names for their parts.",
      .fix = "Check it works with the keyboard, shows focus, and that each control has a "
             "role and name.",
      .check = InteractiveSvg,
  });
  rules.push_back({
      .code = "ErrImageButtonNoAccessibleName",
      .type = IssueType::kError,
      .category = "images",
      .wcag = {"1.1.1", "4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kCritical,
      .act = {"59796f"},
      .what = "This image button (input type=image) has no accessible name.",
      .why = "Screen readers announce only \"button\" or the file name, so users cannot tell "
             "what it does.",
      .fix = "Add alt text that names the action, e.g. alt=\"Search\".",
      .check = ImageButtonNoName,
  });
  rules.push_back({
      .code = "ErrObjectNoAccessibleName",
      .type = IssueType::kError,
      .category = "images",
      .wcag = {"1.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"8fc3b6"},
      .what = "This object shows an image, audio or video but has no accessible name.",
      .why = "Assistive technology cannot say what the embedded content is; the fallback "
             "inside <object> is not read when the object renders.",
      .fix = "Add aria-label, aria-labelledby or title describing the content.",
      .check = ObjectNoAccessibleName,
  });
}

}  // namespace a11y::checks
