// CSS selectors (Selectors level 3 and the common parts of level 4) matched against our DOM.
// Selectors we do not support never match, so an unknown construct can only make the
// cascade miss a declaration, never apply a wrong one.
#pragma once

#include <bitset>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checks/dom.h"

namespace a11y::checks::css {

// What the matcher assumes about dynamic state: which element has focus (for :focus,
// :focus-visible, and :focus-within on its ancestors) and which is under the pointer (for
// :hover on it and its ancestors). nullptr: nothing is.
struct MatchState {
  const Node* focused = nullptr;
  const Node* hovered = nullptr;
  bool visited = false;  // Links are visited: :visited matches them instead of :link.
};

struct Compound;

// A Bloom filter of the ids, classes and types of an element's ancestors: a selector that
// needs an ancestor ".menu" is rejected at once when no ancestor can have that class.
class AncestorFilter {
 public:
  // Adds the features of `element` (the filter of its children is the parent's plus it).
  void Add(const Node& element);
  bool MayContain(uint32_t hash) const {
    return bits_[hash & (kBits - 1)] && bits_[(hash >> 12) & (kBits - 1)];
  }
  static uint32_t Hash(char kind, std::string_view name);

 private:
  static constexpr size_t kBits = 2048;
  std::bitset<kBits> bits_;
};

// One complex selector ("nav > ul li.active a:hover").
class Selector {
 public:
  Selector();
  ~Selector();
  Selector(Selector&&) noexcept;
  Selector& operator=(Selector&&) noexcept;

  // `ancestors`, when given, is the filter of `element`'s ancestors.
  bool Matches(const Node& element, const MatchState& state = {},
               const AncestorFilter* ancestors = nullptr) const;
  // (ids << 20) | (classes, attributes, pseudo-classes << 10) | types.
  uint32_t specificity() const { return specificity_; }
  // Targets a pseudo-element (::before): it never matches an element.
  bool pseudo_element() const { return pseudo_element_; }
  // The rightmost compound's id, first class, or type ("" when it has none), for indexing.
  const std::string& key_id() const { return key_id_; }
  const std::string& key_class() const { return key_class_; }
  const std::string& key_tag() const { return key_tag_; }
  // Uses :hover, :visited or a :focus pseudo-class somewhere.
  bool dynamic() const { return dynamic_; }
  // Uses :hover somewhere (hover alone changes nothing on a page that never says :hover).
  bool uses_hover() const { return uses_hover_; }

 private:
  friend class SelectorParser;
  // Compounds left to right; combinators_[i] joins compounds_[i] and compounds_[i + 1]:
  // ' ' descendant, '>' child, '+' next sibling, '~' subsequent sibling.
  std::vector<Compound> compounds_;
  std::vector<char> combinators_;
  uint32_t specificity_ = 0;
  bool pseudo_element_ = false;
  bool dynamic_ = false;
  bool uses_hover_ = false;
  std::string key_id_, key_class_, key_tag_;
  std::vector<uint32_t> ancestor_hashes_;  // Features some ancestor must have.

  enum class Result { kMatches, kFailsLocally, kFailsAllSiblings, kFailsCompletely };
  Result MatchFrom(size_t index, const Node& element, const MatchState& state,
                   int& budget) const;
};

// Parses a selector list. An invalid or unsupported selector makes the whole list match
// nothing (empty result), as in CSS.
std::vector<Selector> ParseSelectorList(std::string_view text);

}  // namespace a11y::checks::css
