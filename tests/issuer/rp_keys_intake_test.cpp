#include <gtest/gtest.h>

#include <future>

#include "common/jose/jws.h"
#include "keys/rp_keys.h"
#include "tests/issuer/intake_fixture.h"

namespace vc::testing {
namespace {

using RpKeysTest = IntakeFixture;

TEST_P(RpKeysTest, FollowsKeyRotationAtTheJwksHost) {
  ASSERT_EQ(Get("/contoso/?token=" + Mint("before"))->status, 303);
  // The RP rotates: old kid removed, new kid added.
  const auto next = common::Jwk::Generate(common::JwsAlg::kRS256).WithKid("rp-2");
  jwks_host_.Set({next});
  clock_.Advance(keys::RpKeyRegistry::kMinForcedRefreshSeconds);
  EXPECT_EQ(Get("/contoso/?token=" + Mint("after", "", &next))->status, 303);
  // Until the old kid is needed again, and then it is gone.
  auto old = Get("/contoso/?token=" + Mint("old-kid"));
  EXPECT_EQ(ErrorCode(*old), "invalid_signature");
}

TEST_P(RpKeysTest, UnknownKidRefreshesAtMostOncePerInterval) {
  ASSERT_EQ(Get("/contoso/?token=" + Mint("warm"))->status, 303);
  const int hits = jwks_host_.hits();
  const auto stranger = common::Jwk::Generate(common::JwsAlg::kRS256).WithKid("random");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(ErrorCode(*Get("/contoso/?token=" + Mint("k" + std::to_string(i), "", &stranger))),
              "invalid_signature");
  }
  EXPECT_EQ(jwks_host_.hits(), hits) << "a kid miss within the interval must not refetch";
  clock_.Advance(keys::RpKeyRegistry::kMinForcedRefreshSeconds);
  (void)Get("/contoso/?token=" + Mint("k9", "", &stranger));
  EXPECT_EQ(jwks_host_.hits(), hits + 1);
}

TEST_P(RpKeysTest, HostDownKeepsLastGoodKeysAndSaysSo) {
  ASSERT_TRUE(registry_->Refresh(kOrg).ok());
  EXPECT_TRUE(registry_->Health(kOrg).healthy);
  jwks_host_.Stop();
  auto st = registry_->Refresh(kOrg);
  EXPECT_FALSE(st.ok());
  const auto health = registry_->Health(kOrg);
  EXPECT_FALSE(health.healthy);
  EXPECT_EQ(health.key_count, 1u);
  EXPECT_FALSE(health.last_error.empty());
  EXPECT_EQ(Get("/contoso/?token=" + Mint("still-works"))->status, 303);
  auto metrics = Get("/metrics", false);
  EXPECT_NE(metrics->body.find("vc_rp_jwks_healthy{org=\"contoso\"} 0"), std::string::npos)
      << metrics->body;
}

// The first token of an org sends its JWKS fetch to the blocking pool: while the
// RP's host is slow, the (single) event loop still answers everything else.
TEST_P(RpKeysTest, SlowFirstKeyFetchDoesNotHoldTheEventLoop) {
  jwks_host_.Hold();
  auto pending =
      std::async(std::launch::async, [this] { return Get("/contoso/?token=" + Mint("slow")); });
  jwks_host_.WaitForHits(1);  // the fetch is waiting at the RP's host now
  EXPECT_EQ(Get("/healthz", false)->status, 200);
  EXPECT_EQ(Get("/contoso/?token=not-a-jws")->status, 400);
  jwks_host_.Release();
  auto started = pending.get();
  ASSERT_TRUE(started.ok());
  EXPECT_EQ(started->status, 303);
}

TEST_P(RpKeysTest, NeverFetchedHostIsReported) {
  jwks_host_.Stop();
  auto resp = Get("/contoso/?token=" + Mint("cold"));
  EXPECT_EQ(resp->status, 503);
  EXPECT_EQ(ErrorCode(*resp), "keys_unavailable");
}

VC_INSTANTIATE_SQLITE(RpKeysTest);

}  // namespace
}  // namespace vc::testing
