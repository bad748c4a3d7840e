#include "keys/rp_keys.h"

#include <gtest/gtest.h>

#include "common/jose/jwk.h"

namespace vc::keys {
namespace {

TEST(RpKeyRegistry, StaticKeysFromInlineJwksAndPem) {
  common::ManualClock clock;
  common::CurlHttpClient http;
  common::MetricsRegistry metrics;
  RpKeyRegistry reg(http, clock, metrics);
  const auto a = common::Jwk::Generate(common::JwsAlg::kRS256).WithKid("a");
  const auto b = common::Jwk::Generate(common::JwsAlg::kRS256);
  common::Jwks set;
  set.Add(a);
  ASSERT_TRUE(reg.AddOrg({"inline", "", 0, set.ToPublicJson(), {}}).ok());
  ASSERT_TRUE(reg.AddOrg({"pem", "", 0, "", {*b.ToPublicPem()}}).ok());
  EXPECT_EQ(reg.KeysFor("inline", "a")->size(), 1u);
  EXPECT_EQ(reg.KeysFor("inline", "b").error().reason, RpKeyError::kUnknownKid);
  EXPECT_EQ(reg.KeysFor("pem", "")->size(), 1u);
  EXPECT_EQ(reg.KeysFor("nobody", "").error().reason, RpKeyError::kUnknownOrg);
  EXPECT_FALSE(reg.AddOrg({"bad", "", 0, "{\"keys\":[]}", {}}).ok());
  EXPECT_FALSE(reg.AddOrg({"bad2", "", 0, "", {"not a pem"}}).ok());
}

TEST(RpKeyRegistry, ErrorCodesAreStable) {
  EXPECT_EQ(Code(RpKeyError::kUnknownOrg), "unknown_org");
  EXPECT_EQ(Code(RpKeyError::kUnknownKid), "unknown_kid");
  EXPECT_EQ(Code(RpKeyError::kJwksUnavailable), "jwks_unavailable");
}

}  // namespace
}  // namespace vc::keys
