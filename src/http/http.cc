#include "http/http.h"

#include <spdlog/spdlog.h>

#include "core/ascii.h"
#include "http/url.h"

namespace a11y::http {

std::string Request::Header(const std::string& name) const {
  auto found = headers.find(name);
  if (found == headers.end()) {
    const std::string lower = ToLowerAscii(name);
    if (lower == name) return {};
    found = headers.find(lower);
    if (found == headers.end()) return {};
  }
  return found->second;
}

std::optional<std::string> Request::Query(const std::string& name) const {
  const auto found = query.find(name);
  if (found == query.end()) return std::nullopt;
  return found->second;
}

Response Response::Json(int status, const nlohmann::json& value) {
  Response response;
  response.status = status;
  // Stored text (page titles, URLs) may hold invalid UTF-8; a response must not throw on it.
  response.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

Response Response::NoContent() {
  Response response;
  response.status = 204;
  response.content_type.clear();  // A 204 has no body, so no type either.
  return response;
}

Json ApiError::ToJson() const {
  return Json{{"error", {{"code", code_}, {"message", what()}, {"details", details_}}}};
}

ApiError ApiError::FromStatus(const Status& status) {
  using Code = Status::Code;
  switch (status.code()) {
    case Code::kInvalidArgument: return {400, "invalid_argument", status.message()};
    case Code::kNotFound: return {404, "not_found", status.message()};
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition: return {409, "conflict", status.message()};
    case Code::kUnavailable: return {503, "unavailable", status.message()};
    default: break;
  }
  // Internal messages (SQL, file paths) are for the operator, not for the client.
  spdlog::error("internal error answered as 500: {}", status.ToString());
  return {500, "internal", "internal server error"};
}

}  // namespace a11y::http
