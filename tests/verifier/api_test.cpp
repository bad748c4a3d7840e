// The verifier's JSON API: API keys and orgs, clear 400s naming the field, the
// 201 body, expiry, retention and purge, and the demo page.
#include <gtest/gtest.h>

#include "common/http/html.h"
#include "verifier/demo_page.h"
#include "verifier/fixture.h"

namespace vc::testing {
namespace {

class VerifierApiTest : public VerifierFixture {
 protected:
  void ExpectBad(const std::string& body, const std::string& code, const std::string& field) {
    auto r = Api("POST", "/api/verifier/presentation-requests", body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << r->body;
    auto doc = common::ParseJsonObject(r->body);
    ASSERT_TRUE(doc) << r->body;
    EXPECT_EQ(common::GetString(*doc, "error"), code) << r->body;
    EXPECT_EQ(common::GetString(*doc, "field"), field) << r->body;
    EXPECT_NE(common::GetString(*doc, "message").value_or("").find(field), std::string::npos)
        << r->body;
  }
};

TEST_P(VerifierApiTest, CreateAnswers201WithLinkExpiryAndQr) {
  auto r = Api("POST", "/api/verifier/presentation-requests", R"({"policy":"identity"})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  auto doc = common::ParseJsonObject(r->body);
  EXPECT_FALSE(common::GetString(*doc, "id").value_or("").empty());
  EXPECT_TRUE(
      common::GetString(*doc, "url").value_or("").starts_with("openid-vc://?request_uri=" + base_));
  EXPECT_GT(common::GetInt64(*doc, "expiry").value_or(0), clock_.NowSeconds());
  EXPECT_TRUE(common::GetString(*doc, "qr").value_or("").starts_with("data:image/png;base64,"));
}

TEST_P(VerifierApiTest, ApiKeyRequiredAndResultsStayInTheirOrg) {
  EXPECT_EQ(
      Api("POST", "/api/verifier/presentation-requests", R"({"policy":"identity"})", "")->status,
      401);
  EXPECT_EQ(Api("POST", "/api/verifier/presentation-requests", R"({"policy":"identity"})", "nope")
                ->status,
            401);
  auto s = Start(R"("identity")");
  int status = 0;
  Result(s.id, &status, kOtherOrgKey);
  EXPECT_EQ(status, 404);
  Result(s.id, &status, "");
  EXPECT_EQ(status, 401);
  Result(s.id, &status, kAdminKey);
  EXPECT_EQ(status, 200);
  Result("no-such-id", &status);
  EXPECT_EQ(status, 404);
}

TEST_P(VerifierApiTest, InvalidInputIsA400NamingTheField) {
  ExpectBad("{}", "invalid_request", "policy");
  ExpectBad(R"({"policy":"nope"})", "unknown_policy", "policy");
  ExpectBad(R"({"policy":{"requestedCredentials":[]}})", "invalid_request",
            "policy.requestedCredentials");
  ExpectBad(
      R"({"policy":{"requestedCredentials":[{"type":"T","constraints":[{"claimName":"a","values":["x"]},)"
      R"({"claimName":"b","contains":"x","startsWith":"y"}]}]}})",
      "invalid_request", "policy.requestedCredentials[0].constraints[1]");
  ExpectBad(
      R"({"policy":{"requestedCredentials":[{"type":"T","configuration":{"validation":{"faceCheck":)"
      R"({"sourcePhotoClaimName":"photo","matchConfidenceThreshold":101}}}}]}})",
      "invalid_request",
      "policy.requestedCredentials[0].configuration.validation.faceCheck.matchConfidenceThreshold");
  ExpectBad(
      R"({"policy":{"includeReceipt":true,"requestedCredentials":[{"type":"T","configuration":{"validation":)"
      R"({"faceCheck":{"sourcePhotoClaimName":"photo"}}}}]}})",
      "invalid_request", "policy.includeReceipt");
  ExpectBad(R"({"policy":{"requestedCredentials":[{"type":"T","acceptedIssuers":["https://x"]}]}})",
            "invalid_request", "policy.requestedCredentials[0].acceptedIssuers");
  ExpectBad(R"({"policy":{"requestedCredentails":[]}})", "invalid_request",
            "policy.requestedCredentails");
  auto r = Api("POST", "/api/verifier/presentation-requests", "not json");
  EXPECT_EQ(r->status, 400);
}

TEST_P(VerifierApiTest, RequestServiceRefusalIsA502WithItsReason) {
  // The embedded Request Service has no FaceCheck: the policy is valid, the service refuses it.
  auto r = Api("POST", "/api/verifier/presentation-requests",
               R"({"policy":{"requestedCredentials":[{"type":"T","configuration":{"validation":)"
               R"({"faceCheck":{"sourcePhotoClaimName":"photo"}}}}]}})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502) << r->body;
  EXPECT_NE(r->body.find("faceCheckNotSupported"), std::string::npos) << r->body;
}

TEST_P(VerifierApiTest, UnansweredRequestExpires) {
  auto s = Start(R"("identity")");
  clock_.Advance(301);
  EXPECT_EQ(StatusOf(s.id), "expired");
}

TEST_P(VerifierApiTest, ResultsArePurgedAfterTheRetention) {
  auto old_request = Start(R"("identity")");
  clock_.Advance(3000);
  auto recent = Start(R"("identity")");
  clock_.Advance(601);
  EXPECT_EQ(*service_->Purge(), 1);
  int status = 0;
  Result(old_request.id, &status);
  EXPECT_EQ(status, 404);
  Result(recent.id, &status);
  EXPECT_EQ(status, 200);
}

TEST_P(VerifierApiTest, DemoPageListsPoliciesUnderItsCsp) {
  auto r = common::Get(http_, vbase_ + "/verifier");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("<option value=\"identity\">"), std::string::npos);
  std::string csp;
  for (const auto& [k, v] : r->headers) {
    if (k == "content-security-policy") csp = v;
  }
  common::PageOptions page;
  page.script = verifier::DemoPageScript();
  EXPECT_EQ(csp, common::PageCsp(page).substr(0, csp.size()));
  EXPECT_NE(csp.find("script-src 'sha256-"), std::string::npos);
  EXPECT_EQ(r->body.find("<script src"), std::string::npos);

  auto created =
      common::PostJson(http_, vbase_ + "/verifier/demo/requests", R"({"policy":"identity"})");
  ASSERT_EQ(created->status, 201) << created->body;
  auto doc = common::ParseJsonObject(created->body);
  EXPECT_TRUE(common::GetString(*doc, "qrSvg").value_or("").starts_with("<svg"));
  const std::string id(*common::GetString(*doc, "id"));
  EXPECT_EQ(common::Get(http_, vbase_ + "/verifier/demo/requests/" + id)->status, 200);
  // Demo requests are not an org's, and the API's are not the demo's.
  int status = 0;
  Result(id, &status);
  EXPECT_EQ(status, 404);
  auto api = Start(R"("identity")");
  EXPECT_EQ(common::Get(http_, vbase_ + "/verifier/demo/requests/" + api.id)->status, 404);
}

VC_INSTANTIATE_BACKENDS(VerifierApiTest);

}  // namespace
}  // namespace vc::testing
