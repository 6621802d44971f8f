// A raw HTTP/1.1 server for the crawler's hostile cases. Each route writes raw bytes, so a
// test can send whatever a broken or malicious server would: slow drips, a wrong
// Content-Length, an endless body, malformed headers, redirect loops. Real servers (and
// nginx in NginxServer) refuse to misbehave on demand; this one does nothing else.
//
// One request per connection, a thread per connection, closed after the handler returns.
// Listens on 127.0.0.1 at an ephemeral port from construction until destruction.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace a11y::testing {

struct ScriptedRequest {
  std::string method;
  std::string target;  // As sent: "/a/b?x=1".
  std::string path;    // The target without its query: "/a/b".
  std::map<std::string, std::string> headers;  // Lower-case names; repeats joined by ", ".
};

// Shutdown state shared by the server and every reply, so a handler that sleeps between
// writes wakes at once when the server is destroyed instead of holding up the join.
class StopSignal {
 public:
  void Stop();
  bool stopped() const { return stopped_.load(); }
  // Sleeps for `duration` unless stopped first; returns false if stopped.
  bool SleepFor(std::chrono::milliseconds duration);

 private:
  std::atomic<bool> stopped_{false};
  std::mutex mutex_;
  std::condition_variable changed_;
};

class ScriptedReply {
 public:
  ScriptedReply(int fd, StopSignal* stop) : fd_(fd), stop_(stop) {}
  ScriptedReply(const ScriptedReply&) = delete;
  ScriptedReply& operator=(const ScriptedReply&) = delete;

  // Sends every byte; false once the client is gone (or the server shut the socket down).
  bool Write(std::string_view bytes);
  // Sends `bytes` in pieces of `chunk_size`, pausing `per_chunk` before each piece after
  // the first: a slow drip. False once the client is gone or the server is stopping.
  bool WriteSlowly(std::string_view bytes, std::chrono::milliseconds per_chunk,
                   size_t chunk_size);
  // Sleeps unless the server starts stopping first; false if it did. For handlers that
  // stall on purpose (a server that never answers).
  bool Pause(std::chrono::milliseconds duration);
  // True when the server is shutting down: long-running handlers must return.
  bool Stopping() const;

 private:
  int fd_;
  StopSignal* stop_;
  bool client_gone_ = false;
};

using ScriptedHandler = std::function<void(const ScriptedRequest&, ScriptedReply&)>;

class ScriptedServer {
 public:
  ScriptedServer();  // Listens at once; aborts the test binary if it cannot.
  // Stops accepting, shuts every open socket down, joins every thread.
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  // An exact path (query ignored). Replaces an earlier handler for the same path.
  void Route(std::string path, ScriptedHandler handler);
  // Every path starting with `prefix`; the longest prefix wins, an exact Route wins over
  // any prefix. Unrouted paths answer 404.
  void RoutePrefix(std::string prefix, ScriptedHandler handler);

  int port() const { return port_; }
  std::string base_url() const;  // "http://127.0.0.1:PORT"
  // Requests received for `path` (the target without its query), handled or not.
  int RequestCount(std::string_view path) const;
  std::vector<std::string> Targets() const;  // Request targets in arrival order.

  // A complete HTTP/1.1 response with Content-Length and Connection: close. No
  // Content-Type header when `content_type` is empty.
  static std::string Response(
      int status, std::string_view content_type, std::string_view body,
      const std::vector<std::pair<std::string, std::string>>& extra_headers = {});

 private:
  struct Connection {
    int fd = -1;  // -1 once the connection thread has closed it (under mutex_).
    std::thread thread;
    std::atomic<bool> done{false};
  };

  void AcceptLoop();
  void Serve(Connection* connection);
  ScriptedHandler FindHandler(const std::string& path) const;
  void Record(const ScriptedRequest& request);
  void CloseConnection(Connection* connection);
  void ReapFinished();

  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};  // Written by the destructor to wake the accept loop.
  int port_ = 0;
  StopSignal stop_;
  std::thread accept_thread_;

  mutable std::mutex mutex_;  // Guards everything below.
  std::map<std::string, ScriptedHandler> exact_routes_;
  std::map<std::string, ScriptedHandler> prefix_routes_;
  std::map<std::string, int, std::less<>> counts_;
  std::vector<std::string> targets_;
  std::list<std::unique_ptr<Connection>> connections_;
};

}  // namespace a11y::testing
