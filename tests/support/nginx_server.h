// A real nginx serving a directory on 127.0.0.1, for crawls that should meet a real,
// well-behaved web server (keep-alive, gzip, sendfile, its MIME types and its 404s)
// rather than the test's own idea of one. Hostile servers are ScriptedServer's job.
//
// nginx runs as a non-daemon child in its own process group with a private temporary
// prefix (config, logs, pid file, temp paths), so it runs as root or as any user and two
// tests never share anything. Its access log records "$request_uri $status" per request.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace a11y::testing {

class NginxServer {
 public:
  // Serves `root` (made absolute). Returns once the port accepts connections (at most
  // ~10 s). kUnavailable when /usr/sbin/nginx is not installed, so a test can
  // GTEST_SKIP() with the message; kIoError/kInternal, with nginx's own error log, when
  // it is installed but does not come up.
  static Result<std::unique_ptr<NginxServer>> Start(const std::filesystem::path& root);

  // SIGQUIT (graceful), a bounded wait, SIGKILL to the whole process group if needed;
  // then removes the temporary prefix.
  ~NginxServer();
  NginxServer(const NginxServer&) = delete;
  NginxServer& operator=(const NginxServer&) = delete;

  int port() const { return port_; }
  std::string base_url() const;  // "http://127.0.0.1:PORT"

  // Request URIs ($request_uri: path and query, as sent) in the order nginx finished
  // them. nginx writes a line after the response is sent, so a client can see the
  // response a moment before its line lands: poll (WaitUntil) rather than assert at once.
  std::vector<std::string> AccessLog() const;
  // How many access-log lines have exactly this URI.
  int CountRequests(std::string_view uri) const;
  // The HTTP status of each access-log line, in the same order as AccessLog().
  std::vector<int> AccessLogStatuses() const;

  const std::filesystem::path& temp_dir() const { return temp_dir_; }

 private:
  NginxServer() = default;

  pid_t pid_ = -1;
  int port_ = 0;
  std::filesystem::path temp_dir_;
};

}  // namespace a11y::testing
