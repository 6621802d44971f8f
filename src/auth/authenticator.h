// Authenticator: who is calling. Users log in with a password (Argon2id) and get a
// server-side session (a cookie secret plus a CSRF token), or use an API token as
// `Authorization: Bearer`. Failed logins are throttled per username and per address.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/env.h"
#include "core/status.h"
#include "store/domain_store.h"

namespace a11y::auth {

struct AuthOptions {
  Micros session_idle{std::chrono::hours(24)};      // A session unused this long ends.
  Micros session_max{std::chrono::hours(24 * 30)};  // And every session ends after this.
  int max_failed_logins = 5;                        // Within failure_window, then locked.
  Micros failure_window{std::chrono::minutes(15)};
  Micros lockout{std::chrono::minutes(1)};  // Doubles with each further failure.
};

// The caller of a request.
struct Principal {
  enum class Via { kSession, kToken };
  User user;
  Via via = Via::kSession;
  // The session_id or token_id: what jobs record as their session_id.
  std::string credential_id;
  std::string csrf_token;  // Sessions only.

  bool admin() const { return user.role == Role::kAdmin; }
  // What the caller may see by id: admins everything, users their own.
  Scope scope() const { return admin() ? Scope::Admin() : Scope::User(user.user_id); }
};

struct LoginResult {
  Principal principal;
  std::string cookie_secret;  // Goes into the session cookie; never stored.
  TimePoint expires_at{};
};

struct NewToken {
  ApiToken token;
  std::string secret;  // Shown once; only its digest is stored.
};

// Rules for usernames and passwords, shared by the API and `auto-a11y user`.
Status ValidateUsername(const std::string& username);
Status ValidatePassword(const std::string& password);

class Authenticator {
 public:
  // REQUIRES: store and env outlive the authenticator.
  Authenticator(DomainStore* store, Env* env, AuthOptions options = {});

  // How long `username` or `remote` must wait before the next attempt; nullopt if free.
  std::optional<Micros> LoginDelay(const std::string& username, const std::string& remote);
  // kInvalidArgument "invalid username or password" for any wrong credential (the same
  // answer and about the same time whether or not the user exists).
  Result<LoginResult> Login(const std::string& username, const std::string& password,
                            const std::string& remote);
  Status Logout(const Principal& principal);

  // kNotFound (reported as 401 by the API) for unknown, expired or revoked credentials.
  Result<Principal> AuthenticateSession(const std::string& cookie_secret);
  Result<Principal> AuthenticateToken(const std::string& bearer_secret);

  Result<NewToken> CreateToken(const User& user, const std::string& name,
                               std::optional<TimePoint> expires_at);

  // Creates a user (lower-cased username, hashed password). kAlreadyExists when taken.
  Result<User> CreateUser(const std::string& username, const std::string& password, Role role);
  Status SetPassword(User* user, const std::string& password);

  // First start: with no users at all, creates "admin" with `password`, or with a
  // generated one that is returned (to be printed once). nullopt when users exist or the
  // password was given.
  Result<std::optional<std::string>> EnsureInitialAdmin(const std::optional<std::string>& password);

 private:
  struct Failures {
    int count = 0;
    TimePoint first{};
    TimePoint locked_until{};
  };
  void RecordFailure(const std::string& key);
  std::optional<Micros> DelayFor(const std::string& key, TimePoint now);
  Result<Principal> ActiveUser(const std::string& user_id, Principal principal);

  DomainStore* store_;
  Env* env_;
  AuthOptions options_;
  std::string dummy_hash_;  // Verified against when the user does not exist.
  std::mutex mu_;
  std::map<std::string, Failures> failures_;  // "user:NAME" and "addr:IP".
};

}  // namespace a11y::auth
