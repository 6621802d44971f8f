// Timers (WCAG 2.2.1 timing adjustable, 2.2.2 pause, stop, hide), read from inline script
// text. We do not run script, so these rules report what the source shows (a timer started
// when the page loads, a reload or redirect it triggers, how often it fires) and their wording
// asks a person to confirm the effect.
#include <cstdlib>

#include "checks/rules/widgets_common.h"

namespace a11y::checks::widgets {
namespace {

struct TimerCall {
  bool interval = false;  // setInterval (repeats) or setTimeout (once).
  double delay_ms = -1;   // The literal delay, -1 when it is not a number literal.
  bool on_load = false;   // Runs when the page loads, not in reply to the user.
  std::string callback;   // The first argument as written (a function or its name).
};

// The script's nesting at `pos`: the text before each unclosed '{', innermost last.
std::vector<size_t> OpenBraces(const std::string& script, size_t pos) {
  std::vector<size_t> open;
  for (size_t i = 0; i < pos && i < script.size(); ++i) {
    if (script[i] == '{') open.push_back(i);
    if (script[i] == '}' && !open.empty()) open.pop_back();
  }
  return open;
}

// A call at the top level, or inside a load / DOMContentLoaded callback, starts on its own.
bool StartsOnLoad(const std::string& script, size_t pos) {
  for (size_t brace : OpenBraces(script, pos)) {
    size_t from = brace > 120 ? brace - 120 : 0;
    std::string_view before(script.data() + from, brace - from);
    size_t statement = before.find_last_of(";}");
    if (statement != std::string_view::npos) before.remove_prefix(statement + 1);
    std::string_view statement_text = TrimAscii(before);
    // Load handlers, jQuery's ready, and immediately invoked functions all run on load.
    bool load = before.find("domcontentloaded") != std::string_view::npos ||
                before.find("'load'") != std::string_view::npos ||
                before.find("\"load\"") != std::string_view::npos ||
                before.find("onload") != std::string_view::npos ||
                before.find(".ready(") != std::string_view::npos ||
                before.find("$(function") != std::string_view::npos ||
                (!statement_text.empty() && (statement_text[0] == '(' || statement_text[0] == '!'));
    if (!load) return false;
  }
  return true;
}

// The top-level arguments of the call whose '(' is at `open`, trimmed.
std::vector<std::string> Arguments(const std::string& script, size_t open) {
  std::vector<std::string> args;
  int depth = 0;
  size_t start = open + 1;
  for (size_t i = open; i < script.size(); ++i) {
    char c = script[i];
    if (c == '(' || c == '{' || c == '[') ++depth;
    if (c == ')' || c == '}' || c == ']') {
      if (--depth == 0) {
        args.emplace_back(TrimAscii(std::string_view(script).substr(start, i - start)));
        return args;
      }
    }
    if (c == ',' && depth == 1) {
      args.emplace_back(TrimAscii(std::string_view(script).substr(start, i - start)));
      start = i + 1;
    }
  }
  return args;
}

std::vector<TimerCall> TimerCalls(const std::string& script) {
  std::vector<TimerCall> out;
  for (std::string_view fn : {"setinterval(", "settimeout("}) {
    // Bounded: a large inline bundle may call timers thousands of times, and a page that
    // starts that many tells us all we need after the first few.
    size_t seen = 0;
    for (size_t at = script.find(fn); at != std::string::npos && seen++ < 64;
         at = script.find(fn, at + 1)) {
      TimerCall call;
      call.interval = fn == "setinterval(";
      call.on_load = StartsOnLoad(script, at);
      std::vector<std::string> args = Arguments(script, at + fn.size() - 1);
      if (!args.empty()) call.callback = args.front();
      if (args.size() >= 2) {
        char* end = nullptr;
        double value = std::strtod(args[1].c_str(), &end);
        if (end != args[1].c_str() && *end == '\0') call.delay_ms = value;
      }
      out.push_back(call);
    }
  }
  return out;
}

struct ScriptTimers {
  const Node* script;
  std::vector<TimerCall> calls;
  std::string text;
};

std::vector<ScriptTimers> PageTimers(const Page& page) {
  std::vector<ScriptTimers> out;
  for (const Node* script : page.doc.ElementsByTag("script")) {
    if (script->HasAttr("src")) continue;
    std::string type = Lower(TrimAscii(script->AttrOr("type")));
    if (!type.empty() && type != "module" && type.find("javascript") == std::string::npos) {
      continue;
    }
    std::string text = Lower(script->TextContent());
    std::vector<TimerCall> calls = TimerCalls(text);
    if (!calls.empty()) out.push_back({script, std::move(calls), std::move(text)});
  }
  return out;
}

bool PageHasTimerControl(const Page& page) {
  // Not a bare "cancel": most dialogs have a Cancel button that has nothing to do with time.
  return PageHasControlNamed(
      page, {"pause", "stop", "extend", "more time", "turn off", "cancel auto", "cancel refresh",
             "cancel timer", "cancel redirect", "disable auto"});
}

void AutoStartTimers(const Page& page, Reporter& report) {
  if (PageHasTimerControl(page)) return;
  for (const ScriptTimers& timers : PageTimers(page)) {
    for (const TimerCall& call : timers.calls) {
      // A short one-off delay is set-up code (defer a task, focus a field), not timed content.
      if (!call.interval && call.delay_ms >= 0 && call.delay_ms < 500) continue;
      if (call.on_load) {
        report.Fail(*timers.script);
        return;  // One finding per page: the timers share one remedy.
      }
    }
  }
}

// The body of `function name(...) {...}` in `script`, "" when not found.
std::string FunctionBody(const std::string& script, const std::string& name) {
  size_t at = script.find("function " + name + "(");
  if (at == std::string::npos) return {};
  size_t open = script.find('{', at);
  int depth = 0;
  for (size_t i = open; open != std::string::npos && i < script.size(); ++i) {
    if (script[i] == '{') ++depth;
    if (script[i] == '}' && --depth == 0) return script.substr(open, i - open + 1);
  }
  return {};
}

// What the timer runs changes the page under the user: reload, redirect or submit.
bool EndsTheVisit(const std::string& code) {
  for (std::string_view effect :
       {"location.reload", "location.href =", "location.href=", "location.replace(",
        "location.assign(",
        "window.location =", "window.location=", "document.location =", ".submit()"}) {
    if (code.find(effect) != std::string::npos) return true;
  }
  return false;
}

// A timer started on load whose callback reloads, redirects or submits: a time limit.
void TimersWithoutControls(const Page& page, Reporter& report) {
  if (PageHasTimerControl(page)) return;
  for (const ScriptTimers& timers : PageTimers(page)) {
    for (const TimerCall& call : timers.calls) {
      if (!call.on_load) continue;
      std::string code = call.callback;
      bool identifier = !code.empty() && code.find_first_of("(){} =>") == std::string::npos;
      if (identifier) code = FunctionBody(timers.text, code);
      if (EndsTheVisit(code)) {
        report.Fail(*timers.script);
        return;
      }
    }
  }
}

void FastInterval(const Page& page, Reporter& report) {
  if (PageHasTimerControl(page)) return;
  for (const ScriptTimers& timers : PageTimers(page)) {
    for (const TimerCall& call : timers.calls) {
      if (call.interval && call.delay_ms >= 0 && call.delay_ms < 1000) {
        report.Fail(*timers.script, "An interval fires every " +
                                        std::to_string(static_cast<int>(call.delay_ms)) + " ms.");
        break;
      }
    }
  }
}

}  // namespace

void AddTimingRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrTimersWithoutControls",
      .type = IssueType::kError,
      .category = "timing",
      .wcag = {"2.2.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This script starts a timer when the page loads that reloads, redirects or ends "
              "the session, and the page has no control to stop or extend it. A person should "
              "confirm the time limit.",
      .why = "People who read, type or move slowly (and screen reader users) lose their place "
             "or their work when the time runs out.",
      .fix = "Let users turn off, adjust or extend the time limit (warn them before it ends "
             "and give at least 20 seconds to ask for more time).",
      .check = TimersWithoutControls,
  });
  rules.push_back({
      .code = "WarnAutoStartTimers",
      .type = IssueType::kWarning,
      .category = "timing",
      .wcag = {"2.2.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This script starts timers (setInterval/setTimeout) as the page loads and the "
              "page offers no pause or stop control. A person should confirm what they change.",
      .why = "Content that updates or moves on its own distracts users and can interrupt "
             "screen readers; users need to be able to pause it.",
      .fix = "Start timed updates only on request, or add a pause/stop control for content "
             "that updates automatically.",
      .check = AutoStartTimers,
  });
  rules.push_back({
      .code = "WarnFastInterval",
      .type = IssueType::kWarning,
      .category = "timing",
      .wcag = {"2.2.2"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This script updates the page on an interval shorter than one second, with no "
              "pause control. A person should confirm what it changes.",
      .why = "Content that changes several times a second is hard to read, distracting, and "
             "floods screen readers if it sits in a live region.",
      .fix = "Update at most every few seconds, or let users pause the updates.",
      .check = FastInterval,
  });
}

}  // namespace a11y::checks::widgets
