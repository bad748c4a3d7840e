#include "common/base/base64url.h"

#include <gtest/gtest.h>

#include <vector>

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

TEST(SortableTimePrefix, EightUrlSafeCharactersInTheOrderOfTheTime) {
  const std::vector<int64_t> times = {
      0, 1, 63, 64, 999, 1'000'000, 1'765'000'000'000, 1'765'000'000'001, (int64_t{1} << 48) - 1};
  for (size_t i = 0; i < times.size(); ++i) {
    const std::string p = SortableTimePrefix(times[i]);
    ASSERT_EQ(p.size(), 8u) << times[i];
    // Every character is in the base64url alphabet, so an id that starts with
    // the prefix still decodes wherever ids are checked as base64url.
    EXPECT_EQ(
        p.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << p;
    if (i > 0) {
      EXPECT_LT(SortableTimePrefix(times[i - 1]), p) << times[i - 1] << " " << times[i];
    }
  }
  EXPECT_EQ(SortableTimePrefix(0), "--------");
  EXPECT_EQ(SortableTimePrefix(64), "------0-");
}

}  // namespace
}  // namespace vc::common
