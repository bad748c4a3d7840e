#include "common/jose/jwt.h"

#include <gtest/gtest.h>

#include "common/base/json.h"

namespace vc::common {
namespace {

constexpr int64_t kNow = 1'700'000'000;

// The error code CheckClaims gives for the payload `json` ("" when it passes).
std::string ClaimCode(const std::string& json, ClaimPolicy policy = {}) {
  auto doc = ParseJson(json);
  EXPECT_TRUE(doc.ok()) << json;
  if (policy.now == 0) policy.now = kNow;
  const ClaimStatus s = CheckClaims(*doc, policy);
  return s ? "" : std::string(Code(s.error().reason));
}

// ClaimPolicy with a few fields set (designated initializers that skip members
// trip -Wmissing-field-initializers on g++ 12).
ClaimPolicy Skew(int64_t seconds) {
  ClaimPolicy p;
  p.skew_seconds = seconds;
  return p;
}
ClaimPolicy MaxLifetime(int64_t seconds, bool require_exp = true) {
  ClaimPolicy p;
  p.max_lifetime_seconds = seconds;
  p.require_exp = require_exp;
  return p;
}

std::string Exp(int64_t delta) { return R"({"exp":)" + std::to_string(kNow + delta) + "}"; }

TEST(JwtClaims, CodesAreStable) {
  EXPECT_EQ(Code(ClaimError::kInvalidPayload), "invalid_payload");
  EXPECT_EQ(Code(ClaimError::kMissingClaim), "missing_claim");
  EXPECT_EQ(Code(ClaimError::kExpired), "token_expired");
  EXPECT_EQ(Code(ClaimError::kNotYetValid), "token_not_yet_valid");
  EXPECT_EQ(Code(ClaimError::kIssuedInFuture), "token_issued_in_future");
  EXPECT_EQ(Code(ClaimError::kLifetimeTooLong), "lifetime_too_long");
}

TEST(JwtClaims, ValidTokenPasses) {
  EXPECT_EQ(ClaimCode(R"({"exp":1700000600,"nbf":1700000000,"iat":1700000000,"sub":"x"})"), "");
}

TEST(JwtClaims, MissingExp) {
  auto doc = ParseJson(R"({"sub":"x"})");
  ClaimPolicy policy;
  policy.now = kNow;
  const ClaimStatus s = CheckClaims(*doc, policy);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(Code(s.error().reason), "missing_claim");
  EXPECT_NE(s.error().message.find("\"exp\""), std::string::npos);
  policy.require_exp = false;
  EXPECT_TRUE(CheckClaims(*doc, policy).ok());
}

TEST(JwtClaims, MissingRequiredClaimIsNamed) {
  auto doc = ParseJson(Exp(600));
  ClaimPolicy policy;
  policy.now = kNow;
  policy.required = {"iss", "nonce"};
  const ClaimStatus s = CheckClaims(*doc, policy);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(Code(s.error().reason), "missing_claim");
  EXPECT_NE(s.error().message.find("\"iss\""), std::string::npos);
}

TEST(JwtClaims, TimeClaimsMustBeNumericDates) {
  EXPECT_EQ(ClaimCode(R"({"exp":"1700000600"})"), "missing_claim");
  EXPECT_EQ(ClaimCode(R"({"exp":1700000600,"nbf":null})"), "missing_claim");
  EXPECT_EQ(ClaimCode(R"({"exp":1700000600,"iat":true})"), "missing_claim");
  EXPECT_EQ(ClaimCode(R"({"exp":18446744073709551615})"), "missing_claim");
  EXPECT_EQ(ClaimCode(R"({"exp":1700000600.9})"), "");  // fraction truncated
}

TEST(JwtClaims, ExpiredAtSkewBoundary) {
  // Expired once now >= exp + skew (60 s by default).
  EXPECT_EQ(ClaimCode(Exp(-59)), "");
  EXPECT_EQ(ClaimCode(Exp(-60)), "token_expired");
  EXPECT_EQ(ClaimCode(Exp(-61)), "token_expired");
  EXPECT_EQ(ClaimCode(Exp(0), Skew(0)), "token_expired");
  EXPECT_EQ(ClaimCode(Exp(1), Skew(0)), "");
}

TEST(JwtClaims, NotYetValidAtSkewBoundary) {
  auto payload = [](int64_t nbf_delta) {
    return R"({"exp":)" + std::to_string(kNow + 3600) + R"(,"nbf":)" +
           std::to_string(kNow + nbf_delta) + "}";
  };
  EXPECT_EQ(ClaimCode(payload(60)), "");
  EXPECT_EQ(ClaimCode(payload(61)), "token_not_yet_valid");
  EXPECT_EQ(ClaimCode(payload(1), Skew(0)), "token_not_yet_valid");
  EXPECT_EQ(ClaimCode(payload(0), Skew(0)), "");
}

TEST(JwtClaims, IssuedInFutureAtSkewBoundary) {
  auto payload = [](int64_t iat_delta) {
    return R"({"exp":)" + std::to_string(kNow + 3600) + R"(,"iat":)" +
           std::to_string(kNow + iat_delta) + "}";
  };
  EXPECT_EQ(ClaimCode(payload(60)), "");
  EXPECT_EQ(ClaimCode(payload(61)), "token_issued_in_future");
}

TEST(JwtClaims, LifetimeTooLong) {
  const ClaimPolicy policy = MaxLifetime(600);
  EXPECT_EQ(ClaimCode(Exp(600), policy), "");
  EXPECT_EQ(ClaimCode(Exp(601), policy), "lifetime_too_long");
  // With iat, the lifetime is exp - iat.
  const std::string issued_earlier =
      R"({"iat":)" + std::to_string(kNow - 300) + R"(,"exp":)" + std::to_string(kNow + 400) + "}";
  EXPECT_EQ(ClaimCode(issued_earlier, policy), "lifetime_too_long");
  // A bound on the lifetime needs an exp even when exp is not otherwise required.
  EXPECT_EQ(ClaimCode("{}", MaxLifetime(600, false)), "missing_claim");
}

TEST(JwtClaims, ExtremeValuesDoNotOverflow) {
  const ClaimPolicy policy = MaxLifetime(600);
  EXPECT_EQ(ClaimCode(R"({"exp":9223372036854775807})", policy), "lifetime_too_long");
  EXPECT_EQ(ClaimCode(R"({"exp":9223372036854775807,"iat":-9223372036854775808})", policy),
            "lifetime_too_long");
  EXPECT_EQ(ClaimCode(R"({"exp":-9223372036854775808})"), "token_expired");
}

TEST(JwtClaims, PayloadMustBeAnObject) { EXPECT_EQ(ClaimCode("[1]"), "invalid_payload"); }

}  // namespace
}  // namespace vc::common
