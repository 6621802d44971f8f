// Login, logout, the caller's identity, and API tokens.
#include <cmath>

#include "http/api_support.h"

namespace a11y::http {
namespace {

std::string SessionCookie(const std::string& value, int64_t max_age_seconds, bool secure) {
  // HttpOnly: scripts cannot read it. SameSite=Strict: other sites cannot send it.
  return std::string(kSessionCookie) + "=" + value +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_seconds) +
         (secure ? "; Secure" : "");
}

Json PrincipalJson(const auth::Principal& principal) {
  Json json = {{"user", principal.user.ToJson()},
               {"via", principal.via == auth::Principal::Via::kSession ? "session" : "token"},
               {"credential_id", principal.credential_id}};
  if (principal.via == auth::Principal::Via::kSession) json["csrf_token"] = principal.csrf_token;
  return json;
}

Response Login(Request& request, ApiContext& context) {
  const Json body = ReadBody(request);
  JsonReader reader(body);
  const auto username = reader.String("username", JsonReader::kRequired, 1, 200);
  const auto password = reader.String("password", JsonReader::kRequired, 1, 4096);
  FinishReading(reader);
  if (auto delay = context.auth->LoginDelay(*username, request.remote_address)) {
    const auto seconds = static_cast<int64_t>(std::ceil(delay->count() / 1e6));
    Response response = Response::Json(
        429, ApiError(429, "too_many_attempts",
                      "too many failed logins; try again in " + std::to_string(seconds) + " s",
                      {{"retry_after_seconds", seconds}})
                 .ToJson());
    response.headers.emplace_back("Retry-After", std::to_string(seconds));
    return response;
  }
  auto login = context.auth->Login(*username, *password, request.remote_address);
  if (!login.ok() && login.status().code() == Status::Code::kInvalidArgument) {
    throw ApiError(401, "invalid_credentials", login.status().message());
  }
  const auth::LoginResult result = Value(std::move(login));
  const auto max_age =
      std::chrono::duration_cast<std::chrono::seconds>(result.expires_at - context.env->Now())
          .count();
  Response response = Response::Json(200, PrincipalJson(result.principal));
  response.headers.emplace_back(
      "Set-Cookie", SessionCookie(result.cookie_secret, max_age, context.secure_cookies));
  response.log_user = result.principal.user.username;
  return response;
}

Response Logout(ApiContext& context, const auth::Principal& principal) {
  Check(context.auth->Logout(principal));
  Response response = Response::NoContent();
  response.headers.emplace_back("Set-Cookie", SessionCookie("", 0, context.secure_cookies));
  return response;
}

Response CreateToken(Request& request, ApiContext& context, const auth::Principal& principal) {
  const Json body = ReadBody(request);
  JsonReader reader(body);
  const auto name = reader.String("name", JsonReader::kRequired, 1, 100);
  const auto days = reader.Int("expires_in_days", JsonReader::kOptional, 1, 3650);
  FinishReading(reader);
  std::optional<TimePoint> expires;
  if (days) expires = context.env->Now() + std::chrono::hours(24 * *days);
  const auth::NewToken created = Value(context.auth->CreateToken(principal.user, *name, expires));
  Json json = created.token.ToJson();
  json["secret"] = created.secret;  // Shown this once.
  return Response::Json(201, json);
}

Response ListTokens(ApiContext& context, const auth::Principal& principal) {
  Json items = Json::array();
  for (const ApiToken& token : Value(context.domain().ListApiTokens(principal.user.user_id))) {
    items.push_back(token.ToJson());
  }
  return Response::Json(200, {{"items", items}});
}

}  // namespace

void RegisterAuthRoutes(Router& router, ApiContext& context) {
  router.Add("POST", "/api/v1/auth/login", [&context](Request& r) { return Login(r, context); });
  AddAuthed(router, context, "POST", "/api/v1/auth/logout",
            [&context](Request&, const auth::Principal& p) { return Logout(context, p); });
  AddAuthed(router, context, "GET", "/api/v1/auth/me", [](Request&, const auth::Principal& p) {
    return Response::Json(200, PrincipalJson(p));
  });
  AddAuthed(router, context, "GET", "/api/v1/tokens",
            [&context](Request&, const auth::Principal& p) { return ListTokens(context, p); });
  AddAuthed(
      router, context, "POST", "/api/v1/tokens",
      [&context](Request& r, const auth::Principal& p) { return CreateToken(r, context, p); });
  AddAuthed(router, context, "DELETE", "/api/v1/tokens/{id}",
            [&context](Request& r, const auth::Principal& p) {
              // Everyone revokes only their own tokens: another user's is not found.
              const ApiToken token = Value(context.domain().RevokeApiToken(
                  r.Param("id"), context.env->Now(), Scope::User(p.user.user_id)));
              return Response::Json(200, token.ToJson());
            });
}

}  // namespace a11y::http
