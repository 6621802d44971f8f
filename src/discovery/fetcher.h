// Many HTTP transfers at once over libcurl's multi interface: keep-alive, HTTP/2 where
// offered, compression, bounded redirects, timeouts, a body cap, and the network policy
// checked on every connection. Single-threaded: the crawler drives it from its loop.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/env.h"
#include "discovery/network_policy.h"

namespace a11y {

struct FetchOptions {
  std::string user_agent = "auto-a11y/0.1 (accessibility checker; +https://github.com/auto-a11y)";
  Micros connect_timeout = std::chrono::seconds(10);
  Micros request_timeout = std::chrono::seconds(30);  // A whole transfer, redirects included.
  // A transfer slower than this many bytes/s for low_speed_seconds is dropped.
  int low_speed_bytes_per_second = 512;
  int low_speed_seconds = 10;
  int64_t max_body_bytes = 10 << 20;
  int max_redirects = 5;
  NetworkPolicy network;
};

struct FetchRequest {
  uint64_t id = 0;  // The caller's, handed back in the result.
  std::string url;
  // Only bodies the caller will parse are downloaded: a response of another type stops
  // after its headers (recorded, not parsed).
  enum class Accept { kHtml, kAny } accept = Accept::kHtml;
};

struct FetchResult {
  uint64_t id = 0;
  std::string url;
  int status_code = 0;  // 0 when no HTTP answer came.
  std::string final_url;
  std::string content_type;  // The Content-Type header, as sent.
  std::string body;
  bool body_skipped = false;  // Not the accepted type: headers only.
  bool address_refused = false;  // The network policy refused the address (see error).
  int64_t size_bytes = 0;     // Bytes of body received (decoded).
  std::optional<std::string> error;    // Why the transfer failed.
  std::optional<Micros> retry_after;   // Retry-After of a 429 or 503.
  Micros elapsed{0};                   // The whole transfer, redirects included.
};

class Fetcher {
 public:
  explicit Fetcher(FetchOptions options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Starts a transfer.
  void Start(FetchRequest request);
  // Moves transfers on for up to `timeout` (less when one finishes) and appends the
  // finished ones to `finished`.
  void Poll(Micros timeout, std::vector<FetchResult>* finished);
  // Makes a Poll waiting on another thread return now. Thread-safe.
  void Wakeup();
  // Aborts every transfer in flight (their results are dropped).
  void AbortAll();
  size_t in_flight() const;

  // Opaque; public only so libcurl's callbacks can name them.
  struct Transfer;
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace a11y
