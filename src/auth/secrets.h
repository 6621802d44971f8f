// Secrets for sessions and API tokens, and the password hash (libsodium). Secrets are
// stored only as SHA-256 digests, so a stolen database cannot log anyone in; passwords
// only as Argon2id hashes.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace a11y::auth {

// Call once before any other function here (idempotent, thread safe).
Status InitCrypto();

// `bytes` random bytes from the OS generator, as URL-safe base64 without padding.
std::string RandomSecret(int bytes = 32);
// Lower-case hex SHA-256 of `secret`: the form in which secrets are stored and looked up.
std::string SecretDigest(std::string_view secret);
// Equal length and bytes, in time that depends only on the length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Argon2id in libsodium's self-describing string form (salt and cost included).
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view password, const std::string& hash);

}  // namespace a11y::auth
