// The embedded tenant's OAuth surface as MSAL and Entra's samples use it: the
// scope MSAL 1.x sends, charset in the Content-Type, Entra's error fields, the
// OpenID configuration and the tenant-scoped token endpoint, and tokens that
// carry only the roles of the resource they are for.
#include "request_service/token_routes.h"

#include <gtest/gtest.h>

#include "common/base/base64url.h"
#include "request_service/fixture.h"

namespace vc::testing {
namespace {

using request_service::kAdminResourceAppId;
using request_service::kResourceAppId;

class TokenRoutesTest : public RequestServiceFixture {
 protected:
  common::Result<common::HttpResponse> Form(
      const std::string& path, const std::string& body,
      const std::string& type = "application/x-www-form-urlencoded",
      common::HttpHeaders extra = {}) {
    common::HttpRequest req;
    req.method = "POST";
    req.url = base_ + path;
    req.body = body;
    req.headers = std::move(extra);
    req.headers.emplace_back("Content-Type", type);
    return http_.Send(req);
  }
  static std::string Body(const std::string& client, const std::string& secret,
                          const std::string& scope) {
    return "grant_type=client_credentials&client_id=" + client + "&client_secret=" + secret +
           "&scope=" + common::PercentEncode(scope);
  }
  // The decoded payload of the access token in a 200 answer.
  static rapidjson::Document Claims(const common::HttpResponse& r) {
    auto doc = common::ParseJsonObject(r.body);
    const std::string token(common::GetString(*doc, "access_token").value_or(""));
    const std::string payload =
        token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1);
    rapidjson::Document claims;
    auto json = common::Base64UrlDecode(payload);
    claims.Parse(json.ok() ? json->c_str() : "");
    return claims;
  }
  // The fields Entra puts in every OAuth error.
  static void ExpectEntraError(const common::Result<common::HttpResponse>& r, int status,
                               const std::string& error, int64_t aadsts) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    auto doc = common::ParseJsonObject(r->body);
    ASSERT_TRUE(doc) << r->body;
    EXPECT_EQ(common::GetString(*doc, "error"), error);
    const std::string description(common::GetString(*doc, "error_description").value_or(""));
    EXPECT_EQ(description.rfind("AADSTS" + std::to_string(aadsts) + ": ", 0), 0u) << description;
    EXPECT_NE(description.find("\r\nTrace ID: "), std::string::npos);
    const auto* codes = common::GetArray(*doc, "error_codes");
    ASSERT_TRUE(codes && codes->Size() == 1 && (*codes)[0].IsInt64()) << r->body;
    EXPECT_EQ((*codes)[0].GetInt64(), aadsts);
    EXPECT_EQ(common::GetString(*doc, "timestamp").value_or("").size(), 20u) << r->body;
    EXPECT_EQ(common::GetString(*doc, "trace_id").value_or("").size(), 36u);
    EXPECT_EQ(common::GetString(*doc, "correlation_id").value_or("").size(), 36u);
  }
};

TEST_P(TokenRoutesTest, AcceptsTheScopeAndContentTypeMsalSends) {
  // msal-node 1.3.1's scope list and its charset parameter.
  const std::string scope = std::string(kResourceAppId) + "/.default openid profile offline_access";
  auto r = Form("/oauth2/v2.0/token", Body("app", "app-secret", scope),
                "application/x-www-form-urlencoded;charset=utf-8");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto doc = common::ParseJsonObject(r->body);
  EXPECT_EQ(common::GetString(*doc, "token_type"), "Bearer");
  EXPECT_EQ(common::GetInt64(*doc, "ext_expires_in"), 3600);
  EXPECT_EQ(Claims(*r)["aud"].GetString(), std::string(kResourceAppId));
  // The same through the tenant-scoped path MSAL's discovery names.
  EXPECT_EQ(Form("/local/oauth2/v2.0/token", Body("app", "app-secret", scope))->status, 200);
}

TEST_P(TokenRoutesTest, RefusalsCarryEntraFields) {
  const std::string rs = std::string(kResourceAppId) + "/.default";
  ExpectEntraError(Form("/oauth2/v2.0/token", Body("app", "app-secret", "openid profile")), 400,
                   "invalid_scope", 1002012);
  ExpectEntraError(Form("/oauth2/v2.0/token",
                        Body("app", "app-secret", rs + " " + kAdminResourceAppId + "/.default")),
                   400, "invalid_scope", 28000);
  ExpectEntraError(Form("/oauth2/v2.0/token", Body("app", "app-secret", "other/.default")), 400,
                   "invalid_resource", 500011);
  ExpectEntraError(Form("/oauth2/v2.0/token", Body("app", "wrong", rs)), 401, "invalid_client",
                   7000215);
  ExpectEntraError(Form("/oauth2/v2.0/token", "client_id=app&scope=x"), 400, "invalid_request",
                   900144);
  ExpectEntraError(Form("/oauth2/v2.0/token",
                        "grant_type=password&client_id=app&scope=" + common::PercentEncode(rs)),
                   400, "unsupported_grant_type", 70003);
  ExpectEntraError(Form("/oauth2/v2.0/token", "{}", "application/json"), 415, "invalid_request",
                   900144);
  ExpectEntraError(Form("/contoso/oauth2/v2.0/token", Body("app", "app-secret", rs)), 400,
                   "invalid_tenant", 90002);
  // The client's correlation id comes back, as Entra echoes client-request-id.
  const std::string id = "0a1b2c3d-0000-4000-8000-00000000abcd";
  auto r = Form("/oauth2/v2.0/token", Body("app", "wrong", rs), "application/x-www-form-urlencoded",
                {{"client-request-id", id}});
  EXPECT_EQ(common::GetString(*common::ParseJsonObject(r->body), "correlation_id"), id);
}

TEST_P(TokenRoutesTest, OpenIdConfigurationForMsalDiscovery) {
  auto r = common::Get(http_, base_ + "/local/v2.0/.well-known/openid-configuration");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto doc = common::ParseJsonObject(r->body);
  ASSERT_TRUE(doc);
  EXPECT_EQ(common::GetString(*doc, "issuer"), base_ + "/local/v2.0");
  EXPECT_EQ(common::GetString(*doc, "token_endpoint"), base_ + "/local/oauth2/v2.0/token");
  EXPECT_EQ(common::GetString(*doc, "authorization_endpoint"),
            base_ + "/local/oauth2/v2.0/authorize");
  EXPECT_EQ(common::GetString(*doc, "end_session_endpoint"), base_ + "/local/oauth2/v2.0/logout");
  EXPECT_EQ(common::GetString(*doc, "jwks_uri"), base_ + "/local/discovery/v2.0/keys");
  EXPECT_FALSE(common::GetString(*doc, "tenant_region_scope").value_or("").empty());
  auto keys = common::Get(http_, base_ + "/local/discovery/v2.0/keys");
  EXPECT_EQ(keys->body, R"({"keys":[]})");
  ExpectEntraError(common::Get(http_, base_ + "/other/v2.0/.well-known/openid-configuration"), 400,
                   "invalid_tenant", 90002);
}

// Entra's split: the Request Service scope carries only Create.* roles (the
// samples compare `roles == "VerifiableCredential.Create.All"`), revocation
// needs the Admin API's scope.
TEST_P(TokenRoutesTest, RolesFollowTheResource) {
  tokens_ = std::make_unique<request_service::TokenService>(
      std::vector<common::RequestServiceClient>{
          {"both", "s", {request_service::kRoleCreateAll, request_service::kRoleRevoke}}},
      std::string(32, 'k'), "local", clock_, base_);
  PublishParts();
  auto rs =
      Form("/oauth2/v2.0/token", Body("both", "s", std::string(kResourceAppId) + "/.default"));
  ASSERT_EQ(rs->status, 200) << rs->body;
  const auto rs_claims = Claims(*rs);
  ASSERT_TRUE(rs_claims["roles"].IsArray());
  ASSERT_EQ(rs_claims["roles"].Size(), 1u);
  EXPECT_EQ(std::string(rs_claims["roles"][0].GetString()), request_service::kRoleCreateAll);
  auto admin =
      Form("/oauth2/v2.0/token", Body("both", "s", std::string(kAdminResourceAppId) + "/.default"));
  ASSERT_EQ(admin->status, 200) << admin->body;
  const auto admin_claims = Claims(*admin);
  EXPECT_EQ(std::string(admin_claims["aud"].GetString()), kAdminResourceAppId);
  ASSERT_EQ(admin_claims["roles"].Size(), 1u);
  EXPECT_EQ(std::string(admin_claims["roles"][0].GetString()), request_service::kRoleRevoke);

  const std::string bearer_rs =
      std::string(common::GetString(*common::ParseJsonObject(rs->body), "access_token").value());
  const std::string bearer_admin =
      std::string(common::GetString(*common::ParseJsonObject(admin->body), "access_token").value());
  const std::string revoke = "/v1.0/verifiableCredentials/credentials/urn:pic:none/revoke";
  EXPECT_EQ(Post(revoke, "{}", bearer_rs)->status, 401);
  EXPECT_EQ(Post(revoke, "{}", bearer_admin)->status, 404);  // authorised; no such credential
  EXPECT_EQ(Post("/v1.0/verifiableCredentials/createIssuanceRequest", IssuanceBody(), bearer_admin)
                ->status,
            401);
  EXPECT_EQ(
      Post("/v1.0/verifiableCredentials/createIssuanceRequest", IssuanceBody(), bearer_rs)->status,
      201);
}

VC_INSTANTIATE_SQLITE(TokenRoutesTest);

}  // namespace
}  // namespace vc::testing
