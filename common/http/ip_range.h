// IP addresses and prefixes for the outbound policy (outbound_policy.h):
// strict parsing of "10.0.0.0/8", "::1" or "[::1]", and the special-purpose
// ranges (loopback, private, link-local, …) that a URL taken from untrusted
// input must never reach unless the operator allows them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sockaddr;

namespace vc::common {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 in bytes[0..3]

  // Dotted-quad IPv4 (exactly four decimal parts, as inet_pton reads them) or
  // IPv6, with or without brackets; nullopt for anything else, including the
  // "2130706433" and "0x7f.1" forms (those are host names to us; the connect
  // check sees the address they resolve to).
  static std::optional<IpAddress> Parse(std::string_view text);
  // From a sockaddr_in / sockaddr_in6; nullopt for other families.
  static std::optional<IpAddress> FromSockaddr(const sockaddr* addr);

  // ::ffff:a.b.c.d as a.b.c.d; any other address unchanged.
  IpAddress Unmapped() const;
  std::string ToString() const;
  bool operator==(const IpAddress& o) const { return v6 == o.v6 && bytes == o.bytes; }
};

struct IpRange {
  IpAddress base;  // host bits cleared
  int prefix = 0;  // 0..32 for IPv4, 0..128 for IPv6

  // "a.b.c.d", "a.b.c.d/n", "v6", "v6/n" (a bare address is a /32 or /128).
  // Host bits set below the prefix ("10.0.0.1/8") are refused: the operator
  // probably meant something else.
  static std::optional<IpRange> Parse(std::string_view text);
  // IPv4-mapped IPv6 addresses are compared as IPv4.
  bool Contains(const IpAddress& addr) const;
  std::string ToString() const;
};

// Why `addr` is not a public unicast address — "loopback", "private",
// "link-local", "shared" (carrier-grade NAT), "unique-local", "multicast",
// "unspecified", "documentation", "benchmarking", "reserved" — or nullopt for
// a public one. IPv4 embedded in IPv6 (mapped, NAT64 64:ff9b::/96, 6to4) is
// judged by the IPv4 address.
std::optional<std::string_view> SpecialPurpose(const IpAddress& addr);

}  // namespace vc::common
