#include "common/http/outbound_policy.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "common/http/ip_range.h"

namespace vc::common {
namespace {

IpAddress Ip(const char* text) {
  auto a = IpAddress::Parse(text);
  EXPECT_TRUE(a) << text;
  return a.value_or(IpAddress{});
}

TEST(IpRange, ParsesAddressesAndPrefixesStrictly) {
  EXPECT_EQ(IpRange::Parse("10.0.0.0/8")->ToString(), "10.0.0.0/8");
  EXPECT_EQ(IpRange::Parse("127.0.0.1")->ToString(), "127.0.0.1/32");
  EXPECT_EQ(IpRange::Parse("::1")->ToString(), "::1/128");
  EXPECT_EQ(IpRange::Parse("[fd00::]/8")->ToString(), "fd00::/8");
  for (const char* bad : {"", "10.0.0.1/8", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1",
                          "10.0.0.0/8x", "localhost", "2130706433", "0x7f.0.0.1", "127.1",
                          "10.0.0.0/08/1", "1.2.3.4.5", " 10.0.0.0/8"}) {
    EXPECT_FALSE(IpRange::Parse(bad)) << bad;
  }
}

TEST(IpRange, MappedAddressesMatchTheirIpv4Range) {
  const auto loopback = *IpRange::Parse("127.0.0.0/8");
  EXPECT_TRUE(loopback.Contains(Ip("127.9.9.9")));
  EXPECT_TRUE(loopback.Contains(Ip("::ffff:127.0.0.1")));
  EXPECT_FALSE(loopback.Contains(Ip("128.0.0.1")));
  EXPECT_FALSE(loopback.Contains(Ip("::1")));
  EXPECT_TRUE(IpRange::Parse("::ffff:10.0.0.0/104")->Contains(Ip("10.1.2.3")));
}

TEST(IpRange, SpecialPurposeAddressesAreNamed) {
  const std::pair<const char*, const char*> cases[] = {
      {"127.0.0.1", "loopback"},
      {"10.1.2.3", "private"},
      {"172.31.255.255", "private"},
      {"192.168.0.1", "private"},
      {"169.254.169.254", "link-local"},
      {"100.64.0.1", "shared"},
      {"0.0.0.0", "unspecified"},
      {"224.0.0.1", "multicast"},
      {"255.255.255.255", "reserved"},
      {"::1", "loopback"},
      {"::", "unspecified"},
      {"fe80::1", "link-local"},
      {"fd12:3456::1", "unique-local"},
      {"::ffff:127.0.0.1", "loopback"},
      {"::ffff:169.254.169.254", "link-local"},
      {"64:ff9b::a9fe:a9fe", "link-local"},
      {"2002:7f00:1::", "loopback"},
      {"::127.0.0.1", "reserved"},
  };
  for (const auto& [text, why] : cases) {
    EXPECT_EQ(SpecialPurpose(Ip(text)).value_or("public"), why) << text;
  }
  for (const char* pub :
       {"93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "64:ff9b::808:808"}) {
    EXPECT_FALSE(SpecialPurpose(Ip(pub))) << pub;
  }
}

TEST(OutboundPolicy, RefusesSchemesAndLiteralAddressesBeforeAnyNetwork) {
  OutboundPolicy dev;
  EXPECT_TRUE(CheckOutboundUrl(dev, "http://idv.example/x"));
  EXPECT_EQ(*CheckOutboundUrl(dev, "https://idv.example/x"), "idv.example:443");
  const std::pair<const char*, OutboundRefusal> refused[] = {
      {"ftp://idv.example/", OutboundRefusal::kInvalidUrl},
      {"file:///etc/passwd", OutboundRefusal::kInvalidUrl},
      {"https://user@idv.example/", OutboundRefusal::kInvalidUrl},
      {"//idv.example/", OutboundRefusal::kInvalidUrl},
      {"http://127.0.0.1:8080/latest/meta-data/iam", OutboundRefusal::kAddressNotAllowed},
      {"http://169.254.169.254/latest/meta-data/", OutboundRefusal::kAddressNotAllowed},
      {"http://[::1]:9000/", OutboundRefusal::kAddressNotAllowed},
      {"http://[::ffff:10.0.0.1]/", OutboundRefusal::kAddressNotAllowed},
      {"http://0.0.0.0:22/", OutboundRefusal::kAddressNotAllowed},
  };
  for (const auto& [url, why] : refused) {
    auto r = CheckOutboundUrl(dev, url);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().reason, why) << url;
  }
  OutboundPolicy production;
  production.https_only = true;
  EXPECT_EQ(CheckOutboundUrl(production, "http://idv.example/").error().reason,
            OutboundRefusal::kSchemeNotAllowed);
  OutboundPolicy allowed;
  allowed.allow = {*IpRange::Parse("127.0.0.1")};
  EXPECT_TRUE(CheckOutboundUrl(allowed, "http://127.0.0.1:8080/"));
  EXPECT_FALSE(CheckOutboundUrl(allowed, "http://127.0.0.2:8080/"));
}

TEST(OutboundGuard, ChecksTheAddressItIsAboutToConnectTo) {
  OutboundPolicy policy;
  policy.allow = {*IpRange::Parse("10.9.0.0/16")};
  ManualClock clock;
  OutboundGuard guard(policy, clock);
  auto v4 = [](const char* text) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    std::memcpy(&in.sin_addr, Ip(text).bytes.data(), 4);
    return in;
  };
  const sockaddr_in loopback = v4("127.0.0.1"), allowed = v4("10.9.1.1"), pub = v4("8.8.8.8");
  EXPECT_FALSE(guard.AllowConnect(reinterpret_cast<const sockaddr*>(&loopback)));
  EXPECT_TRUE(guard.AllowConnect(reinterpret_cast<const sockaddr*>(&allowed)));
  EXPECT_TRUE(guard.AllowConnect(reinterpret_cast<const sockaddr*>(&pub)));
  sockaddr_in6 mapped{};
  mapped.sin6_family = AF_INET6;
  std::memcpy(&mapped.sin6_addr, Ip("::ffff:169.254.169.254").bytes.data(), 16);
  EXPECT_FALSE(guard.AllowConnect(reinterpret_cast<const sockaddr*>(&mapped)));
  sockaddr unix_like{};
  unix_like.sa_family = AF_UNIX;
  EXPECT_FALSE(guard.AllowConnect(&unix_like));
}

TEST(OutboundGuard, CapsExchangesPerHostAndOverall) {
  OutboundPolicy policy;
  policy.max_per_host = 2;
  policy.max_concurrent = 3;
  ManualClock clock;
  OutboundGuard guard(policy, clock);
  auto a1 = guard.Admit("https://a.example/1");
  auto a2 = guard.Admit("https://a.example/2");
  ASSERT_TRUE(a1 && a2);
  auto a3 = guard.Admit("https://a.example/3");
  ASSERT_FALSE(a3);
  EXPECT_EQ(a3.error().reason, OutboundRefusal::kHostBusy);
  auto b1 = guard.Admit("https://b.example/");
  ASSERT_TRUE(b1);
  EXPECT_EQ(guard.Admit("https://c.example/").error().reason, OutboundRefusal::kHostBusy);
  {
    auto released = std::move(*a1);  // its slot is given back when it goes
  }
  EXPECT_TRUE(guard.Admit("https://c.example/"));
}

TEST(OutboundGuard, AHostThatFailedIsRefusedUntilTheNegativeCacheExpires) {
  OutboundPolicy policy;
  policy.negative_cache_seconds = 60;
  ManualClock clock;
  OutboundGuard guard(policy, clock);
  {
    auto p = guard.Admit("https://down.example/x");
    ASSERT_TRUE(p);
    p->Failed();
  }
  auto again = guard.Admit("https://down.example/other");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().reason, OutboundRefusal::kRecentlyFailed);
  EXPECT_TRUE(guard.Admit("https://down.example:8443/"));  // another port, another host key
  clock.Advance(61);
  EXPECT_TRUE(guard.Admit("https://down.example/x"));
}

}  // namespace
}  // namespace vc::common
