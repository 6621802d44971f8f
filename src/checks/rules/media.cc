// Audio and video (WCAG 1.2.x alternatives, 1.4.2 audio control, 2.1.1 operable controls,
// 2.2.2 moving content). Whether a video's soundtrack is longer than three seconds, or what its
// captions say, needs someone to play it: those questions are reported as cantTell.
#include "checks/rules/widgets_common.h"

namespace a11y::checks {
namespace {

using widgets::ContainsLower;

bool HasBoolAttr(const Node& e, std::string_view name) { return e.HasAttr(name); }

// A video or audio element that has something to play (src or a <source> child).
bool HasMediaSource(const Node& media) {
  if (!TrimAscii(media.AttrOr("src")).empty()) return true;
  for (const Node* child : media.ChildElements()) {
    if (child->Is("source") && !TrimAscii(child->AttrOr("src")).empty()) return true;
  }
  return false;
}

bool IsPlayerIframe(const Node& e) {
  if (!e.Is("iframe")) return false;
  std::string src = Lower(e.AttrOr("src"));
  return src.find("youtube.com/embed") != std::string::npos ||
         src.find("youtube-nocookie.com/embed") != std::string::npos ||
         src.find("player.vimeo.com") != std::string::npos ||
         src.find("dailymotion.com/embed") != std::string::npos ||
         src.find("fast.wistia.net") != std::string::npos;
}

// The player's URL asks for autoplay=1 (YouTube, Vimeo, Dailymotion use the same parameter).
bool UrlParamOn(std::string_view url, std::string_view param) {
  std::string u = Lower(url);
  for (char sep : {'?', '&'}) {
    std::string key = std::string(1, sep) + std::string(param) + "=";
    size_t at = u.find(key);
    if (at == std::string::npos) continue;
    std::string_view value = std::string_view(u).substr(at + key.size());
    if (value.substr(0, 1) == "1" || value.substr(0, 4) == "true") return true;
  }
  return false;
}

bool IframeAutoplays(const Node& e) {
  return IsPlayerIframe(e) &&
         (UrlParamOn(e.AttrOr("src"), "autoplay") || UrlParamOn(e.AttrOr("src"), "autostart"));
}

bool IframeMuted(const Node& e) {
  return UrlParamOn(e.AttrOr("src"), "mute") || UrlParamOn(e.AttrOr("src"), "muted");
}

bool IsRendered(const Page& page, const Node& e) { return !page.styles.IsDisplayNone(e); }

void VideoAutoplay(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsRendered(page, *e)) continue;
    if (e->Is("video") && HasBoolAttr(*e, "autoplay") && !HasBoolAttr(*e, "muted")) {
      report.Fail(*e);
    } else if (IframeAutoplays(*e) && !IframeMuted(*e)) {
      report.Fail(*e);
    }
  }
}

void VideoMutedAutoplay(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!IsRendered(page, *e)) continue;
    if (e->Is("video") && HasBoolAttr(*e, "autoplay") && HasBoolAttr(*e, "muted")) {
      report.Fail(*e);
    } else if (IframeAutoplays(*e) && IframeMuted(*e)) {
      report.Fail(*e);
    }
  }
}

bool HasTrack(const Node& media, std::initializer_list<std::string_view> kinds) {
  for (const Node* child : media.ChildElements()) {
    if (!child->Is("track")) continue;
    // A track without kind is subtitles (HTML's missing value default).
    std::string kind = Lower(TrimAscii(child->AttrOr("kind", "subtitles")));
    for (std::string_view k : kinds) {
      if (kind == k) return true;
    }
  }
  return false;
}

void VideoWithoutCaptions(const Page& page, Reporter& report) {
  for (const Node* video : page.doc.ElementsByTag("video")) {
    if (!HasMediaSource(*video) || !IsRendered(page, *video)) continue;
    if (HasBoolAttr(*video, "muted") && !HasBoolAttr(*video, "controls")) continue;  // Silent.
    if (!HasTrack(*video, {"captions", "subtitles"})) report.Fail(*video);
  }
}

// A transcript near the video: text or a link saying "transcript" in the video's own
// container or the one around it.
bool TranscriptNear(const Page& page, const Node& media) {
  if (ContainsLower(media.AttrOr("aria-describedby"), "transcript")) return true;
  for (const Node* ref : page.doc.ElementsByIdList(media.AttrOr("aria-describedby"))) {
    if (ContainsLower(ref->TextContent(), "transcript")) return true;
  }
  const Node* scope = media.parent;
  for (int level = 0; level < 2 && scope != nullptr && scope->is_element(); ++level) {
    if (scope->Is("body")) break;
    std::string text = Lower(scope->TextContent());
    if (text.find("transcript") != std::string::npos) return true;
    for (const Node* e : page.doc.elements()) {
      if (scope->Contains(*e) && e->Is("a") && ContainsLower(e->AttrOr("href"), "transcript")) {
        return true;
      }
    }
    scope = scope->parent;
  }
  return false;
}

void VideoWithoutTranscript(const Page& page, Reporter& report) {
  for (const Node* video : page.doc.ElementsByTag("video")) {
    if (!HasMediaSource(*video) || !IsRendered(page, *video)) continue;
    if (!TranscriptNear(page, *video)) report.Fail(*video);
  }
}

// Without the controls attribute a video has no keyboard-operable controls unless the page
// builds its own; controls we can see next to it (a button that plays or pauses) count.
bool CustomControlsNear(const Page& page, const Node& media) {
  const Node* scope = media.parent;
  for (int level = 0; level < 2 && scope != nullptr && scope->is_element(); ++level) {
    for (const Node* e : page.doc.elements()) {
      if (!scope->Contains(*e) || !(e->Is("button") || widgets::HasRoleToken(*e, {"button"}))) {
        continue;
      }
      std::string name = Lower(widgets::NameOf(page, *e));
      for (std::string_view word : {"play", "pause", "stop", "mute", "volume"}) {
        if (name.find(word) != std::string::npos) return true;
      }
    }
    scope = scope->parent;
  }
  return false;
}

void NativeVideoMissingControls(const Page& page, Reporter& report) {
  for (const Node* video : page.doc.ElementsByTag("video")) {
    if (!HasMediaSource(*video) || !IsRendered(page, *video)) continue;
    if (HasBoolAttr(*video, "controls") || CustomControlsNear(page, *video)) continue;
    report.Fail(*video);
  }
}

// ACT 4c31df / 80f0bf: media that starts playing with sound needs a way to pause or mute it.
// The native controls are one; a button named for it beside the player may be one (a person
// should try it); none at all fails, for media that really has more than three seconds of
// sound, which the wording leaves to a person to confirm.
void AutoplayWithoutControl(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!(e->Is("video") || e->Is("audio")) || !HasBoolAttr(*e, "autoplay")) continue;
    if (HasBoolAttr(*e, "muted") || HasBoolAttr(*e, "paused") || !HasMediaSource(*e)) continue;
    if (!IsRendered(page, *e) && e->Is("video")) continue;
    if (HasBoolAttr(*e, "controls")) {
      report.Pass(*e);
    } else if (CustomControlsNear(page, *e) || widgets::HasExternalScript(page)) {
      report.CantTell(*e);
    } else {
      report.Fail(*e);
    }
  }
}

// ACT aaa1bf: only a looping <audio> is certain to play sound for more than three seconds;
// anything else needs someone to listen.
void AutoplayAudioOverThreeSeconds(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!(e->Is("video") || e->Is("audio")) || !HasBoolAttr(*e, "autoplay")) continue;
    if (HasBoolAttr(*e, "muted") || !HasMediaSource(*e)) continue;
    if (e->Is("audio") && HasBoolAttr(*e, "loop")) {
      report.Fail(*e);
    } else {
      report.CantTell(*e);
    }
  }
}

// The media-alternative ACT rules (captions, audio description, transcripts, media
// alternatives for text) ask what the media says: a person must watch or listen.
void MediaAlternativesReview(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (!(e->Is("video") || e->Is("audio")) || !HasMediaSource(*e)) continue;
    if (page.sem.IsHidden(*e)) continue;
    report.CantTell(*e);
  }
}

}  // namespace

void AddMediaRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "AI_WarnVideoWithoutCaptions",
      .type = IssueType::kWarning,
      .category = "media",
      .wcag = {"1.2.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This video has no captions or subtitles track. If its speech is not captioned "
              "in the picture itself, deaf users miss it.",
      .why = "Deaf and hard-of-hearing users cannot follow what is said in the video.",
      .fix = "Add <track kind=\"captions\" src=\"...vtt\" srclang=\"..\" label=\"..\"> with "
             "accurate captions of speech and important sounds.",
      .check = VideoWithoutCaptions,
  });
  rules.push_back({
      .code = "AI_WarnVideoWithoutTranscript",
      .type = IssueType::kWarning,
      .category = "media",
      .wcag = {"1.2.3", "1.2.8"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "No transcript is offered next to this video.",
      .why = "Deafblind users, and anyone who cannot watch or hear the video, need a text "
             "version of its speech and visual information.",
      .fix = "Publish a transcript (speech plus descriptions of what is shown) beside the "
             "video, or link to it.",
      .check = VideoWithoutTranscript,
  });
  rules.push_back({
      .code = "ErrNativeVideoMissingControls",
      .type = IssueType::kError,
      .category = "media",
      .wcag = {"2.1.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This video has no controls attribute and no play/pause buttons beside it.",
      .why = "Keyboard and screen reader users cannot start, pause or mute the video.",
      .fix = "Add the controls attribute, or provide labelled buttons to play, pause and "
             "mute it.",
      .check = NativeVideoMissingControls,
  });
  rules.push_back({
      .code = "WarnVideoAutoplay",
      .type = IssueType::kWarning,
      .category = "media",
      .wcag = {"1.4.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This video starts playing with sound as the page loads.",
      .why = "Sound that starts on its own talks over screen readers, which makes it hard to "
             "find the control to stop it, and startles users.",
      .fix = "Do not autoplay; or start muted and let users turn sound on, with a visible "
             "pause control.",
      .check = VideoAutoplay,
  });
  rules.push_back({
      .code = "WarnVideoMutedAutoplay",
      .type = IssueType::kWarning,
      .category = "media",
      .wcag = {"2.2.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This muted video starts playing as the page loads.",
      .why = "Moving content that starts on its own distracts people with attention or "
             "vestibular disorders; if it runs over five seconds they need a way to pause it.",
      .fix = "Let users start the video, or provide a visible pause control and stop it under "
             "prefers-reduced-motion.",
      .check = VideoMutedAutoplay,
  });
  rules.push_back({
      .code = "ErrAutoplayAudioNoControl",
      .type = IssueType::kError,
      .category = "media",
      .wcag = {"1.4.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {"4c31df", "80f0bf"},
      .what = "This media plays automatically, unmuted, and offers no control to pause or "
              "mute it. If it plays sound for more than three seconds, users cannot stop it.",
      .why = "Screen reader users cannot hear their reader over the sound, and cannot find "
             "a control to stop it.",
      .fix = "Remove autoplay, or add the controls attribute (or labelled pause and mute "
             "buttons).",
      .check = AutoplayWithoutControl,
  });
  rules.push_back({
      .code = "WarnAutoplayAudioOverThreeSeconds",
      .type = IssueType::kWarning,
      .category = "media",
      .wcag = {"1.4.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {"aaa1bf"},
      .what = "This audio plays automatically and loops, so its sound lasts more than three "
              "seconds.",
      .why = "Sound that starts on its own and keeps going drowns out screen readers.",
      .fix = "Do not autoplay sound; let the user start it.",
      .check = AutoplayAudioOverThreeSeconds,
  });
  rules.push_back({
      .code = "DiscoMediaAlternativesReview",
      .type = IssueType::kDiscovery,
      .category = "media",
      .wcag = {"1.2.1", "1.2.2", "1.2.3", "1.2.5", "1.2.8"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {"1a02b0", "1ea59c", "1ec09b", "2eb176", "c3232f", "c5a4ea", "eac66b", "ee13b5",
              "f51b46", "fd26cf", "ab4d13", "afb423", "d7ba54", "e7aa44"},
      .what = "This media needs a person to check its alternatives: captions, audio "
              "description and transcript.",
      .why = "Only someone who watches and listens can tell whether the alternatives carry "
             "everything the media says and shows.",
      .fix = "Check that captions, audio description and a transcript exist and match the "
             "media.",
      .check = MediaAlternativesReview,
  });
}

}  // namespace a11y::checks
