// Placeholder until roles and names land.
#include "checks/semantics.h"

namespace a11y::checks {

struct Semantics::Impl {
  std::string empty;
};

const RoleInfo* FindRole(std::string_view) { return nullptr; }
bool IsAriaAttribute(std::string_view) { return false; }
bool IsGlobalAriaAttribute(std::string_view) { return false; }

Semantics::Semantics(const Document& doc, const StyleResolver& styles)
    : doc_(doc), styles_(styles), impl_(std::make_unique<Impl>()) {}
Semantics::~Semantics() = default;
std::string_view Semantics::Role(const Node&) const { return {}; }
std::string_view Semantics::ImplicitRole(const Node&) const { return {}; }
std::string_view Semantics::ExplicitRole(const Node&) const { return {}; }
bool Semantics::IsHidden(const Node&) const { return false; }
bool Semantics::IsInvisible(const Node&) const { return false; }
bool Semantics::IsFocusable(const Node&) const { return false; }
bool Semantics::IsTabbable(const Node&) const { return false; }
std::optional<int> Semantics::TabIndex(const Node&) const { return std::nullopt; }
const std::string& Semantics::Name(const Node&) const { return impl_->empty; }
std::string Semantics::Description(const Node&) const { return {}; }
std::string_view Semantics::NameSource(const Node&) const { return {}; }
std::string Semantics::VisibleText(const Node&) const { return {}; }
std::vector<const Node*> Semantics::Labels(const Node&) const { return {}; }

}  // namespace a11y::checks
