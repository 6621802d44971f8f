// The domain rows beside the jobs: accounts (users, login sessions, API tokens) and what
// users check (projects, websites, pages). Field names are the API's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/env.h"

namespace a11y {

using Json = nlohmann::json;

enum class Role { kUser, kAdmin };
const char* RoleName(Role role);
std::optional<Role> ParseRole(const std::string& name);

struct User {
  std::string user_id;
  std::string username;       // Unique, compared as stored (callers lower-case it).
  std::string password_hash;  // Argon2id, in libsodium's encoded string form.
  Role role = Role::kUser;
  bool disabled = false;
  TimePoint created_at{};
  TimePoint updated_at{};
  Json ToJson() const;  // Never includes the password hash.
};

// A browser login. The cookie carries a secret; the store keeps only its SHA-256, so a
// copy of the database cannot be used to log in.
struct AuthSession {
  std::string session_id;   // Public id: jobs record it as their session_id.
  std::string secret_hash;  // Hex SHA-256 of the cookie's secret. Unique.
  std::string user_id;
  std::string csrf_token;   // Sent back in X-CSRF-Token on unsafe methods.
  TimePoint created_at{};
  TimePoint expires_at{};
  TimePoint last_seen_at{};
};

// An API token, used as `Authorization: Bearer`. Only its hash is stored.
struct ApiToken {
  std::string token_id;     // Public id: jobs created with the token record it.
  std::string secret_hash;  // Hex SHA-256 of the secret. Unique.
  std::string user_id;
  std::string name;
  std::string prefix;  // The secret's first characters, so a user can tell tokens apart.
  TimePoint created_at{};
  std::optional<TimePoint> expires_at;
  std::optional<TimePoint> last_used_at;
  std::optional<TimePoint> revoked_at;
  Json ToJson() const;  // Never includes the hash.
};

struct Project {
  std::string project_id;
  std::string user_id;  // Owner.
  std::string name;
  std::string description;
  std::string wcag_level = "AA";  // A, AA or AAA: what the project's pages are tested at.
  TimePoint created_at{};
  TimePoint updated_at{};
  Json ToJson() const;
};

struct Website {
  std::string website_id;
  std::string project_id;
  std::string user_id;  // Owner (the project's).
  std::string name;
  std::string start_url;
  Json settings = Json::object();  // Crawl settings, validated by the WebsiteManager.
  TimePoint created_at{};
  TimePoint updated_at{};
  Json ToJson() const;
};

struct Page {
  std::string page_id;
  std::string website_id;
  std::string project_id;
  std::string user_id;  // Owner (the website's).
  std::string url;      // Normalised; unique within a website.
  std::string source = "manual";  // "manual" or "discovery".
  std::optional<std::string> final_url;
  std::optional<int> status_code;
  std::optional<std::string> content_type;
  std::optional<std::string> title;
  int depth = 0;
  std::optional<std::string> referrer;
  std::optional<std::string> content_hash;
  std::optional<int64_t> size_bytes;
  bool missing = false;  // Not found by the latest discovery run.
  std::optional<std::string> fetch_error;  // Why the latest fetch failed, when it did.
  std::optional<std::string> last_run_id;  // The discovery run that last saw the page.
  TimePoint first_seen_at{};
  TimePoint last_seen_at{};
  Json ToJson() const;
};

}  // namespace a11y
