// A tolerant CSS reader: style sheets and style="" declarations into flat rules, media
// queries evaluated for one assumed screen, and the value syntax the cascade resolves
// (lengths with calc/min/max/clamp). Like a browser it never fails: what it cannot read
// it skips. Every pass is linear in the input; nesting deeper than a cap is skipped whole.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace a11y::checks::css {

struct Declaration {
  std::string name;   // Lower case; custom properties (--x) keep their case.
  std::string value;  // Trimmed, comments and "!important" removed.
  bool important = false;
};

struct SheetEntry {
  std::string prelude;   // Selector list, or the at-rule's prelude ("" when none).
  std::string media;     // Enclosing @media conditions joined by " and ", "" when none.
  bool media_matches = true;  // Every enclosing @media matches the assumed screen.
  std::string at_rule;   // "keyframes", "font-face", "import"... ("" for style rules).
  std::vector<Declaration> declarations;  // For @keyframes, those of every keyframe.
};

// The screen and user preferences media queries are evaluated against. The default is a
// desktop window with no user preferences.
struct MediaFeatures {
  double width = 1280;
  double height = 720;
  bool prefers_more_contrast = false;
  bool prefers_dark = false;
  bool prefers_reduced_motion = false;
};

// Parses a whole style sheet (the text of a <style> element); `media_matches` of each entry
// is evaluated against `features`.
std::vector<SheetEntry> ParseStyleSheet(std::string_view text,
                                        const MediaFeatures& features = {});
// Parses a declaration list (a style="" attribute or the inside of a rule's block).
std::vector<Declaration> ParseDeclarations(std::string_view text);

// True when a media query list matches `features` on a colour screen with a fine pointer that
// can hover and no forced colours. "" matches.
bool MediaQueryMatches(std::string_view query, const MediaFeatures& features = {});

// Context for resolving lengths to CSS pixels.
struct LengthContext {
  double font_size = 16;       // For em, ex, ch.
  double root_font_size = 16;  // For rem.
  double percent_base = 16;    // What 100% is.
};
// A length (px, pt, pc, in, cm, mm, q, em, rem, ex, ch, vw, vh, vmin, vmax, %), a unitless
// 0 or number when `allow_number`, or calc()/min()/max()/clamp() of them. nullopt when not a
// length we can resolve.
std::optional<double> ParseLength(std::string_view value, const LengthContext& context,
                                  bool allow_number = false);

// Splits a value into top-level space-separated components ("1px solid rgb(0, 0, 0)" has
// three); commas at top level become their own component.
std::vector<std::string_view> SplitComponents(std::string_view value);

// Removes /* comments */ from `text`.
std::string StripComments(std::string_view text);

}  // namespace a11y::checks::css
