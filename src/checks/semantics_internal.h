// Shared between semantics.cc (roles, hidden, focus) and accname.cc (names): the per-page
// caches. Not for rules; they use semantics.h.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "checks/semantics.h"

namespace a11y::checks {

// A per-element cache indexed by document order: lookups are hot (every rule asks for roles
// and hidden state), so a flat vector instead of a hash map.
template <typename T>
class ElementCache {
 public:
  explicit ElementCache(size_t size) : values_(size), state_(size, kUnknown) {}
  enum State : unsigned char { kUnknown, kInProgress, kDone };
  // kUnknown for nodes outside the table (never cached).
  State state(const Node& n) const {
    return n.order < state_.size() ? State(state_[n.order]) : kUnknown;
  }
  T get(const Node& n) const { return values_[n.order]; }
  void set_in_progress(const Node& n) {
    if (n.order < state_.size()) state_[n.order] = kInProgress;
  }
  void set(const Node& n, T value) {
    if (n.order >= state_.size()) return;
    values_[n.order] = std::move(value);
    state_[n.order] = kDone;
  }

 private:
  std::vector<T> values_;
  std::vector<unsigned char> state_;
};

struct Semantics::Impl {
  explicit Impl(const Document& doc)
      : roles(Size(doc)), hidden(Size(doc)), invisible(Size(doc)), focusable(Size(doc)) {}
  static size_t Size(const Document& doc) {
    return doc.elements().empty() ? 0 : doc.elements().back()->order + 1;
  }

  std::string empty;
  ElementCache<std::string_view> roles;
  ElementCache<bool> hidden;
  ElementCache<bool> invisible;
  ElementCache<bool> focusable;
  struct NameEntry {
    std::string name;
    std::string_view source;
  };
  std::unordered_map<const Node*, NameEntry> names;
  // label[for] elements by the id they name, built on first use.
  bool labels_indexed = false;
  std::unordered_map<std::string_view, std::vector<const Node*>> labels_for;
};

// The elements inside `e` in document order: [first, last) of doc.elements().
inline std::pair<std::vector<const Node*>::const_iterator, std::vector<const Node*>::const_iterator>
DescendantRange(const Document& doc, const Node& e) {
  const auto& all = doc.elements();
  auto first = std::upper_bound(all.begin(), all.end(), e.order,
                                [](size_t order, const Node* n) { return order < n->order; });
  auto last = first;
  while (last != all.end() && e.Contains(**last)) ++last;
  return {first, last};
}

// True when the element is a labelable element (HTML: button, input but hidden, meter,
// output, progress, select, textarea).
bool IsLabelable(const Node& element);
// True for a text-entry input type (text, search, email, tel, url, password, number...).
std::string_view InputType(const Node& input);

}  // namespace a11y::checks
