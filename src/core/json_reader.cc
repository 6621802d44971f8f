#include "core/json_reader.h"

#include <cmath>

namespace a11y {

JsonReader::JsonReader(const nlohmann::json& value, std::string where)
    : value_(value), where_(std::move(where)) {}

void JsonReader::Fail(const std::string& name, const std::string& problem) {
  if (!problem_.empty()) return;
  field_ = where_ + name;
  problem_ = problem;
}

const nlohmann::json* JsonReader::Find(const std::string& name, Need need) {
  read_.insert(name);
  if (!problem_.empty() || !value_.is_object()) return nullptr;
  auto it = value_.find(name);
  if (it == value_.end() || it->is_null()) {
    if (need == kRequired) Fail(name, "is required");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> JsonReader::String(const std::string& name, Need need, size_t min_length,
                                              size_t max_length) {
  const nlohmann::json* v = Find(name, need);
  if (!v) return std::nullopt;
  if (!v->is_string()) return Fail(name, "must be a string"), std::nullopt;
  const auto& text = v->get_ref<const std::string&>();
  if (text.size() < min_length || text.size() > max_length) {
    Fail(name, min_length > 0 ? "must be " + std::to_string(min_length) + " to " +
                                    std::to_string(max_length) + " characters"
                              : "must be at most " + std::to_string(max_length) + " characters");
    return std::nullopt;
  }
  return text;
}

std::optional<int64_t> JsonReader::Int(const std::string& name, Need need, int64_t min,
                                       int64_t max) {
  const nlohmann::json* v = Find(name, need);
  if (!v) return std::nullopt;
  const std::string range =
      "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!v->is_number_integer()) return Fail(name, range), std::nullopt;
  // Unsigned values past int64 would wrap: compare as unsigned first.
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(max)) {
    return Fail(name, range), std::nullopt;
  }
  const int64_t n = v->get<int64_t>();
  if (n < min || n > max) return Fail(name, range), std::nullopt;
  return n;
}

std::optional<double> JsonReader::Number(const std::string& name, Need need, double min,
                                         double max) {
  const nlohmann::json* v = Find(name, need);
  if (!v) return std::nullopt;
  const double n = v->is_number() ? v->get<double>() : NAN;
  if (!std::isfinite(n) || n < min || n > max) {
    nlohmann::json bounds = {min, max};
    Fail(name, "must be a number from " + bounds[0].dump() + " to " + bounds[1].dump());
    return std::nullopt;
  }
  return n;
}

std::optional<bool> JsonReader::Bool(const std::string& name, Need need) {
  const nlohmann::json* v = Find(name, need);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) return Fail(name, "must be true or false"), std::nullopt;
  return v->get<bool>();
}

std::optional<std::vector<std::string>> JsonReader::Strings(const std::string& name, Need need,
                                                            size_t max_items, size_t max_length) {
  const nlohmann::json* v = Find(name, need);
  if (!v) return std::nullopt;
  const std::string shape = "must be a list of at most " + std::to_string(max_items) +
                            " strings of 1 to " + std::to_string(max_length) + " characters";
  if (!v->is_array() || v->size() > max_items) return Fail(name, shape), std::nullopt;
  std::vector<std::string> items;
  for (const auto& item : *v) {
    if (!item.is_string() || item.get_ref<const std::string&>().empty() ||
        item.get_ref<const std::string&>().size() > max_length) {
      return Fail(name, shape), std::nullopt;
    }
    items.push_back(item.get<std::string>());
  }
  return items;
}

std::optional<nlohmann::json> JsonReader::Object(const std::string& name, Need need) {
  const nlohmann::json* v = Find(name, need);
  if (!v) return std::nullopt;
  if (!v->is_object()) return Fail(name, "must be an object"), std::nullopt;
  return *v;
}

Status JsonReader::Finish() {
  if (problem_.empty() && !value_.is_object()) {
    field_ = where_.empty() ? "" : where_.substr(0, where_.size() - 1);
    problem_ = "must be a JSON object";
  }
  if (problem_.empty()) {
    for (const auto& [key, unused] : value_.items()) {
      if (!read_.count(key)) {
        Fail(key, "is not a known field");
        break;
      }
    }
  }
  if (problem_.empty()) return Status::Ok();
  return Status::InvalidArgument(field_.empty() ? problem_ : field_ + ": " + problem_);
}

}  // namespace a11y
