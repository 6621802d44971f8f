// JsonReader: reads the fields of a JSON object from an untrusted source (a request body,
// stored settings) with types, ranges and unknown fields checked in one place. The first
// problem is kept, with the name of the field, and later reads return nothing, so callers
// read every field and then ask Finish() once.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace a11y {

class JsonReader {
 public:
  // `where` prefixes field names in messages, e.g. "settings." for a nested object.
  // A `value` that is not an object is reported by Finish().
  explicit JsonReader(const nlohmann::json& value, std::string where = "");

  enum Need { kOptional, kRequired };

  std::optional<std::string> String(const std::string& name, Need need, size_t min_length = 0,
                                    size_t max_length = 10000);
  std::optional<int64_t> Int(const std::string& name, Need need, int64_t min, int64_t max);
  std::optional<double> Number(const std::string& name, Need need, double min, double max);
  std::optional<bool> Bool(const std::string& name, Need need);
  std::optional<std::vector<std::string>> Strings(const std::string& name, Need need,
                                                  size_t max_items, size_t max_length);
  // Any JSON object, unchecked inside (the caller reads it with its own JsonReader).
  std::optional<nlohmann::json> Object(const std::string& name, Need need);

  // Records a problem found by the caller (e.g. a URL that does not parse).
  void Fail(const std::string& name, const std::string& problem);

  // The first problem (kInvalidArgument "FIELD: PROBLEM"), or a field that was never read
  // ("unknown field"), or Ok.
  Status Finish();
  // The full name of the field of the first problem ("" when none).
  const std::string& field() const { return field_; }

 private:
  const nlohmann::json* Find(const std::string& name, Need need);

  const nlohmann::json& value_;
  std::string where_;
  std::set<std::string> read_;
  std::string field_;
  std::string problem_;
};

}  // namespace a11y
