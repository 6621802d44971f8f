// From a parsed Beast request to a handler's Response and back to bytes: building the
// Request, the server's one try/catch, and the response heads the server writes itself.
#pragma once

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/http.h"

namespace a11y::http {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

// The handler's view of `message`: decoded path and query, lower-cased headers (repeated
// ones joined with ", ", cookies with "; "). Moves the body out of `message`.
Request MakeRequest(BeastRequest& message, const std::string& remote_address);

// The error body every failure answers with: {"error": {"code", "message", "details"}}.
Response ErrorResponse(int status, std::string code, std::string message,
                       Json details = Json::object());

// The server's one try/catch: runs `call` (a handler, or a stream source's Open or
// Closed) and turns what it throws into a Response: ApiError its status and body, a JSON
// error 400 invalid_json, anything else 500 internal (the real message is logged, not
// sent). `what` names the call in that log line.
Response CatchAll(Response (*call)(void* context), void* context, const std::string& what);
template <typename Call>
Response Guarded(Call& call, const std::string& what) {
  return CatchAll([](void* context) -> Response { return (*static_cast<Call*>(context))(); }, &call,
                  what);
}

// Routes and runs the handler for `request`, guarded; also checks what the handler
// returned (a status outside 200..599 becomes a 500).
Response Dispatch(const Router& router, Request& request);

// Appends the status line and headers of a plain response with a body of `body_size`
// bytes: Content-Length, Content-Type, Server, nosniff, Cache-Control: no-store unless the
// handler set one, Connection as `keep_alive` says, and the handler's own headers.
void AppendResponseHead(const Response& response, std::size_t body_size, bool keep_alive,
                        unsigned request_version, std::string* out);

// Appends the head of a stream's response: 200, the content type, no Content-Length,
// chunked (HTTP/1.1) or delimited by closing (HTTP/1.0), Cache-Control: no-cache,
// X-Accel-Buffering: no (so proxies pass events on at once).
void AppendStreamHead(const Response& response, bool chunked, std::string* out);

}  // namespace a11y::http
