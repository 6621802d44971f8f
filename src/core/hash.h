// SHA-256 (libsodium), in lower-case hex: secrets' digests and pages' content hashes.
#pragma once

#include <string>
#include <string_view>

namespace a11y {

std::string Sha256Hex(std::string_view bytes);

}  // namespace a11y
