#include "tests/support/scripted_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace a11y::testing {
namespace {

constexpr size_t kMaxRequestHead = 64 * 1024;
// After the response, how long to wait for the client's FIN before closing. Closing with
// unread input makes the kernel send RST, which can destroy a response the client has not
// read yet; a short drain avoids that without letting a silent client hold the thread.
constexpr int kDrainMillis = 200;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "ScriptedServer: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

int ListenOnLoopback(int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) Die("socket");
  const int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) Die("SO_REUSEADDR");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // Ephemeral: parallel tests never collide.
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) Die("bind");
  if (listen(fd, 128) != 0) Die("listen");
  socklen_t length = sizeof(address);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    Die("getsockname");
  }
  *port = ntohs(address.sin_port);
  return fd;
}

// Reads until the blank line that ends the head. False on EOF, error or an oversized
// head; the body (if any) is ignored: one GET per connection.
bool ReadHead(int fd, std::string* head) {
  char buffer[4096];
  while (head->find("\r\n\r\n") == std::string::npos) {
    if (head->size() >= kMaxRequestHead) return false;
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    head->append(buffer, static_cast<size_t>(n));
  }
  head->resize(head->find("\r\n\r\n"));
  return true;
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  const size_t end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

// Lenient on purpose: the server exists to observe clients, not to police them.
bool ParseHead(std::string_view head, ScriptedRequest* request) {
  size_t line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const size_t first_space = request_line.find(' ');
  if (first_space == std::string_view::npos) return false;
  const size_t second_space = request_line.find(' ', first_space + 1);
  request->method = std::string(request_line.substr(0, first_space));
  request->target = std::string(request_line.substr(first_space + 1, second_space - first_space - 1));
  request->path = request->target.substr(0, request->target.find('?'));
  while (line_end != std::string_view::npos) {
    const size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string_view line = head.substr(start, line_end - start);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name = Lower(std::string(line.substr(0, colon)));
    std::string value = Trim(line.substr(colon + 1));
    auto [it, inserted] = request->headers.emplace(std::move(name), value);
    if (!inserted) it->second += ", " + value;
  }
  return true;
}

// Sends FIN, then waits briefly for the client's, so the close does not turn into RST.
void DrainBeforeClose(int fd) {
  shutdown(fd, SHUT_WR);
  char buffer[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kDrainMillis);
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd waiting{fd, POLLIN, 0};
    const int ready = poll(&waiting, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return;
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
  }
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 410: return "Gone";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
  }
}

}  // namespace

void StopSignal::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  changed_.notify_all();
}

bool StopSignal::SleepFor(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !changed_.wait_for(lock, duration, [this] { return stopped_.load(); });
}

bool ScriptedReply::Write(std::string_view bytes) {
  while (!bytes.empty() && !client_gone_) {
    // MSG_NOSIGNAL: a client that hung up must be a false return, not a dead test binary.
    const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      client_gone_ = true;
      break;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return !client_gone_;
}

bool ScriptedReply::WriteSlowly(std::string_view bytes, std::chrono::milliseconds per_chunk,
                                size_t chunk_size) {
  if (chunk_size == 0) chunk_size = 1;
  bool first = true;
  while (!bytes.empty()) {
    if (!first && !Pause(per_chunk)) return false;
    first = false;
    const size_t size = std::min(chunk_size, bytes.size());
    if (!Write(bytes.substr(0, size))) return false;
    bytes.remove_prefix(size);
  }
  return true;
}

bool ScriptedReply::Pause(std::chrono::milliseconds duration) {
  return stop_->SleepFor(duration);
}

bool ScriptedReply::Stopping() const { return stop_->stopped(); }

ScriptedServer::ScriptedServer() {
  listen_fd_ = ListenOnLoopback(&port_);
  if (pipe2(wake_pipe_, O_CLOEXEC) != 0) Die("pipe2");
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

ScriptedServer::~ScriptedServer() {
  stop_.Stop();
  // Wake the accept loop; a failed write only means it is already awake.
  [[maybe_unused]] const ssize_t ignored = write(wake_pipe_[1], "x", 1);
  accept_thread_.join();
  std::list<std::unique_ptr<Connection>> connections;
  {
    std::lock_guard lock(mutex_);
    // Shutdown (not close) wakes threads blocked in recv/send without freeing the fd
    // number under them; each thread still closes its own fd.
    for (const auto& connection : connections_) {
      if (connection->fd >= 0) shutdown(connection->fd, SHUT_RDWR);
    }
    connections.swap(connections_);
  }
  for (auto& connection : connections) connection->thread.join();
  close(listen_fd_);
  close(wake_pipe_[0]);
  close(wake_pipe_[1]);
}

void ScriptedServer::Route(std::string path, ScriptedHandler handler) {
  std::lock_guard lock(mutex_);
  exact_routes_[std::move(path)] = std::move(handler);
}

void ScriptedServer::RoutePrefix(std::string prefix, ScriptedHandler handler) {
  std::lock_guard lock(mutex_);
  prefix_routes_[std::move(prefix)] = std::move(handler);
}

std::string ScriptedServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

int ScriptedServer::RequestCount(std::string_view path) const {
  std::lock_guard lock(mutex_);
  const auto it = counts_.find(path);
  return it == counts_.end() ? 0 : it->second;
}

std::vector<std::string> ScriptedServer::Targets() const {
  std::lock_guard lock(mutex_);
  return targets_;
}

std::string ScriptedServer::Response(
    int status, std::string_view content_type, std::string_view body,
    const std::vector<std::pair<std::string, std::string>>& extra_headers) {
  std::string response = "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) + "\r\n";
  if (!content_type.empty()) response += "Content-Type: " + std::string(content_type) + "\r\n";
  response += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  response += "Connection: close\r\n";
  for (const auto& [name, value] : extra_headers) response += name + ": " + value + "\r\n";
  response += "\r\n";
  response += body;
  return response;
}

void ScriptedServer::AcceptLoop() {
  pollfd waiting[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
  while (!stop_.stopped()) {
    const int ready = poll(waiting, 2, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) Die("poll");
    if (waiting[1].revents != 0) return;  // The destructor is waiting.
    if (waiting[0].revents == 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;  // EINTR, ECONNABORTED, EMFILE...: try again on the next poll.
    ReapFinished();
    // The thread is stored under the lock, so the destructor never finds a connection
    // whose thread it cannot join yet.
    std::lock_guard lock(mutex_);
    auto connection = std::make_unique<Connection>();
    connection->fd = fd;
    Connection* raw = connection.get();
    connections_.push_back(std::move(connection));
    raw->thread = std::thread([this, raw] { Serve(raw); });
  }
}

// Joins threads whose connection is over, so a test making thousands of requests does
// not keep thousands of finished threads (and their stacks) until the destructor.
void ScriptedServer::ReapFinished() {
  std::list<std::unique_ptr<Connection>> finished;
  {
    std::lock_guard lock(mutex_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      auto next = std::next(it);
      if ((*it)->done) finished.splice(finished.end(), connections_, it);
      it = next;
    }
  }
  for (auto& connection : finished) connection->thread.join();
}

void ScriptedServer::Serve(Connection* connection) {
  // Reading the fd without the lock is safe: only this thread closes it.
  const int fd = connection->fd;
  std::string head;
  ScriptedRequest request;
  ScriptedReply reply(fd, &stop_);
  if (ReadHead(fd, &head) && ParseHead(head, &request)) {
    Record(request);
    const ScriptedHandler handler = FindHandler(request.path);
    if (handler) {
      handler(request, reply);
    } else {
      reply.Write(Response(404, "text/plain", "not found\n"));
    }
  } else if (head.size() >= kMaxRequestHead) {
    reply.Write(Response(431, "text/plain", "request head too large\n"));
  }
  if (!stop_.stopped()) DrainBeforeClose(fd);
  CloseConnection(connection);
}

ScriptedHandler ScriptedServer::FindHandler(const std::string& path) const {
  std::lock_guard lock(mutex_);
  if (const auto exact = exact_routes_.find(path); exact != exact_routes_.end()) {
    return exact->second;
  }
  const ScriptedHandler* best = nullptr;
  size_t best_length = 0;
  for (const auto& [prefix, handler] : prefix_routes_) {
    if (path.compare(0, prefix.size(), prefix) == 0 && (!best || prefix.size() > best_length)) {
      best = &handler;
      best_length = prefix.size();
    }
  }
  return best ? *best : ScriptedHandler();
}

void ScriptedServer::Record(const ScriptedRequest& request) {
  std::lock_guard lock(mutex_);
  targets_.push_back(request.target);
  ++counts_[request.path];
}

// Close and forget the fd in one step under the lock, so the destructor never shuts down
// an fd number that has already been reused by someone else.
void ScriptedServer::CloseConnection(Connection* connection) {
  std::lock_guard lock(mutex_);
  close(connection->fd);
  connection->fd = -1;
  connection->done = true;
}

}  // namespace a11y::testing
