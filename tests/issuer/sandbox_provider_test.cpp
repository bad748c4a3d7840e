#include "issuer/sandbox_provider.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/base/clock.h"
#include "common/base/crypto.h"
#include "common/http/http_client.h"
#include "support/test_database.h"

namespace vc::testing {
namespace {

TEST(PrcResidentId, Iso7064Mod112Checksum) {
  EXPECT_TRUE(issuer::IsValidPrcResidentId("11010519491231002X"));
  EXPECT_TRUE(issuer::IsValidPrcResidentId("11010519491231002x"));
  EXPECT_TRUE(issuer::IsValidPrcResidentId("110101199003074477"));
  EXPECT_FALSE(issuer::IsValidPrcResidentId("110105194912310021"));  // wrong check digit
  EXPECT_FALSE(issuer::IsValidPrcResidentId("110101199003074478"));
  EXPECT_FALSE(issuer::IsValidPrcResidentId("11010519491231002"));  // 17 characters
  EXPECT_FALSE(issuer::IsValidPrcResidentId("11010519491231002XX"));
  EXPECT_FALSE(issuer::IsValidPrcResidentId("1101051949123100AX"));
  EXPECT_FALSE(issuer::IsValidPrcResidentId(""));
}

// The sandbox keeps its checks in the database: on both engines.
class SandboxTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override { VC_SKIP_WITHOUT_BACKEND(GetParam()); }
  common::ManualClock clock_;
  common::CurlHttpClient http_;
  TestDatabase store_{UsableBackend(GetParam())};
  std::unique_ptr<common::Database> db_ = store_.Open();
  issuer::SandboxProvider sandbox_{"http://idv.test", "secret-0123456789abcdef0123456789ab", *db_,
                                   http_, clock_};
};

TEST_P(SandboxTest, ValidatesEachIdCardType) {
  EXPECT_TRUE(sandbox_.Validate({"A", "PRC_ID", "11010519491231002X"}).ok());
  EXPECT_TRUE(sandbox_.Validate({"A", "PASSPORT", "E12345678"}).ok());
  EXPECT_TRUE(sandbox_.Validate({"A", "ID_CARD", "AB12345"}).ok());
  EXPECT_TRUE(sandbox_.Validate({"A", "DRIVING_LICENSE", "D1234567890"}).ok());
  for (auto c : {issuer::ClaimedIdentity{"A", "PRC_ID", "110105194912310021"},
                 issuer::ClaimedIdentity{"A", "PASSPORT", "E1234567890"},
                 issuer::ClaimedIdentity{"A", "ID_CARD", "AB-12345"},
                 issuer::ClaimedIdentity{"A", "DRIVING_LICENSE", "D1"}}) {
    auto st = sandbox_.Validate(c);
    ASSERT_FALSE(st.ok()) << c.id_card_type << " " << c.id_card_number;
    EXPECT_EQ(st.error().code, "invalid_input");
    EXPECT_EQ(st.error().message.find(c.id_card_number), std::string::npos);
  }
}

TEST_P(SandboxTest, UnavailableNameFailsStartRetryably) {
  auto r = sandbox_.Start({"pa_1", {"Sandbox Unavailable", "PASSPORT", "E1234567"}, "", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "provider_unavailable");
}

TEST_P(SandboxTest, AsyncStartRedirectsToHostedPageAndIsPendingUntilFinished) {
  auto r = sandbox_.Start(
      {"pa_1", {"Sandbox Async", "PASSPORT", "E1234567"}, "http://back", "http://cb"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->redirect_url, "http://idv.test/sandbox-provider/" + r->reference);
  EXPECT_EQ(sandbox_.Fetch(r->reference)->outcome, issuer::ProofingOutcome::kPending);
  EXPECT_EQ(*sandbox_.CompleteHosted(r->reference), "http://back");
  EXPECT_EQ(sandbox_.Fetch(r->reference)->outcome, issuer::ProofingOutcome::kVerified);
  EXPECT_FALSE(sandbox_.Fetch("sbx_unknown").ok());
}

TEST_P(SandboxTest, CallbackWithoutOrWithWrongSignatureIsRefused) {
  const std::string body = R"({"reference":"sbx_1","status":"PROCESSED","sentAt":1})";
  EXPECT_FALSE(sandbox_.AuthenticateCallback({{}, body, ""}).ok());
  EXPECT_FALSE(sandbox_.AuthenticateCallback({{{"x-sandbox-signature", "00"}}, body, ""}).ok());
}

// The signature covers the body, so a signed body that cannot be read comes from
// the provider itself: invalid_callback (400), not callback_unauthenticated (403).
TEST_P(SandboxTest, SignedCallbackWithAnUnreadableBodyIsInvalidNotUnauthenticated) {
  const std::string secret = "secret-0123456789abcdef0123456789ab";
  const std::vector<std::string> bodies = {"{not json", R"({"status":"PROCESSED"})"};
  for (const std::string& body : bodies) {
    const std::string sig = common::HexEncode(common::HmacSha256(secret, body));
    auto r = sandbox_.AuthenticateCallback({{{"x-sandbox-signature", sig}}, body, ""});
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, "invalid_callback") << body;
  }
}

VC_INSTANTIATE_BACKENDS(SandboxTest);

}  // namespace
}  // namespace vc::testing
