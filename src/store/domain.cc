#include "store/domain.h"

#include "store/domain_store.h"
#include "store/json_fields.h"

namespace a11y {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kUser: return "user";
    case Role::kAdmin: return "admin";
  }
  return "user";
}

std::optional<Role> ParseRole(const std::string& name) {
  for (Role r : {Role::kUser, Role::kAdmin}) {
    if (name == RoleName(r)) return r;
  }
  return std::nullopt;
}

// The hashes stay out of every JSON form: these objects go to clients and into logs.
Json User::ToJson() const {
  return Json{{"user_id", user_id},
              {"username", username},
              {"role", RoleName(role)},
              {"disabled", disabled},
              {"created_at", FormatRfc3339(created_at)},
              {"updated_at", FormatRfc3339(updated_at)}};
}

Json ApiToken::ToJson() const {
  return Json{{"token_id", token_id},
              {"user_id", user_id},
              {"name", name},
              {"prefix", prefix},
              {"created_at", FormatRfc3339(created_at)},
              {"expires_at", OptTime(expires_at)},
              {"last_used_at", OptTime(last_used_at)},
              {"revoked_at", OptTime(revoked_at)}};
}

Json Project::ToJson() const {
  return Json{{"project_id", project_id},
              {"user_id", user_id},
              {"name", name},
              {"description", description},
              {"wcag_level", wcag_level},
              {"created_at", FormatRfc3339(created_at)},
              {"updated_at", FormatRfc3339(updated_at)}};
}

Json Website::ToJson() const {
  return Json{{"website_id", website_id},
              {"project_id", project_id},
              {"user_id", user_id},
              {"name", name},
              {"start_url", start_url},
              {"settings", settings},
              {"created_at", FormatRfc3339(created_at)},
              {"updated_at", FormatRfc3339(updated_at)}};
}

Json Page::ToJson() const {
  return Json{{"page_id", page_id},
              {"website_id", website_id},
              {"project_id", project_id},
              {"user_id", user_id},
              {"url", url},
              {"source", source},
              {"final_url", Opt(final_url)},
              {"status_code", Opt(status_code)},
              {"content_type", Opt(content_type)},
              {"title", Opt(title)},
              {"depth", depth},
              {"referrer", Opt(referrer)},
              {"content_hash", Opt(content_hash)},
              {"size_bytes", Opt(size_bytes)},
              {"missing", missing},
              {"fetch_error", Opt(fetch_error)},
              {"last_run_id", Opt(last_run_id)},
              {"first_seen_at", FormatRfc3339(first_seen_at)},
              {"last_seen_at", FormatRfc3339(last_seen_at)}};
}

Status CheckPageRequest(const PageRequest& page) {
  if (page.limit < 1 || page.limit > kMaxPageLimit) {
    return Status::InvalidArgument("limit must be between 1 and " + std::to_string(kMaxPageLimit) +
                                   ", not " + std::to_string(page.limit));
  }
  return Status::Ok();
}

}  // namespace a11y
