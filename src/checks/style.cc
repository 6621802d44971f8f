// Placeholder until the cascade lands: every element has the initial style.
#include "checks/style.h"

namespace a11y::checks {

struct StyleResolver::Impl {
  ComputedStyle initial;
  std::vector<SheetRule> rules;
};

std::optional<Color> ParseColor(std::string_view) { return std::nullopt; }
Color Blend(const Color& top, const Color&) { return top; }
double RelativeLuminance(const Color&) { return 0; }
double ContrastRatio(const Color&, const Color&) { return 21; }

std::string_view ComputedStyle::Get(std::string_view) const { return {}; }
bool ComputedStyle::Declared(std::string_view) const { return false; }

StyleResolver::StyleResolver(const Document&) : impl_(std::make_unique<Impl>()) {}
StyleResolver::~StyleResolver() = default;
const ComputedStyle& StyleResolver::Of(const Node&) const { return impl_->initial; }
ComputedStyle StyleResolver::OfInState(const Node&, unsigned) const { return impl_->initial; }
bool StyleResolver::IsDisplayNone(const Node&) const { return false; }
bool StyleResolver::IsInvisible(const Node&) const { return false; }
Color StyleResolver::EffectiveBackground(const Node&) const { return Color::White(); }
const std::vector<StyleResolver::SheetRule>& StyleResolver::sheet_rules() const {
  return impl_->rules;
}

}  // namespace a11y::checks
