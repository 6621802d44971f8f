// CSS animation (WCAG 2.2.2 pause/stop/hide, 2.3.1 flashes, 2.3.3 animation from
// interactions): read from the cascade (which elements animate, and how) and the sheets
// (@keyframes, @media (prefers-reduced-motion)). Without running the page we cannot see
// script-started animations; these rules only speak about what the style sheets declare.
#include <cctype>
#include <cstdlib>
#include <limits>

#include "checks/rules/widgets_common.h"
#include "checks/selector.h"

namespace a11y::checks::widgets {
namespace {

constexpr double kInfinite = std::numeric_limits<double>::infinity();

struct Animation {
  std::string name;
  double duration_s = 0;
  double delay_s = 0;
  double iterations = 1;
  double total_s() const { return delay_s + duration_s * iterations; }
  bool infinite() const { return iterations == kInfinite; }
};

// "2s", "150ms" → seconds; false when `token` is not a time.
bool ParseTime(std::string_view token, double* seconds) {
  double scale = 0;
  if (token.size() > 2 && token.substr(token.size() - 2) == "ms") {
    scale = 0.001;
    token.remove_suffix(2);
  } else if (token.size() > 1 && token.back() == 's') {
    scale = 1;
    token.remove_suffix(1);
  } else {
    return false;
  }
  std::string number(token);
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end == number.c_str() || *end != '\0') return false;
  *seconds = value * scale;
  return true;
}

bool IsKeyword(std::string_view t) {
  for (std::string_view k : {"ease",
                             "linear",
                             "ease-in",
                             "ease-out",
                             "ease-in-out",
                             "step-start",
                             "step-end",
                             "normal",
                             "reverse",
                             "alternate",
                             "alternate-reverse",
                             "none",
                             "forwards",
                             "backwards",
                             "both",
                             "running",
                             "paused",
                             "initial",
                             "inherit",
                             "unset"}) {
    if (t == k) return true;
  }
  return t.find('(') != std::string_view::npos || t.find(')') != std::string_view::npos;
}

// Splits on commas outside parentheses (cubic-bezier(a, b, c, d) stays whole).
std::vector<std::string> SplitList(std::string_view value) {
  std::vector<std::string> out(1);
  int depth = 0;
  for (char c : value) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

// The animations an element runs, from the animation shorthand or its longhands.
std::vector<Animation> AnimationsOf(const ComputedStyle& style) {
  std::vector<Animation> out;
  if (style.Declared("animation")) {
    for (const std::string& item : SplitList(Lower(style.Get("animation")))) {
      Animation a;
      int times = 0;
      for (std::string_view token : SplitTokens(item)) {
        double seconds = 0;
        if (ParseTime(token, &seconds)) {
          (times++ == 0 ? a.duration_s : a.delay_s) = seconds;
        } else if (token == "infinite") {
          a.iterations = kInfinite;
        } else if (!token.empty() &&
                   (std::isdigit(static_cast<unsigned char>(token[0])) || token[0] == '.')) {
          a.iterations = std::strtod(std::string(token).c_str(), nullptr);
        } else if (!IsKeyword(token) && a.name.empty()) {
          a.name = std::string(token);
        }
      }
      if (!a.name.empty()) out.push_back(a);
    }
  }
  if (style.Declared("animation-name")) {
    std::vector<std::string> names = SplitList(Lower(style.Get("animation-name")));
    std::vector<std::string> durations = SplitList(Lower(style.Get("animation-duration")));
    std::vector<std::string> counts = SplitList(Lower(style.Get("animation-iteration-count")));
    std::vector<std::string> delays = SplitList(Lower(style.Get("animation-delay")));
    out.clear();
    for (size_t i = 0; i < names.size(); ++i) {
      Animation a;
      a.name = std::string(TrimAscii(names[i]));
      if (a.name.empty() || a.name == "none") continue;
      ParseTime(TrimAscii(durations[i % durations.size()]), &a.duration_s);
      ParseTime(TrimAscii(delays[i % delays.size()]), &a.delay_s);
      std::string_view count = TrimAscii(counts[i % counts.size()]);
      if (count == "infinite") {
        a.iterations = kInfinite;
      } else if (!count.empty()) {
        a.iterations = std::strtod(std::string(count).c_str(), nullptr);
      }
      out.push_back(a);
    }
  } else if (style.Declared("animation-duration") && !out.empty()) {
    ParseTime(TrimAscii(Lower(style.Get("animation-duration"))), &out.front().duration_s);
  }
  if (style.Declared("animation-iteration-count") && !out.empty() &&
      !style.Declared("animation-name")) {
    std::string count(TrimAscii(Lower(style.Get("animation-iteration-count"))));
    out.front().iterations = count == "infinite" ? kInfinite : std::strtod(count.c_str(), nullptr);
  }
  return out;
}

// True when the element's animation is switched off or paused under
// @media (prefers-reduced-motion: reduce).
bool ReducedMotionStops(const Page& page, const Node& e) {
  for (const StyleResolver::SheetRule& rule : page.styles.sheet_rules()) {
    std::string media = Lower(rule.media);
    if (media.find("prefers-reduced-motion") == std::string::npos ||
        media.find("reduce") == std::string::npos || !rule.at_rule.empty()) {
      continue;
    }
    bool stops = false;
    for (const auto& [name, raw] : rule.declarations) {
      std::string value = Lower(raw);
      if ((name == "animation" || name == "animation-name") &&
          value.find("none") != std::string::npos) {
        stops = true;
      }
      if (name == "animation-play-state" && value.find("paused") != std::string::npos) {
        stops = true;
      }
      if ((name == "animation-duration" || name == "animation-iteration-count" ||
           name == "animation") &&
          (value.find("0.01ms") != std::string::npos || value.find("0s") == 0 || value == "1" ||
           value.find("0.001") != std::string::npos)) {
        stops = true;
      }
    }
    if (!stops) continue;
    for (const css::Selector& selector : css::ParseSelectorList(rule.selector)) {
      if (selector.Matches(e)) return true;
    }
  }
  return false;
}

bool PageHasReducedMotionQuery(const Page& page) {
  for (const StyleResolver::SheetRule& rule : page.styles.sheet_rules()) {
    if (Lower(rule.media).find("prefers-reduced-motion") != std::string::npos) return true;
  }
  for (const Node* e : page.doc.elements()) {
    if ((e->Is("link") || e->Is("style") || e->Is("source")) &&
        ContainsLower(e->AttrOr("media"), "prefers-reduced-motion")) {
      return true;
    }
  }
  return ContainsLower(InlineScript(page), "prefers-reduced-motion");
}

bool PageHasMotionControl(const Page& page) {
  // Not a bare "skip": every "Skip to content" link would count.
  return PageHasControlNamed(page, {"pause", "stop", "skip anim", "skip intro", "freeze",
                                    "reduce motion", "disable anim", "turn off anim"});
}

// A loading indicator: named or classed as a spinner / loader, or a busy status.
bool IsSpinner(const Node& e, const Animation& a) {
  auto spinnerish = [](std::string_view s) {
    std::string l = Lower(s);
    return l.find("spin") != std::string::npos || l.find("loader") != std::string::npos ||
           l.find("loading") != std::string::npos;
  };
  return spinnerish(e.AttrOr("class")) || spinnerish(e.AttrOr("id")) ||
         spinnerish(e.AttrOr("aria-label")) || spinnerish(a.name) ||
         HasRoleToken(e, {"progressbar"});
}

template <typename Visit>
void ForEachAnimated(const Page& page, Visit visit) {
  for (const Node* e : page.doc.elements()) {
    if (e->ns != Namespace::kHtml && e->ns != Namespace::kSvg) continue;
    const ComputedStyle& style = page.styles.Of(*e);
    if (!style.Declared("animation") && !style.Declared("animation-name")) continue;
    if (page.styles.IsDisplayNone(*e)) continue;
    for (const Animation& a : AnimationsOf(style)) visit(*e, a);
  }
}

void InfiniteAnimation(const Page& page, Reporter& report) {
  if (PageHasMotionControl(page)) return;
  ForEachAnimated(page, [&](const Node& e, const Animation& a) {
    if (a.infinite() && !IsSpinner(e, a) && !ReducedMotionStops(page, e)) report.Fail(e);
  });
}

void InfiniteSpinner(const Page& page, Reporter& report) {
  ForEachAnimated(page, [&](const Node& e, const Animation& a) {
    if (a.infinite() && IsSpinner(e, a)) report.Fail(e);
  });
}

void LongAnimation(const Page& page, Reporter& report) {
  if (PageHasMotionControl(page)) return;
  ForEachAnimated(page, [&](const Node& e, const Animation& a) {
    if (!a.infinite() && a.total_s() > 5 && !ReducedMotionStops(page, e)) {
      report.Fail(e, "It runs for " + std::to_string(static_cast<int>(a.total_s())) + " s.");
    }
  });
}

void NoReducedMotionSupport(const Page& page, Reporter& report) {
  if (PageHasReducedMotionQuery(page)) return;
  const Node* first = nullptr;
  ForEachAnimated(page, [&](const Node& e, const Animation&) {
    if (first == nullptr) first = &e;
  });
  if (first != nullptr) report.Fail(*first);
}

// What a @keyframes rule changes, by property name.
bool KeyframesChange(const Page& page, const std::string& name,
                     std::initializer_list<std::string_view> properties) {
  for (const StyleResolver::SheetRule& rule : page.styles.sheet_rules()) {
    if (rule.at_rule != "keyframes" || Lower(TrimAscii(rule.selector)) != name) continue;
    for (const auto& [property, value] : rule.declarations) {
      for (std::string_view p : properties) {
        if (property.compare(0, p.size(), p) == 0) return true;
      }
    }
  }
  return false;
}

// A repeating animation faster than about three cycles every two seconds that changes
// brightness or colour can flash; WCAG 2.3.1 sets the limit at three flashes a second.
void ProblematicAnimation(const Page& page, Reporter& report) {
  ForEachAnimated(page, [&](const Node& e, const Animation& a) {
    if (a.duration_s <= 0 || a.duration_s >= 0.7 || a.iterations < 3) return;
    if (KeyframesChange(page, a.name,
                        {"opacity", "visibility", "background", "color", "filter", "border-color",
                         "box-shadow"})) {
      report.Fail(e);
    }
  });
}

}  // namespace

void AddAnimationRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrInfiniteAnimation",
      .type = IssueType::kError,
      .category = "animation",
      .wcag = {"2.2.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This element animates forever (animation-iteration-count: infinite) and the "
              "page offers no control to pause or stop it.",
      .why = "Endless motion distracts people with attention or reading difficulties and can "
             "make people with vestibular disorders ill; WCAG requires a way to pause motion "
             "that lasts over five seconds.",
      .fix = "Stop the animation after a few cycles, or add a visible pause/stop button, and "
             "turn it off under @media (prefers-reduced-motion: reduce).",
      .check = InfiniteAnimation,
  });
  rules.push_back({
      .code = "ErrNoReducedMotionSupport",
      .type = IssueType::kError,
      .category = "animation",
      .wcag = {"2.3.3"},
      .level = WcagLevel::kAAA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This page animates content but never checks the prefers-reduced-motion "
              "setting.",
      .why = "People who asked their system for reduced motion (vestibular disorders, "
             "migraine) still get every animation.",
      .fix = "Add @media (prefers-reduced-motion: reduce) rules that remove or shorten the "
             "animations.",
      .check = NoReducedMotionSupport,
  });
  rules.push_back({
      .code = "WarnInfiniteAnimationSpinner",
      .type = IssueType::kWarning,
      .category = "animation",
      .wcag = {"2.2.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This loading spinner is shown and spins forever.",
      .why = "A spinner left visible after loading finishes keeps moving and keeps telling "
             "screen reader users the page is busy.",
      .fix = "Hide or remove the spinner (display:none or hidden) as soon as loading "
             "finishes, and announce completion in a status region.",
      .check = InfiniteSpinner,
  });
  rules.push_back({
      .code = "WarnLongAnimation",
      .type = IssueType::kWarning,
      .category = "animation",
      .wcag = {"2.2.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This animation runs longer than five seconds and the page offers no way to "
              "skip or pause it.",
      .why = "Users who are distracted or made unwell by motion have to sit through it; WCAG "
             "asks for a pause, stop or hide control for motion over five seconds.",
      .fix = "Shorten the animation to under five seconds, or add a skip/pause control and "
             "a prefers-reduced-motion rule.",
      .check = LongAnimation,
  });
  rules.push_back({
      .code = "WarnProblematicAnimation",
      .type = IssueType::kWarning,
      .category = "animation",
      .wcag = {"2.2.2", "2.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This animation repeats quickly (a cycle under 0.7 s) and changes brightness or "
              "colour: it may flash. A person should check its flash rate and size.",
      .why = "Content that flashes more than three times a second can trigger seizures in "
             "people with photosensitive epilepsy.",
      .fix = "Slow the animation to well under three cycles a second or remove the "
             "brightness/colour change, and honour prefers-reduced-motion.",
      .check = ProblematicAnimation,
  });
}

}  // namespace a11y::checks::widgets
