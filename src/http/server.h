// The HTTP/1.1 server of `auto-a11y serve`: Boost.Beast, asynchronous, a few io threads.
// It parses requests, routes them, calls the handler on the io thread that read the
// request, and writes the response; it also carries long-lived streams (Server-Sent
// Events, WebSocket) without a thread each. Handlers are plain functions; the server
// catches what they throw at one place (see dispatch.cc) and answers with a JSON error.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/http.h"

namespace a11y::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; IPv6 as [::1]:8080; port 0 = any free.
  int io_threads = 2;
  std::size_t max_body_bytes = 1 << 20;     // Larger: 413 payload_too_large, then close.
  std::size_t max_header_bytes = 16 << 10;  // Request line and headers; larger: 431, close.
  // From a request's first byte to its last (also the wait for the first request on a new
  // connection, and the time a client may take to read a response): 408, then close.
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds idle_timeout{60000};  // Keep-alive wait for the next request.
  std::size_t max_stream_queue_bytes = 4 << 20;   // A stream client further behind is dropped.
  std::chrono::milliseconds shutdown_grace{10000};
};

class ServerState;

class HttpServer {
 public:
  // REQUIRES: router outlives the server and is not changed once Start is called.
  HttpServer(ServerOptions options, const Router* router);
  // Stops if running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the io threads. kInvalidArgument for a bad listen string or
  // options, kIoError when the address cannot be bound (the message names it),
  // kFailedPrecondition when called twice. A server is started at most once.
  Status Start();
  // The bound port (the chosen one when listen asked for port 0); 0 before Start.
  int port() const;
  // "http://HOST:PORT" for clients on this machine: an unspecified listen address
  // (0.0.0.0, [::]) is given as the loopback address.
  std::string base_url() const;
  // Graceful: stops accepting; closes idle keep-alive connections; lets requests in
  // flight finish and answers them with "Connection: close" (up to shutdown_grace); ends
  // streams (StreamSource::Closed) and closes their connections; joins the io threads.
  // When the grace runs out, whatever is left is dropped. Idempotent.
  // REQUIRES: not called from a handler or a stream source (it waits for them).
  void Stop();

  // Requests by method, route pattern and status; latency by route; open connections
  // and streams. Prometheus text format.
  std::string PrometheusText() const;

 private:
  class Impl;
  std::unique_ptr<ServerState> state_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace a11y::http
