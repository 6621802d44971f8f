// What the server's connections share: options, router, metrics, the access log, the
// stopping flag, and the registry of live connections that Stop walks.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <spdlog/logger.h>

#include "http/http.h"
#include "http/http_metrics.h"
#include "http/server.h"

namespace a11y::http {

class Connection;

// One line of the access log (and one metrics sample), written when a request's
// response is sent, or when a stream ends.
struct AccessRecord {
  std::string_view remote;
  std::string_view method;
  std::string_view path;  // Decoded, without the query: queries may hold secrets.
  std::string_view route;
  int status = 0;
  std::size_t bytes = 0;  // Body bytes sent.
  std::chrono::microseconds duration{0};
  std::string_view user;
};

class ServerState {
 public:
  ServerState(ServerOptions options, const Router* router);

  const ServerOptions& options() const { return options_; }
  const Router& router() const { return *router_; }
  HttpMetrics& metrics() { return metrics_; }
  const HttpMetrics& metrics() const { return metrics_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  // Logs the request and records its metrics.
  void Record(const AccessRecord& record);

  // Adds a new connection; false once Stop has begun (the caller drops the connection).
  bool Register(const std::shared_ptr<Connection>& connection);
  void Unregister(const Connection* connection);
  // Sets the stopping flag and returns the connections alive at that moment; none can
  // register afterwards.
  std::vector<std::shared_ptr<Connection>> BeginStop();
  // Waits until every connection is gone or `deadline` passes; true when all are gone.
  bool WaitDrained(std::chrono::steady_clock::time_point deadline);
  std::vector<std::shared_ptr<Connection>> LiveConnections();

 private:
  const ServerOptions options_;
  const Router* const router_;
  HttpMetrics metrics_;
  std::shared_ptr<spdlog::logger> access_log_;
  std::atomic<bool> stopping_{false};

  std::mutex mu_;  // Guards connections_ and the stopping transition.
  std::condition_variable drained_;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> connections_;
};

}  // namespace a11y::http
