// OpenID4VP 1.0 through the verifier API: the request (signed JAR under our
// DID, DCQL from the policy), a wallet's SD-JWT VC presentation verified and
// reported with the disclosed claims only, the webhook, and durability.
#include <gtest/gtest.h>

#include "common/config/config.h"
#include "common/http/url.h"
#include "common/jose/jws.h"
#include "credentials/did_resolver.h"
#include "credentials/vc_jwt.h"
#include "verifier/oid4vp_fixture.h"

namespace vc::testing {
namespace {

class Oid4vpServiceTest : public Oid4vpFixture {};

TEST_P(Oid4vpServiceTest, WalletPresentsAndTheResultHasTheDisclosedClaimsOnly) {
  const std::string credential = issuer_.Issue(holder_);  // realName, documentType, birthDate
  auto started = StartOid4vp(SdJwtPolicy());
  ASSERT_TRUE(wallet4vp_.Present(holder_, {credential}, started.url).ok());
  auto result = Result(started.id);
  EXPECT_EQ(common::GetString(result, "status").value_or(""), "presentation_verified");
  EXPECT_EQ(common::GetString(result, "protocol").value_or(""), "openid4vp");
  EXPECT_EQ(common::GetString(result, "subject").value_or(""),
            "urn:ietf:params:oauth:jwk-thumbprint:sha-256:" + holder_.key.Thumbprint());
  const auto& c = result["credentials"][0];
  EXPECT_EQ(common::GetString(c, "format").value_or(""), "dc+sd-jwt");
  EXPECT_EQ(common::GetString(c, "vct").value_or(""), kTestVct);
  EXPECT_EQ(common::GetString(c, "issuer").value_or(""), issuer_.url());
  EXPECT_EQ(common::GetString(c, "revocationStatus").value_or(""), "VALID");
  EXPECT_EQ(common::ToJson(c["claims"]), R"({"documentType":"PASSPORT","realName":"Megan Bowen"})");
  DeliverWebhooks();
  ASSERT_EQ(hooks_.received().size(), 1u);
  auto hook = common::ParseJsonObject(hooks_.received()[0].body);
  EXPECT_EQ(common::GetString(*hook, "status").value_or(""), "presentation_verified");
  EXPECT_EQ(common::ToJson((*hook)["credentials"][0]["claims"]), common::ToJson(c["claims"]));
}

TEST_P(Oid4vpServiceTest, TheRequestIsASignedJarUnderOurDid) {
  auto started = StartOid4vp(SdJwtPolicy());
  const std::string did = common::DidWebFromUrl(vbase_ + "/oid4vp");
  EXPECT_EQ(started.url.rfind("openid4vp://?client_id=" +
                                  common::PercentEncode("decentralized_identifier:" + did) +
                                  "&request_uri=",
                              0),
            0u)
      << started.url;
  EXPECT_EQ(StatusOf(started.id), "request_created");
  const size_t at = started.url.find("request_uri=") + 12;
  const std::string request_uri = *common::PercentDecode(started.url.substr(at));
  auto r = common::Get(http_, request_uri);
  ASSERT_TRUE(r && r->status == 200);
  EXPECT_EQ(r->Header("content-type").value_or(""), "application/oauth-authz-req+jwt");
  EXPECT_EQ(StatusOf(started.id), "request_retrieved");
  auto token = common::ParseCompact(r->body, 65536);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->typ, "oauth-authz-req+jwt");
  ASSERT_EQ(credentials::DidOfMethod(token->kid), did);
  // The key comes from the DID document we serve at /oid4vp/did.json.
  credentials::DidResolver resolver(http_, clock_, {"http", 0});
  auto key = resolver.ResolveKey(token->kid);
  ASSERT_TRUE(key) << key.error().message;
  ASSERT_TRUE(common::VerifyCompact(r->body, *key, credentials::kCredentialAlgs, 65536));
  auto p = common::ParseJsonObject(token->payload);
  EXPECT_EQ(common::GetString(*p, "client_id").value_or(""), "decentralized_identifier:" + did);
  EXPECT_EQ(common::GetString(*p, "response_type").value_or(""), "vp_token");
  EXPECT_EQ(common::GetString(*p, "response_mode").value_or(""), "direct_post");
  EXPECT_EQ(common::GetString(*p, "response_uri").value_or(""), vbase_ + "/oid4vp/response");
  EXPECT_GE(common::GetString(*p, "nonce").value_or("").size(), 22u);  // >= 128 bits
  EXPECT_GE(common::GetString(*p, "state").value_or("").size(), 22u);
  EXPECT_EQ(common::ToJson((*p)["dcql_query"]),
            R"({"credentials":[{"id":"identity","format":"dc+sd-jwt","meta":{"vct_values":[")" +
                std::string(kTestVct) +
                R"("]},"claims":[{"path":["realName"]},{"path":["documentType"]}]}]})");
  EXPECT_TRUE((*p)["client_metadata"]["vp_formats_supported"].HasMember("dc+sd-jwt"));
}

TEST_P(Oid4vpServiceTest, OurWalletDisclosesOnlyWhatWasAsked) {
  auto started = StartOid4vp(SdJwtPolicy(R"(["realName"])"));
  auto request = Resolve(started.url);
  const std::string presented = Presentation(issuer_.Issue(holder_), request);
  auto parts = credentials::SplitSdJwt(presented);
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->disclosures.size(), 1u);
  EXPECT_EQ(credentials::ParseDisclosure(parts->disclosures[0])->name, "realName");
  EXPECT_FALSE(parts->kb_jwt.empty());
  auto r = Respond(request, presented);
  ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "");
  EXPECT_EQ(common::ToJson(Result(started.id)["credentials"][0]["claims"]),
            R"({"realName":"Megan Bowen"})");
}

TEST_P(Oid4vpServiceTest, ARequestSurvivesARestart) {
  auto started = StartOid4vp(SdJwtPolicy());
  auto request = Resolve(started.url);
  const std::string presented = Presentation(issuer_.Issue(holder_), request);
  // A new service over the same database and keys, as after a restart.
  oid4vp_ = NewOid4vpService();
  service_->SetOpenId4Vp(oid4vp_.get());
  oid4vp_ptr_ = oid4vp_.get();
  EXPECT_EQ(Resolve(started.url).nonce, request.nonce);
  auto r = Respond(request, presented);
  ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "");
  EXPECT_EQ(StatusOf(started.id), "presentation_verified");
}

TEST_P(Oid4vpServiceTest, ARotatedKeyStillVerifiesEarlierRequests) {
  auto started = StartOid4vp(SdJwtPolicy());
  ASSERT_TRUE(keys_.Rotate(verifier::kOid4vpKeyPurpose));
  EXPECT_EQ(Resolve(started.url).state.empty(), false);  // the old key is still in did.json
  auto fresh = StartOid4vp(SdJwtPolicy());
  EXPECT_FALSE(Resolve(fresh.url).nonce.empty());
}

TEST_P(Oid4vpServiceTest, TheWalletsErrorResponseEndsTheRequest) {
  auto started = StartOid4vp(SdJwtPolicy());
  auto request = Resolve(started.url);
  auto r = common::PostForm(http_, request.response_uri,
                            {{"error", "access_denied"},
                             {"error_description", "no such credential"},
                             {"state", request.state}});
  ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "");
  EXPECT_EQ(ErrorCodeOf(started.id), "wallet_error");
  // Our wallet sends it too when it holds nothing that matches.
  auto other = StartOid4vp(SdJwtPolicy());
  auto refused = wallet4vp_.Present(holder_, {}, other.url);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "query");
  EXPECT_EQ(ErrorCodeOf(other.id), "wallet_error");
}

TEST_P(Oid4vpServiceTest, AnUnknownStateChangesNothing) {
  auto started = StartOid4vp(SdJwtPolicy());
  auto request = Resolve(started.url);
  request.state = "not-a-state";
  auto r = Respond(request, Presentation(issuer_.Issue(holder_), request));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(OAuthError(r).first, "invalid_request");
  EXPECT_EQ(StatusOf(started.id), "request_retrieved");
  EXPECT_EQ(issuer_.metadata_fetches(), 0);  // nothing fetched for an unbound response
}

TEST_P(Oid4vpServiceTest, AnExpiredRequestIsNotAnswered) {
  auto started = StartOid4vp(SdJwtPolicy());
  auto request = Resolve(started.url);
  const std::string presented = Presentation(issuer_.Issue(holder_), request);
  clock_.Advance(301);
  auto r = Respond(request, presented);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(OAuthError(r).second, "the request has expired");
  EXPECT_EQ(StatusOf(started.id), "expired");
  EXPECT_EQ(common::Get(http_, vbase_ + "/oid4vp/requests/" + request.state)->status, 410);
}

TEST_P(Oid4vpServiceTest, EntraCallbacksCannotTouchAnOpenId4VpRequest) {
  auto started = StartOid4vp(SdJwtPolicy());
  auto r = Callback(R"({"requestStatus":"presentation_error","state":")" + StateOf(started.id) +
                    R"(","error":{"code":"x"}})");
  ASSERT_TRUE(r && r->status == 200);
  EXPECT_EQ(StatusOf(started.id), "request_created");
}

TEST_P(Oid4vpServiceTest, TheProtocolMustFitThePolicy) {
  auto bad = Api("POST", "/api/verifier/presentation-requests",
                 R"({"protocol":"siop","policy":"identity"})");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find(R"("field":"protocol")"), std::string::npos) << bad->body;
  auto entra_only = Api("POST", "/api/verifier/presentation-requests",
                        R"({"protocol":"openid4vp","policy":"identity"})");
  EXPECT_NE(entra_only->body.find("policy_protocol_mismatch"), std::string::npos);
  auto sd_only = Api("POST", "/api/verifier/presentation-requests",
                     R"({"protocol":"entra","policy":)" + SdJwtPolicy() + "}");
  EXPECT_EQ(sd_only->status, 400);
  EXPECT_NE(sd_only->body.find("policy_protocol_mismatch"), std::string::npos);
  service_->SetOpenId4Vp(nullptr);
  auto off = Api("POST", "/api/verifier/presentation-requests",
                 R"({"protocol":"openid4vp","policy":)" + SdJwtPolicy() + "}");
  EXPECT_NE(off->body.find("protocol_unavailable"), std::string::npos);
}

TEST_P(Oid4vpServiceTest, OnePolicyServesBothProtocols) {
  const std::string both =
      R"({"id":"both","requestedCredentials":[{"type":"VerifiedIdentity","acceptedIssuers":[")" +
      authority() + R"("]},)" + SdJwtPolicy().substr(SdJwtPolicy().find("{\"format\""));
  ASSERT_EQ(both.back(), '}');
  auto entra = Api("POST", "/api/verifier/presentation-requests", R"({"policy":)" + both + "}");
  ASSERT_TRUE(entra && entra->status == 201) << (entra ? entra->body : "");
  EXPECT_NE(entra->body.find("openid-vc://"), std::string::npos);
  auto started = StartOid4vp(both);
  ASSERT_TRUE(wallet4vp_.Present(holder_, {issuer_.Issue(holder_)}, started.url).ok());
  EXPECT_EQ(StatusOf(started.id), "presentation_verified");
}

VC_INSTANTIATE_BACKENDS(Oid4vpServiceTest);

}  // namespace
}  // namespace vc::testing
