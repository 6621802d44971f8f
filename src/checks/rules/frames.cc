// Inline frames: each frame needs a name that says what it holds (WCAG 4.1.2, 2.4.1).
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/rule.h"

namespace a11y::checks {
namespace {

// The frames a user can reach: iframe and frame elements in the accessibility tree, not
// taken out of the Tab order (tabindex=-1) and not marked presentational.
std::vector<const Node*> Frames(const Page& page) {
  std::vector<const Node*> frames;
  for (const Node* e : page.doc.elements()) {
    if (!e->IsAnyOf({"iframe", "frame"}) || page.sem.IsHidden(*e)) continue;
    std::optional<int> tabindex = page.sem.TabIndex(*e);
    if (tabindex && *tabindex < 0) continue;
    std::vector<std::string_view> role = SplitTokens(e->AttrOr("role"));
    if (!role.empty() && (Lower(role.front()) == "none" || Lower(role.front()) == "presentation")) {
      continue;
    }
    frames.push_back(e);
  }
  return frames;
}

// A frame's name from its own attributes (title, aria-label, aria-labelledby); Semantics'
// name when it has one.
std::string FrameName(const Page& page, const Node& frame) {
  if (const std::string& name = page.sem.Name(frame); !name.empty()) return name;
  if (const std::string* ids = frame.Attr("aria-labelledby")) {
    std::string text;
    for (const Node* ref : page.doc.ElementsByIdList(*ids)) text += ref->TextContent() + " ";
    text = CollapseWhitespace(text);
    if (!text.empty()) return text;
  }
  std::string label = CollapseWhitespace(frame.AttrOr("aria-label"));
  if (!label.empty()) return label;
  return CollapseWhitespace(frame.AttrOr("title"));
}

// Video players embedded by frame: the hosts people embed from, or a src that names a
// video player.
bool IsVideoFrame(const Node& frame) {
  std::string src = Lower(frame.AttrOr("src"));
  static constexpr std::string_view kVideoHosts[] = {
      "youtube.com/",     "youtube-nocookie.com/", "youtu.be/",      "vimeo.com/",
      "dailymotion.com/", "wistia.com/",           "wistia.net/",    "jwplayer.com/",
      "brightcove.net/",  "vidyard.com/",          "loom.com/embed", "twitch.tv/",
      "ted.com/talks",    "kaltura.com/",          "streamable.com/"};
  for (std::string_view host : kVideoHosts) {
    if (src.find(host) != std::string::npos) return true;
  }
  return src.find("video") != std::string::npos;
}

// Reports frames of one kind (video or not) without a name, and passes named ones (ACT
// cae760: an iframe in the accessibility tree has a non-empty accessible name).
void FramesWithoutName(const Page& page, Reporter& report, bool video) {
  for (const Node* frame : Frames(page)) {
    if (IsVideoFrame(*frame) != video) continue;
    if (FrameName(page, *frame).empty()) {
      report.Fail(*frame);
    } else {
      report.Pass(*frame);
    }
  }
}

void IframeWithNoTitle(const Page& page, Reporter& report) {
  FramesWithoutName(page, report, /*video=*/false);
}

void VideoIframeMissingTitle(const Page& page, Reporter& report) {
  FramesWithoutName(page, report, /*video=*/true);
}

// A title that only repeats what the element is ("iframe", "video") does not say which
// frame this is or what it contains.
void IframeTitleNotDescriptive(const Page& page, Reporter& report) {
  static constexpr std::string_view kGeneric[] = {"iframe",
                                                  "frame",
                                                  "content",
                                                  "video",
                                                  "embed",
                                                  "embedded content",
                                                  "widget",
                                                  "untitled",
                                                  "title",
                                                  "blank",
                                                  "player",
                                                  "video player",
                                                  "media",
                                                  "external content",
                                                  "youtube video player",
                                                  "vimeo video player",
                                                  "inline frame",
                                                  "document"};
  for (const Node* frame : Frames(page)) {
    std::string title = Lower(CollapseWhitespace(frame->AttrOr("title")));
    if (title.empty()) continue;
    for (std::string_view generic : kGeneric) {
      if (title == generic) {
        report.Fail(*frame, "(title \"" + title + "\")");
        break;
      }
    }
  }
}

}  // namespace

void AddFrameRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrIframeWithNoTitleAttr",
      .type = IssueType::kError,
      .category = "iframes",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"cae760"},
      .what = "This frame has no title or other accessible name.",
      .why = "Screen readers announce frames by name; without one users hear \"frame\" or an "
             "address and must enter it to find out what it holds.",
      .fix = "Add a title attribute that says what the frame contains, e.g. title=\"Store "
             "locations map\".",
      .check = IframeWithNoTitle,
  });
  rules.push_back({
      .code = "ErrVideoIframeMissingTitle",
      .type = IssueType::kError,
      .category = "iframes",
      .wcag = {"4.1.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {"cae760"},
      .what = "This embedded video player frame has no title.",
      .why = "Screen reader users reach an unnamed frame and cannot tell it is a video, or "
             "which one, without entering it.",
      .fix = "Add a title naming the video, e.g. title=\"Video: assembling the desk\".",
      .check = VideoIframeMissingTitle,
  });
  rules.push_back({
      .code = "WarnIframeTitleNotDescriptive",
      .type = IssueType::kWarning,
      .category = "iframes",
      .wcag = {"4.1.2", "2.4.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This frame's title is generic and does not say what it contains.",
      .why = "A title such as \"iframe\" or \"video\" does not let screen reader users tell "
             "frames apart or decide whether to enter one.",
      .fix = "Describe the frame's content, e.g. \"Customer reviews\" or \"Video: product "
             "demo\".",
      .check = IframeTitleNotDescriptive,
  });
}

}  // namespace a11y::checks
