// Which addresses the crawler may connect to. A website's links are chosen by whoever
// wrote the website, so by default the crawler refuses every address that is not on the
// public internet — loopback, private, link-local (cloud metadata at 169.254.169.254),
// multicast, reserved — checked on the resolved address of every connection, redirects
// included, so DNS tricks do not get around it. A deployment opens ranges it trusts
// (tests and local use open 127.0.0.0/8).
#pragma once

#include <sys/socket.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace a11y {

// An IPv4 or IPv6 network; IPv4 is kept as IPv4-mapped IPv6 so one comparison serves both.
struct IpNetwork {
  std::array<unsigned char, 16> address{};
  int prefix_bits = 128;
  bool Contains(const std::array<unsigned char, 16>& ip) const;
  // "10.0.0.0/8", "::1/128", or a bare address (a single host).
  static Result<IpNetwork> Parse(std::string_view text);
};

class NetworkPolicy {
 public:
  // Refuses every non-public address.
  NetworkPolicy() = default;
  // Also allows these networks.
  explicit NetworkPolicy(std::vector<IpNetwork> allowed) : allowed_(std::move(allowed)) {}
  // Allows everything: for a crawler that must reach the machine it runs on.
  static NetworkPolicy AllowAll();

  // nullopt when `address` may be connected to; otherwise why not, e.g.
  // "10.1.2.3 is a private address".
  std::optional<std::string> Refusal(const sockaddr* address) const;

 private:
  std::vector<IpNetwork> allowed_;
  bool allow_all_ = false;
};

}  // namespace a11y
