// The issuance journey with the issuer in remote mode, as against Microsoft
// Entra: a local stand-in (tests/fakes/entra_gateway.h) requires bearer tokens
// from its own OAuth token endpoint and forwards to a second vcserver running
// only the embedded Request Service, which also serves the wallet and sends the
// callbacks (to the issuer on loopback, which its outbound.allow lists).
// Exercises the issuer's OAuth client: token caching, and a 401 on a token that
// expired at the gateway followed by exactly one refresh.
#include <gtest/gtest.h>

#include <fstream>

#include "common/config/config.h"
#include "server/app.h"
#include "tests/fakes/entra_gateway.h"
#include "tests/server/issuance_flow.h"
#include "tests/support/run.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

std::string Write(const TempDir& dir, const std::string& name, const std::string& json) {
  const std::string path = dir.File(name);
  std::ofstream(path) << json;
  return path;
}

class RemoteIssuanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<server::App>(server::AppOptions{
        Write(dir_, "backend.json",
              R"({"listen":"127.0.0.1:0","dataDir":")" + dir_.File("backend") + R"(",
          "roles":["requestService"],
          "requestService":{"clients":[{"clientId":"gateway","clientSecret":"gw-secret",
                                        "roles":["VerifiableCredential.Create.All"]}]},
          "outbound":{"allow":["127.0.0.0/8"]}})"),
        "", ""});
    backend_->Start();
    const common::Config& b = backend_->config();
    credentials::RequestServiceClientOptions to_backend;
    to_backend.base_url = b.request_service.base_url;
    to_backend.token_url = b.request_service.token_url;
    to_backend.client_id = "gateway";
    to_backend.client_secret = "gw-secret";
    gateway_ = std::make_unique<EntraGateway>("issuer-app", "issuer-secret", to_backend);
    issuer_ = std::make_unique<server::App>(server::AppOptions{
        Write(dir_, "issuer.json",
              R"({"listen":"127.0.0.1:0","dataDir":")" + dir_.File("issuer") + R"(",
          "roles":["issuer"],
          "requestService":{"mode":"remote","baseUrl":")" +
                  gateway_->api_base() + R"(",
            "tokenUrl":")" +
                  gateway_->token_url() + R"(","clientId":"issuer-app",
            "clientSecret":"issuer-secret","authority":")" +
                  b.request_service.authority + R"("},
          "contracts":[{"id":"VerifiedIdentity","claims":[{"inputClaim":"realName","required":true},
            {"inputClaim":"idCardType"}],"manifestUrl":")" +
                  b.contracts[0].manifest_url + R"("}]})"),
        "", ""});
    issuer_->Start();
  }
  void TearDown() override {
    issuer_->Stop();
    backend_->Stop();
  }

  // One user from jumpstart link to the RP; returns the RP's status.
  std::string Journey1() {
    Journey j(issuer_->BaseUrl());
    j.Start(Journey::DemoRpKey(dir_.File("issuer")), issuer_->BaseUrl() + "/demo/rp/done");
    EXPECT_EQ(j.ProofAndContinue(), "/issuance/" + j.session());
    const std::string url = j.DeepLink();
    const std::string id = j.IssuanceId();
    EXPECT_EQ(url.rfind("openid-vc://?request_uri=" + backend_->BaseUrl() + "/v1.0/", 0), 0u)
        << url;
    auto accepted = RunBinary("vcwallet", {"--wallet", dir_.File("wallet.json"), "accept", url});
    EXPECT_EQ(accepted.exit_code, 0) << accepted.output;
    EXPECT_EQ(j.WaitForStatus(id, "issuance_successful"), "issuance_successful");
    auto back = j.Send("POST", "/issuance/" + j.session() + "/continue", "");
    EXPECT_EQ(back.status, 303) << back.body;
    return std::string(j.VerifiedReturn(std::string(back.Header("location").value_or("")))
                           .Get("status")
                           .value_or(""));
  }

  TempDir dir_;
  std::unique_ptr<server::App> backend_;
  std::unique_ptr<EntraGateway> gateway_;
  std::unique_ptr<server::App> issuer_;
};

TEST_F(RemoteIssuanceTest, IssuesThroughTheGatewayAndRefreshesAnExpiredTokenOnce) {
  EXPECT_EQ(Journey1(), "issued");
  EXPECT_EQ(gateway_->token_requests(), 1);
  EXPECT_EQ(gateway_->unauthorized(), 0);
  EXPECT_EQ(gateway_->forwarded(), 1);

  // Still cached by the client, but no longer accepted: one 401, one refresh.
  gateway_->ExpireTokens();
  EXPECT_EQ(Journey1(), "issued");
  EXPECT_EQ(gateway_->unauthorized(), 1);
  EXPECT_EQ(gateway_->token_requests(), 2);
  EXPECT_EQ(gateway_->forwarded(), 2);
}

}  // namespace
}  // namespace vc::testing
