#include "discovery/network_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace a11y {
namespace {

using Ip = std::array<unsigned char, 16>;

Ip MappedV4(const unsigned char v4[4]) {
  Ip ip{};
  ip[10] = ip[11] = 0xff;
  std::memcpy(ip.data() + 12, v4, 4);
  return ip;
}

struct Blocked {
  const char* network;
  const char* kind;
};

// Everything that is not a public unicast address (IANA special-purpose registries).
constexpr Blocked kBlocked[] = {
    {"0.0.0.0/8", "an unspecified"},        {"10.0.0.0/8", "a private"},
    {"100.64.0.0/10", "a shared (CGNAT)"},  {"127.0.0.0/8", "a loopback"},
    {"169.254.0.0/16", "a link-local"},     {"172.16.0.0/12", "a private"},
    {"192.0.0.0/24", "a reserved"},         {"192.168.0.0/16", "a private"},
    {"198.18.0.0/15", "a benchmarking"},    {"224.0.0.0/4", "a multicast"},
    {"240.0.0.0/4", "a reserved"},          {"::/128", "an unspecified"},
    {"::1/128", "a loopback"},              {"fc00::/7", "a private"},
    {"fe80::/10", "a link-local"},          {"ff00::/8", "a multicast"},
};

const std::vector<std::pair<IpNetwork, const char*>>& BlockedNetworks() {
  static const auto* networks = [] {
    auto* list = new std::vector<std::pair<IpNetwork, const char*>>();
    for (const Blocked& b : kBlocked) list->emplace_back(*IpNetwork::Parse(b.network), b.kind);
    return list;
  }();
  return *networks;
}

// NAT64 (64:ff9b::/96) and IPv4-compatible forms reach an IPv4 address: judge that one.
Ip Canonical(const Ip& ip) {
  static const unsigned char kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(ip.data(), kNat64, 12) == 0) return MappedV4(ip.data() + 12);
  return ip;
}

std::string Format(const Ip& ip) {
  char text[INET6_ADDRSTRLEN] = {};
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(ip.data(), kMapped, 12) == 0) {
    inet_ntop(AF_INET, ip.data() + 12, text, sizeof text);
  } else {
    inet_ntop(AF_INET6, ip.data(), text, sizeof text);
  }
  return text;
}

}  // namespace

bool IpNetwork::Contains(const Ip& ip) const {
  const int whole = prefix_bits / 8;
  if (std::memcmp(address.data(), ip.data(), whole) != 0) return false;
  const int rest = prefix_bits % 8;
  if (rest == 0) return true;
  const unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (address[whole] & mask) == (ip[whole] & mask);
}

Result<IpNetwork> IpNetwork::Parse(std::string_view text) {
  const size_t slash = text.find('/');
  const std::string host(text.substr(0, slash));
  IpNetwork network;
  int max_bits = 128;
  unsigned char v4[4];
  if (inet_pton(AF_INET, host.c_str(), v4) == 1) {
    network.address = MappedV4(v4);
    max_bits = 32;
  } else if (inet_pton(AF_INET6, host.c_str(), network.address.data()) != 1) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not an IP address or network");
  }
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (error != std::errc() || end != digits.data() + digits.size() || bits < 0 ||
        bits > max_bits) {
      return Status::InvalidArgument("'" + std::string(text) + "' has a bad prefix length");
    }
  }
  network.prefix_bits = bits + (128 - max_bits);
  return network;
}

NetworkPolicy NetworkPolicy::AllowAll() {
  NetworkPolicy policy;
  policy.allow_all_ = true;
  return policy;
}

std::optional<std::string> NetworkPolicy::Refusal(const sockaddr* address) const {
  Ip ip{};
  if (address->sa_family == AF_INET) {
    ip = MappedV4(reinterpret_cast<const unsigned char*>(
        &reinterpret_cast<const sockaddr_in*>(address)->sin_addr));
  } else if (address->sa_family == AF_INET6) {
    std::memcpy(ip.data(), &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, 16);
  } else {
    return "only IPv4 and IPv6 addresses are allowed";
  }
  if (allow_all_) return std::nullopt;
  ip = Canonical(ip);
  for (const IpNetwork& allowed : allowed_) {
    if (allowed.Contains(ip)) return std::nullopt;
  }
  for (const auto& [network, kind] : BlockedNetworks()) {
    if (network.Contains(ip)) {
      return Format(ip) + " is " + kind + " address (refused: not on the public internet)";
    }
  }
  return std::nullopt;
}

}  // namespace a11y
