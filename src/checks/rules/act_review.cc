// ACT rules whose outcome needs a person or a running browser: meaning (is this name
// descriptive?), behaviour (does script trap focus?) or layout (does text clip at 200%?).
// They report the elements a reviewer must look at as cantTell, never a failure, except
// for the few cases an expert would settle from the markup alone (a link named "more", an
// image named by its file name, a page titled "Untitled").
#include <cctype>
#include <optional>
#include <set>

#include "checks/rules/act_common.h"

namespace a11y::checks::act {
namespace {

bool Rendered(const Page& page, const Node& e) {
  return !IsNotRendered(page, e) && !IsHiddenFromAt(page, e);
}

std::string LowerCollapsed(std::string_view s) { return Lower(CollapseWhitespace(s)); }

// ---------------------------------------------------------------------------------------
// Images.

// Images kept out of the accessibility tree: whether each is really decoration is for a
// person to say.
void DecorativeImagesReview(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    bool image = e->Is("img") || e->Is("canvas") || (e->ns == Namespace::kSvg && e->tag == "svg");
    if (!image || IsNotRendered(page, *e) || IsOffScreen(page, *e)) continue;
    if (e->Is("img") && !e->HasAttr("src")) continue;
    bool hidden = IsHiddenFromAt(page, *e);
    std::string role = RoleOf(page, *e);
    if (role == "presentation" || role == "none") hidden = true;
    if (e->Is("img") && e->AttrOr("alt").empty() && e->HasAttr("alt") &&
        page.sem.ExplicitRole(*e).empty()) {
      hidden = true;
    }
    // An unnamed svg, or a canvas with no fallback content, is not exposed.
    bool unnamed = !e->HasAttr("role") && NameOf(page, *e).empty();
    if (e->tag == "svg" && unnamed) hidden = true;
    if (e->Is("canvas") && unnamed && e->ChildElements().empty()) hidden = true;
    if (hidden) report.CantTell(*e);
  }
}

// Rendered images: text drawn inside one needs eyes (or OCR) to find.
void ImagesOfTextReview(const Page& page, Reporter& report) {
  for (const Node* img : page.doc.ElementsByTag("img")) {
    if (!img->HasAttr("src") || IsNotRendered(page, *img)) continue;
    report.CantTell(*img);
  }
}

// A name that only repeats a file name or says "image" describes nothing.
bool IsNonDescriptiveImageName(std::string_view name) {
  std::string n = LowerCollapsed(name);
  static const std::set<std::string_view> kGeneric = {
      "image",  "img",         "picture",  "photo", "photograph", "graphic",  "icon",
      "spacer", "placeholder", "untitled", "blank", "logo image", "image of", "picture of"};
  if (kGeneric.count(n) > 0) return true;
  static constexpr std::string_view kExtensions[] = {
      ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".tif", ".tiff", ".avif", ".ico"};
  for (std::string_view ext : kExtensions) {
    if (n.size() > ext.size() && n.compare(n.size() - ext.size(), ext.size(), ext) == 0 &&
        n.find(' ') == std::string::npos) {
      return true;
    }
  }
  return false;
}

void ImageNameDescriptive(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    std::string role = RoleOf(page, *e);
    bool image = role == "img" || role == "image" || role == "graphics-document";
    if (!image && !(e->Is("img") || e->Is("canvas") || e->tag == "svg")) continue;
    // A canvas has no role of its own, but once named it is announced as a picture.
    if (!image && !e->Is("img") && !e->Is("canvas")) continue;
    if (!Rendered(page, *e)) continue;
    std::string name = NameOf(page, *e);
    if (name.empty()) continue;
    if (IsNonDescriptiveImageName(name)) {
      report.Fail(*e, "Its name is \"" + name + "\".");
    } else {
      report.CantTell(*e);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Headings, titles, links and labels: descriptive or not is a judgement on meaning.

void HeadingDescriptiveReview(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (RoleOf(page, *e) != "heading" || IsHiddenFromAt(page, *e)) continue;
    if (IsNotRendered(page, *e)) continue;
    report.CantTell(*e);
  }
}

void TitleDescriptive(const Page& page, Reporter& report) {
  std::vector<const Node*> titles = page.doc.ElementsByTag("title");
  const Node* title = nullptr;
  for (const Node* t : titles) {
    if (t->ns == Namespace::kHtml &&
        t->Closest([](const Node& n) { return n.tag == "svg"; }) == nullptr) {
      title = t;
      break;
    }
  }
  if (title == nullptr) return;
  std::string text = LowerCollapsed(title->TextContent());
  if (text.empty()) return;  // No title at all is another rule's finding.
  static const std::set<std::string_view> kPlaceholders = {
      "untitled",     "untitled document", "untitled page", "new page",
      "new document", "document",          "page",          "title",
      "page title",   "insert title here", "my title"};
  if (kPlaceholders.count(text) > 0) {
    report.Fail(*title, "The title is \"" + CollapseWhitespace(title->TextContent()) + "\".");
  } else {
    report.CantTell(*title);
  }
}

// Link text that says nothing of the destination on its own.
bool IsGenericLinkText(std::string_view name) {
  static const std::set<std::string_view> kGeneric = {
      "more",    "more...",   "read more",  "click here",       "here",      "click",
      "link",    "this link", "go",         "learn more",       "more info", "more information",
      "details", "this",      "click this", "continue reading", "see more",  "find out more"};
  std::string n = LowerCollapsed(name);
  while (!n.empty() && (n.back() == '.' || n.back() == '>' || n.back() == ' ')) n.pop_back();
  return kGeneric.count(n) > 0;
}

std::vector<const Node*> ReviewableLinks(const Page& page) {
  std::vector<const Node*> out;
  for (const Node* e : page.doc.elements()) {
    if (RoleOf(page, *e) != "link" || !Rendered(page, *e)) continue;
    out.push_back(e);
  }
  return out;
}

void LinkDescriptive(const Page& page, Reporter& report) {
  for (const Node* link : ReviewableLinks(page)) {
    std::string name = NameOf(page, *link);
    if (name.empty()) continue;  // A missing name is the link-name rule's finding.
    if (IsGenericLinkText(name)) {
      report.Fail(*link, "It is named \"" + name + "\".");
    } else {
      report.CantTell(*link);
    }
  }
}

void LinkInContextReview(const Page& page, Reporter& report) {
  for (const Node* link : ReviewableLinks(page)) {
    if (!NameOf(page, *link).empty()) report.CantTell(*link);
  }
}

bool IsFormField(const Node& e) {
  if (e.Is("input")) {
    std::string type = Lower(TrimAscii(e.AttrOr("type")));
    return type != "hidden" && type != "submit" && type != "reset" && type != "button" &&
           type != "image";
  }
  return e.IsAnyOf({"select", "textarea"});
}

void FormLabelDescriptiveReview(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsFormField(*e) || !Rendered(page, *e)) continue;
    bool labelled = !page.sem.Labels(*e).empty() || e->HasAttr("aria-labelledby");
    if (!labelled) {
      labelled = e->Closest([](const Node& n) { return n.Is("label"); }) != nullptr;
    }
    if (!labelled && !e->AttrOr("id").empty()) {
      for (const Node* label : page.doc.ElementsByTag("label")) {
        if (label->AttrOr("for") == e->AttrOr("id")) labelled = true;
      }
    }
    if (labelled) report.CantTell(*e);
  }
}

void FormErrorMessageReview(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsFormField(*e) || IsNotRendered(page, *e)) continue;
    if (e->Closest([](const Node& n) { return n.Is("form"); }) == nullptr &&
        !e->HasAttr("aria-invalid")) {
      continue;
    }
    report.CantTell(*e);
  }
}

// ---------------------------------------------------------------------------------------
// Behaviour that only a browser running the page shows.

const Node* BodyOrPage(const Document& doc) {
  return doc.body() != nullptr ? doc.body() : PageTarget(doc);
}

// A <marquee> scrolls its text for as long as it is shown and the element has no control
// to stop it; on a page without script nothing else can stop it either. With script, or a
// finite loop count, a person must check.
void AutoChangingContent(const Page& page, Reporter& report) {
  bool script = PageHasScript(page.doc);
  for (const Node* e : page.doc.ElementsByTag("marquee")) {
    if (IsNotRendered(page, *e) || !HasRenderedText(page, *e)) continue;
    std::string loop = Lower(TrimAscii(e->AttrOr("loop", "-1")));
    bool endless = loop == "-1" || loop == "0" || loop == "infinite";
    bool still = TrimAscii(e->AttrOr("scrollamount")) == "0";
    if (!script && endless && !still) {
      report.Fail(*e);
    } else {
      report.CantTell(*e);
    }
  }
  if (script) {
    if (const Node* target = BodyOrPage(page.doc)) report.CantTell(*target);
  }
}

void CharacterKeyShortcutsReview(const Page& page, Reporter& report) {
  if (!PageHasScript(page.doc)) return;  // Without script a page has no shortcuts.
  if (const Node* target = BodyOrPage(page.doc)) report.CantTell(*target);
}

// Without script, plug-ins or frames nothing can hold focus: Tab moves on. With them, a
// person must try.
void KeyboardTrapReview(const Page& page, Reporter& report) {
  bool dynamic = PageHasScript(page.doc);
  for (const Node* e : page.doc.elements()) {
    if (e->IsAnyOf({"iframe", "object", "embed", "applet"})) dynamic = true;
  }
  for (const Node* e : page.doc.elements()) {
    if (!IsFocusableElement(page, *e) || IsNotRendered(page, *e)) continue;
    if (dynamic) {
      report.CantTell(*e);
    } else {
      report.Pass(*e);
    }
  }
}

void DeviceMotionReview(const Page& page, Reporter& report) {
  if (!PageHasScript(page.doc)) return;
  std::string code = ScriptText(page.doc);
  bool motion = code.find("devicemotion") != std::string::npos ||
                code.find("deviceorientation") != std::string::npos ||
                code.find("accelerometer") != std::string::npos ||
                code.find("gyroscope") != std::string::npos;
  // External scripts may listen too; only a page with none is known not to.
  bool external = false;
  for (const Node* s : page.doc.ElementsByTag("script")) external |= s->HasAttr("src");
  if (motion || external) {
    if (const Node* target = BodyOrPage(page.doc)) report.CantTell(*target);
  }
}

// ---------------------------------------------------------------------------------------
// Page structure: whether a block repeats across pages, and whether the way past it works,
// needs the other pages and a person.

void BypassBlocksReview(const Page& page, Reporter& report) {
  const Node* body = page.doc.body();
  if (body == nullptr || !HasRenderedText(page, *body)) return;
  if (const Node* html = PageTarget(page.doc)) report.CantTell(*html);
}

// Text that may point at content by its look or place ("the button on the right").
void VisualReferenceReview(const Page& page, Reporter& report) {
  static constexpr std::string_view kWords[] = {
      "left",   "right",   "above",  "below",  "top",     "bottom",   "underneath", "beneath",
      "beside", "next to", "round",  "square", "circle",  "triangle", "star",       "red",
      "green",  "blue",    "yellow", "orange", "purple",  "colour",   "color",      "shape",
      "large",  "small",   "box",    "tilted", "sidebar", "column"};
  for (const Node* e : page.doc.elements()) {
    if (!HasOwnText(*e) || e->IsAnyOf({"script", "style", "title", "head", "noscript"})) {
      continue;
    }
    if (IsNotRendered(page, *e)) continue;
    // Word by word: a set lookup per word instead of a search per listed word. The element's
    // own text is read in one pass (this rule reads every text on the page): words are runs
    // of ASCII letters and digits and of non-ASCII characters other than the no-break space,
    // compared in ASCII lower case.
    static const std::set<std::string_view> kWordSet(std::begin(kWords), std::end(kWords));
    bool found = false;
    bool after_next = false;  // The previous word was "next" ("next to").
    std::string word;
    auto end_word = [&] {
      if (word.empty()) return;
      found = found || kWordSet.count(word) > 0 || (after_next && word == "to");
      after_next = word == "next";
      word.clear();
    };
    for (const Node* child : e->children) {
      if (!child->is_text()) continue;
      const std::string& text = child->text;
      for (size_t i = 0; i < text.size() && !found; ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) {
          ++i;  // U+00A0, a space.
          end_word();
        } else if (c < 0x80 && !std::isalnum(c)) {
          end_word();
        } else {
          word += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
      }
      end_word();  // Text nodes are separate words.
    }
    if (found) report.CantTell(*e);
  }
}

bool OverflowIs(const Page& page, const Node& e, std::initializer_list<std::string_view> set) {
  for (std::string_view property : {"overflow", "overflow-x", "overflow-y"}) {
    // The value must outlive the loop: SplitTokens returns views into it.
    const std::string value = PropertyValue(page, e, property);
    for (std::string_view v : SplitTokens(value)) {
      for (std::string_view s : set) {
        if (v == s) return true;
      }
    }
  }
  return false;
}

bool HasTabbableInside(const Page& page, const Node& e) {
  for (const Node* d : Descendants(e)) {
    if (IsFocusableElement(page, *d)) {
      std::optional<int> tabindex = page.sem.TabIndex(*d);
      if (!tabindex || *tabindex >= 0) return true;
    }
  }
  return false;
}

// Scrollable regions: reachable when they or something inside take focus; whether one
// without really scrolls needs layout.
void ScrollableRegionReview(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->Is("html") || e->Is("body") || e->Is("iframe")) continue;
    if (!OverflowIs(page, *e, {"auto", "scroll"}) || IsNotRendered(page, *e)) continue;
    if (e->ChildElements().empty() && !HasOwnText(*e)) continue;
    std::optional<int> tabindex = page.sem.TabIndex(*e);
    bool self = IsFocusableElement(page, *e) && (!tabindex || *tabindex >= 0);
    if (self || HasTabbableInside(page, *e)) {
      report.Pass(*e);
    } else {
      report.CantTell(*e);
    }
  }
}

// Text in a box that clips its overflow may be cut off when enlarged to 200%.
void ClippedTextReview(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!OverflowIs(page, *e, {"hidden", "clip"}) || IsNotRendered(page, *e)) continue;
    if (!HasRenderedText(page, *e)) continue;
    report.CantTell(*e);
  }
}

// ---------------------------------------------------------------------------------------
// Language: whether the text is in the language declared needs someone who reads it.

bool HasLanguageSubtag(std::string_view lang) {
  std::string_view t = TrimAscii(lang);
  size_t dash = t.find('-');
  std::string_view primary = t.substr(0, dash);
  if (primary.size() < 2 || primary.size() > 8) return false;
  for (char c : primary) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

void ElementLanguageReview(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->Is("html") || !HasLanguageSubtag(e->AttrOr("lang"))) continue;
    if (e->Closest([](const Node& n) { return n.Is("head"); }) != nullptr) continue;
    if (IsNotRendered(page, *e) || !HasRenderedText(page, *e)) continue;
    report.CantTell(*e);
  }
}

void PageLanguageReview(const Page& page, Reporter& report) {
  const Node* html = page.doc.html();
  const Node* body = page.doc.body();
  if (html == nullptr || body == nullptr || !HasLanguageSubtag(html->AttrOr("lang"))) return;
  if (!HasRenderedText(page, *body)) return;
  report.CantTell(*html);
}

Rule Review(std::string_view code, std::vector<std::string_view> wcag, WcagLevel level,
            std::vector<std::string_view> act, std::string_view what, std::string_view why,
            std::string_view fix, CheckFunction check) {
  return Rule{
      .code = code,
      .type = IssueType::kDiscovery,
      .category = "act",
      .wcag = std::move(wcag),
      .level = level,
      .impact = Impact::kLow,
      .act = std::move(act),
      .what = what,
      .why = why,
      .fix = fix,
      .check = check,
  };
}

}  // namespace

void AddActReviewRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "WarnImageNameNotDescriptive",
      .type = IssueType::kWarning,
      .category = "act",
      .wcag = {"1.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {"qt1vmo"},
      .what = "This image's accessible name is a file name or a generic word, not a "
              "description.",
      .why = "A screen reader user hears \"image\" or \"photo_123.jpg\" and learns nothing "
             "of what the image shows.",
      .fix = "Write alternative text that says what the image conveys in this page.",
      .check = ImageNameDescriptive,
  });
  rules.push_back({
      .code = "WarnPageTitlePlaceholder",
      .type = IssueType::kWarning,
      .category = "act",
      .wcag = {"2.4.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {"c4a8a4"},
      .what = "The page title is a placeholder such as \"Untitled\".",
      .why = "The title is the first thing a screen reader announces and what tabs and "
             "history show; a placeholder does not say which page this is.",
      .fix = "Title the page with its topic or purpose, then the site name.",
      .check = TitleDescriptive,
  });
  rules.push_back({
      .code = "WarnLinkTextGenericAct",
      .type = IssueType::kWarning,
      .category = "act",
      .wcag = {"2.4.9"},
      .level = WcagLevel::kAAA,
      .impact = Impact::kMedium,
      .act = {"aizyf1"},
      .what = "This link's name, such as \"more\" or \"click here\", does not say where it "
              "leads.",
      .why = "Screen reader users often list the links of a page out of context; a list of "
             "\"more\" links tells them nothing.",
      .fix = "Name the link for its destination, e.g. \"More about opening hours\".",
      .check = LinkDescriptive,
  });
  rules.push_back(
      Review("DiscoDecorativeImageReview", {"1.1.1"}, WcagLevel::kA, {"e88epe"},
             "This image is hidden from assistive technology; check it is decoration only.",
             "If it carries information, screen reader users miss it entirely.",
             "Keep it hidden only if it adds nothing; otherwise give it alternative text.",
             DecorativeImagesReview));
  rules.push_back(Review(
      "DiscoImageMayContainText", {"1.4.5"}, WcagLevel::kAA, {"0va7u6"},
      "Check whether this image shows text that could be real text.",
      "Text in images cannot be enlarged, recoloured or respaced by people with low vision.",
      "Use styled HTML text instead of an image of text, except for logos.", ImagesOfTextReview));
  rules.push_back(Review("DiscoHeadingDescriptiveReview", {"2.4.6"}, WcagLevel::kAA, {"b49b2e"},
                         "Check that this heading describes the content it introduces.",
                         "People who navigate by headings choose sections from their text alone.",
                         "Reword the heading to name the topic of its section.",
                         HeadingDescriptiveReview));
  rules.push_back(Review(
      "DiscoLinkPurposeInContext", {"2.4.4"}, WcagLevel::kA, {"5effbb"},
      "Check that this link's purpose is clear from its name and its sentence, paragraph or "
      "list item.",
      "Screen reader users judge links by their name and the text around them.",
      "Make the link text, or its immediate context, say where it leads.", LinkInContextReview));
  rules.push_back(Review(
      "DiscoFormLabelDescriptiveReview", {"2.4.6"}, WcagLevel::kAA, {"cc0f0a"},
      "Check that this field's label says what to enter.",
      "A vague label leaves every user, and most of all screen reader users, guessing.",
      "Reword the label to name the information the field expects.", FormLabelDescriptiveReview));
  rules.push_back(
      Review("DiscoFormErrorMessageReview", {"3.3.1"}, WcagLevel::kA, {"36b590"},
             "Check that an invalid value in this field is identified and described in text.",
             "Users who cannot see colour or icons need a text message naming the field and the "
             "problem.",
             "Show a text error that names the field and how to correct it, tied to the field with "
             "aria-describedby.",
             FormErrorMessageReview));
  rules.push_back({
      .code = "WarnMarqueeCannotBePaused",
      .type = IssueType::kWarning,
      .category = "act",
      .wcag = {"2.2.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {"efbfc7"},
      .what = "This marquee scrolls its text endlessly and the page offers no way to pause or "
              "stop it.",
      .why = "Moving text distracts people with attention or reading difficulties, and slow "
             "readers cannot finish it before it moves away.",
      .fix = "Show the text still, or add a control that pauses, stops or hides it.",
      .check = AutoChangingContent,
  });
  rules.push_back(
      Review("DiscoCharacterKeyShortcuts", {"2.1.4"}, WcagLevel::kA, {"ffbc54"},
             "This page runs script; check it has no single-character keyboard shortcuts, or that "
             "they can be turned off or remapped.",
             "Speech input users trigger single-key shortcuts by accident when they dictate.",
             "Require a modifier key, or let users turn off or remap the shortcut.",
             CharacterKeyShortcutsReview));
  rules.push_back(
      Review("DiscoKeyboardTrapReview", {"2.1.2"}, WcagLevel::kA, {"80af7b", "ebe86a", "a1b64e"},
             "Script or embedded content may hold focus on this element; check Tab moves on.",
             "Keyboard users caught in a trap cannot reach the rest of the page.",
             "Never move focus back on blur; if a widget keeps focus, tell users how to leave it.",
             KeyboardTrapReview));
  rules.push_back(Review(
      "DiscoDeviceMotionReview", {"2.5.4"}, WcagLevel::kA, {"7677a9", "c249d5"},
      "This page may react to device motion; check the same action is offered in the "
      "interface and motion can be turned off.",
      "People who cannot move a device, or whose device is mounted, cannot shake or tilt it.",
      "Provide a button for each motion action and a setting to disable motion.",
      DeviceMotionReview));
  rules.push_back(Review(
      "DiscoBypassBlocksReview", {"2.4.1"}, WcagLevel::kA, {"cf77f2", "3e12e1", "ye5d6e", "047fe0"},
      "Check that blocks repeated on every page can be bypassed: a skip link, headings or a "
      "main landmark.",
      "Keyboard and screen reader users otherwise go through the same menus on every page.",
      "Add a skip link to the main content, a main landmark and headings for its sections.",
      BypassBlocksReview));
  rules.push_back(Review(
      "DiscoVisualReferenceReview", {"1.3.3"}, WcagLevel::kA, {"9bd38c"},
      "This text may point at content by shape, colour, size or position; check it also "
      "names it.",
      "Blind users cannot find \"the button on the right\" or \"the red star\".",
      "Refer to content by its label or heading as well as how it looks.", VisualReferenceReview));
  rules.push_back(
      Review("DiscoScrollableRegionReview", {"2.1.1"}, WcagLevel::kA, {"0ssw9k"},
             "This region can scroll but neither it nor its content takes keyboard focus; check it "
             "can be scrolled from the keyboard.",
             "Keyboard users cannot scroll a region they cannot focus, so its hidden part is lost.",
             "Give the region tabindex=\"0\", a role and a name, or put focusable content in it.",
             ScrollableRegionReview));
  rules.push_back(
      Review("DiscoClippedTextReview", {"1.4.4"}, WcagLevel::kAA, {"59br37"},
             "This box hides overflow; check its text is not cut off when enlarged to 200%.",
             "People with low vision enlarge text; a fixed box with hidden overflow cuts it off.",
             "Let the box grow with its text (min-height, no fixed height) or allow scrolling.",
             ClippedTextReview));
  rules.push_back(
      Review("DiscoElementLanguageReview", {"3.1.2"}, WcagLevel::kAA, {"off6ek"},
             "Check that this element's text is in the language its lang attribute names.",
             "Screen readers switch voice by lang; a wrong one mispronounces every word.",
             "Set lang to the language the text is written in.", ElementLanguageReview));
  rules.push_back(
      Review("DiscoPageLanguageReview", {"3.1.1"}, WcagLevel::kA, {"ucwvc8"},
             "Check that the page's lang attribute names the language most of its text is in.",
             "Screen readers read the whole page with the voice lang selects.",
             "Set lang on html to the page's main language.", PageLanguageReview));
}

}  // namespace a11y::checks::act
