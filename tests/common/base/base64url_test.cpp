#include "common/base/base64url.h"

#include <gtest/gtest.h>

namespace vc::common {
namespace {

TEST(Base64Url, EncodesRfc4648Vectors) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64UrlEncode(std::string("\xfb\xff", 2)), "-_8");
}

TEST(Base64Url, DecodesRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t n = 0; n <= all.size(); n += 7) {
    auto enc = Base64UrlEncode(all.substr(0, n));
    auto dec = Base64UrlDecode(enc);
    ASSERT_TRUE(dec.ok()) << enc;
    EXPECT_EQ(*dec, all.substr(0, n));
  }
}

TEST(Base64Url, RejectsPadding) {
  auto r = Base64UrlDecode("Zg==");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_base64url");
}

TEST(Base64Url, RejectsStandardAlphabet) { EXPECT_FALSE(Base64UrlDecode("+/8").ok()); }

TEST(Base64Url, RejectsImpossibleLength) { EXPECT_FALSE(Base64UrlDecode("Zm9vY").ok()); }

TEST(Base64Url, RejectsNonZeroTrailingBits) {
  EXPECT_TRUE(Base64UrlDecode("Zg").ok());
  EXPECT_FALSE(Base64UrlDecode("Zh").ok());  // same byte, different trailing bits
}

TEST(Base64Url, RejectsWhitespaceAndNul) {
  EXPECT_FALSE(Base64UrlDecode("Zm9v\n").ok());
  EXPECT_FALSE(Base64UrlDecode(std::string("Zm\0v", 4)).ok());
}

TEST(Base64, StandardRoundTripWithPadding) {
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  auto r = Base64Decode("Zm8=");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "fo");
  EXPECT_FALSE(Base64Decode("Zm8").ok());
}

}  // namespace
}  // namespace vc::common
