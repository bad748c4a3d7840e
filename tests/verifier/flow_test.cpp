// End to end over HTTP: a credential issued by the embedded Request Service, a
// presentation request from the verifier API, the wallet, the callbacks, the result.
// Every failure is reported with its reason and never as verified.
#include <gtest/gtest.h>

#include "common/base/base64url.h"
#include "credentials/vc_jwt.h"
#include "verifier/fixture.h"

namespace vc::testing {
namespace {

class VerifierFlowTest : public VerifierFixture {
 protected:
  std::string InlinePolicy(const std::string& rc_extra, bool receipt = true) {
    return std::string(R"({"includeReceipt":)") + (receipt ? "true" : "false") +
           R"(,"requestedCredentials":[{"type":"VerifiedIdentity","acceptedIssuers":[")" +
           authority() + R"("])" + rc_extra + "}]}";
  }
  void ExpectFailure(const std::string& id, const std::string& code) {
    auto doc = Result(id);
    EXPECT_EQ(common::GetString(doc, "status"), "presentation_error") << common::ToJson(doc);
    EXPECT_EQ(ErrorCodeOf(id), code) << common::ToJson(doc);
    EXPECT_FALSE(doc.HasMember("subject"));
    EXPECT_FALSE(doc.HasMember("credentials"));
  }
};

TEST_P(VerifierFlowTest, IssuedCredentialIsVerifiedByTypeAndIssuer) {
  const std::string vc = IssueVc();
  auto s = Start(R"("identity")");
  EXPECT_EQ(StatusOf(s.id), "request_created");
  EXPECT_TRUE(s.url.starts_with("openid-vc://?request_uri=")) << s.url;
  ASSERT_TRUE(wallet_.Present(holder_, {vc}, s.url).ok());
  Deliver();
  auto doc = Result(s.id);
  ASSERT_EQ(common::GetString(doc, "status"), "presentation_verified") << common::ToJson(doc);
  EXPECT_EQ(common::GetString(doc, "subject"), holder_.did);
  EXPECT_EQ(common::GetString(doc, "policy"), "identity");
  const auto& c = doc["credentials"][0];
  EXPECT_EQ(common::GetString(c, "issuer"), authority());
  EXPECT_EQ(std::string(c["types"][1].GetString()), "VerifiedIdentity");
  EXPECT_EQ(std::string(c["claims"]["realName"].GetString()), "Megan Bowen");
  EXPECT_EQ(common::GetString(c, "revocationStatus"), "VALID");
  EXPECT_TRUE(c["domainValidation"].IsNull());
  EXPECT_TRUE(credentials::ParseIsoTime(*common::GetString(c, "issuanceDate")));
  EXPECT_GT(*credentials::ParseIsoTime(*common::GetString(c, "expirationDate")),
            clock_.NowSeconds());
}

TEST_P(VerifierFlowTest, ScanningTheCodeIsReportedAsRetrieved) {
  auto s = Start(R"("identity")");
  RequestObject(s.url);
  Deliver();
  EXPECT_EQ(StatusOf(s.id), "request_retrieved");
}

TEST_P(VerifierFlowTest, IssuerNotAccepted) {
  const std::string vc = IssueVc();
  auto s = Start(
      R"({"requestedCredentials":[{"type":"VerifiedIdentity","acceptedIssuers":["did:web:other.example"]}]})");
  EXPECT_FALSE(wallet_.Present(holder_, {vc}, s.url).ok());
  Deliver();
  ExpectFailure(s.id, "issuer_not_accepted");
}

TEST_P(VerifierFlowTest, WrongType) {
  const std::string vc = IssueVc();
  auto s = Start(R"({"requestedCredentials":[{"type":"EmployeeBadge"}]})");
  auto r = PresentRaw(s.url, {vc}, "EmployeeBadge");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  Deliver();
  ExpectFailure(s.id, "type_mismatch");
}

TEST_P(VerifierFlowTest, RevokedRefusedUnlessAllowedAndThenReportedRevoked) {
  const std::string vc = IssueVc();
  auto payload = common::ParseJsonObject(common::ParseCompact(vc, 65536)->payload);
  const std::string jti(*common::GetString(*payload, "jti"));
  ASSERT_EQ(Post("/v1.0/verifiableCredentials/credentials/" + jti + "/revoke", "{}", Token("admin"))
                ->status,
            204);

  auto refused = Start(R"("identity")");
  EXPECT_FALSE(wallet_.Present(holder_, {vc}, refused.url).ok());
  Deliver();
  ExpectFailure(refused.id, "revoked");

  auto allowed = Start(InlinePolicy(R"(,"configuration":{"validation":{"allowRevoked":true}})"));
  ASSERT_TRUE(wallet_.Present(holder_, {vc}, allowed.url).ok());
  Deliver();
  auto doc = Result(allowed.id);
  ASSERT_EQ(common::GetString(doc, "status"), "presentation_verified") << common::ToJson(doc);
  EXPECT_EQ(common::GetString(doc["credentials"][0], "revocationStatus"), "REVOKED");
}

TEST_P(VerifierFlowTest, ExpiredCredential) {
  const int64_t now = clock_.NowSeconds();
  auto s = Start(R"("identity")");
  ASSERT_TRUE(PresentRaw(s.url, {SignVc(now - 7200, now - 3600)}, "VerifiedIdentity"));
  Deliver();
  ExpectFailure(s.id, "expired");
}

TEST_P(VerifierFlowTest, TamperedCredential) {
  const std::string vc = IssueVc();
  const size_t a = vc.find('.'), b = vc.rfind('.');
  std::string payload = *common::Base64UrlDecode(vc.substr(a + 1, b - a - 1));
  payload.replace(payload.find("Megan Bowen"), 11, "Eve Mallory");
  const std::string tampered =
      vc.substr(0, a + 1) + common::Base64UrlEncode(payload) + vc.substr(b);
  auto s = Start(R"("identity")");
  ASSERT_TRUE(PresentRaw(s.url, {tampered}, "VerifiedIdentity"));
  Deliver();
  ExpectFailure(s.id, "invalid_signature");
}

TEST_P(VerifierFlowTest, ConstraintNotMet) {
  const std::string vc = IssueVc();
  auto met =
      Start(InlinePolicy(R"(,"constraints":[{"claimName":"realName","startsWith":"megan"}])"));
  ASSERT_TRUE(wallet_.Present(holder_, {vc}, met.url).ok());
  auto unmet = Start(InlinePolicy(R"(,"constraints":[{"claimName":"realName","values":["Zed"]}])"));
  EXPECT_FALSE(wallet_.Present(holder_, {vc}, unmet.url).ok());
  Deliver();
  EXPECT_EQ(StatusOf(met.id), "presentation_verified");
  ExpectFailure(unmet.id, "constraint_failed");
}

TEST_P(VerifierFlowTest, NonceOfAnotherRequestIsReplay) {
  const std::string vc = IssueVc();
  auto first = Start(R"("identity")");
  auto second = Start(R"("identity")");
  const std::string nonce_of_first(*common::GetString(RequestObject(first.url), "nonce"));
  ASSERT_TRUE(PresentRaw(second.url, {vc}, "VerifiedIdentity", nonce_of_first));
  Deliver();
  ExpectFailure(second.id, "nonce_mismatch");
  EXPECT_EQ(StatusOf(first.id), "request_retrieved");
}

VC_INSTANTIATE_BACKENDS(VerifierFlowTest);

}  // namespace
}  // namespace vc::testing
