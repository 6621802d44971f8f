// A small blocking HTTP/1.1 client for tests over real loopback connections: one
// connection per request, or raw bytes for malformed input.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace a11y::testing {

struct HttpResult {
  int status = 0;                              // 0: no response (connection closed or failed).
  std::map<std::string, std::string> headers;  // Names lower-cased; last value wins.
  std::vector<std::string> set_cookies;        // Every Set-Cookie header.
  std::string body;
  std::string error;  // Transport error, when status is 0.

  nlohmann::json Json() const;  // Parsed body, or null.
  // A header's value (name in lower case), or "".
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  // error.code of an error body, or "".
  std::string ErrorCode() const;
};

class HttpClient {
 public:
  HttpClient(std::string host, int port) : host_(std::move(host)), port_(port) {}

  HttpResult Send(const std::string& method, const std::string& target,
                  const std::string& body = "",
                  const std::map<std::string, std::string>& headers = {}) const;
  // Writes `bytes` as they are and reads one response (or none if the server closes).
  HttpResult SendRaw(const std::string& bytes) const;

  const std::string& host() const { return host_; }
  int port() const { return port_; }

 private:
  std::string host_;
  int port_;
};

// A logged-in caller: a bearer token, or a session cookie with its CSRF token.
class ApiCaller {
 public:
  ApiCaller() = default;
  static ApiCaller WithToken(const HttpClient* client, std::string token);
  static ApiCaller WithSession(const HttpClient* client, std::string cookie, std::string csrf);

  HttpResult Get(const std::string& target) const { return Send("GET", target, nullptr); }
  HttpResult Delete(const std::string& target) const { return Send("DELETE", target, nullptr); }
  HttpResult Post(const std::string& target,
                  const nlohmann::json& body = nlohmann::json::object()) const {
    return Send("POST", target, &body);
  }
  HttpResult Patch(const std::string& target, const nlohmann::json& body) const {
    return Send("PATCH", target, &body);
  }
  HttpResult Send(const std::string& method, const std::string& target,
                  const nlohmann::json* body) const;

  std::map<std::string, std::string> headers;  // Sent with every request.

 private:
  const HttpClient* client_ = nullptr;
};

struct SseEvent {
  std::string id;
  std::string event;
  std::string data;
};

// A Server-Sent Events client: reads a text/event-stream response as it arrives.
class SseClient {
 public:
  SseClient();
  ~SseClient();
  // Sends the GET and reads the response head. True for a 200 event stream; otherwise
  // *head holds the (error) response.
  bool Connect(const HttpClient& client, const std::string& target,
               const std::map<std::string, std::string>& headers, HttpResult* head);
  // Reads until `until` accepts the events so far, the stream ends, or `timeout` passes.
  // Returns every event received since Connect.
  const std::vector<SseEvent>& ReadUntil(
      const std::function<bool(const std::vector<SseEvent>&)>& until,
      std::chrono::milliseconds timeout = std::chrono::seconds(30));
  bool ended() const { return ended_; }
  int keepalives() const { return keepalives_; }

 private:
  struct Impl;
  void Parse();
  std::unique_ptr<Impl> impl_;
  std::vector<SseEvent> events_;
  std::string pending_;  // Body text not yet parsed into events.
  size_t consumed_ = 0;  // Bytes of the body already moved to pending_.
  bool ended_ = false;
  int keepalives_ = 0;
};

}  // namespace a11y::testing
