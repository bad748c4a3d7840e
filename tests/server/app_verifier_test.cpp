// vcserver's verifier end to end, as an operator runs it: the issuance flow
// (jumpstart, sandbox proofing, the embedded Request Service) issues a
// VerifiedIdentity credential to build/bin/vcwallet, the
// application asks for it with its API key and the default policy (type
// VerifiedIdentity from the embedded authority), `vcwallet present` answers, and the
// verified claims appear in the result. Real HTTP on port 0; callbacks flow through
// the server's own outbox workers, so the test polls with a deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/http/http_client.h"
#include "server/app.h"
#include "tests/server/issuance_flow.h"
#include "tests/support/run.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

constexpr const char* kKey = "contoso-backend-key";

class AppVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string config = dir_.File("config.json");
    std::ofstream(config)
        << R"({"listen":"127.0.0.1:0","publicBaseUrl":"http://127.0.0.1:0","dataDir":")" +
               dir_.File("var") +
               R"(","apiKeys":[{"id":"contoso-backend","org":"contoso",)"
               R"("role":"app","hash":"sha256:)" +
               common::HexEncode(common::Sha256(kKey)) + R"("}]})";
    app_ = std::make_unique<server::App>(server::AppOptions{config, "", ""});
    app_->Start();
    base_ = app_->BaseUrl();
  }
  void TearDown() override { app_->Stop(); }

  CommandResult Wallet(std::vector<std::string> args) {
    args.insert(args.begin(), {"--wallet", dir_.File("wallet.json")});
    return RunBinary("vcwallet", args);
  }

  // A credential through the issuer's whole flow: `vcctl jumpstart mint` link →
  // sandbox proofing → the issuance page's deep link → `vcwallet accept` → the
  // page's status turns to issuance_successful → back to the demo RP as "issued".
  void IssueThroughTheIssuanceFlow(const std::string& real_name) {
    Journey journey(base_);
    journey.Start(Journey::DemoRpKey(dir_.File("var")), base_ + "/demo/rp/done");
    ASSERT_EQ(journey.ProofAndContinue(real_name), "/issuance/" + journey.session());
    const std::string id = journey.IssuanceId();
    auto accepted = Wallet({"accept", journey.DeepLink()});
    ASSERT_EQ(accepted.exit_code, 0) << accepted.output;
    ASSERT_EQ(journey.WaitForStatus(id, "issuance_successful"), "issuance_successful");
    auto back = journey.Send("POST", "/issuance/" + journey.session() + "/continue", "");
    ASSERT_EQ(back.status, 303) << back.body;
    EXPECT_EQ(
        journey.VerifiedReturn(std::string(back.Header("location").value_or(""))).Get("status"),
        "issued");
  }

  common::Result<common::HttpResponse> Api(const std::string& method, const std::string& path,
                                           const std::string& body = "") {
    common::HttpRequest req;
    req.method = method;
    req.url = base_ + path;
    req.body = body;
    req.headers = {{"Authorization", std::string("Bearer ") + kKey},
                   {"Content-Type", "application/json"}};
    return http_.Send(req);
  }

  // Polls GET …/{id} until the status is `want` or 10 s pass; returns the last body.
  std::string WaitFor(const std::string& id, const std::string& want) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::string body;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = Api("GET", "/api/verifier/presentation-requests/" + id);
      body = r ? r->body : "";
      auto doc = common::ParseJsonObject(body);
      if (doc && common::GetString(*doc, "status") == want) return body;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return body;
  }

  TempDir dir_;
  common::CurlHttpClient http_;
  std::unique_ptr<server::App> app_;
  std::string base_;
};

TEST_F(AppVerifierTest, IssuedCredentialPresentedWithVcwalletIsVerified) {
  IssueThroughTheIssuanceFlow("Megan Bowen");
  if (HasFatalFailure()) return;

  auto created = Api("POST", "/api/verifier/presentation-requests", R"({"policy":"onboarding"})");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  auto doc = common::ParseJsonObject(created->body);
  const std::string id(common::GetString(*doc, "id").value_or(""));
  const std::string url(common::GetString(*doc, "url").value_or(""));
  EXPECT_TRUE(common::GetString(*doc, "qr").value_or("").starts_with("data:image/png;base64,"));

  auto presented = Wallet({"present", url});
  ASSERT_EQ(presented.exit_code, 0) << presented.output;
  auto result = common::ParseJsonObject(WaitFor(id, "presentation_verified"));
  ASSERT_TRUE(result);
  ASSERT_EQ(common::GetString(*result, "status"), "presentation_verified")
      << common::ToJson(*result);
  const auto& c = (*result)["credentials"][0];
  EXPECT_EQ(common::GetString(c, "issuer"), common::DidWebFromUrl(base_));
  EXPECT_EQ(std::string(c["claims"]["realName"].GetString()), "Megan Bowen");
  EXPECT_EQ(common::GetString(c, "revocationStatus"), "VALID");
  EXPECT_TRUE(common::GetString(*result, "subject").value_or("").starts_with("did:jwk:"));
}

TEST_F(AppVerifierTest, CallbackNeedsTheApiKeyAndTheDemoPageIsAnnounced) {
  auto r = common::PostJson(http_, base_ + "/api/verifier/callback",
                            R"({"requestStatus":"presentation_verified","state":"x"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(common::Get(http_, base_ + "/verifier")->status, 200);
  EXPECT_NE(app_->Greeting().find(base_ + "/verifier"), std::string::npos) << app_->Greeting();
}

}  // namespace
}  // namespace vc::testing
