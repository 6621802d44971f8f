#include "checks/css_parser.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/ascii.h"

namespace a11y::checks::css {
namespace {

constexpr int kMaxNesting = 16;
constexpr size_t kMaxComponents = 4096;

std::string_view Trim(std::string_view s) { return a11y::TrimAscii(s); }

// Advances `i` past the string starting at s[i] (a quote). Unterminated strings end at a
// newline or the end of input, as the CSS tokenizer does.
void SkipString(std::string_view s, size_t& i) {
  char quote = s[i++];
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\') {
      i += 2;
      continue;
    }
    ++i;
    if (c == quote || c == '\n') return;
  }
  i = s.size();
}

// Advances `i` past a comment starting at s[i] ("/*").
void SkipComment(std::string_view s, size_t& i) {
  size_t end = s.find("*/", i + 2);
  i = end == std::string_view::npos ? s.size() : end + 2;
}

bool AtComment(std::string_view s, size_t i) {
  return i + 1 < s.size() && s[i] == '/' && s[i + 1] == '*';
}

class SheetParser {
 public:
  SheetParser(std::string_view text, const MediaFeatures& features)
      : s_(text), features_(features) {}

  std::vector<SheetEntry> Run() {
    ParseRules(/*nested=*/false, "", true, 0);
    return std::move(out_);
  }

 private:
  void SkipSpace() {
    while (i_ < s_.size()) {
      if (IsAsciiSpace(s_[i_])) {
        ++i_;
      } else if (AtComment(s_, i_)) {
        SkipComment(s_, i_);
      } else if (s_.compare(i_, 4, "<!--") == 0) {
        i_ += 4;
      } else if (s_.compare(i_, 3, "-->") == 0) {
        i_ += 3;
      } else {
        return;
      }
    }
  }

  // Reads a prelude up to a top-level '{', ';' or '}' (not consumed), comments dropped.
  std::string ReadPrelude() {
    std::string out;
    int parens = 0;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (AtComment(s_, i_)) {
        SkipComment(s_, i_);
        out += ' ';
        continue;
      }
      if (c == '"' || c == '\'') {
        size_t start = i_;
        SkipString(s_, i_);
        out.append(s_.substr(start, i_ - start));
        continue;
      }
      if (c == '\\' && i_ + 1 < s_.size()) {
        out.append(s_.substr(i_, 2));
        i_ += 2;
        continue;
      }
      if (c == '(' || c == '[') ++parens;
      if ((c == ')' || c == ']') && parens > 0) --parens;
      if (parens == 0 && (c == '{' || c == ';' || c == '}')) break;
      out += c;
      ++i_;
    }
    return std::string(Trim(out));
  }

  // With s_[i_] == '{': returns the block's inside and moves past its closing '}'.
  std::string_view ReadBlock() {
    size_t start = ++i_;
    int depth = 1;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (AtComment(s_, i_)) {
        SkipComment(s_, i_);
        continue;
      }
      if (c == '"' || c == '\'') {
        SkipString(s_, i_);
        continue;
      }
      if (c == '\\') {
        i_ += 2;
        continue;
      }
      if (c == '{') ++depth;
      if (c == '}' && --depth == 0) {
        std::string_view inside = s_.substr(start, i_ - start);
        ++i_;
        return inside;
      }
      ++i_;
    }
    i_ = s_.size();
    return s_.substr(start);
  }

  void ParseRules(bool nested, const std::string& media, bool media_matches, int depth) {
    while (true) {
      SkipSpace();
      if (i_ >= s_.size()) return;
      char c = s_[i_];
      if (c == '}') {
        ++i_;
        if (nested) return;
        continue;  // A stray '}' at top level is dropped.
      }
      if (c == ';') {
        ++i_;
        continue;
      }
      if (c == '@') {
        ParseAtRule(media, media_matches, depth);
        continue;
      }
      std::string prelude = ReadPrelude();
      if (i_ >= s_.size()) return;
      if (s_[i_] != '{') {
        ++i_;  // A rule without a block is invalid; skip to the next one.
        continue;
      }
      std::string_view block = ReadBlock();
      SheetEntry entry;
      entry.prelude = std::move(prelude);
      entry.media = media;
      entry.media_matches = media_matches;
      entry.declarations = ParseDeclarations(block);
      out_.push_back(std::move(entry));
    }
  }

  void ParseAtRule(const std::string& media, bool media_matches, int depth) {
    ++i_;
    size_t name_start = i_;
    while (i_ < s_.size() && (IsAsciiAlpha(s_[i_]) || IsAsciiDigit(s_[i_]) || s_[i_] == '-' ||
                              s_[i_] == '_')) {
      ++i_;
    }
    std::string name = ToLowerAscii(s_.substr(name_start, i_ - name_start));
    // Vendor prefixes name the same rule: @-webkit-keyframes is @keyframes.
    for (std::string_view prefix : {"-webkit-", "-moz-", "-o-", "-ms-"}) {
      if (name.rfind(prefix, 0) == 0) name.erase(0, prefix.size());
    }
    std::string prelude = ReadPrelude();
    SheetEntry entry;
    entry.prelude = prelude;
    entry.media = media;
    entry.media_matches = media_matches;
    entry.at_rule = name;
    if (i_ >= s_.size() || s_[i_] != '{') {
      if (i_ < s_.size()) ++i_;  // ';' or a stray '}' ends a statement at-rule.
      out_.push_back(std::move(entry));
      return;
    }
    bool grouping = name == "media" || name == "supports" || name == "layer" ||
                    name == "container" || name == "document" || name == "scope" ||
                    name == "starting-style";
    if (grouping && depth < kMaxNesting) {
      ++i_;  // Past '{'.
      std::string inner_media = media;
      bool inner_matches = media_matches;
      if (name == "media") {
        inner_media = media.empty() ? prelude : media + " and " + prelude;
        inner_matches = media_matches && MediaQueryMatches(prelude, features_);
      }
      out_.push_back(std::move(entry));
      ParseRules(/*nested=*/true, inner_media, inner_matches, depth + 1);
      return;
    }
    std::string_view block = ReadBlock();
    if (name == "keyframes") {
      // Flatten every keyframe's declarations: rules ask what a keyframes rule animates.
      SheetParser inner(block, features_);
      for (SheetEntry& frame : inner.Run()) {
        for (Declaration& d : frame.declarations) entry.declarations.push_back(std::move(d));
      }
    } else if (!grouping) {
      entry.declarations = ParseDeclarations(block);
    }
    out_.push_back(std::move(entry));
  }

  std::string_view s_;
  const MediaFeatures& features_;
  size_t i_ = 0;
  std::vector<SheetEntry> out_;
};

std::string LowerName(std::string_view name) {
  if (name.size() >= 2 && name[0] == '-' && name[1] == '-') return std::string(name);
  return ToLowerAscii(name);
}

// Splits off a trailing "!important" (any case, spaces allowed after '!').
bool StripImportant(std::string& value) {
  size_t bang = value.rfind('!');
  if (bang == std::string::npos) return false;
  std::string_view rest = Trim(std::string_view(value).substr(bang + 1));
  if (!EqualsIgnoreCase(rest, "important")) return false;
  value = std::string(Trim(std::string_view(value).substr(0, bang)));
  return true;
}

}  // namespace

std::string StripComments(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (AtComment(text, i)) {
      SkipComment(text, i);
      out += ' ';
      continue;
    }
    if (text[i] == '"' || text[i] == '\'') {
      size_t start = i;
      SkipString(text, i);
      out.append(text.substr(start, i - start));
      continue;
    }
    out += text[i++];
  }
  return out;
}

std::vector<SheetEntry> ParseStyleSheet(std::string_view text, const MediaFeatures& features) {
  return SheetParser(text, features).Run();
}

std::vector<Declaration> ParseDeclarations(std::string_view text) {
  std::vector<Declaration> out;
  size_t i = 0;
  size_t start = 0;
  int parens = 0;
  int braces = 0;
  auto flush = [&](size_t end) {
    std::string_view item = text.substr(start, end - start);
    start = end + 1;
    if (item.find('{') != std::string_view::npos) return;  // A nested rule: not ours.
    std::string clean = StripComments(item);
    size_t colon = clean.find(':');
    if (colon == std::string::npos) return;
    std::string_view name = Trim(std::string_view(clean).substr(0, colon));
    if (name.empty()) return;
    for (char c : name) {
      if (IsAsciiSpace(c) || c == '"' || c == '\'' || c == '(') return;
    }
    Declaration d;
    d.name = LowerName(name);
    d.value = std::string(Trim(std::string_view(clean).substr(colon + 1)));
    d.important = StripImportant(d.value);
    out.push_back(std::move(d));
  };
  while (i < text.size()) {
    char c = text[i];
    if (AtComment(text, i)) {
      SkipComment(text, i);
      continue;
    }
    if (c == '"' || c == '\'') {
      SkipString(text, i);
      continue;
    }
    if (c == '\\') {
      i += 2;
      continue;
    }
    if (c == '(' || c == '[') ++parens;
    if ((c == ')' || c == ']') && parens > 0) --parens;
    if (c == '{') ++braces;
    if (c == '}' && braces > 0) {
      if (--braces == 0 && parens == 0) {
        flush(i);  // A nested block ends the item (it is skipped).
        ++i;
        continue;
      }
    }
    if (c == ';' && parens == 0 && braces == 0) flush(i);
    ++i;
  }
  if (start < text.size()) flush(text.size());
  return out;
}

std::vector<std::string_view> SplitComponents(std::string_view value) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < value.size() && out.size() < kMaxComponents) {
    while (i < value.size() && IsAsciiSpace(value[i])) ++i;
    if (i >= value.size()) break;
    if (value[i] == ',' || value[i] == '/') {
      out.push_back(value.substr(i, 1));
      ++i;
      continue;
    }
    size_t start = i;
    int parens = 0;
    while (i < value.size()) {
      char c = value[i];
      if (c == '"' || c == '\'') {
        SkipString(value, i);
        continue;
      }
      if (c == '(') ++parens;
      if (c == ')' && parens > 0) --parens;
      if (parens == 0 && (IsAsciiSpace(c) || c == ',' || c == '/')) break;
      ++i;
    }
    out.push_back(value.substr(start, i - start));
  }
  return out;
}

// ---- Media queries ----

namespace {

bool FeatureMatches(std::string_view feature, const MediaFeatures& env) {
  const double viewport_width = env.width;
  const double viewport_height = env.height;
  // feature is the inside of "( ... )".
  feature = Trim(feature);
  size_t colon = feature.find(':');
  std::string name = ToLowerAscii(Trim(feature.substr(0, colon)));
  std::string value =
      colon == std::string_view::npos ? "" : ToLowerAscii(Trim(feature.substr(colon + 1)));
  // Range syntax "(width >= 600px)", "(400px <= width <= 700px)".
  if (colon == std::string_view::npos &&
      (feature.find('<') != std::string_view::npos ||
       feature.find('>') != std::string_view::npos)) {
    std::string text = ToLowerAscii(feature);
    double size = text.find("height") != std::string::npos ? viewport_height : viewport_width;
    // Evaluate each comparison "a op b" where one side is the feature name.
    std::vector<std::string> parts;
    std::vector<std::string> ops;
    size_t j = 0;
    std::string cur;
    while (j < text.size()) {
      if (text[j] == '<' || text[j] == '>') {
        std::string op(1, text[j]);
        if (j + 1 < text.size() && text[j + 1] == '=') op += '=', ++j;
        parts.push_back(std::string(Trim(cur)));
        ops.push_back(op);
        cur.clear();
      } else if (text[j] == '=') {
        parts.push_back(std::string(Trim(cur)));
        ops.push_back("=");
        cur.clear();
      } else {
        cur += text[j];
      }
      ++j;
    }
    parts.push_back(std::string(Trim(cur)));
    LengthContext lc;
    for (size_t k = 0; k < ops.size(); ++k) {
      auto side = [&](const std::string& p) -> std::optional<double> {
        if (p == "width" || p == "height" || p == "device-width" || p == "device-height") {
          return size;
        }
        return ParseLength(p, lc, true);
      };
      auto a = side(parts[k]);
      auto b = side(parts[k + 1]);
      if (!a || !b) return false;
      const std::string& op = ops[k];
      bool ok = op == "<"    ? *a < *b
                : op == "<=" ? *a <= *b
                : op == ">"  ? *a > *b
                : op == ">=" ? *a >= *b
                             : *a == *b;
      if (!ok) return false;
    }
    return true;
  }
  LengthContext lc;
  auto length = [&]() { return ParseLength(value, lc, true); };
  if (name == "min-width" || name == "min-device-width") {
    auto v = length();
    return v && viewport_width >= *v;
  }
  if (name == "max-width" || name == "max-device-width") {
    auto v = length();
    return v && viewport_width <= *v;
  }
  if (name == "width") {
    auto v = length();
    return v && viewport_width == *v;
  }
  if (name == "min-height" || name == "min-device-height") {
    auto v = length();
    return v && viewport_height >= *v;
  }
  if (name == "max-height" || name == "max-device-height") {
    auto v = length();
    return v && viewport_height <= *v;
  }
  if (name == "orientation") {
    return value == (viewport_width >= viewport_height ? "landscape" : "portrait");
  }
  if (name == "prefers-color-scheme") return value == (env.prefers_dark ? "dark" : "light");
  if (name == "prefers-reduced-motion") {
    return env.prefers_reduced_motion ? value.empty() || value == "reduce"
                                      : value == "no-preference";
  }
  if (name == "prefers-reduced-transparency" || name == "prefers-reduced-data") {
    return value == "no-preference";
  }
  if (name == "prefers-contrast") {
    return env.prefers_more_contrast ? value.empty() || value == "more" || value == "high"
                                     : value == "no-preference";
  }
  if (name == "forced-colors") return value == "none";
  if (name == "inverted-colors") return value == "none";
  if (name == "hover" || name == "any-hover") return value.empty() || value == "hover";
  if (name == "pointer" || name == "any-pointer") return value.empty() || value == "fine";
  if (name == "color") return true;
  if (name == "monochrome") return value == "0";
  if (name == "scripting") return value.empty() || value == "enabled";
  if (name == "display-mode") return value == "browser";
  if (name == "min-resolution" || name == "max-resolution" || name == "resolution" ||
      name == "-webkit-min-device-pixel-ratio" || name == "min-device-pixel-ratio") {
    return name.find("max") != std::string::npos || value.find('1') == 0;
  }
  return false;
}

// One query of a list: "[not|only] type [and (feature)]..." or "(feature) and ...".
bool SingleQueryMatches(std::string_view query, const MediaFeatures& env) {
  query = Trim(query);
  if (query.empty()) return true;
  bool negate = false;
  std::string lower = ToLowerAscii(query);
  std::string_view q = lower;
  if (q.rfind("not ", 0) == 0) {
    negate = true;
    q.remove_prefix(4);
  } else if (q.rfind("only ", 0) == 0) {
    q.remove_prefix(5);
  }
  q = Trim(q);
  bool result = true;
  size_t i = 0;
  bool any_or = false;
  bool or_result = false;
  while (i < q.size()) {
    while (i < q.size() && IsAsciiSpace(q[i])) ++i;
    if (i >= q.size()) break;
    if (q[i] == '(') {
      int depth = 0;
      size_t start = i;
      while (i < q.size()) {
        if (q[i] == '(') ++depth;
        if (q[i] == ')' && --depth == 0) break;
        ++i;
      }
      std::string_view inside = q.substr(start + 1, std::min(i, q.size()) - start - 1);
      ++i;
      bool value;
      if (!inside.empty() && Trim(inside).front() == '(') {
        value = SingleQueryMatches(inside, env);  // Nested condition.
      } else if (Trim(inside).rfind("not ", 0) == 0) {
        value = !SingleQueryMatches(Trim(inside).substr(4), env);
      } else {
        value = FeatureMatches(inside, env);
      }
      if (any_or) {
        or_result = or_result || value;
      } else {
        result = result && value;
      }
      continue;
    }
    size_t start = i;
    while (i < q.size() && !IsAsciiSpace(q[i]) && q[i] != '(') ++i;
    std::string_view word = q.substr(start, i - start);
    if (word == "and") continue;
    if (word == "or") {
      if (!any_or) or_result = result;
      any_or = true;
      continue;
    }
    if (word == "not") {
      // "(a) and not (b)" — rare; treat the rest conservatively as not matching.
      return negate;
    }
    if (word == "screen" || word == "all") continue;
    result = false;  // print, speech, tv, handheld, unknown types.
  }
  if (any_or) result = or_result;
  return negate ? !result : result;
}

}  // namespace

bool MediaQueryMatches(std::string_view query, const MediaFeatures& features) {
  query = Trim(query);
  if (query.empty()) return true;
  // A comma-separated list matches when any query matches.
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= query.size(); ++i) {
    if (i < query.size()) {
      if (query[i] == '(') ++depth;
      if (query[i] == ')') --depth;
      if (query[i] != ',' || depth > 0) continue;
    }
    if (SingleQueryMatches(query.substr(start, i - start), features)) return true;
    start = i + 1;
  }
  return false;
}

// ---- Lengths ----

namespace {

constexpr double kViewportWidth = 1280;
constexpr double kViewportHeight = 720;

// A recursive-descent evaluator for calc() sums and products of lengths, with min(), max()
// and clamp(). Values are in px; a bare number stays a number (for calc(2 * 1em)).
class LengthEval {
 public:
  LengthEval(std::string_view s, const LengthContext& context) : s_(s), c_(context) {}

  std::optional<double> Run(bool allow_number) {
    auto v = Sum(0);
    Space();
    if (!v || i_ != s_.size()) return std::nullopt;
    if (!v->length && !allow_number && v->value != 0) return std::nullopt;
    return v->value;
  }

 private:
  struct Value {
    double value;
    bool length;
  };

  void Space() {
    while (i_ < s_.size() && IsAsciiSpace(s_[i_])) ++i_;
  }

  std::optional<Value> Sum(int depth) {
    auto left = Product(depth);
    if (!left) return std::nullopt;
    while (true) {
      Space();
      if (i_ >= s_.size() || (s_[i_] != '+' && s_[i_] != '-')) return left;
      char op = s_[i_++];
      auto right = Product(depth);
      if (!right) return std::nullopt;
      left->value += op == '+' ? right->value : -right->value;
      left->length = left->length || right->length;
    }
  }

  std::optional<Value> Product(int depth) {
    auto left = Term(depth);
    if (!left) return std::nullopt;
    while (true) {
      Space();
      if (i_ >= s_.size() || (s_[i_] != '*' && s_[i_] != '/')) return left;
      char op = s_[i_++];
      auto right = Term(depth);
      if (!right) return std::nullopt;
      if (op == '*') {
        left->value *= right->value;
        left->length = left->length || right->length;
      } else {
        if (right->value == 0 || right->length) return std::nullopt;
        left->value /= right->value;
      }
    }
  }

  std::optional<Value> Term(int depth) {
    Space();
    if (depth > 8 || i_ >= s_.size()) return std::nullopt;
    if (s_[i_] == '(') {
      ++i_;
      auto v = Sum(depth + 1);
      Space();
      if (!v || i_ >= s_.size() || s_[i_] != ')') return std::nullopt;
      ++i_;
      return v;
    }
    if (IsAsciiAlpha(s_[i_])) {
      size_t start = i_;
      while (i_ < s_.size() && (IsAsciiAlpha(s_[i_]) || s_[i_] == '-')) ++i_;
      std::string fn = ToLowerAscii(s_.substr(start, i_ - start));
      if (i_ >= s_.size() || s_[i_] != '(') return std::nullopt;
      ++i_;
      std::vector<Value> args;
      while (true) {
        auto v = Sum(depth + 1);
        if (!v) return std::nullopt;
        args.push_back(*v);
        Space();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        break;
      }
      if (i_ >= s_.size() || s_[i_] != ')') return std::nullopt;
      ++i_;
      bool length = false;
      for (const Value& a : args) length = length || a.length;
      if (fn == "calc" || fn == "-webkit-calc") {
        if (args.size() != 1) return std::nullopt;
        return args[0];
      }
      if (fn == "min" || fn == "max") {
        double v = args[0].value;
        for (const Value& a : args) v = fn == "min" ? std::min(v, a.value) : std::max(v, a.value);
        return Value{v, length};
      }
      if (fn == "clamp" && args.size() == 3) {
        double v = std::max(args[0].value, std::min(args[1].value, args[2].value));
        return Value{v, length};
      }
      return std::nullopt;
    }
    // A number with an optional unit.
    size_t start = i_;
    if (s_[i_] == '+' || s_[i_] == '-') ++i_;
    while (i_ < s_.size() && (IsAsciiDigit(s_[i_]) || s_[i_] == '.')) ++i_;
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E') && i_ + 1 < s_.size() &&
        (IsAsciiDigit(s_[i_ + 1]) || s_[i_ + 1] == '-' || s_[i_ + 1] == '+')) {
      ++i_;
      if (s_[i_] == '-' || s_[i_] == '+') ++i_;
      while (i_ < s_.size() && IsAsciiDigit(s_[i_])) ++i_;
    }
    std::string number(s_.substr(start, i_ - start));
    if (number.empty() || number == "+" || number == "-" || number == ".") return std::nullopt;
    char* end = nullptr;
    double n = std::strtod(number.c_str(), &end);
    if (end == number.c_str() || !std::isfinite(n)) return std::nullopt;
    size_t unit_start = i_;
    while (i_ < s_.size() && (IsAsciiAlpha(s_[i_]) || s_[i_] == '%')) ++i_;
    std::string unit = ToLowerAscii(s_.substr(unit_start, i_ - unit_start));
    if (unit.empty()) return Value{n, false};
    double px;
    if (unit == "px") {
      px = n;
    } else if (unit == "pt") {
      px = n * 96.0 / 72.0;
    } else if (unit == "pc") {
      px = n * 16;
    } else if (unit == "in") {
      px = n * 96;
    } else if (unit == "cm") {
      px = n * 96 / 2.54;
    } else if (unit == "mm") {
      px = n * 96 / 25.4;
    } else if (unit == "q") {
      px = n * 96 / 101.6;
    } else if (unit == "em") {
      px = n * c_.font_size;
    } else if (unit == "rem") {
      px = n * c_.root_font_size;
    } else if (unit == "ex" || unit == "ch") {
      px = n * c_.font_size * 0.5;
    } else if (unit == "vw") {
      px = n * kViewportWidth / 100;
    } else if (unit == "vh") {
      px = n * kViewportHeight / 100;
    } else if (unit == "vmin") {
      px = n * kViewportHeight / 100;
    } else if (unit == "vmax") {
      px = n * kViewportWidth / 100;
    } else if (unit == "%") {
      px = n * c_.percent_base / 100;
    } else {
      return std::nullopt;
    }
    return Value{px, true};
  }

  std::string_view s_;
  const LengthContext& c_;
  size_t i_ = 0;
};

}  // namespace

std::optional<double> ParseLength(std::string_view value, const LengthContext& context,
                                  bool allow_number) {
  value = Trim(value);
  if (value.empty() || value.size() > 1000) return std::nullopt;
  return LengthEval(value, context).Run(allow_number);
}

}  // namespace a11y::checks::css
