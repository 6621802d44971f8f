// The HTTP layer's vocabulary: requests, responses, long-lived streams, the one error type
// handlers throw, and the router. Handlers are plain functions (Request -> Response); the
// server catches at exactly one place, at dispatch, and turns what it caught into
// {"error": {"code", "message", "details"}} with the right status.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace a11y::http {

using Json = nlohmann::json;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // As sent: path and query.
  std::string path;    // Percent-decoded path, without the query.
  std::multimap<std::string, std::string> query;  // Decoded names and values.
  std::map<std::string, std::string> headers;     // Names lower-cased.
  std::string body;
  std::map<std::string, std::string> path_params;  // {name} segments of the route.
  std::string route;           // The matched pattern, e.g. "/api/v1/jobs/{id}".
  std::string remote_address;  // Peer IP.
  bool websocket = false;      // A WebSocket upgrade request.

  // Header value or "" (name in any case).
  std::string Header(const std::string& name) const;
  // First value of a query parameter.
  std::optional<std::string> Query(const std::string& name) const;
  const std::string& Param(const std::string& name) const { return path_params.at(name); }
};

// Sends the chunks of a long-lived response: Server-Sent Events text, or one WebSocket
// text message per chunk on an upgraded connection. May be used from any thread.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Queues `chunk`; false once the connection is closed or the client is too slow to keep
  // up (its queue passed the server's limit), in which case the connection is closed.
  virtual bool Write(std::string chunk) = 0;
  // Ends the response and closes the connection.
  virtual void Close() = 0;
};

// Produces a streamed response body. The server calls Open once the head is sent, and
// Closed once the connection ends (client gone, Close(), or server shutdown); after
// Closed the source must drop its writer.
class StreamSource {
 public:
  virtual ~StreamSource() = default;
  virtual void Open(std::shared_ptr<StreamWriter> writer) = 0;
  virtual void Closed() = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // Extra headers, e.g. Set-Cookie.
  std::string body;
  // When set, the body is streamed (SSE: content_type "text/event-stream"; WebSocket:
  // after the upgrade) and `body` is ignored.
  std::shared_ptr<StreamSource> stream;
  // Who made the request, for the access log ("" when anonymous).
  std::string log_user;

  static Response Json(int status, const nlohmann::json& value);
  static Response NoContent();
};

// The error a handler throws to answer with a 4xx/5xx. `code` is a stable snake_case
// name clients can switch on; `message` a sentence a person can act on.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, std::string message, Json details = Json::object())
      : std::runtime_error(message),
        status_(status),
        code_(std::move(code)),
        details_(std::move(details)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const Json& details() const { return details_; }
  Json ToJson() const;  // {"error": {"code", "message", "details"}}

  static ApiError BadRequest(std::string code, std::string message, Json details = Json::object()) {
    return {400, std::move(code), std::move(message), std::move(details)};
  }
  static ApiError NotFound(std::string message) { return {404, "not_found", std::move(message)}; }
  // Maps a store Status: invalid_argument 400, not_found 404, already_exists and
  // failed_precondition 409, unavailable 503, anything else 500.
  static ApiError FromStatus(const Status& status);

 private:
  int status_;
  std::string code_;
  Json details_;
};

using Handler = std::function<Response(Request&)>;

// Routes "METHOD /path/{param}/..." to handlers. A path that matches no pattern is 404; a
// path that matches with another method is 405 with an Allow header.
class Router {
 public:
  void Add(const std::string& method, const std::string& pattern, Handler handler);
  // Every registered "METHOD pattern", in registration order (for the OpenAPI check).
  std::vector<std::string> Routes() const;
  // Finds the handler and fills request.path_params and request.route; throws ApiError
  // 404 / 405 when there is none.
  const Handler& Match(Request& request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" matches one non-empty segment.
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace a11y::http
