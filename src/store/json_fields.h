// How optional fields of the API's rows appear in JSON: the value, or null.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "core/env.h"

namespace a11y {

inline nlohmann::json OptTime(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(FormatRfc3339(*t)) : nlohmann::json(nullptr);
}

template <typename T>
nlohmann::json Opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace a11y
