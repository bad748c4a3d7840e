// vcserver's embedded Request Service: served on the bound port, with the
// generated client usable through the token endpoint and through vcctl.
#include <gtest/gtest.h>

#include <fstream>

#include "common/base/json.h"
#include "common/http/http_client.h"
#include "common/http/url.h"
#include "server/app.h"
#include "tests/support/run.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

TEST(EmbeddedRequestService, ServedWithAGeneratedClient) {
  TempDir dir;
  const std::string data = dir.File("var");
  server::App app({"", data, "127.0.0.1:0"});
  app.Start();
  common::CurlHttpClient http;
  auto did = common::Get(http, app.BaseUrl() + "/.well-known/did.json");
  ASSERT_TRUE(did.ok());
  EXPECT_EQ(did->status, 200);
  EXPECT_NE(did->body.find(common::DidWebFromUrl(app.BaseUrl())), std::string::npos) << did->body;

  const std::string secret = app.config().request_service.clients.at(0).client_secret;
  auto token = common::PostForm(http, app.BaseUrl() + "/oauth2/v2.0/token",
                                {{"grant_type", "client_credentials"},
                                 {"client_id", "vcserver-local"},
                                 {"client_secret", secret},
                                 {"scope", "3db474b9-6a0c-4840-96ac-1fceb342124f/.default"}});
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->status, 200) << token->body;

  auto cli = RunBinary("vcctl", {"request-service", "token", "--data-dir", data});
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  std::string bearer = cli.output.substr(0, cli.output.find('\n'));
  auto created = common::PostJson(
      http, app.BaseUrl() + "/v1.0/verifiableCredentials/createPresentationRequest", "{}",
      {{"Authorization", "Bearer " + bearer}});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->status, 400) << created->body;  // authenticated; the body is what is wrong
  EXPECT_NE(created->body.find("badOrMissingField"), std::string::npos);
  app.Stop();
}

// An https publicBaseUrl names a TLS terminator in front of the port 0
// listener: the Request Service keeps it for its DID, manifests and the
// OpenID configuration MSAL discovers, instead of the bound http address.
TEST(EmbeddedRequestService, HttpsPublicBaseUrlIsKeptOnPortZero) {
  TempDir dir;
  const std::string config = dir.File("config.json");
  std::ofstream(config) << R"({"environment":"test","listen":"127.0.0.1:0",)"
                        << R"("publicBaseUrl":"https://idv.example","dataDir":")" << dir.File("var")
                        << R"("})";
  server::App app({config, "", ""});
  app.Start();
  common::CurlHttpClient http;
  auto did = common::Get(http, app.BaseUrl() + "/.well-known/did.json");
  ASSERT_TRUE(did.ok());
  EXPECT_NE(did->body.find(R"("id":"did:web:idv.example")"), std::string::npos) << did->body;
  auto oidc = common::Get(http, app.BaseUrl() + "/local/v2.0/.well-known/openid-configuration");
  ASSERT_TRUE(oidc.ok());
  auto doc = common::ParseJsonObject(oidc->body);
  ASSERT_TRUE(doc) << oidc->body;
  EXPECT_EQ(common::GetString(*doc, "token_endpoint"),
            "https://idv.example/local/oauth2/v2.0/token");
  app.Stop();
}

}  // namespace
}  // namespace vc::testing
