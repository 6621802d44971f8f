#include "http/dispatch.h"

#include <charconv>
#include <exception>

#include <boost/beast/http/status.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "core/ascii.h"
#include "http/url.h"

namespace a11y::http {
namespace {

namespace beast_http = boost::beast::http;

bool HasHeader(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (EqualsIgnoreCase(key, name)) return true;
  }
  return false;
}

// A handler's header must not be able to end the head early (response splitting).
bool IsSafeHeader(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c <= ' ' || c == ':' || c == 127) return false;
  }
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

void AppendNumber(std::string* out, std::size_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof(digits), value);
  out->append(digits, result.ptr);
}

void AppendStatusLine(int status, std::string* out) {
  out->append("HTTP/1.1 ");
  AppendNumber(out, static_cast<std::size_t>(status));
  out->push_back(' ');
  const auto reason = beast_http::obsolete_reason(static_cast<beast_http::status>(status));
  if (reason.empty() || reason.front() != '<') out->append(reason.data(), reason.size());
  out->append("\r\n");
}

void AppendHeader(std::string_view name, std::string_view value, std::string* out) {
  if (!IsSafeHeader(name, value)) {
    spdlog::warn("http: dropped an unsafe response header '{}'", name);
    return;
  }
  out->append(name);
  out->append(": ");
  out->append(value);
  out->append("\r\n");
}

void AppendExtraHeaders(const Response& response, std::string* out) {
  for (const auto& [name, value] : response.headers) AppendHeader(name, value, out);
}

// 1xx, 204 and 304 responses have no body and no Content-Length.
bool StatusHasBody(int status) { return status >= 200 && status != 204 && status != 304; }

}  // namespace

Request MakeRequest(BeastRequest& message, const std::string& remote_address) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.path = PercentDecode(TargetPath(request.target));
  ParseQuery(TargetQuery(request.target), &request.query);
  for (const auto& field : message) {
    const auto name = field.name_string();
    const auto value = field.value();
    auto [entry, inserted] = request.headers.try_emplace(ToLowerAscii({name.data(), name.size()}),
                                                         value.data(), value.size());
    if (!inserted) {
      entry->second.append(entry->first == "cookie" ? "; " : ", ");
      entry->second.append(value.data(), value.size());
    }
  }
  request.body = std::move(message.body());
  request.remote_address = remote_address;
  request.websocket = boost::beast::websocket::is_upgrade(message);
  return request;
}

Response ErrorResponse(int status, std::string code, std::string message, Json details) {
  Json body = {{"error",
                {{"code", std::move(code)},
                 {"message", std::move(message)},
                 {"details", std::move(details)}}}};
  return Response::Json(status, body);
}

Response CatchAll(Response (*call)(void* context), void* context, const std::string& what) {
  try {
    return call(context);
  } catch (const ApiError& error) {
    Response response = ErrorResponse(error.status(), error.code(), error.what(), error.details());
    const Json& allow =
        error.details().is_object() ? error.details().value("allow", Json()) : Json();
    if (error.status() == 405 && allow.is_array()) {
      std::string methods;
      for (const Json& method : allow) {
        if (!method.is_string()) continue;
        if (!methods.empty()) methods += ", ";
        methods += method.get<std::string>();
      }
      response.headers.emplace_back("Allow", std::move(methods));
    }
    return response;
  } catch (const nlohmann::json::exception& error) {
    return ErrorResponse(400, "invalid_json", std::string("invalid JSON: ") + error.what());
  } catch (const std::exception& error) {
    spdlog::error("http: {} threw: {}", what, error.what());
    return ErrorResponse(500, "internal", "internal server error");
  } catch (...) {
    spdlog::error("http: {} threw something that is not a std::exception", what);
    return ErrorResponse(500, "internal", "internal server error");
  }
}

Response Dispatch(const Router& router, Request& request) {
  auto call = [&]() -> Response { return router.Match(request)(request); };
  // The log names the handler by its route, which Match fills in before the call.
  Response response = Guarded(call, request.route);
  if (response.status < 200 || response.status > 599) {
    spdlog::error("http: handler for {} {} returned status {}", request.method, request.route,
                  response.status);
    return ErrorResponse(500, "internal", "internal server error");
  }
  return response;
}

void AppendResponseHead(const Response& response, std::size_t body_size, bool keep_alive,
                        unsigned request_version, std::string* out) {
  AppendStatusLine(response.status, out);
  out->append("Server: auto-a11y\r\n");
  if (StatusHasBody(response.status)) {
    if (!response.content_type.empty()) AppendHeader("Content-Type", response.content_type, out);
    out->append("Content-Length: ");
    AppendNumber(out, body_size);
    out->append("\r\n");
  }
  out->append("X-Content-Type-Options: nosniff\r\n");
  if (!HasHeader(response, "cache-control")) out->append("Cache-Control: no-store\r\n");
  if (!keep_alive) {
    out->append("Connection: close\r\n");
  } else if (request_version < 11) {
    out->append("Connection: keep-alive\r\n");
  }
  AppendExtraHeaders(response, out);
  out->append("\r\n");
}

void AppendStreamHead(const Response& response, bool chunked, std::string* out) {
  AppendStatusLine(200, out);
  out->append("Server: auto-a11y\r\n");
  AppendHeader("Content-Type", response.content_type, out);
  out->append("X-Content-Type-Options: nosniff\r\n");
  if (!HasHeader(response, "cache-control")) out->append("Cache-Control: no-cache\r\n");
  out->append("X-Accel-Buffering: no\r\n");
  out->append(chunked ? "Transfer-Encoding: chunked\r\n" : "Connection: close\r\n");
  AppendExtraHeaders(response, out);
  out->append("\r\n");
}

}  // namespace a11y::http
