#include "common/http/url.h"

#include <gtest/gtest.h>

namespace vc::common {
namespace {

TEST(PercentEncodeTest, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(PercentEncode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(PercentEncode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(PercentEncode(std::string("\0", 1)), "%00");
}

TEST(PercentDecodeTest, DecodesBothHexCases) {
  EXPECT_EQ(PercentDecode("a%2fb%2Fc").value(), "a/b/c");
  EXPECT_EQ(PercentDecode("%C3%A9").value(), "é");
}

TEST(PercentDecodeTest, PlusIsSpaceOnlyWhenAsked) {
  EXPECT_EQ(PercentDecode("a+b").value(), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true).value(), "a b");
}

TEST(PercentDecodeTest, RefusesInvalidSequences) {
  for (const char* bad : {"%", "%4", "a%", "%zz", "%4g", "%%41", "abc%2"}) {
    auto r = PercentDecode(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_percent_encoding") << bad;
  }
}

TEST(PercentEncodeTest, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(PercentDecode(PercentEncode(all)).value(), all);
}

TEST(FormUrlEncodeTest, EncodesInOrder) {
  EXPECT_EQ(FormUrlEncode({{"grant_type", "client_credentials"}, {"scope", "a/.default b"}}),
            "grant_type=client_credentials&scope=a%2F.default%20b");
  EXPECT_EQ(FormUrlEncode({}), "");
}

TEST(ParseQueryStringTest, KeepsOrderAndDuplicates) {
  auto q = ParseQueryString("b=2&a=1&b=3&flag&empty=&&x=a+b%21");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 6u);
  EXPECT_EQ(q->list()[0].first, "b");
  EXPECT_EQ(q->Get("b").value(), "2");
  EXPECT_EQ(q->GetAll("b"), (std::vector<std::string_view>{"2", "3"}));
  EXPECT_EQ(q->Get("flag").value(), "");
  EXPECT_EQ(q->Get("empty").value(), "");
  EXPECT_EQ(q->Get("x").value(), "a b!");
  EXPECT_FALSE(q->Has("missing"));
}

TEST(ParseQueryStringTest, EmptyInputIsEmpty) {
  auto q = ParseQueryString("");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->size(), 0u);
}

TEST(ParseQueryStringTest, RefusesInvalidPercentEncodingInNameOrValue) {
  EXPECT_EQ(ParseQueryString("a=%zz").error().code, "invalid_percent_encoding");
  EXPECT_EQ(ParseQueryString("%g1=x").error().code, "invalid_percent_encoding");
  EXPECT_EQ(ParseForm("token=abc%").error().code, "invalid_percent_encoding");
}

TEST(ParseQueryStringTest, EnforcesLimits) {
  QueryLimits limits;
  limits.max_params = 2;
  EXPECT_TRUE(ParseQueryString("a=1&b=2", limits).ok());
  EXPECT_EQ(ParseQueryString("a=1&b=2&c=3", limits).error().code, "query_too_large");
  limits.max_bytes = 4;
  EXPECT_EQ(ParseQueryString("a=12", limits).value().size(), 1u);
  EXPECT_EQ(ParseQueryString("a=123", limits).error().code, "query_too_large");
}

TEST(BuildUrlTest, AppendsParametersBeforeFragment) {
  EXPECT_EQ(BuildUrl("https://a.example/cb", {{"state", "x y"}, {"code", "1"}}),
            "https://a.example/cb?state=x%20y&code=1");
  EXPECT_EQ(BuildUrl("https://a.example/cb?v=1", {{"s", "2"}}), "https://a.example/cb?v=1&s=2");
  EXPECT_EQ(BuildUrl("https://a.example/cb?", {{"s", "2"}}), "https://a.example/cb?s=2");
  EXPECT_EQ(BuildUrl("https://a.example/cb#frag", {{"s", "2"}}), "https://a.example/cb?s=2#frag");
  EXPECT_EQ(BuildUrl("https://a.example/cb", {}), "https://a.example/cb");
}

TEST(ParseUrlTest, SplitsAndNormalises) {
  auto u = ParseUrl("HTTPS://Contoso.Example:8443/Onboarding/Done?x=1#top");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "contoso.example");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->path, "/Onboarding/Done");
  EXPECT_EQ(u->query, "x=1");
  EXPECT_EQ(u->fragment, "top");
  EXPECT_EQ(u->ToString(), "https://contoso.example:8443/Onboarding/Done?x=1#top");
  EXPECT_EQ(u->Origin(), "https://contoso.example:8443");
}

TEST(ParseUrlTest, DefaultsPortAndPath) {
  auto u = ParseUrl("https://contoso.example");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->path, "/");
  EXPECT_EQ(u->ToString(), "https://contoso.example/");
  EXPECT_EQ(ParseUrl("http://a.example:80/x").value().ToString(), "http://a.example/x");
  EXPECT_EQ(ParseUrl("http://127.0.0.1:8080/x").value().port, 8080);
  EXPECT_EQ(ParseUrl("https://a.example?q=1").value().path, "/");
}

TEST(ParseUrlTest, AcceptsIpv6Literals) {
  auto u = ParseUrl("http://[::1]:8080/cb");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "[::1]");
  EXPECT_EQ(u->port, 8080);
}

TEST(ParseUrlTest, RefusesRedirectTricks) {
  const std::vector<std::string> bad_urls = {
      "//evil.example",                          // scheme-relative
      "/onboarding/done",                        // relative
      "https://user@evil.example",               // userinfo
      "https://allowed.example@evil.example/",   // userinfo posing as host
      "https://user:pw@evil.example/",           // userinfo with password
      "https://evil.example\\@allowed.example",  // backslash
      "https:\\\\evil.example",                  // backslashes instead of slashes
      "https:/evil.example",                     // one slash
      "https://evil.example/%0d%0a x",           // space
      "https://evil.example/\r\nX: y",           // control characters
      std::string("https://evil.example/\0", 22),
      "https://évil.example/",  // non-ASCII
      "https://:443/",          // empty host
      "https://a.example:0/",   // port out of range
      "https://a.example:65536/",
      "https://a.example:/",
      "https://a.example:44a/",
      "javascript://%0aalert(1)x",  // '%0a' is fine, but host is not
      "",
  };
  for (const std::string& bad : bad_urls) {
    auto r = ParseUrl(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_url") << bad;
  }
}

TEST(ParseUrlTest, LookalikeHostParsesToItsRealHost) {
  // Not refused, but an exact comparison with the registered URL tells them apart.
  auto u = ParseUrl("https://allowed.example.evil.example/done");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "allowed.example.evil.example");
  EXPECT_NE(u->ToString(), ParseUrl("https://allowed.example/done").value().ToString());
}

TEST(ParseUrlTest, RefusesOverlongUrls) {
  EXPECT_FALSE(ParseUrl("https://a.example/" + std::string(5000, 'a')).ok());
}

}  // namespace
}  // namespace vc::common
