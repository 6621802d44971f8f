#include "auth/authenticator.h"

#include <algorithm>
#include <cctype>

#include "auth/secrets.h"
#include "core/ids.h"

namespace a11y::auth {
namespace {

constexpr const char* kBadCredentials = "invalid username or password";
constexpr size_t kMaxTrackedKeys = 100000;  // Bounds memory under a spray of usernames.

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

Status ValidateUsername(const std::string& username) {
  if (username.size() < 3 || username.size() > 64) {
    return Status::InvalidArgument("username: must be 3 to 64 characters");
  }
  for (unsigned char c : username) {
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-' && c != '@') {
      return Status::InvalidArgument(
          "username: may contain only letters, digits, '.', '_', '-' and '@'");
    }
  }
  return Status::Ok();
}

Status ValidatePassword(const std::string& password) {
  if (password.size() < 8)
    return Status::InvalidArgument("password: must be at least 8 characters");
  // Argon2 takes any length; the cap only bounds the work one request can cause.
  if (password.size() > 1024)
    return Status::InvalidArgument("password: must be at most 1024 characters");
  return Status::Ok();
}

Authenticator::Authenticator(DomainStore* store, Env* env, AuthOptions options)
    : store_(store), env_(env), options_(options) {
  InitCrypto();
  auto dummy = HashPassword(RandomSecret());
  if (dummy.ok()) dummy_hash_ = *dummy;
}

std::optional<Micros> Authenticator::DelayFor(const std::string& key, TimePoint now) {
  auto it = failures_.find(key);
  if (it == failures_.end() || it->second.locked_until <= now) return std::nullopt;
  return it->second.locked_until - now;
}

std::optional<Micros> Authenticator::LoginDelay(const std::string& username,
                                                const std::string& remote) {
  std::lock_guard lock(mu_);
  const TimePoint now = env_->Now();
  auto by_user = DelayFor("user:" + Lower(username), now);
  auto by_addr = DelayFor("addr:" + remote, now);
  if (by_user && by_addr) return std::max(*by_user, *by_addr);
  return by_user ? by_user : by_addr;
}

void Authenticator::RecordFailure(const std::string& key) {
  const TimePoint now = env_->Now();
  if (failures_.size() >= kMaxTrackedKeys) {
    std::erase_if(failures_, [&](const auto& entry) {
      return entry.second.locked_until <= now && now - entry.second.first > options_.failure_window;
    });
  }
  Failures& f = failures_[key];
  if (now - f.first > options_.failure_window && f.locked_until <= now) f = Failures{0, now, {}};
  ++f.count;
  const int excess = f.count - options_.max_failed_logins;
  if (excess >= 0) {
    f.locked_until = now + options_.lockout * (int64_t{1} << std::min(excess, 10));
  }
}

Result<LoginResult> Authenticator::Login(const std::string& username, const std::string& password,
                                         const std::string& remote) {
  const std::string name = Lower(username);
  auto user = store_->FindUserByName(name);
  if (!user.ok() && user.status().code() != Status::Code::kNotFound) return user.status();
  // Verify even when there is no such user, so the answer's timing does not tell.
  const bool verified = VerifyPassword(password, user.ok() ? user->password_hash : dummy_hash_);
  if (!user.ok() || !verified || user->disabled) {
    std::lock_guard lock(mu_);
    RecordFailure("user:" + name);
    RecordFailure("addr:" + remote);
    return Status::InvalidArgument(kBadCredentials);
  }
  {
    std::lock_guard lock(mu_);
    failures_.erase("user:" + name);
  }
  const TimePoint now = env_->Now();
  AuthSession session;
  session.session_id = NewSortableId(now);
  const std::string secret = RandomSecret();
  session.secret_hash = SecretDigest(secret);
  session.user_id = user->user_id;
  session.csrf_token = RandomSecret(24);
  session.created_at = now;
  session.last_seen_at = now;
  session.expires_at = now + std::min(options_.session_idle, options_.session_max);
  A11Y_RETURN_IF_ERROR(store_->CreateSession(session));
  LoginResult result;
  result.principal =
      Principal{*user, Principal::Via::kSession, session.session_id, session.csrf_token};
  result.cookie_secret = secret;
  result.expires_at = session.expires_at;
  return result;
}

Status Authenticator::Logout(const Principal& principal) {
  if (principal.via != Principal::Via::kSession) {
    return Status::InvalidArgument("only a session can log out; revoke a token instead");
  }
  return store_->DeleteSession(principal.credential_id);
}

Result<Principal> Authenticator::ActiveUser(const std::string& user_id, Principal principal) {
  auto user = store_->GetUser(user_id);
  if (!user.ok()) return user.status();
  if (user->disabled) return Status::NotFound("the account is disabled");
  principal.user = std::move(*user);
  return principal;
}

Result<Principal> Authenticator::AuthenticateSession(const std::string& cookie_secret) {
  const std::string digest = SecretDigest(cookie_secret);
  auto session = store_->FindSession(digest);
  if (!session.ok()) return session.status();
  const TimePoint now = env_->Now();
  if (!ConstantTimeEquals(session->secret_hash, digest) || session->expires_at <= now) {
    return Status::NotFound("the session has expired");
  }
  // Slide the idle expiry, at most once a minute so reads stay reads.
  if (now - session->last_seen_at > std::chrono::minutes(1)) {
    const TimePoint expires =
        std::min(now + options_.session_idle, session->created_at + options_.session_max);
    A11Y_RETURN_IF_ERROR(store_->TouchSession(session->session_id, now, expires));
  }
  return ActiveUser(
      session->user_id,
      Principal{{}, Principal::Via::kSession, session->session_id, session->csrf_token});
}

Result<Principal> Authenticator::AuthenticateToken(const std::string& bearer_secret) {
  const std::string digest = SecretDigest(bearer_secret);
  auto token = store_->FindApiToken(digest);
  if (!token.ok()) return token.status();
  const TimePoint now = env_->Now();
  if (!ConstantTimeEquals(token->secret_hash, digest) || token->revoked_at ||
      (token->expires_at && *token->expires_at <= now)) {
    return Status::NotFound("the token is revoked or expired");
  }
  if (!token->last_used_at || now - *token->last_used_at > std::chrono::minutes(1)) {
    A11Y_RETURN_IF_ERROR(store_->TouchApiToken(token->token_id, now));
  }
  return ActiveUser(token->user_id, Principal{{}, Principal::Via::kToken, token->token_id, ""});
}

Result<NewToken> Authenticator::CreateToken(const User& user, const std::string& name,
                                            std::optional<TimePoint> expires_at) {
  const TimePoint now = env_->Now();
  NewToken created;
  created.secret = "a11y_" + RandomSecret();
  created.token.token_id = NewSortableId(now);
  created.token.secret_hash = SecretDigest(created.secret);
  created.token.user_id = user.user_id;
  created.token.name = name;
  created.token.prefix = created.secret.substr(0, 12);
  created.token.created_at = now;
  created.token.expires_at = expires_at;
  A11Y_RETURN_IF_ERROR(store_->CreateApiToken(created.token));
  return created;
}

Result<User> Authenticator::CreateUser(const std::string& username, const std::string& password,
                                       Role role) {
  A11Y_RETURN_IF_ERROR(ValidateUsername(username));
  A11Y_RETURN_IF_ERROR(ValidatePassword(password));
  auto hash = HashPassword(password);
  if (!hash.ok()) return hash.status();
  const TimePoint now = env_->Now();
  User user;
  user.user_id = NewSortableId(now);
  user.username = Lower(username);
  user.password_hash = *hash;
  user.role = role;
  user.created_at = now;
  user.updated_at = now;
  A11Y_RETURN_IF_ERROR(store_->CreateUser(user));
  return user;
}

Status Authenticator::SetPassword(User* user, const std::string& password) {
  A11Y_RETURN_IF_ERROR(ValidatePassword(password));
  auto hash = HashPassword(password);
  if (!hash.ok()) return hash.status();
  user->password_hash = *hash;
  user->updated_at = env_->Now();
  return store_->UpdateUser(*user);
}

Result<std::optional<std::string>> Authenticator::EnsureInitialAdmin(
    const std::optional<std::string>& password) {
  auto count = store_->CountUsers();
  if (!count.ok()) return count.status();
  if (*count > 0) return std::optional<std::string>();
  const std::string chosen = password ? *password : RandomSecret(18);
  auto admin = CreateUser("admin", chosen, Role::kAdmin);
  // Another process may have created it first: that is fine.
  if (!admin.ok() && admin.status().code() != Status::Code::kAlreadyExists) return admin.status();
  if (!admin.ok() || password) return std::optional<std::string>();
  return std::optional<std::string>(chosen);
}

}  // namespace a11y::auth
