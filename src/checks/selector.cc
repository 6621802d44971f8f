#include "checks/selector.h"

#include <algorithm>

#include "core/ascii.h"

namespace a11y::checks::css {

namespace {

// Each Matches() call may take this many steps before giving up (no match): hostile
// selectors like "div div div ... div" on deep trees must not go exponential.
constexpr int kMatchBudget = 20000;
constexpr size_t kMaxCompounds = 64;
constexpr int kMaxNesting = 8;

enum class PseudoKind {
  kNot,
  kIs,     // :is(), :matches(), :-webkit-any()
  kWhere,  // Like :is() with no specificity.
  kNthChild,
  kNthLastChild,
  kNthOfType,
  kNthLastOfType,
  kRoot,
  kEmpty,
  kHover,
  kFocus,
  kFocusVisible,
  kFocusWithin,
  kLink,
  kVisited,
  kAnyLink,
  kNever,  // Valid but never true without a browser: :visited, :active, :target, :has()...
  kChecked,
  kDisabled,
  kEnabled,
  kRequired,
  kOptional,
  kPlaceholderShown,
  kReadOnly,
  kReadWrite,
};

struct AttrTest {
  std::string name;
  char op = 0;  // 0 presence, '=', '~', '^', '$', '*', '|'.
  std::string value;
  bool ignore_case = false;
};

struct Pseudo {
  PseudoKind kind;
  int a = 0, b = 0;  // an+b for the nth- kinds.
  std::vector<Selector> args;
};

}  // namespace

struct Compound {
  std::string tag;  // Lower case; "" for any.
  std::vector<std::string> ids;
  std::vector<std::string> classes;
  std::vector<AttrTest> attrs;
  std::vector<Pseudo> pseudos;
};

Selector::Selector() = default;
Selector::~Selector() = default;
Selector::Selector(Selector&&) noexcept = default;
Selector& Selector::operator=(Selector&&) noexcept = default;

namespace {

bool IsNameChar(char c) {
  return IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '-' || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool AttrValueCaseInsensitive(std::string_view name) {
  // HTML lists attributes whose values selectors compare without case.
  static constexpr std::string_view kNames[] = {
      "type", "lang", "dir", "method", "enctype", "align", "valign", "checked", "disabled",
      "multiple", "readonly", "selected", "shape", "scope", "target", "rel", "rev",
      "media", "nowrap", "nohref", "noshade", "hreflang", "http-equiv", "charset"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

std::string_view Attr(const Node& e, std::string_view name) { return e.AttrOr(name); }

bool AttrMatches(const Node& e, const AttrTest& t) {
  const std::string* v = e.Attr(t.name);
  if (v == nullptr) return false;
  if (t.op == 0) return true;
  std::string value = t.ignore_case ? ToLowerAscii(*v) : *v;
  const std::string& want = t.value;
  switch (t.op) {
    case '=':
      return value == want;
    case '~':
      if (want.empty() || want.find_first_of(" \t\n\r\f") != std::string::npos) return false;
      for (std::string_view token : SplitTokens(value)) {
        if (token == want) return true;
      }
      return false;
    case '^':
      return !want.empty() && value.rfind(want, 0) == 0;
    case '$':
      return !want.empty() && value.size() >= want.size() &&
             value.compare(value.size() - want.size(), want.size(), want) == 0;
    case '*':
      return !want.empty() && value.find(want) != std::string::npos;
    case '|':
      return value == want || (value.size() > want.size() && value.rfind(want, 0) == 0 &&
                               value[want.size()] == '-');
  }
  return false;
}

// True when the space-separated list `list` holds `token` (no allocation: this runs for
// every candidate rule on every element).
bool HasToken(std::string_view list, std::string_view token) {
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && IsAsciiSpace(list[i])) ++i;
    size_t start = i;
    while (i < list.size() && !IsAsciiSpace(list[i])) ++i;
    if (i - start == token.size() && list.compare(start, token.size(), token) == 0) return true;
  }
  return false;
}

const Node* ParentElement(const Node& e) {
  return e.parent != nullptr && e.parent->is_element() ? e.parent : nullptr;
}

// Index among element siblings, 1-based, counting from the start or the end, optionally only
// those of the same type.
int SiblingIndex(const Node& e, bool from_end, bool same_type) {
  if (e.parent == nullptr) return 1;
  const auto& siblings = e.parent->children;
  int index = 0;
  auto count = [&](const Node* n) {
    if (!n->is_element()) return false;
    if (same_type && (n->tag != e.tag || n->ns != e.ns)) return false;
    ++index;
    return n == &e;
  };
  if (from_end) {
    for (auto it = siblings.rbegin(); it != siblings.rend(); ++it) {
      if (count(*it)) return index;
    }
  } else {
    for (const Node* n : siblings) {
      if (count(n)) return index;
    }
  }
  return index;
}

bool NthMatches(int a, int b, int index) {
  if (a == 0) return index == b;
  int diff = index - b;
  return diff % a == 0 && diff / a >= 0;
}

bool IsFormControl(const Node& e) {
  return e.IsAnyOf({"input", "button", "select", "textarea", "fieldset", "optgroup", "option"});
}

bool IsDisabled(const Node& e) {
  if (!IsFormControl(e)) return false;
  if (e.HasAttr("disabled")) return true;
  for (const Node* p = e.parent; p != nullptr; p = p->parent) {
    if (p->Is("fieldset") && p->HasAttr("disabled")) return true;
  }
  return false;
}

bool IsLink(const Node& e) { return e.IsAnyOf({"a", "area"}) && e.HasAttr("href"); }

bool PseudoMatches(const Node& e, const Pseudo& p, const MatchState& state, int& budget);

bool CompoundMatches(const Node& e, const Compound& c, const MatchState& state, int& budget) {
  if (--budget < 0) return false;
  if (!c.tag.empty() && !EqualsIgnoreCase(e.tag, c.tag)) return false;
  if (!c.ids.empty()) {
    const std::string* id = e.Attr("id");
    if (id == nullptr) return false;
    for (const std::string& want : c.ids) {
      if (*id != want) return false;
    }
  }
  if (!c.classes.empty()) {
    const std::string* cls = e.Attr("class");
    if (cls == nullptr) return false;
    for (const std::string& want : c.classes) {
      if (!HasToken(*cls, want)) return false;
    }
  }
  for (const AttrTest& t : c.attrs) {
    if (!AttrMatches(e, t)) return false;
  }
  for (const Pseudo& p : c.pseudos) {
    if (!PseudoMatches(e, p, state, budget)) return false;
  }
  return true;
}

bool AnyMatches(const std::vector<Selector>& list, const Node& e, const MatchState& state) {
  for (const Selector& s : list) {
    if (s.Matches(e, state)) return true;
  }
  return false;
}

bool PseudoMatches(const Node& e, const Pseudo& p, const MatchState& state, int& budget) {
  switch (p.kind) {
    case PseudoKind::kNot:
      return !AnyMatches(p.args, e, state);
    case PseudoKind::kIs:
    case PseudoKind::kWhere:
      return AnyMatches(p.args, e, state);
    case PseudoKind::kNthChild:
      return NthMatches(p.a, p.b, SiblingIndex(e, false, false));
    case PseudoKind::kNthLastChild:
      return NthMatches(p.a, p.b, SiblingIndex(e, true, false));
    case PseudoKind::kNthOfType:
      return NthMatches(p.a, p.b, SiblingIndex(e, false, true));
    case PseudoKind::kNthLastOfType:
      return NthMatches(p.a, p.b, SiblingIndex(e, true, true));
    case PseudoKind::kRoot:
      return e.parent != nullptr && e.parent->kind == NodeKind::kDocument;
    case PseudoKind::kEmpty:
      for (const Node* child : e.children) {
        if (child->is_element() || (child->is_text() && !child->text.empty())) return false;
      }
      return true;
    case PseudoKind::kHover:
      return state.hovered != nullptr && e.Contains(*state.hovered);
    case PseudoKind::kFocus:
    case PseudoKind::kFocusVisible:
      return state.focused == &e;
    case PseudoKind::kFocusWithin:
      return state.focused != nullptr && e.Contains(*state.focused);
    case PseudoKind::kLink:
      return IsLink(e) && !state.visited;
    case PseudoKind::kVisited:
      return IsLink(e) && state.visited;
    case PseudoKind::kAnyLink:
      return IsLink(e);
    case PseudoKind::kNever:
      return false;
    case PseudoKind::kChecked:
      return (e.Is("input") && e.HasAttr("checked")) || (e.Is("option") && e.HasAttr("selected"));
    case PseudoKind::kDisabled:
      return IsDisabled(e);
    case PseudoKind::kEnabled:
      return IsFormControl(e) && !IsDisabled(e);
    case PseudoKind::kRequired:
      return e.IsAnyOf({"input", "select", "textarea"}) && e.HasAttr("required");
    case PseudoKind::kOptional:
      return e.IsAnyOf({"input", "select", "textarea"}) && !e.HasAttr("required");
    case PseudoKind::kPlaceholderShown:
      return e.IsAnyOf({"input", "textarea"}) && e.HasAttr("placeholder") &&
             Attr(e, "value").empty();
    case PseudoKind::kReadOnly:
    case PseudoKind::kReadWrite: {
      bool writable = (e.IsAnyOf({"input", "textarea"}) && !e.HasAttr("readonly") &&
                       !IsDisabled(e)) ||
                      (e.HasAttr("contenteditable") && Attr(e, "contenteditable") != "false");
      return (p.kind == PseudoKind::kReadWrite) == writable;
    }
  }
  (void)budget;
  return false;
}

}  // namespace

// Right to left, with the failure kinds of WebKit's SelectorChecker: when the part left of
// a descendant combinator fails at the nearest candidate ancestor, a farther one cannot do
// better, so the search stops instead of backtracking (no exponential blow-up).
Selector::Result Selector::MatchFrom(size_t index, const Node& element,
                                     const MatchState& state, int& budget) const {
  if (budget < 0) return Result::kFailsCompletely;
  if (!CompoundMatches(element, compounds_[index], state, budget)) return Result::kFailsLocally;
  if (index == 0) return Result::kMatches;
  char combinator = combinators_[index - 1];
  switch (combinator) {
    case '>': {
      const Node* parent = ParentElement(element);
      if (parent == nullptr) return Result::kFailsCompletely;
      return MatchFrom(index - 1, *parent, state, budget);
    }
    case ' ':
      for (const Node* a = ParentElement(element); a != nullptr; a = ParentElement(*a)) {
        Result r = MatchFrom(index - 1, *a, state, budget);
        if (r == Result::kMatches || r == Result::kFailsCompletely) return r;
      }
      return Result::kFailsCompletely;
    case '+':
    case '~': {
      if (element.parent == nullptr) return Result::kFailsAllSiblings;
      const auto& siblings = element.parent->children;
      auto it = std::find(siblings.begin(), siblings.end(), &element);
      while (it != siblings.begin()) {
        --it;
        if (!(*it)->is_element()) continue;
        Result r = MatchFrom(index - 1, **it, state, budget);
        if (combinator == '+' || r != Result::kFailsLocally) return r;
      }
      return Result::kFailsAllSiblings;
    }
  }
  return Result::kFailsCompletely;
}

bool Selector::Matches(const Node& element, const MatchState& state,
                       const AncestorFilter* ancestors) const {
  if (pseudo_element_ || compounds_.empty() || !element.is_element()) return false;
  if (ancestors != nullptr) {
    for (uint32_t hash : ancestor_hashes_) {
      if (!ancestors->MayContain(hash)) return false;
    }
  }
  int budget = kMatchBudget;
  return MatchFrom(compounds_.size() - 1, element, state, budget) == Result::kMatches;
}

uint32_t AncestorFilter::Hash(char kind, std::string_view name) {
  uint32_t h = 2166136261u ^ static_cast<unsigned char>(kind);
  for (char c : name) {
    h ^= static_cast<unsigned char>(kind == 't' ? ToLowerAscii(c) : c);
    h *= 16777619u;
  }
  return h ^ (h >> 15);
}

void AncestorFilter::Add(const Node& element) {
  auto add = [&](uint32_t hash) {
    bits_.set(hash & (kBits - 1));
    bits_.set((hash >> 12) & (kBits - 1));
  };
  add(Hash('t', element.tag));
  if (const std::string* id = element.Attr("id")) add(Hash('#', *id));
  if (const std::string* cls = element.Attr("class")) {
    for (std::string_view token : SplitTokens(*cls)) add(Hash('.', token));
  }
}

// ---- Parsing ----

class SelectorParser {
 public:
  SelectorParser(std::string_view s, int depth) : s_(s), depth_(depth) {}

  // A comma-separated list; false when any selector is invalid.
  bool ParseList(std::vector<Selector>& out, bool forgiving) {
    while (true) {
      Space();
      Selector sel;
      bool ok = ParseComplex(sel);
      Space();
      if (ok && (i_ >= s_.size() || s_[i_] == ',' || s_[i_] == ')')) {
        if (!never_) out.push_back(std::move(sel));
      } else if (!forgiving) {
        return false;
      } else {
        SkipToComma();
      }
      never_ = false;
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      return true;
    }
  }

  size_t position() const { return i_; }

 private:
  void Space() {
    while (i_ < s_.size() && IsAsciiSpace(s_[i_])) ++i_;
  }

  void SkipToComma() {
    int depth = 0;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '(') ++depth;
      if (c == ')') {
        if (depth == 0) return;
        --depth;
      }
      if (c == ',' && depth == 0) return;
      ++i_;
    }
  }

  // An identifier with CSS escapes resolved (\31 0 and \: forms).
  std::string Ident() {
    std::string out;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '\\' && i_ + 1 < s_.size()) {
        ++i_;
        if (IsHexDigit(s_[i_])) {
          unsigned code = 0;
          int n = 0;
          while (i_ < s_.size() && IsHexDigit(s_[i_]) && n < 6) {
            code = code * 16 + HexValue(s_[i_++]);
            ++n;
          }
          if (i_ < s_.size() && IsAsciiSpace(s_[i_])) ++i_;
          AppendUtf8(out, code);
        } else {
          out += s_[i_++];
        }
        continue;
      }
      if (!IsNameChar(c)) break;
      out += c;
      ++i_;
    }
    return out;
  }

  static void AppendUtf8(std::string& out, unsigned code) {
    if (code == 0 || code > 0x10FFFF) code = 0xFFFD;
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string QuotedOrIdent() {
    if (i_ < s_.size() && (s_[i_] == '"' || s_[i_] == '\'')) {
      char quote = s_[i_++];
      std::string out;
      while (i_ < s_.size() && s_[i_] != quote) {
        if (s_[i_] == '\\' && i_ + 1 < s_.size()) {
          ++i_;
          if (s_[i_] == '\n') {
            ++i_;
            continue;
          }
          if (IsHexDigit(s_[i_])) {
            unsigned code = 0;
            int n = 0;
            while (i_ < s_.size() && IsHexDigit(s_[i_]) && n < 6) {
              code = code * 16 + HexValue(s_[i_++]);
              ++n;
            }
            if (i_ < s_.size() && IsAsciiSpace(s_[i_])) ++i_;
            AppendUtf8(out, code);
            continue;
          }
        }
        out += s_[i_++];
      }
      if (i_ < s_.size()) ++i_;
      return out;
    }
    return Ident();
  }

  bool ParseComplex(Selector& sel) {
    sel.compounds_.emplace_back();
    uint32_t ids = 0, classes = 0, types = 0;
    if (!ParseCompound(sel, sel.compounds_.back(), ids, classes, types)) return false;
    while (true) {
      size_t before = i_;
      Space();
      if (i_ >= s_.size() || s_[i_] == ',' || s_[i_] == ')') break;
      char combinator = ' ';
      if (s_[i_] == '>' || s_[i_] == '+' || s_[i_] == '~') {
        combinator = s_[i_++];
        Space();
      } else if (i_ == before) {
        return false;  // Two compounds with nothing between them.
      }
      if (sel.pseudo_element_) return false;  // Nothing may follow a pseudo-element.
      if (sel.compounds_.size() >= kMaxCompounds) return false;
      sel.combinators_.push_back(combinator);
      sel.compounds_.emplace_back();
      if (!ParseCompound(sel, sel.compounds_.back(), ids, classes, types)) return false;
    }
    sel.specificity_ = (std::min(ids, 1023u) << 20) | (std::min(classes, 1023u) << 10) |
                       std::min(types, 1023u);
    // A compound followed by a descendant or child combinator is an ancestor of the subject.
    for (size_t k = 0; k + 1 < sel.compounds_.size(); ++k) {
      if (sel.combinators_[k] != ' ' && sel.combinators_[k] != '>') continue;
      const Compound& c = sel.compounds_[k];
      if (!c.tag.empty()) sel.ancestor_hashes_.push_back(AncestorFilter::Hash('t', c.tag));
      for (const std::string& id : c.ids) {
        sel.ancestor_hashes_.push_back(AncestorFilter::Hash('#', id));
      }
      for (const std::string& cls : c.classes) {
        sel.ancestor_hashes_.push_back(AncestorFilter::Hash('.', cls));
      }
    }
    const Compound& last = sel.compounds_.back();
    if (!last.ids.empty()) {
      sel.key_id_ = last.ids.front();
    } else if (!last.classes.empty()) {
      sel.key_class_ = last.classes.front();
    } else {
      sel.key_tag_ = last.tag;
    }
    return true;
  }

  bool ParseCompound(Selector& sel, Compound& c, uint32_t& ids, uint32_t& classes,
                     uint32_t& types) {
    bool any = false;
    if (i_ < s_.size() && s_[i_] == '*') {
      ++i_;
      any = true;
    } else if (i_ < s_.size() && (IsNameChar(s_[i_]) || s_[i_] == '\\')) {
      c.tag = ToLowerAscii(Ident());
      if (c.tag.empty()) return false;
      ++types;
      any = true;
    }
    if (i_ < s_.size() && s_[i_] == '|') return false;  // Namespaces: unsupported.
    while (i_ < s_.size()) {
      char ch = s_[i_];
      if (ch == '#') {
        ++i_;
        std::string id = Ident();
        if (id.empty()) return false;
        c.ids.push_back(std::move(id));
        ++ids;
      } else if (ch == '.') {
        ++i_;
        std::string cls = Ident();
        if (cls.empty()) return false;
        c.classes.push_back(std::move(cls));
        ++classes;
      } else if (ch == '[') {
        ++i_;
        if (!ParseAttr(c)) return false;
        ++classes;
      } else if (ch == ':') {
        ++i_;
        if (!ParsePseudo(sel, c, ids, classes, types)) return false;
      } else if (ch == '&') {
        return false;  // Nesting selectors: not supported.
      } else {
        break;
      }
      any = true;
    }
    return any;
  }

  bool ParseAttr(Compound& c) {
    Space();
    AttrTest t;
    t.name = ToLowerAscii(Ident());
    if (t.name.empty()) return false;
    Space();
    if (i_ >= s_.size()) return false;
    if (s_[i_] == ']') {
      ++i_;
      c.attrs.push_back(std::move(t));
      return true;
    }
    char op = s_[i_];
    if (op == '=') {
      t.op = '=';
      ++i_;
    } else if ((op == '~' || op == '^' || op == '$' || op == '*' || op == '|') &&
               i_ + 1 < s_.size() && s_[i_ + 1] == '=') {
      t.op = op;
      i_ += 2;
    } else {
      return false;
    }
    Space();
    t.value = QuotedOrIdent();
    Space();
    if (i_ < s_.size() && (s_[i_] == 'i' || s_[i_] == 'I' || s_[i_] == 's' || s_[i_] == 'S')) {
      t.ignore_case = s_[i_] == 'i' || s_[i_] == 'I';
      ++i_;
      Space();
    } else {
      t.ignore_case = AttrValueCaseInsensitive(t.name);
    }
    if (t.ignore_case) t.value = ToLowerAscii(t.value);
    if (i_ >= s_.size() || s_[i_] != ']') return false;
    ++i_;
    c.attrs.push_back(std::move(t));
    return true;
  }

  // The text inside a pseudo-class's parentheses (s_[i_] just after '('), balanced.
  std::string_view Arguments() {
    size_t start = i_;
    int depth = 1;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '"' || c == '\'') {
        char q = c;
        ++i_;
        while (i_ < s_.size() && s_[i_] != q) i_ += s_[i_] == '\\' ? 2 : 1;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')' && --depth == 0) {
        std::string_view args = s_.substr(start, i_ - start);
        ++i_;
        return args;
      }
      ++i_;
    }
    i_ = s_.size();
    return s_.substr(start);
  }

  static bool ParseNth(std::string_view text, int& a, int& b) {
    std::string t;
    for (char ch : text) {
      if (!IsAsciiSpace(ch)) t += ToLowerAscii(ch);
    }
    if (t == "odd") {
      a = 2, b = 1;
      return true;
    }
    if (t == "even") {
      a = 2, b = 0;
      return true;
    }
    size_t n = t.find('n');
    auto parse_int = [](std::string_view s, int& out) {
      if (s.empty() || s.size() > 9) return false;
      size_t k = 0;
      bool neg = false;
      if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        k = 1;
      }
      if (k >= s.size()) return false;
      int v = 0;
      for (; k < s.size(); ++k) {
        if (!IsAsciiDigit(s[k])) return false;
        v = v * 10 + (s[k] - '0');
      }
      out = neg ? -v : v;
      return true;
    };
    if (n == std::string::npos) {
      a = 0;
      return parse_int(t, b);
    }
    std::string_view as = std::string_view(t).substr(0, n);
    if (as.empty() || as == "+") {
      a = 1;
    } else if (as == "-") {
      a = -1;
    } else if (!parse_int(as, a)) {
      return false;
    }
    std::string_view bs = std::string_view(t).substr(n + 1);
    b = 0;
    return bs.empty() || parse_int(bs, b);
  }

  bool ParsePseudo(Selector& sel, Compound& c, uint32_t& ids, uint32_t& classes,
                   uint32_t& types) {
    bool element = false;
    if (i_ < s_.size() && s_[i_] == ':') {
      ++i_;
      element = true;
    }
    std::string name = ToLowerAscii(Ident());
    if (name.empty()) return false;
    bool has_args = i_ < s_.size() && s_[i_] == '(';
    std::string_view args;
    if (has_args) {
      ++i_;
      args = Arguments();
    }
    static constexpr std::string_view kLegacyElements[] = {"before", "after", "first-line",
                                                           "first-letter"};
    if (element || std::find(std::begin(kLegacyElements), std::end(kLegacyElements), name) !=
                       std::end(kLegacyElements)) {
      sel.pseudo_element_ = true;
      ++types;
      return true;
    }
    Pseudo p{PseudoKind::kNever, 0, 0, {}};
    ++classes;
    if (has_args) {
      if (name == "not" || name == "is" || name == "matches" || name == "-webkit-any" ||
          name == "where") {
        if (depth_ >= kMaxNesting) return false;
        SelectorParser inner(args, depth_ + 1);
        bool forgiving = name != "not";
        if (!inner.ParseList(p.args, forgiving) || inner.position() < args.size()) {
          if (!forgiving) return false;
        }
        --classes;
        uint32_t best = 0;
        if (name != "where") {
          for (const Selector& s : p.args) best = std::max(best, s.specificity());
        }
        ids += best >> 20;
        classes += (best >> 10) & 1023;
        types += best & 1023;
        for (const Selector& s : p.args) {
          sel.dynamic_ = sel.dynamic_ || s.dynamic();
          sel.uses_hover_ = sel.uses_hover_ || s.uses_hover();
        }
        p.kind = name == "not"     ? PseudoKind::kNot
                 : name == "where" ? PseudoKind::kWhere
                                   : PseudoKind::kIs;
        c.pseudos.push_back(std::move(p));
        return true;
      }
      if (name == "nth-child" || name == "nth-last-child" || name == "nth-of-type" ||
          name == "nth-last-of-type") {
        if (!ParseNth(args, p.a, p.b)) {
          // "an+b of S" is valid but unsupported.
          if (args.find(" of ") == std::string_view::npos) return false;
          never_ = true;
          return true;
        }
        p.kind = name == "nth-child"        ? PseudoKind::kNthChild
                 : name == "nth-last-child" ? PseudoKind::kNthLastChild
                 : name == "nth-of-type"    ? PseudoKind::kNthOfType
                                            : PseudoKind::kNthLastOfType;
        c.pseudos.push_back(std::move(p));
        return true;
      }
      if (name == "has" || name == "lang" || name == "dir" || name == "host" ||
          name == "host-context" || name == "state") {
        never_ = true;
        return true;
      }
      return false;
    }
    struct Simple {
      std::string_view name;
      PseudoKind kind;
      int a, b;
    };
    static constexpr Simple kSimple[] = {
        {"first-child", PseudoKind::kNthChild, 0, 1},
        {"last-child", PseudoKind::kNthLastChild, 0, 1},
        {"first-of-type", PseudoKind::kNthOfType, 0, 1},
        {"last-of-type", PseudoKind::kNthLastOfType, 0, 1},
        {"root", PseudoKind::kRoot, 0, 0},
        {"empty", PseudoKind::kEmpty, 0, 0},
        {"hover", PseudoKind::kHover, 0, 0},
        {"focus", PseudoKind::kFocus, 0, 0},
        {"focus-visible", PseudoKind::kFocusVisible, 0, 0},
        {"focus-within", PseudoKind::kFocusWithin, 0, 0},
        {"link", PseudoKind::kLink, 0, 0},
        {"any-link", PseudoKind::kAnyLink, 0, 0},
        {"-webkit-any-link", PseudoKind::kAnyLink, 0, 0},
        {"checked", PseudoKind::kChecked, 0, 0},
        {"disabled", PseudoKind::kDisabled, 0, 0},
        {"enabled", PseudoKind::kEnabled, 0, 0},
        {"required", PseudoKind::kRequired, 0, 0},
        {"optional", PseudoKind::kOptional, 0, 0},
        {"placeholder-shown", PseudoKind::kPlaceholderShown, 0, 0},
        {"read-only", PseudoKind::kReadOnly, 0, 0},
        {"read-write", PseudoKind::kReadWrite, 0, 0},
        {"visited", PseudoKind::kVisited, 0, 0},
        {"active", PseudoKind::kNever, 0, 0},
        {"target", PseudoKind::kNever, 0, 0},
        {"target-within", PseudoKind::kNever, 0, 0},
        {"indeterminate", PseudoKind::kNever, 0, 0},
        {"invalid", PseudoKind::kNever, 0, 0},
        {"valid", PseudoKind::kNever, 0, 0},
        {"user-invalid", PseudoKind::kNever, 0, 0},
        {"user-valid", PseudoKind::kNever, 0, 0},
        {"default", PseudoKind::kNever, 0, 0},
        {"defined", PseudoKind::kNever, 0, 0},
        {"fullscreen", PseudoKind::kNever, 0, 0},
        {"modal", PseudoKind::kNever, 0, 0},
        {"open", PseudoKind::kNever, 0, 0},
        {"popover-open", PseudoKind::kNever, 0, 0},
        {"autofill", PseudoKind::kNever, 0, 0},
        {"-webkit-autofill", PseudoKind::kNever, 0, 0},
        {"in-range", PseudoKind::kNever, 0, 0},
        {"out-of-range", PseudoKind::kNever, 0, 0},
        {"scope", PseudoKind::kRoot, 0, 0},
        {"only-child", PseudoKind::kNever, 0, 0},
        {"only-of-type", PseudoKind::kNever, 0, 0},
    };
    for (const Simple& simple : kSimple) {
      if (simple.name != name) continue;
      if (name == "only-child" || name == "only-of-type") {
        // Both first and last.
        bool type = name == "only-of-type";
        c.pseudos.push_back(
            {type ? PseudoKind::kNthOfType : PseudoKind::kNthChild, 0, 1, {}});
        c.pseudos.push_back(
            {type ? PseudoKind::kNthLastOfType : PseudoKind::kNthLastChild, 0, 1, {}});
        return true;
      }
      p.kind = simple.kind;
      p.a = simple.a;
      p.b = simple.b;
      if (p.kind == PseudoKind::kHover || p.kind == PseudoKind::kFocus ||
          p.kind == PseudoKind::kFocusVisible || p.kind == PseudoKind::kFocusWithin ||
          p.kind == PseudoKind::kVisited) {
        sel.dynamic_ = true;
      }
      if (p.kind == PseudoKind::kHover) sel.uses_hover_ = true;
      c.pseudos.push_back(std::move(p));
      return true;
    }
    return false;  // Unknown pseudo-class: the selector is invalid.
  }

  std::string_view s_;
  int depth_;
  size_t i_ = 0;
  bool never_ = false;  // The current selector is valid but cannot match.
};

std::vector<Selector> ParseSelectorList(std::string_view text) {
  std::vector<Selector> out;
  if (text.size() > 20000) return out;
  SelectorParser parser(text, 0);
  if (!parser.ParseList(out, /*forgiving=*/false) || parser.position() < text.size()) {
    out.clear();
  }
  return out;
}

}  // namespace a11y::checks::css
