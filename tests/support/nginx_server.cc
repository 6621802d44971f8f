#include "tests/support/nginx_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace a11y::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kNginx[] = "/usr/sbin/nginx";
constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr auto kStopTimeout = std::chrono::seconds(5);
constexpr int kMaxAttempts = 5;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// nginx string syntax: double quotes, with backslash escapes for quotes and backslashes.
std::string Quote(const fs::path& path) {
  std::string quoted = "\"";
  for (const char c : path.string()) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

// A port that was free a moment ago. Another process may take it before nginx binds;
// Start() then sees nginx fail with "Address already in use" and tries a new one.
int PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

bool AcceptsConnections(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  int rc;
  do {
    rc = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  } while (rc != 0 && errno == EINTR);
  close(fd);
  return rc == 0;
}

std::string TypesBlock() {
  return "  types {\n"
         "    text/html html;\n"
         "    application/xml xml;\n"
         "    text/plain txt;\n"
         "    application/pdf pdf;\n"
         "    application/gzip gz;\n"
         "    image/png png;\n"
         "  }\n"
         "  default_type application/octet-stream;\n";
}

std::string Config(const fs::path& temp, const fs::path& root, int port) {
  std::string config = "daemon off;\nmaster_process on;\nworker_processes 1;\n";
  // As root, nginx would drop its workers to "nobody", who cannot read a test's
  // mkdtemp (0700) folders; not as root, the directive is ignored with a warning, so it
  // is written only when it matters.
  if (geteuid() == 0) config += "user root;\n";
  config += "pid " + Quote(temp / "nginx.pid") + ";\n";
  config += "error_log " + Quote(temp / "error.log") + " warn;\n";
  config += "events { worker_connections 1024; }\n";
  config += "http {\n";
  config += "  log_format a11y '$request_uri $status';\n";
  // Unbuffered (no buffer= or flush=): each line is written as its request ends.
  config += "  access_log " + Quote(temp / "access.log") + " a11y;\n";
  config += "  sendfile on;\n  keepalive_requests 100000;\n";
  // text/html is always compressed once gzip is on; listing it again draws a
  // "duplicate MIME type" warning.
  config += "  gzip on;\n  gzip_types application/xml text/xml;\n";
  config += TypesBlock();
  // The compiled-in temp paths live under /var/lib/nginx, writable by root only.
  for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    config += "  " + std::string(kind) + "_temp_path " + Quote(temp / kind) + ";\n";
  }
  config += "  server {\n    listen 127.0.0.1:" + std::to_string(port) + ";\n";
  config += "    root " + Quote(root) + ";\n  }\n}\n";
  return config;
}

// Starts nginx in a process group of its own, so a SIGKILL fallback reaches the worker
// too (a killed master leaves its worker running and holding the port otherwise).
pid_t SpawnNginx(const fs::path& temp) {
  const std::string prefix = temp.string() + "/";
  const std::string conf = (temp / "nginx.conf").string();
  const std::string error_log = (temp / "error.log").string();
  const std::string output = (temp / "output.log").string();
  std::vector<std::string> argv = {kNginx, "-p", prefix, "-c", conf, "-e", error_log};
  std::vector<char*> args;
  for (auto& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // The test binary may block or ignore signals (servers under test often do); nginx
  // must start with the defaults or SIGQUIT might never reach it.
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (const int s : {SIGPIPE, SIGQUIT, SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2}) {
    sigaddset(&defaults, s);
  }
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                            POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  if (posix_spawn(&pid, kNginx, &actions, &attributes, args.data(), environ) != 0) pid = -1;
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

enum class Startup { kReady, kExited, kTimedOut };

// nginx writes its pid file only after binding every listen socket, so "pid file holds
// our child's pid" plus "the port accepts" means it is our nginx that answers, not some
// other process that grabbed the port in between.
Startup WaitForStartup(pid_t pid, const fs::path& temp, int port, Clock::time_point deadline) {
  while (Clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return Startup::kExited;
    const std::string pid_text = ReadFile(temp / "nginx.pid");
    if (!pid_text.empty() && std::atoi(pid_text.c_str()) == pid && AcceptsConnections(port)) {
      return Startup::kReady;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Startup::kTimedOut;
}

std::string Tail(const std::string& text, size_t max) {
  return text.size() <= max ? text : "..." + text.substr(text.size() - max);
}

std::string Diagnostics(const fs::path& temp) {
  return Tail(ReadFile(temp / "error.log") + ReadFile(temp / "output.log"), 2000);
}

// Kills the whole group and reaps the master: for a failed or stuck start.
void KillGroup(pid_t pid) {
  kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

Result<std::unique_ptr<NginxServer>> NginxServer::Start(const std::filesystem::path& root) {
  if (access(kNginx, X_OK) != 0) {
    return Status::Unavailable(std::string(kNginx) +
                               " not found: install the Debian package nginx to run this test");
  }
  std::error_code error;
  const fs::path absolute_root = fs::absolute(root, error);
  if (error || !fs::is_directory(absolute_root)) {
    return Status::InvalidArgument("not a directory: " + root.string());
  }
  std::string pattern = (fs::temp_directory_path() / "a11y-nginx-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::IoError("mkdtemp " + pattern + ": " + std::strerror(errno));
  }
  std::unique_ptr<NginxServer> server(new NginxServer());
  server->temp_dir_ = pattern;  // From here on the destructor cleans up.

  const auto deadline = Clock::now() + kStartTimeout;
  for (int attempt = 0; attempt < kMaxAttempts && Clock::now() < deadline; ++attempt) {
    const int port = PickFreePort();
    if (port <= 0) return Status::IoError("no free port on 127.0.0.1");
    fs::remove(server->temp_dir_ / "nginx.pid", error);
    if (!WriteFile(server->temp_dir_ / "nginx.conf", Config(server->temp_dir_, absolute_root, port))) {
      return Status::IoError("cannot write " + (server->temp_dir_ / "nginx.conf").string());
    }
    const pid_t pid = SpawnNginx(server->temp_dir_);
    if (pid <= 0) return Status::IoError(std::string("cannot start ") + kNginx);
    switch (WaitForStartup(pid, server->temp_dir_, port, deadline)) {
      case Startup::kReady:
        server->pid_ = pid;
        server->port_ = port;
        return server;
      case Startup::kTimedOut:
        KillGroup(pid);
        return Status::Unavailable("nginx did not accept connections within 10 s: " +
                                   Diagnostics(server->temp_dir_));
      case Startup::kExited:
        // Lost the race for the port: try another. Anything else is a real failure.
        if (Diagnostics(server->temp_dir_).find("Address already in use") == std::string::npos) {
          return Status::Internal("nginx exited at startup: " + Diagnostics(server->temp_dir_));
        }
        break;
    }
  }
  return Status::Unavailable("nginx could not bind a free port: " + Diagnostics(server->temp_dir_));
}

NginxServer::~NginxServer() {
  if (pid_ > 0) {
    // SIGQUIT is nginx's graceful shutdown: workers finish their requests, then exit,
    // then the master does.
    kill(pid_, SIGQUIT);
    const auto deadline = Clock::now() + kStopTimeout;
    bool reaped = false;
    while (!reaped && Clock::now() < deadline) {
      int status = 0;
      reaped = waitpid(pid_, &status, WNOHANG) == pid_;
      if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    // Only while the master is unreaped is its pid (the group id) surely still ours.
    if (!reaped) KillGroup(pid_);
  }
  std::error_code ignored;
  if (!temp_dir_.empty()) fs::remove_all(temp_dir_, ignored);
}

std::string NginxServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::vector<std::string> NginxServer::AccessLog() const {
  std::vector<std::string> uris;
  std::istringstream lines(ReadFile(temp_dir_ / "access.log"));
  // A line is "$request_uri $status"; split at the last space, as the URI is what nginx
  // received and is not guaranteed to be free of them.
  for (std::string line; std::getline(lines, line);) {
    uris.push_back(line.substr(0, line.rfind(' ')));
  }
  return uris;
}

std::vector<int> NginxServer::AccessLogStatuses() const {
  std::vector<int> statuses;
  std::istringstream lines(ReadFile(temp_dir_ / "access.log"));
  for (std::string line; std::getline(lines, line);) {
    const size_t space = line.rfind(' ');
    statuses.push_back(space == std::string::npos ? 0 : std::atoi(line.c_str() + space + 1));
  }
  return statuses;
}

int NginxServer::CountRequests(std::string_view uri) const {
  int count = 0;
  for (const auto& logged : AccessLog()) count += logged == uri ? 1 : 0;
  return count;
}

}  // namespace a11y::testing
