#include "common/http/ip_range.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <utility>
#include <vector>

namespace vc::common {
namespace {

struct Special {
  const char* range;
  const char* why;
};

// RFC 6890 and its updates (IANA special-purpose registries), plus multicast.
constexpr Special kSpecialV4[] = {
    {"0.0.0.0/8", "unspecified"},        {"10.0.0.0/8", "private"},
    {"100.64.0.0/10", "shared"},         {"127.0.0.0/8", "loopback"},
    {"169.254.0.0/16", "link-local"},    {"172.16.0.0/12", "private"},
    {"192.0.0.0/24", "reserved"},        {"192.0.2.0/24", "documentation"},
    {"192.88.99.0/24", "reserved"},      {"192.168.0.0/16", "private"},
    {"198.18.0.0/15", "benchmarking"},   {"198.51.100.0/24", "documentation"},
    {"203.0.113.0/24", "documentation"}, {"224.0.0.0/4", "multicast"},
    {"240.0.0.0/4", "reserved"},
};
constexpr Special kSpecialV6[] = {
    {"::/128", "unspecified"},    {"::1/128", "loopback"},     {"::/96", "reserved"},
    {"100::/64", "reserved"},     {"2001::/23", "reserved"},   {"2001:db8::/32", "documentation"},
    {"fc00::/7", "unique-local"}, {"fe80::/10", "link-local"}, {"fec0::/10", "link-local"},
    {"ff00::/8", "multicast"},
};

IpAddress V4(const uint8_t* b) {
  IpAddress a;
  std::memcpy(a.bytes.data(), b, 4);
  return a;
}

bool PrefixMatches(const IpAddress& a, const IpAddress& base, int prefix) {
  const int full = prefix / 8;
  if (std::memcmp(a.bytes.data(), base.bytes.data(), static_cast<size_t>(full)) != 0) return false;
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a.bytes[full] & mask) == (base.bytes[full] & mask);
}

using Table = std::vector<std::pair<IpRange, std::string_view>>;

template <size_t N>
Table Build(const Special (&specials)[N]) {
  Table t;
  for (const auto& s : specials) t.emplace_back(*IpRange::Parse(s.range), s.why);
  return t;
}

std::optional<std::string_view> InTable(const IpAddress& a, const Table& table) {
  for (const auto& [range, why] : table) {
    if (range.Contains(a)) return why;
  }
  return std::nullopt;
}

bool StartsWith(const IpAddress& a, std::initializer_list<uint8_t> prefix) {
  size_t i = 0;
  for (uint8_t b : prefix) {
    if (a.bytes[i++] != b) return false;
  }
  return true;
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > 64) return std::nullopt;
  const std::string s(text);
  IpAddress a;
  if (s.find(':') == std::string::npos) {
    in_addr v4{};
    if (inet_pton(AF_INET, s.c_str(), &v4) != 1) return std::nullopt;
    std::memcpy(a.bytes.data(), &v4, 4);
    return a;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) != 1) return std::nullopt;
  a.v6 = true;
  std::memcpy(a.bytes.data(), &v6, 16);
  return a;
}

std::optional<IpAddress> IpAddress::FromSockaddr(const sockaddr* addr) {
  if (addr == nullptr) return std::nullopt;
  if (addr->sa_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, addr, sizeof(in));
    return V4(reinterpret_cast<const uint8_t*>(&in.sin_addr));
  }
  if (addr->sa_family == AF_INET6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, addr, sizeof(in6));
    IpAddress a;
    a.v6 = true;
    std::memcpy(a.bytes.data(), &in6.sin6_addr, 16);
    return a;
  }
  return std::nullopt;
}

IpAddress IpAddress::Unmapped() const {
  if (v6 && StartsWith(*this, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff})) return V4(&bytes[12]);
  return *this;
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof(buf));
  return buf;
}

std::optional<IpRange> IpRange::Parse(std::string_view text) {
  const size_t slash = text.find('/');
  auto base = IpAddress::Parse(text.substr(0, slash));
  if (!base) return std::nullopt;
  const int max = base->v6 ? 128 : 32;
  int prefix = max;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    prefix = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      prefix = prefix * 10 + (c - '0');
    }
    if (prefix > max) return std::nullopt;
  }
  IpRange r{*base, prefix};
  IpAddress cleared{base->v6, {}};
  for (int bit = 0; bit < prefix; ++bit) {
    const uint8_t m = static_cast<uint8_t>(0x80 >> (bit % 8));
    cleared.bytes[bit / 8] |= base->bytes[bit / 8] & m;
  }
  if (!(cleared == *base)) return std::nullopt;
  return r;
}

bool IpRange::Contains(const IpAddress& addr) const {
  const IpAddress a = addr.Unmapped();
  const IpAddress b = base.Unmapped();
  if (a.v6 != b.v6) return false;
  // A range written as ::ffff:a.b.c.d/n covers IPv4 addresses with n - 96 bits.
  const int p = base.v6 && !b.v6 ? prefix - 96 : prefix;
  return p >= 0 && PrefixMatches(a, b, p);
}

std::string IpRange::ToString() const { return base.ToString() + "/" + std::to_string(prefix); }

std::optional<std::string_view> SpecialPurpose(const IpAddress& addr) {
  const IpAddress a = addr.Unmapped();
  static const Table v4 = Build(kSpecialV4);
  static const Table v6 = Build(kSpecialV6);
  if (!a.v6) return InTable(a, v4);
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that
  // routers may deliver to: judge that one.
  if (StartsWith(a, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) {
    return SpecialPurpose(V4(&a.bytes[12]));
  }
  if (StartsWith(a, {0x20, 0x02})) return SpecialPurpose(V4(&a.bytes[2]));
  return InTable(a, v6);
}

}  // namespace vc::common
