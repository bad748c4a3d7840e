// The create APIs over HTTP: tokens and roles, the 201 response, the error
// envelope and the checks that need the service's own state.
#include <gtest/gtest.h>

#include "common/base/base64url.h"
#include "request_service/api_error.h"
#include "request_service/fixture.h"

namespace vc::testing {
namespace {

class ApiTest : public RequestServiceFixture {
 protected:
  // The envelope of a failed call: status, innererror code/target/message.
  void ExpectEnvelope(const common::Result<common::HttpResponse>& r, int status,
                      const std::string& outer, const std::string& code, const std::string& target,
                      const std::string& message_part = "") {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    auto doc = common::ParseJsonObject(r->body);
    ASSERT_TRUE(doc) << r->body;
    EXPECT_TRUE(common::GetString(*doc, "requestId"));
    EXPECT_NE(common::GetString(*doc, "date").value_or("").find("GMT"), std::string::npos);
    EXPECT_FALSE(common::GetString(*doc, "mscv").value_or("").empty());
    const auto& e = (*doc)["error"];
    EXPECT_EQ(common::GetString(e, "code"), outer);
    EXPECT_EQ(common::GetString(e, "message"), request_service::OuterMessage(status));
    const auto& inner = e["innererror"];
    EXPECT_EQ(common::GetString(inner, "code"), code);
    EXPECT_EQ(std::string(common::GetString(inner, "target").value_or("")), target);
    EXPECT_NE(std::string(common::GetString(inner, "message").value_or("")).find(message_part),
              std::string::npos)
        << r->body;
  }
  const std::string kIssue = "/v1.0/verifiableCredentials/createIssuanceRequest";
  const std::string kPresent = "/v1.0/verifiableCredentials/createPresentationRequest";
};

TEST_P(ApiTest, TokenEndpoint) {
  auto form = [&](const std::string& grant, const std::string& secret, const std::string& scope) {
    return common::PostForm(
        http_, base_ + "/oauth2/v2.0/token",
        {{"grant_type", grant}, {"client_id", "app"}, {"client_secret", secret}, {"scope", scope}});
  };
  const std::string scope = std::string(request_service::kResourceAppId) + "/.default";
  auto ok = form("client_credentials", "app-secret", scope);
  ASSERT_EQ(ok->status, 200);
  auto doc = common::ParseJsonObject(ok->body);
  EXPECT_EQ(common::GetString(*doc, "token_type"), "Bearer");
  EXPECT_EQ(common::GetInt64(*doc, "expires_in"), 3600);
  EXPECT_EQ(form("client_credentials", "wrong", scope)->status, 401);
  EXPECT_NE(form("client_credentials", "wrong", scope)->body.find("invalid_client"),
            std::string::npos);
  EXPECT_EQ(form("password", "app-secret", scope)->status, 400);
  EXPECT_EQ(form("client_credentials", "app-secret", "other/.default")->status, 400);
}

TEST_P(ApiTest, BearerTokenAndRoles) {
  ExpectEnvelope(Post(kIssue, IssuanceBody(), ""), 401, "unauthorized", "tokenError", "");
  ExpectEnvelope(Post(kIssue, IssuanceBody(), "not.a.token"), 401, "unauthorized", "tokenError",
                 "");
  ExpectEnvelope(Post(kIssue, IssuanceBody(), Token("no-roles")), 401, "unauthorized",
                 "invalid_aad_access_token", "", "Provided access token contains no roles.");
  ExpectEnvelope(Post(kPresent, PresentationBody(), Token("issuer-only")), 403, "forbidden",
                 "forbidden", "");
  EXPECT_EQ(Post(kIssue, IssuanceBody(), Token("issuer-only"))->status, 201);
  const std::string token = Token();
  clock_.Advance(3600 + 61);
  ExpectEnvelope(Post(kIssue, IssuanceBody(), token), 401, "unauthorized", "tokenError", "");
}

TEST_P(ApiTest, CreatedResponse) {
  auto r = Post(kIssue, IssuanceBody(R"(,"includeQRCode":true)"), Token());
  ASSERT_EQ(r->status, 201) << r->body;
  auto doc = common::ParseJsonObject(r->body);
  const std::string id(*common::GetString(*doc, "requestId"));
  const std::string url(*common::GetString(*doc, "url"));
  EXPECT_EQ(url, "openid-vc://?request_uri=" + base_ +
                     "/v1.0/tenants/local/verifiableCredentials/issuanceRequests/" + id);
  EXPECT_EQ(common::GetInt64(*doc, "expiry"), kStart + 300);
  const std::string qr(*common::GetString(*doc, "qrCode"));
  ASSERT_TRUE(qr.starts_with("data:image/png;base64,"));
  auto png = common::Base64Decode(qr.substr(22));
  ASSERT_TRUE(png);
  EXPECT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  auto p = Post(kPresent, PresentationBody(), Token());
  ASSERT_EQ(p->status, 201);
  auto pdoc = common::ParseJsonObject(p->body);
  EXPECT_FALSE(pdoc->HasMember("qrCode"));
  EXPECT_NE(std::string(*common::GetString(*pdoc, "url"))
                .find("/v1.0/local/verifiableCredentials/presentationRequests/"),
            std::string::npos);
}

TEST_P(ApiTest, ValidationErrorsAsEnvelopes) {
  ExpectEnvelope(Post(kIssue, IssuanceBody(R"(,"includeQRCode":"yes")"), Token()), 400,
                 "badRequest", "badOrMissingField", "includeQRCode",
                 "The request contains `includeQRCode`, but it is not boolean.");
  std::string body = IssuanceBody();
  body.replace(body.find(authority()), authority().size(), "did:web:someone.example");
  ExpectEnvelope(Post(kIssue, body, Token()), 400, "badRequest", "badOrMissingField", "authority",
                 "The request does not contain a valid authority DID.");
  body = IssuanceBody();
  body.replace(body.find("VerifiedIdentity/manifest"), 16, "NoSuchContract00");
  ExpectEnvelope(Post(kIssue, body, Token()), 400, "badRequest", "badOrMissingField", "manifest",
                 "contract");
  body = IssuanceBody();
  body.replace(body.find(R"("realName")"), 10, R"("nickName")");
  ExpectEnvelope(Post(kIssue, body, Token()), 400, "badRequest", "badOrMissingField",
                 "claims.realName", "required");
  ExpectEnvelope(Post(kIssue, IssuanceBody(R"(,"expirationDate":"2020-01-01T00:00:00Z")"), Token()),
                 400, "badRequest", "badOrMissingField", "expirationDate", "future");
  const std::string fc =
      R"(,"configuration":{"validation":{"faceCheck":{"sourcePhotoClaimName":"photo","matchConfidenceThreshold":70}}})";
  ExpectEnvelope(Post(kPresent, PresentationBody(fc), Token()), 400, "badRequest",
                 "faceCheckNotSupported",
                 "requestedCredentials[0].configuration.validation.faceCheck",
                 "FaceCheck cannot be performed");
}

TEST_P(ApiTest, ContentTypeAndManifestUrlAlias) {
  common::HttpRequest req{"POST",
                          base_ + kIssue,
                          {{"Authorization", "Bearer " + Token()}, {"Content-Type", "text/plain"}},
                          IssuanceBody()};
  ExpectEnvelope(http_.Send(req), 415, "unsupportedMediaType", "unsupportedMediaType", "");
  std::string alias = IssuanceBody();
  alias.replace(alias.find(R"("manifest")"), 10, R"("manifestUrl")");
  EXPECT_EQ(Post(kIssue, alias, Token())->status, 201);
}

TEST_P(ApiTest, ManifestAndRequestObjectsAreSignedByTheAuthority) {
  auto m = common::Get(http_, manifest());
  ASSERT_EQ(m->status, 200);
  auto doc = common::ParseJsonObject(m->body);
  auto verified =
      credentials::VerifyDidSignedJwt(*common::GetString(*doc, "token"), resolver_, "iss");
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(common::GetString(verified->payload["input"], "credentialIssuer"),
            service_->authority().IssueUrl());
  EXPECT_EQ(std::string(verified->payload["display"]["card"]["title"].GetString()),
            "Verified identity");
  ExpectEnvelope(
      common::Get(http_,
                  base_ + "/v1.0/tenants/local/verifiableCredentials/contracts/nope/manifest"),
      404, "notFound", "notFound", "contract");
  ExpectEnvelope(
      common::Get(http_, base_ + "/v1.0/tenants/local/verifiableCredentials/issuanceRequests/nope"),
      404, "notFound", "notFound", "request");
  const std::string uri = *credentials::RequestUriFromLink(
      Create("Presentation",
             PresentationBody(R"(,"constraints":[{"claimName":"realName","startsWith":"Me.g"}])")));
  auto obj = common::Get(http_, uri);
  ASSERT_EQ(obj->status, 200);
  EXPECT_EQ(obj->Header("content-type"), "application/jwt");
  auto req = credentials::VerifyDidSignedJwt(obj->body, resolver_, "client_id");
  ASSERT_TRUE(req) << req.error().message;
  const auto& field = req->payload["claims"]["vp_token"]["presentation_definition"]
                                  ["input_descriptors"][0]["constraints"]["fields"][0];
  EXPECT_EQ(std::string(field["filter"]["pattern"].GetString()), "^[mM][eE]\\.[gG]");
}

TEST_P(ApiTest, DidDocumentAndConfigurationAreServed) {
  auto did = common::Get(http_, base_ + "/.well-known/did.json");
  ASSERT_EQ(did->status, 200);
  auto parsed = keys::ParseDidDocument(authority(), did->body);
  ASSERT_TRUE(parsed) << parsed.error().message;
  auto conf = common::Get(http_, base_ + "/.well-known/did-configuration.json");
  ASSERT_EQ(conf->status, 200);
  auto origin = domains_.Verify(authority());
  ASSERT_TRUE(origin) << origin.error().message;
  EXPECT_EQ(*origin, base_ + "/");
}

TEST(EnvelopeTest, OuterCodesFollowTheSpecTable) {
  EXPECT_EQ(request_service::OuterCode(400), "badRequest");
  EXPECT_EQ(request_service::OuterCode(410), "gone");
  EXPECT_EQ(request_service::OuterMessage(410), "The requested resource is no longer available.");
  EXPECT_EQ(request_service::OuterCode(500), "internalServerError");
  EXPECT_EQ(request_service::HttpDate(1651231219), "Fri, 29 Apr 2022 11:20:19 GMT");
}

VC_INSTANTIATE_BACKENDS(ApiTest);

}  // namespace
}  // namespace vc::testing
