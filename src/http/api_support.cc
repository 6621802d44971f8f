#include "http/api_support.h"

#include <charconv>

#include "auth/secrets.h"

namespace a11y::http {
namespace {

ApiError Unauthenticated(const std::string& message) {
  return ApiError(401, "unauthenticated", message);
}

bool IsUnsafe(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string CookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string_view pair(header.data() + pos, end - pos);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    pos = end + 1;
  }
  return "";
}

}  // namespace

auth::Principal Authenticate(Request& request, ApiContext& context) {
  const std::string authorization = request.Header("authorization");
  if (!authorization.empty()) {
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.size() <= kBearer.size() ||
        std::string_view(authorization).substr(0, kBearer.size()) != kBearer) {
      throw Unauthenticated("the Authorization header must be 'Bearer <token>'");
    }
    auto principal = context.auth->AuthenticateToken(authorization.substr(kBearer.size()));
    if (!principal.ok()) {
      if (principal.status().code() == Status::Code::kNotFound) {
        throw Unauthenticated("the API token is unknown, expired or revoked");
      }
      Check(principal.status());
    }
    return *principal;
  }
  const std::string secret = CookieValue(request.Header("cookie"), kSessionCookie);
  if (secret.empty()) throw Unauthenticated("log in or send an API token");
  auto principal = context.auth->AuthenticateSession(secret);
  if (!principal.ok()) {
    if (principal.status().code() == Status::Code::kNotFound) {
      throw Unauthenticated("the session has expired; log in again");
    }
    Check(principal.status());
  }
  if (IsUnsafe(request.method) &&
      !auth::ConstantTimeEquals(request.Header("x-csrf-token"), principal->csrf_token)) {
    throw ApiError(403, "csrf_failed", "send the session's CSRF token in the X-CSRF-Token header");
  }
  return *principal;
}

Handler Authed(ApiContext& context, AuthedHandler handler, bool admin_only) {
  return [&context, handler = std::move(handler), admin_only](Request& request) {
    const auth::Principal principal = Authenticate(request, context);
    if (admin_only && !principal.admin()) throw ApiError::NotFound("no such route");
    Response response = handler(request, principal);
    response.log_user = principal.user.username;
    return response;
  };
}

Json ReadBody(const Request& request) {
  const std::string type = request.Header("content-type");
  if (type.rfind("application/json", 0) != 0) {
    throw ApiError(415, "unsupported_media_type", "send the body as application/json");
  }
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) throw ApiError::BadRequest("invalid_json", "the body is not valid JSON");
  if (!body.is_object())
    throw ApiError::BadRequest("invalid_json", "the body must be a JSON object");
  return body;
}

void FinishReading(JsonReader& reader) { Check(reader.Finish()); }

void Check(const Status& status) {
  if (status.ok()) return;
  // "FIELD: PROBLEM" (JsonReader, WebsiteManager) names the field for the client.
  const std::string& message = status.message();
  const size_t colon = message.find(": ");
  if (status.code() == Status::Code::kInvalidArgument && colon != std::string::npos &&
      message.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.") == colon) {
    throw ApiError::BadRequest("invalid_field", message, {{"field", message.substr(0, colon)}});
  }
  throw ApiError::FromStatus(status);
}

std::optional<int64_t> QueryInt(const Request& request, const std::string& name, int64_t min,
                                int64_t max) {
  const auto text = request.Query(name);
  if (!text) return std::nullopt;
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    throw ApiError::BadRequest(
        "invalid_query",
        name + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max),
        {{"parameter", name}});
  }
  return value;
}

PageRequest ReadPageQuery(const Request& request) {
  PageRequest page;
  page.limit = static_cast<int>(QueryInt(request, "limit", 1, 1000).value_or(50));
  page.cursor = request.Query("cursor");
  return page;
}

}  // namespace a11y::http
