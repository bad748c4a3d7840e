// Issue 21 item 6: rate limits keyed by authenticated identity. Unsigned tokens
// naming the server's own Request Service client drained the shared create
// budget, so every org's issuance failed; failed logins naming a client
// drained its token budget. Client buckets now count only verified callers,
// and the process's own calls are exempt.
#include <gtest/gtest.h>

#include <ctime>
#include <string>

#include "common/base/base64url.h"
#include "common/base/json.h"
#include "common/http/url.h"
#include "common/jose/jwk.h"
#include "common/jose/jws.h"
#include "request_service/auth.h"
#include "tests/hostile/db_snapshot.h"
#include "tests/hostile/hostile_server.h"

namespace vc::testing {
namespace {

// Per IP generous (every test client is 127.0.0.1), per client a burst of 3.
HostileOptions TightClientLimits() {
  HostileOptions options;
  options.config["rateLimits"] = R"({"intake":{"perIp":0,"perOrg":0},)"
                                 R"("token":{"perIp":{"ratePerSecond":1000,"burst":1000},)"
                                 R"("perOrg":{"ratePerSecond":0.001,"burst":3}},)"
                                 R"("create":{"perIp":{"ratePerSecond":1000,"burst":1000},)"
                                 R"("perOrg":{"ratePerSecond":0.001,"burst":3}}})";
  return options;
}

// A token that claims to be `client`'s: unsigned ("alg":"none"), or signed with
// a key that is not the server's.
std::string ForgedToken(const std::string& client, bool unsigned_token) {
  common::JsonWriter w;
  w->StartObject();
  w.Member("aud", request_service::kResourceAppId);
  w.Member("appid", client);
  w.Member("tid", "local");
  w->Key("roles");
  w->StartArray();
  w->String(request_service::kRoleCreateAll);
  w->EndArray();
  w.Member("iat", static_cast<int64_t>(std::time(nullptr)));
  w.Member("exp", static_cast<int64_t>(std::time(nullptr)) + 3600);
  w->EndObject();
  if (unsigned_token) {
    return common::Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." +
           common::Base64UrlEncode(w.str()) + ".";
  }
  return common::SignCompact(common::Jwk::FromSecret("not-the-servers-key-0123456789abcdef"),
                             common::JwsAlg::kHS256, w.str())
      .value();
}

common::HttpResponse Create(HostileServer& server, const std::string& token) {
  common::HttpRequest req;
  req.method = "POST";
  req.url = "/v1.0/verifiableCredentials/createIssuanceRequest";
  req.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
  req.body = R"({"authority":"did:web:example","callback":{"url":"https://rp.example/cb",)"
             R"("state":"s"},"registration":{"clientName":"x"},"type":"VerifiedIdentity",)"
             R"("manifest":"https://rp.example/manifest","claims":{"realName":"A"}})";
  return server.Send(req);
}

TEST(HostileRateLimitKeys, ForgedTokensDoNotSpendAClientsCreateBudget) {
  HostileServer server(TightClientLimits());
  for (const char* client : {request_service::kEmbeddedClientId, kRsClient}) {
    for (int i = 0; i < 10; ++i) {
      const auto forged = Create(server, ForgedToken(client, i % 2 == 0));
      EXPECT_EQ(forged.status, 401) << client << " #" << i << ": " << forged.body;
    }
  }
  // The real client still has its whole burst (its own requests are limited).
  const std::string token = server.BearerToken();
  for (int i = 0; i < 3; ++i) EXPECT_NE(Create(server, token).status, 429) << "request " << i;
  EXPECT_EQ(Create(server, token).status, 429);
  // And this server's own issuer (the in-process client) still issues: a user's
  // journey shows its code, and five account offers pass a burst of 3.
  const auto [session, cookie] = server.OpenSession("after-the-flood");
  common::HttpRequest form;
  form.method = "POST";
  form.url = "/proofing/" + session;
  form.body = "realName=Mei%20Chen&idCardType=PRC_ID&idCardNumber=11010519491231002X";
  form.headers = {{"Cookie", cookie}, {"Content-Type", "application/x-www-form-urlencoded"}};
  ASSERT_EQ(server.Send(form).status, 303);
  form.url = "/proofing/" + session + "/continue";
  form.body = "";
  ASSERT_EQ(server.Send(form).status, 303);
  common::HttpRequest page;
  page.url = "/issuance/" + session;
  page.headers = {{"Cookie", cookie}};
  const auto shown = server.Send(page);
  EXPECT_EQ(shown.status, 200) << shown.body.substr(0, 500);
  EXPECT_NE(shown.body.find("openid-vc://"), std::string::npos);
  const common::HttpHeaders admin = {{"Authorization", std::string("Bearer ") + kAdminKey},
                                     {"Content-Type", "application/json"}};
  for (int i = 0; i < 5; ++i) {
    const std::string user = "/api/users/contoso/account-" + std::to_string(i);
    common::HttpRequest req;
    req.method = "PATCH";
    req.url = user;
    req.body = R"({"realName":"Mei Chen","idCardType":"PRC_ID",)"
               R"("idCardNumber":"11010519491231002X"})";
    req.headers = admin;
    ASSERT_EQ(server.Send(req).status, 200);
    req.method = "POST";
    req.url = "/api/verify-identification?owner=contoso&name=account-" + std::to_string(i);
    req.body = "";
    ASSERT_EQ(server.Send(req).status, 200);
    req.url = user + "/credential";
    const auto offer = server.Send(req);
    EXPECT_EQ(offer.status, 201) << offer.body;
  }
}

TEST(HostileRateLimitKeys, WrongSecretsDoNotSpendAClientsTokenBudget) {
  HostileServer server(TightClientLimits());
  common::CurlHttpClient http;
  for (int i = 0; i < 10; ++i) {
    auto refused = common::PostForm(http, server.base() + "/oauth2/v2.0/token",
                                    {{"grant_type", "client_credentials"},
                                     {"client_id", kRsClient},
                                     {"client_secret", "guess-" + std::to_string(i)},
                                     {"scope", kRsScope}});
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ(refused->status, 401) << refused->body;
  }
  EXPECT_FALSE(server.BearerToken().empty());
}

}  // namespace
}  // namespace vc::testing
