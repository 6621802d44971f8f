// Logging in and out, sessions with CSRF protection, API tokens, throttling: over real HTTP.
#include <gtest/gtest.h>

#include "tests/support/api_server.h"

namespace a11y::testing {
namespace {

using nlohmann::json;

class ApiAuthTest : public ApiTest {};

TEST_P(ApiAuthTest, LoginGivesAnHttpOnlySameSiteCookieThatIdentifiesTheUser) {
  NewUser("alice");
  HttpResult login;
  ApiCaller alice = Login("Alice", kTestPassword, &login);  // Usernames ignore case.
  ASSERT_EQ(login.status, 200) << login.body;
  ASSERT_EQ(login.set_cookies.size(), 1u);
  EXPECT_NE(login.set_cookies[0].find("HttpOnly"), std::string::npos);
  EXPECT_NE(login.set_cookies[0].find("SameSite=Strict"), std::string::npos);
  EXPECT_FALSE(login.Json().value("csrf_token", "").empty());
  EXPECT_EQ(login.body.find("password"), std::string::npos) << "no hash in the answer";

  const HttpResult me = alice.Get("/api/v1/auth/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json()["user"]["username"], "alice");
  EXPECT_EQ(me.Json()["via"], "session");
}

TEST_P(ApiAuthTest, AWrongPasswordAndAnUnknownUserGetTheSameAnswer) {
  NewUser("alice");
  HttpResult wrong, unknown;
  Login("alice", "not the password", &wrong);
  Login("nobody", kTestPassword, &unknown);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.ErrorCode(), "invalid_credentials");
  EXPECT_EQ(wrong.body, unknown.body);
}

TEST_P(ApiAuthTest, UnsafeMethodsOnASessionNeedItsCsrfToken) {
  NewUser("alice");
  ApiCaller alice = Login("alice", kTestPassword);
  const std::string csrf = alice.headers["X-CSRF-Token"];

  alice.headers.erase("X-CSRF-Token");
  HttpResult missing = alice.Post("/api/v1/projects", {{"name", "p"}});
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(missing.ErrorCode(), "csrf_failed");
  EXPECT_EQ(alice.Get("/api/v1/projects").status, 200) << "reads need no token";

  alice.headers["X-CSRF-Token"] = csrf + "x";
  EXPECT_EQ(alice.Post("/api/v1/projects", {{"name", "p"}}).status, 403);
  alice.headers["X-CSRF-Token"] = csrf;
  EXPECT_EQ(alice.Post("/api/v1/projects", {{"name", "p"}}).status, 201);
  const HttpResult list = alice.Get("/api/v1/projects");
  EXPECT_EQ(list.Json()["items"].size(), 1u) << "the refused requests created nothing";
}

TEST_P(ApiAuthTest, LogoutEndsTheSessionForGood) {
  NewUser("alice");
  ApiCaller alice = Login("alice", kTestPassword);
  const HttpResult out = alice.Post("/api/v1/auth/logout");
  EXPECT_EQ(out.status, 204) << out.body;
  ASSERT_FALSE(out.set_cookies.empty());
  EXPECT_NE(out.set_cookies[0].find("Max-Age=0"), std::string::npos);
  const HttpResult me = alice.Get("/api/v1/auth/me");
  EXPECT_EQ(me.status, 401);
  EXPECT_EQ(me.ErrorCode(), "unauthenticated");
}

TEST_P(ApiAuthTest, SessionsExpireWhenIdle) {
  NewUser("alice");
  ApiCaller alice = Login("alice", kTestPassword);
  env_.Advance(std::chrono::hours(23));
  EXPECT_EQ(alice.Get("/api/v1/auth/me").status, 200) << "use slides the idle expiry";
  env_.Advance(std::chrono::hours(23));
  EXPECT_EQ(alice.Get("/api/v1/auth/me").status, 200);
  env_.Advance(std::chrono::hours(25));
  EXPECT_EQ(alice.Get("/api/v1/auth/me").status, 401);
}

TEST_P(ApiAuthTest, ApiTokensWorkUntilRevokedAndOnlyTheirOwnerRevokes) {
  NewUser("alice");
  ApiCaller bob = NewUser("bob");
  ApiCaller alice = Login("alice", kTestPassword);
  const HttpResult created = alice.Post("/api/v1/tokens", {{"name", "ci"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string secret = created.Json().value("secret", "");
  const std::string token_id = created.Json().value("token_id", "");
  ASSERT_FALSE(secret.empty());

  ApiCaller with_token = ApiCaller::WithToken(client_.get(), secret);
  const HttpResult me = with_token.Get("/api/v1/auth/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json()["user"]["username"], "alice");
  EXPECT_EQ(me.Json()["via"], "token");
  EXPECT_EQ(with_token.Post("/api/v1/projects", {{"name", "p"}}).status, 201)
      << "tokens need no CSRF token";

  const HttpResult list = alice.Get("/api/v1/tokens");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.Json()["items"].size(), 2u) << "NewUser's token and this one";
  EXPECT_EQ(list.Json()["items"][1]["name"], "ci");
  EXPECT_EQ(list.body.find(secret), std::string::npos) << "the secret is shown only once";

  EXPECT_EQ(bob.Delete("/api/v1/tokens/" + token_id).status, 404);
  EXPECT_EQ(with_token.Get("/api/v1/auth/me").status, 200);
  const HttpResult revoked = alice.Delete("/api/v1/tokens/" + token_id);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_FALSE(revoked.Json()["revoked_at"].is_null());
  EXPECT_EQ(with_token.Get("/api/v1/auth/me").status, 401);
  EXPECT_EQ(ApiCaller::WithToken(client_.get(), secret + "x").Get("/api/v1/auth/me").status, 401);
}

TEST_P(ApiAuthTest, RepeatedFailedLoginsAreThrottledThenAllowedAgain) {
  NewUser("alice");
  for (int i = 0; i < 5; ++i) {
    HttpResult failed;
    Login("alice", "guess " + std::to_string(i), &failed);
    EXPECT_EQ(failed.status, 401);
  }
  HttpResult throttled;
  Login("alice", kTestPassword, &throttled);
  EXPECT_EQ(throttled.status, 429) << "even the right password waits";
  EXPECT_EQ(throttled.ErrorCode(), "too_many_attempts");
  EXPECT_FALSE(throttled.Header("retry-after").empty());

  env_.Advance(std::chrono::minutes(2));
  HttpResult allowed;
  Login("alice", kTestPassword, &allowed);
  EXPECT_EQ(allowed.status, 200) << allowed.body;
}

TEST_P(ApiAuthTest, MalformedOrMissingCredentialsAre401) {
  ApiCaller alice = NewUser("alice");
  EXPECT_EQ(client_->Send("GET", "/api/v1/auth/me").status, 401);
  EXPECT_EQ(client_->Send("GET", "/api/v1/auth/me", "", {{"Authorization", "Basic abc"}}).status,
            401);
  EXPECT_EQ(client_->Send("GET", "/api/v1/auth/me", "", {{"Authorization", "Bearer "}}).status,
            401);
  EXPECT_EQ(client_->Send("GET", "/api/v1/auth/me", "", {{"Cookie", "a11y_session=forged"}}).status,
            401);
}

TEST_P(ApiAuthTest, ADisabledUserIsLockedOut) {
  ApiCaller admin = NewUser("root", Role::kAdmin);
  ApiCaller alice = NewUser("alice");
  const std::string alice_id = alice.Get("/api/v1/auth/me").Json()["user"]["user_id"];
  const HttpResult disabled = admin.Patch("/api/v1/admin/users/" + alice_id, {{"disabled", true}});
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(alice.Get("/api/v1/auth/me").status, 401);
  HttpResult login;
  Login("alice", kTestPassword, &login);
  EXPECT_EQ(login.status, 401);
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiAuthTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace a11y::testing
