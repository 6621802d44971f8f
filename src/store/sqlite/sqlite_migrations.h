#pragma once

#include <vector>

namespace a11y::sqlite {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// In ascending version order.
const std::vector<Migration>& Migrations();

}  // namespace a11y::sqlite
